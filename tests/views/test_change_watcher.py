"""Another workstation's change reaches this window's lists and open screens within seconds.

The other workstation is a real `usrg` process on the same database (SQLite file or the
PostgreSQL server); this window watches with a short interval. A screen holding unsaved
typing keeps it and says what changed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QLineEdit

from usrg_desktop.views.applications_view import ApplicationScreen, open_application
from usrg_desktop.views.meeting_screen import MeetingScreen, open_meeting
from usrg_desktop.workflows.demo import DEMO_PASSWORD

WAIT_MS = 15_000


def other_workstation(db, *args: str, user: str) -> None:
    """Run `usrg` in its own process against the same database, as another desk would."""
    env = dict(os.environ, USRG_PASSWORD=DEMO_PASSWORD)
    done = subprocess.run(
        [sys.executable, "-m", "usrg_desktop.cli", "--database", db.url, "--user", user, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def watching_window(qtbot, any_demo_db, settings):
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.workflows.system.accounts import actor_named

    with any_demo_db.unit_of_work() as session:
        actor = actor_named(session, username="secretariat")
    window = MainWindow(any_demo_db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.watch_changes(interval_ms=100)
    return window


def test_a_move_made_elsewhere_reaches_the_list_and_the_open_screen(qtbot, watching_window):
    window = watching_window
    db = window.db
    app_id, reference = db.rows(
        "SELECT id, reference FROM applications WHERE state = 'submitted' "
        "ORDER BY reference LIMIT 1"
    )[0]
    page = window.show_page("Applications", 0)
    assert page.select_id(app_id)
    screen = open_application(window, app_id)
    assert isinstance(screen, ApplicationScreen)
    qtbot.waitExposed(screen)
    assert "submitted" in screen.facts_label.text()

    other_workstation(
        db, "applications", "move", reference, "--to", "screening", user="secretariat"
    )

    qtbot.waitUntil(lambda: "screening" in screen.facts_label.text(), timeout=WAIT_MS)
    row = page.model.row_of_id(app_id)
    shown = [page.model.index(row, c).data() for c in range(page.model.columnCount())]
    assert "screening" in [str(v).lower() for v in shown], shown
    assert page.current_id() == app_id, "the list kept the user's row"
    assert "just saved elsewhere by" in window.statusBar().currentMessage()


def test_a_screen_with_unsaved_typing_keeps_it_and_says_what_changed(qtbot, watching_window):
    window = watching_window
    db = window.db
    meeting_id, number = db.rows(
        "SELECT id, number FROM meetings WHERE status = 'planned' ORDER BY number LIMIT 1"
    )[0]
    screen = open_meeting(window, meeting_id)
    assert isinstance(screen, MeetingScreen)
    qtbot.waitExposed(screen)
    venue = screen.details.fields["venue"]
    assert isinstance(venue, QLineEdit)
    venue.setFocus()
    venue.selectAll()
    qtbot.keyClicks(venue, "Durban ICC, Hall 4")

    other_workstation(db, "meetings", "confirm", "--meeting", str(number), user="coordinator")

    qtbot.waitUntil(lambda: screen.status_label.text().startswith("Confirmed"), timeout=WAIT_MS)
    assert venue.text() == "Durban ICC, Hall 4", "what the user typed is still there"
    assert "changed this meeting at" in screen.details.saved_label.text()
    assert "Your unsaved details are kept" in screen.details.saved_label.text()


def test_own_changes_are_not_announced_as_someone_elses(qtbot, watching_window):
    window = watching_window
    announced: list = []
    window.change_watcher.changed.connect(announced.append)
    app_id = window.db.rows(
        "SELECT id FROM applications WHERE state = 'submitted' ORDER BY reference LIMIT 1"
    )[0][0]
    from usrg_desktop.views.operations import perform
    from usrg_desktop.workflows.grants import applications as wf
    from usrg_desktop.workflows.system.dates import utc_now

    done, _ = perform(
        window,
        window.db,
        wf.start_screening,
        application_id=app_id,
        actor=window.actor,
        now=utc_now(),
    )
    assert done
    window.data_changed("Applications")
    qtbot.wait(400)
    assert announced == []


def test_the_agenda_and_minutes_tabs_see_another_desks_changes(qtbot, watching_window):
    window = watching_window
    db = window.db
    meeting_id, number = db.rows(
        "SELECT id, number FROM meetings WHERE status = 'planned' ORDER BY number LIMIT 1"
    )[0]
    screen = open_meeting(window, meeting_id)
    qtbot.waitExposed(screen)
    screen.tabs.setCurrentIndex(0)
    agenda = screen.tab_widget("Agenda")
    screen.tabs.setCurrentIndex(2)
    minutes = screen.tab_widget("Minutes and actions")
    qtbot.waitUntil(lambda: agenda.agenda is not None and minutes.minute_rows != [])
    items_before = sum(len(d.items) for d in agenda.agenda.days)
    actions_before = len(minutes.actions)
    # Minutes being typed here stay while the other desk works.
    minutes.items_list.setCurrentRow(0)
    minutes.text_edit.setFocus()
    qtbot.keyClicks(minutes.text_edit, "Typed here, not saved.")

    other_workstation(
        db, "agenda", "add", "--meeting", str(number), "--day", "1", "--type", "presentation",
        "--title", "Safer cities data dashboard", "--minutes", "20", user="coordinator",
    )  # fmt: skip
    other_workstation(
        db, "actions", "add", "--meeting", str(number), "--description",
        "Share the dashboard with every city", "--owner", "SACN", user="coordinator",
    )  # fmt: skip

    qtbot.waitUntil(
        lambda: sum(len(d.items) for d in agenda.agenda.days) == items_before + 1,
        timeout=WAIT_MS,
    )
    titles = [i.title for d in agenda.agenda.days for i in d.items]
    assert "Safer cities data dashboard" in titles
    qtbot.waitUntil(lambda: len(minutes.actions) == actions_before + 1, timeout=WAIT_MS)
    assert minutes.text_edit.toPlainText().endswith("Typed here, not saved.")
    assert "changed this meeting at" in minutes.saved_label.text()
