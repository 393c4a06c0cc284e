"""The meeting screen's two dialogs that change a meeting's status or days: Cancel meeting…
(a reason, asked once more) and Move… (new days in its quarter, through the one meeting-days
dialog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..workflows.meetings import meeting_plans as mp
from ..workflows.system.dates import utc_now
from .meeting_days_dialog import DaysChoice, MeetingDaysDialog
from .operations import confirm
from .reason_dialog import WrittenReasonDialog

if TYPE_CHECKING:
    from .meeting_screen import MeetingScreen


class CancelDialog(WrittenReasonDialog):
    """The reason for cancelling a meeting; OK asks once more, then cancels."""

    def __init__(self, screen: MeetingScreen, meeting: mp.MeetingDetails) -> None:
        super().__init__(
            screen,
            title=f"Cancel meeting {meeting.number}",
            intro=(
                f"Meeting {meeting.number} ({meeting.quarter.label}, {meeting.host}) will be "
                "cancelled; its calendar file will show it as cancelled. This cannot be undone."
            ),
            ok_text="Cancel the meeting",
            cancel_text="Keep it",
        )
        self.screen_ = screen
        self.meeting = meeting

    def save(self) -> bool:
        """Check the reason, ask to confirm, cancel; a refusal shows under the reason."""
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.show_error(f"Give a reason to cancel meeting {self.meeting.number}.")
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
        if not self.commit(
            self.screen_.db,
            mp.cancel_meeting,
            meeting_id=self.meeting.id,
            reason=reason,
            actor=actor,
            now=utc_now(),
        ):
            return False
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
