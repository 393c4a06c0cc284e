"""The minutes panel's dialog to add or edit one action item: what, who, by when (if at all);
a refusal shows next to its field."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ..workflows.meetings import minutes as wf
from ..workflows.system.dates import utc_now
from .date_fields import qdate
from .form_feedback import add_refusal
from .operations import Refused, perform
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    from .minutes_panel import MinutesPanel

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
            add_refusal(self.errors, refused.errors, str(refused), elsewhere=self.general_error)
            return False
        self.accept()
        self.panel.reload_actions(select_id=new_id)
        window.changes_made()
        return True
