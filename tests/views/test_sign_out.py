"""File ▸ Sign out / switch user…: screens close (asking about unsaved work), someone else
signs in and the lists follow their role; Cancel at the sign-in ends the program."""

from __future__ import annotations

from PySide6.QtCore import Qt
from shiboken6 import isValid

from tests.views.conftest import answer_modal
from usrg_desktop.views.meeting_screen import open_meeting
from usrg_desktop.workflows.demo import DEMO_PASSWORD


def test_switch_user_saves_on_request_then_signs_the_next_person_in(qtbot, main_window, demo_db):
    meeting_id = demo_db.rows(
        "SELECT id FROM meetings WHERE status = 'planned' ORDER BY number LIMIT 1"
    )[0][0]
    screen = open_meeting(main_window, meeting_id)
    screen.details.fields["venue"].selectAll()
    qtbot.keyClicks(screen.details.fields["venue"], "eThekwini City Hall")
    users_before = main_window.pages("Administration")[0]
    asked = answer_modal("Save")
    main_window.command_actions["sign_out"].trigger()
    qtbot.waitUntil(lambda: main_window.sign_in_dialog is not None)
    assert asked == ["Not saved yet: the meeting's details (venue, times, exposure visit)."]
    assert demo_db.rows("SELECT venue FROM meetings WHERE id = :i", {"i": meeting_id}) == [
        ("eThekwini City Hall",)
    ]
    assert not isValid(screen) or not screen.isVisible()
    dialog = main_window.sign_in_dialog
    assert main_window.actor is None and main_window.user_label.text() == "Signed out"
    dialog.username.setText("admin")
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main_window.actor is not None)
    assert main_window.actor.role == "administrator"
    assert main_window.user_label.text().endswith("(administrator)")
    # The lists were built afresh for the administrator: New user… is enabled now.
    users = main_window.show_page("Administration", 0)
    assert users is not users_before
    assert users.findChild(type(users.export_button), "action_Newuser").isEnabled()


def test_cancel_at_the_sign_in_ends_the_program(qtbot, main_window):
    main_window.command_actions["sign_out"].trigger()
    dialog = main_window.sign_in_dialog
    assert dialog is not None
    dialog.reject()
    qtbot.waitUntil(lambda: not main_window.isVisible())
    assert main_window.actor is None
