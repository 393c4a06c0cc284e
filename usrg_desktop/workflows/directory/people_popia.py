"""A person's rights under POPIA: everything held about them (access request), and anonymising.

`export_person` gathers what the database holds about a person as JSON-ready plain data;
`anonymise_person` replaces their details for good (the row stays, so registers, reviews and
the audit log still join to it) and has `anonymisation.forget` take their name out of every
other record.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.accounts import Role, User
from ...domain.audit import AuditEvent
from ...domain.directory import Body, City
from ...domain.grants import Application
from ...domain.meetings import ActionItem, Invitation, Meeting
from ...domain.reviews import Assignment, Conflict, Criterion, Reviewer, ReviewerAffiliation, Score
from .. import Actor, PermissionDenied, WorkflowError
from ..system.anonymisation import forget, letters_naming, needles, rows_naming
from ..system.audit_trail import audit
from .people_editing import _person, _require_editor, anonymised_name


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
    audit(
        session,
        "person",
        person.id,
        "anonymise",
        actor=actor,
        now=now,
        reason=reason,
        detail=forgotten.detail(),
    )
    return name


def _pattern_in(texts: list[str], reason: str) -> bool:
    folded = reason.casefold()
    return any(t.casefold() in folded for t in texts)


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
