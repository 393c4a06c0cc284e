"""Letters ▸ Letter register: every issued letter, re-printed exactly as issued, and e-mailed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QWidget,
)

from ..workflows.letters import issuing as wl
from .list_page import ListPage
from .operations import perform
from .pdf_preview import PdfPreview


def open_letter(window: Any, letter_id: int) -> PdfPreview | None:
    """Re-print a registered letter (identical to the one issued) and show it to print."""
    ok, found = perform(window, window.db, wl.issued_pdf, letter_id, title="Not re-printed")
    if not ok or found is None:
        return None
    reference, pdf = found
    name = reference.replace("/", "-") + ".pdf"
    return window.open_window(
        ("letter", letter_id),
        lambda: PdfPreview(pdf, title=f"Letter {reference}", file_name=name),
    )


def letter_register(window: Any) -> ListPage:
    """Letters ▸ Letter register…: every issued letter; Enter or Re-print… shows one to print."""

    def make() -> ListPage:
        page = ListPage("Letter register", "letters", lambda: wl.letter_register_listing(window.db))
        page.setWindowTitle("Letter register")
        page.resize(1100, 600)
        setup_register(window, page)
        return page

    page = window.open_window("letter_register", make)
    page.ensure_loaded()
    return page


def reload_register(window: Any) -> None:
    page = window.open_windows().get("letter_register")
    if page is not None:
        page.reload()


def setup_register(window: Any, page: Any) -> None:
    """The letter register list: open (re-print) a letter, issue a batch, edit templates."""

    def open_current() -> None:
        letter_id = page.current_id()
        if letter_id is not None:
            open_letter(window, letter_id)

    page.add_action(
        "Re-print…", open_current, shortcut="Ctrl+Shift+R", tip="Show the letter to print again"
    )
    # Imported when used: the issuing dialog reloads this register when it is done.
    from .letter_templates_view import letter_templates
    from .letters_issue import issue_letters_for_round

    page.add_action("Issue letters for round…", lambda: issue_letters_for_round(window))
    page.add_action("Letter templates…", lambda: letter_templates(window))
    page.add_action(
        "E-mail…",
        lambda: email_letters(window, page.selected_ids()),
        tip="E-mail the chosen letters (or a round's) to the people they are addressed to",
    )
    page.item_activated.connect(lambda letter_id: open_letter(window, letter_id))


def email_letters(window: Any, letter_ids: list[int]) -> QWidget:
    """The E-mail… dialog for the letters chosen in the register (a round's when none is)."""
    from .mail_dialog import open_mail_dialog

    return open_mail_dialog(window, kind="letter", letter_ids=letter_ids or None)
