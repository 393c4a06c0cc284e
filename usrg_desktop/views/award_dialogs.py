"""The award screen's dialogs: one small form per action (record a payment, a report received or
accepted, the agreement signed, cancel a tranche) and the tranche schedule editor, each with its
field errors next to the field and the unsaved-typing guard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.awards import TrancheTrigger
from ..money import format_zar
from ..workflows import WorkflowError
from ..workflows.awards import award_tracking as at
from .date_fields import pydate, qdate
from .form_feedback import ERROR_STYLE, error_label, set_error
from .modal_dialogs import ok_cancel_buttons
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    pass


def date_edit(day: date, *, latest: date | None = None, earliest: date | None = None) -> QDateEdit:
    """A date field with a calendar, ISO format, and the earliest and latest day allowed."""
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    if earliest is not None:
        edit.setMinimumDate(qdate(earliest))
    return edit


class ActionDialog(GuardedDialog):
    """A small form for one action; a refusal is shown under the fields and the dialog stays."""

    def __init__(self, parent: QWidget, title: str, *, ok_text: str = "Save") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.form = QFormLayout()
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, self._on_ok, ok_text)
        self.ok_button.setObjectName("ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.body)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
        self._action: Callable[[], bool] | None = None
        self.setMinimumWidth(440)

    def add_text(self, text: str) -> QLabel:
        """A line of explanation above the fields."""
        label = QLabel(text)
        label.setWordWrap(True)
        self.body.addWidget(label)
        return label

    def add_field(self, label: str, widget: Any, name: str) -> Any:
        """A labelled field, found in tests by its object name."""
        widget.setObjectName(name)
        self.form.addRow(label, widget)
        return widget

    def accept_with(self, action: Callable[[], bool]) -> None:
        """What OK does: the dialog closes when it returns True."""
        self._action = action

    def show_error(self, text: str) -> None:
        """Show a refusal's sentence under the fields."""
        set_error(self.error, text)

    def _on_ok(self) -> None:
        if self._action is None or self._action():
            self.accept()


class ScheduleDialog(ActionDialog):
    """Edit the tranche schedule: trigger, percent or amount, due date; the sum shows live."""

    def __init__(self, parent: QWidget, detail: at.AwardDetail) -> None:
        super().__init__(parent, f"Tranche schedule — {detail.number}", ok_text="Save schedule")
        self.detail = detail
        self.resize(640, 320)
        self.add_text(
            f"The tranches must add up to the award of {format_zar(detail.amount_cents)} to the "
            "cent. Type a whole percent (40 %) or an amount in rand (R 100 000,00)."
        )
        self.grid = QGridLayout()
        for col, heading in enumerate(("Trigger", "Percent or amount", "Due", "")):
            self.grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, col)
        self.body.addLayout(self.grid)
        self._rows: list[tuple[QComboBox, QLineEdit, QDateEdit, QPushButton]] = []
        self.add_button = QPushButton("&Add tranche")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.body.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.total = QLabel("")
        self.total.setObjectName("total")
        self.total.setWordWrap(True)
        self.body.addWidget(self.total)
        # Shown as percents when they give exactly these amounts, else as the amounts in rand.
        percents = [t.percent for t in detail.tranches]
        amounts = [t.amount_cents for t in detail.tranches]
        as_percent = (
            bool(percents)
            and sum(percents) == 100
            and at.split_cents(detail.amount_cents, percents) == amounts
        )
        for t in detail.tranches:
            share = f"{t.percent} %" if as_percent else format_zar(t.amount_cents)
            self.add_row(t.trigger, share, t.due_on)
        self.update_total()

    def add_row(
        self, trigger: str = TrancheTrigger.OTHER.value, share: str = "", due: date | None = None
    ) -> None:
        """Add a tranche row to the editor."""
        combo = QComboBox()
        for value in TrancheTrigger:
            combo.addItem(at.TRIGGER_WORDS[value.value], value.value)
        combo.setCurrentIndex(max(0, combo.findData(trigger)))
        share_edit = QLineEdit(share)
        share_edit.setPlaceholderText("40 % or R 100 000,00")
        due_edit = date_edit(due or self.detail.awarded_on)
        remove = QPushButton("Remove")
        n = len(self._rows)
        for widget, name in ((combo, "trigger"), (share_edit, "share"), (due_edit, "due")):
            widget.setObjectName(f"{name}{n}")
        row = (combo, share_edit, due_edit, remove)
        self._rows.append(row)
        for col, widget in enumerate(row):
            self.grid.addWidget(widget, n + 1, col)
        combo.currentIndexChanged.connect(self.update_total)
        share_edit.textChanged.connect(self.update_total)
        due_edit.dateChanged.connect(self.update_total)
        remove.clicked.connect(lambda: self.remove_row(row))
        self.update_total()

    def remove_row(self, row: tuple[QComboBox, QLineEdit, QDateEdit, QPushButton]) -> None:
        """Take a tranche row out of the editor."""
        self._rows.remove(row)
        for widget in row:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self.update_total()

    def share_edits(self) -> list[QLineEdit]:
        """The percent-or-amount fields, top to bottom."""
        return [row[1] for row in self._rows]

    def rows(self) -> list[tuple[str, str, date]]:
        """The schedule as typed: (trigger, share text, due date) per tranche."""
        return [
            (combo.currentData(), share.text(), pydate(due.date()))
            for combo, share, due, _remove in self._rows
        ]

    def update_total(self) -> None:
        """Show what the typed tranches add up to, or the sentence saying what is wrong."""
        d = self.detail
        try:
            plan = at.plan_schedule(
                d.amount_cents, d.awarded_on, self.rows(), keep={t.due_on for t in d.tranches}
            )
        except WorkflowError as problem:
            self.total.setStyleSheet(ERROR_STYLE)
            self.total.setText(str(problem))
            self.ok_button.setEnabled(False)
            return
        amounts = ", ".join(format_zar(cents) for _t, _p, cents, _d in plan)
        self.total.setStyleSheet("")
        self.total.setText(f"Adds up to {format_zar(d.amount_cents)}: {amounts}.")
        self.ok_button.setEnabled(True)
