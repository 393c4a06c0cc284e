"""Shared set-up for the agenda, attendance and minutes tests: actors and an empty new meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from usrg_desktop.domain.accounts import Role, User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import City
from usrg_desktop.domain.meetings import Meeting
from usrg_desktop.workflows import Actor

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def demo_actor(db, username: str = "coordinator") -> Actor:
    """The demo user with this user name as an Actor."""
    with db.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user.id, user.display_name, user.role)


REVIEWER = Actor(None, "A reviewer", Role.REVIEWER.value)


def new_meeting(
    db,
    *,
    number: int = 90,
    city: str = "eThekwini",
    starts_on: date = date(2028, 2, 14),
    day1: tuple[time, time] = (time(9, 0), time(17, 0)),
    day2: tuple[time, time] = (time(8, 30), time(13, 0)),
    exposure_site: str = "Warwick Junction markets",
) -> int:
    """A planned meeting with no agenda, invitations or minutes; its id."""
    with db.unit_of_work() as session:
        host = session.scalars(select(City).where(City.short_name == city)).one()
        meeting = Meeting(
            number=number,
            year=starts_on.year,
            quarter=(starts_on.month - 1) // 3 + 1,
            host_city_id=host.id,
            starts_on=starts_on,
            ends_on=date.fromordinal(starts_on.toordinal() + 1),
            day1_start=day1[0],
            day1_end=day1[1],
            day2_start=day2[0],
            day2_end=day2[1],
            venue="Durban City Hall",
            status="planned",
            exposure_site=exposure_site,
            updated_at=NOW,
        )
        session.add(meeting)
        session.flush()
        return meeting.id


def meeting_id_by_number(db, number: int) -> int:
    """The id of the meeting with this number."""
    with db.unit_of_work() as session:
        return session.scalars(select(Meeting.id).where(Meeting.number == number)).one()


def audit_actions(db, entity: str, entity_id: int) -> list[str]:
    """The audit actions recorded for one entity, oldest first."""
    with db.unit_of_work() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
                .order_by(AuditEvent.id)
            )
        )
