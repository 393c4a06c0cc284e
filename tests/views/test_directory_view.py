"""Directory ▸ People: typing a person in, sentences under wrong fields, export and anonymise."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from tests.views.conftest import answer_modal
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import Person
from usrg_desktop.workflows.directory.listings import people_listing


@pytest.fixture
def admin_window(qtbot, demo_db, settings):
    """The main window on the demo data, signed in as the demo's administrator."""
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.workflows.system.accounts import actor_named

    with demo_db.unit_of_work() as session:
        actor = actor_named(session, username="admin")
    window = MainWindow(demo_db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _people_page(window):
    return window.show_page("Directory", 0)


def _count(db) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count(Person.id)))


def _select_name(page, name: str) -> int:
    listing_ids = [page.model.row_id(r) for r in range(page.model.rowCount())]
    for row, pid in enumerate(listing_ids):
        if page.model.row_values(row)[0] == name:
            page.table.selectRow(row)
            return pid
    raise AssertionError(f"{name} is not in the list")


def _type_person(qtbot, dialog, *, email: str) -> None:
    qtbot.keyClicks(dialog.name_edit, "Thandeka Ngubane")
    qtbot.keyClicks(dialog.title_edit, "Manager: Safer Cities")
    index = dialog.organisation_combo.findText("eThekwini Metropolitan Municipality")
    assert index > 0, "the member cities are offered by their official names"
    dialog.organisation_combo.setCurrentIndex(index)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("focal person"))
    qtbot.keyClicks(dialog.email_edit, email)
    qtbot.keyClicks(dialog.phone_edit, "+27 31 311 1111")
    dialog.consent_combo.setCurrentIndex(dialog.consent_combo.findData("consent"))


def test_add_a_person_by_typing(qtbot, main_window):
    page = _people_page(main_window)
    controller = page.people_controller
    before = _count(main_window.db)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = controller.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "New person"
    _type_person(qtbot, dialog, email="thandeka.ngubane@durban.gov.za")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _count(main_window.db) == before + 1
    listing = people_listing(main_window.db)
    row = listing.rows[listing.ids.index(dialog.saved_id)]
    assert row[:7] == (
        "Thandeka Ngubane",
        "Manager: Safer Cities",
        "eThekwini",
        "focal person",
        "thandeka.ngubane@durban.gov.za",
        "+27 31 311 1111",
        "consent",
    )
    # The new person is selected in the reloaded list.
    assert page.current_id() == dialog.saved_id


def test_a_bad_email_shows_its_sentence_next_to_the_field_and_saves_nothing(qtbot, main_window):
    page = _people_page(main_window)
    dialog = page.people_controller.new_person()
    before = _count(main_window.db)
    _type_person(qtbot, dialog, email="thandeka at durban")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    error = dialog.errors["email"]
    assert error.isVisible()
    assert error.text() == (
        "The email address 'thandeka at durban' is not an address like name@example.org."
    )
    assert not dialog.errors["full_name"].isVisible()
    assert dialog.focusWidget() is dialog.email_edit
    assert _count(main_window.db) == before
    # An address someone else has, in other capitals, is refused the same way.
    taken = people_listing(main_window.db).rows[0][4].upper()
    dialog.email_edit.clear()
    qtbot.keyClicks(dialog.email_edit, taken)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "already belongs to someone else in the directory" in error.text()
    assert _count(main_window.db) == before
    # Corrected, it saves.
    dialog.email_edit.clear()
    qtbot.keyClicks(dialog.email_edit, "thandeka@durban.gov.za")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _count(main_window.db) == before + 1


def test_enter_opens_the_person_to_edit(qtbot, main_window):
    page = _people_page(main_window)
    pid = _select_name(page, "Lerato Mofokeng")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.people_controller.dialog
    assert dialog is not None and dialog.person_id == pid
    assert dialog.name_edit.text() == "Lerato Mofokeng"
    assert dialog.organisation_combo.currentText() == "South African Cities Network"
    assert dialog.consent_combo.currentData() == "contract"
    dialog.title_edit.clear()
    qtbot.keyClicks(dialog.title_edit, "Head: Urban Safety")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.unit_of_work() as session:
        assert session.get(Person, pid).title == "Head: Urban Safety"


def test_switch_off_asks_first(qtbot, main_window):
    page = _people_page(main_window)
    controller = page.people_controller
    pid = _select_name(page, "Lerato Mofokeng")
    answer_modal("Cancel")
    assert controller.switch_off() is False
    seen = answer_modal("Switch off")
    assert controller.switch_off() is True
    assert "Switch Lerato Mofokeng off?" in seen[0]
    with main_window.db.unit_of_work() as session:
        assert session.get(Person, pid).active is False
    assert page.current_id() == pid
    assert controller.on_button.isEnabled() and not controller.off_button.isEnabled()


def test_export_writes_what_is_held_about_the_person(main_window, tmp_path):
    page = _people_page(main_window)
    pid = _select_name(page, "Lerato Mofokeng")
    path = page.people_controller.export_data(str(tmp_path / "lerato.json"))
    data = json.loads((tmp_path / "lerato.json").read_text(encoding="utf-8"))
    assert path and data["person"]["id"] == pid
    assert data["person"]["full_name"] == "Lerato Mofokeng"
    assert [u["username"] for u in data["user_accounts"]] == ["secretariat"]


def test_only_an_administrator_is_offered_anonymise(main_window):
    page = _people_page(main_window)
    _select_name(page, "Lerato Mofokeng")
    button = page.people_controller.anonymise_button
    assert not button.isEnabled()
    assert button.toolTip() == "Only an administrator may anonymise a person"


def _focal_person(page) -> tuple[int, str]:
    keys = [c.key for c in page.model.columns]
    for row in range(page.model.rowCount()):
        values = page.model.row_values(row)
        if values[keys.index("role")] == "focal person":
            page.table.selectRow(row)
            return page.model.row_id(row), values[0]
    raise AssertionError("no focal person")


def test_anonymise_asks_twice_and_keeps_the_row(qtbot, admin_window):
    page = _people_page(admin_window)
    controller = page.people_controller
    pid, name = _focal_person(page)
    dialog = controller.anonymise()
    assert dialog.windowTitle() == f"Anonymise {name}"
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"Anonymising {name} cannot be undone." in texts
    # The first question needs a reason and the tick.
    assert not dialog.go_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "POPIA request by email 2026-11-20")
    assert not dialog.go_button.isEnabled()
    dialog.understood.setChecked(True)
    assert dialog.go_button.isEnabled()
    # Cancel at the second question: nothing changes.
    answer_modal("Cancel")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    with admin_window.db.unit_of_work() as session:
        assert session.get(Person, pid).full_name == name
    # Both answered: the row stays, anonymised.
    dialog = controller.anonymise()
    qtbot.keyClicks(dialog.reason_edit, "POPIA request by email 2026-11-20")
    dialog.understood.setChecked(True)
    seen = answer_modal("Anonymise")
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    assert "This cannot be undone." in seen[0]
    with admin_window.db.unit_of_work() as session:
        person = session.get(Person, pid)
        assert person.full_name == f"Anonymised person {pid}" and person.email is None
        reason = session.scalars(
            select(AuditEvent.reason).where(
                AuditEvent.entity == "person",
                AuditEvent.entity_id == pid,
                AuditEvent.action == "anonymise",
            )
        ).one()
    assert reason == "POPIA request by email 2026-11-20"
    assert page.current_id() == pid
    assert page.model.row_values(page.table.currentIndex().row())[0] == f"Anonymised person {pid}"
    assert not controller.anonymise_button.isEnabled()
    assert not controller.edit_button.isEnabled()


def test_the_people_list_filters_by_role_and_organisation(main_window):
    page = _people_page(main_window)
    controller = page.people_controller
    combo = controller.role_filter
    combo.setCurrentIndex(combo.findText("reviewer"))
    keys = [c.key for c in page.model.columns]
    shown = [page.model.row_values(r) for r in range(page.model.rowCount())]
    assert shown and all(v[keys.index("role")] == "reviewer" for v in shown)
    everyone = len(people_listing(main_window.db).rows)
    assert len(shown) < everyone
    orgs = controller.organisation_filter
    orgs.setCurrentIndex(orgs.findText("SACN"))
    combo.setCurrentIndex(0)
    shown = [page.model.row_values(r) for r in range(page.model.rowCount())]
    assert {v[0] for v in shown} >= {"Lerato Mofokeng", "Anél Coetzée", "Gerhard du Plessis"}
    assert all(v[keys.index("organisation")] == "SACN" for v in shown)


def test_a_person_saved_elsewhere_meanwhile_is_not_overwritten_unasked(qtbot, main_window):
    from datetime import datetime

    from usrg_desktop.workflows import Actor
    from usrg_desktop.workflows.directory import directory_people as people

    page = _people_page(main_window)
    pid = _select_name(page, "Lerato Mofokeng")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.people_controller.dialog
    # Another desk changes her phone number after this form opened.
    with main_window.db.unit_of_work() as session:
        fields = people.person_fields(session, pid)
        fields["phone"] = "+27 11 407 6000"
        people.save_person(
            session,
            person_id=pid,
            **fields,
            actor=Actor(None, "Sipho Mthembu", "secretariat"),
            now=datetime(2026, 11, 25, 9, 4),
        )
    dialog.title_edit.clear()
    qtbot.keyClicks(dialog.title_edit, "Head: Urban Safety")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "refused, the form stays open with what was typed"
    assert dialog.form_error.text().startswith(
        "Sipho Mthembu saved Lerato Mofokeng at 2026-11-25 11:04, after you opened it; nothing "
        "of yours was saved. Save again"
    )
    with main_window.db.unit_of_work() as session:
        person = session.get(Person, pid)
        assert (person.title, person.phone) != ("Head: Urban Safety", "+27 11 407 6000")
        assert person.phone == "+27 11 407 6000"
    # Saving again is a knowing choice: the form's values, the old phone number included.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.unit_of_work() as session:
        assert session.get(Person, pid).title == "Head: Urban Safety"


def test_the_person_form_sets_how_letters_address_them(qtbot, main_window):
    page = _people_page(main_window)
    pid = _select_name(page, "Lerato Mofokeng")
    dialog = page.people_controller.edit_person()
    qtbot.keyClicks(dialog.honorific_edit, "Ms")
    for n, line in enumerate(["PO Box 32160", "Braamfontein", "2017"]):
        if n:
            qtbot.keyClick(dialog.postal_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.postal_edit, line)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.unit_of_work() as session:
        person = session.get(Person, pid)
        assert (person.honorific, person.postal_address) == (
            "Ms",
            "PO Box 32160\nBraamfontein\n2017",
        )
    # Six lines do not fit an envelope's window: the sentence shows under the field.
    page = _people_page(main_window)
    _select_name(page, "Lerato Mofokeng")
    dialog = page.people_controller.edit_person()
    assert dialog.postal_edit.toPlainText() == "PO Box 32160\nBraamfontein\n2017"
    dialog.postal_edit.appendPlainText("Gauteng\nSouth Africa\nAfrica")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.errors["postal_address"].isVisible()
    assert dialog.errors["postal_address"].text().startswith("The postal address has 6 lines")
    assert dialog.focusWidget() is dialog.postal_edit
    dialog.postal_edit.setPlainText("PO Box 32160\nBraamfontein\n2017")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
