"""The Reviews area's actions and screens: assignment, conflicts, ranking and decisions.

Views hold ids and plain rows only; every change goes through one workflow in one unit of
work (`perform`), and a refusal is shown as its sentence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from ..domain.directory import Body, City, Person
from ..domain.grants import Application, Round
from ..domain.reviews import Assignment, ConflictKind, Reviewer
from ..money import format_zar, parse_zar
from ..storage import Database
from ..workflows import WorkflowError, scoring
from ..workflows import assignment as assign_wf
from ..workflows.dates import utc_now
from ..workflows.export import write_listing_file
from ..workflows.reviews import DecisionRequest, record_decisions
from .form_feedback import ERROR_STYLE, error_label, set_error
from .operations import Refused, confirm, perform

ABOVE_LINE = QColor("#e6f4ea")
LINE_COLOUR = QColor("#1e6b34")
DISAGREE_TEXT = QColor("#b00020")
REVIEWS_AREAS = ("Reviews", "Applications", "Rounds")


def _rounds(db: Database) -> list[tuple[int, str, str]]:
    """(id, name, status) of every round, newest first."""
    with db.reading() as session:
        return [
            (rid, name, status)
            for rid, name, status in session.execute(
                select(Round.id, Round.name, Round.status).order_by(Round.opens_on.desc())
            )
        ]


def _round_combo(db: Database, chosen: int | None = None) -> QComboBox:
    """A round chooser, starting on `chosen` or the first round being reviewed."""
    combo = QComboBox()
    combo.setObjectName("round")
    rounds = _rounds(db)
    for rid, name, status in rounds:
        combo.addItem(f"{name} ({status})", rid)
    start = chosen or next((r for r, _n, s in rounds if s == "reviewing"), None)
    if start is not None and combo.findData(start) >= 0:
        combo.setCurrentIndex(combo.findData(start))
    return combo


def _read_only(text: str, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _actor_or_say(window: Any) -> Any:
    if window.actor is None:
        window.show_error("Not signed in", "Sign in to change assignments or decisions.")
    return window.actor


# -- list page setup --------------------------------------------------------------------------
def setup_reviewers(window: Any, page: Any) -> None:
    """Reviewers list: declare a conflict for the chosen reviewer; ranking and decisions."""
    page.add_action(
        "Declare conflict…",
        lambda: declare_conflict(window, reviewer_id=page.current_id()),
        shortcut="Ctrl+Shift+D",
        tip="Record the chosen reviewer's conflict of interest on an application",
    )
    page.add_action(
        "Ranking and decisions…",
        lambda: open_ranking(window),
        tip="Scores, the funding line and the panel's decisions",
    )


def setup_assignments(window: Any, page: Any) -> None:
    """Assignments list: automatic and manual assignment, removal, conflicts, ranking."""
    page.add_action(
        "Assign automatically…",
        lambda: assign_automatically(window),
        shortcut="Ctrl+Shift+A",
        tip="Propose reviewers for a round's applications in review, then apply",
    )

    def current_application() -> int | None:
        assignment_id = page.current_id()
        if assignment_id is None:
            return None
        with window.db.reading() as session:
            a = session.get(Assignment, assignment_id)
            return a.application_id if a is not None else None

    page.add_action(
        "Assign…",
        lambda: assign_by_hand(window, current_application()),
        shortcut="Ctrl+Shift+N",
        tip="Assign one reviewer to one application",
    )
    page.add_action(
        "Remove",
        lambda: remove_assignments(window, page),
        shortcut="Delete",
        tip="Remove the chosen assignments (not once scored)",
    )

    def conflict_for_current() -> None:
        assignment_id = page.current_id()
        reviewer_id = application_id = None
        if assignment_id is not None:
            with window.db.reading() as session:
                a = session.get(Assignment, assignment_id)
                if a is not None:
                    reviewer_id, application_id = a.reviewer_id, a.application_id
        declare_conflict(window, reviewer_id=reviewer_id, application_id=application_id)

    page.add_action(
        "Declare conflict…",
        conflict_for_current,
        shortcut="Ctrl+Shift+D",
        tip="Record a conflict of interest (the chosen assignment is set aside)",
    )
    page.add_action("Ranking and decisions…", lambda: open_ranking(window))


# -- automatic assignment -----------------------------------------------------------------------
class AutoAssignDialog(QDialog):
    """Choose a round, preview the proposal with its explanations, then Apply."""

    applied = Signal(int)

    def __init__(self, db: Database, actor: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign reviewers automatically")
        self.setObjectName("autoAssignDialog")
        self.db, self.actor = db, actor
        self.proposal: assign_wf.RoundProposal | None = None
        self.round_combo = _round_combo(db)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("proposal")
        self.table.setHorizontalHeaderLabels(["Application", "Applicant", "Reviewer"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.explanations = QLabel("")
        self.explanations.setObjectName("shortfalls")
        self.explanations.setWordWrap(True)
        self.explanations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.load = QLabel("")
        self.load.setObjectName("load")
        self.load.setWordWrap(True)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("apply")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_apply)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Round:", self.round_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.explanations)
        layout.addWidget(self.load)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 520)
        self.round_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Propose again for the chosen round."""
        set_error(self.error, "")
        round_id = self.round_combo.currentData()
        self.proposal = None
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        if round_id is None:
            self.summary.setText("There are no rounds yet.")
            self.apply_button.setEnabled(False)
            return
        try:
            with self.db.reading() as session:
                self.proposal = assign_wf.propose_for_round(session, round_id=round_id)
        except WorkflowError as exc:
            set_error(self.error, str(exc))
            self.apply_button.setEnabled(False)
            return
        p = self.proposal
        n = len(p.pairs)
        self.summary.setText(
            f"{n} new assignment{'s' if n != 1 else ''} for the applications in review of "
            f"{p.round_name}, {p.reviews_needed} reviewers each."
            if n
            else f"Nothing to assign in {p.round_name}: every application in review has its "
            "reviewers, or none can be given one."
        )
        self.table.setRowCount(n)
        for row, pair in enumerate(p.pairs):
            for col, text in enumerate((pair.reference, pair.applicant, pair.reviewer)):
                self.table.setItem(row, col, _read_only(text))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.explanations.setText(
            "Could not be fully staffed:\n" + "\n".join(p.shortfalls) if p.shortfalls else ""
        )
        self.explanations.setVisible(bool(p.shortfalls))
        self.load.setText(
            "Applications in review per reviewer after applying: "
            + ", ".join(f"{name} {count}" for name, count in sorted(p.load.items()))
            if p.load
            else ""
        )
        self.apply_button.setEnabled(bool(n))

    def _on_apply(self) -> None:
        if self.proposal is None or not self.proposal.pairs:
            return
        try:
            _ok, written = perform(
                self,
                self.db,
                assign_wf.apply_assignment,
                round_id=self.proposal.round_id,
                pairs=[(p.application_id, p.reviewer_id) for p in self.proposal.pairs],
                actor=self.actor,
                now=utc_now(),
                quiet=True,
            )
        except Refused as refused:
            set_error(self.error, f"Nothing was assigned: {refused}")
            return
        self.applied.emit(int(written or 0))
        self.accept()


def assign_automatically(window: Any) -> AutoAssignDialog | None:
    """Open the automatic assignment dialog (Reviews → Assign reviewers automatically…)."""
    if _actor_or_say(window) is None:
        return None
    dialog = AutoAssignDialog(window.db, window.actor, window)

    def applied(count: int) -> None:
        window.data_changed(*REVIEWS_AREAS)
        window.statusBar().showMessage(
            f"{count} assignment{'s' if count != 1 else ''} written.", 8_000
        )

    dialog.applied.connect(applied)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    window.last_dialog = dialog
    return dialog


# -- manual assignment and conflicts ----------------------------------------------------------
def _in_review_applications(db: Database) -> list[tuple[int, str]]:
    with db.reading() as session:
        return [
            (app_id, f"{ref} — {applicant} — {title}")
            for app_id, ref, applicant, title in session.execute(
                select(
                    Application.id,
                    Application.reference,
                    func.coalesce(City.short_name, Body.short_name),
                    Application.title,
                )
                .outerjoin(City, City.id == Application.applicant_city_id)
                .outerjoin(Body, Body.id == Application.applicant_body_id)
                .where(Application.reference.is_not(None))
                .where(Application.state.in_(("in_review", "reviewed", "screening")))
                .order_by(Application.reference)
            )
        ]


def _reviewers(db: Database) -> list[tuple[int, str]]:
    with db.reading() as session:
        return [
            (rid, f"{name} — {org}" if org else name)
            for rid, name, org in session.execute(
                select(
                    Reviewer.id, Person.full_name, func.coalesce(City.short_name, Body.short_name)
                )
                .join(Person, Person.id == Reviewer.person_id)
                .outerjoin(City, City.id == Person.city_id)
                .outerjoin(Body, Body.id == Person.body_id)
                .where(Reviewer.active.is_(True))
                .order_by(Person.full_name)
            )
        ]


def _combo(name: str, items: list[tuple[int, str]], chosen: int | None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)  # type to find
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for ident, text in items:
        combo.addItem(text, ident)
    if chosen is not None and combo.findData(chosen) >= 0:
        combo.setCurrentIndex(combo.findData(chosen))
    return combo


class PairDialog(QDialog):
    """Choose an application and a reviewer (and for a conflict, its type and reason)."""

    done_ok = Signal()

    def __init__(
        self,
        window: Any,
        *,
        conflict: bool,
        reviewer_id: int | None = None,
        application_id: int | None = None,
    ) -> None:
        super().__init__(window)
        self.window_, self.conflict = window, conflict
        self.setWindowTitle("Declare a conflict of interest" if conflict else "Assign a reviewer")
        self.setObjectName("conflictDialog" if conflict else "assignDialog")
        self.application = _combo("application", _in_review_applications(window.db), application_id)
        self.reviewer = _combo("reviewer", _reviewers(window.db), reviewer_id)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for k in ConflictKind:
            if k is not ConflictKind.AFFILIATION:
                self.kind.addItem(k.value.capitalize(), k.value)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("What the reviewer declared, in their words")
        self.reason_error = error_label()
        self.error = error_label()
        form = QFormLayout()
        form.addRow("&Application:", self.application)
        form.addRow("&Reviewer:", self.reviewer)
        if conflict:
            form.addRow("&Type:", self.kind)
            form.addRow("Rea&son:", self.reason)
            form.addRow("", self.reason_error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record conflict" if conflict else "Assign")
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 220)

    def _on_ok(self) -> None:
        set_error(self.error, "")
        set_error(self.reason_error, "")
        app_id, reviewer_id = self.application.currentData(), self.reviewer.currentData()
        if app_id is None or reviewer_id is None:
            set_error(self.error, "Choose an application and a reviewer.")
            return
        window = self.window_
        try:
            if self.conflict:
                if not self.reason.text().strip():
                    set_error(self.reason_error, "Give the reason for the conflict of interest.")
                    self.reason.setFocus()
                    return
                perform(
                    self,
                    window.db,
                    assign_wf.declare_conflict,
                    reviewer_id=reviewer_id,
                    application_id=app_id,
                    kind=self.kind.currentData(),
                    reason=self.reason.text(),
                    actor=window.actor,
                    now=utc_now(),
                    quiet=True,
                )
            else:
                perform(
                    self,
                    window.db,
                    assign_wf.assign,
                    application_id=app_id,
                    reviewer_id=reviewer_id,
                    actor=window.actor,
                    now=utc_now(),
                    quiet=True,
                )
        except Refused as refused:
            set_error(self.error, str(refused))
            return
        window.data_changed(*REVIEWS_AREAS)
        self.done_ok.emit()
        self.accept()


def assign_by_hand(window: Any, application_id: int | None = None) -> PairDialog | None:
    """Open the dialog that assigns one reviewer to one application."""
    if _actor_or_say(window) is None:
        return None
    dialog = PairDialog(window, conflict=False, application_id=application_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    window.last_dialog = dialog
    return dialog


def declare_conflict(
    window: Any, *, reviewer_id: int | None = None, application_id: int | None = None
) -> PairDialog | None:
    """Open the dialog that records a reviewer's declared conflict of interest."""
    if _actor_or_say(window) is None:
        return None
    dialog = PairDialog(
        window, conflict=True, reviewer_id=reviewer_id, application_id=application_id
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    window.last_dialog = dialog
    return dialog


def remove_assignments(window: Any, page: Any) -> int:
    """Remove the chosen assignments after asking; scored ones are refused with a sentence."""
    ids = page.selected_ids() or ([page.current_id()] if page.current_id() is not None else [])
    if not ids:
        window.statusBar().showMessage("Choose an assignment in the list first.", 5_000)
        return 0
    if _actor_or_say(window) is None:
        return 0
    n = len(ids)
    question = (
        f"Remove {n} assignment{'s' if n != 1 else ''}? The reviewer{'s' if n != 1 else ''} "
        "will no longer see the application in a new review packet."
    )
    if not confirm(window, "Remove assignments", question, yes="Remove"):
        return 0
    removed = 0
    for assignment_id in ids:
        ok, _ = perform(
            window,
            window.db,
            assign_wf.unassign,
            assignment_id=assignment_id,
            actor=window.actor,
            now=utc_now(),
            title="Assignment kept",
        )
        removed += int(ok)
        if not ok:
            break
    if removed:
        window.data_changed(*REVIEWS_AREAS)
    return removed


# -- ranking and decisions ----------------------------------------------------------------------
COLUMNS = [
    "Rank",
    "Application",
    "Title",
    "Applicant",
    "State",
    "Requested",
    "Score",
    "Standardised",
    "Spread",
    "Reviews",
    "Disagreement",
    "Decision",
    "Amount",
    "Conditions or reasons",
    "Feedback",
]
(
    COL_RANK,
    COL_REFERENCE,
    COL_TITLE,
    COL_APPLICANT,
    COL_STATE,
    COL_REQUESTED,
    COL_SCORE,
    COL_STANDARDISED,
    COL_SPREAD,
    COL_REVIEWS,
    COL_DISAGREEMENT,
    COL_DECISION,
    COL_AMOUNT,
    COL_NOTES,
    COL_FEEDBACK,
) = range(len(COLUMNS))
NO_DECISION, APPROVE, DECLINE = "", "approve", "decline"


def _score_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


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
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)

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
        layout.addWidget(self.problems)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.record_decisions)
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        self.resize(1280, 640)

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
            with self.db.reading() as session:
                self.ranking = scoring.round_ranking(session, round_id)
            # Decisions tried on applications no longer open to a decision are dropped.
            open_ids = {c.application_id for c in self.ranking.candidates if c.state == "reviewed"}
            self.tentative = {k: v for k, v in self.tentative.items() if k in open_ids}
            self.setWindowTitle(f"Ranking and decisions — {self.ranking.round_name}")
        self._fill()

    def _fill(self) -> None:
        self._building = True
        try:
            self._fill_table()
            self._fill_severity()
        finally:
            self._building = False
        self.update_budget()

    def _fill_table(self) -> None:
        table = self.table
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
                self._line_row(table_row)
                table_row += 1
            self._ranked_row(table_row, r)
            table_row += 1
        if line_at == len(self.rows):
            self._line_row(table_row)
        table.resizeColumnsToContents()
        table.setColumnWidth(COL_TITLE, min(table.columnWidth(COL_TITLE), 320))
        for col in (COL_NOTES, COL_FEEDBACK):
            table.setColumnWidth(col, 200)

    def _line_row(self, row: int) -> None:
        assert self.ranking is not None
        self.funding_line_row = row
        above = [r for r in self.rows if r.above_line]
        total = above[-1].cumulative_cents if above else 0
        item = _read_only(
            f"Funding line: {len(above)} application{'s' if len(above) != 1 else ''} above it "
            f"use {format_zar(total)} of the {format_zar(self.ranking.budget_cents)} budget"
        )
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        item.setForeground(QBrush(QColor("white")))
        item.setBackground(QBrush(LINE_COLOUR))
        item.setData(Qt.ItemDataRole.UserRole, "funding line")
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
            COL_SCORE: _score_text(s.score),
            COL_STANDARDISED: _score_text(s.standardised),
            COL_SPREAD: _score_text(s.spread),
            COL_REVIEWS: f"{s.count} of {self.ranking.reviews_needed}",
            COL_DISAGREEMENT: "Yes" if s.disagreement else "",
        }
        numeric = {COL_RANK, COL_REQUESTED, COL_SCORE, COL_STANDARDISED, COL_SPREAD, COL_REVIEWS}
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
        decidable = c.state == "reviewed"
        wanted = self.tentative.get(c.application_id, {})
        if decidable:
            combo = QComboBox()
            combo.setObjectName(f"decision_{c.application_id}")
            combo.addItem("—", NO_DECISION)
            combo.addItem("Approve", APPROVE)
            combo.addItem("Decline", DECLINE)
            combo.setCurrentIndex(max(0, combo.findData(wanted.get("decision", NO_DECISION))))
            combo.currentIndexChanged.connect(
                lambda _i, app_id=c.application_id, box=combo: self._on_decision(app_id, box)
            )
            self.table.setCellWidget(row, COL_DECISION, combo)
        else:
            # Only reviewed applications can be decided; the rest show what is on record.
            shown = (
                "Approved"
                if c.state in scoring.FUNDED_STATES
                else "Declined"
                if c.state == "declined"
                else ""
            )
            self.table.setItem(row, COL_DECISION, _read_only(shown))
        for col, key in ((COL_AMOUNT, "amount"), (COL_NOTES, "notes"), (COL_FEEDBACK, "feedback")):
            item = QTableWidgetItem(wanted.get(key, ""))
            if col == COL_AMOUNT and not decidable and c.approved_cents is not None:
                item.setText(format_zar(c.approved_cents))
            item.setData(Qt.ItemDataRole.UserRole, c.application_id)
            if not decidable:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if col == COL_AMOUNT:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)

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

    # -- what-if ------------------------------------------------------------------------------
    def row_of(self, application_id: int) -> int | None:
        """The table row showing an application."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_REFERENCE)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == application_id:
                return row
        return None

    def set_tentative(
        self, application_id: int, decision: str, amount: str = "", notes: str = ""
    ) -> None:
        """Try a decision on one application, as choosing it in the table would."""
        row = self.row_of(application_id)
        if row is None:
            raise KeyError(application_id)
        combo = self.table.cellWidget(row, COL_DECISION)
        combo.setCurrentIndex(combo.findData(decision))
        if amount:
            self.table.item(row, COL_AMOUNT).setText(amount)
        if notes:
            self.table.item(row, COL_NOTES).setText(notes)

    def _candidate(self, application_id: int) -> scoring.Candidate | None:
        assert self.ranking is not None
        return next(
            (c for c in self.ranking.candidates if c.application_id == application_id), None
        )

    def _on_decision(self, application_id: int, combo: QComboBox) -> None:
        decision = combo.currentData()
        entry = self.tentative.setdefault(application_id, {})
        entry["decision"] = decision
        row = self.row_of(application_id)
        candidate = self._candidate(application_id)
        if row is not None and candidate is not None and self.ranking is not None:
            amount = self.table.item(row, COL_AMOUNT)
            self._building = True
            try:
                if decision == APPROVE and not amount.text().strip():
                    default = min(candidate.requested_cents, self.ranking.cap_cents)
                    amount.setText(format_zar(default))
                    entry["amount"] = amount.text()
                elif decision != APPROVE:
                    amount.setText("")
                    entry["amount"] = ""
            finally:
                self._building = False
        if decision == NO_DECISION:
            self.tentative.pop(application_id, None)
        self.update_budget()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._building:
            return
        key = {COL_AMOUNT: "amount", COL_NOTES: "notes", COL_FEEDBACK: "feedback"}.get(
            item.column()
        )
        app_id = item.data(Qt.ItemDataRole.UserRole)
        if key is None or app_id is None:
            return
        entry = self.tentative.setdefault(app_id, {"decision": NO_DECISION})
        entry[key] = item.text()
        self.update_budget()

    def decisions(self) -> tuple[dict[int, scoring.Tentative], dict[int, str]]:
        """The tentative decisions as the what-if takes them, and what is missing or unreadable."""
        tentative: dict[int, scoring.Tentative] = {}
        unreadable: dict[int, str] = {}
        for app_id, entry in self.tentative.items():
            decision = entry.get("decision", NO_DECISION)
            if decision == DECLINE:
                tentative[app_id] = scoring.Tentative(False)
                if not entry.get("notes", "").strip():
                    candidate = self._candidate(app_id)
                    ref = candidate.reference if candidate else f"#{app_id}"
                    unreadable[app_id] = (
                        f"Give the reasons to decline {ref} under '{COLUMNS[COL_NOTES]}'."
                    )
            elif decision == APPROVE:
                try:
                    cents = parse_zar(entry.get("amount", ""))
                except ValueError as exc:
                    candidate = self._candidate(app_id)
                    ref = candidate.reference if candidate else f"#{app_id}"
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
        self.main_window.data_changed(*REVIEWS_AREAS)
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
