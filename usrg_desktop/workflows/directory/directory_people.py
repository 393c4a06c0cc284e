"""Keeping people in the contact directory: add, edit, switch off, and POPIA export/anonymise."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.accounts import Role, User
from ...domain.audit import AuditEvent
from ...domain.directory import Body, City, ConsentBasis, Person, PersonRole
from ...domain.grants import Application
from ...domain.meetings import ActionItem, Invitation, Meeting
from ...domain.reviews import Assignment, Conflict, Criterion, Reviewer, ReviewerAffiliation, Score
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
from ..system.anonymisation import forget, letters_naming, needles, rows_naming
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


def _audit(
    session: Session,
    *,
    person_id: int,
    action: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    detail: str = "",
) -> None:
    # Never a name, email or phone in the audit log: it cannot be changed later, and a person
    # who asks to be anonymised must not stay readable there.
    audit(
        session,
        actor=actor,
        now=now,
        entity="person",
        entity_id=person_id,
        action=action,
        reason=reason,
        detail=detail,
    )


def _person(session: Session, person_id: int, *, lock: bool = False) -> Person:
    # Locked, the row is re-read as it stands now (another workstation may just have saved it).
    person = get_for_update(session, Person, person_id) if lock else session.get(Person, person_id)
    if person is None:
        raise WorkflowError(f"There is no person with id {person_id} in the directory.")
    return person


def person_id_by_email(session: Session, email: str) -> int:
    """The id of the person with this email address (case does not matter)."""
    found = session.scalar(
        select(Person.id).where(func.lower(Person.email) == email.strip().lower())
    )
    if found is None:
        raise WorkflowError(f"Nobody in the directory has the email address '{email.strip()}'.")
    return found


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
        _audit(
            session,
            person_id=person.id,
            action="create",
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
    # Which fields changed, never their values (see _audit).
    words = change_words(changed)
    _audit(session, person_id=person.id, action="update", actor=actor, now=now, detail=words)
    return person.id


def deactivate_person(session: Session, *, person_id: int, actor: Actor, now: datetime) -> None:
    """Switch a person off: kept for history, no longer invited or offered in lists."""
    _require_editor(actor)
    person = _person(session, person_id)
    if not person.active:
        raise WorkflowError(f"{person.full_name} is already switched off.")
    person.active = False
    _audit(session, person_id=person.id, action="deactivate", actor=actor, now=now)


def activate_person(session: Session, *, person_id: int, actor: Actor, now: datetime) -> None:
    """Switch a person on again (not an anonymised one)."""
    _require_editor(actor)
    person = _person(session, person_id)
    if person.anonymised_at is not None:
        raise WorkflowError(f"{person.full_name} was anonymised and cannot be switched on again.")
    if person.active:
        raise WorkflowError(f"{person.full_name} is already switched on.")
    person.active = True
    _audit(session, person_id=person.id, action="activate", actor=actor, now=now)


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _meeting_label(meeting: Meeting, host: str) -> str:
    return f"Meeting {meeting.number} (Q{meeting.quarter} {meeting.year}, {host})"


def export_person(session: Session, person_id: int, *, actor: Actor | None = None) -> dict:
    """Everything held about a person (POPIA access request), as JSON-ready plain data.

    Their directory row, user accounts, meeting invitations and attendance, reviewer record
    (affiliations, conflicts, assignments and scores), action items they own, applications
    naming them as contact, the letters addressed to them or naming them, other records whose
    free text names them (agenda presenters, minutes, …), and the audit events about them or
    done by their accounts.
    """
    if actor is not None:
        _require_editor(actor)
    person = _person(session, person_id)
    city = session.get(City, person.city_id) if person.city_id is not None else None
    body = session.get(Body, person.body_id) if person.body_id is not None else None
    out: dict[str, Any] = {
        "person": {
            "id": person.id,
            "full_name": person.full_name,
            "title": person.title,
            "organisation": (city.official_name if city else body.official_name if body else None),
            "role": person.role,
            "email": person.email,
            "phone": person.phone,
            "honorific": person.honorific,
            "postal_address": person.postal_address,
            "consent_basis": person.consent_basis,
            "consent_recorded_on": _iso(person.consent_recorded_on),
            "active": person.active,
            "anonymised_at": _iso(person.anonymised_at),
        }
    }
    # The organisations whose main contact they are (Directory ▸ Cities and Bodies).
    out["main_contact_of"] = [
        name
        for model in (City, Body)
        for name in session.scalars(
            select(model.official_name).where(model.main_contact_id == person.id)
        )
    ]
    users = session.scalars(select(User).where(User.person_id == person.id).order_by(User.id)).all()
    out["user_accounts"] = [
        {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "active": u.active,
            "created_at": _iso(u.created_at),
            "last_login_at": _iso(u.last_login_at),
        }
        for u in users
    ]
    invitations = session.execute(
        select(Invitation, Meeting, City.short_name)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(City, City.id == Meeting.host_city_id)
        .where(Invitation.person_id == person.id)
        .order_by(Meeting.starts_on, Invitation.id)
    ).all()
    out["invitations"] = [
        {
            "meeting": _meeting_label(meeting, host),
            "starts_on": _iso(meeting.starts_on),
            "rsvp": inv.rsvp,
            "apology_note": inv.apology_note,
            "attended_day1": inv.attended_day1,
            "attended_day2": inv.attended_day2,
            "attended_visit": inv.attended_visit,
        }
        for inv, meeting, host in invitations
    ]
    actions = session.execute(
        select(ActionItem, Meeting, City.short_name)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .join(City, City.id == Meeting.host_city_id)
        .where(ActionItem.owner_person_id == person.id)
        .order_by(ActionItem.number)
    ).all()
    out["action_items"] = [
        {
            "number": item.number,
            "meeting": _meeting_label(meeting, host),
            "description": item.description,
            "owner_text": item.owner_text,
            "due_on": _iso(item.due_on),
            "status": item.status,
            "done_on": _iso(item.done_on),
        }
        for item, meeting, host in actions
    ]
    applications = session.execute(
        select(Application.reference, Application.title, Application.state)
        .where(Application.contact_person_id == person.id)
        .order_by(Application.id)
    ).all()
    out["applications_as_contact"] = [
        {"reference": ref, "title": title, "state": state} for ref, title, state in applications
    ]
    out["reviewer"] = _reviewer_export(session, person.id)
    user_ids = [u.id for u in users]
    conditions = [(AuditEvent.entity == "person") & (AuditEvent.entity_id == person.id)]
    if user_ids:
        conditions.append((AuditEvent.entity == "user") & AuditEvent.entity_id.in_(user_ids))
        conditions.append(AuditEvent.actor_user_id.in_(user_ids))
    reviewer_id = out["reviewer"]["id"] if out["reviewer"] else None
    if reviewer_id is not None:
        conditions.append((AuditEvent.entity == "reviewer") & (AuditEvent.entity_id == reviewer_id))
    if person.anonymised_at is None:
        # Other actions write the names of the people they touch into their detail ("Invited
        # ..."), so events naming the person or their address are theirs too.
        for text in filter(None, (person.full_name, person.email)):
            conditions.append(AuditEvent.detail.contains(text, autoescape=True))
            conditions.append(AuditEvent.reason.contains(text, autoescape=True))
    texts = needles([person.full_name, person.email, person.phone])
    if person.anonymised_at is not None:
        texts = []
    out["letters"] = letters_naming(session, texts, person.id)
    out["named_in"] = rows_naming(session, texts)
    events = session.scalars(
        select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    out["audit_events"] = [
        {
            "occurred_at": _iso(e.occurred_at),
            "actor": e.actor_name,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "reason": e.reason,
            "detail": e.detail,
        }
        for e in events
    ]
    return out


def _reviewer_export(session: Session, person_id: int) -> dict | None:
    reviewer = session.scalar(select(Reviewer).where(Reviewer.person_id == person_id))
    if reviewer is None:
        return None
    affiliations = session.execute(
        select(City.official_name, Body.official_name)
        .select_from(ReviewerAffiliation)
        .outerjoin(City, City.id == ReviewerAffiliation.city_id)
        .outerjoin(Body, Body.id == ReviewerAffiliation.body_id)
        .where(ReviewerAffiliation.reviewer_id == reviewer.id)
        .order_by(ReviewerAffiliation.id)
    ).all()
    conflicts = session.execute(
        select(Conflict, Application.reference)
        .join(Application, Application.id == Conflict.application_id)
        .where(Conflict.reviewer_id == reviewer.id)
        .order_by(Conflict.id)
    ).all()
    assignments = session.execute(
        select(Assignment, Application.reference)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.reviewer_id == reviewer.id)
        .order_by(Assignment.id)
    ).all()
    scores: dict[int, list[dict]] = {}
    if assignments:
        rows = session.execute(
            select(Score.assignment_id, Criterion.code, Score.score, Score.comment)
            .join(Criterion, Criterion.id == Score.criterion_id)
            .where(Score.assignment_id.in_([a.id for a, _ref in assignments]))
            .order_by(Score.assignment_id, Criterion.position)
        ).all()
        for assignment_id, code, score, comment in rows:
            scores.setdefault(assignment_id, []).append(
                {"criterion": code, "score": score, "comment": comment}
            )
    return {
        "id": reviewer.id,
        "expertise": reviewer.expertise,
        "active": reviewer.active,
        "affiliations": [city or body for city, body in affiliations],
        "conflicts": [
            {
                "application": ref,
                "kind": c.kind,
                "reason": c.reason,
                "declared_at": _iso(c.declared_at),
            }
            for c, ref in conflicts
        ],
        "assignments": [
            {
                "application": ref,
                "status": a.status,
                "recommendation": a.recommendation,
                "overall_comment": a.overall_comment,
                "scored_at": _iso(a.scored_at),
                "scores": scores.get(a.id, []),
            }
            for a, ref in assignments
        ],
    }


def anonymise_person(
    session: Session, *, person_id: int, reason: str, actor: Actor, now: datetime
) -> str:
    """Replace a person's details with "Anonymised person <id>" for good; returns that name.

    The row stays, so meeting registers, reviews, applications and the audit log still join
    to it. Their user accounts (which must be switched off first) lose their display name and
    username, the apology notes they sent are cleared, action items they own name the
    anonymised row, and `anonymisation.forget` takes their name, e-mail and phone out of every
    other record, the letters' stored data and the audit log's personal fields. Only an
    administrator may do it, with a reason that does not name them; it is refused for someone
    already done.
    """
    if actor.role != Role.ADMINISTRATOR.value:
        raise PermissionDenied("Only an administrator may anonymise a person.")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Give the reason for anonymising (for example the request's date).")
    person = _person(session, person_id)
    if person.anonymised_at is not None:
        raise WorkflowError(
            f"{anonymised_name(person.id)} was already anonymised on "
            f"{south_african_day(person.anonymised_at).isoformat()}."
        )
    users = session.scalars(select(User).where(User.person_id == person.id)).all()
    active = [u.username for u in users if u.active]
    if active:
        raise WorkflowError(
            f"{person.full_name} still signs in as '{active[0]}'; switch that account off first."
        )
    texts = needles(
        [person.full_name, person.email, person.phone, *(u.display_name for u in users)]
    )
    if _pattern_in(texts, reason):
        raise WorkflowError(
            "The reason names the person; give it without their name or address (for example "
            "the date of their request), since it stays in the audit log."
        )
    usernames = [u.username for u in users]
    if session.get_bind().dialect.name == "sqlite":
        # Freed space is overwritten, so the old text does not linger in the file's pages.
        session.execute(sql_text("PRAGMA secure_delete = ON"))
    name = anonymised_name(person.id)
    person.full_name = name
    person.title = ""
    person.email = None
    person.phone = ""
    person.honorific = ""
    person.postal_address = ""
    person.active = False
    person.anonymised_at = now
    # An anonymised person is nobody's main contact any more.
    for model in (City, Body):
        for organisation in session.scalars(
            select(model).where(model.main_contact_id == person.id)
        ).all():
            organisation.main_contact_id = None
    for user in users:
        user.display_name = name
        user.username = f"anonymised-{user.id}"
    for invitation in session.scalars(
        select(Invitation).where(Invitation.person_id == person.id)
    ).all():
        invitation.apology_note = ""
    for item in session.scalars(
        select(ActionItem).where(ActionItem.owner_person_id == person.id)
    ).all():
        item.owner_text = name
    session.flush()
    forgotten = forget(
        session,
        texts=texts,
        placeholder=name,
        user_ids=[u.id for u in users],
        usernames=usernames,
    )
    _audit(
        session,
        person_id=person.id,
        action="anonymise",
        actor=actor,
        now=now,
        reason=reason,
        detail=forgotten.detail(),
    )
    return name


def _pattern_in(texts: list[str], reason: str) -> bool:
    folded = reason.casefold()
    return any(t.casefold() in folded for t in texts)


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


def write_person_export(
    session: Session, *, person_id: int, path: str | Path, actor: Actor | None = None
) -> dict:
    """Write export_person's data to a UTF-8 JSON file; returns the data written."""
    data = export_person(session, person_id, actor=actor)
    target = Path(path)
    try:
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise WorkflowError(f"The file {target} could not be written: {exc.strerror}.") from None
    return data
