"""The one table model behind every list: a Listing shown, sorted and filtered in Python.

No QSortFilterProxyModel (docs/architecture.md, "Reading lists"): sorting permutes row numbers
and filtering is one `needle in haystack` pass over one lowercase string per row, so 20,000
rows sort and filter in milliseconds.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..money import format_zar
from ..workflows import Column, Listing

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RAW = int(Qt.ItemDataRole.UserRole)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT_KINDS = {"money", "int", "score"}
_TOOLTIP_LENGTH = 60
# Joins a row's texts into its haystack; a character nobody types, so no match spans two cells.
_CELL_SEPARATOR = "\x1f"

AnyIndex = QModelIndex | QPersistentModelIndex
_UNSET = object()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _iso(value: Any) -> str:
    return value or ""


def _money(value: Any) -> str:
    return format_zar(value)


def _score(value: Any) -> str:
    return "" if value is None else f"{value:.1f}"


def _yes_no(value: Any) -> str:
    return "" if value is None else ("Yes" if value else "No")


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "text": _text,
    "int": _text,
    "date": _iso,
    "datetime": _iso,
    "money": _money,
    "score": _score,
    "bool": _yes_no,
}


def display_text(column: Column, value: Any) -> str:
    """How a value of a column is shown on screen (and in a CSV export)."""
    return FORMATTERS.get(column.kind, _text)(value)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while making many small acyclic objects.

    Making 120,000 strings triggers collections that walk every object the program holds; in
    a full process that more than doubled the time of the first filter (50 to 130 ms).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def haystacks_of(listing: Listing) -> tuple[str, ...]:
    """One lowercase string per row, its cells' texts joined: what the filter searches.

    Plain Python, no Qt: a worker thread makes them with the rows it read (views/worker.py), so
    the first keystroke filters at once and the GUI thread never pays for them.
    """
    rows = listing.rows
    if not rows:
        return ()
    formatters = [FORMATTERS.get(c.kind, _text) for c in listing.columns]
    with _collector_paused():
        texts = [
            [f(v) for v in values]
            for f, values in zip(formatters, zip(*rows, strict=True), strict=True)
        ]
        join = _CELL_SEPARATOR.join
        return tuple([join(cells).casefold() for cells in zip(*texts, strict=True)])


class ListingTableModel(QAbstractTableModel):
    """A read-only table of one Listing, sorted and filtered by permuting its rows in Python."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._title = ""
        self._columns: list[Column] = []
        self._formatters: list[Callable[[Any], str]] = []
        self._alignments: list[Any] = []
        # Tuples, not lists: a tuple of numbers, strings and plain rows is soon left out of
        # the garbage collector's walks, which otherwise visit every row of every list loaded
        # at each full collection (views/collector.py).
        self._rows: tuple[tuple, ...] = ()
        self._ids: tuple[int, ...] | None = None
        self._haystacks: tuple[str, ...] | None = None
        self._sort_keys: dict[int, tuple[Any, ...]] = {}
        self._order: tuple[int, ...] = ()  # every row number, in the current sort order
        self._visible: tuple[int, ...] = ()  # the row numbers that pass the filter, in order
        self._needle = ""
        # Exact-match filters by column (a round, a state), combined with the text filter.
        self._column_filters: dict[int, Any] = {}
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- feeding ------------------------------------------------------------------------------
    def set_listing(self, listing: Listing, *, haystacks: Sequence[str] | None = None) -> None:
        """Show a new listing, keeping the current sort column and filter text; `haystacks`
        (from `haystacks_of(listing)`, made off the GUI thread) saves making them here."""
        self.beginResetModel()
        self._title = listing.title
        self._columns = list(listing.columns)
        self._formatters = [FORMATTERS.get(c.kind, _text) for c in self._columns]
        self._alignments = [
            _RIGHT if c.kind in _RIGHT_KINDS else _CENTRE if c.kind == "bool" else _LEFT
            for c in self._columns
        ]
        self._rows = tuple(listing.rows)
        self._ids = tuple(listing.ids) if listing.ids is not None else None
        self._column_filters = {
            c: v for c, v in self._column_filters.items() if c < len(self._columns)
        }
        self._haystacks = (
            tuple(haystacks)
            if haystacks is not None and len(haystacks) == len(self._rows)
            else None
        )
        self._sort_keys = {}
        self._order = tuple(range(len(self._rows)))
        if 0 <= self._sort_column < len(self._columns):
            self._sort_order_in_place(self._sort_column, self._sort_order)
        else:
            self._sort_column = -1
        self._visible = self._filtered(self._order)
        self.endResetModel()

    @property
    def filter_prepared(self) -> bool:
        """Whether the rows' haystacks exist, so the next filter is a single pass."""
        return self._haystacks is not None

    def prepare_filter(self) -> None:
        """Make the rows' haystacks now (when idle) rather than on the first keystroke."""
        self._haystacks_of_rows()

    def _haystacks_of_rows(self) -> tuple[str, ...]:
        # Made once per listing, when the first filter is typed rather than when the listing
        # arrives: formatting 20,000 amounts costs ~40 ms that start-up need not pay.
        if self._haystacks is None:
            if not self._rows:
                self._haystacks = ()
            else:
                listing = Listing(self._title, self._columns, list(self._rows))
                self._haystacks = haystacks_of(listing)
        return self._haystacks

    # -- what the views and exports read ------------------------------------------------------
    @property
    def title(self) -> str:
        """The listing's title, for window text and export file names."""
        return self._title

    @property
    def columns(self) -> list[Column]:
        """The listing's columns, in order."""
        return list(self._columns)

    def total_row_count(self) -> int:
        """How many rows the listing holds, filtered or not."""
        return len(self._rows)

    def visible_rows(self) -> list[tuple]:
        """The rows that pass the filter, in the order shown (what an export writes)."""
        rows = self._rows
        return [rows[i] for i in self._visible]

    def row_values(self, row: int) -> tuple:
        """The plain values of the row shown at `row`."""
        return self._rows[self._visible[row]]

    def row_id(self, row: int) -> int | None:
        """The database id of the row shown at `row`, when the listing carries ids."""
        if self._ids is None or not 0 <= row < len(self._visible):
            return None
        return self._ids[self._visible[row]]

    def row_of_id(self, row_id: int) -> int | None:
        """Where the row with this database id is shown, or None when it is not shown."""
        if self._ids is None:
            return None
        for n, source in enumerate(self._visible):
            if self._ids[source] == row_id:
                return n
        return None

    @property
    def filter_text(self) -> str:
        """The text rows are filtered by ('' for none)."""
        return self._needle

    # -- Qt model interface -------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (Qt API)."""
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns shown (Qt API)."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        """A cell's text, alignment, tooltip or plain value (Qt API)."""
        if role == _DISPLAY:
            col = index.column()
            return self._formatters[col](self._rows[self._visible[index.row()]][col])
        if role == _ALIGNMENT:
            return self._alignments[index.column()]
        if role == _TOOLTIP:
            col = index.column()
            text = self._formatters[col](self._rows[self._visible[index.row()]][col])
            return text if len(text) > _TOOLTIP_LENGTH else None
        if role == _RAW:
            return self._rows[self._visible[index.row()]][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column headings (Qt API)."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == _DISPLAY:
            return self._columns[section].label
        if role == _ALIGNMENT:
            return self._alignments[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Cells are selectable, never editable (Qt API)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- sorting ------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column, empty values last both ways; -1 restores the listing's own order."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self._visible[i.row()], i.column()) for i in before]
        if 0 <= column < len(self._columns):
            self._sort_column, self._sort_order = column, order
            self._sort_order_in_place(column, order)
        else:
            self._sort_column, self._sort_order = -1, Qt.SortOrder.AscendingOrder
            self._order = tuple(range(len(self._rows)))
        self._visible = self._filtered(self._order)
        if before:
            position = {row: n for n, row in enumerate(self._visible)}
            self.changePersistentIndexList(
                before, [self.index(position[row], col) for row, col in kept]
            )
        self.layoutChanged.emit()

    def _sort_order_in_place(self, column: int, order: Qt.SortOrder) -> None:
        keys = self._sort_keys.get(column)
        if keys is None:
            with _collector_paused():
                values = [row[column] for row in self._rows]
                if self._columns[column].kind == "text":
                    values = [None if v is None else str(v).casefold() for v in values]
            keys = self._sort_keys[column] = tuple(values)
        present = [i for i in self._order if keys[i] is not None]
        missing = [i for i in self._order if keys[i] is None]
        # Python's sort is stable, also reversed: equal rows keep their previous order, so
        # sorting by state and then by round gives rounds grouped by state.
        present.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        self._order = (*present, *missing)

    @property
    def sort_column(self) -> int:
        """The column rows are sorted by, or -1 for the listing's own order."""
        return self._sort_column

    # -- filtering ----------------------------------------------------------------------------
    def set_filter_text(self, text: str) -> None:
        """Show only rows that contain `text` in any column, ignoring case."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        narrowing = bool(self._needle) and self._needle in needle
        self.beginResetModel()
        self._needle = needle
        # Typing one more letter can only narrow: search what is shown, not every row.
        self._visible = self._filtered(self._visible if narrowing else self._order)
        self.endResetModel()

    def set_column_filter(self, column: int, value: Any) -> None:
        """Show only rows whose value in `column` equals `value`; None removes that filter."""
        if value is None:
            if column not in self._column_filters:
                return
            del self._column_filters[column]
        else:
            if not 0 <= column < len(self._columns):
                raise IndexError(f"no column {column} in {self._title}")
            if self._column_filters.get(column, _UNSET) == value:
                return
            self._column_filters[column] = value
        self.beginResetModel()
        self._visible = self._filtered(self._order)
        self.endResetModel()

    def clear_column_filters(self) -> None:
        """Remove every column filter (the text filter stays)."""
        if self._column_filters:
            self.beginResetModel()
            self._column_filters.clear()
            self._visible = self._filtered(self._order)
            self.endResetModel()

    @property
    def column_filters(self) -> dict[int, Any]:
        """The exact-match filters in force, by column."""
        return dict(self._column_filters)

    @property
    def is_filtered(self) -> bool:
        """Whether any filter (text or column) hides rows."""
        return bool(self._needle or self._column_filters)

    def column_values(self, column: int) -> list[Any]:
        """The distinct values of a column over every row, sorted (None left out)."""
        if not 0 <= column < len(self._columns):
            return []
        values = {row[column] for row in self._rows} - {None}
        if self._columns[column].kind == "text":
            return sorted(values, key=lambda v: str(v).casefold())
        return sorted(values)

    def _filtered(self, candidates: Sequence[int]) -> tuple[int, ...]:
        if self._column_filters:
            rows = self._rows
            for column, value in self._column_filters.items():
                candidates = [i for i in candidates if rows[i][column] == value]
        needle = self._needle
        if not needle:
            return tuple(candidates)
        hay = self._haystacks_of_rows()
        return tuple([i for i in candidates if needle in hay[i]])
