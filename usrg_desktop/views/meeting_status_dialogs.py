"""The meeting screen's two dialogs that change a meeting's status or days: Cancel meeting…
(a reason, asked once more) and Move… (new days in its quarter, through the one meeting-days
dialog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

from ..workflows.meetings import meeting_plans as mp
from ..workflows.system.dates import utc_now
from .form_feedback import error_label
from .meeting_days_dialog import DaysChoice, MeetingDaysDialog
from .operations import Refused, confirm, perform
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    from .meeting_screen import MeetingScreen


class CancelDialog(GuardedDialog):
    """The reason for cancelling a meeting; OK asks once more, then cancels."""

    def __init__(self, screen: MeetingScreen, meeting: mp.MeetingDetails) -> None:
        super().__init__(screen)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
        self.screen_ = screen
        self.meeting = meeting
        self.setWindowTitle(f"Cancel meeting {meeting.number}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        intro = QLabel(
            f"Meeting {meeting.number} ({meeting.quarter.label}, {meeting.host}) will be "
            "cancelled; its calendar file will show it as cancelled. This cannot be undone."
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(80)
        label = QLabel("&Reason:")
        label.setBuddy(self.reason)
        self.error = error_label("error_reason")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Cancel the meeting")
        self.ok_button.setObjectName("ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Keep it")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> bool:
        """Check the reason, ask to confirm, cancel; a refusal shows under the reason."""
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.error.setText(f"Give a reason to cancel meeting {self.meeting.number}.")
            self.error.setVisible(True)
            return False
        if not confirm(
            self,
            "Cancel the meeting",
            f"Cancel meeting {self.meeting.number} ({self.meeting.quarter.label}, "
            f"{self.meeting.host})?",
            yes="Cancel the meeting",
        ):
            return False
        actor = self.screen_._actor()
        if actor is None:
            return False
        try:
            perform(
                self,
                self.screen_.db,
                mp.cancel_meeting,
                quiet=True,
                meeting_id=self.meeting.id,
                reason=reason,
                actor=actor,
                now=utc_now(),
            )
        except Refused as refused:
            self.error.setText(str(refused))
            self.error.setVisible(True)
            return False
        self.accept()
        self.screen_._changed()
        return True


def move_dialog(screen: MeetingScreen, meeting: mp.MeetingDetails) -> MeetingDaysDialog:
    """New days for a meeting in its quarter, checked against the rules as they change."""
    choice = DaysChoice(
        title=f"Move meeting {meeting.number}",
        intro=(
            f"Meeting {meeting.number} ({meeting.quarter.label}, {meeting.host}) is on "
            f"{meeting.starts_on:%a %d %b} and {meeting.ends_on:%a %d %b %Y}. Its calendar "
            "file will carry the new days."
        ),
        quarter=meeting.quarter,
        host_city_id=meeting.host_city_id,
        starts_on=meeting.starts_on,
        ends_on=meeting.ends_on,
        ok_text="Move the meeting",
        host_editable=False,
        excluding=meeting.id,
    )

    def commit(session: Any, *, quarter: Any, host_city_id: Any, **values: Any) -> bool:
        return mp.move_meeting(session, meeting_id=meeting.id, **values)

    dialog = MeetingDaysDialog(
        screen,
        screen.db,
        choice,
        today=screen.window_.today,
        actor=screen._actor,
        commit=commit,
    )
    dialog.accepted.connect(screen._changed)
    return dialog
