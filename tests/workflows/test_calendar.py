"""A meeting's .ics file, parsed back with icalendar and checked field by field."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from usrg_desktop.domain.meetings import AgendaItem
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.meetings import meeting_plans as mp
from usrg_desktop.workflows.meetings.calendar import meeting_ics
from usrg_desktop.workflows.meetings.rotation import Quarter

NOW = datetime(2026, 11, 25, 10, 0)
LATER = datetime(2026, 12, 1, 7, 30)
COORDINATOR = Actor(None, "Anél Coetzée", "coordinator")
SAST = ZoneInfo("Africa/Johannesburg")
DETAILS = {
    "venue": "Durban ICC, 45 Bram Fischer Road, Durban",
    "day1_start": "09:00",
    "day1_end": "17:00",
    "day2_start": "08:30",
    "day2_end": "13:00",
    "exposure_site": "Warwick Junction",
    "exposure_purpose": "Informal traders and the inner-city safety partnership.",
    "exposure_transport": "Walk from the venue with the metro police.",
    "exposure_contact": "Nomvula Dlamini, +27 31 311 1111",
}


def plan(db) -> int:
    """eThekwini hosts 2027 Q1 on 16–17 February, with its details filled in."""
    with db.unit_of_work() as s:
        meeting_id = mp.accept_edited_proposal(
            s,
            quarter=Quarter(2027, 1),
            host_city_id=3,
            starts_on=date(2027, 2, 16),
            ends_on=date(2027, 2, 17),
            reason="eThekwini offered.",
            actor=COORDINATOR,
            now=NOW,
        )
        mp.update_meeting_details(s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW, **DETAILS)
    return meeting_id


def export(db, meeting_id: int, now: datetime = LATER) -> Calendar:
    with db.unit_of_work() as s:
        data = meeting_ics(s, meeting_id, now=now)
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_the_calendar_has_three_events_in_johannesburg_time(any_db):
    meeting_id = plan(any_db)
    cal = export(any_db, meeting_id)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]) == "-//South African Cities Network//USRG Desktop//EN"
    assert str(cal["method"]) == "PUBLISH"
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Africa/Johannesburg"
    (standard,) = zone.walk("STANDARD")
    assert standard.decoded("tzoffsetto") == timedelta(hours=2)

    found = events(cal)
    assert list(found) == [
        "usrg-meeting-id1-day1@sacities.net",
        "usrg-meeting-id1-day2@sacities.net",
        "usrg-meeting-id1-visit@sacities.net",
    ]
    day1 = found["usrg-meeting-id1-day1@sacities.net"]
    day2 = found["usrg-meeting-id1-day2@sacities.net"]
    visit = found["usrg-meeting-id1-visit@sacities.net"]
    for event in (day1, day2, visit):
        assert event["dtstart"].params["TZID"] == "Africa/Johannesburg"
        assert event["dtend"].params["TZID"] == "Africa/Johannesburg"
        assert event.decoded("dtstamp") == LATER.replace(tzinfo=UTC)
        assert int(event["sequence"]) == 1  # the details were edited once after planning
        assert str(event["status"]) == "TENTATIVE"
        assert "meeting 1 (2027 Q1)" in str(event["description"])
        assert "eThekwini Metropolitan Municipality" in str(event["description"])
    assert day1.decoded("dtstart") == datetime(2027, 2, 16, 9, 0, tzinfo=SAST)
    assert day1.decoded("dtend") == datetime(2027, 2, 16, 17, 0, tzinfo=SAST)
    assert day1.decoded("dtstart").astimezone(UTC).hour == 7
    assert day2.decoded("dtstart") == datetime(2027, 2, 17, 8, 30, tzinfo=SAST)
    assert day2.decoded("dtend") == datetime(2027, 2, 17, 13, 0, tzinfo=SAST)
    assert str(day1["summary"]) == "USRG meeting 1, day 1 (eThekwini)"
    assert str(day2["summary"]) == "USRG meeting 1, day 2 (eThekwini)"
    assert str(day1["location"]) == DETAILS["venue"]
    # Without an exposure visit on the agenda, the visit takes day 1's afternoon.
    assert visit.decoded("dtstart") == datetime(2027, 2, 16, 14, 0, tzinfo=SAST)
    assert visit.decoded("dtend") == datetime(2027, 2, 16, 17, 0, tzinfo=SAST)
    assert str(visit["summary"]) == "USRG meeting 1, exposure visit (eThekwini)"
    assert str(visit["location"]) == "Warwick Junction"
    text = str(visit["description"])
    for key in ("exposure_purpose", "exposure_transport", "exposure_contact"):
        assert DETAILS[key] in text


def test_the_visit_follows_the_agenda_of_day_1(any_db):
    meeting_id = plan(any_db)
    with any_db.unit_of_work() as s:
        for position, (kind, title, minutes) in enumerate(
            [
                ("welcome", "Welcome by eThekwini", 30),
                ("session", "City updates", 150),
                ("lunch", "Lunch", 45),
                ("exposure visit", "Warwick Junction", 195),
            ]
        ):
            s.add(
                AgendaItem(
                    meeting_id=meeting_id,
                    day=1,
                    position=position,
                    kind=kind,
                    title=title,
                    duration_minutes=minutes,
                )
            )
    visit = events(export(any_db, meeting_id))["usrg-meeting-id1-visit@sacities.net"]
    assert visit.decoded("dtstart") == datetime(2027, 2, 16, 12, 45, tzinfo=SAST)
    assert visit.decoded("dtend") == datetime(2027, 2, 16, 16, 0, tzinfo=SAST)


def test_uids_are_stable_and_the_sequence_goes_up_after_a_change(any_db):
    db = any_db
    meeting_id = plan(db)
    first = export(db, meeting_id)
    again = export(db, meeting_id)
    assert list(events(first)) == list(events(again))
    assert [int(e["sequence"]) for e in first.walk("VEVENT")] == [1, 1, 1]
    with db.unit_of_work() as s:
        mp.update_meeting_details(
            s,
            meeting_id=meeting_id,
            actor=COORDINATOR,
            now=LATER,
            **dict(DETAILS, day1_start=time(9, 30), venue="Moses Mabhida Stadium, Durban"),
        )
    moved = export(db, meeting_id)
    assert list(events(moved)) == list(events(first))
    assert [int(e["sequence"]) for e in moved.walk("VEVENT")] == [2, 2, 2]
    day1 = events(moved)["usrg-meeting-id1-day1@sacities.net"]
    assert day1.decoded("dtstart") == datetime(2027, 2, 16, 9, 30, tzinfo=SAST)
    assert str(day1["location"]) == "Moses Mabhida Stadium, Durban"
    with db.unit_of_work() as s:
        mp.confirm_meeting(s, meeting_id=meeting_id, actor=COORDINATOR, now=LATER)
    confirmed = export(db, meeting_id)
    assert {str(e["status"]) for e in confirmed.walk("VEVENT")} == {"CONFIRMED"}
    assert {int(e["sequence"]) for e in confirmed.walk("VEVENT")} == {3}


def test_a_cancelled_meeting_exports_cancelled_events(any_db):
    db = any_db
    meeting_id = plan(db)
    with db.unit_of_work() as s:
        mp.cancel_meeting(
            s, meeting_id=meeting_id, reason="The venue was flooded.", actor=COORDINATOR, now=NOW
        )
    cal = export(db, meeting_id)
    assert len(cal.walk("VEVENT")) == 3
    for event in cal.walk("VEVENT"):
        assert str(event["status"]) == "CANCELLED"
        assert int(event["sequence"]) == 2
        assert str(event["summary"]).startswith("Cancelled: USRG meeting 1")
        assert "The venue was flooded." in str(event["description"])
