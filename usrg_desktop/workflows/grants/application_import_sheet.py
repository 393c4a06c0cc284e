"""Reading an applications sheet (CSV or XLSX) into rows under known headings.

Headings are matched with case, spaces and underscores aside, and through `ALIASES`; a
missing required column, an unknown file type, a file over MAX_BYTES or more than MAX_ROWS
rows is refused with one sentence. The columns are described in `application_import`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from .. import WorkflowError

REQUIRED_COLUMNS = (
    "round",
    "applicant",
    "title",
    "summary",
    "problem",
    "intervention",
    "requested",
    "start",
    "end",
    "contact name",
    "contact email",
)
OPTIONAL_COLUMNS = ("contact phone", "budget", "theme")
# Other headings an online form's export may use for the same columns.
ALIASES = {
    "round name": "round",
    "problem addressed": "problem",
    "requested amount": "requested",
    "amount requested": "requested",
    "start date": "start",
    "end date": "end",
    "contact": "contact name",
    "contact person": "contact name",
    "email": "contact email",
    "phone": "contact phone",
    "budget lines": "budget",
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000


# -- reading the file ---------------------------------------------------------------------------
def _heading(text: Any) -> str:
    words = re.sub(r"[_\-\s]+", " ", str(text or "")).strip().lower()
    return ALIASES.get(words, words)


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise WorkflowError(f"The file {path.name} is not text in UTF-8 or Windows encoding.")
    if "\x00" in text:
        raise WorkflowError(f"The file {path.name} is not a CSV text file.")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise WorkflowError(f"The file {path.name} is not a readable CSV file ({exc}).") from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, openpyxl's own: all mean "not a workbook"
        raise WorkflowError(f"The file {path.name} is not a readable XLSX workbook.") from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_sheet(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The sheet's headings and its non-blank rows as (row number, {column: value}).

    A file that is missing, not CSV/XLSX, unreadable, too big or missing a required column is
    refused with one sentence naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise WorkflowError(f"The file {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkflowError(f"The file {path.name} is not a CSV or XLSX sheet.")
    if path.stat().st_size > MAX_BYTES:
        raise WorkflowError(
            f"The file {path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split the sheet."
        )
    try:
        table = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except OSError as exc:
        raise WorkflowError(f"The file {path.name} could not be read ({exc.strerror}).") from None
    if not table or not any(str(c or "").strip() for c in table[0]):
        raise WorkflowError(f"The file {path.name} is empty; its first row must name the columns.")
    headings = [_heading(c) for c in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in headings]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise WorkflowError(
            f"The file {path.name} has no column{'s' if len(missing) > 1 else ''} {names}."
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        values = {}
        for heading, cell in zip(headings, cells, strict=False):
            if heading and heading not in values:
                values[heading] = cell
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise WorkflowError(
            f"The file {path.name} has {len(rows)} rows; at most {MAX_ROWS} go in one import."
        )
    return headings, rows
