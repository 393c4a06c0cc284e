"""Directory ▸ People: add and edit people, switch them off, and POPIA export and anonymising."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..domain.accounts import Role
from ..domain.directory import ConsentBasis, PersonRole
from ..storage import Database
from ..workflows import Actor
from ..workflows.directory import directory_people as people
from ..workflows.directory import organisations
from ..workflows.system.dates import utc_now
from .form_feedback import error_label, show_field_errors
from .list_controller import ListController
from .modal_dialogs import ok_cancel_buttons, open_window_modal
from .operations import Refused, confirm, perform, read
from .unsaved import GuardedDialog

# The form's fields, top to bottom (the first wrong one gets the focus).
FIELDS = (
    "full_name",
    "title",
    "organisation",
    "role",
    "email",
    "phone",
    "consent_basis",
    "consent_recorded_on",
    "honorific",
    "postal_address",
)


class PersonDialog(GuardedDialog):
    """A person's details, checked when saved; each wrong field says why just below it."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        person_id: int | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("personDialog")
        self.db = db
        self.actor = actor
        self.person_id = person_id
        self.saved_id: int | None = None
        today = today or clock.today()
        fields = read(db, people.person_fields, person_id) if person_id is not None else None
        # Switched-off organisations are not offered, but the person's own one stays.
        own = None
        if fields is not None and fields["city_id"] is not None:
            own = ("city", fields["city_id"])
        elif fields is not None and fields["body_id"] is not None:
            own = ("body", fields["body_id"])
        choices = read(db, organisations.person_organisation_choices, own)
        self.setWindowTitle("New person" if fields is None else f"Person — {fields['full_name']}")
        # The version the form opened: a save over someone else's later save is refused first.
        self.seen_version = fields.pop("seen_version", None) if fields is not None else None

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("full_name")
        self.name_edit.setPlaceholderText("Full name as the person writes it")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText("Manager: Safer Cities")
        self.organisation_combo = QComboBox()
        self.organisation_combo.setObjectName("organisation")
        self.organisation_combo.addItem("None (an individual)", None)
        self.organisation_combo.insertSeparator(1)
        previous = "city"
        for kind, oid, name in choices:
            if kind != previous:  # member cities first, then the bodies
                self.organisation_combo.insertSeparator(self.organisation_combo.count())
                previous = kind
            self.organisation_combo.addItem(name, (kind, oid))
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role")
        for role in PersonRole:
            self.role_combo.addItem(role.value.capitalize(), role.value)
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("email")
        self.email_edit.setPlaceholderText("name@example.org.za")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("phone")
        self.phone_edit.setPlaceholderText("+27 11 407 6471")
        self.consent_combo = QComboBox()
        self.consent_combo.setObjectName("consent_basis")
        for basis in ConsentBasis:
            self.consent_combo.addItem(basis.value.capitalize(), basis.value)
        self.consent_check = QCheckBox("Recorded on")
        self.consent_check.setObjectName("consent_recorded")
        self.consent_date = QDateEdit()
        self.consent_date.setObjectName("consent_recorded_on")
        self.consent_date.setCalendarPopup(True)
        self.consent_date.setDisplayFormat("yyyy-MM-dd")
        self.consent_date.setDate(QDate(today.year, today.month, today.day))
        self.consent_check.toggled.connect(self.consent_date.setEnabled)
        # How letters address the person: "Dear Ms Moodley", the address in the window.
        self.honorific_edit = QLineEdit()
        self.honorific_edit.setObjectName("honorific")
        self.honorific_edit.setPlaceholderText("Ms, Mr, Dr, Prof, Cllr …")
        self.postal_edit = QPlainTextEdit()
        self.postal_edit.setObjectName("postal_address")
        self.postal_edit.setTabChangesFocus(True)
        self.postal_edit.setPlaceholderText("Private Bag X1069\nGermiston\n1400")
        self.postal_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        consent_row = QWidget()
        row = QHBoxLayout(consent_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.consent_check)
        row.addWidget(self.consent_date, 1)

        if fields is None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(PersonRole.FOCAL_PERSON.value))
            self.consent_combo.setCurrentIndex(
                self.consent_combo.findData(ConsentBasis.PUBLIC_FUNCTION.value)
            )
            self.consent_check.setChecked(True)
        else:
            self.name_edit.setText(fields["full_name"])
            self.title_edit.setText(fields["title"])
            if fields["city_id"] is not None:
                key: tuple[str, int] | None = ("city", fields["city_id"])
            elif fields["body_id"] is not None:
                key = ("body", fields["body_id"])
            else:
                key = None
            self.select_organisation(key)
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(fields["role"]), 0))
            self.email_edit.setText(fields["email"])
            self.phone_edit.setText(fields["phone"])
            self.honorific_edit.setText(fields.get("honorific", ""))
            self.postal_edit.setPlainText(fields.get("postal_address", ""))
            self.consent_combo.setCurrentIndex(
                max(self.consent_combo.findData(fields["consent_basis"]), 0)
            )
            recorded = fields["consent_recorded_on"]
            self.consent_check.setChecked(recorded is not None)
            if recorded is not None:
                self.consent_date.setDate(QDate(recorded.year, recorded.month, recorded.day))
        self.consent_date.setEnabled(self.consent_check.isChecked())

        self.errors = {field: error_label(f"error_{field}") for field in FIELDS}
        self._inputs: dict[str, QWidget] = {
            "full_name": self.name_edit,
            "title": self.title_edit,
            "organisation": self.organisation_combo,
            "role": self.role_combo,
            "email": self.email_edit,
            "phone": self.phone_edit,
            "consent_basis": self.consent_combo,
            "consent_recorded_on": self.consent_date,
            "honorific": self.honorific_edit,
            "postal_address": self.postal_edit,
        }
        form = QFormLayout()
        for label, field, widget in (
            ("&Name:", "full_name", self.name_edit),
            ("&Title:", "title", self.title_edit),
            ("&Organisation:", "organisation", self.organisation_combo),
            ("&Role:", "role", self.role_combo),
            ("&Email:", "email", self.email_edit),
            ("&Phone:", "phone", self.phone_edit),
            ("&Consent basis:", "consent_basis", self.consent_combo),
            ("Consent:", "consent_recorded_on", consent_row),
            ("Honor&ific (letters):", "honorific", self.honorific_edit),
            ("Postal &address (letters):", "postal_address", self.postal_edit),
        ):
            form.addRow(label, widget)
            # The field's sentence on its own row just below it, shown only when wrong.
            form.addRow("", self.errors[field])
        note = QLabel(
            "POPIA: hold only what the USRG needs, on the basis chosen above. A person's data "
            "can be exported or anonymised from the People list on request."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.form_error = error_label("formError")
        buttons, self.save_button = ok_cancel_buttons(self, self._on_save, save=True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.form_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.name_edit.setFocus()
        self._opened = self.values()
        # Cancel, Escape or × with the form changed asks Save / Discard / Cancel.
        self.guard_unsaved(lambda: self.windowTitle())

    def has_unsaved_changes(self) -> bool:
        """The form differs from the person as opened (see views/unsaved.py)."""
        return self.values() != self._opened

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "the new person" if self.person_id is None else "the changes to this person"

    def save(self) -> bool:
        """Save as the Save button does; True when saved (the dialog has then closed)."""
        self._on_save()
        return self.result() == QDialog.DialogCode.Accepted

    def select_organisation(self, key: tuple[str, int] | None) -> None:
        """Choose ("city", id) or ("body", id) in the organisation box (None: an individual)."""
        combo = self.organisation_combo
        for index in range(combo.count()):
            data = combo.itemData(index)
            # Qt hands a stored tuple back as a list.
            if (tuple(data) if data is not None else None) == key:
                combo.setCurrentIndex(index)
                return
        combo.setCurrentIndex(0)

    def values(self) -> dict[str, Any]:
        """The form's fields as save_person takes them."""
        org = self.organisation_combo.currentData()
        recorded = None
        if self.consent_check.isChecked():
            recorded = self.consent_date.date().toPython()
        return {
            "full_name": self.name_edit.text(),
            "title": self.title_edit.text(),
            "city_id": org[1] if org and org[0] == "city" else None,
            "body_id": org[1] if org and org[0] == "body" else None,
            "role": self.role_combo.currentData(),
            "email": self.email_edit.text(),
            "phone": self.phone_edit.text(),
            "consent_basis": self.consent_combo.currentData(),
            "consent_recorded_on": recorded,
            "honorific": self.honorific_edit.text(),
            "postal_address": self.postal_edit.toPlainText(),
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each field's sentence under it, clear the others, and focus the first wrong one."""
        show_field_errors(self.errors, errors)
        # Grow to fit the sentences (a shown dialog does not grow by itself).
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        for field in FIELDS:
            if field in errors:
                self._inputs[field].setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def _on_save(self) -> None:
        self.form_error.hide()
        values = self.values()
        try:
            _ok, saved = perform(
                self,
                self.db,
                lambda s: people.save_person(
                    s,
                    person_id=self.person_id,
                    **values,
                    seen_version=self.seen_version,
                    actor=self.actor,
                    now=utc_now(),
                ),
                quiet=True,
            )
        except Refused as exc:
            if exc.conflict is not None:
                # Saving again is then a knowing choice to keep what is in the form.
                fields = read(self.db, people.person_fields, self.person_id)
                self.seen_version = fields["seen_version"]
                self.show_errors({})
                self.form_error.setText(
                    f"{exc.conflict} Save again to keep what is in this form over theirs, or "
                    "cancel and open the person again to see theirs."
                )
                self.form_error.show()
            elif exc.errors:
                self.show_errors(exc.errors)
            else:
                self.show_errors({})
                self.form_error.setText(str(exc))
                self.form_error.show()
            return
        self.saved_id = saved
        self.accept()


class AnonymiseDialog(QDialog):
    """The first of two questions before anonymising: what it does, and the reason."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("anonymiseDialog")
        self.setWindowTitle(f"Anonymise {name}")
        text = QLabel(
            f"<p><b>Anonymising {name} cannot be undone.</b></p>"
            "<p>Their name, title, email address and phone number are replaced for good by "
            "“Anonymised person” and a number. Meeting registers, reviews, applications and "
            "the audit log keep the row, so the history stays whole but no longer names them.</p>"
            "<p>Do this only on the person's request under POPIA, or when the USRG may no "
            "longer hold their details. Export their data first if they asked for a copy.</p>"
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText("The request: its date, how it came, its reference")
        self.reason_edit.setFixedHeight(70)
        self.understood = QCheckBox(f"I understand that {name} cannot be restored afterwards")
        self.understood.setObjectName("understood")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go_button = buttons.addButton("Anonymise…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go_button.setObjectName("anonymiseButton")
        self.go_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update)
        self.understood.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(QLabel("&Reason (kept in the audit log; no personal details):"))
        layout.itemAt(layout.count() - 1).widget().setBuddy(self.reason_edit)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.understood)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def reason(self) -> str:
        """The reason typed."""
        return self.reason_edit.toPlainText().strip()

    def _update(self) -> None:
        self.go_button.setEnabled(bool(self.reason()) and self.understood.isChecked())


class PeopleController(ListController[PersonDialog]):
    """Wires the People list: New person…, Edit…, Switch off/on, Export…, Anonymise…."""

    sign_in_to = "change the directory"

    def __init__(self, window: Any, page: Any) -> None:
        super().__init__(window, page)
        self.anonymise_dialog: AnonymiseDialog | None = None
        self.new_button = page.add_action(
            "New person…", self.new_person, shortcut="Ctrl+N", tip="Add a person to the directory"
        )
        self.edit_button = page.add_action(
            "Edit…", self.edit_person, tip="Edit the selected person (Enter or double-click)"
        )
        self.off_button = page.add_action(
            "Switch off", self.switch_off, tip="Keep the person for history but stop inviting them"
        )
        self.on_button = page.add_action(
            "Switch on", self.switch_on, tip="Switch the selected person on again"
        )
        self.export_button = page.add_action(
            "Export person's data…",
            self.export_data,
            tip="Save everything held about the selected person as JSON (POPIA access request)",
        )
        self.anonymise_button = page.add_action(
            "Anonymise…", self.anonymise, tip="Replace the selected person's details for good"
        )
        self.role_filter = page.add_column_filter("role", "Role", everything="Every role")
        self.organisation_filter = page.add_column_filter(
            "organisation", "Organisation", everything="Every organisation"
        )
        page.item_activated.connect(lambda _id: self.edit_person())
        self._follow_current_row()

    def update_buttons(self) -> None:
        """Enable what makes sense for the current row and the signed-in role."""
        row = self._row()
        actor = self.window.actor
        editor = actor is not None and actor.role in people.EDITORS
        admin = actor is not None and actor.role == Role.ADMINISTRATOR.value
        anonymised = row is not None and str(row["name"]).startswith("Anonymised person ")
        self.new_button.setEnabled(editor)
        self.edit_button.setEnabled(editor and row is not None and not anonymised)
        self.off_button.setEnabled(editor and row is not None and bool(row["active"]))
        self.on_button.setEnabled(
            editor and row is not None and not row["active"] and not anonymised
        )
        self.export_button.setEnabled(editor and row is not None)
        self.anonymise_button.setEnabled(admin and row is not None and not anonymised)
        self.anonymise_button.setToolTip(
            "Replace the selected person's details for good"
            if admin
            else "Only an administrator may anonymise a person"
        )

    def _open(self, person_id: int | None) -> PersonDialog | None:
        return self._open_form(
            "person",
            lambda actor: PersonDialog(
                self.window.db,
                actor,
                person_id=person_id,
                today=self.window.today,
                parent=self.window,
            ),
            self._saved,
        )

    def new_person(self) -> PersonDialog | None:
        """Open an empty form for a new person (Ctrl+N)."""
        return self._open(None)

    def edit_person(self) -> PersonDialog | None:
        """Open the selected person's form (Enter or double-click)."""
        person_id = self.page.current_id()
        if person_id is None or not self.edit_button.isEnabled():
            return None
        return self._open(person_id)

    def _saved(self, dialog: PersonDialog) -> None:
        self._after_change(f"Saved {dialog.name_edit.text().strip()}.", dialog.saved_id)

    def _switch(self, active: bool) -> bool:
        chosen = self._chosen()
        if chosen is None:
            return False
        person_id, row, actor = chosen
        if not active and not confirm(
            self.window,
            "Switch off",
            f"Switch {row['name']} off? They stay in meeting registers and reviews but are no "
            "longer invited or offered in lists.",
            yes="Switch off",
        ):
            return False
        switch = people.activate_person if active else people.deactivate_person
        word = "on" if active else "off"
        ok, _ = perform(
            self.window,
            self.window.db,
            lambda s: switch(s, person_id=person_id, actor=actor, now=utc_now()),
            title=f"Switch {word}: not done",
        )
        if ok:
            self._after_change(f"Switched {word} {row['name']}.", person_id)
        return ok

    def switch_off(self) -> bool:
        """Switch the selected person off, after asking."""
        return self._switch(False)

    def switch_on(self) -> bool:
        """Switch the selected person on again."""
        return self._switch(True)

    def export_data(self, path: str | None = None) -> str | None:
        """Save everything held about the selected person as a JSON file; returns the path."""
        chosen = self._chosen()
        if chosen is None:
            return None
        person_id, row, actor = chosen
        if path is None:
            suggested = "".join(ch if ch.isalnum() else "-" for ch in str(row["name"])).strip("-")
            path, _filter = QFileDialog.getSaveFileName(
                self.window,
                f"Export the data held about {row['name']}",
                f"{suggested.lower()}-personal-data.json",
                "JSON files (*.json)",
            )
            if not path:
                return None
        ok, _ = perform(
            self.window,
            self.window.db,
            lambda s: people.write_person_export(s, person_id=person_id, path=path, actor=actor),
            title="Export: not done",
        )
        if ok:
            self.window.statusBar().showMessage(f"Saved the data of {row['name']} to {path}.", 8000)
            return path
        return None

    def anonymise(self) -> AnonymiseDialog | None:
        """Ask what and why (first question); on OK, ask once more and anonymise."""
        chosen = self._chosen()
        if chosen is None:
            return None
        person_id, row, actor = chosen
        dialog = AnonymiseDialog(str(row["name"]), parent=self.window)
        self.anonymise_dialog = dialog
        return open_window_modal(
            dialog, lambda d=dialog: self._anonymise(person_id, str(row["name"]), d.reason(), actor)
        )

    def _anonymise(self, person_id: int, name: str, reason: str, actor: Actor) -> bool:
        if not confirm(
            self.window,
            "Anonymise for good",
            f"Last question: replace {name}'s name, title, email address and phone number now? "
            "This cannot be undone.",
            yes="Anonymise",
        ):
            return False
        ok, new_name = perform(
            self.window,
            self.window.db,
            lambda s: people.anonymise_person(
                s, person_id=person_id, reason=reason, actor=actor, now=utc_now()
            ),
            title="Anonymise: not done",
        )
        if ok:
            self._after_change(f"{name} is now {new_name}.", person_id)
            self.window.data_changed("Administration", "Meetings")
        return ok


def setup_people_page(window: Any, page: Any) -> None:
    """Add the People list's actions (called by the main window when it builds the page)."""
    page.people_controller = PeopleController(window, page)
