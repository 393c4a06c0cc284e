"""A list page's columns on screen: sized to their heading and a sample of rows when the rows
first come, fitted to the table's width until the user sizes one by hand, the hand-sized
widths remembered for the list, and columns kept hidden (out of sight and out of exports).

`ListPageColumns` is a part of `views/list_page.ListPage` (its second base class, beside `QWidget`);
the widths themselves are worked out by `views/list_columns.py`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

from .list_columns import fitted_widths, natural_widths
from .remembered import remember_widths, remembered_widths
from .table_model import ListingTableModel


class ListPageColumns:
    """Sizing, fitting, remembering and hiding the columns of `ListPage`'s table."""

    # The page's, set by ListPage.__init__.
    table: QTableView
    model: ListingTableModel
    loaded: bool
    _hidden_keys: set[str]
    _natural: list[int]
    _sizing: bool
    _user_sized: bool

    def size_columns(self) -> None:
        """Size columns to their heading and a sample of rows, so a long list opens at once;
        columns the user sized by hand (this list, an earlier day) keep that width."""
        self._natural = natural_widths(self.table, self.model)
        keys = [column.key for column in self.model.columns]
        kept = remembered_widths(self.objectName(), keys) if not self._user_sized else None
        if kept is not None:
            self._user_sized = True
            self._resize_sections([kept[key] for key in keys])
            return
        self._fit_columns()

    def fit_columns_again(self) -> None:
        """Forget the widths sized by hand and fit the columns to the window again."""
        self._user_sized = False
        remember_widths(self.objectName(), None)
        self.size_columns()

    def _resize_sections(self, widths: list[int]) -> None:
        header = self.table.horizontalHeader()
        self._sizing = True
        try:
            for n, width in enumerate(widths):
                if width and not self.table.isColumnHidden(n):
                    header.resizeSection(n, width)
        finally:
            self._sizing = False

    def _fit_columns(self) -> None:
        """Fit the columns to the table's width (list_columns.fitted_widths), until the user
        sizes one by hand."""
        if self._user_sized or not self._natural:
            return
        widths = fitted_widths(self.model.columns, self._natural, self.table.viewport().width())
        self._resize_sections(widths)

    def hide_column(self, key: str) -> None:
        """Keep a column out of sight and out of exports (a line's target for its action, say),
        without counting as the user sizing columns by hand. Asked before the rows came, the
        column is hidden as they arrive, before the columns are sized."""
        self._hidden_keys.add(key)
        if self._hide_known_columns():
            self.size_columns()

    def _hide_known_columns(self) -> bool:
        """Hide the columns asked hidden that the listing has; True if one was shown."""
        changed = False
        self._sizing = True
        try:
            for n, column in enumerate(self.model.columns):
                if column.key in self._hidden_keys and not self.table.isColumnHidden(n):
                    self.table.setColumnHidden(n, True)
                    changed = True
        finally:
            self._sizing = False
        return changed

    def _on_section_resized(self, *_args: object) -> None:
        if not self._sizing and self.loaded:
            # Sized by hand: kept for this list from now on (Fit the columns undoes it).
            self._user_sized = True
            header = self.table.horizontalHeader()
            widths = {
                column.key: 0 if self.table.isColumnHidden(n) else header.sectionSize(n)
                for n, column in enumerate(self.model.columns)
            }
            remember_widths(self.objectName(), widths)
