"""Writing a list as the user sees it to CSV or XLSX (standard library csv, openpyxl).

Exports are safe to open in a spreadsheet (OWASP "CSV injection"): a text cell that would start
a formula (=, +, -, @, or a tab or carriage return; not a telephone number such as
+27 11 407 6471, which holds nothing a spreadsheet could run) gets a leading ' in CSV and is
written as a plain string (never a formula) in XLSX; characters XLSX cannot hold (control
characters) are replaced with U+FFFD. Numbers — money, counts, scores, also negative ones —
stay numbers. The writers return a `Written` count that says how many cells were changed on the way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import Column

EXPORT_FORMATS = {".csv": "CSV", ".xlsx": "Excel workbook"}
_MONEY_FORMAT = '"R" #,##0.00'


# What spreadsheets take as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The characters an XLSX cell cannot hold (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE).
_ILLEGAL_IN_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
REPLACEMENT_CHARACTER = "\ufffd"


class Written(int):
    """The number of rows written, with how many cells were changed to keep the file safe.

    An int, so that callers that only count rows keep working.
    """

    formula_cells: int
    replaced_cells: int

    def __new__(cls, rows: int, *, formula_cells: int = 0, replaced_cells: int = 0) -> Written:
        """Rows written; text cells that began like a formula; cells with characters replaced."""
        written = super().__new__(cls, rows)
        written.formula_cells = formula_cells
        written.replaced_cells = replaced_cells
        return written

    @property
    def changed_cells(self) -> int:
        """How many cells differ from the list as shown (in at least one way)."""
        return self.formula_cells + self.replaced_cells

    def note(self, *, csv_file: bool) -> str:
        """One sentence saying what was changed, or "" when nothing was."""
        parts = []
        if self.formula_cells:
            how = "a leading ' added" if csv_file else "them kept as plain text"
            parts.append(
                f"{_cells(self.formula_cells)} that began like a spreadsheet formula had {how}"
            )
        if self.replaced_cells:
            parts.append(
                f"{_cells(self.replaced_cells)} had control characters a spreadsheet cannot "
                "hold replaced with \ufffd"
            )
        if not parts:
            return ""
        return " and ".join(parts) + "."


def _cells(n: int) -> str:
    return f"{n:,} cell{'s' if n != 1 else ''}".replace(",", " ")


# A telephone number or a signed number ("+27 11 407 6471", "-12,5"): a spreadsheet may compute
# it, but without letters it names no function, cell or other program, so it is left as it is.
_HARMLESS_SIGNED = re.compile(r"[+-][0-9 ()./,-]*")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet opening this text could run it as a formula (OWASP's starts,
    less a telephone number or a signed number, which holds nothing to run)."""
    return text.startswith(FORMULA_STARTS) and _HARMLESS_SIGNED.fullmatch(text) is None


def safe_csv_text(text: str) -> str:
    """Text for a CSV cell: with a leading ' when it would otherwise start a formula."""
    return "'" + text if looks_like_formula(text) else text


def xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold: characters it cannot are replaced with U+FFFD."""
    return _ILLEGAL_IN_XLSX.sub(REPLACEMENT_CHARACTER, text)


def _rand(cents: int | None) -> Decimal | None:
    """Cents as rand, exactly (a Decimal, never a float)."""
    return None if cents is None else Decimal(int(cents)).scaleb(-2)


def _csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "money":
        return str(_rand(value))
    if column.kind == "score":
        return f"{value:.1f}"
    if column.kind == "bool":
        return "Yes" if value else "No"
    return str(value)


def write_csv(
    path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> Written:
    """Write rows under their column headings as UTF-8 CSV; money as rand (1250000.00).

    A text cell that would start a formula gets a leading ' (see the module's docstring).
    """
    count = formulas = 0
    texts = [c.kind == "text" for c in columns]
    # utf-8-sig: Excel then reads names such as Ṱhivhulawi correctly instead of as cp1252.
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in columns])
        for row in rows:
            cells = [_csv_value(c, v) for c, v in zip(columns, row, strict=True)]
            for n, cell in enumerate(cells):
                if texts[n] and looks_like_formula(cell):
                    cells[n] = "'" + cell
                    formulas += 1
            writer.writerow(cells)
            count += 1
    return Written(count, formula_cells=formulas)


def write_xlsx(
    path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> Written:
    """Write rows to one sheet of an XLSX workbook: money and scores as numbers, dates as dates.

    Text is always a string cell, never a formula; characters XLSX cannot hold become U+FFFD.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    rows = rows if isinstance(rows, Sequence) else list(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title or "List"))
    sheet.freeze_panes = "A2"
    for n, column in enumerate(columns):
        sheet.column_dimensions[_column_letter(n)].width = _xlsx_width(column, n, rows)
    bold = Font(bold=True)
    heading = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    changed = {"formula": 0, "replaced": 0}
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c, v, changed) for c, v in zip(columns, row, strict=True)])
        count += 1
    workbook.save(path)
    return Written(count, formula_cells=changed["formula"], replaced_cells=changed["replaced"])


def write_xlsx_sheets(
    path: str | Path, sheets: Sequence[tuple[str, Sequence[Column], Sequence[Sequence[Any]]]]
) -> Written:
    """Write several tables to one XLSX workbook, a sheet each (title, columns, rows), with the
    same safety as `write_xlsx`: text never becomes a formula, money and counts stay numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    changed = {"formula": 0, "replaced": 0}
    titles: set[str] = set()
    for title, columns, rows in sheets:
        name = _sheet_title(title)
        while name in titles:  # Excel refuses two sheets of one name
            name = name[:28] + f" {len(titles) + 1}"
        titles.add(name)
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for n, column in enumerate(columns):
            sheet.column_dimensions[_column_letter(n)].width = _xlsx_width(column, n, rows)
        heading = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.label)
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        for row in rows:
            sheet.append(
                [_xlsx_cell(sheet, c, v, changed) for c, v in zip(columns, row, strict=True)]
            )
            count += 1
    workbook.save(path)
    return Written(count, formula_cells=changed["formula"], replaced_cells=changed["replaced"])


def _xlsx_cell(sheet: Any, column: Column, value: Any, changed: dict[str, int]) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, str) and column.kind not in ("date", "datetime"):
        # Always a string cell: openpyxl would make text starting with = a formula.
        text = xlsx_text(value)
        if text != value:
            changed["replaced"] += 1
        if looks_like_formula(text):
            changed["formula"] += 1
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = text
        cell.data_type = "s"
        return cell
    kind = column.kind
    if kind == "money":
        cell = WriteOnlyCell(sheet, value=_rand(value))
        cell.number_format = _MONEY_FORMAT
        return cell
    if kind == "score":
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.0"
        return cell
    if kind == "date":
        cell = WriteOnlyCell(sheet, value=date.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind == "datetime":
        cell = WriteOnlyCell(sheet, value=datetime.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if kind == "bool":
        return "Yes" if value else "No"
    return value


def _xlsx_width(column: Column, n: int, rows: Sequence[Sequence[Any]]) -> int:
    fixed = {"money": 18, "date": 12, "datetime": 17, "score": 8, "bool": 8, "int": 10}
    longest = max((len(str(row[n])) for row in rows[:200] if row[n] is not None), default=0)
    return max(len(column.label) + 2, min(60, fixed.get(column.kind, longest + 2)))


def _column_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_title(title: str) -> str:
    # Excel refuses sheet names over 31 characters or with any of []:*?/\
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "List"


def write_listing_file(
    path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> Written:
    """Write to CSV or XLSX as the file name's suffix says; returns the rows written (a Written,
    whose note() says which cells were changed to keep the file safe)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_csv(path, columns, rows)
    if suffix == ".xlsx":
        return write_xlsx(path, columns, rows, title=title)
    raise ValueError(f"Cannot export to '{suffix or path}': choose a .csv or .xlsx file.")
