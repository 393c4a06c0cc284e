"""The Ranking and decisions window's decisions: what is tried on each application (decision,
amount, conditions or reasons, feedback), the live budget they leave, and recording them
through the state machine with every refusal listed as a sentence.

`RankingDecisions` is a part of `views/ranking_view.RankingWindow` (its second base class,
beside `QWidget`); the decision panel beside the table calls its `decide` and `note`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from ..money import format_zar, parse_zar
from ..storage import Database
from ..workflows.reviews import scoring
from ..workflows.reviews.listings import DecisionRequest, record_decisions
from ..workflows.system.dates import utc_now
from .decision_panel import DecisionPanel
from .form_feedback import ERROR_STYLE, set_error
from .operations import confirm
from .reviews_view import APPROVE, COL_NOTES, COLUMNS, DECLINE, NO_DECISION


class RankingDecisions:
    """Tentative decisions, the budget they leave, and recording them, for `RankingWindow`."""

    # The window's, set by RankingWindow.__init__.
    main_window: Any
    db: Database
    ranking: scoring.RoundRanking | None
    tentative: dict[int, dict[str, str]]
    panel: DecisionPanel
    budget_labels: dict[str, QLabel]
    problems: QLabel
    record_button: QPushButton
    last_report: QMessageBox | None

    # -- what-if ------------------------------------------------------------------------------
    def set_tentative(
        self, application_id: int, decision: str, amount: str = "", notes: str = ""
    ) -> None:
        """Try a decision on one application, as choosing it in the panel would."""
        if not self.select(application_id):
            raise KeyError(application_id)
        panel = self.panel
        panel.decision.setCurrentIndex(panel.decision.findData(decision))
        if amount:
            panel.amount.setText(amount)
        if notes:
            panel.notes.setPlainText(notes)

    def _candidate(self, application_id: int) -> scoring.Candidate | None:
        assert self.ranking is not None
        return next(
            (c for c in self.ranking.candidates if c.application_id == application_id), None
        )

    def decide(self, application_id: int, decision: str) -> None:
        """The panel chose a decision for an application: an approval starts at the amount
        requested (within the round's cap)."""
        entry = self.tentative.setdefault(application_id, {})
        entry["decision"] = decision
        candidate = self._candidate(application_id)
        if decision == APPROVE and not entry.get("amount", "").strip() and candidate is not None:
            assert self.ranking is not None
            entry["amount"] = format_zar(min(candidate.requested_cents, self.ranking.cap_cents))
        elif decision != APPROVE:
            entry["amount"] = ""
        if self.panel.application_id == application_id:
            self.panel._showing = True
            try:
                self.panel.amount.setText(entry["amount"])
            finally:
                self.panel._showing = False
        if decision == NO_DECISION:
            self.tentative.pop(application_id, None)
        self._changed_row(application_id)

    def note(self, application_id: int, key: str, text: str) -> None:
        """The panel changed an amount, the conditions or reasons, or the feedback."""
        entry = self.tentative.setdefault(application_id, {"decision": NO_DECISION})
        entry[key] = text
        self._changed_row(application_id)

    def _changed_row(self, application_id: int) -> None:
        row = self.row_of(application_id)
        candidate = self._candidate(application_id)
        if row is not None and candidate is not None:
            self._show_decision(row, candidate)
        self.update_budget()

    def decisions(self) -> tuple[dict[int, scoring.Tentative], dict[int, str]]:
        """The tentative decisions as the what-if takes them, and what is missing or unreadable."""
        tentative: dict[int, scoring.Tentative] = {}
        unreadable: dict[int, str] = {}
        for app_id, entry in self.tentative.items():
            decision = entry.get("decision", NO_DECISION)
            candidate = self._candidate(app_id)
            ref = candidate.reference if candidate else f"#{app_id}"
            if decision == DECLINE:
                tentative[app_id] = scoring.Tentative(False)
                if not entry.get("notes", "").strip():
                    unreadable[app_id] = (
                        f"Give the reasons to decline {ref} under '{COLUMNS[COL_NOTES]}'."
                    )
            elif decision == APPROVE:
                try:
                    cents = parse_zar(entry.get("amount", ""))
                except ValueError as exc:
                    unreadable[app_id] = f"Amount for {ref}: {exc}."
                    cents = 0
                tentative[app_id] = scoring.Tentative(True, cents)
        return tentative, unreadable

    def update_budget(self) -> scoring.WhatIf | None:
        """Recompute committed and remaining budget with the tentative decisions."""
        if self.ranking is None:
            for label in self.budget_labels.values():
                label.setText("")
            self.record_button.setEnabled(False)
            return None
        tentative, unreadable = self.decisions()
        result = self.ranking.what_if(tentative)
        texts = {
            "budget": result.budget_cents,
            "recorded": result.recorded_cents,
            "tentative": result.tentative_cents,
            "committed": result.committed_cents,
            "remaining": result.remaining_cents,
        }
        for key, cents in texts.items():
            self.budget_labels[key].setText(format_zar(cents))
        remaining = self.budget_labels["remaining"]
        remaining.setStyleSheet(ERROR_STYLE + " font-weight: bold;" if result.over_budget else "")
        problems = list(unreadable.values()) + [
            p for app_id, p in result.problems.items() if app_id not in unreadable
        ]
        if result.over_budget:
            problems.insert(
                0,
                f"The tentative approvals are {format_zar(-result.remaining_cents)} over the "
                "round's budget.",
            )
        set_error(self.problems, "\n".join(problems))
        self.record_button.setEnabled(bool(tentative))
        return result

    def clear_tentative(self) -> None:
        """Forget every tentative decision."""
        self.tentative.clear()
        self._fill()

    # -- recording ----------------------------------------------------------------------------
    def requests(self) -> list[DecisionRequest]:
        """The tentative decisions as requests to the state machine."""
        tentative, _ = self.decisions()
        return [
            DecisionRequest(
                app_id,
                t.approve,
                t.amount_cents if t.approve else None,
                conditions=self.tentative[app_id].get("notes", "") if t.approve else "",
                reasons=self.tentative[app_id].get("notes", ""),
                feedback=self.tentative[app_id].get("feedback", ""),
            )
            for app_id, t in tentative.items()
        ]

    def has_unsaved_changes(self) -> bool:
        """Decisions tried here and not recorded yet (see views/unsaved.py)."""
        return bool(self.tentative)

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        n = len(self.tentative)
        return f"{n} tried decision{'s' if n != 1 else ''} (not recorded)"

    def save(self) -> bool:
        """Record the decisions tried (asking first, as Record decisions… does)."""
        self.record_decisions()
        return not self.tentative

    def record_decisions(self) -> None:
        """Ask, then record every tentative decision; refusals are listed as sentences."""
        actor = self.main_window.actor
        result = self.update_budget()
        if result is None or not self.tentative:
            return
        if actor is None:
            self.main_window.show_error("Not signed in", "Sign in to record decisions.")
            return
        if self.problems.isVisible():
            QMessageBox.warning(
                self,
                "Decisions not recorded",
                "Correct the decisions first:\n" + self.problems.text(),
            )
            return
        requests = self.requests()
        approvals = [r for r in requests if r.approve]
        declines = len(requests) - len(approvals)
        question = (
            f"Record {len(approvals)} approval{'s' if len(approvals) != 1 else ''} "
            f"({format_zar(sum(r.amount_cents or 0 for r in approvals))}) and {declines} "
            f"decline{'s' if declines != 1 else ''} for {self.ranking.round_name}? Each is "
            "recorded with your name in the audit log."
        )
        if not confirm(self, "Record decisions", question, yes="Record decisions"):
            return
        outcomes = record_decisions(self.db, requests, actor=actor, now=utc_now())
        for o in outcomes:
            if o.recorded:
                self.tentative.pop(o.application_id, None)
        lines = [
            f"{o.reference}: {'approved' if o.approve else 'declined'}."
            if o.recorded
            else f"{o.reference}: not recorded. {o.refusal}"
            for o in outcomes
        ]
        refused = sum(1 for o in outcomes if not o.recorded)
        box = QMessageBox(
            QMessageBox.Icon.Warning if refused else QMessageBox.Icon.Information,
            "Decisions",
            f"{len(outcomes) - refused} recorded, {refused} not recorded.",
            parent=self,
        )
        box.setObjectName("decisionReport")
        box.setDetailedText("\n".join(lines)) if len(lines) > 8 else box.setInformativeText(
            "\n".join(lines)
        )
        box.open()
        self.last_report = box
        self.main_window.changes_made()
        self.reload()
