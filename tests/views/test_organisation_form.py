"""Directory ▸ Cities and Bodies: typing an organisation in, sentences under wrong fields,
Rename… with its history, Merge into… with its question, Switch off / on."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.views.conftest import answer_modal
from usrg_desktop.domain.directory import Body, City, OrganisationName, Person
from usrg_desktop.workflows.directory import organisations as org
from usrg_desktop.workflows.directory.listings import body_listing


def _page(window, tab: int):
    return window.show_page("Directory", tab)


def _select(page, name: str) -> int:
    for row in range(page.model.rowCount()):
        if page.model.row_values(row)[0] == name:
            page.table.selectRow(row)
            return page.model.row_id(row)
    raise AssertionError(f"{name} is not in the list")


def test_a_new_body_is_typed_in_and_saved(qtbot, main_window):
    page = _page(main_window, 2)
    controller = page.organisations_controller
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = controller.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "New body"
    # The form fits the screen it is laid out for.
    assert dialog.sizeHint().height() <= 700 and dialog.sizeHint().width() <= 1300
    assert dialog.focusWidget() is dialog.official_edit
    qtbot.keyClicks(dialog.official_edit, "Violence Prevention through Urban Upgrading")
    qtbot.keyClick(dialog.official_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.short_edit  # Tab goes down the form
    qtbot.keyClicks(dialog.focusWidget(), "VPUU")
    assert dialog.sentence_edit.placeholderText() == "VPUU"
    qtbot.keyClicks(dialog.body_kind_combo.lineEdit(), "NGO")
    qtbot.keyClicks(dialog.role_edit, "works with the City of Cape Town on safety")
    qtbot.keyClicks(dialog.postal_edit, "PO Box 123")
    qtbot.keyClick(dialog.postal_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.postal_edit, "Observatory 7935")
    qtbot.keyClicks(dialog.switchboard_edit, "021 447 1000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.reading() as s:
        body = s.get(Body, dialog.saved_id)
        assert (body.short_name, body.kind, body.switchboard) == ("VPUU", "NGO", "021 447 1000")
        assert body.postal_address == "PO Box 123\nObservatory 7935"
        assert body.name_in_sentence == "VPUU"
    assert page.current_id() == dialog.saved_id
    assert "VPUU" in [row[0] for row in body_listing(main_window.db).rows]


def test_wrong_fields_say_why_under_each_and_nothing_is_saved(qtbot, main_window):
    page = _page(main_window, 1)
    dialog = page.organisations_controller.new_organisation()
    before = main_window.db.rows("SELECT COUNT(*) FROM cities")[0][0]
    qtbot.keyClicks(dialog.official_edit, "Polokwane Local Municipality")
    qtbot.keyClicks(dialog.short_edit, "Msunduzi")
    qtbot.keyClicks(dialog.code_edit, "EKU")
    qtbot.keyClicks(dialog.switchboard_edit, "ring the mayor")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert (
        dialog.errors["short_name"].text()
        == "The short name 'Msunduzi' is already used by Msunduzi."
    )
    assert (
        dialog.errors["municipal_code"].text() == "The municipal code EKU is already Ekurhuleni's."
    )
    assert dialog.errors["province"].text() == "Choose the province the city is in."
    assert dialog.errors["seat"].isVisible()
    assert dialog.errors["switchboard"].text().startswith("The switchboard 'ring the mayor'")
    assert not dialog.errors["official_name"].isVisible()
    assert dialog.focusWidget() is dialog.short_edit  # the first wrong field
    assert main_window.db.rows("SELECT COUNT(*) FROM cities")[0][0] == before
    dialog.short_edit.setText("Polokwane")
    dialog.code_edit.setText("LIM354")
    dialog.switchboard_edit.setText("015 290 2000")
    dialog.province_combo.setCurrentIndex(dialog.province_combo.findData("Limpopo"))
    qtbot.keyClicks(dialog.seat_edit, "Polokwane")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.reading() as s:
        city = s.get(City, dialog.saved_id)
        assert (city.short_name, city.municipal_code, city.province) == (
            "Polokwane",
            "LIM354",
            "Limpopo",
        )
        assert city.name_in_sentence == "the Polokwane Local Municipality"


def test_edit_then_rename_keeps_the_old_name_on_the_screen(qtbot, main_window):
    page = _page(main_window, 1)
    city_id = _select(page, "Ekurhuleni")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.organisations_controller.dialog
    assert dialog is not None and dialog.org_id == city_id
    assert dialog.official_edit.isReadOnly()
    assert dialog.past_names.rowCount() == 0
    qtbot.keyClicks(dialog.switchboard_edit, "011 999 0000")
    rename = dialog.open_rename()
    rename.official_edit.setText("City of Ekurhuleni Metro")
    rename.short_edit.setText("Ekurhuleni Metro")
    qtbot.mouseClick(rename.save_button, Qt.MouseButton.LeftButton)
    assert not rename.isVisible()
    assert dialog.short_edit.text() == "Ekurhuleni Metro"
    assert dialog.past_names.rowCount() == 1
    assert dialog.past_names.item(0, 2).text() == "City of Ekurhuleni Metropolitan Municipality"
    assert dialog.past_names.item(0, 0).text() == "the start"
    # The switchboard typed before the rename is still in the form, and is saved.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.reading() as s:
        city = s.get(City, city_id)
        assert (city.short_name, city.switchboard) == ("Ekurhuleni Metro", "011 999 0000")
        assert city.name_in_sentence == "the City of Ekurhuleni Metro"
        assert len(org.past_names(s, "city", city_id)) == 1


def test_a_rename_to_a_name_in_use_is_refused_under_the_field(qtbot, main_window):
    page = _page(main_window, 2)
    body_id = _select(page, "DSD")
    rename = page.organisations_controller.rename()
    rename.short_edit.setText("SALGA")
    qtbot.mouseClick(rename.save_button, Qt.MouseButton.LeftButton)
    assert rename.isVisible()
    assert rename.errors["short_name"].text() == "The short name 'SALGA' is already used by SALGA."
    rename.reject()
    with main_window.db.reading() as s:
        assert s.get(Body, body_id).short_name == "DSD"
        assert s.query(OrganisationName).count() == 0


def test_merge_into_asks_naming_both_and_what_moves_then_moves_it(qtbot, main_window):
    page = _page(main_window, 1)
    source = _select(page, "Buffalo City")
    with main_window.db.reading() as s:
        people = s.query(Person).filter(Person.city_id == source).count()
    controller = page.organisations_controller
    dialog = controller.merge_into()
    assert dialog is not None
    index = dialog.target_combo.findText("Nelson Mandela Bay")
    assert dialog.target_combo.findText("Buffalo City") == -1
    dialog.target_combo.setCurrentIndex(index)
    asked = answer_modal("Merge")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked[0].startswith(
        "Merge Buffalo City (Buffalo City Metropolitan Municipality) into Nelson Mandela Bay"
    )
    assert f"{people} people" in asked[0]
    with main_window.db.reading() as s:
        assert s.query(Person).filter(Person.city_id == source).count() == 0
        assert s.get(City, source).active is False


def test_switch_off_asks_first_and_switch_on_again(qtbot, main_window):
    page = _page(main_window, 2)
    body_id = _select(page, "CSPS")
    controller = page.organisations_controller
    assert controller.off_button.isEnabled() and not controller.on_button.isEnabled()
    asked = answer_modal("Cancel")
    assert controller.switch_off() is False
    assert "no longer offered" in asked[0]
    asked = answer_modal("Switch off")
    assert controller.switch_off() is True
    with main_window.db.reading() as s:
        assert s.get(Body, body_id).active is False
    _select(page, "CSPS")
    assert controller.on_button.isEnabled() and not controller.off_button.isEnabled()
    answer_modal("Switch on")
    assert controller.switch_on() is True
    with main_window.db.reading() as s:
        assert s.get(Body, body_id).active is True


def test_a_person_form_no_longer_offers_a_switched_off_city(qtbot, main_window):
    page = _page(main_window, 1)
    _select(page, "Msunduzi")
    answer_modal("Switch off")
    assert page.organisations_controller.switch_off()
    people_page = _page(main_window, 0)
    dialog = people_page.people_controller.new_person()
    assert dialog.organisation_combo.findText("Msunduzi Local Municipality") == -1
    assert dialog.organisation_combo.findText("eThekwini Metropolitan Municipality") > 0
    dialog.reject()


def test_saving_over_another_workstations_save_is_refused_then_kept_on_purpose(qtbot, main_window):
    page = _page(main_window, 2)
    body_id = _select(page, "SALGA")
    dialog = page.organisations_controller.edit_organisation()
    # Another workstation saves SALGA's switchboard while this form is open.
    with main_window.db.unit_of_work() as s:
        values = org.organisation_fields(s, "body", body_id)
        values.pop("seen_version")
        values["switchboard"] = "012 369 8000"
        org.save_organisation(
            s, kind="body", org_id=body_id, values=values, actor=main_window.actor, now=_now()
        )
    qtbot.keyClicks(dialog.switchboard_edit, "012 369 8001")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.form_error.text().startswith("Lerato Mofokeng saved SALGA at ")
    assert "Save again to keep what is in this form" in dialog.form_error.text()
    with main_window.db.reading() as s:
        assert s.get(Body, body_id).switchboard == "012 369 8000"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with main_window.db.reading() as s:
        assert s.get(Body, body_id).switchboard == "012 369 8001"


def _now():
    from usrg_desktop.clock import utc_now

    return utc_now()
