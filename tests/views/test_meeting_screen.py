"""The meeting screen: opened from the list, status by clicking, cancel with a reason, details."""

from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QLabel

from tests.views.conftest import answer_modal
from usrg_desktop.views import operations
from usrg_desktop.views.meeting_screen import MeetingScreen
from usrg_desktop.workflows import Actor

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def signed_in(main_window, demo_db):
    """The main window, signed in as the demo's coordinator."""
    ((user_id, name),) = demo_db.rows(
        "SELECT id, display_name FROM users WHERE role = 'coordinator'"
    )
    main_window.actor = Actor(user_id, name, "coordinator")
    return main_window


def first_planned(db) -> tuple[int, int]:
    return db.rows(
        "SELECT id, number FROM meetings WHERE status = 'planned' ORDER BY number LIMIT 1"
    )[0]


def open_by_keyboard(qtbot, window, meeting_id: int) -> MeetingScreen:
    page = window.show_page("Meetings", 0)
    assert page.select_id(meeting_id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    screen = window.open_windows()[("meeting", meeting_id)]
    assert isinstance(screen, MeetingScreen)
    return screen


def status_of(db, meeting_id: int) -> tuple:
    return db.rows(
        "SELECT status, cancelled_reason, ics_sequence FROM meetings WHERE id = :i",
        {"i": meeting_id},
    )[0]


def test_enter_opens_the_meeting_with_its_header_and_tabs(qtbot, signed_in, demo_db):
    meeting_id, number = first_planned(demo_db)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    ((host, official, starts, venue),) = demo_db.rows(
        "SELECT c.short_name, c.official_name, m.starts_on, m.venue FROM meetings m "
        "JOIN cities c ON c.id = m.host_city_id WHERE m.id = :i",
        {"i": meeting_id},
    )
    assert screen.title.text().startswith(f"USRG meeting {number} — ")
    assert screen.host_label.text() == f"{host} ({official})"
    assert datetime.fromisoformat(starts).strftime("%a %d %b %Y") in screen.dates_label.text()
    assert screen.venue_label.text() == venue
    assert screen.status_label.text() == "Planned"
    assert screen.tabs.tabText(0).replace("&", "") == "Details"
    assert screen.details.fields["venue"].text() == venue
    assert screen.confirm_button.isEnabled() and not screen.held_button.isEnabled()
    # Asking again brings the same window forward.
    assert open_by_keyboard(qtbot, signed_in, meeting_id) is screen


def test_confirm_by_clicking_updates_the_screen_the_list_and_the_sequence(
    qtbot, signed_in, demo_db
):
    meeting_id, number = first_planned(demo_db)
    sequence = status_of(demo_db, meeting_id)[2]
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    qtbot.mouseClick(screen.confirm_button, LEFT)
    assert status_of(demo_db, meeting_id) == ("confirmed", "", sequence + 1)
    assert screen.status_label.text() == "Confirmed"
    assert not screen.confirm_button.isEnabled() and screen.held_button.isEnabled()
    page = signed_in.pages("Meetings")[0]
    row = next(r for r in page.model.visible_rows() if r[0] == number)
    assert row[-1] == "confirmed"
    # Held before its first day is refused with the sentence, and nothing changes.
    qtbot.mouseClick(screen.held_button, LEFT)
    box = operations.last_refusal[0]
    assert box is not None and "cannot be marked held before then" in box.text()
    box.close()
    assert status_of(demo_db, meeting_id)[0] == "confirmed"


def test_cancel_asks_a_reason_then_confirms(qtbot, signed_in, demo_db):
    meeting_id, number = first_planned(demo_db)
    before = status_of(demo_db, meeting_id)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    qtbot.mouseClick(screen.cancel_button, LEFT)
    dialog = screen.dialog
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == f"Give a reason to cancel meeting {number}."
    assert status_of(demo_db, meeting_id) == before
    qtbot.keyClicks(dialog.reason, "The venue was flooded.")
    # Saying no to the question keeps the meeting.
    asked = answer_modal("Cancel")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert asked and asked[0].startswith(f"Cancel meeting {number} (")
    assert status_of(demo_db, meeting_id) == before
    answer_modal("Cancel the meeting")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    assert status_of(demo_db, meeting_id) == ("cancelled", "The venue was flooded.", before[2] + 1)
    assert screen.status_label.text() == "Cancelled: The venue was flooded."
    assert not any(
        b.isEnabled() for b in (screen.confirm_button, screen.held_button, screen.cancel_button)
    )
    assert not screen.details.save_button.isEnabled()


def test_details_show_refusals_next_to_the_fields_and_save(qtbot, signed_in, demo_db):
    meeting_id, _number = first_planned(demo_db)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    details = screen.details
    before = demo_db.rows("SELECT * FROM meetings WHERE id = :i", {"i": meeting_id})
    details.fields["day2_end"].setTime(QTime(8, 0))
    qtbot.mouseClick(details.save_button, LEFT)
    assert details.errors["day2_end"].isVisible()
    assert details.errors["day2_end"].text() == "Day 2 must end after it starts (08:30)."
    assert not details.errors["venue"].isVisible()
    assert demo_db.rows("SELECT * FROM meetings WHERE id = :i", {"i": meeting_id}) == before
    details.fields["day2_end"].setTime(QTime(12, 30))
    details.fields["venue"].clear()
    qtbot.keyClicks(details.fields["venue"], "Sandton Convention Centre")
    qtbot.mouseClick(details.save_button, LEFT)
    assert not details.errors["day2_end"].isVisible()
    assert details.saved_label.text() == "Saved."
    assert demo_db.rows(
        "SELECT venue, day2_end FROM meetings WHERE id = :i", {"i": meeting_id}
    ) == [("Sandton Convention Centre", "12:30:00.000000")]
    assert screen.venue_label.text() == "Sandton Convention Centre"


def test_calendar_file_from_the_screen_parses_back(qtbot, signed_in, demo_db, tmp_path):
    meeting_id, _number = first_planned(demo_db)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    written = screen.export_calendar(tmp_path / "meeting.ics")
    cal = Calendar.from_ical(written.read_bytes())
    assert [str(e["uid"]) for e in cal.walk("VEVENT")] == [
        f"usrg-meeting-id{meeting_id}-{part}@sacities.net" for part in ("day1", "day2", "visit")
    ]


class ProbeTab(QLabel):
    """A tab registered by the test: it records that it was built, and for which meeting."""

    built: list[int] = []

    def __init__(self, window, meeting_id: int) -> None:
        super().__init__(f"Probe of meeting {meeting_id}")
        ProbeTab.built.append(meeting_id)


def broken_tab(window, meeting_id: int):
    """A tab whose module is missing (a broken installation, say)."""
    import importlib

    return importlib.import_module("usrg_desktop.views.no_such_screen").Nothing(window, meeting_id)


def test_registered_tabs_build_when_first_shown_and_a_broken_one_says_so(
    qtbot, signed_in, demo_db, monkeypatch
):
    from usrg_desktop.views import meeting_tabs

    monkeypatch.setattr(
        meeting_tabs,
        "MEETING_TABS",
        (("Probe", ProbeTab), ("Broken", broken_tab)),
    )
    ProbeTab.built.clear()
    meeting_id, _number = first_planned(demo_db)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == [
        "&Details",
        "Probe",
        "Broken",
    ]
    assert ProbeTab.built == []  # not built until shown
    qtbot.mouseClick(screen.tabs.tabBar(), LEFT, pos=screen.tabs.tabBar().tabRect(1).center())
    assert ProbeTab.built == [meeting_id]
    assert screen.tab_widget("Probe").text() == f"Probe of meeting {meeting_id}"
    screen.tabs.setCurrentIndex(0)
    screen.tabs.setCurrentIndex(1)
    assert ProbeTab.built == [meeting_id]  # built once
    broken = screen.tab_widget("Broken")
    assert broken.text().startswith("The broken tab could not be shown: No module named")
    assert screen.tab_errors and screen.tab_errors[0].startswith("Broken: ")


def test_move_shows_a_holiday_next_to_the_day_then_moves(qtbot, signed_in, demo_db):
    meeting_id, number = demo_db.rows(
        "SELECT id, number FROM meetings WHERE status = 'planned' AND year = 2027 AND quarter = 2"
    )[0]
    before = status_of(demo_db, meeting_id)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    qtbot.mouseClick(screen.move_button, LEFT)
    dialog = screen.dialog
    dialog.day1.setDate(QDate(2027, 4, 27))  # Freedom Day, a Tuesday
    assert dialog.day2.date() == QDate(2027, 4, 28)
    assert dialog.errors["starts_on"].isVisible()
    assert dialog.errors["starts_on"].text() == (
        "Day 1 cannot be used: Tue 27 Apr 2027 is Freedom Day."
    )
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible() and dialog.errors["reason"].isVisible()
    assert demo_db.rows("SELECT starts_on FROM meetings WHERE id = :i", {"i": meeting_id}) != [
        ("2027-04-27",)
    ]
    dialog.day1.setDate(QDate(2027, 5, 25))
    qtbot.keyClicks(dialog.reason, "The host's budget vote moved.")
    assert not dialog.errors["starts_on"].isVisible()
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    assert demo_db.rows(
        "SELECT starts_on, ends_on, ics_sequence FROM meetings WHERE id = :i", {"i": meeting_id}
    ) == [("2027-05-25", "2027-05-26", before[2] + 1)]
    assert "Tue 25 May 2027" in screen.dates_label.text()
    page = signed_in.pages("Meetings")[0]
    assert next(r for r in page.model.visible_rows() if r[0] == number)[3] == "2027-05-25"


def test_details_saved_over_another_workstations_save_ask_first(qtbot, signed_in, demo_db):
    from usrg_desktop.workflows import EditConflict
    from usrg_desktop.workflows.meetings import meeting_plans as mp

    meeting_id, _number = first_planned(demo_db)
    screen = open_by_keyboard(qtbot, signed_in, meeting_id)
    details = screen.details
    # Another workstation saves the exposure site after this screen opened.
    other = Actor(None, "Sipho Mthembu", "coordinator")
    with demo_db.unit_of_work() as s:
        shown = mp.meeting_details(s, meeting_id=meeting_id)
        values = {key: getattr(shown, key) for key in details.values()}
        values["exposure_site"] = "Diepsloot safety hub"
        mp.update_meeting_details(
            s,
            meeting_id=meeting_id,
            actor=other,
            now=datetime(2026, 11, 25, 9, 4),
            seen_version=shown.version,
            **values,
        )
    details.fields["venue"].clear()
    qtbot.keyClicks(details.fields["venue"], "Sandton Convention Centre")
    qtbot.mouseClick(details.save_button, LEFT)
    said = details.saved_label.text()
    assert said.startswith(f"Sipho Mthembu saved meeting {_number} ("), said
    assert said.endswith(
        ") at 2026-11-25 11:04, after you opened it; nothing of yours was saved. "
        "Save again to keep yours, or close without saving to see theirs."
    ), said
    site_now = demo_db.rows("SELECT exposure_site FROM meetings WHERE id = :i", {"i": meeting_id})
    assert site_now == [("Diepsloot safety hub",)]
    assert details.fields["venue"].text() == "Sandton Convention Centre", "nothing typed is lost"
    # The second Save is a knowing choice: it writes what is on screen.
    qtbot.mouseClick(details.save_button, LEFT)
    assert details.saved_label.text() == "Saved."
    venue, site = demo_db.rows(
        "SELECT venue, exposure_site FROM meetings WHERE id = :i", {"i": meeting_id}
    )[0]
    assert venue == "Sandton Convention Centre"
    assert site == shown.exposure_site, "saving over theirs is what the screen showed"
    # The same refusal from the workflow, on a form opened before any of this.
    with pytest.raises(EditConflict), demo_db.unit_of_work() as s:
        mp.update_meeting_details(
            s,
            meeting_id=meeting_id,
            actor=other,
            now=datetime(2026, 11, 25, 9, 10),
            seen_version=shown.version,
            **{**values, "venue": "Somewhere else"},
        )
