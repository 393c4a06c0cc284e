"""The rubric editor: a round's criteria, weights, scales and level descriptors, before scoring."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..workflows.reviews import rubrics as wf
from ..workflows.system.dates import utc_now
from .form_feedback import ERROR_STYLE, error_label, set_error
from .operations import Refused, perform, read
from .reviews_view import _round_combo
from .unsaved import GuardedDialog
from .window_size import fit_on_screen

CRITERION_COLUMNS = ["Code", "Criterion", "Weight %", "From", "To", "Required"]
COL_CODE, COL_NAME, COL_WEIGHT, COL_MIN, COL_MAX, COL_REQUIRED = range(len(CRITERION_COLUMNS))


def _int(text: str, default: int = 0) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return default


class RubricEditor(GuardedDialog):
    """Edit one round's rubric; saving replaces its criteria (a copy when the rubric is shared)."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main_window = window
        self.db = window.db
        self.setWindowTitle("Round rubric")
        self.setObjectName("rubricEditor")
        self.drafts: list[dict[str, Any]] = []
        self.opened_criteria: tuple[wf.CriterionDraft, ...] | None = None
        self._building = False

        self.round_combo = _round_combo(self.db)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.criteria = QTableWidget(0, len(CRITERION_COLUMNS))
        self.criteria.setObjectName("criteria")
        self.criteria.setHorizontalHeaderLabels(CRITERION_COLUMNS)
        self.criteria.verticalHeader().setVisible(False)
        self.criteria.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.criteria.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.criteria.horizontalHeader().setSectionResizeMode(
            COL_NAME, QHeaderView.ResizeMode.Stretch
        )
        self.criteria.itemChanged.connect(self._on_criterion_changed)
        self.criteria.currentCellChanged.connect(lambda *_a: self._show_levels())
        self.total = QLabel("")
        self.total.setObjectName("total")
        self.levels = QTableWidget(0, 1)
        self.levels.setObjectName("levels")
        self.levels.setHorizontalHeaderLabels(["What this level means"])
        self.levels.horizontalHeader().setStretchLastSection(True)
        self.levels.itemChanged.connect(self._on_level_changed)
        self.errors = error_label()
        self.errors.setObjectName("errors")

        self.add_button = QPushButton("&Add criterion")
        self.add_button.clicked.connect(self.add_criterion)
        self.remove_button = QPushButton("&Remove criterion")
        self.remove_button.clicked.connect(self.remove_criterion)
        self.default_button = QPushButton("Start from the &default")
        self.default_button.setObjectName("copyDefault")
        self.default_button.clicked.connect(self.copy_default)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.default_button)
        row.addStretch(1)
        row.addWidget(self.total)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Round:", self.round_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.criteria, 2)
        layout.addLayout(row)
        layout.addWidget(QLabel("Level descriptors of the chosen criterion:"))
        layout.addWidget(self.levels, 2)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        fit_on_screen(self, 820, 640)
        self.round_combo.currentIndexChanged.connect(self._on_round_changed)
        self.load()
        # Close, Escape, × or another round with the criteria changed asks Save / Discard /
        # Cancel (views/unsaved.py).
        self.guard_unsaved(lambda: f"Rubric of {self.round_combo.currentText()}")

    def has_unsaved_changes(self) -> bool:
        """The criteria differ from the round's rubric as read (see views/unsaved.py)."""
        if not self.save_button.isEnabled() or self.opened_criteria is None:
            return False
        return tuple(self.draft_criteria()) != tuple(self.opened_criteria)

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "the changes to the criteria"

    def _on_round_changed(self, _index: int) -> None:
        chosen = self.round_combo.currentData()
        if chosen == self._round_shown:
            return
        # The round being edited stays chosen until the question is answered.
        self._choose_round(self._round_shown)

        def show_chosen() -> None:
            self._choose_round(chosen)
            self.load()

        self.guard.attempt(show_chosen, action="showing another round")

    def _choose_round(self, round_id: Any) -> None:
        self.round_combo.blockSignals(True)
        self.round_combo.setCurrentIndex(max(self.round_combo.findData(round_id), 0))
        self.round_combo.blockSignals(False)

    # -- reading ----------------------------------------------------------------------------
    def load(self) -> None:
        """Read the chosen round's rubric."""
        set_error(self.errors, "")
        round_id = self.round_combo.currentData()
        self._round_shown = round_id
        if round_id is None:
            self.drafts = []
            self.status.setText("There are no rounds yet.")
            self._fill()
            return
        rubric = read(self.db, wf.round_rubric, round_id=round_id)
        self.opened_criteria = rubric.criteria
        self.drafts = [
            {
                "code": c.code,
                "name": c.name,
                "weight": c.weight_percent,
                "min": c.scale_min,
                "max": c.scale_max,
                "required": c.required,
                "levels": dict(c.levels),
            }
            for c in rubric.criteria
        ]
        shared = " (shared with other rounds: saving gives this round its own copy)"
        self.status.setText(
            rubric.locked
            or f"{rubric.rubric_name}{shared if rubric.shared else ''}. Weights must add up to "
            "100 %; every level needs a descriptor."
        )
        self.status.setStyleSheet(ERROR_STYLE if rubric.locked else "")
        editable = rubric.locked is None
        for w in (self.add_button, self.remove_button, self.default_button, self.save_button):
            w.setEnabled(editable)
        triggers = (
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.criteria.setEditTriggers(triggers)
        self.levels.setEditTriggers(triggers)
        self._fill()

    def _fill(self) -> None:
        self._building = True
        try:
            self.criteria.setRowCount(len(self.drafts))
            for row, d in enumerate(self.drafts):
                values = (d["code"], d["name"], d["weight"], d["min"], d["max"])
                for col, value in enumerate(values):
                    self.criteria.setItem(row, col, QTableWidgetItem(str(value)))
                box = QComboBox()
                box.addItems(["Yes", "No"])
                box.setCurrentIndex(0 if d["required"] else 1)
                box.setEnabled(self.save_button.isEnabled())
                box.currentIndexChanged.connect(
                    lambda i, r=row: self.drafts[r].__setitem__("required", i == 0)
                )
                self.criteria.setCellWidget(row, COL_REQUIRED, box)
        finally:
            self._building = False
        if self.drafts:
            self.criteria.setCurrentCell(0, COL_NAME)
        self._show_levels()
        self._update_total()

    def _show_levels(self) -> None:
        self._building = True
        try:
            row = self.criteria.currentRow()
            if not 0 <= row < len(self.drafts):
                self.levels.setRowCount(0)
                return
            d = self.drafts[row]
            span = list(range(d["min"], d["max"] + 1)) if d["max"] > d["min"] else []
            self.levels.setRowCount(len(span))
            self.levels.setVerticalHeaderLabels([str(n) for n in span])
            for i, level in enumerate(span):
                item = QTableWidgetItem(d["levels"].get(level, ""))
                item.setData(Qt.ItemDataRole.UserRole, level)
                self.levels.setItem(i, 0, item)
        finally:
            self._building = False

    def _update_total(self) -> None:
        total = sum(d["weight"] for d in self.drafts)
        self.total.setText(f"Total {total} %")
        self.total.setStyleSheet("" if total == 100 else ERROR_STYLE)

    # -- editing ------------------------------------------------------------------------------
    def _on_criterion_changed(self, item: QTableWidgetItem) -> None:
        if self._building:
            return
        d = self.drafts[item.row()]
        text = item.text()
        col = item.column()
        if col == COL_CODE:
            d["code"] = text
        elif col == COL_NAME:
            d["name"] = text
        elif col == COL_WEIGHT:
            d["weight"] = _int(text)
        elif col in (COL_MIN, COL_MAX):
            d["min" if col == COL_MIN else "max"] = _int(
                text, d["min" if col == COL_MIN else "max"]
            )
            self._show_levels()
        self._update_total()

    def _on_level_changed(self, item: QTableWidgetItem) -> None:
        if self._building:
            return
        row = self.criteria.currentRow()
        if 0 <= row < len(self.drafts):
            self.drafts[row]["levels"][item.data(Qt.ItemDataRole.UserRole)] = item.text()

    def add_criterion(self) -> None:
        """Add an empty criterion at the end, ready to be named."""
        self.drafts.append(
            {
                "code": "",
                "name": "",
                "weight": 0,
                "min": 1,
                "max": 5,
                "required": True,
                "levels": {},
            }
        )
        self._fill()
        self.criteria.setCurrentCell(len(self.drafts) - 1, COL_CODE)
        self.criteria.editItem(self.criteria.item(len(self.drafts) - 1, COL_CODE))

    def remove_criterion(self) -> None:
        """Remove the chosen criterion (nothing is saved until Save)."""
        row = self.criteria.currentRow()
        if 0 <= row < len(self.drafts):
            del self.drafts[row]
            self._fill()

    def copy_default(self) -> None:
        """Replace the criteria with the shipped default's (saved at once, after the checks)."""
        try:
            perform(
                self,
                self.db,
                wf.copy_default_rubric,
                round_id=self.round_combo.currentData(),
                actor=self.main_window.actor,
                now=utc_now(),
                quiet=True,
            )
        except Refused as refused:
            set_error(self.errors, str(refused))
            return
        self.load()

    def draft_criteria(self) -> list[wf.CriterionDraft]:
        """The criteria as typed."""
        return [
            wf.CriterionDraft(
                d["code"],
                d["name"],
                d["weight"],
                d["min"],
                d["max"],
                d["required"],
                {k: v for k, v in d["levels"].items() if d["min"] <= k <= d["max"]},
            )
            for d in self.drafts
        ]

    def save(self) -> bool:
        """Save the criteria; every mistake is listed, one sentence per field."""
        set_error(self.errors, "")
        if self.main_window.actor is None:
            set_error(self.errors, "Sign in to edit a rubric.")
            return False
        try:
            perform(
                self,
                self.db,
                wf.edit_round_rubric,
                round_id=self.round_combo.currentData(),
                criteria=self.draft_criteria(),
                actor=self.main_window.actor,
                now=utc_now(),
                seen=self.opened_criteria,
                quiet=True,
            )
        except Refused as exc:
            if exc.errors:
                set_error(self.errors, "\n".join(exc.errors.values()))
            elif exc.conflict is not None:
                # The criteria typed here stay; the next Save replaces theirs on purpose.
                theirs = read(self.db, wf.round_rubric, round_id=self.round_combo.currentData())
                self.opened_criteria = theirs.criteria
                set_error(
                    self.errors,
                    f"{exc} Save again to replace their criteria with yours, or choose the round "
                    "again to see theirs.",
                )
            else:
                set_error(self.errors, str(exc))
            return False
        self.main_window.changes_made()
        self.main_window.statusBar().showMessage("Rubric saved.", 5_000)
        self.load()
        return True


def edit_round_rubric(window: Any) -> RubricEditor:
    """Open the rubric editor (Reviews → Round rubric…)."""
    dialog = RubricEditor(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    window.last_dialog = dialog
    return dialog
