"""A list page: title, filter-as-you-type, a sortable table, a row count and Export…."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..counting import counted_plural
from ..storage import StorageError
from ..workflows import Listing, WorkflowError
from .table_model import ListingTableModel, display_text

if TYPE_CHECKING:
    from ..workflows.export import Written

FILTER_PLACEHOLDER = "Filter… (Ctrl+F)"
EXPORT_FILTERS = "Excel workbook (*.xlsx);;CSV, comma-separated (*.csv)"
# Columns are sized from this many rows, not all of them: measuring 20,000 rows' text takes
# longer than the query that fetched them.
SIZE_SAMPLE_ROWS = 200
PREPARE_FILTER_DELAY_MS = 200
_TEXT_COLUMN_MAX = 420
_TEXT_COLUMN_MIN = 90
_CELL_PADDING = 12
_SORT_ARROW_ROOM = 16


def count_text(shown: int, total: int, noun: str, filtered: bool) -> str:
    """The row count under a list: '41 of 41 applications', or '3 of 41 shown' when filtered."""
    if filtered:
        return f"{_grouped(shown)} of {_grouped(total)} shown"
    return f"{_grouped(shown)} of {counted_plural(total, noun)}"


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


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


class ListPage(QWidget):
    """One list of an area: loads its Listing once, on first show, from `loader`."""

    status_message = Signal(str)
    load_failed = Signal(str)
    # The database id of a row the user opened (double-click or Enter), for lists with ids.
    item_activated = Signal(int)

    def __init__(
        self,
        title: str,
        noun: str,
        loader: Callable[[], Listing],
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"page_{noun.replace(' ', '_')}")
        self.noun = noun
        self._loader = loader
        self.loaded = False
        self.error: str | None = None

        self.title_label = QLabel(title)
        self.title_label.setObjectName("pageTitle")
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(FILTER_PLACEHOLDER)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(260)
        self.filter_edit.setAccessibleName(f"Filter {noun}")

        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the rows shown, in this order, as XLSX or CSV")

        self.model = ListingTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setCornerButtonEnabled(False)
        # Tab leaves the table for the list's buttons (arrows move between rows and cells).
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName(title)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        # Fixed row heights: the view never asks 20,000 rows for their size.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(QFontMetrics(self.table.font()).height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        # No sort indicator until the user clicks: the listing's own order (newest first) stands.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        self.count_label = QLabel("")
        self.count_label.setObjectName("rowCount")

        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addStretch(1)
        top.addWidget(self.filter_edit)
        # Buttons of the list's own actions ("New round…") go here, left of Export.
        self.actions_layout = QHBoxLayout()
        self.actions_layout.setSpacing(6)
        top.addLayout(self.actions_layout)
        top.addWidget(self.export_button)
        # Combo boxes that filter by one column's value ("Round: all") go here, above the table.
        self.filters_layout = QHBoxLayout()
        self.filters_layout.setSpacing(6)
        self.column_filters: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addLayout(self.filters_layout)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.table.activated.connect(self._on_activated)
        self.export_button.clicked.connect(self.export_with_dialog)
        self.model.modelReset.connect(self._update_count)
        # The widest text column (an application's title, say) takes the room the others leave,
        # until the user sizes a column by hand.
        self._filter_refills: list[Callable[[], None]] = []
        self._natural: list[int] = []
        self._sizing = False
        self._user_sized = False
        header.sectionResized.connect(self._on_section_resized)
        self.table.viewport().installEventFilter(self)
        # Down (or Page Down) in the filter box goes into the results.
        self.filter_edit.installEventFilter(self)
        self.update_tab_order()

    def update_tab_order(self) -> None:
        """Tab goes filter → column filters → results → the list's buttons → Export."""
        chain: list[QWidget] = [self.filter_edit, *self.column_filters.values(), self.table]
        for n in range(self.actions_layout.count()):
            widget = self.actions_layout.itemAt(n).widget()
            if widget is not None:
                chain.append(widget)
        chain.append(self.export_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def focus_results(self) -> None:
        """Put the focus in the results, on the current row (the first one if none)."""
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)

    # -- loading ------------------------------------------------------------------------------
    def ensure_loaded(self) -> bool:
        """Load the list the first time it is needed; False if loading failed (see `error`)."""
        if not self.loaded:
            self.reload()
        return self.error is None

    def set_loader(self, loader: Callable[[], Listing]) -> None:
        """Read the list with another query from now on (say, one that honours a switch)."""
        self._loader = loader

    def reload(self) -> None:
        """Run the list's query again and show its rows (keeping sort and filter)."""
        try:
            listing = self._loader()
        except (StorageError, WorkflowError) as exc:
            self.error = str(exc)
            self.count_label.setText(f"The {self.noun} could not be loaded: {exc}")
            self.load_failed.emit(self.error)
            return
        first = not self.loaded
        self.error = None
        self.loaded = True
        self.model.set_listing(listing)
        for refill in self._filter_refills:
            refill()
        if first:
            self.size_columns()
        self._update_count()
        # Soon after the rows are painted, not before: the first keystroke then filters at once.
        QTimer.singleShot(PREPARE_FILTER_DELAY_MS, self.model, self.model.prepare_filter)

    def reload_keeping_place(self) -> None:
        """Reload (another workstation changed something) keeping the current row, the other
        selected rows and the scroll position, so nothing jumps away from the user."""
        current, selected = self.current_id(), self.selected_ids()
        scroll = self.table.verticalScrollBar().value()
        self.reload()
        selection = self.table.selectionModel()
        for row_id in selected:
            row = self.model.row_of_id(row_id)
            if row is not None:
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        if current is not None:
            row = self.model.row_of_id(current)
            if row is not None:
                selection.setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        self.table.verticalScrollBar().setValue(scroll)

    def size_columns(self) -> None:
        """Size columns to their heading and a sample of rows, so a long list opens at once."""
        model = self.model
        rows = model.visible_rows()[:SIZE_SAMPLE_ROWS]
        cell = QFontMetrics(self.table.font())
        heading = QFontMetrics(self.table.horizontalHeader().font())
        natural = []
        for n, column in enumerate(model.columns):
            if self.table.isColumnHidden(n):
                natural.append(0)
                continue
            widest = heading.horizontalAdvance(column.label) + _SORT_ARROW_ROOM
            for row in rows:
                widest = max(widest, cell.horizontalAdvance(display_text(column, row[n])))
            width = widest + _CELL_PADDING
            natural.append(min(width, _TEXT_COLUMN_MAX) if column.kind == "text" else width)
        self._natural = natural
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Fit the columns to the table's width, until the user sizes one by hand.

        The first column (the row's reference or name), numbers, amounts and dates keep their
        width. The other text columns share what is left: with room to spare the widest (an
        application's title) takes it; short of room it keeps a fair share (at most 40 %) and
        the others give way widest first, down to a floor; then the table scrolls sideways.
        """
        if self._user_sized or not self._natural:
            return
        columns = self.model.columns
        widths = list(self._natural)
        shared = [n for n, column in enumerate(columns) if column.kind == "text" and n > 0]
        if shared:
            budget = self.table.viewport().width() - sum(
                w for n, w in enumerate(widths) if n not in shared
            )
            widest = max(shared, key=widths.__getitem__)
            wanted = sum(widths[n] for n in shared)
            if wanted <= budget:
                widths[widest] += budget - wanted
            else:
                share = min(0.4, 1.5 / len(shared))
                keep = min(widths[widest], max(_TEXT_COLUMN_MIN, int(budget * share)))
                others = [n for n in shared if n != widest]
                cap = _water_level(
                    [widths[n] for n in others], budget - keep, floor=_TEXT_COLUMN_MIN
                )
                for n in others:
                    widths[n] = min(widths[n], cap)
                widths[widest] = max(keep, budget - sum(widths[n] for n in others))
        header = self.table.horizontalHeader()
        self._sizing = True
        try:
            for n, width in enumerate(widths):
                header.resizeSection(n, width)
        finally:
            self._sizing = False

    def hide_column(self, key: str) -> None:
        """Keep a column out of sight and out of exports (a line's target for its action, say),
        without counting as the user sizing columns by hand."""
        keys = [c.key for c in self.model.columns]
        if key not in keys:
            return
        self._sizing = True
        try:
            self.table.setColumnHidden(keys.index(key), True)
        finally:
            self._sizing = False
        self.size_columns()

    def _on_section_resized(self, *_args: object) -> None:
        if not self._sizing and self.loaded:
            self._user_sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Refit the columns as the table is resized; Down in the filter box enters the results."""
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_columns()
        if (
            watched is self.filter_edit
            and event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.filter_edit.text()
        ):
            # Escape clears a filter first (keyPressEvent), even in a window that Escape closes.
            event.accept()
            return True
        if (
            watched is self.filter_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    # -- rows and actions ---------------------------------------------------------------------
    def add_action(
        self, text: str, slot: Callable[[], None], *, shortcut: str = "", tip: str = ""
    ) -> QPushButton:
        """Add a button for one of the list's actions (and its shortcut, while the list shows)."""
        button = QPushButton(text)
        button.setObjectName("action_" + "".join(ch for ch in text if ch.isalnum()))
        if shortcut:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            tip = f"{tip or text} ({QKeySequence(shortcut).toString(QKeySequence.NativeText)})"
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(slot)
        self.actions_layout.addWidget(button)
        self.update_tab_order()
        return button

    def add_column_filter(self, key: str, label: str, *, everything: str = "All") -> QComboBox:
        """Add a combo box above the table that shows only rows with one value in column `key`.

        Its choices are the column's values in the rows loaded, refreshed on every reload; the
        first choice (`everything`) shows every row. Combined with the text filter.
        """
        caption = QLabel(f"{label}:")
        combo = QComboBox()
        combo.setObjectName(f"filter_{key}")
        combo.setAccessibleName(f"Filter by {label.lower()}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumContentsLength(10)
        caption.setBuddy(combo)
        if not self.column_filters:
            self.filters_layout.addStretch(1)
        # Before the stretch, so the combos sit together on the left.
        at = self.filters_layout.count() - 1
        self.filters_layout.insertWidget(at, caption)
        self.filters_layout.insertWidget(at + 1, combo)
        self.column_filters[key] = combo
        combo.addItem(everything, None)

        def column() -> int:
            keys = [c.key for c in self.model.columns]
            return keys.index(key) if key in keys else -1

        def refill() -> None:
            n = column()
            chosen = combo.currentData()
            values = self.model.column_values(n) if n >= 0 else []
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(str(value), value)
            found = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)
            if chosen is not None and found < 0 and n >= 0:
                self.model.set_column_filter(n, None)

        def chosen(_index: int) -> None:
            n = column()
            if n >= 0:
                self.model.set_column_filter(n, combo.currentData())

        self._filter_refills.append(refill)
        combo.currentIndexChanged.connect(chosen)
        self.update_tab_order()
        if self.loaded:
            refill()
        return combo

    def current_id(self) -> int | None:
        """The database id of the current row, if the list carries ids."""
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """The database ids of the selected rows, in the order shown."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.row_id(r) for r in rows]
        return [i for i in ids if i is not None]

    def select_id(self, row_id: int) -> bool:
        """Make the row with this id current (after a reload, say); False when not shown."""
        row = self.model.row_of_id(row_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_activated(self, index: QModelIndex) -> None:
        row_id = self.model.row_id(index.row())
        if row_id is not None:
            self.item_activated.emit(row_id)

    # -- filtering ----------------------------------------------------------------------------
    def focus_filter(self) -> None:
        """Put the cursor in the filter box, its text selected (Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Escape in the filter box clears it."""
        if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
            self.filter_edit.clear()
            return
        super().keyPressEvent(event)

    def _on_filter_changed(self, text: str) -> None:
        self.model.set_filter_text(text)

    def _update_count(self) -> None:
        if self.error is not None:
            return
        self.count_label.setText(
            count_text(
                self.model.rowCount(),
                self.model.total_row_count(),
                self.noun,
                self.model.is_filtered,
            )
        )

    # -- export -------------------------------------------------------------------------------
    def export_to(self, path: str | Path) -> Written:
        """Write the rows shown, in the order shown, to a .csv or .xlsx file; returns the count
        (a Written, which also says which cells were changed to keep the file safe).

        Columns go in the order they are shown, also after the user dragged one elsewhere.
        """
        from ..workflows.export import write_listing_file

        header = self.table.horizontalHeader()
        order = [
            header.logicalIndex(visual)
            for visual in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(visual))
        ]
        columns = self.model.columns
        rows = self.model.visible_rows()
        if order != list(range(len(columns))):
            columns = [columns[n] for n in order]
            rows = [tuple(row[n] for n in order) for row in rows]
        return write_listing_file(path, columns, rows, title=self.model.title)

    def export_with_dialog(self) -> None:
        """Ask where to save, then export; problems are shown as a sentence, never a traceback."""
        if not self.loaded:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder or Path.home()) / f"{self.model.title}.xlsx")
        path, chosen = QFileDialog.getSaveFileName(self, "Export list", suggested, EXPORT_FILTERS)
        if not path:
            return
        if Path(path).suffix.lower() not in (".csv", ".xlsx"):
            path += ".csv" if "csv" in chosen.lower() else ".xlsx"
        try:
            count = self.export_to(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(
                self,
                "Export",
                f"The list could not be saved to {path}: {exc}. If the file is open in another "
                "program, close it and try again.",
            )
            return
        note = count.note(csv_file=path.lower().endswith(".csv"))
        self.status_message.emit(
            f"Exported {_grouped(count)} {self.noun} to {path}" + (f". {note}" if note else "")
        )
