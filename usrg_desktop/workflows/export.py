"""Writing a list as the user sees it to CSV or XLSX (standard library csv, openpyxl)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import Column

EXPORT_FORMATS = {".csv": "CSV", ".xlsx": "Excel workbook"}
_MONEY_FORMAT = '"R" #,##0.00'


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


def write_csv(path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows under their column headings as UTF-8 CSV; money as rand (1250000.00)."""
    count = 0
    # utf-8-sig: Excel then reads names such as Ṱhivhulawi correctly instead of as cp1252.
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in columns])
        for row in rows:
            writer.writerow([_csv_value(c, v) for c, v in zip(columns, row, strict=True)])
            count += 1
    return count


def write_xlsx(
    path: str | Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> int:
    """Write rows to one sheet of an XLSX workbook: money and scores as numbers, dates as dates."""
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
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c, v) for c, v in zip(columns, row, strict=True)])
        count += 1
    workbook.save(path)
    return count


def _xlsx_cell(sheet: Any, column: Column, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
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
) -> int:
    """Write to CSV or XLSX as the file name's suffix says; returns the number of rows written."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_csv(path, columns, rows)
    if suffix == ".xlsx":
        return write_xlsx(path, columns, rows, title=title)
    raise ValueError(f"Cannot export to '{suffix or path}': choose a .csv or .xlsx file.")
