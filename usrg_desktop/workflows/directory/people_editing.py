"""Keeping people in the contact directory: add, edit (checked field by field), switch off and on.

Only the secretariat, a coordinator or an administrator (`EDITORS`) may change the directory.
The audit events name the person's id, never their name, email or phone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.accounts import Role
from ...domain.directory import Body, City, ConsentBasis, Person, PersonRole
from .. import (
    Actor,
    FieldErrors,
    PermissionDenied,
    WorkflowError,
    check_version,
    get_for_update,
    take_turn,
)
from ..letters.letter_addressing import clean_postal_address, letter_detail_problems
from ..system.audit_trail import audit, change_words, changed_keys

EDITORS = frozenset({Role.ADMINISTRATOR.value, Role.SECRETARIAT.value, Role.COORDINATOR.value})
_NAME_MAX = Person.__table__.c.full_name.type.length
_TITLE_MAX = Person.__table__.c.title.type.length
_EMAIL_MAX = Person.__table__.c.email.type.length
_PHONE_MAX = Person.__table__.c.phone.type.length
# One @, no spaces, a dot in the domain, no dot at either end of either part.
_EMAIL = re.compile(r"^[^@\s.]([^@\s]*[^@\s.])?@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
_MIN_PHONE_DIGITS = 9


def anonymised_name(person_id: int) -> str:
    """The name an anonymised person's row carries from then on."""
    return f"Anonymised person {person_id}"


def _require_editor(actor: Actor) -> None:
    if actor.role not in EDITORS:
        raise PermissionDenied(
            "Only the secretariat, a coordinator or an administrator may change the directory."
        )


def _person(session: Session, person_id: int, *, lock: bool = False) -> Person:
    # Locked, the row is re-read as it stands now (another workstation may just have saved it).
    person = get_for_update(session, Person, person_id) if lock else session.get(Person, person_id)
    if person is None:
        raise WorkflowError(f"There is no person with id {person_id} in the directory.")
    return person


def check_person(
    session: Session,
    *,
    person_id: int | None = None,
    full_name: str,
    title: str = "",
    city_id: int | None = None,
    body_id: int | None = None,
    role: str,
    email: str,
    phone: str = "",
    consent_basis: str,
    consent_recorded_on: date | None = None,
    today: date,
) -> dict[str, str]:
    """Every field of a person checked: a sentence per wrong field (empty when all is right)."""
    errors: dict[str, str] = {}
    name = full_name.strip()
    if not name:
        errors["full_name"] = "The name must not be empty."
    elif len(name) > _NAME_MAX:
        errors["full_name"] = f"The name must be at most {_NAME_MAX} characters long."
    if len(title.strip()) > _TITLE_MAX:
        errors["title"] = f"The title must be at most {_TITLE_MAX} characters long."
    if city_id is not None and body_id is not None:
        errors["organisation"] = "A person belongs to one member city or one body, not both."
    elif city_id is not None and session.get(City, city_id) is None:
        errors["organisation"] = f"The member city (id {city_id}) is not in the directory."
    elif body_id is not None and session.get(Body, body_id) is None:
        errors["organisation"] = f"The body (id {body_id}) is not in the directory."
    roles = [r.value for r in PersonRole]
    if role not in roles:
        errors["role"] = f"The role '{role}' is not one of {', '.join(roles)}."
    address = email.strip()
    if not address:
        errors["email"] = "The email address must not be empty."
    elif len(address) > _EMAIL_MAX or not _EMAIL.match(address):
        errors["email"] = f"The email address '{address}' is not an address like name@example.org."
    else:
        taken = session.scalar(
            select(Person.id).where(
                func.lower(Person.email) == address.lower(),
                Person.id != (person_id if person_id is not None else -1),
            )
        )
        if taken is not None:
            errors["email"] = (
                f"The email address '{address}' already belongs to someone else in the directory."
            )
    number = phone.strip()
    if number:
        digits = sum(ch.isdigit() for ch in number)
        if len(number) > _PHONE_MAX or not _PHONE.match(number) or digits < _MIN_PHONE_DIGITS:
            errors["phone"] = (
                f"The phone number '{number}' is not a number like +27 11 407 6471 "
                "(digits, spaces, + and brackets only)."
            )
    bases = [b.value for b in ConsentBasis]
    if consent_basis not in bases:
        errors["consent_basis"] = (
            f"The consent basis '{consent_basis}' is not one of {', '.join(bases)}."
        )
    if consent_recorded_on is None:
        if consent_basis == ConsentBasis.CONSENT.value:
            errors["consent_recorded_on"] = (
                "Give the day the person's consent was recorded (the basis is consent)."
            )
    elif consent_recorded_on > today:
        errors["consent_recorded_on"] = (
            f"The consent date {consent_recorded_on.isoformat()} is in the future."
        )
    return errors


def save_person(
    session: Session,
    *,
    person_id: int | None = None,
    full_name: str,
    title: str = "",
    city_id: int | None = None,
    body_id: int | None = None,
    role: str,
    email: str,
    phone: str = "",
    consent_basis: str,
    consent_recorded_on: date | None = None,
    honorific: str | None = None,
    postal_address: str | None = None,
    seen_version: int | None = None,
    actor: Actor,
    now: datetime,
) -> int:
    """Add a person (person_id None) or change one; every field is checked first. Returns the id.

    A refused form raises FieldErrors with one sentence per wrong field and writes nothing;
    a form opened before someone else saved the person (`seen_version`) raises EditConflict.
    """
    _require_editor(actor)
    # Two workstations adding the same e-mail address: the second waits, then is told.
    take_turn(session, "people")
    person = _person(session, person_id, lock=True) if person_id is not None else None
    if person is not None and person.anonymised_at is not None:
        raise WorkflowError(
            f"{anonymised_name(person.id)} was anonymised; their details cannot be changed."
        )
    if person is not None:
        check_version(session, person, seen=seen_version, entity="person", name=person.full_name)
    errors = check_person(
        session,
        person_id=person_id,
        full_name=full_name,
        title=title,
        city_id=city_id,
        body_id=body_id,
        role=role,
        email=email,
        phone=phone,
        consent_basis=consent_basis,
        consent_recorded_on=consent_recorded_on,
        today=south_african_day(now),
    )
    errors.update(letter_detail_problems(honorific, postal_address))
    if errors:
        raise FieldErrors(errors)
    values: dict[str, Any] = {
        "full_name": full_name.strip(),
        "title": title.strip(),
        "city_id": city_id,
        "body_id": body_id,
        "role": role,
        "email": email.strip(),
        "phone": phone.strip(),
        "consent_basis": consent_basis,
        "consent_recorded_on": consent_recorded_on,
    }
    # How letters address them (None: left as it is).
    if honorific is not None:
        values["honorific"] = " ".join(honorific.split())
    if postal_address is not None:
        values["postal_address"] = clean_postal_address(postal_address)
    if person is None:
        person = Person(**values, active=True)
        session.add(person)
        session.flush()
        audit(
            session,
            "person",
            person.id,
            "create",
            actor=actor,
            now=now,
            detail=f"role {role}, consent basis {consent_basis}",
        )
        return person.id
    changed = changed_keys(person, values)
    if not changed:
        return person.id
    for key in changed:
        setattr(person, key, values[key])
    session.flush()
    # Which fields changed, never their values (the audit log never holds a name, email or phone).
    words = change_words(changed)
    audit(session, "person", person.id, "update", actor=actor, now=now, detail=words)
    return person.id


def deactivate_person(session: Session, *, person_id: int, actor: Actor, now: datetime) -> None:
    """Switch a person off: kept for history, no longer invited or offered in lists."""
    _require_editor(actor)
    person = _person(session, person_id)
    if not person.active:
        raise WorkflowError(f"{person.full_name} is already switched off.")
    person.active = False
    audit(session, "person", person.id, "deactivate", actor=actor, now=now)


def activate_person(session: Session, *, person_id: int, actor: Actor, now: datetime) -> None:
    """Switch a person on again (not an anonymised one)."""
    _require_editor(actor)
    person = _person(session, person_id)
    if person.anonymised_at is not None:
        raise WorkflowError(f"{person.full_name} was anonymised and cannot be switched on again.")
    if person.active:
        raise WorkflowError(f"{person.full_name} is already switched on.")
    person.active = True
    audit(session, "person", person.id, "activate", actor=actor, now=now)


def person_fields(session: Session, person_id: int) -> dict[str, Any]:
    """A person's editable fields as save_person takes them (to fill a form or change a few)."""
    person = _person(session, person_id)
    return {
        "full_name": person.full_name,
        "title": person.title,
        "city_id": person.city_id,
        "body_id": person.body_id,
        "role": person.role,
        "email": person.email or "",
        "phone": person.phone,
        "consent_basis": person.consent_basis,
        "consent_recorded_on": person.consent_recorded_on,
        "honorific": person.honorific,
        "postal_address": person.postal_address,
        "seen_version": person.version,
    }
