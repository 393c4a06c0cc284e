"""The application form: saving a draft or a submitted application with its budget lines and
contact person, each problem named by its field (`FIELD_LABELS`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.directory import Body, City, ConsentBasis, Person, PersonRole
from ...domain.grants import Application, BudgetLine, Round, RoundAdmittedBody, RoundTheme
from ...money import format_zar
from .. import Actor, FieldErrors, WorkflowError, check_version
from ..system.audit_trail import audit, change_words, changed_keys
from ..system.roles import require_staff
from .application_guards import S
from .application_states import _load, _name

# Only these states may be edited in the form: before screening starts, the application is
# still what the applicant sent.
EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# What the form's fields are called, for messages that name them.
FIELD_LABELS = {
    "round": "Round",
    "applicant": "Applicant",
    "theme": "Theme",
    "title": "Title",
    "summary": "Summary",
    "problem": "Problem addressed",
    "intervention": "Intervention",
    "requested": "Requested amount",
    "starts_on": "Start date",
    "ends_on": "End date",
    "contact_name": "Contact person",
    "contact_email": "Contact email",
    "contact_phone": "Contact phone",
    "budget_lines": "Budget lines",
}
_TEXT_LIMITS = {"title": 300, "contact_name": 200, "contact_email": 254, "contact_phone": 40}


def _round_refusal(session: Session, round_id: int) -> str | None:
    """Why a round takes no new applications (the rounds' own rule), or None when it does."""
    from .rounds import ensure_round_takes_applications  # rounds may come to import us

    try:
        ensure_round_takes_applications(session, round_id)
    except WorkflowError as exc:
        return str(exc)
    return None


def save_application(
    session: Session,
    *,
    application_id: int | None = None,
    round_id: int | None,
    applicant_city_id: int | None = None,
    applicant_body_id: int | None = None,
    title: str,
    summary: str,
    problem: str,
    intervention: str,
    requested_cents: int | None,
    starts_on: date | None,
    ends_on: date | None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_person_id: int | None = None,
    theme_id: int | None = None,
    budget_lines: Sequence[tuple[str, int]] = (),
    seen_version: int | None = None,
    actor: Actor,
    now: datetime,
) -> int:
    """Create a draft application, or edit one not yet in screening; returns its id.

    Every field is checked before anything is written; a refused form raises FieldErrors
    with one sentence per wrong field (keys as in FIELD_LABELS) and changes nothing.
    The contact is the person with that email in the directory, or a new directory entry.
    `seen_version` is the version the form opened: when another workstation has saved the
    application since, EditConflict is raised and nothing is written.
    """
    require_staff(actor, "capture applications")
    app: Application | None = None
    if application_id is not None:
        app = _load(session, application_id)
        if S(app.state) not in EDITABLE_STATES:
            raise WorkflowError(
                f"{_name(app)} is {app.state.replace('_', ' ')}; only drafts and submitted "
                "applications not yet in screening can be edited."
            )
        check_version(session, app, seen=seen_version, entity="application", name=_name(app))
    errors: dict[str, str] = {}
    texts = {
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "problem": (problem or "").strip(),
        "intervention": (intervention or "").strip(),
        "contact_name": (contact_name or "").strip(),
        "contact_email": (contact_email or "").strip(),
        "contact_phone": (contact_phone or "").strip(),
    }
    for key in ("title", "summary", "problem", "intervention"):
        if not texts[key]:
            errors[key] = f"{FIELD_LABELS[key]} is required."
    for key, limit in _TEXT_LIMITS.items():
        if len(texts[key]) > limit:
            errors[key] = f"{FIELD_LABELS[key]} may be at most {limit} characters long."

    rnd = session.get(Round, round_id) if round_id is not None else None
    if round_id is None:
        errors["round"] = "Choose the round the application is for."
    elif rnd is None:
        errors["round"] = f"There is no round with id {round_id}."
    elif app is not None and app.reference is not None and app.round_id != rnd.id:
        errors["round"] = (
            f"{app.reference} was submitted to another round; its round cannot change."
        )
    elif app is None or app.round_id != rnd.id:
        refusal = _round_refusal(session, rnd.id)
        if refusal:
            errors["round"] = refusal

    if (applicant_city_id is None) == (applicant_body_id is None):
        errors["applicant"] = "Choose one applicant: a member city or an admitted body."
    elif applicant_city_id is not None:
        city = session.get(City, applicant_city_id)
        if city is None:
            errors["applicant"] = f"There is no member city with id {applicant_city_id}."
        elif not city.active:
            errors["applicant"] = f"{city.short_name} is not an active member city."
    else:
        body = session.get(Body, applicant_body_id)
        if body is None:
            errors["applicant"] = f"There is no body with id {applicant_body_id}."
        elif not body.active:
            errors["applicant"] = f"{body.short_name} is switched off in the directory."
        elif rnd is not None and session.get(RoundAdmittedBody, (rnd.id, body.id)) is None:
            errors["applicant"] = f"The round '{rnd.name}' does not admit {body.short_name}."

    if theme_id is not None and rnd is not None:
        theme = session.get(RoundTheme, theme_id)
        if theme is None or theme.round_id != rnd.id:
            errors["theme"] = f"Choose one of the themes of the round '{rnd.name}'."

    if requested_cents is None:
        errors["requested"] = "Requested amount is required."
    elif requested_cents <= 0:
        errors["requested"] = "Requested amount must be more than R 0,00."
    elif rnd is not None and requested_cents > rnd.cap_cents:
        errors["requested"] = (
            f"Requested amount {format_zar(requested_cents)} is over the round's cap of "
            f"{format_zar(rnd.cap_cents)}."
        )

    if starts_on is None:
        errors["starts_on"] = "Start date is required."
    if ends_on is None:
        errors["ends_on"] = "End date is required."
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = "End date must not be before the start date."

    lines = [((d or "").strip(), c) for d, c in budget_lines]
    if not lines:
        errors["budget_lines"] = "Add at least one budget line."
    else:
        for n, (description, cents) in enumerate(lines, start=1):
            if not description:
                errors["budget_lines"] = f"Budget line {n} needs a description."
                break
            if len(description) > 300:
                errors["budget_lines"] = f"Budget line {n}'s description is over 300 characters."
                break
            if cents is None or cents <= 0:
                errors["budget_lines"] = f"Budget line {n} ('{description}') needs an amount."
                break
        else:
            total = sum(c for _d, c in lines)
            # Against a valid request only: a missing or zero request is its own mistake.
            if "requested" not in errors and total != requested_cents:
                errors["budget_lines"] = (
                    f"Budget lines add up to {format_zar(total)}, not the "
                    f"{format_zar(requested_cents)} requested."
                )

    person: Person | None = None
    if contact_person_id is not None:
        person = session.get(Person, contact_person_id)
        if person is None or person.anonymised_at is not None:
            errors["contact_name"] = "The contact person is not in the directory."
    else:
        if not texts["contact_name"]:
            errors["contact_name"] = "Contact person is required."
        if not texts["contact_email"]:
            errors["contact_email"] = "Contact email is required."
        elif not _EMAIL.match(texts["contact_email"]):
            errors["contact_email"] = (
                f"'{texts['contact_email']}' is not an email address (name@example.org)."
            )
    if errors:
        raise FieldErrors(errors)
    assert rnd is not None and requested_cents is not None

    if person is None:
        person = _contact_person(
            session,
            name=texts["contact_name"],
            email=texts["contact_email"],
            phone=texts["contact_phone"],
            city_id=applicant_city_id,
            body_id=applicant_body_id,
            now=now,
        )
    values = {
        "round_id": rnd.id,
        "applicant_city_id": applicant_city_id,
        "applicant_body_id": applicant_body_id,
        "title": texts["title"],
        "summary": texts["summary"],
        "problem": texts["problem"],
        "intervention": texts["intervention"],
        "requested_cents": requested_cents,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "contact_person_id": person.id,
        "theme_id": theme_id,
    }
    if app is None:
        app = Application(state=S.DRAFT.value, state_changed_at=now, created_at=now, **values)
        session.add(app)
        session.flush()
        action, source, changed = "create", None, ""
    else:
        changed_fields = changed_keys(app, values)
        old_lines = session.execute(
            select(BudgetLine.description, BudgetLine.amount_cents)
            .where(BudgetLine.application_id == app.id)
            .order_by(BudgetLine.position)
        ).all()
        if [tuple(r) for r in old_lines] != lines:
            changed_fields.append("budget_lines")
        for key, value in values.items():
            setattr(app, key, value)
        action, source = "edit", app.state
        changed = "changed: " + change_words(changed_fields, _WORDS) if changed_fields else ""
    session.execute(delete(BudgetLine).where(BudgetLine.application_id == app.id))
    add_budget_lines(session, app.id, lines)
    audit(
        session,
        "application",
        app.id,
        action,
        actor=actor,
        now=now,
        from_state=source,
        to_state=app.state,
        detail=changed,
    )
    session.flush()
    return app.id


# How the audit names the fields an edit changed (the others by their labels).
_WORDS = {
    "round_id": "round",
    "applicant_city_id": "applicant",
    "applicant_body_id": "applicant",
    "contact_person_id": "contact person",
    "theme_id": "theme",
    "requested_cents": "requested amount",
    **{key: label.lower() for key, label in FIELD_LABELS.items()},
}


def _contact_person(
    session: Session,
    *,
    name: str,
    email: str,
    phone: str,
    city_id: int | None,
    body_id: int | None,
    now: datetime,
) -> Person:
    """The directory entry with this email, or a new one (the applicant gave it: consent)."""
    found = session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
    if found is not None:
        return found
    return new_contact_person(
        session,
        name=name,
        email=email,
        phone=phone,
        city_id=city_id,
        body_id=body_id,
        role=PersonRole.OFFICIAL.value,
        now=now,
    )


def new_contact_person(
    session: Session,
    *,
    name: str,
    email: str,
    phone: str,
    city_id: int | None,
    body_id: int | None,
    role: str,
    now: datetime,
) -> Person:
    """A directory entry for an application's contact, who gave their details: consent, from
    the day it was written (flushed, so it has its id)."""
    person = Person(
        full_name=name,
        title="",
        city_id=city_id,
        body_id=body_id,
        role=role,
        email=email,
        phone=phone,
        consent_basis=ConsentBasis.CONSENT.value,
        consent_recorded_on=south_african_day(now),
        active=True,
    )
    session.add(person)
    session.flush()
    return person


def add_budget_lines(
    session: Session, application_id: int, lines: Sequence[tuple[str, int]]
) -> None:
    """Add an application's budget lines (description, cents), numbered from 1 in order."""
    for position, (description, cents) in enumerate(lines, start=1):
        session.add(
            BudgetLine(
                application_id=application_id,
                position=position,
                description=description,
                amount_cents=cents,
            )
        )
