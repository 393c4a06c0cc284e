"""How a list's columns are sized: to a sample of their rows, then fitted to the table's width."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QTableView

from ..workflows import Column
from .table_model import ListingTableModel, display_text

# Columns are sized from this many rows, not all of them: measuring 20,000 rows' text takes
# longer than the query that fetched them.
SIZE_SAMPLE_ROWS = 200
_TEXT_COLUMN_MAX = 420
_TEXT_COLUMN_MIN = 90
_CELL_PADDING = 12
_SORT_ARROW_ROOM = 16


def _water_level(widths: list[int], budget: int, *, floor: int) -> int:
    """The widest any of these columns may be for all of them to fit in `budget` pixels."""
    remaining, left = budget, len(widths)
    for width in sorted(widths):
        if width * left <= remaining:
            remaining -= width
            left -= 1
        else:
            return max(floor, remaining // left)
    return max(widths, default=floor)


def natural_widths(table: QTableView, model: ListingTableModel) -> list[int]:
    """Each column's width for its heading and a sample of its rows (0 for a hidden one)."""
    rows = model.visible_rows()[:SIZE_SAMPLE_ROWS]
    cell = QFontMetrics(table.font())
    heading = QFontMetrics(table.horizontalHeader().font())
    natural = []
    for n, column in enumerate(model.columns):
        if table.isColumnHidden(n):
            natural.append(0)
            continue
        widest = heading.horizontalAdvance(column.label) + _SORT_ARROW_ROOM
        # Each text once: a state or a city repeats down the sample, and measuring is the cost.
        for text in {display_text(column, row[n]) for row in rows}:
            widest = max(widest, cell.horizontalAdvance(text))
        width = widest + _CELL_PADDING
        natural.append(min(width, _TEXT_COLUMN_MAX) if column.kind == "text" else width)
    return natural


def fitted_widths(columns: list[Column], natural: list[int], room: int) -> list[int]:
    """The columns' widths in `room` pixels.

    The first column (the row's reference or name), numbers, amounts and dates keep their
    width. The other text columns share what is left: with room to spare the widest (an
    application's title) takes it; short of room it keeps a fair share (at most 40 %) and
    the others give way widest first, down to a floor; then the table scrolls sideways.
    """
    widths = list(natural)
    shared = [n for n, column in enumerate(columns) if column.kind == "text" and n > 0]
    if not shared:
        return widths
    budget = room - sum(w for n, w in enumerate(widths) if n not in shared)
    widest = max(shared, key=widths.__getitem__)
    wanted = sum(widths[n] for n in shared)
    if wanted <= budget:
        widths[widest] += budget - wanted
        return widths
    share = min(0.4, 1.5 / len(shared))
    keep = min(widths[widest], max(_TEXT_COLUMN_MIN, int(budget * share)))
    others = [n for n in shared if n != widest]
    cap = _water_level([widths[n] for n in others], budget - keep, floor=_TEXT_COLUMN_MIN)
    for n in others:
        widths[n] = min(widths[n], cap)
    widths[widest] = max(keep, budget - sum(widths[n] for n in others))
    return widths
