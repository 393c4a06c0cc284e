"""The minutes panel: minutes per agenda item, and the meeting's action-item tracker.

The tracker shows the actions carried forward from earlier meetings (still open) and those
raised at this meeting; overdue ones are red. Minutes are saved with Ctrl+S or when the user
moves to another agenda item, so nothing typed is lost by clicking away.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.meetings import ActionStatus
from ..storage import StorageError
from ..workflows import WorkflowError
from ..workflows.meetings import minutes as wf
from ..workflows.meetings.meeting_plans import meeting_details
from ..workflows.system.dates import utc_now
from .date_fields import qdate
from .form_feedback import add_field_errors
from .operations import Refused, last_refusal, perform, read
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

OVERDUE_COLOUR = QColor("#b00020")
ERROR_STYLE = "color: #b00020; font-weight: bold;"


class ActionItemDialog(GuardedDialog):
    """Add or edit an action item: what, who, by when; refusals next to their fields."""

    def __init__(self, panel: MinutesPanel, action: wf.ActionRow | None) -> None:
        super().__init__(panel)
        self.panel = panel
        self.action = action
        self.setWindowTitle(f"Action {action.number}" if action else "New action item")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(70)
        self.owner_edit = QLineEdit()
        self.owner_edit.setMaxLength(200)
        self.owner_edit.setPlaceholderText("A person, a city or a body")
        self.agenda_combo = QComboBox()
        self.agenda_combo.addItem("(the meeting as a whole)", None)
        for row in panel.minute_rows:
            if row.agenda_item_id is not None:
                self.agenda_combo.addItem(f"Day {row.day}, {row.title}", row.agenda_item_id)
        self.agenda_combo.setEnabled(action is None)
        self.has_due = QCheckBox("Due by")
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        default_due = panel.meeting_start.toordinal() + 56
        self.due_edit.setDate(qdate(date.fromordinal(default_due)))
        self.has_due.setChecked(True)
        self.has_due.toggled.connect(self.due_edit.setEnabled)
        if action is not None:
            self.description_edit.setPlainText(action.description)
            self.owner_edit.setText(action.owner)
            self.has_due.setChecked(action.due_on is not None)
            if action.due_on is not None:
                self.due_edit.setDate(qdate(action.due_on))
        current = panel.current_agenda_item_id()
        if action is None and current is not None:
            self.agenda_combo.setCurrentIndex(max(0, self.agenda_combo.findData(current)))
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due_edit, 1)
        for key, label, widget in (
            ("description", "&Action", self.description_edit),
            ("owner", "&Owner", self.owner_edit),
            ("due_on", "&Due", due_row),
            ("agenda_item", "Agenda &item", self.agenda_combo),
        ):
            error = QLabel("")
            error.setStyleSheet(ERROR_STYLE)
            error.setVisible(False)
            self.errors[key] = error
            box = QVBoxLayout()
            box.setSpacing(2)
            caption = QLabel(label)
            if isinstance(widget, QHBoxLayout):
                box.addLayout(widget)
                caption.setBuddy(self.has_due)
            else:
                box.addWidget(widget)
                caption.setBuddy(widget)
            box.addWidget(error)
            form.addRow(caption, box)
        self.general_error = QLabel("")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.description_edit.setFocus()
        self.resize(520, self.sizeHint().height())
        self._opened = self._snapshot()
        # Cancel, Escape or × with the action changed asks Save / Discard / Cancel.
        self.guard_unsaved(self.windowTitle)

    def _snapshot(self) -> tuple[Any, ...]:
        return (
            self.description_edit.toPlainText(),
            self.owner_edit.text(),
            self.has_due.isChecked(),
            self.due_edit.date(),
            self.agenda_combo.currentData(),
        )

    def has_unsaved_changes(self) -> bool:
        """The form differs from the action as opened (see views/unsaved.py)."""
        return self._snapshot() != self._opened

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "the new action item" if self.action is None else "the changes to the action"

    def save(self) -> bool:
        """Record the action; close when done (True), else show why next to the fields."""
        for label in (*self.errors.values(), self.general_error):
            label.setVisible(False)
        window = self.panel.main_window
        due = self.due_edit.date().toPython() if self.has_due.isChecked() else None
        values = {
            "description": self.description_edit.toPlainText(),
            "owner_text": self.owner_edit.text(),
            "due_on": due,
        }
        try:
            if self.action is None:
                _ok, added = perform(
                    self,
                    window.db,
                    wf.add_action_item,
                    meeting_id=self.panel.meeting_id,
                    agenda_item_id=self.agenda_combo.currentData(),
                    actor=window.actor,
                    now=utc_now(),
                    quiet=True,
                    **values,
                )
                new_id = added[0] if added is not None else None
            else:
                perform(
                    self,
                    window.db,
                    wf.edit_action_item,
                    action_id=self.action.id,
                    actor=window.actor,
                    now=utc_now(),
                    quiet=True,
                    **values,
                )
                new_id = self.action.id
        except Refused as refused:
            if refused.errors:
                add_field_errors(self.errors, refused.errors, elsewhere=self.general_error)
            else:
                self.general_error.setText(str(refused))
                self.general_error.setVisible(True)
            return False
        self.accept()
        self.panel.reload_actions(select_id=new_id)
        window.changes_made()
        return True


class MinutesPanel(QWidget):
    """Minutes of each agenda item on the left and right, action items below."""

    COL_NUMBER, COL_MEETING, COL_ACTION, COL_OWNER, COL_DUE, COL_STATUS = range(6)
    HEADERS = ("No.", "Raised at", "Action", "Owner", "Due", "Status")

    def __init__(self, window: MainWindow, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("minutesPanel")
        self.main_window = window
        self._shown_once = False
        self.meeting_id = meeting_id
        self.minute_rows: list[wf.MinuteRow] = []
        # Minutes someone else recorded after this panel showed them: agenda item id -> text.
        self._seen_minutes: dict[int | None, str] = {}
        self.actions: list[wf.ActionRow] = []
        self.action_dialog: ActionItemDialog | None = None
        self.meeting_start = window.today
        self._shown_row: int | None = None

        self.items_list = QListWidget()
        self.items_list.setObjectName("agendaItems")
        self.items_list.setAccessibleName("Agenda items")
        self.item_title = QLabel("")
        font = self.item_title.font()
        font.setBold(True)
        self.item_title.setFont(font)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("minutesText")
        self.text_edit.setPlaceholderText("What was said and decided under this item…")
        self.save_button = QPushButton("&Save minutes")
        self.save_button.setToolTip("Save the minutes of this item (Ctrl+S)")
        self.saved_label = QLabel("")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.item_title)
        right_layout.addWidget(self.text_edit, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.saved_label, 1)
        save_row.addWidget(self.save_button)
        right_layout.addLayout(save_row)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.items_list)
        top.addWidget(right)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)

        self.actions_label = QLabel("Action items")
        self.actions_label.setFont(font)
        self.add_action_button = QPushButton("&Add action…")
        self.edit_action_button = QPushButton("&Edit…")
        self.done_button = QPushButton("Mark &done")
        self.progress_button = QPushButton("In &progress")
        self.drop_button = QPushButton("D&rop…")
        self.reopen_button = QPushButton("Re&open")
        action_buttons = QHBoxLayout()
        action_buttons.addWidget(self.actions_label)
        action_buttons.addStretch(1)
        for button in (
            self.add_action_button,
            self.edit_action_button,
            self.progress_button,
            self.done_button,
            self.drop_button,
            self.reopen_button,
        ):
            action_buttons.addWidget(button)
        self.actions_table = QTableWidget(0, len(self.HEADERS))
        self.actions_table.setObjectName("actionItems")
        self.actions_table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.actions_table.verticalHeader().setVisible(False)
        self.actions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.actions_table.setSortingEnabled(True)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(action_buttons)
        bottom_layout.addWidget(self.actions_table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.items_list.currentRowChanged.connect(self._on_item_changed)
        self.save_button.clicked.connect(self.save_minutes)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_minutes)
        self.add_action_button.clicked.connect(self.add_action)
        self.edit_action_button.clicked.connect(self.edit_action)
        self.actions_table.doubleClicked.connect(lambda _i: self.edit_action())
        self.done_button.clicked.connect(lambda: self.set_status(ActionStatus.DONE.value))
        self.progress_button.clicked.connect(
            lambda: self.set_status(ActionStatus.IN_PROGRESS.value)
        )
        self.reopen_button.clicked.connect(lambda: self.set_status(ActionStatus.OPEN.value))
        self.drop_button.clicked.connect(self.drop_action)
        self.actions_table.itemSelectionChanged.connect(self._update_buttons)
        self.text_edit.modificationChanged.connect(self._on_modified)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Read again when the tab comes back: another tab (say the day times) may have changed."""
        if self._shown_once:
            # Minutes being typed are kept: only an unchanged page is read again.
            if not self._dirty():
                self.reload_minutes()
            self.reload_actions()
        self._shown_once = True
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        """Save the minutes being typed when the tab or the meeting's window goes away."""
        row = self.items_list.currentRow()
        if self._dirty() and 0 <= row < len(self.minute_rows):
            self._save_row(row)
        super().hideEvent(event)

    # -- reading ------------------------------------------------------------------------------
    def record_changed_elsewhere(self, change: Any) -> None:
        """Another workstation changed this meeting: show its minutes and actions as they are
        now, except for minutes being typed here, which stay (saving them then asks)."""
        if self._dirty():
            self.reload_actions()
            self.saved_label.setText(
                f"Not saved yet — {change.actor_name} changed this meeting at {change.when}"
            )
            return
        self.reload()

    def reload(self) -> None:
        """Read the agenda items with their minutes, and the action items, again."""
        self.reload_minutes()
        self.reload_actions()

    def reload_minutes(self) -> None:
        """Read the minutes of every agenda item again and show them."""
        keep = self.items_list.currentRow()
        try:
            self.minute_rows, self.meeting_start = read(
                self.main_window.db,
                lambda s: (
                    wf.meeting_minutes(s, meeting_id=self.meeting_id),
                    meeting_details(s, meeting_id=self.meeting_id).starts_on,
                ),
            )
            self._seen_minutes.clear()
        except (WorkflowError, StorageError) as exc:
            self.main_window.show_error("The minutes could not be read", str(exc))
            return
        self.items_list.blockSignals(True)
        self.items_list.clear()
        for row in self.minute_rows:
            where = f"Day {row.day} · {row.position}. " if row.day else ""
            item = QListWidgetItem(("✓ " if row.text else "    ") + where + row.title)
            item.setToolTip("Minutes recorded" if row.text else "No minutes yet")
            if row.text:
                bold = QFont(item.font())
                bold.setBold(True)
                item.setFont(bold)
            self.items_list.addItem(item)
        self.items_list.blockSignals(False)
        self._shown_row = None
        self.items_list.setCurrentRow(keep if 0 <= keep < len(self.minute_rows) else 0)

    def reload_actions(self, select_id: int | None = None) -> None:
        """Read the action items carried to and raised at this meeting again and show them."""
        if select_id is None:
            current = self.current_action()
            select_id = current.id if current else None
        try:
            self.actions = read(
                self.main_window.db,
                wf.meeting_action_items,
                meeting_id=self.meeting_id,
                today=self.main_window.today,
            )
        except (WorkflowError, StorageError) as exc:
            self.main_window.show_error("The action items could not be read", str(exc))
            return
        table = self.actions_table
        table.setSortingEnabled(False)
        table.clearContents()
        table.setRowCount(len(self.actions))
        for r, action in enumerate(self.actions):
            status = action.status
            if action.overdue:
                status += " (overdue)"
            elif action.done_on is not None:
                status += f" {action.done_on.isoformat()}"
            raised = f"{action.meeting_number}" + (" (carried forward)" if action.carried else "")
            due = action.due_on.isoformat() if action.due_on else ""
            for c, value in enumerate(
                (action.number, raised, action.description, action.owner, due, status)
            ):
                cell = QTableWidgetItem()
                cell.setData(Qt.ItemDataRole.DisplayRole, value)
                cell.setData(Qt.ItemDataRole.UserRole, action.id)
                if action.overdue:
                    cell.setForeground(QBrush(OVERDUE_COLOUR))
                table.setItem(r, c, cell)
        table.setSortingEnabled(True)
        table.sortItems(self.COL_NUMBER, Qt.SortOrder.AscendingOrder)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(
            self.COL_ACTION, QHeaderView.ResizeMode.Stretch
        )
        carried = sum(a.carried for a in self.actions)
        overdue = sum(a.overdue for a in self.actions)
        self.actions_label.setText(
            f"Action items: {len(self.actions) - carried} raised here, {carried} carried forward"
            + (f", {overdue} overdue" if overdue else "")
        )
        if select_id is not None:
            self.select_action(select_id)
        self._update_buttons()

    def current_agenda_item_id(self) -> int | None:
        """The agenda item whose minutes are shown (None for the general minutes)."""
        row = self.items_list.currentRow()
        return self.minute_rows[row].agenda_item_id if 0 <= row < len(self.minute_rows) else None

    def current_action(self) -> wf.ActionRow | None:
        """The selected action item, or None."""
        rows = self.actions_table.selectionModel().selectedRows()
        if not rows:
            return None
        action_id = self.actions_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((a for a in self.actions if a.id == action_id), None)

    def select_action(self, action_id: int) -> bool:
        """Select an action item's row."""
        for r in range(self.actions_table.rowCount()):
            if self.actions_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == action_id:
                self.actions_table.selectRow(r)
                return True
        return False

    def _update_buttons(self) -> None:
        action = self.current_action()
        is_open = action is not None and action.status in ("open", "in progress")
        self.edit_action_button.setEnabled(action is not None)
        self.done_button.setEnabled(is_open)
        self.progress_button.setEnabled(action is not None and action.status == "open")
        self.drop_button.setEnabled(is_open)
        self.reopen_button.setEnabled(action is not None and not is_open)

    # -- minutes ------------------------------------------------------------------------------
    def _on_item_changed(self, row: int) -> None:
        if self._shown_row is not None and self._shown_row != row and self._dirty():
            # Moving to another item saves what was typed, so nothing is lost.
            if not self._save_row(self._shown_row):
                self.items_list.blockSignals(True)
                self.items_list.setCurrentRow(self._shown_row)
                self.items_list.blockSignals(False)
                return
            self.reload_minutes()
            self.items_list.setCurrentRow(row)
            return
        self._shown_row = row
        if 0 <= row < len(self.minute_rows):
            minute = self.minute_rows[row]
            self.item_title.setText(minute.title)
            self.text_edit.setPlainText(minute.text)
            self.text_edit.document().setModified(False)
            self.saved_label.setText("")

    def _dirty(self) -> bool:
        return self.text_edit.document().isModified()

    def _on_modified(self, modified: bool) -> None:
        self.saved_label.setText("Not saved yet" if modified else "")

    def _save_row(self, row: int) -> bool:
        minute = self.minute_rows[row]
        window = self.main_window
        seen = self._seen_minutes.get(minute.agenda_item_id, minute.text)
        try:
            done, _ = perform(
                self,
                window.db,
                wf.record_minutes,
                quiet=True,
                meeting_id=self.meeting_id,
                agenda_item_id=minute.agenda_item_id,
                text=self.text_edit.toPlainText(),
                actor=window.actor,
                now=utc_now(),
                seen_text=seen,
            )
        except Refused as refused:
            if refused.conflict is not None:
                # Someone else recorded these minutes since they were shown. The text typed
                # here stays; the next Save replaces theirs on purpose.
                theirs = read(window.db, wf.meeting_minutes, meeting_id=self.meeting_id)
                for other in theirs:
                    if other.agenda_item_id == minute.agenda_item_id:
                        self._seen_minutes[minute.agenda_item_id] = other.text
                shown = self._seen_minutes.get(minute.agenda_item_id) or "(none)"
                message = (
                    f"{refused} Their minutes now read:\n\n{shown}"
                    "\n\nYour text is still in the editor: copy what you need, or press Save "
                    "again to replace theirs with yours."
                )
            else:
                message = str(refused)
            self.saved_label.setText("Not saved")
            box = QMessageBox(QMessageBox.Icon.Warning, "Minutes not saved", message, parent=self)
            box.setObjectName("refusal")
            box.open()
            last_refusal[0] = box
            return False
        if done:
            self._seen_minutes.pop(minute.agenda_item_id, None)
            self.text_edit.document().setModified(False)
        return done

    def save_minutes(self) -> None:
        """Save the minutes of the item shown (Ctrl+S)."""
        row = self.items_list.currentRow()
        if not 0 <= row < len(self.minute_rows):
            return
        if self._save_row(row):
            self.reload_minutes()
            self.saved_label.setText("Saved")

    # -- action items ---------------------------------------------------------------------------
    def add_action(self) -> None:
        """Open the form for a new action item of this meeting."""
        self.action_dialog = ActionItemDialog(self, None)
        self.action_dialog.open()

    def edit_action(self) -> None:
        """Open the form of the selected action item."""
        action = self.current_action()
        if action is None:
            return
        self.action_dialog = ActionItemDialog(self, action)
        self.action_dialog.open()

    def set_status(self, status: str, reason: str = "") -> bool:
        """Mark the selected action open, in progress, done or dropped."""
        action = self.current_action()
        if action is None:
            return False
        window = self.main_window
        done, _ = perform(
            self,
            window.db,
            wf.set_action_status,
            action_id=action.id,
            status=status,
            reason=reason,
            actor=window.actor,
            now=utc_now(),
            today=window.today,
        )
        if done:
            self.reload_actions(select_id=action.id)
            window.changes_made()
        return done

    def drop_action(self) -> None:
        """Drop the selected action, asking for the reason."""
        action = self.current_action()
        if action is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Drop action item", f"Why is action {action.number} dropped?"
        )
        if ok:
            self.set_status(ActionStatus.DROPPED.value, reason)

    def has_unsaved_minutes(self) -> bool:
        """Whether the minutes shown were changed and not saved."""
        return self._dirty()


# -- the Action items list ------------------------------------------------------------------------
def setup_action_items_page(window: MainWindow, page: Any) -> None:
    """Open an action's meeting on double-click or Enter; Mark done; a status filter."""
    page.add_column_filter("status", "Status")
    page.add_column_filter("overdue", "Overdue")

    def open_action(action_id: int) -> None:
        done, meeting_id = perform(page, window.db, wf.action_meeting_id, action_id=action_id)
        if not done or meeting_id is None:
            return
        from .meeting_screen import open_meeting

        screen = open_meeting(window, meeting_id)
        tabs = getattr(screen, "tabs", None)
        panel = getattr(screen, "tab_widget", lambda _t: None)("Minutes and actions")
        if tabs is not None and panel is not None:
            for index in range(tabs.count()):
                if tabs.tabText(index).replace("&", "") == "Minutes and actions":
                    tabs.setCurrentIndex(index)
            if isinstance(panel, MinutesPanel):
                panel.select_action(action_id)

    def mark_done() -> None:
        chosen = page.selected_ids()
        if not chosen:
            window.statusBar().showMessage("Select the action items that are done.", 10_000)
            return
        marked = 0
        for action_id in chosen:
            done, _ = perform(
                page,
                window.db,
                wf.set_action_status,
                action_id=action_id,
                status=ActionStatus.DONE.value,
                actor=window.actor,
                now=utc_now(),
                today=window.today,
            )
            if not done:
                break
            marked += 1
        if marked:
            window.changes_made()
            window.statusBar().showMessage(f"{marked} action item(s) marked done.", 10_000)

    page.item_activated.connect(open_action)
    page.add_action(
        "Open meeting",
        lambda: page.current_id() is not None and open_action(page.current_id()),
        shortcut="Ctrl+O",
        tip="Open the meeting the selected action was raised at",
    )
    page.add_action(
        "Mark done", mark_done, shortcut="Ctrl+D", tip="Mark the selected action items done"
    )
