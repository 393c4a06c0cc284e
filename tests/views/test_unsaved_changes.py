"""Nothing typed is lost: closing a screen (or the program) with unsaved changes asks Save /
Discard / Cancel, the same way in every editor (views/unsaved.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from shiboken6 import isValid

from tests.views.conftest import answer_modal
from usrg_desktop.views import letters_view as lv
from usrg_desktop.views.meeting_screen import MeetingScreen, open_meeting
from usrg_desktop.workflows import Actor

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def coordinator(main_window, demo_db):
    ((user_id, name),) = demo_db.rows(
        "SELECT id, display_name FROM users WHERE role = 'coordinator'"
    )
    main_window.actor = Actor(user_id, name, "coordinator")
    return main_window


def gone(widget) -> bool:
    """Closed (and, for a screen, deleted)."""
    return not isValid(widget) or not widget.isVisible()


def planned_meeting(db) -> int:
    return db.rows("SELECT id FROM meetings WHERE status = 'planned' ORDER BY number LIMIT 1")[0][0]


def venue_of(db, meeting_id: int) -> str:
    return db.rows("SELECT venue FROM meetings WHERE id = :i", {"i": meeting_id})[0][0]


def type_venue_then_visit_other_tabs(qtbot, screen: MeetingScreen, venue: str) -> None:
    edit = screen.details.fields["venue"]
    edit.selectAll()
    qtbot.keyClicks(edit, venue)
    screen.tabs.setCurrentIndex(1)  # the agenda
    screen.tabs.setCurrentIndex(3)  # the minutes


def close_with_ctrl_w(qtbot, screen: MeetingScreen) -> None:
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    qtbot.keyClick(screen.tabs, Qt.Key.Key_W, CTRL)


def test_meeting_venue_typed_then_closed_asks_and_save_keeps_it(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    screen = open_meeting(coordinator, meeting_id)
    type_venue_then_visit_other_tabs(qtbot, screen, "Msunduzi City Hall, Pietermaritzburg")
    asked = answer_modal("Save")
    close_with_ctrl_w(qtbot, screen)
    qtbot.waitUntil(lambda: gone(screen))
    assert asked == ["Not saved yet: the meeting's details (venue, times, exposure visit)."]
    assert venue_of(demo_db, meeting_id) == "Msunduzi City Hall, Pietermaritzburg"
    again = open_meeting(coordinator, meeting_id)
    assert again is not screen
    assert again.details.fields["venue"].text() == "Msunduzi City Hall, Pietermaritzburg"


def test_meeting_closed_with_discard_keeps_the_stored_venue(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    before = venue_of(demo_db, meeting_id)
    screen = open_meeting(coordinator, meeting_id)
    type_venue_then_visit_other_tabs(qtbot, screen, "Somewhere else")
    answer_modal("Discard")
    screen.close()
    qtbot.waitUntil(lambda: gone(screen))
    assert venue_of(demo_db, meeting_id) == before
    assert open_meeting(coordinator, meeting_id).details.fields["venue"].text() == before


def test_meeting_close_cancelled_goes_back_to_the_typing(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    before = venue_of(demo_db, meeting_id)
    screen = open_meeting(coordinator, meeting_id)
    type_venue_then_visit_other_tabs(qtbot, screen, "Still typing")
    asked = answer_modal("Cancel")
    screen.close()
    qtbot.waitUntil(lambda: bool(asked))
    assert screen.isVisible()
    assert screen.details.fields["venue"].text() == "Still typing"
    assert venue_of(demo_db, meeting_id) == before


def test_minutes_discarded_on_close_are_not_saved_behind_the_users_back(
    qtbot, coordinator, demo_db
):
    meeting_id = planned_meeting(demo_db)
    screen = open_meeting(coordinator, meeting_id)
    screen.tabs.setCurrentIndex(3)
    panel = screen.tab_widget("Minutes and actions")
    panel.items_list.setCurrentRow(0)
    qtbot.keyClicks(panel.text_edit, "Apologies noted: Zebra 4711.")
    asked = answer_modal("Discard")
    screen.close()
    qtbot.waitUntil(lambda: gone(screen))
    assert asked == ["Not saved yet: the minutes being typed."]
    assert not demo_db.rows("SELECT 1 FROM minutes WHERE text LIKE '%Zebra 4711%'")


def test_quitting_the_program_asks_for_an_open_screen_then_quits(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    screen = open_meeting(coordinator, meeting_id)
    type_venue_then_visit_other_tabs(qtbot, screen, "Nelson Mandela Bay, Gqeberha")
    answer_modal("Save")
    coordinator.close()  # File ▸ Quit
    qtbot.waitUntil(lambda: gone(coordinator))
    assert venue_of(demo_db, meeting_id) == "Nelson Mandela Bay, Gqeberha"


# -- letterhead and letter templates ---------------------------------------------------------------
def as_role(window, db, username: str, role: str):
    user_id = db.rows("SELECT id FROM users WHERE username = :u", {"u": username})[0][0]
    window.actor = Actor(user_id, username, role)
    return window


def active_letterhead_name(db) -> str:
    return db.rows("SELECT name FROM letterheads WHERE active")[0][0]


@pytest.mark.parametrize("answer", ["Save", "Discard"])
def test_letterhead_edits_closed_ask_and_save_or_discard(qtbot, main_window, demo_db, answer):
    window = as_role(main_window, demo_db, "admin", "administrator")
    before = active_letterhead_name(demo_db)
    editor = lv.letterhead(window)
    qtbot.waitExposed(editor)
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "SACN Urban Safety Reference Group, Civic Centre")
    asked = answer_modal(answer)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.name, Qt.Key.Key_Escape)  # Escape closes the window, asking first
    qtbot.waitUntil(lambda: gone(editor))
    assert asked == ["Not saved yet: the letterhead."]
    expected = "SACN Urban Safety Reference Group, Civic Centre" if answer == "Save" else before
    assert active_letterhead_name(demo_db) == expected
    again = lv.letterhead(window)
    assert again.name.text() == expected
    again.close()  # nothing typed: closes without a question
    qtbot.waitUntil(lambda: gone(again))


def test_letterhead_seen_by_a_secretariat_member_closes_without_a_question(
    qtbot, main_window, demo_db
):
    window = as_role(main_window, demo_db, "secretariat", "secretariat")
    editor = lv.letterhead(window)
    qtbot.keyClicks(editor.name, " (typed, but only an administrator may save)")
    editor.close()
    qtbot.waitUntil(lambda: gone(editor))


def test_template_typed_then_another_kind_asks_and_cancel_stays(qtbot, main_window, demo_db):
    window = as_role(main_window, demo_db, "secretariat", "secretariat")
    editor = lv.letter_templates(window)
    qtbot.waitExposed(editor)
    editor.kind_box.setCurrentIndex(editor.kind_box.findData("decline"))
    qtbot.keyClicks(editor.body, " Typed before switching.")
    asked = answer_modal("Cancel")
    editor.kind_box.setCurrentIndex(editor.kind_box.findData("award"))
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == ["Not saved yet: the decline letter template."]
    assert editor.kind() == "decline"
    assert "Typed before switching." in editor.body.toPlainText()
    # Save, then the other kind is shown and the decline text is the newest version.
    answer_modal("Save")
    editor.kind_box.setCurrentIndex(editor.kind_box.findData("award"))
    qtbot.waitUntil(lambda: editor.kind() == "award" and not editor.is_dirty())
    ((body,),) = demo_db.rows(
        "SELECT body FROM letter_templates WHERE kind = 'decline' ORDER BY version DESC LIMIT 1"
    )
    assert "Typed before switching." in body


# -- round and person forms ----------------------------------------------------------------------
def test_new_round_typed_then_escape_asks_cancel_stays_discard_closes(qtbot, main_window, demo_db):
    window = as_role(main_window, demo_db, "secretariat", "secretariat")
    page = window.show_page("Rounds", 0)
    rounds_before = demo_db.rows("SELECT COUNT(*) FROM rounds")[0][0]
    qtbot.mouseClick(page.rounds_controller.new_button, Qt.MouseButton.LeftButton)
    dialog = page.rounds_controller.dialog
    qtbot.keyClicks(dialog.name_edit, "Innovation Fund 2027 Round 1")
    asked = answer_modal("Cancel")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == ["Not saved yet: the new round."]
    assert dialog.isVisible() and dialog.name_edit.text() == "Innovation Fund 2027 Round 1"
    answer_modal("Discard")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert demo_db.rows("SELECT COUNT(*) FROM rounds")[0][0] == rounds_before


def test_new_round_untouched_closes_on_escape_without_a_question(qtbot, main_window, demo_db):
    window = as_role(main_window, demo_db, "secretariat", "secretariat")
    page = window.show_page("Rounds", 0)
    qtbot.mouseClick(page.rounds_controller.new_button, Qt.MouseButton.LeftButton)
    dialog = page.rounds_controller.dialog
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_person_edited_then_closed_with_save_keeps_the_change(qtbot, main_window, demo_db):
    window = as_role(main_window, demo_db, "secretariat", "secretariat")
    page = window.show_page("Directory", 0)
    ((person_id,),) = demo_db.rows("SELECT id FROM people WHERE full_name = 'Lerato Mofokeng'")
    assert page.select_id(person_id)
    page.people_controller.edit_person()
    dialog = page.people_controller.dialog
    dialog.phone_edit.clear()
    qtbot.keyClicks(dialog.phone_edit, "+27 11 407 6471")
    asked = answer_modal("Save")
    dialog.close()  # the title bar's ×
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert asked == ["Not saved yet: the changes to this person."]
    assert demo_db.rows("SELECT phone FROM people WHERE id = :i", {"i": person_id}) == [
        ("+27 11 407 6471",)
    ]


# -- agenda item, action item, rubric ---------------------------------------------------------
def test_agenda_item_typed_then_escape_and_save_adds_it(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    screen = open_meeting(coordinator, meeting_id)
    screen.tabs.setCurrentIndex(1)
    editor = screen.tab_widget("Agenda")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    dialog = editor.item_dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title_edit, "Report back from Msunduzi")
    asked = answer_modal("Save")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert asked == ["Not saved yet: the new agenda item."]
    assert demo_db.rows(
        "SELECT COUNT(*) FROM agenda_items WHERE meeting_id = :m AND title = :t",
        {"m": meeting_id, "t": "Report back from Msunduzi"},
    ) == [(1,)]


def test_action_item_typed_then_cancel_button_and_discard_adds_nothing(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    screen = open_meeting(coordinator, meeting_id)
    screen.tabs.setCurrentIndex(3)
    panel = screen.tab_widget("Minutes and actions")
    panel.add_action()
    dialog = panel.action_dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.description_edit, "Circulate the Zebra 4712 report")
    asked = answer_modal("Discard")
    dialog.reject()  # the Cancel button
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert asked == ["Not saved yet: the new action item."]
    assert not demo_db.rows("SELECT 1 FROM action_items WHERE description LIKE '%Zebra 4712%'")


def test_rubric_changed_then_another_round_asks_and_cancel_keeps_it(qtbot, main_window):
    from tests.views.test_rubric_editor import _editor, _new_round
    from usrg_desktop.views.rubric_editor import COL_WEIGHT

    round_id = _new_round(main_window.db)
    dialog = _editor(qtbot, main_window)
    dialog.round_combo.setCurrentIndex(dialog.round_combo.findData(round_id))
    assert not dialog.has_unsaved_changes()
    dialog.criteria.item(0, COL_WEIGHT).setText("30")
    asked = answer_modal("Cancel")
    dialog.round_combo.setCurrentIndex(0 if dialog.round_combo.currentIndex() else 1)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked == ["Not saved yet: the changes to the criteria."]
    assert dialog.round_combo.currentData() == round_id
    assert dialog.criteria.item(0, COL_WEIGHT).text() == "30"
    # Discard: the other round is shown, and this one's rubric is as it was.
    answer_modal("Discard")
    dialog.round_combo.setCurrentIndex(0 if dialog.round_combo.currentIndex() else 1)
    qtbot.waitUntil(lambda: dialog.round_combo.currentData() != round_id)
    dialog.round_combo.setCurrentIndex(dialog.round_combo.findData(round_id))
    assert dialog.criteria.item(0, COL_WEIGHT).text() != "30"


def test_ranking_closed_with_tried_decisions_asks_and_discard_records_nothing(
    qtbot, main_window, demo_db
):
    main_window.command_actions["open_ranking"].trigger()
    screen = main_window.open_windows()[("ranking",)]
    qtbot.waitExposed(screen)
    first = next(r.candidate for r in screen.rows if r.candidate.state == "reviewed")
    screen.set_tentative(first.application_id, "decline", notes="Not feasible in the time")
    asked = answer_modal("Discard")
    screen.close()
    qtbot.waitUntil(lambda: gone(screen))
    assert asked == ["Not saved yet: 1 tried decision (not recorded)."]
    assert demo_db.rows(
        "SELECT state FROM applications WHERE id = :i", {"i": first.application_id}
    ) == [("reviewed",)]


def test_a_screening_note_typed_then_window_closed_asks_and_save_keeps_it(
    qtbot, main_window, demo_db
):
    from usrg_desktop.views.applications_view import ApplicationScreen

    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'screening' ORDER BY id")[0][0]
    screen = main_window.open_window(
        ("application", app_id), lambda: ApplicationScreen(main_window, app_id)
    )
    screen.tabs.setCurrentWidget(screen.screening_tab)
    item = screen.screening_tab.items[-1]
    note = screen.screening_tab.notes[item.check_id]
    note.setFocus()
    qtbot.keyClicks(note, "Letter of support from the Msunduzi head of safety is unsigned")
    asked = answer_modal("Save")
    screen.close()  # the field was never left: its editingFinished did not save it
    qtbot.waitUntil(lambda: gone(screen))
    assert asked == ["Not saved yet: a screening note."]
    assert demo_db.rows(
        "SELECT note FROM screening_results WHERE application_id = :a AND check_id = :c",
        {"a": app_id, "c": item.check_id},
    ) == [("Letter of support from the Msunduzi head of safety is unsigned",)]


# -- every other form: what it held when shown is compared (GuardedDialog's default) ----------
def _screen_with_a_tranche_due(qtbot, main_window, demo_db):
    """An award's screen with its first tranche due and selected: an awarded application's
    agreement is recorded as signed, as the user does, so the first tranche falls due."""
    from tests.views.test_awards_view import award_in_state, click_ok, open_screen

    screen = open_screen(qtbot, main_window, award_in_state(demo_db, "awarded"))
    qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    click_ok(qtbot, screen.dialog)
    screen.tranches.selectRow(0)
    assert screen.pay_button.isEnabled()
    return screen


def test_a_payment_reference_typed_then_escape_asks_and_save_records_it(
    qtbot, main_window, demo_db
):
    from PySide6.QtWidgets import QLineEdit

    screen = _screen_with_a_tranche_due(qtbot, main_window, demo_db)
    qtbot.mouseClick(screen.pay_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "reference"), "EFT 2026/2201")
    asked = answer_modal("Save")
    dialog.reject()  # Close, or Escape
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert asked == ["Not saved yet: “Record payment — Tranche 1 (on signature)”."]
    assert (
        "reference EFT 2026/2201"
        in demo_db.rows(
            "SELECT detail FROM audit_events WHERE action = 'pay_tranche' ORDER BY id DESC LIMIT 1"
        )[0][0]
    )


def test_an_untouched_form_closes_without_a_question(qtbot, main_window, demo_db):
    screen = _screen_with_a_tranche_due(qtbot, main_window, demo_db)
    qtbot.mouseClick(screen.pay_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    qtbot.waitExposed(dialog)
    dialog.reject()
    assert not dialog.isVisible()
