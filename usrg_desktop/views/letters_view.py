"""Letters in the program: issue a round's letters with progress and Cancel, edit the letter
templates with a live preview, and open registered letters from the register list."""

from __future__ import annotations

from .letter_register_view import email_letters, letter_register, open_letter, setup_register
from .letter_templates_view import TemplateEditor, letter_templates
from .letterhead_view import LetterheadEditor, letterhead
from .letters_common import open_pdf_file
from .letters_issue import (
    IssueLettersDialog,
    confirm_batch,
    issue_letters_for_round,
    last_report,
    run_batch,
)

__all__ = [
    "IssueLettersDialog",
    "LetterheadEditor",
    "TemplateEditor",
    "confirm_batch",
    "email_letters",
    "issue_letters_for_round",
    "last_report",
    "letter_register",
    "letter_templates",
    "letterhead",
    "open_letter",
    "open_pdf_file",
    "run_batch",
    "setup_register",
]
