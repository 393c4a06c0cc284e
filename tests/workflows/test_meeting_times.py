"""One source for a meeting's times: the agenda, the pack's brief and the .ics agree.

An agenda that runs past a day's planned end closes the day at its real end on paper and in
the calendar file, whose SEQUENCE goes up so that calendars take the update.
"""

from __future__ import annotations

from datetime import date, datetime

from icalendar import Calendar

from tests.workflows.test_calendar import COORDINATOR, NOW, SAST, plan
from usrg_desktop.workflows.meetings.agenda import add_agenda_item, remove_agenda_item
from usrg_desktop.workflows.meetings.calendar import meeting_ics
from usrg_desktop.workflows.meetings.meeting_pack import meeting_pack_data

TODAY = date(2026, 11, 25)


def ics(db, meeting_id: int) -> dict[str, object]:
    with db.unit_of_work() as s:
        cal = Calendar.from_ical(meeting_ics(s, meeting_id, now=NOW))
    return {str(e["uid"]).split("-")[-1].split("@")[0]: e for e in cal.walk("VEVENT")}


def add(db, meeting_id: int, day: int, kind: str, title: str, minutes: int) -> int:
    with db.unit_of_work() as s:
        return add_agenda_item(
            s,
            meeting_id=meeting_id,
            actor=COORDINATOR,
            now=NOW,
            day=day,
            kind=kind,
            title=title,
            duration_minutes=minutes,
        )


def pack(db, meeting_id: int):
    with db.unit_of_work() as s:
        return meeting_pack_data(s, meeting_id=meeting_id, today=TODAY, with_annexes=False)


def test_an_overrunning_day_two_moves_the_close_on_paper_and_in_the_calendar(any_db):
    meeting_id = plan(any_db)  # day 2: 08:30 to 13:00
    add(any_db, meeting_id, 2, "session", "Recap", 60)
    before = ics(any_db, meeting_id)
    sequence = int(before["day2"]["sequence"])
    add(any_db, meeting_id, 2, "presentation", "Thematic session", 180)  # to 12:30: inside
    assert int(ics(any_db, meeting_id)["day2"]["sequence"]) == sequence
    overrun = add(any_db, meeting_id, 2, "discussion", "Working groups", 90)  # to 14:00

    after = ics(any_db, meeting_id)
    assert after["day2"].decoded("dtend") == datetime(2027, 2, 17, 14, 0, tzinfo=SAST)
    assert {int(e["sequence"]) for e in after.values()} == {sequence + 1}
    data = pack(any_db, meeting_id)
    assert data.day_ends[2] == "14:00" and data.day_planned_ends == {2: "13:00"}

    with any_db.unit_of_work() as s:
        remove_agenda_item(s, item_id=overrun, actor=COORDINATOR, now=NOW)
    back = ics(any_db, meeting_id)
    assert back["day2"].decoded("dtend") == datetime(2027, 2, 17, 13, 0, tzinfo=SAST)
    assert int(back["day2"]["sequence"]) == sequence + 2
    data = pack(any_db, meeting_id)
    assert data.day_ends[2] == "13:00" and data.day_planned_ends == {}


def test_the_brief_and_the_calendar_give_the_visit_the_agenda_s_time(any_db):
    meeting_id = plan(any_db)  # day 1 from 09:00
    add(any_db, meeting_id, 1, "welcome", "Welcome", 30)
    add(any_db, meeting_id, 1, "session", "City updates", 150)
    sequence = int(ics(any_db, meeting_id)["visit"]["sequence"])
    add(any_db, meeting_id, 1, "exposure visit", "Warwick Junction", 195)  # 12:00 to 15:15
    visit = ics(any_db, meeting_id)["visit"]
    assert visit.decoded("dtstart") == datetime(2027, 2, 16, 12, 0, tzinfo=SAST)
    assert visit.decoded("dtend") == datetime(2027, 2, 16, 15, 15, tzinfo=SAST)
    assert int(visit["sequence"]) == sequence + 1  # the visit moved off the default afternoon
    data = pack(any_db, meeting_id)
    assert data.exposure_when == "Tuesday 16 February 2027, 12:00 to 15:15"
    assert [i.starts for i in data.agenda if i.kind == "exposure visit"] == ["12:00"]
