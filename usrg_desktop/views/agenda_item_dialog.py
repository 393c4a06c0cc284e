"""The agenda editor's dialog to add or edit one agenda item (its day, type, title,
presenter, duration, purpose and description; a new one goes after the item selected); a
refusal shows next to its field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from ..domain.meetings import AgendaItemKind, AgendaPurpose
from ..workflows.meetings import agenda as wf
from ..workflows.system.dates import utc_now
from .form_feedback import add_refusal
from .operations import Refused, perform
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    from .agenda_editor import AgendaEditor

WARNING_STYLE = "color: #b00020; font-weight: bold;"


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
            add_refusal(self.errors, refused.errors, str(refused), elsewhere=self.general_error)
            return False
        self.saved_id = new_id
        self.accept()
        self.editor.reload(select_id=new_id)
        return True
