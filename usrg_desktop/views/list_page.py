"""A list page: title, filter-as-you-type, a sortable table, a row count and Export….

How its columns are sized, fitted, remembered and hidden is its part in
`views/list_page_columns.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from .list_page_columns import ListPageColumns
from .table_model import ListingTableModel, haystacks_of

if TYPE_CHECKING:
    from ..workflows.system.export import Written
    from .worker import Ticket, Worker

FILTER_PLACEHOLDER = "Filter… (Ctrl+F)"
EXPORT_FILTERS = "Excel workbook (*.xlsx);;CSV, comma-separated (*.csv)"
PREPARE_FILTER_DELAY_MS = 200


def count_text(shown: int, total: int, noun: str, filtered: bool) -> str:
    """The row count under a list: '41 of 41 applications', or '3 of 41 shown' when filtered."""
    if filtered:
        return f"{_grouped(shown)} of {_grouped(total)} shown"
    return f"{_grouped(shown)} of {counted_plural(total, noun)}"


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


class ListPage(QWidget, ListPageColumns):
    """One list of an area: loads its Listing once, on first show, from `loader`.

    With a `worker` (views/worker.py; the main window gives its own) the loader runs on the
    worker's thread and the rows are shown when they arrive: the window keeps painting while a
    long list is read. `rows_loaded` says when they are shown (or the load failed); `wait_loaded`
    and `when_loaded` serve callers that need the rows first. Without a worker `reload` reads
    at once, in the GUI thread.
    """

    status_message = Signal(str)
    load_failed = Signal(str)
    # The database id of a row the user opened (double-click or Enter), for lists with ids.
    item_activated = Signal(int)
    # A load finished: its rows are shown (or `error` says why not).
    rows_loaded = Signal()

    def __init__(
        self,
        title: str,
        noun: str,
        loader: Callable[[], Listing],
        *,
        worker: Worker | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"page_{noun.replace(' ', '_')}")
        self.noun = noun
        self._loader = loader
        self.worker = worker
        self._ticket: Ticket | None = None
        self._after_load: list[Callable[[], None]] = []
        self._hidden_keys: set[str] = set()
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
        # The heading's menu fits the columns to the window again after sizing them by hand.
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        fit = QAction("Fit the columns to the window", header)
        fit.triggered.connect(self.fit_columns_again)
        header.addAction(fit)
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
        if not self.loaded and not self.is_loading:
            self.reload()
        return self.error is None

    def set_loader(self, loader: Callable[[], Listing]) -> None:
        """Read the list with another query from now on (say, one that honours a switch)."""
        self._loader = loader

    def reload(self) -> None:
        """Run the list's query again and show its rows (keeping sort and filter).

        With a worker the query runs there and this returns at once; a reload asked for while
        another is under way replaces it (only the newest rows are shown).
        """
        if self.worker is None:
            try:
                listing = self._loader()
            except (StorageError, WorkflowError) as exc:
                self._show_error(exc)
                return
            self._show_listing(listing, None)
            # Soon after the rows are painted: the first keystroke then filters at once.
            QTimer.singleShot(PREPARE_FILTER_DELAY_MS, self.model, self.model.prepare_filter)
            return
        if self._ticket is not None:
            self._ticket.cancel()
        if not self.loaded:
            self.count_label.setText(f"Loading the {self.noun}…")
        loader = self._loader
        self._ticket = self.worker.submit(
            lambda: _read_prepared(loader),
            lambda found: self._show_listing(*found),
            on_error=self._show_error,
            owner=self,
        )

    @property
    def is_loading(self) -> bool:
        """Whether a load is under way on the worker."""
        return self._ticket is not None and not self._ticket.done

    def wait_loaded(self, timeout_ms: int = 60_000) -> bool:
        """Wait (running the event loop) until the load under way has shown its rows; False
        if the timeout came first. At once when nothing is loading."""
        if self.worker is None or self._ticket is None:
            return True
        return self.worker.wait(self._ticket, timeout_ms)

    def when_loaded(self, then: Callable[[], None]) -> None:
        """Call `then` once the rows are shown: now, or after the load under way."""
        if self.is_loading:
            self._after_load.append(then)
        else:
            then()

    def read_beside(
        self, job: Callable[[], object], then: Callable[[object], None], *, owner: QObject
    ) -> None:
        """Run another read that goes with this list (a chart above it, say) as the list does:
        on the worker when there is one, else at once; `then(result)` in the GUI thread.
        A StorageError or WorkflowError from the job is `then`'s to expect as the result."""
        if self.worker is None:
            then(_result_or_problem(job))
            return
        self.worker.submit(lambda: _result_or_problem(job), then, owner=owner)

    def _show_listing(self, listing: Listing, haystacks: Sequence[str] | None) -> None:
        first = not self.loaded
        self.error = None
        self.loaded = True
        self.model.set_listing(listing, haystacks=haystacks)
        for refill in self._filter_refills:
            refill()
        if self._hide_known_columns() or first:
            self.size_columns()
        self._update_count()
        self._finished()

    def _show_error(self, exc: Exception) -> None:
        self.error = str(exc)
        self.count_label.setText(f"The {self.noun} could not be loaded: {exc}")
        self.load_failed.emit(self.error)
        self._finished()

    def _finished(self) -> None:
        waiting, self._after_load = self._after_load, []
        for then in waiting:
            then()
        self.rows_loaded.emit()

    def reload_keeping_place(self) -> None:
        """Reload (another workstation changed something) keeping the current row, the other
        selected rows and the scroll position, so nothing jumps away from the user."""
        current, selected = self.current_id(), self.selected_ids()
        scroll = self.table.verticalScrollBar().value()
        self.reload()
        self.when_loaded(lambda: self._restore_place(current, selected, scroll))

    def _restore_place(self, current: int | None, selected: list[int], scroll: int) -> None:
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
        """Make the row with this id current (after a reload, say); False when not shown.

        While the rows are still loading the row is selected once they are shown (True)."""
        if self.is_loading:
            self._after_load.append(lambda: self.select_id(row_id) and None)
            return True
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
        from ..workflows.system.export import write_listing_file

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


def _read_prepared(loader: Callable[[], Listing]) -> tuple[Listing, tuple[str, ...]]:
    """On the worker thread: the listing, and the filter's haystacks of its rows."""
    listing = loader()
    return listing, haystacks_of(listing)


def _result_or_problem(job: Callable[[], object]) -> object:
    try:
        return job()
    except (StorageError, WorkflowError) as exc:
        return exc
