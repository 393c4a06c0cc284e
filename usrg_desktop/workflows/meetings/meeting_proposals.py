"""Host proposals and the plan: the rotation's proposals, the checks a plan must pass,
meeting numbers in date order, and accepting (as proposed or edited) or rejecting a proposal.
The rules are described in `meeting_plans.py`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.directory import City
from ...domain.meetings import HostVolunteer, Meeting
from ...domain.meetings import MeetingStatus as MS
from .. import Actor, Column, FieldErrors, Listing, WorkflowError, take_turn
from .meeting_records import (
    _audit,
    _blackouts,
    _check_role,
    _cities,
    _history,
    _name,
    _unavailability,
    write_unavailability,
)
from .rotation import (
    Proposal,
    Quarter,
    Volunteer,
    _day_problem,
    propose_hosts,
)


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
    for existing in _unavailability(session):
        if (
            existing.city_id == city.id
            and existing.starts_on <= quarter.first_day
            and existing.ends_on >= quarter.last_day
        ):
            raise WorkflowError(
                f"{city.short_name} is already unavailable for the whole of {quarter.label}."
            )
    return write_unavailability(
        session,
        city=city,
        starts_on=quarter.first_day,
        ends_on=quarter.last_day,
        reason=f"Proposal to host {quarter.label} rejected: {reason.strip()}",
        action="reject_proposal",
        audit_reason=reason.strip(),
        detail=f"{city.short_name} will not host {quarter.label}.",
        actor=actor,
        now=now,
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
