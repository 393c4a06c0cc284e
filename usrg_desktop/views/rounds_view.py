"""The Rounds list's actions (new, edit, next status), the round form, and the applications import.

The form shows each refused field's sentence in red right under the field; a refused form saves
nothing. The import dialog runs a dry run first and lists every bad row; its Import button is
enabled only when the whole sheet is good.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..money import format_zar, parse_zar
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError, rounds
from ..workflows.dates import utc_now
from .date_fields import pydate, qdate
from .form_feedback import ERROR_STYLE, error_label, show_field_errors
from .modal_dialogs import open_window_modal
from .operations import Refused, confirm, perform, read
from .progress import run_with_progress
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
        with db.reading() as session:
            rubrics = rounds.rubric_choices(session)
            bodies = rounds.body_choices(session)
            if round_id is None:
                opens = today + timedelta(days=14)
                form = rounds.RoundForm(
                    opens_on=opens,
                    closes_on=opens + timedelta(days=60),
                    review_deadline=opens + timedelta(days=102),
                    rubric_id=rounds.default_rubric_id(session),
                    screening_checks=rounds.suggested_screening_checks(session),
                )
                status, n_apps, prefix = "draft", 0, ""
            else:
                details = rounds.round_details(session, round_id)
                self.seen_version = details.version
                form, status = details.form, details.status
                n_apps, prefix = details.applications, details.reference_prefix
        self.setWindowTitle("New round" if round_id is None else f"Round — {form.name}")

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
        self.checks_list.setMaximumHeight(150)
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

        self.errors: dict[str, QLabel] = {}
        self.form_error = error_label("error_form")

        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        status_text = status if not prefix else f"{status}; references {prefix}nnn"
        status_label = QLabel(status_text)
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
        ):
            layout.addRow(label, self._with_error(field, widget))
        hint = QLabel(
            "Member cities may always apply; tick the partner bodies this round also admits."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)

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


# -- the Rounds list ------------------------------------------------------------------------------
class RoundsController:
    """Wires the Rounds list's buttons: New round…, Edit…, and the current round's next move."""

    def __init__(self, window: Any, page: Any) -> None:
        self.window = window
        self.page = page
        self.dialog: RoundDialog | None = None
        self.new_button = page.add_action(
            "New round…", self.new_round, shortcut="Ctrl+N", tip="Set up a new funding round"
        )
        self.edit_button = page.add_action(
            "Edit…", self.edit_round, shortcut="Ctrl+Return", tip="Edit the selected round"
        )
        self.move_button = page.add_action(
            "Next step", self.move_round, tip="Move the selected round to its next status"
        )
        self.move_button.setObjectName("action_MoveRound")
        page.item_activated.connect(lambda _id: self.edit_round())
        page.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        page.model.modelReset.connect(self.update_buttons)
        page.model.layoutChanged.connect(self.update_buttons)
        self.update_buttons()

    def _actor(self) -> Actor | None:
        actor = self.window.actor
        if actor is None:
            self.window.show_error("Nobody is signed in", "Sign in to change rounds.")
        return actor

    def current_status(self) -> str | None:
        """The status of the round in the current row."""
        index = self.page.table.currentIndex()
        if not index.isValid():
            return None
        keys = [c.key for c in self.page.model.columns]
        return self.page.model.row_values(index.row())[keys.index("status")]

    def update_buttons(self) -> None:
        """Enable Edit and name the next move after the current round's status."""
        status = self.current_status()
        self.edit_button.setEnabled(status is not None)
        moves = rounds.next_moves(status) if status else []
        if moves:
            self.move_button.setText(moves[0].label + "…")
            self.move_button.setEnabled(True)
            self.move_button.setToolTip(f"Move the round from {status} to {moves[0].target.value}")
        else:
            self.move_button.setText("Next step")
            self.move_button.setEnabled(False)
            self.move_button.setToolTip(
                "Select a round" if status is None else f"An {status} round has no next step"
            )

    def _open_dialog(self, round_id: int | None) -> RoundDialog | None:
        actor = self._actor()
        if actor is None:
            return None
        try:
            dialog = RoundDialog(
                self.window.db,
                actor,
                round_id=round_id,
                today=self.window.today,
                parent=self.window,
            )
        except (WorkflowError, StorageError) as exc:
            self.window.show_error("The round could not be opened", str(exc))
            return None
        self.dialog = dialog
        return open_window_modal(dialog, lambda d=dialog: self._saved(d))

    def new_round(self) -> RoundDialog | None:
        """Open the form for a new round (Ctrl+N)."""
        return self._open_dialog(None)

    def edit_round(self) -> RoundDialog | None:
        """Open the form of the selected round."""
        round_id = self.page.current_id()
        if round_id is None:
            return None
        return self._open_dialog(round_id)

    def _saved(self, dialog: RoundDialog) -> None:
        self.window.data_changed("Rounds")
        if dialog.saved_id is not None:
            self.page.select_id(dialog.saved_id)
        self.window.statusBar().showMessage(f"Saved the round '{dialog.name_edit.text()}'.", 8000)
        self.update_buttons()

    def move_round(self) -> bool:
        """Move the selected round to its next status, after asking."""
        round_id, status = self.page.current_id(), self.current_status()
        moves = rounds.next_moves(status) if status else []
        if round_id is None or not moves:
            return False
        actor = self._actor()
        if actor is None:
            return False
        move = moves[0]
        name = self.page.model.row_values(self.page.table.currentIndex().row())[0]
        if not confirm(
            self.window,
            move.label,
            f"Move the round '{name}' from {status} to {move.target.value}? "
            "This cannot be undone here.",
            yes=move.label,
        ):
            return False
        ok, _status = perform(
            self.window,
            self.window.db,
            lambda s: rounds.MOVE_FUNCTIONS[move.action](
                s, round_id=round_id, actor=actor, now=utc_now()
            ),
            title=f"{move.label}: not done",
        )
        if ok:
            self.window.data_changed("Rounds", "Applications")
            self.page.select_id(round_id)
            self.window.statusBar().showMessage(f"The round '{name}' is now {move.target}.", 8000)
        self.update_buttons()
        return ok


def setup_rounds_page(window: Any, page: Any) -> None:
    """Add the Rounds list's actions (called by the main window when it builds the page)."""
    page.rounds_controller = RoundsController(window, page)


# -- import ---------------------------------------------------------------------------------------
class ImportDialog(QDialog):
    """Check a sheet of applications (dry run), list each bad row, and import it when all good."""

    def __init__(self, window: Any, path: str | Path, actor: Actor) -> None:
        super().__init__(window)
        self.setObjectName("importDialog")
        self.window_ = window
        self.path = Path(path)
        self.actor = actor
        self.imported = False
        self.setWindowTitle(f"Import applications — {self.path.name}")
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.problems_table = QTableWidget(0, 2)
        self.problems_table.setObjectName("importProblems")
        self.problems_table.setHorizontalHeaderLabels(["Row", "Problem"])
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.setWordWrap(True)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importButton")
        self.recheck_button = self.buttons.addButton(
            "Check again", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.recheck_button.setToolTip("Read the file again after correcting it (F5)")
        self.recheck_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.clicked.connect(self._on_import)
        self.recheck_button.clicked.connect(self.check)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"File: {self.path}"))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problems_table, 1)
        layout.addWidget(self.buttons)
        self.resize(760, 440)
        self.check()

    def check(self) -> None:
        """Run the dry run and show what it found; Import is enabled only for a good sheet."""
        self.problems_table.setRowCount(0)
        self.import_button.setEnabled(False)
        try:
            _ok, report = perform(
                self,
                self.window_.db,
                lambda s: _import(s, self.path, self.actor, dry_run=True),
                quiet=True,
            )
        except Refused as exc:
            self.summary_label.setText(str(exc))
            self.problems_table.hide()
            return
        assert report is not None
        self.summary_label.setText(report.summary())
        self.problems_table.setVisible(bool(report.problems))
        self.problems_table.setRowCount(len(report.problems))
        for n, problem in enumerate(report.problems):
            number = QTableWidgetItem(str(problem.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.problems_table.setItem(n, 0, number)
            self.problems_table.setItem(n, 1, QTableWidgetItem(problem.reason))
        self.problems_table.resizeRowsToContents()
        self.import_button.setEnabled(report.ok and not self.imported)

    def problems(self) -> list[tuple[int, str]]:
        """The rows listed as bad, as (row number, reason)."""
        return [
            (int(self.problems_table.item(n, 0).text()), self.problems_table.item(n, 1).text())
            for n in range(self.problems_table.rowCount())
        ]

    def _on_import(self) -> None:
        from ..workflows.application_import import import_steps

        db, path, actor = self.window_.db, self.path, self.actor
        outcome = run_with_progress(
            self,
            f"Importing {path.name}",
            lambda: import_steps(db, path, actor=actor, now=utc_now()),
        )
        if outcome.cancelled:
            self.summary_label.setText(f"{path.name}: import cancelled; nothing was imported.")
            return
        if outcome.error is not None:
            self.check()  # the file may have changed since the check: show what it finds now
            self.summary_label.setText(outcome.error)
            return
        report = outcome.result
        self.imported = True
        self.import_button.setEnabled(False)
        self.summary_label.setText(report.summary())
        self.window_.data_changed("Applications", "Rounds")
        self.window_.statusBar().showMessage(report.summary(), 10_000)


def _import(session: Any, path: Path, actor: Actor, *, dry_run: bool) -> Any:
    from ..workflows.application_import import import_applications

    return import_applications(session, path, actor=actor, now=utc_now(), dry_run=dry_run)


def import_applications(window: Any, path: str | Path | None = None) -> ImportDialog | None:
    """File ▸ Import applications…: choose a CSV/XLSX sheet, check it, then import it whole."""
    actor = window.actor
    if actor is None:
        window.show_error("Nobody is signed in", "Sign in to import applications.")
        return None
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            window,
            "Import applications",
            "",
            "Sheets (*.csv *.xlsx);;CSV (*.csv);;Excel workbook (*.xlsx)",
        )
        if not chosen:
            return None
        path = chosen
    dialog = ImportDialog(window, path, actor)
    window.import_dialog = dialog
    return open_window_modal(dialog)
