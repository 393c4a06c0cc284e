"""Ranking and decisions: a round's ranking with the funding line, what-if decisions and the
live budget.

The table only shows; the decision, amount, conditions or reasons and feedback of the selected
application are edited in the panel beside it, which names the application it is editing. So a
message that comes or goes never moves the rows, and a double-click can only select a row, never
type into another application's cell. The decisions tried, the live budget and recording them
are the window's part in `views/ranking_decisions.py`.
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
from ..money import format_zar
from ..storage import Database
from ..workflows.reviews import scoring
from ..workflows.system.export import write_listing_file
from .decision_panel import DECISION_TEXT, DecisionPanel, score_text
from .form_feedback import error_label, set_error
from .operations import read
from .ranking_decisions import RankingDecisions
from .reviews_view import (
    ABOVE_LINE,
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
    DISAGREE_TEXT,
    LINE_COLOUR,
    NO_DECISION,
    _read_only,
    _round_combo,
)
from .unsaved import install_guard
from .window_size import close_keys, fit_on_screen
from .worker import Ticket


class RankingWindow(QWidget, RankingDecisions):
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
        self._loading: Ticket | None = None  # the ranking's read on the worker, while it runs

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
        """Read the chosen round's ranking again and show it.

        In the program the read runs on the window's worker thread (views/worker.py) and the
        ranking is shown when it comes, the window painting meanwhile and the table and
        Record decisions… held until then; where the main window has no worker (the tests),
        at once."""
        if self._loading is not None:
            self._loading.cancel()  # only the newest read is shown
            self._loading = None
        round_id = self.round_combo.currentData()
        if round_id is None:
            self._show_ranking(None)
            return
        worker = getattr(self.main_window, "worker", None)
        if worker is None:
            self._show_ranking(read(self.db, scoring.round_ranking, round_id))
            return
        self._set_loading(True)
        self._loading = worker.submit(
            lambda: read(self.db, scoring.round_ranking, round_id),
            self._show_ranking,
            on_error=self._show_problem,
            owner=self,
        )

    def _set_loading(self, loading: bool) -> None:
        # Record decisions… is enabled again by update_budget, once a ranking is shown.
        self.table.setEnabled(not loading)
        if loading:
            self.record_button.setEnabled(False)
            round_name = self.round_combo.currentText()
            self.setWindowTitle(f"Ranking and decisions — reading {round_name}…")

    def _show_problem(self, exc: Exception) -> None:
        self._loading = None
        self._set_loading(False)
        self.setWindowTitle("Ranking and decisions")
        set_error(self.problems, f"The ranking could not be read: {exc}")

    def _show_ranking(self, ranking: scoring.RoundRanking | None) -> None:
        """Show what the read returned (None: no round chosen)."""
        self._loading = None
        self._set_loading(False)
        self.ranking = ranking
        if ranking is not None:
            # Decisions tried on applications no longer open to a decision are dropped.
            open_ids = {c.application_id for c in ranking.candidates if c.state == "reviewed"}
            self.tentative = {k: v for k, v in self.tentative.items() if k in open_ids}
            self.setWindowTitle(f"Ranking and decisions — {ranking.round_name}")
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
