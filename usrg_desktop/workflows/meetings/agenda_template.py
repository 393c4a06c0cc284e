"""The standard agenda template a meeting's empty agenda can start from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.directory import City, Person, PersonRole
from ...domain.meetings import AgendaItem, AgendaItemKind, AgendaPurpose
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from .agenda_editing import _editable, check_role
from .agenda_reading import _items, load_meeting
from .meeting_times import bump_if_calendar_moved, calendar_times


# -- the standard template ------------------------------------------------------------------------
def _host_focal_person(session: Session, city_id: int) -> str:
    name = session.scalar(
        select(Person.full_name)
        .where(
            Person.city_id == city_id,
            Person.role == PersonRole.FOCAL_PERSON.value,
            Person.active.is_(True),
            Person.anonymised_at.is_(None),
        )
        .order_by(Person.id)
        .limit(1)
    )
    return name or ""


def standard_template(
    *, host: str, host_presenter: str, exposure_site: str
) -> list[tuple[int, AgendaItemKind, str, str, int, AgendaPurpose]]:
    """The standard USRG agenda: (day, type, title, presenter, minutes, purpose) per item.

    Day 1 takes 7 h 30 (09:00 to 16:30, or 08:30 to 16:00), with the exposure visit in the
    afternoon; day 2 takes 3 h 45 (08:30 to 12:15), ending with lunch and departure.
    """
    K, P = AgendaItemKind, AgendaPurpose
    visit = f"Exposure visit: {exposure_site}" if exposure_site.strip() else "Exposure visit"
    chair = "Chair (SACN)"
    return [
        (1, K.WELCOME, f"Welcome by the host city, {host}", host_presenter or host, 15,
         P.INFORMATION),
        (1, K.SESSION, "Apologies, introductions and declarations of interest", chair, 15,
         P.INFORMATION),
        (1, K.SESSION, "Minutes of the previous meeting", chair, 15, P.DECISION),
        (1, K.DISCUSSION, "Matters arising and open action items", chair, 30, P.DISCUSSION),
        (1, K.BREAK, "Tea", "", 15, P.INFORMATION),
        (1, K.PRESENTATION, "City updates", "Member cities", 75, P.INFORMATION),
        (1, K.PRESENTATION, "National updates", "National and partner bodies", 45,
         P.INFORMATION),
        (1, K.LUNCH, "Lunch", "", 45, P.INFORMATION),
        (1, K.EXPOSURE_VISIT, visit, host_presenter or host, 180, P.INFORMATION),
        (1, K.DISCUSSION, "Reflections on the exposure visit", chair, 15, P.DISCUSSION),
        (2, K.SESSION, "Recap of day one", chair, 15, P.INFORMATION),
        (2, K.PRESENTATION, "Thematic session", "Invited speakers", 90, P.DISCUSSION),
        (2, K.BREAK, "Tea", "", 15, P.INFORMATION),
        (2, K.PRESENTATION, "Innovation fund update", "SACN secretariat", 45, P.DECISION),
        (2, K.SESSION, "Next meeting: host, dates and theme", chair, 15, P.DECISION),
        (2, K.CLOSING, "Any other business and close", chair, 15, P.INFORMATION),
        (2, K.LUNCH, "Lunch and departure", "", 30, P.INFORMATION),
    ]  # fmt: skip


def apply_standard_template(
    session: Session, *, meeting_id: int, actor: Actor, now: datetime
) -> list[int]:
    """Fill an empty agenda with the standard USRG agenda; the new items' ids in order."""
    check_role(actor, "change an agenda")
    meeting = load_meeting(session, meeting_id, lock=True)
    before = calendar_times(session, meeting)
    _editable(meeting)
    if _items(session, meeting_id):
        raise WorkflowError(
            f"Meeting {meeting.number} already has an agenda; the standard template fills only "
            "an empty one."
        )
    city = session.get(City, meeting.host_city_id)
    host = city.short_name if city is not None else "host city"
    presenter = _host_focal_person(session, meeting.host_city_id)
    ids = []
    position = {1: 0, 2: 0}
    for day, kind, title, who, minutes, purpose in standard_template(
        host=host, host_presenter=presenter, exposure_site=meeting.exposure_site or ""
    ):
        position[day] += 1
        item = AgendaItem(
            meeting_id=meeting_id,
            day=day,
            position=position[day],
            kind=kind.value,
            title=title,
            presenter=who,
            duration_minutes=minutes,
            purpose=purpose.value,
            description="",
        )
        session.add(item)
        session.flush()
        ids.append(item.id)
    audit(
        session,
        "meeting",
        meeting_id,
        "agenda_template",
        actor=actor,
        now=now,
        detail=f"Standard agenda applied: {len(ids)} items",
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)
    return ids
