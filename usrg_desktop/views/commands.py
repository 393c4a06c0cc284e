"""Menu commands of the main window, named by "module:function" and imported when first used.

Each area adds its commands here (one line each) instead of editing the main window; the
function is called with the main window when the user picks the command.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuCommand:
    """One menu entry: the menu's title, the entry's text, what it runs, and its shortcut."""

    menu: str
    text: str
    # "usrg_desktop.views.module:function" or "module:function" for a module of views/;
    # the function is called as function(main_window).
    target: str
    shortcut: str = ""

    @property
    def name(self) -> str:
        """A stable object name for tests: the target's function name."""
        return self.target.rpartition(":")[2]


def resolve(target: str) -> Callable[..., Any]:
    """The function named by "module:function" (a module of views/ may be named alone)."""
    module, _, function = target.partition(":")
    if "." not in module:
        module = f"{__package__}.{module}"
    return getattr(importlib.import_module(module), function)


MENU_COMMANDS: tuple[MenuCommand, ...] = (
    # Add commands below, one per line, grouped by area.
    MenuCommand("File", "Sign &out / switch user…", "sign_out:sign_out", "Ctrl+Shift+Q"),
    MenuCommand(
        "File",
        "&Import applications…",
        "usrg_desktop.views.rounds_view:import_applications",
        "Ctrl+I",
    ),
    MenuCommand(
        "File",
        "Export review &packets…",
        "usrg_desktop.views.review_exchange:export_review_packets",
        "Ctrl+Shift+E",
    ),
    MenuCommand(
        "File",
        "Import &scores…",
        "usrg_desktop.views.review_exchange:import_scores_files",
        "Ctrl+Shift+O",
    ),
    MenuCommand("File", "E-&mail…", "mail_dialog:mail_command", "Ctrl+Shift+M"),
    MenuCommand("File", "Outgoing mail ser&ver…", "outbox_view:edit_mail_server"),
    MenuCommand("File", "Change my pass&word…", "accounts_view:change_my_password"),
    MenuCommand("Reviews", "Ranking and &decisions…", "reviews_view:open_ranking", "Ctrl+Shift+K"),
    MenuCommand("Reviews", "Assign reviewers &automatically…", "reviews_view:assign_automatically"),
    MenuCommand("Reviews", "Round &rubric…", "rubric_editor:edit_round_rubric"),
    MenuCommand("Meetings", "Print meeting &pack…", "meeting_print:print_meeting_pack", "Ctrl+P"),
    MenuCommand("Meetings", "Print a&genda…", "meeting_print:print_agenda"),
    MenuCommand("Awards", "Over&due tranches and reports", "awards_view:show_overdue"),
    MenuCommand("Awards", "Report to the &funder…", "fund_report_view:open_fund_report"),
    MenuCommand(
        "Letters",
        "&Issue letters for round…",
        "letters_view:issue_letters_for_round",
        "Ctrl+Shift+L",
    ),
    MenuCommand("Letters", "Letter &templates…", "letters_view:letter_templates"),
    MenuCommand("Letters", "Letter &register…", "letters_view:letter_register", "Ctrl+Shift+G"),
    MenuCommand("Letters", "Letter&head…", "letters_view:letterhead"),
    MenuCommand("Letters", "E-mail message te&mplates…", "outbox_view:edit_mail_templates"),
    # Help comes last in the menu bar (the main window puts About after these).
    MenuCommand("Help", "&Getting started…", "getting_started:getting_started"),
)
