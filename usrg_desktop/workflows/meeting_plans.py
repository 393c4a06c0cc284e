"""Planning meetings: accepting, editing or rejecting host proposals, and a meeting's life.

A coordinator (or the secretariat, or an administrator) turns a rotation proposal into a
planned meeting, as proposed or with another host or other dates (with a reason), or rejects
it. The rules a plan must keep are the rotation's own (`workflows/rotation.py`): two
consecutive weekdays in the quarter, never on a South African public holiday, in a blackout
period or on a day another meeting uses; an active member city that is not unavailable on
those days and did not host the quarter before (or hosts the quarter after).

A rejected proposal means the proposed city will not host that quarter. In the rotation's
model that is a `HostUnavailability` for the city over the quarter, with the rejection's
reason: the next proposals then skip the city for that quarter, record the skip as a deferral
and keep its turn, so it is proposed again for the following quarter if it is still the one
that has gone longest without hosting. (To keep the host but move the dates, accept with
edits instead.) Rejecting writes that period and its audit record, nothing else.

A meeting then moves planned → confirmed → held, or to cancelled with a reason. Its details
(venue, the days' times, the exposure visit) can be edited until it is held or cancelled.
Every change that changes its calendar file (dates, times, venue, the visit, its status)
raises the meeting's iCalendar SEQUENCE, so calendars replace the earlier invitation. Each
action writes an audit record (entity "meeting") in the same transaction.

Meeting numbers follow the dates. A new meeting takes the next free number, then whenever a
meeting is planned or moved the planned meetings share out their numbers again in date order
(so accepting 2027 Q3 before 2027 Q2 still gives Q2 the lower number). The numbers of
confirmed, held and cancelled meetings never change (people have them in minutes, letters
and calendars); a cancelled meeting keeps its number and it is not used again. If keeping the
numbers in date order would need a confirmed or held meeting's number to change (a meeting
planned before a confirmed one), the plan is refused with a sentence and nothing is written.
A renumbered meeting's SEQUENCE goes up (its calendar title changes) and its audit record says
"renumber". Calendar UIDs use the meeting's id, not its number, so they never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import south_african_day
from ..domain.accounts import Role
from ..domain.directory import City
from ..domain.meetings import BlackoutPeriod, HostUnavailability, HostVolunteer, Meeting
from ..domain.meetings import MeetingStatus as MS
from . import (
    Actor,
    Column,
    FieldErrors,
    Listing,
    PermissionDenied,
    WorkflowError,
    by_whom,
    check_version,
    get_for_update,
    take_turn,
)
from .audit_trail import audit
from .rotation import (
    DEFAULT_BLACKOUTS,
    Blackout,
    Hosting,
    Proposal,
    Quarter,
    RotationCity,
    Unavailability,
    Volunteer,
    _day_problem,
    propose_hosts,
)

PLANNERS = frozenset({Role.COORDINATOR, Role.SECRETARIAT, Role.ADMINISTRATOR})

# Text fields of a meeting's details and their longest allowed length (the columns' sizes).
DETAIL_LIMITS = {
    "venue": ("Venue", 300),
    "exposure_site": ("Exposure visit site", 300),
    "exposure_purpose": ("Exposure visit purpose", 4000),
    "exposure_transport": ("Exposure visit transport", 4000),
    "exposure_contact": ("Exposure visit contact", 300),
}
TIME_FIELDS = {
    "day1_start": "Day 1 start",
    "day1_end": "Day 1 end",
    "day2_start": "Day 2 start",
    "day2_end": "Day 2 end",
}


@dataclass(frozen=True)
class MeetingDetails:
    """A meeting as its screen shows it: plain values, no ORM object."""

    id: int
    number: int
    quarter: Quarter
    host_city_id: int
    host: str
    host_official_name: str
    starts_on: date
    ends_on: date
    day1_start: time
    day1_end: time
    day2_start: time
    day2_end: time
    venue: str
    status: str
    cancelled_reason: str
    exposure_site: str
    exposure_purpose: str
    exposure_transport: str
    exposure_contact: str
    ics_sequence: int
    version: int = 1  # of the details, as the details form opened them

    @property
    def title(self) -> str:
        """'USRG meeting 51 (2027 Q1), eThekwini'."""
        return f"USRG meeting {self.number} ({self.quarter.label}), {self.host}"


# -- loading --------------------------------------------------------------------------------------
def _check_role(actor: Actor, doing: str) -> None:
    if actor.role not in PLANNERS:
        raise PermissionDenied(
            f"Only a meetings coordinator, the secretariat or an administrator may {doing}."
        )


def _cities(session: Session) -> list[RotationCity]:
    return [
        RotationCity(c.id, c.short_name, c.official_name, bool(c.active), c.id)
        for c in session.scalars(select(City).order_by(City.id))
    ]


def _history(session: Session, *, excluding: int | None = None) -> list[Hosting]:
    query = select(Meeting).where(Meeting.status != MS.CANCELLED.value)
    if excluding is not None:
        query = query.where(Meeting.id != excluding)
    return [
        Hosting(m.host_city_id, Quarter(m.year, m.quarter), m.starts_on, m.ends_on)
        for m in session.scalars(query.order_by(Meeting.year, Meeting.quarter, Meeting.starts_on))
    ]


def _unavailability(session: Session) -> list[Unavailability]:
    return [
        Unavailability(u.city_id, u.starts_on, u.ends_on, u.reason or "")
        for u in session.scalars(select(HostUnavailability).order_by(HostUnavailability.id))
    ]


def _blackouts(session: Session) -> list[Blackout]:
    rows = session.scalars(select(BlackoutPeriod).order_by(BlackoutPeriod.id)).all()
    if not rows:
        return list(DEFAULT_BLACKOUTS)
    return [Blackout(b.label, (b.start_month, b.start_day), (b.end_month, b.end_day)) for b in rows]


def proposals(session: Session, *, start: Quarter, quarters: int) -> list[Proposal]:
    """The rotation's proposals for `quarters` quarters from `start`, as the session sees them."""
    volunteers = [
        Volunteer(v.city_id, Quarter(v.year, v.quarter))
        for v in session.scalars(select(HostVolunteer))
    ]
    return propose_hosts(
        _history(session),
        volunteers,
        _unavailability(session),
        start,
        quarters,
        cities=_cities(session),
        blackouts=_blackouts(session),
    )


def proposal_for(session: Session, *, quarter: Quarter, today: date) -> Proposal:
    """The proposal for one quarter, as the list of proposals from next quarter shows it."""
    first = min(quarter, Quarter.of(today).next())
    count = 1
    walk = first
    while walk < quarter:
        walk = walk.next()
        count += 1
    return proposals(session, start=first, quarters=count)[-1]


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = get_for_update(session, Meeting, meeting_id)
    if meeting is None:
        raise WorkflowError(f"There is no meeting with id {meeting_id}.")
    return meeting


def meeting_id_for_number(session: Session, *, number: int) -> int:
    """The database id of the meeting with this number, or a sentence saying there is none."""
    found = session.scalar(select(Meeting.id).where(Meeting.number == number))
    if found is None:
        raise WorkflowError(f"There is no meeting number {number}.")
    return found


def meeting_details(session: Session, *, meeting_id: int) -> MeetingDetails:
    """One meeting's details as plain values, for its screen and its calendar file."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise WorkflowError(f"There is no meeting with id {meeting_id}.")
    city = session.get(City, meeting.host_city_id)
    assert city is not None
    return MeetingDetails(
        meeting.id,
        meeting.number,
        Quarter(meeting.year, meeting.quarter),
        city.id,
        city.short_name,
        city.official_name,
        meeting.starts_on,
        meeting.ends_on,
        meeting.day1_start,
        meeting.day1_end,
        meeting.day2_start,
        meeting.day2_end,
        meeting.venue or "",
        meeting.status,
        meeting.cancelled_reason or "",
        meeting.exposure_site or "",
        meeting.exposure_purpose or "",
        meeting.exposure_transport or "",
        meeting.exposure_contact or "",
        meeting.ics_sequence or 0,
        meeting.version,
    )


def _audit(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    action: str,
    actor: Actor,
    now: datetime,
    source: str | None = None,
    target: str | None = None,
    reason: str = "",
    detail: str = "",
) -> None:
    audit(
        session,
        actor=actor,
        now=now,
        entity=entity,
        entity_id=entity_id,
        action=action,
        from_state=source,
        to_state=target,
        reason=reason.strip(),
        detail=detail,
    )


# -- checks of a plan -----------------------------------------------------------------------------
def _city_by_id(session: Session, city_id: int | None) -> City | None:
    return session.get(City, city_id) if city_id is not None else None


def plan_problems(
    session: Session,
    *,
    quarter: Quarter,
    host_city_id: int | None,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
    excluding: int | None = None,
) -> dict[str, str]:
    """What is wrong with hosting `quarter` in this city on these days, one sentence per field.

    Fields: "quarter", "host", "starts_on", "ends_on". `excluding` is a meeting whose own days
    and quarter do not count (the meeting being moved).
    """
    problems: dict[str, str] = {}
    history = _history(session, excluding=excluding)
    planned = {h.quarter: h for h in history}
    if quarter in planned:
        other = session.get(City, planned[quarter].city_id)
        problems["quarter"] = (
            f"{quarter.label} already has a meeting (hosted by "
            f"{other.short_name if other else 'another city'}); cancel it first to plan another."
        )
    # Host: an active member city, not unavailable, not the host of the next-door quarters.
    city = _city_by_id(session, host_city_id)
    if host_city_id is None:
        problems["host"] = "Choose the host city."
    elif city is None:
        problems["host"] = "The host city is not a member city."
    elif not city.active:
        problems["host"] = f"{city.short_name} is not an active member city, so it cannot host."
    else:
        before = [h for h in history if h.quarter < quarter]
        after = [h for h in history if h.quarter > quarter]
        previous = max(before, key=lambda h: h.quarter, default=None)
        following = min(after, key=lambda h: h.quarter, default=None)
        if previous is not None and previous.city_id == city.id:
            problems["host"] = (
                f"{city.short_name} hosts {previous.quarter.label}, the meeting before; "
                "a city never hosts twice in a row."
            )
        elif following is not None and following.city_id == city.id:
            problems["host"] = (
                f"{city.short_name} hosts {following.quarter.label}, the meeting after; "
                "a city never hosts twice in a row."
            )
        elif starts_on is not None:
            last = ends_on or starts_on
            for period in _unavailability(session):
                if period.city_id == city.id and period.overlaps(starts_on, last):
                    why = f" ({period.reason})" if period.reason else ""
                    problems["host"] = (
                        f"{city.short_name} is unavailable from {period.starts_on:%d %b %Y} to "
                        f"{period.ends_on:%d %b %Y}{why}."
                    )
                    break
    # Dates: two consecutive weekdays in the quarter, free of holidays, blackouts, meetings.
    taken = frozenset(d for h in history for d in (h.starts_on, h.ends_on) if d)
    blackouts = _blackouts(session)
    for key, label, day in (("starts_on", "Day 1", starts_on), ("ends_on", "Day 2", ends_on)):
        if day is None:
            problems[key] = f"{label} needs a date."
        elif day < today:
            problems[key] = f"{label} ({day:%d %b %Y}) is in the past."
        elif Quarter.of(day) != quarter:
            problems[key] = f"{label} ({day:%d %b %Y}) is not in {quarter.label}."
        else:
            trouble = _day_problem(day, blackouts, taken)
            if trouble:
                problems[key] = f"{label} cannot be used: {trouble}."
    if (
        starts_on is not None
        and ends_on is not None
        and "ends_on" not in problems
        and ends_on != starts_on + timedelta(days=1)
    ):
        problems["ends_on"] = (
            f"Day 2 must be the day after day 1 ({starts_on + timedelta(days=1):%a %d %b %Y}):"
            " the meeting is on two consecutive weekdays."
        )
    return problems


def _next_number(session: Session) -> int:
    return (session.scalar(select(func.max(Meeting.number))) or 0) + 1


def _misordered(order: list[Meeting], numbers: dict[int, int]) -> set[tuple[int, int]]:
    """Pairs (earlier id, later id) by date whose numbers do not go up, a planned one in each."""
    return {
        (a.id, b.id)
        for i, a in enumerate(order)
        for b in order[i + 1 :]
        if numbers[a.id] >= numbers[b.id] and MS.PLANNED.value in (a.status, b.status)
    }


def renumber_by_date(
    session: Session, *, subject_id: int, actor: Actor, now: datetime
) -> dict[int, int]:
    """Give the planned meetings their numbers in date order; returns {meeting id: new number}.

    `subject_id` is the meeting just planned or moved. Confirmed, held and cancelled meetings
    keep their numbers; when the dates would need one of them to change, refused with a
    sentence (the caller's unit of work then writes nothing). Misordered pairs found before
    the change (older data) are left alone rather than blocking every plan.
    """
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.status != MS.CANCELLED.value)
        .order_by(Meeting.starts_on, Meeting.id)
        .with_for_update()
    ).all()
    order = list(meetings)
    planned = [m for m in order if m.status == MS.PLANNED.value]
    pool = sorted(m.number for m in planned)
    current = {m.id: m.number for m in order}
    wanted = dict(current)
    wanted.update({m.id: n for m, n in zip(planned, pool, strict=True)})
    before = {pair for pair in _misordered(order, current) if subject_id not in pair}
    new = _misordered(order, wanted) - before
    if new:
        by_id = {m.id: m for m in order}
        subject = by_id.get(subject_id)
        for pair in sorted(new):
            fixed = next((by_id[i] for i in pair if by_id[i].status != MS.PLANNED.value), None)
            if fixed is not None:
                what = (
                    f"a meeting in {subject.year} Q{subject.quarter}"
                    if subject is not None
                    else "this meeting"
                )
                raise WorkflowError(
                    f"Meetings are numbered by date, and {what} would change the number of "
                    f"{_name(fixed, start=False)}, which is {fixed.status} and keeps its number."
                )
    changed = {i: n for i, n in wanted.items() if n != current[i]}
    if not changed:
        return {}
    # Two steps, so no two meetings ever share a number (the column is unique).
    for meeting in order:
        if meeting.id in changed:
            meeting.number = -meeting.id
    session.flush()
    for meeting in order:
        if meeting.id not in changed:
            continue
        old = current[meeting.id]
        meeting.number = changed[meeting.id]
        if meeting.id == subject_id:
            continue  # its first number, given a moment ago, was never seen by anyone
        meeting.ics_sequence = (meeting.ics_sequence or 0) + 1
        meeting.updated_at = now
        _audit(
            session,
            entity="meeting",
            entity_id=meeting.id,
            action="renumber",
            actor=actor,
            now=now,
            detail=(
                f"Meeting {old} ({meeting.year} Q{meeting.quarter}) is now meeting "
                f"{meeting.number}: numbers follow the dates."
            ),
        )
    session.flush()
    return changed


# Planning, moving and cancelling meetings renumber them: one workstation at a time.
MEETING_NUMBERS = "meeting numbers"


def _plan(
    session: Session,
    *,
    quarter: Quarter,
    host_city_id: int | None,
    starts_on: date | None,
    ends_on: date | None,
    actor: Actor,
    now: datetime,
    action: str,
    reason: str,
    detail: str,
    extra: dict[str, str] | None = None,
) -> int:
    _check_role(actor, "plan a meeting")
    take_turn(session, MEETING_NUMBERS)
    if ends_on is None and starts_on is not None:
        ends_on = starts_on + timedelta(days=1)
    problems = dict(extra or {})
    problems.update(
        plan_problems(
            session,
            quarter=quarter,
            host_city_id=host_city_id,
            starts_on=starts_on,
            ends_on=ends_on,
            today=south_african_day(now),
        )
    )
    if problems:
        raise FieldErrors(problems)
    assert host_city_id is not None and starts_on is not None and ends_on is not None
    meeting = Meeting(
        number=_next_number(session),
        year=quarter.year,
        quarter=quarter.number,
        host_city_id=host_city_id,
        starts_on=starts_on,
        ends_on=ends_on,
        status=MS.PLANNED.value,
        ics_sequence=0,
        updated_at=now,
    )
    session.add(meeting)
    session.flush()
    _audit(
        session,
        entity="meeting",
        entity_id=meeting.id,
        action=action,
        actor=actor,
        now=now,
        target=MS.PLANNED.value,
        reason=reason,
        detail=detail,
    )
    session.flush()
    renumber_by_date(session, subject_id=meeting.id, actor=actor, now=now)
    return meeting.id


def accept_proposal(
    session: Session,
    *,
    quarter: Quarter,
    host_city_id: int | None,
    starts_on: date,
    actor: Actor,
    now: datetime,
    proposal_reason: str = "",
) -> int:
    """Make the proposal for `quarter` (this host, from `starts_on`) a planned meeting; its id.

    The proposal is checked again against the rules and today's data, so a proposal that was
    overtaken (another meeting planned on its days, say) is refused with the reason.
    """
    city = _city_by_id(session, host_city_id)
    name = city.short_name if city else "?"
    return _plan(
        session,
        quarter=quarter,
        host_city_id=host_city_id,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=1),
        actor=actor,
        now=now,
        action="accept_proposal",
        reason="",
        detail=(
            f"{quarter.label}: {name} on {starts_on.isoformat()} and "
            f"{(starts_on + timedelta(days=1)).isoformat()}. {proposal_reason}"
        ).strip(),
    )


def accept_edited_proposal(
    session: Session,
    *,
    quarter: Quarter,
    host_city_id: int | None,
    starts_on: date | None,
    ends_on: date | None,
    reason: str,
    actor: Actor,
    now: datetime,
    proposal_reason: str = "",
) -> int:
    """Plan `quarter`'s meeting with another host or other dates than proposed, with a reason.

    The same checks as for a proposal; the reason (why the proposal was changed) is required
    and recorded in the audit log. Every problem is reported at once, one sentence per field.
    """
    extra = {} if reason.strip() else {"reason": "Say why the proposal was changed."}
    city = _city_by_id(session, host_city_id)
    name = city.short_name if city else "?"
    return _plan(
        session,
        quarter=quarter,
        host_city_id=host_city_id,
        starts_on=starts_on,
        ends_on=ends_on,
        actor=actor,
        now=now,
        action="accept_edited_proposal",
        reason=reason,
        detail=(
            f"{quarter.label}: {name} on {starts_on} and {ends_on}. Proposed: {proposal_reason}"
        ).strip(),
        extra=extra,
    )


def reject_proposal(
    session: Session,
    *,
    quarter: Quarter,
    host_city_id: int,
    reason: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Record that the proposed city will not host `quarter`; returns the unavailability's id.

    The city is marked unavailable for the whole quarter with the reason, so the rotation
    proposes another city for it and the passed-over city keeps its turn (a deferral).
    """
    _check_role(actor, "reject a host proposal")
    if not reason.strip():
        raise WorkflowError(f"Give a reason to reject the proposal for {quarter.label}.")
    city = _city_by_id(session, host_city_id)
    if city is None:
        raise WorkflowError("The proposed host is not a member city.")
    taken = session.scalar(
        select(Meeting.id).where(
            Meeting.year == quarter.year,
            Meeting.quarter == quarter.number,
            Meeting.status != MS.CANCELLED.value,
        )
    )
    if taken is not None:
        raise WorkflowError(
            f"{quarter.label} already has a planned meeting; cancel it instead of rejecting."
        )
    for period in _unavailability(session):
        if (
            period.city_id == city.id
            and period.starts_on <= quarter.first_day
            and period.ends_on >= quarter.last_day
        ):
            raise WorkflowError(
                f"{city.short_name} is already unavailable for the whole of {quarter.label}."
            )
    period = HostUnavailability(
        city_id=city.id,
        starts_on=quarter.first_day,
        ends_on=quarter.last_day,
        reason=f"Proposal to host {quarter.label} rejected: {reason.strip()}",
    )
    session.add(period)
    session.flush()
    _audit(
        session,
        entity="host_unavailability",
        entity_id=period.id,
        action="reject_proposal",
        actor=actor,
        now=now,
        reason=reason,
        detail=f"{city.short_name} will not host {quarter.label}.",
    )
    session.flush()
    return period.id


# -- status ---------------------------------------------------------------------------------------
_MOVES = {
    "confirm": ({MS.PLANNED}, MS.CONFIRMED),
    "mark_held": ({MS.CONFIRMED}, MS.HELD),
    "cancel": ({MS.PLANNED, MS.CONFIRMED}, MS.CANCELLED),
}


def _name(meeting: Meeting, *, start: bool = True) -> str:
    word = "Meeting" if start else "meeting"
    return f"{word} {meeting.number} ({meeting.year} Q{meeting.quarter})"


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
    for key, value in raw.items():
        values[key] = _as_time(value, TIME_FIELDS[key], problems, key)
    for day in (1, 2):
        start_key, end_key = f"day{day}_start", f"day{day}_end"
        if start_key in problems or end_key in problems:
            continue
        if values[end_key] <= values[start_key]:  # type: ignore[operator]
            problems[end_key] = f"Day {day} must end after it starts ({values[start_key]:%H:%M})."  # type: ignore[str-format]
    if problems:
        raise FieldErrors(problems)
    changed = [key for key, value in values.items() if getattr(meeting, key) != value]
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


def city_named(session: Session, name: str) -> int:
    """The id of the member city with this short name, official name or municipal code."""
    wanted = name.strip().casefold()
    for city in session.scalars(select(City).order_by(City.id)):
        if wanted in (
            city.short_name.casefold(),
            city.official_name.casefold(),
            city.municipal_code.casefold(),
        ):
            return city.id
    raise WorkflowError(
        f"There is no member city called '{name}'; give its name (eThekwini) or code (ETH)."
    )


PROPOSAL_COLUMNS = [
    Column("quarter", "Quarter"),
    Column("host", "Host city"),
    Column("start", "Day 1", "date"),
    Column("end", "Day 2", "date"),
    Column("planned", "Already planned", "bool"),
    Column("reason", "Reason"),
]


def proposals_listing(shown: list[Proposal]) -> Listing:
    """Proposals as a list to export: quarter (2027Q1), official host name, days, reason."""
    return Listing(
        "Host proposals",
        PROPOSAL_COLUMNS,
        [
            (
                str(p.quarter),
                p.host_official_name,
                p.starts_on.isoformat(),
                p.ends_on.isoformat(),
                p.planned,
                p.reason,
            )
            for p in shown
        ],
    )
