"""Reviewer mode without Qt: a reviewer's work on one packet, autosaved, and the scoring sheet.

This module gathers the public names of the modules that hold them, so that
`from usrg_desktop.workflows import reviewer_session` keeps working:

- `reviewer_work`: a reviewer's answers on one application, and where they stand with it
- `reviewer_autosave`: `ReviewerSession`, the work on one packet saved on every change, and
  the signed scores file written from it
- `reviewer_sheet`: the XLSX scoring sheet, written from a packet and read back

New code may import from those modules directly.
"""

from __future__ import annotations

from .reviewer_autosave import AUTOSAVE_VERSION, ReviewerSession, write_atomically
from .reviewer_sheet import (
    CONFLICT_ROW,
    MAX_SHEET_BYTES,
    RECOMMENDATION_ROW,
    SHEET_COLUMNS,
    SheetErrors,
    load_sheet,
    sheet_from_packet,
)
from .reviewer_work import (
    COMPLETE,
    CONFLICT,
    IN_PROGRESS,
    NOT_STARTED,
    ApplicationWork,
    problems_of,
    status_of,
)

__all__ = [
    "AUTOSAVE_VERSION",
    "ApplicationWork",
    "COMPLETE",
    "CONFLICT",
    "CONFLICT_ROW",
    "IN_PROGRESS",
    "MAX_SHEET_BYTES",
    "NOT_STARTED",
    "RECOMMENDATION_ROW",
    "ReviewerSession",
    "SHEET_COLUMNS",
    "SheetErrors",
    "load_sheet",
    "problems_of",
    "sheet_from_packet",
    "status_of",
    "write_atomically",
]
