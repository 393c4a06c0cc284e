"""Nothing typed is lost: closing a screen (or the program) with unsaved changes asks Save /
Discard / Cancel, the same way in every editor (views/unsaved.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from shiboken6 import isValid

from tests.views.conftest import answer_modal
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
    assert "The meeting's details (venue, times, exposure visit) is not saved." in asked
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
    assert "The minutes being typed is not saved." in asked
    assert not demo_db.rows("SELECT 1 FROM minutes WHERE text LIKE '%Zebra 4711%'")


def test_quitting_the_program_asks_for_an_open_screen_then_quits(qtbot, coordinator, demo_db):
    meeting_id = planned_meeting(demo_db)
    screen = open_meeting(coordinator, meeting_id)
    type_venue_then_visit_other_tabs(qtbot, screen, "Nelson Mandela Bay, Gqeberha")
    answer_modal("Save")
    coordinator.close()  # File ▸ Quit
    qtbot.waitUntil(lambda: gone(coordinator))
    assert venue_of(demo_db, meeting_id) == "Nelson Mandela Bay, Gqeberha"
