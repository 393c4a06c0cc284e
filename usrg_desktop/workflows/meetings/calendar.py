"""A meeting's calendar file (iCalendar, RFC 5545): its two days and the exposure visit.

Times are local South African times with TZID Africa/Johannesburg and the VTIMEZONE that
defines it. Each event's UID is derived from the meeting's database id (not its number, which
follows the dates and may change while the meeting is planned) and the part (day 1, day 2,
visit), so a new export replaces the earlier one in people's calendars, and SEQUENCE is the
meeting's `ics_sequence`, which goes up whenever the meeting changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy.orm import Session

from ...domain.meetings import Meeting, MeetingStatus
from .meeting_plans import MeetingDetails, meeting_details
from .meeting_times import TZID, day_window, visit_window

UID_DOMAIN = "sacities.net"
PRODID = "-//South African Cities Network//USRG Desktop//EN"
ORGANIZER = "mailto:urbansafety@sacities.net"

_STATUS = {
    MeetingStatus.PLANNED.value: "TENTATIVE",
    MeetingStatus.CONFIRMED.value: "CONFIRMED",
    MeetingStatus.HELD.value: "CONFIRMED",
    MeetingStatus.CANCELLED.value: "CANCELLED",
}


def event_uid(meeting_id: int, part: str) -> str:
    """The stable UID of one part ('day1', 'day2', 'visit') of the meeting with this id."""
    return f"usrg-meeting-id{meeting_id}-{part}@{UID_DOMAIN}"


def _event(
    meeting: MeetingDetails,
    part: str,
    summary: str,
    start: datetime,
    end: datetime,
    location: str,
    description: str,
    stamp: datetime,
) -> Event:
    event = Event()
    event.add("uid", event_uid(meeting.id, part))
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.ics_sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", _STATUS.get(meeting.status, "TENTATIVE"))
    organizer = vCalAddress(ORGANIZER)
    organizer.params["cn"] = vText("South African Cities Network (USRG secretariat)")
    event.add("organizer", organizer)
    return event


def meeting_ics(session: Session, meeting_id: int, *, now: datetime) -> bytes:
    """The .ics file of a meeting: day 1 (full day), day 2 (morning) and the exposure visit.

    `now` (naive UTC, as stored, or aware) is the file's DTSTAMP.
    """
    meeting = meeting_details(session, meeting_id=meeting_id)
    stamp = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    venue = meeting.venue or f"{meeting.host_official_name} (venue to be confirmed)"
    about = (
        f"Urban Safety Reference Group quarterly meeting {meeting.number} "
        f"({meeting.quarter.label}), hosted by {meeting.host_official_name}. "
        "Convened by the South African Cities Network."
    )
    if meeting.status == MeetingStatus.CANCELLED.value:
        about = f"CANCELLED: {meeting.cancelled_reason}\n\n{about}"
    visit_lines = [
        f"Site: {meeting.exposure_site or 'to be confirmed'}",
        *([f"Purpose: {meeting.exposure_purpose}"] if meeting.exposure_purpose else []),
        *([f"Transport: {meeting.exposure_transport}"] if meeting.exposure_transport else []),
        *([f"Contact: {meeting.exposure_contact}"] if meeting.exposure_contact else []),
    ]
    prefix = "Cancelled: " if meeting.status == MeetingStatus.CANCELLED.value else ""
    title = f"{prefix}USRG meeting {meeting.number}"

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"USRG meeting {meeting.number}")
    cal.add("x-wr-timezone", TZID)
    cal.add_component(
        _event(
            meeting,
            "day1",
            f"{title}, day 1 ({meeting.host})",
            *day_window(session, meeting, 1),
            venue,
            f"{about}\n\nDay 1 of 2: the full day, with the exposure visit in the afternoon.",
            stamp,
        )
    )
    cal.add_component(
        _event(
            meeting,
            "day2",
            f"{title}, day 2 ({meeting.host})",
            *day_window(session, meeting, 2),
            venue,
            f"{about}\n\nDay 2 of 2: the morning session.",
            stamp,
        )
    )
    visit_start, visit_end = visit_window(session, meeting)
    cal.add_component(
        _event(
            meeting,
            "visit",
            f"{title}, exposure visit ({meeting.host})",
            visit_start,
            visit_end,
            meeting.exposure_site or venue,
            f"{about}\n\nExposure visit in {meeting.host}.\n" + "\n".join(visit_lines),
            stamp,
        )
    )
    # The VTIMEZONE of Africa/Johannesburg, built by icalendar from the zoneinfo database.
    cal.add_missing_timezones(first_date=date(meeting.starts_on.year - 1, 1, 1))
    return cal.to_ical()


def meeting_ics_file_name(session: Session, meeting_id: int) -> str:
    """A file name for a meeting's calendar file: 'usrg-meeting-51-2027Q1.ics'."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return "usrg-meeting.ics"
    return f"usrg-meeting-{meeting.number}-{meeting.year}Q{meeting.quarter}.ics"
