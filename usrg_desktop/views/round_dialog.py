"""The round form (new or edit): name, dates, budget and cap, reviews needed, review deadline,
rubric, admitted bodies and screening checks, each checked next to its field as it is typed."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..money import format_zar, parse_zar
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError
from ..workflows.grants import rounds
from ..workflows.system.dates import utc_now
from .date_fields import pydate, qdate
from .form_feedback import ERROR_STYLE, error_label, show_field_errors
from .modal_dialogs import ok_cancel_buttons
from .operations import Refused, perform, read
from .unsaved import GuardedDialog

FIELDS = (
    "name",
    "opens_on",
    "closes_on",
    "budget",
    "cap",
    "reviews_needed",
    "review_deadline",
    "rubric",
    "admitted_bodies",
    "screening_checks",
    "themes",
)


class RoundDialog(GuardedDialog):
    """Set up a new round or edit one: every field of the round, checked when saved."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        round_id: int | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("roundDialog")
        self.db = db
        self.actor = actor
        self.round_id = round_id
        self.saved_id: int | None = None
        # The version the form opened (a new round has none).
        self.seen_version: int | None = None
        today = today or clock.today()
        opening = read(db, rounds.round_form_opening, round_id=round_id, today=today)
        rubrics, bodies, form = opening.rubrics, opening.bodies, opening.form
        status, n_apps = opening.status, opening.applications
        self.seen_version = opening.version
        self.setWindowTitle(opening.title)

        self.name_edit = QLineEdit(form.name)
        self.name_edit.setPlaceholderText("Innovation Fund 2027 Round 1")
        self.name_edit.setMaxLength(rounds.NAME_LIMIT + 50)
        self.opens_edit = self._date_edit(form.opens_on or today)
        # A new round's name is suggested from the year and number its references will carry
        # (the year it opens), and follows the opening date until the user types another.
        self.identity_note = QLabel("")
        self.identity_note.setObjectName("identityNote")
        self.identity_note.setStyleSheet("color: palette(mid);")
        self.identity_note.setWordWrap(True)
        self._suggested_name = ""
        if round_id is None:
            self._suggest_identity()
            self.opens_edit.dateChanged.connect(lambda _d: self._suggest_identity())
        else:
            self.identity_note.hide()
        self.closes_edit = self._date_edit(form.closes_on or today)
        self.deadline_edit = self._date_edit(form.review_deadline or today)
        self.budget_edit = QLineEdit(format_zar(form.budget_cents) if form.budget_cents else "")
        self.budget_edit.setPlaceholderText("R 3 000 000,00")
        self.cap_edit = QLineEdit(format_zar(form.cap_cents) if form.cap_cents else "")
        self.cap_edit.setPlaceholderText("R 400 000,00")
        for edit in (self.budget_edit, self.cap_edit):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.editingFinished.connect(lambda e=edit: self._tidy_amount(e))
        self.reviews_spin = QSpinBox()
        self.reviews_spin.setRange(1, 10)
        self.reviews_spin.setValue(form.reviews_needed)
        self.rubric_combo = QComboBox()
        for rid, name in rubrics:
            self.rubric_combo.addItem(name, rid)
        index = self.rubric_combo.findData(form.rubric_id)
        self.rubric_combo.setCurrentIndex(max(index, 0))
        self.rubric_note = QLabel("")
        self.rubric_note.setObjectName("rubricNote")
        self.rubric_note.setStyleSheet("color: palette(mid);")
        self.rubric_note.hide()
        if n_apps and form.rubric_id is not None:
            # The guard is in the workflow; the form says so before anyone tries.
            self.rubric_combo.setEnabled(False)
            self.rubric_note.setText(
                f"The round has {n_apps} application{'s' if n_apps != 1 else ''}, "
                "so its rubric cannot change."
            )
            self.rubric_note.show()

        self.bodies_list = QListWidget()
        self.bodies_list.setAccessibleName("Admitted bodies")
        for bid, label in bodies:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, bid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = bid in form.admitted_body_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.bodies_list.addItem(item)
        self.bodies_list.setMaximumHeight(130)

        self.checks_list = QListWidget()
        self.checks_list.setAccessibleName("Screening checklist")
        self.checks_list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        for label in form.screening_checks:
            self._add_check_item(label)
        self.checks_list.setMaximumHeight(112)
        for items in (self.bodies_list, self.checks_list):
            items.setWordWrap(True)
            items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.add_check_button = QPushButton("Add")
        self.add_check_button.setToolTip("Add a screening check (then type it)")
        self.remove_check_button = QPushButton("Remove")
        self.up_button = QPushButton("Up")
        self.down_button = QPushButton("Down")
        self.add_check_button.clicked.connect(self._on_add_check)
        self.remove_check_button.clicked.connect(self._on_remove_check)
        self.up_button.clicked.connect(lambda: self._on_move_check(-1))
        self.down_button.clicked.connect(lambda: self._on_move_check(1))
        check_buttons = QVBoxLayout()
        for b in (
            self.add_check_button,
            self.remove_check_button,
            self.up_button,
            self.down_button,
        ):
            check_buttons.addWidget(b)
        check_buttons.addStretch(1)
        checks_row = QHBoxLayout()
        checks_row.addWidget(self.checks_list, 1)
        checks_row.addLayout(check_buttons)
        checks_box = QWidget()
        checks_box.setLayout(checks_row)
        checks_row.setContentsMargins(0, 0, 0, 0)

        self.themes_edit = QPlainTextEdit("\n".join(form.themes))
        self.themes_edit.setObjectName("themes")
        self.themes_edit.setAccessibleName("Themes")
        self.themes_edit.setPlaceholderText(
            "One theme per line, for example: Youth and gang violence prevention"
        )
        self.themes_edit.setTabChangesFocus(True)
        self.themes_edit.setFixedHeight(self.themes_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.themes_edit.setToolTip(
            "The themes of the call; each application says which one it addresses, and the "
            "funder's report counts them by theme."
        )

        self.errors: dict[str, QLabel] = {}
        self.form_error = error_label("error_form")

        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        status_label = QLabel(opening.status_line)
        status_label.setObjectName("roundStatus")
        layout.addRow("Status", status_label)
        for field, label, widget in (
            ("name", "&Name", self._with_note(self.name_edit, self.identity_note)),
            ("opens_on", "&Opens", self.opens_edit),
            ("closes_on", "&Closes", self.closes_edit),
            ("budget", "&Budget", self.budget_edit),
            ("cap", "Cap &per grant", self.cap_edit),
            ("reviews_needed", "Re&views needed", self.reviews_spin),
            ("review_deadline", "Review &deadline", self.deadline_edit),
            ("rubric", "&Rubric", self._with_note(self.rubric_combo, self.rubric_note)),
            ("admitted_bodies", "&Admitted bodies", self.bodies_list),
            ("screening_checks", "&Screening checklist", checks_box),
            ("themes", "&Themes", self.themes_edit),
        ):
            layout.addRow(label, self._with_error(field, widget))
        hint = QLabel(
            "Member cities may always apply; tick the partner bodies this round also admits."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")

        self.buttons, self.save_button = ok_cancel_buttons(self, self._on_save, save=True)

        if status == rounds.R.ARCHIVED.value:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip("An archived round cannot be changed.")
            self.form_error.setText("This round is archived: it can be read but not changed.")
            self.form_error.setStyleSheet("")
            self.form_error.show()
        outer = QVBoxLayout(self)
        outer.addWidget(self.form_error)
        outer.addLayout(layout)
        outer.addWidget(hint)
        outer.addWidget(self.buttons)
        self.resize(720, self.sizeHint().height())
        self._opened = self._snapshot()
        # Cancel, Escape or × with the form changed asks Save / Discard / Cancel.
        self.guard_unsaved(lambda: self.windowTitle())

    def _snapshot(self) -> tuple[Any, ...]:
        return (self.form()[0], self.budget_edit.text(), self.cap_edit.text())

    def has_unsaved_changes(self) -> bool:
        """The form differs from the round as opened (see views/unsaved.py)."""
        return self.save_button.isEnabled() and self._snapshot() != self._opened

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "the new round" if self.round_id is None else "the changes to this round"

    def save(self) -> bool:
        """Save as the Save button does; True when saved (the dialog has then closed)."""
        self._on_save()
        return self.result() == QDialog.DialogCode.Accepted

    def _suggest_identity(self) -> None:
        """Suggest the name from the year and number the round will get; say its references."""
        try:
            identity = read(self.db, rounds.round_identity, opens_on=pydate(self.opens_edit.date()))
        except (WorkflowError, StorageError):
            return
        if self.name_edit.text() in ("", self._suggested_name):
            self.name_edit.setText(identity.name)
            self.name_edit.selectAll()  # typing replaces the suggestion
        self._suggested_name = identity.name
        self.identity_note.setText(
            f"Its applications will be numbered {identity.reference_prefix}001, "
            f"{identity.reference_prefix}002, … and its review packets "
            f"{identity.packet_prefix}…"
        )

    # -- building -------------------------------------------------------------------------------
    @staticmethod
    def _date_edit(value: date) -> QDateEdit:
        edit = QDateEdit(qdate(value))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    @staticmethod
    def _with_note(widget: QWidget, note: QLabel) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(note)
        return box

    def _with_error(self, field: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = error_label(f"error_{field}")
        column.addWidget(error)
        self.errors[field] = error
        return box

    def _add_check_item(self, label: str) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.checks_list.addItem(item)
        return item

    # -- checklist editing ------------------------------------------------------------------------
    def add_check(self, label: str) -> None:
        """Add a screening check with this text (what Add then typing does)."""
        self._add_check_item(label)

    def _on_add_check(self) -> None:
        item = self._add_check_item("")
        self.checks_list.setCurrentItem(item)
        self.checks_list.editItem(item)

    def _on_remove_check(self) -> None:
        row = self.checks_list.currentRow()
        if row >= 0:
            self.checks_list.takeItem(row)

    def _on_move_check(self, step: int) -> None:
        row = self.checks_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.checks_list.count():
            return
        item = self.checks_list.takeItem(row)
        self.checks_list.insertItem(target, item)
        self.checks_list.setCurrentRow(target)

    def check_labels(self) -> list[str]:
        """The screening checklist as typed, in order."""
        return [self.checks_list.item(i).text() for i in range(self.checks_list.count())]

    def admitted_body_ids(self) -> list[int]:
        """The ids of the ticked bodies."""
        ids = []
        for i in range(self.bodies_list.count()):
            item = self.bodies_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def set_body_checked(self, short_name: str, checked: bool = True) -> None:
        """Tick (or untick) a body by its short name, as a click on its box does."""
        for i in range(self.bodies_list.count()):
            item = self.bodies_list.item(i)
            if item.text().split(" — ")[0] == short_name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(short_name)

    @staticmethod
    def _tidy_amount(edit: QLineEdit) -> None:
        with contextlib.suppress(ValueError):  # a bad amount's message shows when saving
            edit.setText(format_zar(parse_zar(edit.text())))

    # -- saving -----------------------------------------------------------------------------------
    def error_text(self, field: str) -> str:
        """The message shown under a field ('' when none)."""
        label = self.errors.get(field) if field != "form" else self.form_error
        return label.text() if label is not None and not label.isHidden() else ""

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each field's sentence under it and clear the others."""
        show_field_errors(self.errors, errors)
        for field in FIELDS:
            if field in errors:
                widget = self.errors[field].parentWidget().layout().itemAt(0).widget()
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def form(self) -> tuple[rounds.RoundForm, dict[str, str]]:
        """The form's values, and the sentences for amounts that could not be read."""
        local: dict[str, str] = {}
        amounts: dict[str, int | None] = {}
        for field, edit, what in (
            ("budget", self.budget_edit, "budget"),
            ("cap", self.cap_edit, "cap per grant"),
        ):
            text = edit.text().strip()
            amounts[field] = None
            if text:
                try:
                    amounts[field] = parse_zar(text)
                except ValueError:
                    local[field] = f"The {what} '{text}' is not an amount in rand (R 250 000,00)."
        form = rounds.RoundForm(
            name=self.name_edit.text(),
            opens_on=pydate(self.opens_edit.date()),
            closes_on=pydate(self.closes_edit.date()),
            budget_cents=amounts["budget"],
            cap_cents=amounts["cap"],
            reviews_needed=self.reviews_spin.value(),
            review_deadline=pydate(self.deadline_edit.date()),
            rubric_id=self.rubric_combo.currentData(),
            admitted_body_ids=self.admitted_body_ids(),
            screening_checks=self.check_labels(),
            themes=tuple(self.themes_edit.toPlainText().splitlines()),
        )
        return form, local

    def _on_save(self) -> None:
        form, local = self.form()
        self.form_error.hide()
        try:
            if local:
                _ok, found = perform(
                    self, self.db, rounds.validate_round, form, round_id=self.round_id, quiet=True
                )
                self.show_errors({**(found or {}), **local})
                return
            if self.round_id is None:
                _ok, new_id = perform(
                    self,
                    self.db,
                    lambda s: rounds.create_round(s, form=form, actor=self.actor, now=utc_now()),
                    quiet=True,
                )
                self.saved_id = new_id
            else:
                perform(
                    self,
                    self.db,
                    lambda s: rounds.update_round(
                        s,
                        round_id=self.round_id,
                        form=form,
                        actor=self.actor,
                        now=utc_now(),
                        seen_version=self.seen_version,
                    ),
                    quiet=True,
                )
                self.saved_id = self.round_id
        except Refused as exc:
            if exc.conflict is not None:
                # Saving again is then a knowing choice to keep what is in the form.
                self.seen_version = read(self.db, rounds.round_details, self.round_id).version
                self.show_errors({})
                self.form_error.setText(
                    f"{exc} Save again to keep what is in this form over theirs, or cancel "
                    "and open the round again to see theirs."
                )
                self.form_error.setStyleSheet(ERROR_STYLE)
                self.form_error.show()
                return
            if exc.errors:
                self.show_errors(exc.errors)
            else:
                self.show_errors({})
                self.form_error.setText(str(exc))
                self.form_error.setStyleSheet(ERROR_STYLE)
                self.form_error.show()
            return
        self.accept()
