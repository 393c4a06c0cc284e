"""The Reviews area's actions and screens: assignment, conflicts, ranking and decisions.

Views hold ids and plain rows only; every change goes through one workflow in one unit of
work (`perform`), and a refusal is shown as its sentence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.reviews import ConflictKind
from ..storage import Database
from ..workflows import WorkflowError
from ..workflows.reviews import assignment as assign_wf
from ..workflows.reviews import review_choices as choices
from ..workflows.system.dates import utc_now
from .form_feedback import error_label, set_error
from .modal_dialogs import ok_cancel_buttons
from .operations import Refused, confirm, perform, read
from .round_choice import start_on_default_round

ABOVE_LINE = QColor("#e6f4ea")
LINE_COLOUR = QColor("#1e6b34")
DISAGREE_TEXT = QColor("#b00020")


def _rounds(db: Database) -> list[tuple[int, str, str]]:
    """(id, name, status) of every round, newest first."""
    return read(db, choices.round_choices)


def _round_combo(db: Database, chosen: int | None = None) -> QComboBox:
    """A round chooser, starting on `chosen` or the default round (the one being reviewed,
    else the newest), as every round chooser does."""
    combo = QComboBox()
    combo.setObjectName("round")
    for rid, name, status in _rounds(db):
        combo.addItem(f"{name} ({status})", rid)
    if chosen is not None and combo.findData(chosen) >= 0:
        combo.setCurrentIndex(combo.findData(chosen))
    else:
        start_on_default_round(combo, db)
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
        pair = read(window.db, choices.assignment_pair, assignment_id)
        return pair[1] if pair is not None else None

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
            pair = read(window.db, choices.assignment_pair, assignment_id)
            if pair is not None:
                reviewer_id, application_id = pair
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
            self.proposal = read(self.db, assign_wf.propose_for_round, round_id=round_id)
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
        window.changes_made()
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
    return read(db, choices.in_review_application_choices)


def _reviewers(db: Database) -> list[tuple[int, str]]:
    return read(db, choices.active_reviewer_choices)


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
        buttons, self.ok_button = ok_cancel_buttons(
            self, self._on_ok, "Record conflict" if conflict else "Assign"
        )
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
        window.changes_made()
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
        window.changes_made()
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


def open_ranking(window: Any, round_id: int | None = None) -> Any:
    """Show the Ranking and decisions screen (Reviews → Ranking and decisions…)."""
    from .ranking_view import open_ranking as open_ranking_window

    return open_ranking_window(window, round_id)
