"""The meeting screen's Details tab: the venue, the two days' times and the exposure visit,
saved together with Save (Ctrl+S); a refusal shows beside its field, and a conflict with
another workstation's save says how to keep either."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.meetings import MeetingStatus as MS
from ..workflows.meetings import meeting_plans as mp
from ..workflows.system.dates import utc_now
from .form_feedback import error_label, show_field_errors
from .operations import Refused, perform

if TYPE_CHECKING:
    from .meeting_screen import MeetingScreen


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _pytime(value: QTime) -> time:
    return time(value.hour(), value.minute())


class DetailsTab(QWidget):
    """Venue, the days' times and the exposure visit, saved together with Save (Ctrl+S)."""

    TEXTS = ("venue", "exposure_site", "exposure_contact")
    NOTES = ("exposure_purpose", "exposure_transport")
    TIMES = ("day1_start", "day1_end", "day2_start", "day2_end")

    def __init__(self, screen: MeetingScreen) -> None:
        super().__init__(screen)
        self.screen_ = screen
        self.fields: dict[str, Any] = {}
        self.errors: dict[str, QLabel] = {}
        for key in self.TEXTS:
            edit = QLineEdit()
            edit.setMaxLength(mp.DETAIL_LIMITS[key][1] + 50)  # longer is refused, with a sentence
            self.fields[key] = edit
        for key in self.NOTES:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(64)
            self.fields[key] = edit
        for key in self.TIMES:
            edit = QTimeEdit()
            edit.setDisplayFormat("HH:mm")
            self.fields[key] = edit
        for key, widget in self.fields.items():
            widget.setObjectName(key)
            self.errors[key] = error_label(f"error_{key}")

        def row(form: QFormLayout, label: str, key: str) -> None:
            form.addRow(label, self.fields[key])
            form.addRow("", self.errors[key])

        meeting_box = QGroupBox("Meeting")
        meeting_form = QFormLayout(meeting_box)
        row(meeting_form, "&Venue:", "venue")
        days = QGridLayout()
        for n, (day, start, end) in enumerate(
            (("Day 1", "day1_start", "day1_end"), ("Day 2", "day2_start", "day2_end"))
        ):
            days.addWidget(QLabel(f"{day}: from"), n * 2, 0)
            days.addWidget(self.fields[start], n * 2, 1)
            days.addWidget(QLabel("to"), n * 2, 2)
            days.addWidget(self.fields[end], n * 2, 3)
            days.addWidget(self.errors[start], n * 2 + 1, 1)
            days.addWidget(self.errors[end], n * 2 + 1, 3)
        days.setColumnStretch(4, 1)
        meeting_form.addRow("Times:", days)
        visit_box = QGroupBox("Exposure visit")
        visit_form = QFormLayout(visit_box)
        row(visit_form, "&Site:", "exposure_site")
        row(visit_form, "&Purpose:", "exposure_purpose")
        row(visit_form, "&Transport:", "exposure_transport")
        row(visit_form, "C&ontact:", "exposure_contact")

        self.save_button = QPushButton("&Save details")
        self.save_button.setObjectName("saveDetails")
        self.save_button.setToolTip("Save the venue, times and exposure visit (Ctrl+S)")
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("savedLabel")
        # A refusal can be two sentences long: it wraps beside the button instead of being cut.
        self.saved_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(meeting_box)
        layout.addWidget(visit_box)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def show_meeting(self, m: mp.MeetingDetails) -> None:
        """Fill the fields from the meeting; read-only once it is held or cancelled."""
        for key in self.TEXTS:
            self.fields[key].setText(getattr(m, key))
        for key in self.NOTES:
            self.fields[key].setPlainText(getattr(m, key))
        for key in self.TIMES:
            self.fields[key].setTime(_qtime(getattr(m, key)))
        editable = m.status in (MS.PLANNED.value, MS.CONFIRMED.value)
        for widget in self.fields.values():
            widget.setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.show_errors({})
        self._shown = self.values()
        self.seen_version = m.version
        if not editable:
            self.saved_label.setText(
                f"The meeting is {m.status}; its details can no longer change."
            )

    def unsaved_what(self) -> str:
        """What this tab holds, for the unsaved-changes question."""
        return "the meeting's details (venue, times, exposure visit)"

    def has_unsaved_changes(self) -> bool:
        """Whether the fields hold anything typed since the meeting was last shown or saved."""
        return self.save_button.isEnabled() and self.values() != getattr(self, "_shown", None)

    def values(self) -> dict[str, Any]:
        """The form's values as the workflow takes them."""
        values: dict[str, Any] = {key: self.fields[key].text() for key in self.TEXTS}
        values.update({key: self.fields[key].toPlainText() for key in self.NOTES})
        values.update({key: _pytime(self.fields[key].time()) for key in self.TIMES})
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each sentence next to its field; the others hidden."""
        show_field_errors(self.errors, errors)

    def save(self) -> bool:
        """Save the details; refusals show next to their fields and nothing is written."""
        if not self.save_button.isEnabled():
            return False
        actor = self.screen_._actor()
        if actor is None:
            return False
        try:
            _done, changed = perform(
                self,
                self.screen_.db,
                mp.update_meeting_details,
                quiet=True,
                meeting_id=self.screen_.meeting_id,
                actor=actor,
                now=utc_now(),
                seen_version=self.seen_version,
                **self.values(),
            )
        except Refused as refused:
            self.show_errors(refused.errors)
            if refused.conflict is not None:
                # A second Save is a choice made knowingly: it saves these over theirs.
                theirs = self.screen_.latest_details()
                if theirs is not None:
                    self.seen_version = theirs.version
                self.saved_label.setText(
                    f"{refused} Save again to keep yours, or close without saving to see theirs."
                )
                return False
            self.saved_label.setText(str(refused))
            return False
        self.show_errors({})
        self._shown = self.values()
        self.saved_label.setText("Saved." if changed else "Nothing to save: no field changed.")
        if changed:
            self.screen_._changed()
        return True
