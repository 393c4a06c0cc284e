"""Ranking and decisions: a round's ranking with the funding line, what-if decisions and the
live budget.

The table only shows; the decision, amount, conditions or reasons and feedback of the selected
application are edited in the panel beside it, which names the application it is editing. So a
message that comes or goes never moves the rows, and a double-click can only select a row, never
type into another application's cell.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..counting import counted
from ..money import format_zar, parse_zar
from ..storage import Database
from ..workflows.reviews import scoring
from ..workflows.reviews.listings import DecisionRequest, record_decisions
from ..workflows.system.dates import utc_now
from ..workflows.system.export import write_listing_file
from .decision_panel import DECISION_TEXT, DecisionPanel, score_text
from .form_feedback import ERROR_STYLE, error_label, set_error
from .operations import confirm, read
from .reviews_view import (
    ABOVE_LINE,
    APPROVE,
    COL_AMOUNT,
    COL_APPLICANT,
    COL_DECISION,
    COL_DISAGREEMENT,
    COL_FEEDBACK,
    COL_NOTES,
    COL_RANK,
    COL_REFERENCE,
    COL_REQUESTED,
    COL_REVIEWS,
    COL_SCORE,
    COL_SPREAD,
    COL_STANDARDISED,
    COL_STATE,
    COL_TITLE,
    COLUMNS,
    DECLINE,
    DISAGREE_TEXT,
    LINE_COLOUR,
    NO_DECISION,
    _read_only,
    _round_combo,
)
from .unsaved import install_guard
from .window_size import close_keys, fit_on_screen


class RankingWindow(QWidget):
    """A round's ranking with the funding line, what-if decisions and the live budget."""

    def __init__(self, window: Any, round_id: int | None = None) -> None:
        super().__init__()
        self.main_window = window
        self.db: Database = window.db
        self.setWindowTitle("Ranking and decisions")
        self.setObjectName("rankingWindow")
        self.ranking: scoring.RoundRanking | None = None
        self.rows: list[scoring.RankedRow] = []
        # application id -> {"decision", "amount", "notes", "feedback"} typed by the user.
        self.tentative: dict[int, dict[str, str]] = {}
        self.funding_line_row: int | None = None
        self.last_report: QMessageBox | None = None
        self._building = False

        self.round_combo = _round_combo(self.db, round_id)
        self.standardised = QCheckBox("&Standardised scores")
        self.standardised.setObjectName("standardised")
        self.standardised.setToolTip(
            "Rank by each reviewer's scores rescaled to the round (z-scores); the raw score "
            "stays beside it"
        )
        export = QPushButton("&Export…")
        export.setObjectName("export")
        export.clicked.connect(self.export_with_dialog)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Round:"))
        top.itemAt(0).widget().setBuddy(self.round_combo)
        top.addWidget(self.round_combo, 1)
        top.addWidget(self.standardised)
        top.addWidget(export)

        self.budget_labels: dict[str, QLabel] = {}
        budget = QHBoxLayout()
        for key, text in (
            ("budget", "Budget"),
            ("recorded", "Approved on record"),
            ("tentative", "Tentative approvals"),
            ("committed", "Committed"),
            ("remaining", "Remaining"),
        ):
            label = QLabel("")
            label.setObjectName(f"budget_{key}")
            self.budget_labels[key] = label
            budget.addWidget(QLabel(f"{text}:"))
            budget.addWidget(label)
            budget.addSpacing(12)
        budget.addStretch(1)
        self.problems = error_label()
        self.problems.setObjectName("problems")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("ranking")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # The decision and amount tried stand beside the score, where a laptop's screen shows
        # them; conditions, reasons and feedback are read and typed in the panel.
        header.moveSection(header.visualIndex(COL_DECISION), header.visualIndex(COL_SCORE) + 1)
        header.moveSection(header.visualIndex(COL_AMOUNT), header.visualIndex(COL_DECISION) + 1)
        self.table.setColumnHidden(COL_NOTES, True)
        self.table.setColumnHidden(COL_FEEDBACK, True)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.itemActivated.connect(lambda _item: self.panel.decision.setFocus())

        self.severity = QTableWidget(0, 4)
        self.severity.setObjectName("severity")
        self.severity.setHorizontalHeaderLabels(
            ["Reviewer", "Reviews", "Compared", "Severity (points vs others)"]
        )
        self.severity.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.severity.verticalHeader().setVisible(False)
        self.severity.horizontalHeader().setStretchLastSection(True)
        self.severity.setSortingEnabled(True)
        severity_note = QLabel(
            "Severity: a reviewer's mean points above (+) or below (−) the other reviewers of "
            "the same applications, on 0–100. Reviews in conflict are left out."
        )
        severity_note.setWordWrap(True)
        severity_page = QWidget()
        sv = QVBoxLayout(severity_page)
        sv.addWidget(severity_note)
        sv.addWidget(self.severity)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Ran&king")
        self.tabs.addTab(severity_page, "Reviewer se&verity")
        self.panel = DecisionPanel(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([900, 340])
        split.setChildrenCollapsible(False)

        self.record_button = QPushButton("Record &decisions…")
        self.record_button.setObjectName("recordDecisions")
        self.record_button.setToolTip("Approve and decline as tried here (Ctrl+Return)")
        self.record_button.clicked.connect(self.record_decisions)
        clear = QPushButton("C&lear tentative")
        clear.setObjectName("clearTentative")
        clear.clicked.connect(self.clear_tentative)
        bottom = QHBoxLayout()
        self.legend = QLabel(
            "Green rows fit the round's budget, walking down the ranking; the line marks where "
            f"it runs out. Disagreement: reviewers {scoring.DISAGREEMENT_POINTS:.0f} or more "
            "points apart."
        )
        self.legend.setWordWrap(True)
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(clear)
        bottom.addWidget(self.record_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(budget)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.record_decisions)
        QShortcut(QKeySequence("F5"), self, self.reload)
        close_keys(self)
        fit_on_screen(self, 1320, 700, grow=0.85)
        # Closing with decisions tried but not recorded asks Record / Discard / Cancel.
        self.guard = install_guard(self, lambda: [self], "Ranking and decisions")

        self.round_combo.currentIndexChanged.connect(self._on_round_changed)
        self.standardised.toggled.connect(lambda _on: self._fill())
        self.reload()

    # -- loading ------------------------------------------------------------------------------
    def _on_round_changed(self, _index: int) -> None:
        self.tentative.clear()
        self.reload()

    def reload(self) -> None:
        """Read the chosen round's ranking again and show it."""
        round_id = self.round_combo.currentData()
        if round_id is None:
            self.ranking = None
        else:
            self.ranking = read(self.db, scoring.round_ranking, round_id)
            # Decisions tried on applications no longer open to a decision are dropped.
            open_ids = {c.application_id for c in self.ranking.candidates if c.state == "reviewed"}
            self.tentative = {k: v for k, v in self.tentative.items() if k in open_ids}
            self.setWindowTitle(f"Ranking and decisions — {self.ranking.round_name}")
        self._fill()

    def _fill(self) -> None:
        selected = self.panel.application_id
        self._building = True
        try:
            self._fill_table()
            self._fill_severity()
        finally:
            self._building = False
        if selected is not None and self.row_of(selected) is not None:
            self.select(selected)
        else:
            self.panel.show_row(None)
        self.update_budget()

    def _fill_table(self) -> None:
        table = self.table
        table.clearSelection()
        table.clearSpans()
        table.setRowCount(0)
        self.funding_line_row = None
        table.setColumnHidden(COL_STANDARDISED, not self.standardised.isChecked())
        if self.ranking is None:
            return
        self.rows = self.ranking.ranked(standardised=self.standardised.isChecked())
        line_at = next(
            (
                i
                for i, r in enumerate(self.rows)
                if not r.above_line and r.candidate.state != "declined"
            ),
            len(self.rows),
        )
        table.setRowCount(len(self.rows) + 1)
        table_row = 0
        for i, r in enumerate(self.rows):
            if i == line_at:
                self._line_row(table_row, line_at)
                table_row += 1
            self._ranked_row(table_row, r)
            table_row += 1
        if line_at == len(self.rows):
            self._line_row(table_row, line_at)
        table.resizeColumnsToContents()
        table.setColumnWidth(COL_TITLE, min(table.columnWidth(COL_TITLE), 280))
        table.setColumnWidth(COL_DECISION, max(table.columnWidth(COL_DECISION), 80))
        table.setColumnWidth(COL_AMOUNT, max(table.columnWidth(COL_AMOUNT), 110))

    def _line_row(self, row: int, line_at: int) -> None:
        assert self.ranking is not None
        self.funding_line_row = row
        above = [r for r in self.rows if r.above_line]
        total = above[-1].cumulative_cents if above else 0
        # Declined applications stay in their place in the ranking but take no money: say so,
        # or the count would not match the rows shown above the line.
        declined = sum(1 for r in self.rows[:line_at] if r.candidate.state == "declined")
        item = _read_only(
            f"Funding line: {counted(len(above), 'application')} above it "
            f"use {format_zar(total)} of the {format_zar(self.ranking.budget_cents)} budget"
            + (f"; the {counted(declined, 'declined one')} above it use none" if declined else "")
        )
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        item.setForeground(QBrush(QColor("white")))
        item.setBackground(QBrush(LINE_COLOUR))
        item.setData(Qt.ItemDataRole.UserRole, "funding line")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # the line itself cannot be selected
        self.table.setItem(row, 0, item)
        self.table.setSpan(row, 0, 1, len(COLUMNS))

    def _ranked_row(self, row: int, r: scoring.RankedRow) -> None:
        assert self.ranking is not None
        c, s = r.candidate, r.score
        texts = {
            COL_RANK: str(r.rank),
            COL_REFERENCE: c.reference,
            COL_TITLE: c.title,
            COL_APPLICANT: c.applicant,
            COL_STATE: c.state.replace("_", " "),
            COL_REQUESTED: format_zar(c.requested_cents),
            COL_SCORE: score_text(s.score),
            COL_STANDARDISED: score_text(s.standardised),
            COL_SPREAD: score_text(s.spread),
            COL_REVIEWS: f"{s.count} of {self.ranking.reviews_needed}",
            COL_DISAGREEMENT: "Yes" if s.disagreement else "",
            COL_DECISION: "",
            COL_AMOUNT: "",
            COL_NOTES: "",
            COL_FEEDBACK: "",
        }
        numeric = {
            COL_RANK,
            COL_REQUESTED,
            COL_SCORE,
            COL_STANDARDISED,
            COL_SPREAD,
            COL_REVIEWS,
            COL_AMOUNT,
        }
        for col, text in texts.items():
            item = _read_only(text, align_right=col in numeric)
            if r.above_line:
                item.setBackground(QBrush(ABOVE_LINE))
            if col == COL_DISAGREEMENT and s.disagreement:
                item.setForeground(QBrush(DISAGREE_TEXT))
            if col == COL_REVIEWS and s.count < self.ranking.reviews_needed:
                item.setForeground(QBrush(DISAGREE_TEXT))
                item.setToolTip("Not every review is in yet: the score may still move.")
            item.setData(Qt.ItemDataRole.UserRole, c.application_id)
            self.table.setItem(row, col, item)
        self._show_decision(row, c)

    def _show_decision(self, row: int, c: scoring.Candidate) -> None:
        """The decision columns of one row: what is tried, or what is on record."""
        if c.state == "reviewed":
            wanted = self.tentative.get(c.application_id, {})
            texts = {
                COL_DECISION: DECISION_TEXT.get(wanted.get("decision", NO_DECISION), ""),
                COL_AMOUNT: wanted.get("amount", ""),
                COL_NOTES: wanted.get("notes", ""),
                COL_FEEDBACK: wanted.get("feedback", ""),
            }
        else:
            on_record = (
                "Approved"
                if c.state in scoring.FUNDED_STATES
                else "Declined"
                if c.state == "declined"
                else ""
            )
            amount = format_zar(c.approved_cents) if c.approved_cents is not None else ""
            texts = {COL_DECISION: on_record, COL_AMOUNT: amount, COL_NOTES: "", COL_FEEDBACK: ""}
        for col, text in texts.items():
            item = self.table.item(row, col)
            if item is not None:
                item.setText(text)

    def _fill_severity(self) -> None:
        self.severity.setSortingEnabled(False)
        self.severity.setRowCount(0)
        if self.ranking is None:
            return
        listing = scoring.severity_listing(self.ranking)
        self.severity.setRowCount(len(listing.rows))
        for row, (name, reviews, compared, deviation) in enumerate(listing.rows):
            self.severity.setItem(row, 0, _read_only(name))
            for col, value in ((1, reviews), (2, compared)):
                item = _read_only("", align_right=True)
                item.setData(Qt.ItemDataRole.DisplayRole, value)
                self.severity.setItem(row, col, item)
            item = _read_only("", align_right=True)
            if deviation is not None:
                item.setData(Qt.ItemDataRole.DisplayRole, round(deviation, 1))
            self.severity.setItem(row, 3, item)
        self.severity.setSortingEnabled(True)
        self.severity.resizeColumnsToContents()

    # -- selection ----------------------------------------------------------------------------
    def row_of(self, application_id: int) -> int | None:
        """The table row showing an application."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_REFERENCE)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == application_id:
                return row
        return None

    def select(self, application_id: int) -> bool:
        """Select an application's row; the panel then shows its decision."""
        row = self.row_of(application_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollToItem(self.table.item(row, COL_REFERENCE))
        self._on_selection_changed()
        return True

    def selected_id(self) -> int | None:
        """The application whose row is selected."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        for row in rows:
            item = self.table.item(row, COL_REFERENCE)
            value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(value, int):
                return value
        return None

    def _on_selection_changed(self) -> None:
        if self._building:
            return
        app_id = self.selected_id()
        ranked = next((r for r in self.rows if r.candidate.application_id == app_id), None)
        if ranked is None or app_id != self.panel.application_id:
            self.panel.show_row(ranked)

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

    # -- export -------------------------------------------------------------------------------
    def export_to(self, path: str) -> int:
        """Write the ranking as shown (raw or standardised order) to CSV or XLSX."""
        if self.ranking is None:
            return 0
        listing = scoring.ranking_listing(self.ranking, standardised=self.standardised.isChecked())
        return write_listing_file(path, listing.columns, listing.rows, title=listing.title)

    def export_with_dialog(self) -> None:
        """Ask where to save the ranking, then write it."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export ranking", "ranking.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if not path:
            return
        try:
            n = self.export_to(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Not exported", f"The ranking was not saved: {exc}")
            return
        self.main_window.statusBar().showMessage(f"{n} rows exported to {path}.", 8_000)


def open_ranking(window: Any, round_id: int | None = None) -> RankingWindow:
    """Show the Ranking and decisions screen (Reviews → Ranking and decisions…)."""
    return window.open_window(("ranking",), lambda: RankingWindow(window, round_id))
