"""A planned meeting's life: confirmed, held, cancelled or moved, and its details (venue,
times, the exposure visit) edited, each raising its calendar SEQUENCE when the calendar file
changes. The rules are described in `meeting_plans.py`."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.meetings import Meeting
from ...domain.meetings import MeetingStatus as MS
from .. import Actor, FieldErrors, WorkflowError, by_whom, check_version, take_turn
from ..system.audit_trail import changed_keys
from .meeting_proposals import MEETING_NUMBERS, plan_problems, renumber_by_date
from .meeting_records import DETAIL_LIMITS, TIME_FIELDS, _audit, _check_role, _meeting, _name
from .rotation import (
    Quarter,
)

# -- status ---------------------------------------------------------------------------------------
_MOVES = {
    "confirm": ({MS.PLANNED}, MS.CONFIRMED),
    "mark_held": ({MS.CONFIRMED}, MS.HELD),
    "cancel": ({MS.PLANNED, MS.CONFIRMED}, MS.CANCELLED),
}


def _move(
    session: Session, meeting_id: int, action: str, actor: Actor, now: datetime, reason: str = ""
) -> Meeting:
    sources, target = _MOVES[action]
    _check_role(actor, f"{action.replace('_', ' ')} a meeting")
    meeting = _meeting(session, meeting_id)
    if MS(meeting.status) not in sources:
        who = by_whom(session, entity="meeting", entity_id=meeting.id, to_state=meeting.status)
        raise WorkflowError(
            f"{_name(meeting)} is {meeting.status}{who}, so it cannot be {target.value} now."
        )
    source = meeting.status
    meeting.status = target.value
    meeting.updated_at = now
    _audit(
        session,
        entity="meeting",
        entity_id=meeting.id,
        action=action,
        actor=actor,
        now=now,
        source=source,
        target=target.value,
        reason=reason,
    )
    session.flush()
    return meeting


def confirm_meeting(session: Session, *, meeting_id: int, actor: Actor, now: datetime) -> str:
    """Planned → confirmed: host, dates and venue are agreed (calendars show it as confirmed)."""
    meeting = _move(session, meeting_id, "confirm", actor, now)
    meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
    return meeting.status


def mark_meeting_held(session: Session, *, meeting_id: int, actor: Actor, now: datetime) -> str:
    """Confirmed → held, once its first day has come."""
    meeting = _meeting(session, meeting_id)
    if meeting.status == MS.CONFIRMED.value and south_african_day(now) < meeting.starts_on:
        raise WorkflowError(
            f"{_name(meeting)} starts on {meeting.starts_on:%d %b %Y}; it cannot be marked held "
            "before then."
        )
    return _move(session, meeting_id, "mark_held", actor, now).status


def cancel_meeting(
    session: Session, *, meeting_id: int, reason: str, actor: Actor, now: datetime
) -> str:
    """Planned or confirmed → cancelled, with the reason (calendars remove the events)."""
    if not reason.strip():
        meeting = _meeting(session, meeting_id)
        raise WorkflowError(f"Give a reason to cancel {_name(meeting, start=False)}.")
    meeting = _move(session, meeting_id, "cancel", actor, now, reason)
    meeting.cancelled_reason = reason.strip()
    meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
    return meeting.status


def move_meeting(
    session: Session,
    *,
    meeting_id: int,
    starts_on: date | None,
    ends_on: date | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> bool:
    """Move a planned or confirmed meeting to other days of its quarter, with a reason.

    The same checks as planning (its own days do not count as taken); refused field by field.
    Returns False (and writes nothing) when the days are the same.
    """
    _check_role(actor, "move a meeting")
    take_turn(session, MEETING_NUMBERS)
    meeting = _meeting(session, meeting_id)
    if meeting.status not in (MS.PLANNED.value, MS.CONFIRMED.value):
        who = by_whom(session, entity="meeting", entity_id=meeting.id, to_state=meeting.status)
        raise WorkflowError(f"{_name(meeting)} is {meeting.status}{who}; it cannot be moved.")
    if (starts_on, ends_on) == (meeting.starts_on, meeting.ends_on):
        return False
    problems = plan_problems(
        session,
        quarter=Quarter(meeting.year, meeting.quarter),
        host_city_id=meeting.host_city_id,
        starts_on=starts_on,
        ends_on=ends_on,
        today=south_african_day(now),
        excluding=meeting.id,
    )
    if not reason.strip():
        problems["reason"] = f"Say why {_name(meeting, start=False)} is moved."
    if problems:
        raise FieldErrors(problems)
    assert starts_on is not None and ends_on is not None
    detail = f"{meeting.starts_on} and {meeting.ends_on} → {starts_on} and {ends_on}"
    meeting.starts_on, meeting.ends_on = starts_on, ends_on
    meeting.updated_at = now
    meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
    _audit(
        session,
        entity="meeting",
        entity_id=meeting.id,
        action="move",
        actor=actor,
        now=now,
        reason=reason,
        detail=detail,
    )
    session.flush()
    renumber_by_date(session, subject_id=meeting.id, actor=actor, now=now)
    return True


# -- details --------------------------------------------------------------------------------------
def _as_time(value: time | str | None, label: str, problems: dict[str, str], key: str) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = (value or "").strip()
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        problems[key] = f"{label} must be a time like 09:00."
        return time(0, 0)


def update_meeting_details(
    session: Session,
    *,
    meeting_id: int,
    actor: Actor,
    now: datetime,
    venue: str,
    day1_start: time | str,
    day1_end: time | str,
    day2_start: time | str,
    day2_end: time | str,
    exposure_site: str,
    exposure_purpose: str,
    exposure_transport: str,
    exposure_contact: str,
    seen_version: int | None = None,
) -> list[str]:
    """Save the venue, the days' times and the exposure visit; returns the fields changed.

    Refused with one sentence per field for a time that is not a time, a day that ends before
    it starts, or a text that is too long; a held or cancelled meeting cannot be edited.
    Nothing changed → nothing written (no audit record, the SEQUENCE stays). `seen_version`
    is the version the form opened: when someone saved the details since, EditConflict.
    """
    _check_role(actor, "edit a meeting")
    meeting = _meeting(session, meeting_id)
    if meeting.status in (MS.HELD.value, MS.CANCELLED.value):
        raise WorkflowError(
            f"{_name(meeting)} is {meeting.status}; its details can no longer change."
        )
    problems: dict[str, str] = {}
    texts = {
        "venue": venue,
        "exposure_site": exposure_site,
        "exposure_purpose": exposure_purpose,
        "exposure_transport": exposure_transport,
        "exposure_contact": exposure_contact,
    }
    values: dict[str, object] = {}
    for key, text in texts.items():
        label, limit = DETAIL_LIMITS[key]
        clean = (text or "").strip()
        if len(clean) > limit:
            problems[key] = f"{label} is {len(clean)} characters long; the most is {limit}."
        values[key] = clean
    raw = {
        "day1_start": day1_start,
        "day1_end": day1_end,
        "day2_start": day2_start,
        "day2_end": day2_end,
    }
    times = {key: _as_time(value, TIME_FIELDS[key], problems, key) for key, value in raw.items()}
    values.update(times)
    for day in (1, 2):
        start_key, end_key = f"day{day}_start", f"day{day}_end"
        if start_key in problems or end_key in problems:
            continue
        if times[end_key] <= times[start_key]:
            problems[end_key] = f"Day {day} must end after it starts ({times[start_key]:%H:%M})."
    if problems:
        raise FieldErrors(problems)
    changed = changed_keys(meeting, values)
    if not changed:
        return []
    check_version(
        session, meeting, seen=seen_version, entity="meeting", name=_name(meeting, start=False)
    )
    before = {key: getattr(meeting, key) for key in changed}
    for key in changed:
        setattr(meeting, key, values[key])
    meeting.updated_at = now
    meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
    _audit(
        session,
        entity="meeting",
        entity_id=meeting.id,
        action="edit_details",
        actor=actor,
        now=now,
        detail="; ".join(f"{key}: {_show(before[key])} → {_show(values[key])}" for key in changed),
    )
    session.flush()
    return changed


def _show(value: object) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = str(value or "")
    return text if len(text) <= 60 else text[:57] + "…"
