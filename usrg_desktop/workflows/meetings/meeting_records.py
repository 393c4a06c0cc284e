"""What meeting planning shares: who may plan, the rotation's inputs as the database holds
them, one meeting and its details as the screen shows them, the meeting's audit, and finding a
member city by name. The rules are described in `meeting_plans.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import Role
from ...domain.directory import City
from ...domain.meetings import BlackoutPeriod, HostUnavailability, Meeting
from ...domain.meetings import MeetingStatus as MS
from .. import Actor, PermissionDenied, WorkflowError, get_for_update
from ..system.audit_trail import audit
from .rotation import (
    DEFAULT_BLACKOUTS,
    Blackout,
    Hosting,
    Quarter,
    RotationCity,
    Unavailability,
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


def write_unavailability(
    session: Session,
    *,
    city: City,
    starts_on: date,
    ends_on: date,
    reason: str,
    action: str,
    audit_reason: str,
    detail: str,
    actor: Actor,
    now: datetime,
) -> int:
    """The one writer of a period in which a city cannot host, with its audit record; returns
    its id. Its callers check first: the rotation's inputs (a period typed in) and a rejected
    host proposal (the whole quarter)."""
    period = HostUnavailability(
        city_id=city.id, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    session.add(period)
    session.flush()
    _audit(
        session,
        entity="host_unavailability",
        entity_id=period.id,
        action=action,
        actor=actor,
        now=now,
        reason=audit_reason,
        detail=detail,
    )
    session.flush()
    return period.id


def _name(meeting: Meeting, *, start: bool = True) -> str:
    word = "Meeting" if start else "meeting"
    return f"{word} {meeting.number} ({meeting.year} Q{meeting.quarter})"


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
