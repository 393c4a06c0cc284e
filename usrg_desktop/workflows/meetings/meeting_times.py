"""When a meeting's days close and when its exposure visit is: one answer for every document.

The agenda handout, the pack's exposure-visit brief and the calendar file (.ics) all take the
times from here, so they never contradict each other. A day closes at its planned end, or
later when its agenda items run past it; the exposure visit is the time of the agenda's
exposure-visit item on day 1, or day 1's afternoon when the agenda has none.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.meetings import AgendaItem, AgendaItemKind

TZID = "Africa/Johannesburg"
# Without an exposure visit on the agenda, the visit takes day 1's afternoon.
DEFAULT_VISIT_START = time(14, 0)


class MeetingDays(Protocol):
    """What these times need of a meeting (the ORM row or workflows' MeetingDetails)."""

    id: int
    starts_on: date
    ends_on: date
    day1_start: time
    day1_end: time
    day2_start: time
    day2_end: time


def at(day: date, clock: time) -> datetime:
    """A local (Johannesburg) date and time."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(TZID))


def _durations(session: Session, meeting_id: int, day: int) -> list[tuple[str, int]]:
    return [
        (kind, int(minutes))
        for kind, minutes in session.execute(
            select(AgendaItem.kind, AgendaItem.duration_minutes)
            .where(AgendaItem.meeting_id == meeting_id, AgendaItem.day == day)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    ]


def day_window(session: Session, meeting: MeetingDays, day: int) -> tuple[datetime, datetime]:
    """A day's start and close: its planned end, or the end of its last item if that is later."""
    on = meeting.starts_on if day == 1 else meeting.ends_on
    start = at(on, meeting.day1_start if day == 1 else meeting.day2_start)
    planned = at(on, meeting.day1_end if day == 1 else meeting.day2_end)
    finish = start + timedelta(minutes=sum(m for _k, m in _durations(session, meeting.id, day)))
    return start, max(planned, finish)


def visit_window(session: Session, meeting: MeetingDays) -> tuple[datetime, datetime]:
    """The exposure visit's start and end, from day 1's agenda (or day 1's afternoon)."""
    start = at(meeting.starts_on, meeting.day1_start)
    for kind, minutes in _durations(session, meeting.id, 1):
        if kind == AgendaItemKind.EXPOSURE_VISIT.value:
            return start, start + timedelta(minutes=minutes)
        start += timedelta(minutes=minutes)
    end = at(meeting.starts_on, meeting.day1_end)
    begin = at(meeting.starts_on, DEFAULT_VISIT_START)
    if begin >= end:
        begin = end - timedelta(hours=2)
    return begin, end


def calendar_times(session: Session, meeting: MeetingDays) -> tuple[datetime, ...]:
    """Every time the .ics carries (both days' windows and the visit), to see if one moved."""
    return (
        *day_window(session, meeting, 1),
        *day_window(session, meeting, 2),
        *visit_window(session, meeting),
    )


def visit_in_words(start: datetime, end: datetime) -> str:
    """'Monday 15 February 2027, 13:00 to 16:30'."""
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M}"


def bump_if_calendar_moved(session: Session, meeting: MeetingDays, before: tuple) -> None:
    """Raise the meeting's .ics SEQUENCE when a change moved a time the calendar carries.

    `before` is `calendar_times` from before the change: an agenda that now runs past a day's
    end, or moves the exposure visit, sends calendars an update (SEQUENCE + 1) that follows it.
    """
    session.flush()
    if calendar_times(session, meeting) != before:
        meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
