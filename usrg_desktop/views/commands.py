"""Menu commands of the main window, each a function here that imports its screen's module
when the user first picks it (so start-up does not load every screen) and a type checker or an
editor follows to the screen's own function.

An area adds a command as one function below and one line in `MENU_COMMANDS`; the function is
called with the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass(frozen=True)
class MenuCommand:
    """One menu entry: the menu's title, the entry's text, what it runs, and its shortcut."""

    menu: str
    text: str
    run: Callable[[MainWindow], object]
    shortcut: str = ""

    @property
    def name(self) -> str:
        """A stable object name for tests: the command's function name."""
        return self.run.__name__


# -- the commands (each imports its screen when first used) ----------------------------------
def sign_out(window: MainWindow) -> object:
    from .sign_out import sign_out as run

    return run(window)


def import_applications(window: MainWindow) -> object:
    from .rounds_view import import_applications as run

    return run(window)


def export_review_packets(window: MainWindow) -> object:
    from .review_exchange import export_review_packets as run

    return run(window)


def import_scores_files(window: MainWindow) -> object:
    from .review_exchange import import_scores_files as run

    return run(window)


def mail_command(window: MainWindow) -> object:
    from .mail_dialog import mail_command as run

    return run(window)


def edit_mail_server(window: MainWindow) -> object:
    from .outbox_view import edit_mail_server as run

    return run(window)


def change_my_password(window: MainWindow) -> object:
    from .accounts_view import change_my_password as run

    return run(window)


def open_ranking(window: MainWindow) -> object:
    from .reviews_view import open_ranking as run

    return run(window)


def assign_automatically(window: MainWindow) -> object:
    from .reviews_view import assign_automatically as run

    return run(window)


def edit_round_rubric(window: MainWindow) -> object:
    from .rubric_editor import edit_round_rubric as run

    return run(window)


def print_meeting_pack(window: MainWindow) -> object:
    from .meeting_print import print_meeting_pack as run

    return run(window)


def print_agenda(window: MainWindow) -> object:
    from .meeting_print import print_agenda as run

    return run(window)


def show_overdue(window: MainWindow) -> object:
    from .awards_view import show_overdue as run

    return run(window)


def open_fund_report(window: MainWindow) -> object:
    from .fund_report_view import open_fund_report as run

    return run(window)


def issue_letters_for_round(window: MainWindow) -> object:
    from .letters_view import issue_letters_for_round as run

    return run(window)


def letter_templates(window: MainWindow) -> object:
    from .letters_view import letter_templates as run

    return run(window)


def letter_register(window: MainWindow) -> object:
    from .letters_view import letter_register as run

    return run(window)


def letterhead(window: MainWindow) -> object:
    from .letters_view import letterhead as run

    return run(window)


def edit_mail_templates(window: MainWindow) -> object:
    from .outbox_view import edit_mail_templates as run

    return run(window)


def getting_started(window: MainWindow) -> object:
    from .getting_started import getting_started as run

    return run(window)


MENU_COMMANDS: tuple[MenuCommand, ...] = (
    # Add commands below, one per line, grouped by area.
    MenuCommand("File", "Sign &out / switch user…", sign_out, "Ctrl+Shift+Q"),
    MenuCommand("File", "&Import applications…", import_applications, "Ctrl+I"),
    MenuCommand("File", "Export review &packets…", export_review_packets, "Ctrl+Shift+E"),
    MenuCommand("File", "Import &scores…", import_scores_files, "Ctrl+Shift+O"),
    MenuCommand("File", "E-&mail…", mail_command, "Ctrl+Shift+M"),
    MenuCommand("File", "Outgoing mail ser&ver…", edit_mail_server),
    MenuCommand("File", "Change my pass&word…", change_my_password),
    MenuCommand("Reviews", "Ranking and &decisions…", open_ranking, "Ctrl+Shift+K"),
    MenuCommand("Reviews", "Assign reviewers &automatically…", assign_automatically),
    MenuCommand("Reviews", "Round &rubric…", edit_round_rubric),
    MenuCommand("Meetings", "Print meeting &pack…", print_meeting_pack, "Ctrl+P"),
    MenuCommand("Meetings", "Print a&genda…", print_agenda),
    MenuCommand("Awards", "Over&due tranches and reports", show_overdue),
    MenuCommand("Awards", "Report to the &funder…", open_fund_report),
    MenuCommand("Letters", "&Issue letters for round…", issue_letters_for_round, "Ctrl+Shift+L"),
    MenuCommand("Letters", "Letter &templates…", letter_templates),
    MenuCommand("Letters", "Letter &register…", letter_register, "Ctrl+Shift+G"),
    MenuCommand("Letters", "Letter&head…", letterhead),
    MenuCommand("Letters", "E-mail message te&mplates…", edit_mail_templates),
    # Help comes last in the menu bar (the main window puts About after these).
    MenuCommand("Help", "&Getting started…", getting_started),
)
