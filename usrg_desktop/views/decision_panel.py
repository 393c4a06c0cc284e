"""The decision panel of the ranking: the decision, amount, conditions or reasons and feedback
tried on the one application selected, with its reference and title always in view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ..money import format_zar
from ..workflows.reviews import scoring
from .reviews_view import APPROVE, DECLINE, NO_DECISION

if TYPE_CHECKING:
    from .ranking_view import RankingWindow

DECISION_TEXT = {NO_DECISION: "", APPROVE: "Approve", DECLINE: "Decline"}


def score_text(value: float | None) -> str:
    """A score as shown: one decimal, or nothing."""
    return "" if value is None else f"{value:.1f}"


class DecisionPanel(QGroupBox):
    """The decision tried on one application: its reference and title always in view."""

    def __init__(self, screen: RankingWindow) -> None:
        super().__init__("Decision")
        self.setObjectName("decisionPanel")
        self.screen_ = screen
        self.application_id: int | None = None
        self._showing = False
        self.reference = QLabel("Select an application in the ranking.")
        self.reference.setObjectName("panelReference")
        bold = QFont(self.reference.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.reference.setFont(bold)
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title = QLabel("")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        self.facts = QLabel("")
        self.facts.setObjectName("panelFacts")
        self.facts.setWordWrap(True)
        self.decision = QComboBox()
        self.decision.setObjectName("panelDecision")
        for value, text in ((NO_DECISION, "—"), (APPROVE, "Approve"), (DECLINE, "Decline")):
            self.decision.addItem(text, value)
        self.amount = QLineEdit()
        self.amount.setObjectName("panelAmount")
        self.amount.setPlaceholderText("R 250 000,00")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("panelNotes")
        self.notes.setTabChangesFocus(True)
        self.feedback = QPlainTextEdit()
        self.feedback.setObjectName("panelFeedback")
        self.feedback.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing()
        self.notes.setFixedHeight(lines * 4 + 12)
        self.feedback.setFixedHeight(lines * 5 + 12)
        self.on_record = QLabel("")
        self.on_record.setObjectName("panelOnRecord")
        self.on_record.setWordWrap(True)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("Dec&ision:", self.decision)
        form.addRow("A&mount:", self.amount)
        form.addRow("Conditions or reas&ons:", self.notes)
        form.addRow("&Feedback to the applicant:", self.feedback)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reference)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.on_record)
        layout.addLayout(form)
        # What is wrong with the tried decisions goes below, in the room left: it never moves
        # the fields above or the ranking beside it.
        layout.addStretch(1)
        layout.addWidget(screen.problems)

        self.decision.currentIndexChanged.connect(lambda _i: self._edited("decision"))
        self.amount.textChanged.connect(lambda _t: self._edited("amount"))
        self.notes.textChanged.connect(lambda: self._edited("notes"))
        self.feedback.textChanged.connect(lambda: self._edited("feedback"))
        self.show_row(None)

    def show_row(self, row: scoring.RankedRow | None) -> None:
        """Show the decision tried on this ranked application (None: nothing selected)."""
        self._showing = True
        try:
            if row is None:
                self.application_id = None
                self.reference.setText("Select an application in the ranking.")
                self.title.setText("")
                self.facts.setText("")
                self.on_record.setText("")
                for widget in (self.decision, self.amount, self.notes, self.feedback):
                    widget.setEnabled(False)
                self.decision.setCurrentIndex(0)
                self.amount.clear()
                self.notes.clear()
                self.feedback.clear()
                return
            c = row.candidate
            self.application_id = c.application_id
            self.reference.setText(c.reference)
            self.title.setText(f"{c.title} ({c.applicant})")
            self.facts.setText(
                f"Rank {row.rank} · score {score_text(row.score.score) or '—'} · "
                f"requested {format_zar(c.requested_cents)}"
            )
            decidable = c.state == "reviewed"
            wanted = self.screen_.tentative.get(c.application_id, {})
            self.decision.setCurrentIndex(
                max(0, self.decision.findData(wanted.get("decision", NO_DECISION)))
            )
            self.amount.setText(wanted.get("amount", ""))
            self.notes.setPlainText(wanted.get("notes", ""))
            self.feedback.setPlainText(wanted.get("feedback", ""))
            if decidable:
                self.on_record.setText("")
            elif c.state in scoring.FUNDED_STATES:
                amount = format_zar(c.approved_cents) if c.approved_cents is not None else ""
                self.on_record.setText(f"On record: approved {amount}.".replace("  ", " "))
            elif c.state == "declined":
                self.on_record.setText("On record: declined.")
            else:
                self.on_record.setText(
                    f"Only reviewed applications can be decided; this one is "
                    f"{c.state.replace('_', ' ')}."
                )
            self.decision.setEnabled(decidable)
            self._enable_fields()
            if not decidable:
                for widget in (self.amount, self.notes, self.feedback):
                    widget.setEnabled(False)
        finally:
            self._showing = False

    def _enable_fields(self) -> None:
        decision = self.decision.currentData()
        self.amount.setEnabled(decision == APPROVE)
        self.notes.setEnabled(decision != NO_DECISION)
        self.feedback.setEnabled(decision != NO_DECISION)

    def _edited(self, key: str) -> None:
        if self._showing or self.application_id is None:
            return
        if key == "decision":
            self._enable_fields()
            self.screen_.decide(self.application_id, self.decision.currentData())
            return
        widget = {"amount": self.amount, "notes": self.notes, "feedback": self.feedback}[key]
        text = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
        self.screen_.note(self.application_id, key, text)
