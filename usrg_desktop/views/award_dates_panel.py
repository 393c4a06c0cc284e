"""The "Report dates of new awards" part of the letterhead screen: how many days after the
project's middle the interim report is due, and after its end the final report (administrators
change them; project_dates does the work)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QWidget

from ..workflows import Actor
from ..workflows.awards import project_dates as pd
from ..workflows.system.dates import utc_now
from .form_feedback import error_label
from .operations import perform_showing, read


class AwardDatesPanel(QGroupBox):
    """The two report offsets, in days, with their own Save."""

    def __init__(self, db: Any, actor: Actor | None, parent: QWidget | None = None) -> None:
        super().__init__("Report dates of new awards", parent)
        self.setObjectName("awardDatesPanel")
        self.db, self.actor = db, actor
        rules = read(db, pd.date_rules)
        self.interim = QSpinBox()
        self.interim.setObjectName("interimOffset")
        self.interim.setRange(-90, pd.MAX_OFFSET_DAYS)
        self.interim.setSuffix(" days")
        self.interim.setValue(rules.interim_offset_days)
        self.final = QSpinBox()
        self.final.setObjectName("finalOffset")
        self.final.setRange(1, pd.MAX_OFFSET_DAYS)
        self.final.setSuffix(" days")
        self.final.setValue(rules.final_offset_days)
        note = QLabel(
            "Each date moves to the next working day. Awards already made keep their dates."
        )
        note.setWordWrap(True)
        self.error = error_label()
        self.error.setObjectName("awardDatesError")
        self.save_button = QPushButton("Save report da&tes")
        self.save_button.setObjectName("saveAwardDates")
        self.save_button.clicked.connect(self.save)
        allowed = actor is not None and actor.role == "administrator"
        for widget in (self.interim, self.final, self.save_button):
            widget.setEnabled(allowed)
        form = QFormLayout(self)
        form.addRow("Interim report, after the m&iddle:", self.interim)
        form.addRow("Final report, after the &end:", self.final)
        form.addRow("", note)
        form.addRow("", self.error)
        form.addRow("", self.save_button)
        self._saved = self._values()

    def _values(self) -> tuple[int, int]:
        return self.interim.value(), self.final.value()

    def has_unsaved_changes(self) -> bool:
        """An offset changed here and not saved (administrators only)."""
        return self.save_button.isEnabled() and self._values() != self._saved

    def save(self) -> bool:
        """Save both offsets; a refusal shows as its sentence under them."""
        if self.actor is None:
            return False
        saved = perform_showing(
            self.error,
            self,
            self.db,
            pd.set_date_rules,
            actor=self.actor,
            now=utc_now(),
            interim_offset_days=self.interim.value(),
            final_offset_days=self.final.value(),
        )
        if not saved:
            return False
        self._saved = self._values()
        return True
