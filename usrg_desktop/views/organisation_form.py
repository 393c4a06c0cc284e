"""Directory ▸ Cities and Bodies: the organisation form (new / edit) and the Rename… dialog.

The form shows what every organisation has (names, the name in a sentence, addresses,
switchboard, main contact) and the fields of its kind (a city's code, province, category,
seat; a body's kind and role). Editing keeps the names read-only: Rename… changes them from a
day and keeps the old ones, listed under "Past names". The list pages' actions are in
`organisation_actions.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..domain.directory import CityCategory
from ..storage import Database
from ..workflows import Actor
from ..workflows.directory import organisations as org
from ..workflows.directory.organisation_merge import describe_references
from ..workflows.letters.letter_addressing import organisation_in_sentence
from ..workflows.system.dates import utc_now
from .form_feedback import error_label, set_error, show_field_errors
from .modal_dialogs import ok_cancel_buttons
from .operations import Refused, perform, read
from .unsaved import GuardedDialog

COLUMN_WIDTH = 480
BODY_KINDS = ("national department", "association", "network", "NGO", "research institution")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _address_edit(name: str, placeholder: str, height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    # Tab moves on to the next field (the form stays keyboard-reachable).
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit


class OrganisationDialog(GuardedDialog):
    """A member city's or a body's details, checked when saved; each wrong field says why just
    below it. Editing shows the past names and a Rename… button for the names."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        kind: str,
        org_id: int | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("organisationDialog")
        self.db, self.actor, self.kind, self.org_id = db, actor, kind, org_id
        self.today = today or clock.today()
        self.saved_id: int | None = None
        self.renamed = False
        word = org.KIND_WORDS[kind]
        self.detail = read(db, org.organisation_detail, kind, org_id) if org_id else None
        self.contacts = read(db, org.contact_choices, kind, org_id)
        self.seen_version = self.detail["seen_version"] if self.detail else None
        self.setWindowTitle(
            f"New {word}"
            if self.detail is None
            else f"{word.capitalize()} — {self.detail['short_name']}"
        )
        line = self.fontMetrics().lineSpacing()

        self.official_edit = QLineEdit(objectName="official_name")
        self.official_edit.setPlaceholderText("As the organisation writes it in its letters")
        self.short_edit = QLineEdit(objectName="short_name")
        self.short_edit.setPlaceholderText("eThekwini, SALGA")
        self.sentence_edit = QLineEdit(objectName="name_in_sentence")
        self.postal_edit = _address_edit(
            "postal_address", "PO Box or Private Bag\nTown\nPostal code", line * 4
        )
        self.physical_edit = _address_edit(
            "physical_address", "Street and number\nSuburb\nTown", line * 4
        )
        self.switchboard_edit = QLineEdit(objectName="switchboard")
        self.switchboard_edit.setPlaceholderText("+27 11 …")
        self.contact_combo = QComboBox(objectName="main_contact_id")
        self.contact_combo.addItem("Nobody yet", None)
        for person_id, label in self.contacts:
            self.contact_combo.addItem(label, person_id)
        self.official_edit.textChanged.connect(self._suggest_sentence)
        self.short_edit.textChanged.connect(self._suggest_sentence)

        self.errors = {
            field: error_label(f"error_{field}")
            for field in (*org.COMMON_FIELDS, *org.CITY_FIELDS, *org.BODY_FIELDS)
        }
        self._inputs: dict[str, QWidget] = {
            "official_name": self.official_edit,
            "short_name": self.short_edit,
            "name_in_sentence": self.sentence_edit,
            "postal_address": self.postal_edit,
            "physical_address": self.physical_edit,
            "switchboard": self.switchboard_edit,
            "main_contact_id": self.contact_combo,
        }
        left, right = QFormLayout(), QFormLayout()
        self._row(left, "&Official name:", "official_name", self.official_edit)
        self._row(left, "S&hort name:", "short_name", self.short_edit)
        self._row(left, "Name in a s&entence:", "name_in_sentence", self.sentence_edit)
        if kind == "city":
            self._city_fields(left)
        else:
            self._body_fields(left)
        self._row(right, "&Postal address:", "postal_address", self.postal_edit)
        self._row(right, "Ph&ysical address:", "physical_address", self.physical_edit)
        self._row(right, "S&witchboard:", "switchboard", self.switchboard_edit)
        self._row(right, "Main &contact:", "main_contact_id", self.contact_combo)

        self.rename_button = QPushButton("&Rename…", objectName="renameButton")
        self.rename_button.setToolTip("Give it new names from a day; the old ones are kept")
        self.rename_button.clicked.connect(self.open_rename)
        self.past_names = QTableWidget(0, 3, objectName="pastNames")
        self.past_names.setHorizontalHeaderLabels(["From", "To", "Name"])
        self.past_names.verticalHeader().hide()
        self.past_names.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.past_names.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.past_names.setMaximumHeight(line * 6)
        self.references_label = QLabel(objectName="references")
        self.references_label.setWordWrap(True)
        columns = QHBoxLayout()
        for form in (left, right):
            # Two columns of one fixed width: a sentence under a field wraps to a known width,
            # so the form knows its height (about 1000 pixels wide in all, for 1366×768).
            column = QWidget()
            column.setLayout(form)
            form.setContentsMargins(0, 0, 0, 0)
            column.setFixedWidth(COLUMN_WIDTH)
            columns.addWidget(column)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        if self.detail is not None:
            history = QHBoxLayout()
            history.addWidget(QLabel("Past names:"))
            history.addStretch(1)
            history.addWidget(self.rename_button)
            layout.addLayout(history)
            layout.addWidget(self.past_names)
            layout.addWidget(self.references_label)
        self.form_error = error_label("formError")
        layout.addWidget(self.form_error)
        buttons, self.save_button = ok_cancel_buttons(self, self._on_save, save=True)
        layout.addWidget(buttons)
        self._fill()
        (self.contact_combo if self.detail else self.official_edit).setFocus()
        self.guard_unsaved(lambda: self.windowTitle())

    # -- building -----------------------------------------------------------------------------
    def _row(self, form: QFormLayout, label: str, field: str, widget: QWidget) -> None:
        form.addRow(label, widget)
        # The field's sentence on its own row just below it, shown only when wrong.
        form.addRow("", self.errors[field])

    def _city_fields(self, form: QFormLayout) -> None:
        self.code_edit = QLineEdit(objectName="municipal_code")
        self.code_edit.setPlaceholderText("EKU")
        self.province_combo = QComboBox(objectName="province")
        self.province_combo.addItem("Choose the province", None)
        for province in org.PROVINCES:
            self.province_combo.addItem(province, province)
        self.category_combo = QComboBox(objectName="category")
        for category in CityCategory:
            self.category_combo.addItem(category.value.capitalize(), category.value)
        self.seat_edit = QLineEdit(objectName="seat")
        self.member_check = QCheckBox("Member since", objectName="member_known")
        self.member_date = QDateEdit(objectName="member_since")
        self.member_date.setCalendarPopup(True)
        self.member_date.setDisplayFormat("yyyy-MM-dd")
        self.member_date.setDate(_qdate(self.today))
        self.member_check.toggled.connect(self.member_date.setEnabled)
        since = QWidget()
        row = QHBoxLayout(since)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.member_check)
        row.addWidget(self.member_date, 1)
        self._inputs.update(
            municipal_code=self.code_edit,
            province=self.province_combo,
            category=self.category_combo,
            seat=self.seat_edit,
            member_since=self.member_date,
        )
        self._row(form, "Municipal co&de:", "municipal_code", self.code_edit)
        self._row(form, "Pro&vince:", "province", self.province_combo)
        self._row(form, "C&ategory:", "category", self.category_combo)
        self._row(form, "Sea&t:", "seat", self.seat_edit)
        self._row(form, "USRG:", "member_since", since)

    def _body_fields(self, form: QFormLayout) -> None:
        self.body_kind_combo = QComboBox(objectName="body_kind")
        self.body_kind_combo.setEditable(True)
        self.body_kind_combo.addItems(BODY_KINDS)
        self.body_kind_combo.setCurrentText("")
        self.role_edit = _address_edit(
            "role_in_usrg", "member; works with the City of Cape Town on …", 40
        )
        self._inputs.update(body_kind=self.body_kind_combo, role_in_usrg=self.role_edit)
        self._row(form, "&Kind of body:", "body_kind", self.body_kind_combo)
        self._row(form, "Role in the &USRG:", "role_in_usrg", self.role_edit)

    def _fill(self) -> None:
        d = self.detail
        if d is None:
            if self.kind == "city":
                self.member_check.setChecked(True)
            self._suggest_sentence()
            return
        self.official_edit.setText(d["official_name"])
        self.short_edit.setText(d["short_name"])
        self.sentence_edit.setText(d["name_in_sentence"])
        for edit in (self.official_edit, self.short_edit, self.sentence_edit):
            # Names change through Rename…, which keeps the old ones.
            edit.setReadOnly(True)
            edit.setToolTip("Use Rename… to change the names; the old ones are kept")
        self.postal_edit.setPlainText(d["postal_address"])
        self.physical_edit.setPlainText(d["physical_address"])
        self.switchboard_edit.setText(d["switchboard"])
        index = self.contact_combo.findData(d["main_contact_id"])
        if index < 0 and d["main_contact_id"] is not None:
            self.contact_combo.addItem(d["main_contact"], d["main_contact_id"])
            index = self.contact_combo.count() - 1
        self.contact_combo.setCurrentIndex(max(index, 0))
        if self.kind == "city":
            self.code_edit.setText(d["municipal_code"])
            self.province_combo.setCurrentIndex(max(self.province_combo.findData(d["province"]), 0))
            self.category_combo.setCurrentIndex(max(self.category_combo.findData(d["category"]), 0))
            self.seat_edit.setText(d["seat"])
            self.member_check.setChecked(d["member_since"] is not None)
            if d["member_since"] is not None:
                self.member_date.setDate(_qdate(d["member_since"]))
            self.member_date.setEnabled(self.member_check.isChecked())
        else:
            self.body_kind_combo.setCurrentText(d["body_kind"])
            self.role_edit.setPlainText(d["role_in_usrg"])
        self._fill_history()

    def _fill_history(self) -> None:
        d = self.detail
        assert d is not None
        self.past_names.setRowCount(len(d["past_names"]))
        for row, past in enumerate(d["past_names"]):
            since = past["used_from"].isoformat() if past["used_from"] else "the start"
            cells = (since, past["used_to"].isoformat(), past["official_name"])
            for column, text in enumerate(cells):
                self.past_names.setItem(row, column, QTableWidgetItem(text))
        self.past_names.resizeColumnsToContents()
        state = "" if d["active"] else " It is switched off."
        self.references_label.setText(
            f"Referred to by {describe_references(d['references'])}.{state}"
        )

    def _suggest_sentence(self) -> None:
        """Show the name in a sentence that letters will use when the field is left empty."""
        suggestion = organisation_in_sentence(self.official_edit.text(), self.short_edit.text())
        self.sentence_edit.setPlaceholderText(suggestion or "the City of Ekurhuleni")

    # -- the values and saving -------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The form's fields as save_organisation takes them."""
        values: dict[str, Any] = {
            "official_name": self.official_edit.text(),
            "short_name": self.short_edit.text(),
            "name_in_sentence": self.sentence_edit.text(),
            "postal_address": self.postal_edit.toPlainText(),
            "physical_address": self.physical_edit.toPlainText(),
            "switchboard": self.switchboard_edit.text(),
            "main_contact_id": self.contact_combo.currentData(),
        }
        if self.kind == "city":
            values.update(
                municipal_code=self.code_edit.text(),
                province=self.province_combo.currentData(),
                category=self.category_combo.currentData(),
                seat=self.seat_edit.text(),
                member_since=(
                    self.member_date.date().toPython() if self.member_check.isChecked() else None
                ),
            )
        else:
            values.update(
                body_kind=self.body_kind_combo.currentText(),
                role_in_usrg=self.role_edit.toPlainText(),
            )
        return values

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each field's sentence under it, clear the others, and focus the first wrong one."""
        show_field_errors(self.errors, errors)
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        for field in self._inputs:
            if field in errors:
                self._inputs[field].setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def _on_save(self) -> None:
        set_error(self.form_error, "")
        values = self.values()
        try:
            _ok, saved = perform(
                self,
                self.db,
                lambda s: org.save_organisation(
                    s,
                    kind=self.kind,
                    org_id=self.org_id,
                    values=values,
                    seen_version=self.seen_version,
                    actor=self.actor,
                    now=utc_now(),
                ),
                quiet=True,
            )
        except Refused as refused:
            self.show_errors(refused.errors)
            if refused.conflict is not None:
                # Saving again is then a knowing choice to keep what is in this form.
                self.seen_version = read(self.db, org.organisation_fields, self.kind, self.org_id)[
                    "seen_version"
                ]
                set_error(
                    self.form_error,
                    f"{refused} Save again to keep what is in this form over theirs, or cancel "
                    "and open it again to see theirs.",
                )
            elif not refused.errors:
                set_error(self.form_error, str(refused))
            return
        self.saved_id = saved
        self.accept()

    def open_rename(self) -> RenameDialog | None:
        """Open Rename… over this form; after a rename the form shows the new names."""
        if self.org_id is None:
            return None
        dialog = RenameDialog(
            self.db, self.actor, kind=self.kind, org_id=self.org_id, today=self.today, parent=self
        )
        self.rename_dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(self._after_rename)
        dialog.open()
        return dialog

    def _after_rename(self) -> None:
        self.renamed = True
        self.detail = read(self.db, org.organisation_detail, self.kind, self.org_id)
        self.seen_version = self.detail["seen_version"]
        word = org.KIND_WORDS[self.kind].capitalize()
        self.setWindowTitle(f"{word} — {self.detail['short_name']}")
        # Only the names and their history change; what was typed in the other fields stays.
        self.official_edit.setText(self.detail["official_name"])
        self.short_edit.setText(self.detail["short_name"])
        self.sentence_edit.setText(self.detail["name_in_sentence"])
        self._fill_history()


class RenameDialog(QDialog):
    """New names for an organisation from a day; the present ones go into its history."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        kind: str,
        org_id: int,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("renameDialog")
        self.db, self.actor, self.kind, self.org_id = db, actor, kind, org_id
        fields = read(db, org.organisation_fields, kind, org_id)
        self.seen_version = fields["seen_version"]
        self.setWindowTitle(f"Rename {fields['short_name']}")
        intro = QLabel(
            f"{fields['short_name']} is now called “{fields['official_name']}”. Letters already "
            "issued keep the name they carry; new letters use the new one."
        )
        intro.setWordWrap(True)
        self.official_edit = QLineEdit(fields["official_name"], objectName="official_name")
        self.short_edit = QLineEdit(fields["short_name"], objectName="short_name")
        self.sentence_edit = QLineEdit(objectName="name_in_sentence")
        self.sentence_edit.setPlaceholderText("made from the official name when left empty")
        self.from_date = QDateEdit(objectName="effective_on")
        self.from_date.setCalendarPopup(True)
        self.from_date.setDisplayFormat("yyyy-MM-dd")
        self.from_date.setDate(_qdate(today))
        self.errors = {
            f: error_label(f"error_{f}")
            for f in ("official_name", "short_name", "name_in_sentence", "effective_on")
        }
        form = QFormLayout()
        for label, field, widget in (
            ("New &official name:", "official_name", self.official_edit),
            ("New s&hort name:", "short_name", self.short_edit),
            ("Name in a s&entence:", "name_in_sentence", self.sentence_edit),
            ("New name &from:", "effective_on", self.from_date),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors[field])
        self.form_error = error_label("formError")
        buttons, self.save_button = ok_cancel_buttons(self, self._on_save, "&Rename", save=True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.official_edit.setFocus()
        self.official_edit.selectAll()

    def _on_save(self) -> None:
        set_error(self.form_error, "")
        try:
            perform(
                self,
                self.db,
                lambda s: org.rename_organisation(
                    s,
                    kind=self.kind,
                    org_id=self.org_id,
                    official_name=self.official_edit.text(),
                    short_name=self.short_edit.text(),
                    name_in_sentence=self.sentence_edit.text(),
                    effective_on=self.from_date.date().toPython(),
                    seen_version=self.seen_version,
                    actor=self.actor,
                    now=utc_now(),
                ),
                quiet=True,
            )
        except Refused as refused:
            show_field_errors(self.errors, refused.errors)
            if not refused.errors or not set(refused.errors) & set(self.errors):
                set_error(self.form_error, str(refused))
            return
        self.accept()
