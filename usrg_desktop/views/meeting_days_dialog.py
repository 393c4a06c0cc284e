"""One dialog for choosing a meeting's days (and, where it may change, its host), checked
against the rotation's rules as they change, with the reason the change needs.

Two screens use it: the Rotation area accepts a host proposal as edited (another host or other
days), and the meeting screen moves a planned meeting to other days in its quarter. Each
passes what it shows and the workflow that saves it; the checks, the fields, the sentences
next to them and the unsaved-typing guard are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..storage import Database, StorageError
from ..workflows import WorkflowError
from ..workflows.directory.listings import active_city_choices
from ..workflows.meetings import meeting_plans as mp
from ..workflows.meetings.rotation import Quarter
from ..workflows.system.dates import utc_now
from .date_fields import meeting_day_edits, pydate
from .form_feedback import error_label, show_field_errors
from .modal_dialogs import ok_cancel_buttons
from .operations import Refused, perform, read
from .unsaved import GuardedDialog

FIELDS = ("quarter", "host", "starts_on", "ends_on", "reason")


@dataclass(frozen=True)
class DaysChoice:
    """What the dialog is for: its title and intro, the quarter, the host and days it opens
    with, whether the host may change, the OK button's text, and the meeting whose own days
    do not count as a clash (a meeting being moved)."""

    title: str
    intro: str
    quarter: Quarter
    host_city_id: int | None
    starts_on: date | None
    ends_on: date | None
    ok_text: str
    host_editable: bool = True
    excluding: int | None = None
    reason_hint: str = ""


class MeetingDaysDialog(GuardedDialog):
    """Host (when it may change), day 1, day 2 and a reason; saved by `commit`, which is called
    with the actor, now, quarter, host_city_id, starts_on, ends_on and reason."""

    def __init__(
        self,
        parent: QWidget,
        db: Database,
        choice: DaysChoice,
        *,
        today: date,
        actor: Callable[[], Any],
        commit: Callable[..., Any],
    ) -> None:
        super().__init__(parent)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
        self.db = db
        self.choice = choice
        self.today = today
        self._actor = actor
        self._commit = commit
        self.setWindowTitle(choice.title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)

        intro = QLabel(choice.intro)
        intro.setWordWrap(True)
        self.host = QComboBox()
        self.host.setObjectName("host")
        if choice.host_editable:
            for city_id, name in active_city_choices(db):
                self.host.addItem(name, city_id)
            if choice.host_city_id is not None:
                self.host.setCurrentIndex(self.host.findData(choice.host_city_id))
        self.day1, self.day2 = meeting_day_edits(choice.starts_on, choice.ends_on)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        if choice.reason_hint:
            self.reason.setPlaceholderText(choice.reason_hint)
        self.errors = {name: error_label(f"error_{name}") for name in FIELDS}

        form = QFormLayout()
        form.addRow(self.errors["quarter"])
        if choice.host_editable:
            form.addRow("&Host city:", self.host)
        form.addRow("", self.errors["host"])
        form.addRow("Day &1:", self.day1)
        form.addRow("", self.errors["starts_on"])
        form.addRow("Day &2:", self.day2)
        form.addRow("", self.errors["ends_on"])
        form.addRow("&Reason:", self.reason)
        form.addRow("", self.errors["reason"])
        self.buttons, self.ok_button = ok_cancel_buttons(self, self.save, choice.ok_text)
        self.ok_button.setObjectName("ok")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.host.currentIndexChanged.connect(lambda _n: self.check())
        self.day1.dateChanged.connect(lambda _d: self.check())
        self.day2.dateChanged.connect(lambda _d: self.check())
        self.check()

    @property
    def _fallback(self) -> str:
        # Where a sentence not about one field goes: over the form.
        return "quarter" if self.choice.host_editable else "host"

    def values(self) -> dict[str, Any]:
        """The form's values as the workflows take them."""
        host = self.host.currentData() if self.choice.host_editable else self.choice.host_city_id
        return {
            "quarter": self.choice.quarter,
            "host_city_id": host,
            "starts_on": pydate(self.day1.date()),
            "ends_on": pydate(self.day2.date()),
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each sentence next to its field; the others hidden."""
        show_field_errors(self.errors, errors)

    def check(self) -> dict[str, str]:
        """Check host and days against the rotation's rules as they change (reads only)."""
        try:
            errors = read(
                self.db,
                mp.plan_problems,
                **self.values(),
                today=self.today,
                excluding=self.choice.excluding,
            )
        except (WorkflowError, StorageError) as exc:
            errors = {self._fallback: str(exc)}
        if not self.choice.host_editable and "quarter" in errors:
            # A meeting moved within its quarter: the quarter itself is not in question.
            errors.pop("quarter")
        self.show_errors(errors)
        return errors

    def save(self) -> bool:
        """Save through `commit`; refusals show next to their fields and the dialog stays."""
        actor = self._actor()
        if actor is None:
            return False
        try:
            perform(
                self,
                self.db,
                self._commit,
                quiet=True,
                actor=actor,
                now=utc_now(),
                reason=self.reason.text(),
                **self.values(),
            )
        except Refused as refused:
            self.show_errors(refused.field_errors(self._fallback))
            return False
        self.accept()
        return True
