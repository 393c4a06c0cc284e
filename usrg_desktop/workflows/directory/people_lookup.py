"""Finding people and organisations in the directory, and the choices the screens offer."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, Person
from .. import WorkflowError


def person_id_by_email(session: Session, email: str) -> int:
    """The id of the person with this email address (case does not matter)."""
    found = session.scalar(
        select(Person.id).where(func.lower(Person.email) == email.strip().lower())
    )
    if found is None:
        raise WorkflowError(f"Nobody in the directory has the email address '{email.strip()}'.")
    return found


def city_id_named(session: Session, name: str) -> int:
    """The member city with this short name, official name or municipal code (any case)."""
    key = name.strip().lower()
    found = session.scalar(
        select(City.id).where(
            or_(
                func.lower(City.short_name) == key,
                func.lower(City.official_name) == key,
                func.lower(City.municipal_code) == key,
            )
        )
    )
    if found is None:
        raise WorkflowError(f"There is no member city called '{name.strip()}'.")
    return found


def body_id_named(session: Session, name: str) -> int:
    """The body with this short or official name (any case)."""
    key = name.strip().lower()
    found = session.scalar(
        select(Body.id).where(
            or_(func.lower(Body.short_name) == key, func.lower(Body.official_name) == key)
        )
    )
    if found is None:
        raise WorkflowError(f"There is no body called '{name.strip()}'.")
    return found


def organisation_choices(session: Session) -> list[tuple[str, int, str]]:
    """The member cities then the bodies a person can belong to: (kind, id, official name)."""
    cities = session.execute(select(City.id, City.official_name).order_by(City.official_name)).all()
    bodies = session.execute(select(Body.id, Body.official_name).order_by(Body.official_name)).all()
    return [("city", cid, name) for cid, name in cities] + [
        ("body", bid, name) for bid, name in bodies
    ]


def person_choices(session: Session, *, place: bool = False) -> list[tuple[int, str]]:
    """Active people who are not anonymised, as (id, "name <email>"), by name; with
    place=True as (id, "name (city or body)") instead, for choosing whom to invite."""
    if place:
        where = func.coalesce(City.short_name, Body.short_name)
        query = (
            select(Person.id, Person.full_name, where)
            .outerjoin(City, City.id == Person.city_id)
            .outerjoin(Body, Body.id == Person.body_id)
        )
    else:
        query = select(Person.id, Person.full_name, Person.email)
    rows = session.execute(
        query.where(Person.active.is_(True), Person.anonymised_at.is_(None))
    ).all()
    if place:
        choices = [(pid, f"{name} ({at})" if at else name) for pid, name, at in rows]
    else:
        choices = [(pid, f"{name} <{email}>" if email else name) for pid, name, email in rows]
    return sorted(choices, key=lambda c: c[1].casefold())
