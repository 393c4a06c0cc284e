"""The agenda editor: one table per meeting day with computed times, drag to reorder, templates.

Every change goes through one workflow call in one unit of work (workflows/meetings/agenda.py) and
the
screen then reads the agenda again, so the start times shown are always the ones computed from
the database. Items are dragged within a day or to the other day's table; the tables' model
turns a drop into `move_agenda_item`.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.meetings import AgendaItemKind, AgendaPurpose
from ..storage import StorageError
from ..workflows import WorkflowError
from ..workflows.meetings import agenda as wf
from ..workflows.system.dates import utc_now
from ..workflows.system.export import write_listing_file
from .form_feedback import add_field_errors
from .list_page import EXPORT_FILTERS
from .operations import Refused, confirm, perform, read
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

MIME_TYPE = "application/x-usrg-agenda-item"
WARNING_STYLE = "color: #b00020; font-weight: bold;"
OVERDUE_COLOUR = QColor("#b00020")
AnyIndex = QModelIndex | QPersistentModelIndex


def encode_item(item_id: int) -> QMimeData:
    """The drag payload of one agenda item: its id."""
    data = QMimeData()
    data.setData(MIME_TYPE, QByteArray(struct.pack(">q", item_id)))
    return data


def decode_item(data: QMimeData) -> int | None:
    """The agenda item id a drag carries, or None for anything else."""
    if not data.hasFormat(MIME_TYPE):
        return None
    raw = bytes(data.data(MIME_TYPE).data())
    return struct.unpack(">q", raw)[0] if len(raw) == 8 else None


class AgendaDayModel(QAbstractTableModel):
    """One day's agenda items as rows; a drop of an item asks for a move by signal."""

    COL_START, COL_END, COL_MINUTES, COL_KIND, COL_TITLE, COL_PRESENTER, COL_PURPOSE = range(7)
    HEADERS = ("Start", "End", "Min.", "Type", "Title", "Presenter", "Purpose")

    # item id, target day, 1-based position in the target day (after the item left its place)
    move_requested = Signal(int, int, int)

    def __init__(self, day: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.day = day
        self.items: list[wf.AgendaRow] = []

    def set_items(self, items: list[wf.AgendaRow]) -> None:
        """Show these rows (a model reset)."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The number of items of the day."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Start, end, minutes, type, title, presenter, purpose."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        """Column headings."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The text of a cell."""
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.starts,
                item.ends,
                str(item.duration_minutes),
                item.kind.capitalize(),
                item.title,
                item.presenter,
                item.purpose,
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column <= self.COL_MINUTES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TITLE:
            return item.description or item.title
        if role == Qt.ItemDataRole.FontRole and item.kind in ("break", "lunch"):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Rows can be dragged; drops go between rows (the view turns 'on a row' into before)."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        """Items are moved, never copied."""
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        """Items are moved, never copied."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        """The one drag format: an agenda item's id."""
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        """The dragged row's item id."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_item(self.items[rows[0]].id) if rows else QMimeData()

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        """Turn a drop at `row` (or on `parent`'s row) into a move request."""
        item_id = decode_item(data)
        if item_id is None or action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.items)
        ids = [i.id for i in self.items]
        if item_id in ids and ids.index(item_id) < row:
            row -= 1  # the item leaves its old place above the drop point first
        if item_id in ids and ids.index(item_id) == row:
            return False
        self.move_requested.emit(item_id, self.day, row + 1)
        # The screen re-reads the agenda; nothing for the view to remove from this model.
        return False


class AgendaItemDialog(GuardedDialog):
    """Add or edit one agenda item; refusals are shown next to their fields."""

    def __init__(self, editor: AgendaEditor, item: wf.AgendaRow | None, day: int) -> None:
        super().__init__(editor)
        self.editor = editor
        self.item = item
        # A new item goes after the one selected when Add was pressed (see _position_on).
        self.after = editor.current_item() if item is None else None
        self.setWindowTitle("Edit agenda item" if item else "Add agenda item")
        self.day_combo = QComboBox()
        self.day_combo.addItems(["Day 1", "Day 2"])
        self.day_combo.setCurrentIndex(day - 1)
        self.day_combo.setEnabled(item is None)
        self.kind_combo = QComboBox()
        for kind in AgendaItemKind:
            self.kind_combo.addItem(kind.value.capitalize(), kind.value)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(300)
        self.presenter_edit = QLineEdit()
        self.presenter_edit.setMaxLength(200)
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(1, wf.MAX_DURATION_MINUTES)
        self.minutes_spin.setSingleStep(5)
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setValue(30)
        self.purpose_combo = QComboBox()
        for purpose in AgendaPurpose:
            self.purpose_combo.addItem(purpose.value.capitalize(), purpose.value)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(70)
        if item is None and editor.models[day - 1].rowCount():
            # A day already opened by its welcome goes on with sessions.
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(AgendaItemKind.SESSION.value))
        if item is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(item.kind))
            self.title_edit.setText(item.title)
            self.presenter_edit.setText(item.presenter)
            self.minutes_spin.setValue(item.duration_minutes)
            self.purpose_combo.setCurrentIndex(self.purpose_combo.findData(item.purpose))
            self.description_edit.setPlainText(item.description)
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label, widget in (
            ("day", "&Day", self.day_combo),
            ("kind", "&Type", self.kind_combo),
            ("title", "T&itle", self.title_edit),
            ("presenter", "&Presenter", self.presenter_edit),
            ("duration_minutes", "D&uration", self.minutes_spin),
            ("purpose", "Pu&rpose", self.purpose_combo),
            ("description", "D&escription", self.description_edit),
        ):
            error = QLabel("")
            error.setStyleSheet(WARNING_STYLE)
            error.setObjectName(f"error_{key}")
            error.setVisible(False)
            self.errors[key] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.general_error = QLabel("")
        self.general_error.setStyleSheet(WARNING_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.title_edit.setFocus()
        self.resize(480, self.sizeHint().height())
        self._opened = self.values()
        # Cancel, Escape or × with the item changed asks Save / Discard / Cancel.
        self.guard_unsaved(self.windowTitle)

    def has_unsaved_changes(self) -> bool:
        """The form differs from the item as opened (see views/unsaved.py)."""
        return self.values() != self._opened

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "the new agenda item" if self.item is None else "the changes to the agenda item"

    def _position_on(self, day: int) -> int | None:
        """Where a new item goes: just after the item selected when Add was pressed, if it is
        on that day; otherwise at the day's end (None)."""
        after = self.after
        return after.position + 1 if after is not None and after.day == day else None

    def values(self) -> dict[str, Any]:
        """What the form holds, as the workflow's keyword arguments."""
        return {
            "kind": self.kind_combo.currentData(),
            "title": self.title_edit.text(),
            "presenter": self.presenter_edit.text(),
            "duration_minutes": self.minutes_spin.value(),
            "purpose": self.purpose_combo.currentData(),
            "description": self.description_edit.toPlainText(),
        }

    def save(self) -> bool:
        """Run add or edit; close when it is done (True), else show why next to the fields."""
        for label in self.errors.values():
            label.setVisible(False)
        self.general_error.setVisible(False)
        window = self.editor.main_window
        values = self.values()
        try:
            if self.item is None:
                day = self.day_combo.currentIndex() + 1
                position = self._position_on(day)
                # Lambdas: the item's `title` is not perform's box title.
                _ok, new_id = perform(
                    self,
                    window.db,
                    lambda s: wf.add_agenda_item(
                        s,
                        meeting_id=self.editor.meeting_id,
                        actor=window.actor,
                        now=utc_now(),
                        day=day,
                        position=position,
                        **values,
                    ),
                    quiet=True,
                )
            else:
                item = self.item
                perform(
                    self,
                    window.db,
                    lambda s: wf.edit_agenda_item(
                        s,
                        item_id=item.id,
                        actor=window.actor,
                        now=utc_now(),
                        seen_version=item.version,
                        **values,
                    ),
                    quiet=True,
                )
                new_id = self.item.id
        except Refused as refused:
            if refused.errors:
                add_field_errors(self.errors, refused.errors, elsewhere=self.general_error)
            else:
                self.general_error.setText(str(refused))
                self.general_error.setVisible(True)
            return False
        self.saved_id = new_id
        self.accept()
        self.editor.reload(select_id=new_id)
        return True


class AgendaEditor(QWidget):
    """A meeting's agenda, day by day, to build and rearrange (a tab of the meeting screen)."""

    def __init__(self, window: MainWindow, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaEditor")
        self.main_window = window
        self._shown_once = False
        self.meeting_id = meeting_id
        self.agenda: wf.Agenda | None = None
        self.item_dialog: AgendaItemDialog | None = None

        self.add_button = QPushButton("&Add item…")
        self.add_button.setToolTip("Add an item to the selected day (Insert)")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Change the selected item (Enter or double-click)")
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Remove the selected item (Delete)")
        self.up_button = QPushButton("Move &up")
        self.up_button.setToolTip("Move the selected item one place up (Ctrl+Up)")
        self.down_button = QPushButton("Move do&wn")
        self.down_button.setToolTip("Move the selected item one place down (Ctrl+Down)")
        self.template_button = QPushButton("Use &standard template")
        self.template_button.setToolTip("Fill an empty agenda with the standard USRG agenda")
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.template_button)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("Save the agenda with its times as XLSX or CSV")
        buttons.addWidget(self.export_button)

        self.day_labels: list[QLabel] = []
        self.tables: list[QTableView] = []
        self.models: list[AgendaDayModel] = []
        self.warning_labels: list[QLabel] = []
        days = QGridLayout()
        for n in (1, 2):
            label = QLabel()
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            model = AgendaDayModel(n, self)
            # Queued: the model is reset after the drop, not inside the view's dropEvent.
            model.move_requested.connect(self.move_item, Qt.ConnectionType.QueuedConnection)
            table = self._make_table(model, n)
            warning = QLabel("")
            warning.setObjectName(f"overrunWarning{n}")
            warning.setStyleSheet(WARNING_STYLE)
            warning.setWordWrap(True)
            warning.setVisible(False)
            days.addWidget(label, 0, n - 1)
            days.addWidget(table, 1, n - 1)
            days.addWidget(warning, 2, n - 1)
            self.day_labels.append(label)
            self.models.append(model)
            self.tables.append(table)
            self.warning_labels.append(warning)
        days.setColumnStretch(0, 1)
        days.setColumnStretch(1, 1)

        self.matters_label = QLabel("Matters arising: open action items of earlier meetings")
        font = self.matters_label.font()
        font.setBold(True)
        self.matters_label.setFont(font)
        self.matters_table = QTableWidget(0, 6)
        self.matters_table.setHorizontalHeaderLabels(
            ["No.", "From meeting", "Action", "Owner", "Due", "Status"]
        )
        self.matters_table.verticalHeader().setVisible(False)
        self.matters_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matters_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.matters_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.matters_table.setSortingEnabled(True)
        self.matters_table.setMaximumHeight(180)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(days, 1)
        layout.addWidget(self.matters_label)
        layout.addWidget(self.matters_table)

        self.add_button.clicked.connect(self.add_item)
        self.edit_button.clicked.connect(self.edit_item)
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(lambda: self.nudge(-1))
        self.down_button.clicked.connect(lambda: self.nudge(+1))
        self.template_button.clicked.connect(self.apply_template)
        self.export_button.clicked.connect(self.export_with_dialog)
        for table in self.tables:
            table.installEventFilter(self)
        self._current_day = 1
        self.reload()

    def _make_table(self, model: AgendaDayModel, day: int) -> QTableView:
        table = QTableView()
        table.setObjectName(f"agendaDay{day}")
        table.setAccessibleName(f"Agenda of day {day}")
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setDragDropOverwriteMode(False)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AgendaDayModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(lambda _index: self.edit_item())
        table.activated.connect(lambda _index: self.edit_item())
        table.clicked.connect(lambda _index, d=day: self._set_day(d))
        table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Keys of the day tables: Insert adds, Delete removes, Ctrl+Up/Down move the item."""
        if event.type() == QEvent.Type.KeyPress and watched in self.tables:
            key = event.key()
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self._set_day(self.tables.index(watched) + 1)
            if key == Qt.Key.Key_Insert:
                self.add_item()
                return True
            if key == Qt.Key.Key_Delete:
                self.remove_item()
                return True
            if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.nudge(-1 if key == Qt.Key.Key_Up else +1)
                return True
        return super().eventFilter(watched, event)

    def _set_day(self, day: int) -> None:
        self._current_day = day
        other = self.tables[2 - day]
        other.clearSelection()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Read again when the tab comes back: another tab (say the day times) may have changed."""
        if self._shown_once:
            self.reload()
        self._shown_once = True
        super().showEvent(event)

    # -- reading --------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        """Read the agenda again and show it (keeping or moving the selection to `select_id`)."""
        if select_id is None:
            current = self.current_item()
            select_id = current.id if current else None
        try:
            self.agenda = read(
                self.main_window.db,
                wf.meeting_agenda,
                meeting_id=self.meeting_id,
                today=self.main_window.today,
            )
        except (WorkflowError, StorageError) as exc:
            self.main_window.show_error("The agenda could not be read", str(exc))
            return
        for n, day in enumerate(self.agenda.days):
            hours, minutes = divmod(day.total_minutes, 60)
            self.day_labels[n].setText(
                f"Day {day.day}: {day.on.strftime('%A')} {day.on.day} {day.on.strftime('%B %Y')}, "
                f"{day.start} to {day.end} ({hours} h {minutes:02d} planned)"
            )
            self.models[n].set_items(day.items)
            self.warning_labels[n].setText(day.warning or "")
            self.warning_labels[n].setVisible(bool(day.warning))
        self._show_matters(self.agenda.matters_arising)
        self.template_button.setEnabled(self.agenda.is_empty)
        if select_id is not None:
            self.select_item(select_id)
        self._update_buttons()

    def _show_matters(self, matters: list[wf.MatterArising]) -> None:
        table = self.matters_table
        table.setSortingEnabled(False)
        table.setRowCount(len(matters))
        for row, m in enumerate(matters):
            due = m.due_on.isoformat() if m.due_on else ""
            status = m.status + (" (overdue)" if m.overdue else "")
            for column, value in enumerate(
                (m.number, m.meeting_number, m.description, m.owner, due, status)
            ):
                cell = QTableWidgetItem()
                cell.setData(Qt.ItemDataRole.DisplayRole, value)
                if m.overdue:
                    cell.setForeground(QBrush(OVERDUE_COLOUR))
                table.setItem(row, column, cell)
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.SortOrder.AscendingOrder)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        overdue = sum(m.overdue for m in matters)
        self.matters_label.setText(
            f"Matters arising: {len(matters)} open action item(s) of earlier meetings"
            + (f", {overdue} overdue" if overdue else "")
        )

    def current_item(self) -> wf.AgendaRow | None:
        """The selected agenda item (in either day), or None."""
        for n in (self._current_day - 1, 2 - self._current_day):
            rows = self.tables[n].selectionModel().selectedRows()
            if rows:
                return self.models[n].items[rows[0].row()]
        return None

    def select_item(self, item_id: int) -> bool:
        """Select the row of an agenda item and show it."""
        for n, model in enumerate(self.models):
            for row, item in enumerate(model.items):
                if item.id == item_id:
                    self.tables[1 - n].clearSelection()
                    self.tables[n].selectRow(row)
                    self.tables[n].scrollTo(model.index(row, 0))
                    self._current_day = n + 1
                    return True
        return False

    def _update_buttons(self) -> None:
        has = self.current_item() is not None
        for button in (self.edit_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(has)

    # -- actions --------------------------------------------------------------------------------
    def _run(self, action: Any, /, **kwargs: Any) -> bool:
        done, _ = perform(
            self, self.main_window.db, action, actor=self.main_window.actor, now=utc_now(), **kwargs
        )
        return done

    def apply_template(self) -> None:
        """Fill the empty agenda with the standard USRG agenda."""
        if self._run(wf.apply_standard_template, meeting_id=self.meeting_id):
            self.reload()

    def add_item(self) -> None:
        """Open the form for a new item on the selected day."""
        current = self.current_item()
        self.item_dialog = AgendaItemDialog(self, None, current.day if current else 1)
        self.item_dialog.open()

    def edit_item(self) -> None:
        """Open the form of the selected item."""
        current = self.current_item()
        if current is None:
            return
        self.item_dialog = AgendaItemDialog(self, current, current.day)
        self.item_dialog.open()

    def remove_item(self) -> None:
        """Remove the selected item after asking."""
        current = self.current_item()
        if current is None:
            return
        if not confirm(
            self,
            "Remove agenda item",
            f"Remove '{current.title}' ({current.starts}, day {current.day}) from the agenda?",
            yes="Remove",
        ):
            return
        if self._run(wf.remove_agenda_item, item_id=current.id):
            self.reload()

    def move_item(self, item_id: int, day: int, position: int) -> None:
        """Move an item to a place in a day (from a drop or a keyboard move) and show times."""
        if self._run(wf.move_agenda_item, item_id=item_id, day=day, position=position):
            self.reload(select_id=item_id)

    def nudge(self, step: int) -> None:
        """Move the selected item one place up or down (across the day boundary at the ends)."""
        current = self.current_item()
        if current is None or self.agenda is None:
            return
        day = self.agenda.days[current.day - 1]
        target = current.position + step
        if 1 <= target <= len(day.items):
            self.move_item(current.id, current.day, target)
        elif target < 1 and current.day == 2:
            self.move_item(current.id, 1, len(self.agenda.days[0].items) + 1)
        elif target > len(day.items) and current.day == 1:
            self.move_item(current.id, 2, 1)

    def export_to(self, path: str) -> int:
        """Write the agenda as shown (both days, with times) to CSV or XLSX; rows written."""
        if self.agenda is None:
            return 0
        listing = wf.agenda_listing(self.agenda)
        return write_listing_file(path, listing.columns, listing.rows, title=listing.title)

    def export_with_dialog(self) -> None:
        """Ask for a file name and export the agenda."""
        number = self.agenda.meeting_number if self.agenda else ""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the agenda", f"agenda-meeting-{number}.xlsx", EXPORT_FILTERS
        )
        if not path:
            return
        try:
            count = self.export_to(path)
        except (OSError, ValueError) as exc:
            self.main_window.show_error("The agenda could not be exported", str(exc))
            return
        self.main_window.statusBar().showMessage(f"{count} agenda item(s) exported to {path}.")
