"""The application state machine: one function per transition, each with its guard and audit.

Every function takes the session of the caller's unit of work, the acting user and `now`,
checks the actor's role and the guard before it writes anything, and records an audit event in
the same transaction. A refused transition raises a WorkflowError whose message says why in one
sentence; because nothing was written, the unit of work leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, object_session

from ..clock import south_african_day
from ..domain.accounts import Role, User
from ..domain.audit import AuditEvent
from ..domain.awards import Award, Decision, DecisionOutcome
from ..domain.directory import Body, City, ConsentBasis, Person, PersonRole
from ..domain.grants import (
    Application,
    ApplicationState,
    Attachment,
    AttachmentKind,
    BudgetLine,
    Round,
    RoundAdmittedBody,
    RoundStatus,
    ScreeningCheck,
    ScreeningResult,
)
from ..domain.reviews import Assignment, AssignmentStatus
from ..money import format_zar
from . import (
    Actor,
    FieldErrors,
    PermissionDenied,
    WorkflowError,
    check_version,
    get_for_update,
)
from .audit_trail import audit
from .dates import sast_minutes, utc_now
from .roles import STAFF, require_staff

S = ApplicationState
ADMIN = frozenset({Role.ADMINISTRATOR})
# Withdrawal is possible from any state before the award.
WITHDRAWABLE = frozenset(
    {
        S.DRAFT,
        S.SUBMITTED,
        S.SCREENING,
        S.IN_REVIEW,
        S.REVIEWED,
        S.APPROVED,
        S.INELIGIBLE,
        S.DECLINED,
    }
)


@dataclass(frozen=True)
class Transition:
    """One arrow of the state machine."""

    action: str
    label: str
    sources: frozenset[ApplicationState]
    target: ApplicationState
    roles: frozenset[Role]
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", "Submit", frozenset({S.DRAFT}), S.SUBMITTED, STAFF),
        Transition(
            "start_screening", "Start screening", frozenset({S.SUBMITTED}), S.SCREENING, STAFF
        ),
        Transition("mark_eligible", "Eligible", frozenset({S.SCREENING}), S.IN_REVIEW, STAFF),
        Transition(
            "mark_ineligible",
            "Ineligible",
            frozenset({S.SCREENING}),
            S.INELIGIBLE,
            STAFF,
            needs_reason=True,
        ),
        Transition(
            "complete_review", "All reviews in", frozenset({S.IN_REVIEW}), S.REVIEWED, STAFF
        ),
        Transition("approve", "Approve", frozenset({S.REVIEWED}), S.APPROVED, STAFF),
        Transition(
            "decline", "Decline", frozenset({S.REVIEWED}), S.DECLINED, STAFF, needs_reason=True
        ),
        Transition(
            "mark_awarded", "Award letter issued", frozenset({S.APPROVED}), S.AWARDED, STAFF
        ),
        Transition("sign_agreement", "Agreement signed", frozenset({S.AWARDED}), S.ACTIVE, STAFF),
        Transition("close", "Final report accepted", frozenset({S.ACTIVE}), S.CLOSED, STAFF),
        Transition("withdraw", "Withdraw", WITHDRAWABLE, S.WITHDRAWN, STAFF, needs_reason=True),
        # Going backwards is an administrator's action with a reason.
        Transition(
            "reopen_screening",
            "Re-open screening",
            frozenset({S.IN_REVIEW, S.INELIGIBLE}),
            S.SCREENING,
            ADMIN,
            needs_reason=True,
        ),
        Transition(
            "reverse_decision",
            "Reverse decision",
            frozenset({S.APPROVED, S.DECLINED}),
            S.REVIEWED,
            ADMIN,
            needs_reason=True,
        ),
    )
}

_ROLE_WORDS = {STAFF: "the secretariat or an administrator", ADMIN: "an administrator"}


def _load(session: Session, application_id: int) -> Application:
    app = get_for_update(session, Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    return app


def _name(app: Application) -> str:
    return app.reference or f"the draft '{app.title}'"


def _moved_there_by(app: Application) -> str:
    """' (moved there by Thandi Nkosi at 2026-11-25 21:04)': who put the application in its
    state, so a refusal says what another workstation did a moment ago."""
    session = object_session(app)
    if session is None or app.id is None:
        return ""
    last = session.execute(
        select(AuditEvent.actor_name, AuditEvent.occurred_at)
        .where(
            AuditEvent.entity == "application",
            AuditEvent.entity_id == app.id,
            AuditEvent.to_state == app.state,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return ""
    return f" (moved there by {last.actor_name} at {sast_minutes(last.occurred_at)})"


def _check_allowed(app: Application, transition: Transition, actor: Actor, reason: str) -> None:
    if actor.role not in transition.roles:
        raise PermissionDenied(
            f"Only {_ROLE_WORDS[transition.roles]} may {transition.label.lower()} an application."
        )
    if S(app.state) not in transition.sources:
        raise WorkflowError(
            f"{_name(app)} is {app.state.replace('_', ' ')}{_moved_there_by(app)}, so it cannot "
            f"be moved to {transition.target.value.replace('_', ' ')}; nothing was changed."
        )
    if transition.needs_reason and not reason.strip():
        raise WorkflowError(f"Give a reason to {transition.label.lower()} {_name(app)}.")


def _move(
    session: Session,
    app: Application,
    transition: Transition,
    actor: Actor,
    now: datetime,
    reason: str = "",
    detail: str = "",
) -> ApplicationState:
    source = app.state
    app.state = transition.target.value
    app.state_changed_at = now
    if transition.target is S.WITHDRAWN:
        app.withdrawn_reason = reason.strip()
    _audit(
        session,
        app,
        actor,
        now,
        transition.action,
        source,
        transition.target.value,
        reason=reason.strip(),
        detail=detail,
    )
    session.flush()
    return transition.target


# -- guards -------------------------------------------------------------------------------------
def submission_problems(session: Session, app: Application) -> list[str]:
    """Everything that stops a draft being submitted, each as a sentence naming the field."""
    problems: list[str] = []
    for field, label in (
        ("title", "Title"),
        ("summary", "Summary"),
        ("problem", "Problem addressed"),
        ("intervention", "Intervention"),
    ):
        if not (getattr(app, field) or "").strip():
            problems.append(f"{label} is required.")
    if app.requested_cents <= 0:
        problems.append("Requested amount must be more than R 0,00.")
    if app.starts_on is None or app.ends_on is None:
        problems.append("Start and end dates are required.")
    elif app.ends_on < app.starts_on:
        problems.append("End date is before the start date.")
    if app.contact_person_id is None:
        problems.append("Contact person is required.")
    lines = session.scalars(
        select(BudgetLine.amount_cents).where(BudgetLine.application_id == app.id)
    ).all()
    if not lines:
        problems.append("Budget lines are required.")
    elif sum(lines) != app.requested_cents:
        problems.append(
            f"Budget lines add up to {format_zar(sum(lines))}, not the "
            f"{format_zar(app.requested_cents)} requested."
        )
    rnd = session.get(Round, app.round_id)
    assert rnd is not None
    if rnd.status != RoundStatus.OPEN.value:
        problems.append(f"The round '{rnd.name}' is {rnd.status}, not open for applications.")
    if app.requested_cents > rnd.cap_cents:
        problems.append(
            f"Requested amount {format_zar(app.requested_cents)} is over the round's cap of "
            f"{format_zar(rnd.cap_cents)}."
        )
    if app.applicant_city_id is not None:
        city = session.get(City, app.applicant_city_id)
        if city is None or not city.active:
            problems.append("Applicant must be an active member city.")
    elif app.applicant_body_id is not None:
        admitted = session.get(RoundAdmittedBody, (app.round_id, app.applicant_body_id))
        if admitted is None:
            problems.append("Applicant is a body this round does not admit.")
    return problems


def _screening_gaps(session: Session, app: Application) -> list[str]:
    checks = session.execute(
        select(ScreeningCheck.label, ScreeningResult.passed)
        .outerjoin(
            ScreeningResult,
            (ScreeningResult.check_id == ScreeningCheck.id)
            & (ScreeningResult.application_id == app.id),
        )
        .where(ScreeningCheck.round_id == app.round_id)
        .order_by(ScreeningCheck.position)
    ).all()
    if not checks:
        return ["the round has no screening checklist"]
    return [label for label, passed in checks if not passed]


def _committed_cents(session: Session, round_id: int) -> int:
    return (
        session.scalar(
            select(func.coalesce(func.sum(Decision.amount_cents), 0))
            .join(Application, Application.id == Decision.application_id)
            .where(
                Application.round_id == round_id,
                Decision.outcome == DecisionOutcome.APPROVED.value,
                Application.state.not_in([S.WITHDRAWN.value]),
            )
        )
        or 0
    )


# -- transitions --------------------------------------------------------------------------------
def submit(session: Session, *, application_id: int, actor: Actor, now: datetime) -> str:
    """Submit a complete draft; it gets its never-reused reference USRG-IF-<year>-<round>-<nnn>."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["submit"], actor, "")
    problems = submission_problems(session, app)
    if problems:
        raise WorkflowError(f"'{app.title}' cannot be submitted: " + " ".join(problems))
    rnd = get_for_update(session, Round, app.round_id)
    assert rnd is not None
    if app.reference is None:
        rnd.last_sequence += 1
        app.sequence = rnd.last_sequence
        app.reference = f"USRG-IF-{rnd.year}-{rnd.number}-{rnd.last_sequence:03d}"
    _move(session, app, TRANSITIONS["submit"], actor, now)
    return app.reference


def start_screening(session: Session, *, application_id: int, actor: Actor, now: datetime) -> None:
    """Take a submitted application into screening."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["start_screening"], actor, "")
    _move(session, app, TRANSITIONS["start_screening"], actor, now)


def record_screening(
    session: Session,
    *,
    application_id: int,
    check_id: int,
    passed: bool,
    actor: Actor,
    now: datetime,
    note: str = "",
) -> None:
    """Tick (or untick) one screening check of an application in screening."""
    app = _load(session, application_id)
    require_staff(actor, "screen applications")
    if app.state != S.SCREENING.value:
        raise WorkflowError(f"{_name(app)} is not in screening.")
    check = session.get(ScreeningCheck, check_id)
    if check is None or check.round_id != app.round_id:
        raise WorkflowError("That screening check is not on this round's checklist.")
    result = session.get(ScreeningResult, (application_id, check_id))
    if result is None:
        result = ScreeningResult(
            application_id=application_id,
            check_id=check_id,
            passed=passed,
            note=note,
            checked_by_user_id=actor.user_id,
            checked_at=now,
        )
        session.add(result)
    else:
        result.passed, result.note = passed, note
        result.checked_by_user_id, result.checked_at = actor.user_id, now
    session.flush()


def mark_eligible(session: Session, *, application_id: int, actor: Actor, now: datetime) -> None:
    """Pass screening: every check on the round's checklist must be ticked."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["mark_eligible"], actor, "")
    gaps = _screening_gaps(session, app)
    if gaps:
        raise WorkflowError(
            f"{_name(app)} cannot go to review: not yet ticked in screening: {'; '.join(gaps)}."
        )
    _move(session, app, TRANSITIONS["mark_eligible"], actor, now)


def mark_ineligible(
    session: Session, *, application_id: int, actor: Actor, now: datetime, reason: str
) -> None:
    """Fail screening, with the reason the ineligibility notice will give."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["mark_ineligible"], actor, reason)
    _move(session, app, TRANSITIONS["mark_ineligible"], actor, now, reason)


def complete_review(session: Session, *, application_id: int, actor: Actor, now: datetime) -> None:
    """Close an application's review once the round's number of reviews are in."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["complete_review"], actor, "")
    rnd = session.get(Round, app.round_id)
    assert rnd is not None
    scored = (
        session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(
                Assignment.application_id == app.id,
                Assignment.status == AssignmentStatus.SCORED.value,
            )
        )
        or 0
    )
    if scored < rnd.reviews_needed:
        raise WorkflowError(
            f"{_name(app)} has {scored} of the {rnd.reviews_needed} reviews it needs."
        )
    _move(session, app, TRANSITIONS["complete_review"], actor, now)


def approve(
    session: Session,
    *,
    application_id: int,
    actor: Actor,
    now: datetime,
    amount_cents: int,
    conditions: str = "",
    reasons: str = "",
) -> None:
    """Approve a reviewed application for an amount within the request, the cap and the budget."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["approve"], actor, "")
    rnd = get_for_update(session, Round, app.round_id)
    assert rnd is not None
    if amount_cents <= 0:
        raise WorkflowError("The approved amount must be more than R 0,00.")
    if amount_cents > app.requested_cents:
        raise WorkflowError(
            f"The approved amount {format_zar(amount_cents)} is more than the "
            f"{format_zar(app.requested_cents)} requested."
        )
    if amount_cents > rnd.cap_cents:
        raise WorkflowError(
            f"The approved amount {format_zar(amount_cents)} is over the round's cap of "
            f"{format_zar(rnd.cap_cents)}."
        )
    remaining = rnd.budget_cents - _committed_cents(session, rnd.id)
    if amount_cents > remaining:
        raise WorkflowError(
            f"Approving {format_zar(amount_cents)} would exceed the round's budget: only "
            f"{format_zar(remaining)} is uncommitted."
        )
    _replace_decision(
        session,
        app,
        DecisionOutcome.APPROVED,
        actor,
        now,
        amount_cents,
        conditions=conditions,
        reasons=reasons,
    )
    _move(
        session,
        app,
        TRANSITIONS["approve"],
        actor,
        now,
        reasons,
        detail=f"amount {format_zar(amount_cents)}",
    )


def decline(
    session: Session,
    *,
    application_id: int,
    actor: Actor,
    now: datetime,
    reason: str,
    feedback: str = "",
) -> None:
    """Decline a reviewed application, with the reasons and the panel's feedback for the letter."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["decline"], actor, reason)
    _replace_decision(
        session, app, DecisionOutcome.DECLINED, actor, now, None, reasons=reason, feedback=feedback
    )
    _move(session, app, TRANSITIONS["decline"], actor, now, reason)


def _replace_decision(
    session: Session,
    app: Application,
    outcome: DecisionOutcome,
    actor: Actor,
    now: datetime,
    amount_cents: int | None,
    *,
    conditions: str = "",
    reasons: str = "",
    feedback: str = "",
) -> None:
    old = session.scalar(select(Decision).where(Decision.application_id == app.id))
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(
        Decision(
            application_id=app.id,
            outcome=outcome.value,
            amount_cents=amount_cents,
            conditions=conditions,
            reasons=reasons,
            feedback=feedback,
            decided_at=now,
            decided_by_user_id=actor.user_id,
        )
    )


def mark_awarded(session: Session, *, application_id: int, actor: Actor, now: datetime) -> None:
    """Record that the award letter went out: the award must be on record."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["mark_awarded"], actor, "")
    if session.scalar(select(Award.id).where(Award.application_id == app.id)) is None:
        raise WorkflowError(f"{_name(app)} has no award on record yet; issue the award letter.")
    _move(session, app, TRANSITIONS["mark_awarded"], actor, now)


def sign_agreement(session: Session, *, application_id: int, actor: Actor, now: datetime) -> None:
    """Record the signed grant agreement; the award's date of signature must be entered."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["sign_agreement"], actor, "")
    award = session.scalar(select(Award).where(Award.application_id == app.id))
    if award is None or award.agreement_signed_on is None:
        raise WorkflowError(f"Enter the date the agreement for {_name(app)} was signed first.")
    _move(session, app, TRANSITIONS["sign_agreement"], actor, now)


def close(session: Session, *, application_id: int, actor: Actor, now: datetime) -> None:
    """Close an active grant: final report accepted, every tranche paid or cancelled."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["close"], actor, "")
    award = session.scalar(select(Award).where(Award.application_id == app.id))
    if award is None:
        raise WorkflowError(f"{_name(app)} has no award on record.")
    from .award_tracking import close_problems  # award rules live there

    problems = close_problems(session, award.id)
    if problems:
        raise WorkflowError(f"{_name(app)} cannot close: {'; '.join(problems)}.")
    award.closed_on = south_african_day(now)
    _move(session, app, TRANSITIONS["close"], actor, now)


def withdraw(
    session: Session, *, application_id: int, actor: Actor, now: datetime, reason: str
) -> None:
    """Withdraw an application at the applicant's request, from any state before the award."""
    app = _load(session, application_id)
    transition = TRANSITIONS["withdraw"]
    if S(app.state) in {S.AWARDED, S.ACTIVE, S.CLOSED}:
        raise WorkflowError(f"{_name(app)} is {app.state}; an awarded grant cannot be withdrawn.")
    _check_allowed(app, transition, actor, reason)
    _move(session, app, transition, actor, now, reason)


def reopen_screening(
    session: Session, *, application_id: int, actor: Actor, now: datetime, reason: str
) -> None:
    """Administrator: send an application back to screening."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["reopen_screening"], actor, reason)
    _move(session, app, TRANSITIONS["reopen_screening"], actor, now, reason)


def reverse_decision(
    session: Session, *, application_id: int, actor: Actor, now: datetime, reason: str
) -> None:
    """Administrator: undo an approval or a decline (the decision is removed) before the award."""
    app = _load(session, application_id)
    _check_allowed(app, TRANSITIONS["reverse_decision"], actor, reason)
    old = session.scalar(select(Decision).where(Decision.application_id == app.id))
    if old is not None:
        session.delete(old)
    _move(session, app, TRANSITIONS["reverse_decision"], actor, now, reason)


ACTIONS: dict[str, Callable[..., object]] = {
    "submit": submit,
    "start_screening": start_screening,
    "mark_eligible": mark_eligible,
    "mark_ineligible": mark_ineligible,
    "complete_review": complete_review,
    "approve": approve,
    "decline": decline,
    "mark_awarded": mark_awarded,
    "sign_agreement": sign_agreement,
    "close": close,
    "withdraw": withdraw,
    "reopen_screening": reopen_screening,
    "reverse_decision": reverse_decision,
}


def transition_to(
    current: ApplicationState, target: ApplicationState, *, app: Application | None = None
) -> Transition:
    """The transition from `current` to `target`, or a WorkflowError saying there is none
    (naming the application, and who put it in its state, when `app` is given)."""
    for transition in TRANSITIONS.values():
        if current in transition.sources and transition.target is target:
            return transition
    if app is not None:
        raise WorkflowError(
            f"{_name(app)} is {current.value.replace('_', ' ')}{_moved_there_by(app)}, so it "
            f"cannot be moved to {target.value.replace('_', ' ')}; nothing was changed."
        )
    raise WorkflowError(
        f"An application cannot go from {current.value.replace('_', ' ')} to "
        f"{target.value.replace('_', ' ')}."
    )


# == the application form, the screen's actions, history, attachments and screening ============
# Only these states may be edited in the form: before screening starts, the application is
# still what the applicant sent.
EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# What the form's fields are called, for messages that name them.
FIELD_LABELS = {
    "round": "Round",
    "applicant": "Applicant",
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
        elif rnd is not None and session.get(RoundAdmittedBody, (rnd.id, body.id)) is None:
            errors["applicant"] = f"The round '{rnd.name}' does not admit {body.short_name}."

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
    }
    if app is None:
        app = Application(state=S.DRAFT.value, state_changed_at=now, created_at=now, **values)
        session.add(app)
        session.flush()
        action, source, changed = "create", None, ""
    else:
        changed_fields = [k for k, v in values.items() if getattr(app, k) != v]
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
        changed = "changed: " + ", ".join(_changed_words(changed_fields)) if changed_fields else ""
    session.execute(delete(BudgetLine).where(BudgetLine.application_id == app.id))
    for position, (description, cents) in enumerate(lines, start=1):
        session.add(
            BudgetLine(
                application_id=app.id,
                position=position,
                description=description,
                amount_cents=cents,
            )
        )
    _audit(session, app, actor, now, action, source, app.state, detail=changed)
    session.flush()
    return app.id


def _changed_words(keys: list[str]) -> list[str]:
    words = {
        "round_id": "round",
        "applicant_city_id": "applicant",
        "applicant_body_id": "applicant",
        "contact_person_id": "contact person",
        "requested_cents": "requested amount",
    }
    out: list[str] = []
    for key in keys:
        word = words.get(key) or FIELD_LABELS.get(key, key).lower()
        if word not in out:
            out.append(word)
    return out


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
    person = Person(
        full_name=name,
        title="",
        city_id=city_id,
        body_id=body_id,
        role=PersonRole.OFFICIAL.value,
        email=email,
        phone=phone,
        consent_basis=ConsentBasis.CONSENT.value,
        consent_recorded_on=south_african_day(now),
        active=True,
    )
    session.add(person)
    session.flush()
    return person


def _audit(
    session: Session,
    app: Application,
    actor: Actor,
    now: datetime,
    action: str,
    source: str | None,
    target: str | None,
    *,
    reason: str = "",
    detail: str = "",
) -> None:
    audit(
        session,
        actor=actor,
        now=now,
        entity="application",
        entity_id=app.id,
        action=action,
        from_state=source,
        to_state=target,
        reason=reason,
        detail=detail,
    )


# -- what the application screen shows ------------------------------------------------------------
@dataclass(frozen=True)
class BudgetLineView:
    """One budget line as the screen shows it."""

    description: str
    amount_cents: int


@dataclass(frozen=True)
class ApplicationDetails:
    """Everything the application screen and its form show, as plain values."""

    id: int
    reference: str | None
    title: str
    state: str
    round_id: int
    round_name: str
    round_cap_cents: int
    applicant_city_id: int | None
    applicant_body_id: int | None
    applicant: str
    summary: str
    problem: str
    intervention: str
    requested_cents: int
    starts_on: date | None
    ends_on: date | None
    contact_person_id: int | None
    contact_name: str
    contact_email: str
    contact_phone: str
    budget_lines: tuple[BudgetLineView, ...]
    created_at: datetime
    state_changed_at: datetime
    withdrawn_reason: str
    version: int = 1  # the version the form opens, handed back when it saves

    @property
    def label(self) -> str:
        """How the application is named in titles: its reference, or 'Draft: <title>'."""
        return self.reference or f"Draft: {self.title}"

    @property
    def editable(self) -> bool:
        """Whether the form may still change it."""
        return S(self.state) in EDITABLE_STATES


def application_details(session: Session, application_id: int) -> ApplicationDetails:
    """The application with its round, applicant, contact and budget lines."""
    app = session.get(Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    rnd = session.get(Round, app.round_id)
    assert rnd is not None
    if app.applicant_city_id is not None:
        city = session.get(City, app.applicant_city_id)
        applicant = city.short_name if city else ""
    else:
        body = session.get(Body, app.applicant_body_id)
        applicant = body.short_name if body else ""
    person = session.get(Person, app.contact_person_id) if app.contact_person_id else None
    lines = session.execute(
        select(BudgetLine.description, BudgetLine.amount_cents)
        .where(BudgetLine.application_id == app.id)
        .order_by(BudgetLine.position)
    ).all()
    return ApplicationDetails(
        id=app.id,
        reference=app.reference,
        title=app.title,
        state=app.state,
        round_id=rnd.id,
        round_name=rnd.name,
        round_cap_cents=rnd.cap_cents,
        applicant_city_id=app.applicant_city_id,
        applicant_body_id=app.applicant_body_id,
        applicant=applicant,
        summary=app.summary,
        problem=app.problem,
        intervention=app.intervention,
        requested_cents=app.requested_cents,
        starts_on=app.starts_on,
        ends_on=app.ends_on,
        contact_person_id=app.contact_person_id,
        contact_name=person.full_name if person else "",
        contact_email=(person.email or "") if person else "",
        contact_phone=person.phone if person else "",
        budget_lines=tuple(BudgetLineView(d, int(c)) for d, c in lines),
        created_at=app.created_at,
        state_changed_at=app.state_changed_at,
        withdrawn_reason=app.withdrawn_reason,
        version=app.version,
    )


@dataclass(frozen=True)
class RoundChoice:
    """A round the form offers, with the bodies it admits besides the member cities."""

    id: int
    name: str
    status: str
    cap_cents: int
    admitted_bodies: tuple[tuple[int, str], ...]
    takes_applications: bool


@dataclass(frozen=True)
class FormChoices:
    """What the application form's combo boxes offer."""

    rounds: tuple[RoundChoice, ...]
    cities: tuple[tuple[int, str], ...]


def form_choices(session: Session) -> FormChoices:
    """The rounds (newest first, with their admitted bodies) and the active member cities."""
    from .rounds import TAKES_APPLICATIONS

    admitted: dict[int, list[tuple[int, str]]] = {}
    for round_id, body_id, name in session.execute(
        select(RoundAdmittedBody.round_id, Body.id, Body.short_name)
        .join(Body, Body.id == RoundAdmittedBody.body_id)
        .order_by(Body.short_name)
    ):
        admitted.setdefault(round_id, []).append((body_id, name))
    rounds = tuple(
        RoundChoice(
            r.id,
            r.name,
            r.status,
            r.cap_cents,
            tuple(admitted.get(r.id, ())),
            RoundStatus(r.status) in TAKES_APPLICATIONS,
        )
        for r in session.scalars(select(Round).order_by(Round.opens_on.desc(), Round.id.desc()))
    )
    cities = tuple(
        (c.id, c.short_name)
        for c in session.scalars(select(City).where(City.active).order_by(City.short_name))
    )
    return FormChoices(rounds, cities)


# -- the actions of the screen ------------------------------------------------------------------
@dataclass(frozen=True)
class ActionOption:
    """One move the screen offers: enabled, or disabled with the sentence saying why."""

    action: str
    label: str
    enabled: bool
    reason_if_disabled: str
    needs_reason: bool
    target: str


# Stand-ins for what the user is asked for only after pressing the button, so the guards can
# be tried without them: any reason, and the smallest amount one could approve.
_TRIAL_REASON = "(trying the guard)"
_TRIAL_AMOUNT_CENTS = 1


def available_actions(session: Session, *, application_id: int, actor: Actor) -> list[ActionOption]:
    """Every transition out of the application's state, each enabled or with why it is not.

    The guards are not restated here: each transition's own function is tried inside a
    savepoint that is always rolled back, so the screen and the workflow can never disagree.
    """
    app = _load(session, application_id)
    state = S(app.state)
    options: list[ActionOption] = []
    trial_now = utc_now()
    for transition in TRANSITIONS.values():
        if state not in transition.sources:
            continue
        reason = ""
        if actor.role not in transition.roles:
            reason = (
                f"Only {_ROLE_WORDS[transition.roles]} may "
                f"{transition.label.lower()} an application."
            )
        else:
            kwargs: dict[str, object] = {}
            if transition.needs_reason:
                kwargs["reason"] = _TRIAL_REASON
            if transition.action == "approve":
                kwargs["amount_cents"] = _TRIAL_AMOUNT_CENTS
            savepoint = session.begin_nested()
            try:
                ACTIONS[transition.action](
                    session, application_id=application_id, actor=actor, now=trial_now, **kwargs
                )
            except WorkflowError as exc:
                reason = str(exc)
            finally:
                savepoint.rollback()
        options.append(
            ActionOption(
                transition.action,
                transition.label,
                not reason,
                reason,
                transition.needs_reason,
                transition.target.value,
            )
        )
    return options


# -- history ------------------------------------------------------------------------------------
_ACTION_WORDS = {
    "create": "Created",
    "edit": "Edited",
    "attach": "Attached a file",
    "remove_attachment": "Removed a file",
    **{t.action: t.label for t in TRANSITIONS.values()},
}


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event of an application, as the History tab shows it."""

    when: str  # South African time, 'YYYY-MM-DD HH:MM'
    who: str
    action: str
    what: str  # 'Submit', 'Edited', …
    from_state: str
    to_state: str
    reason: str
    detail: str


def application_history(
    session: Session, application_id: int, *, today: date | None = None
) -> list[HistoryEntry]:
    """The application's audit trail, newest first, with its award's events; given `today`,
    the award's overdue tranches and reports come first."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "application", AuditEvent.entity_id == application_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).all()
    entries = [
        HistoryEntry(
            when=sast_minutes(e.occurred_at) or "",
            who=e.actor_name,
            action=e.action,
            what=_ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
            from_state=(e.from_state or "").replace("_", " "),
            to_state=(e.to_state or "").replace("_", " "),
            reason=e.reason,
            detail=e.detail,
        )
        for e in events
    ]
    from .award_tracking import award_history  # payments, reports and what is overdue

    overdue, award_events = award_history(session, application_id, today=today)
    if award_events:
        entries = sorted(entries + award_events, key=lambda h: h.when, reverse=True)
    return overdue + entries


# -- screening checklist ------------------------------------------------------------------------
@dataclass(frozen=True)
class ScreeningItem:
    """One check of the round's checklist with this application's result (None: not checked)."""

    check_id: int
    position: int
    label: str
    passed: bool | None
    note: str
    checked_by: str
    checked_at: str


def screening_checklist(session: Session, application_id: int) -> list[ScreeningItem]:
    """The round's screening checks in order, each with the application's current result."""
    app = session.get(Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    rows = session.execute(
        select(
            ScreeningCheck.id,
            ScreeningCheck.position,
            ScreeningCheck.label,
            ScreeningResult.passed,
            ScreeningResult.note,
            User.display_name,
            ScreeningResult.checked_at,
        )
        .outerjoin(
            ScreeningResult,
            (ScreeningResult.check_id == ScreeningCheck.id)
            & (ScreeningResult.application_id == app.id),
        )
        .outerjoin(User, User.id == ScreeningResult.checked_by_user_id)
        .where(ScreeningCheck.round_id == app.round_id)
        .order_by(ScreeningCheck.position)
    ).all()
    return [
        ScreeningItem(
            check_id,
            position,
            label,
            None if passed is None else bool(passed),
            note or "",
            who or "",
            sast_minutes(when) or "",
        )
        for check_id, position, label, passed, note, who, when in rows
    ]


# -- attachments --------------------------------------------------------------------------------
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_ZIP = b"PK\x03\x04"
# By extension: the media type, what a real file starts with, and (for Office files, which are
# zip archives) a part the archive must hold.
ATTACHMENT_TYPES: dict[str, tuple[str, str, tuple[bytes, ...], str | None]] = {
    ".pdf": ("application/pdf", "PDF", (b"%PDF-",), None),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (.docx)",
        (_ZIP,),
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (.xlsx)",
        (_ZIP,),
        "xl/workbook.xml",
    ),
    ".png": ("image/png", "PNG image", (b"\x89PNG\r\n\x1a\n",), None),
    ".jpg": ("image/jpeg", "JPEG image", (b"\xff\xd8\xff",), None),
    ".jpeg": ("image/jpeg", "JPEG image", (b"\xff\xd8\xff",), None),
}
ATTACHMENT_PATTERNS = " ".join(f"*{ext}" for ext in ATTACHMENT_TYPES)


def _megabytes(n: int) -> str:
    # Rounded up, so a file just over the limit never reads as the limit itself.
    tenths = -(-n * 10 // (1024 * 1024))
    return f"{tenths / 10:.1f} MB".replace(".0 MB", " MB")


def _zip_holds(content: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment as the Attachments tab lists it (without its content)."""

    id: int
    kind: str
    filename: str
    media_type: str
    size_bytes: int
    sha256: str
    added_at: str


def attachment_listing(session: Session, application_id: int) -> list[AttachmentInfo]:
    """The application's attachments, oldest first (their content is not loaded)."""
    rows = session.execute(
        select(
            Attachment.id,
            Attachment.kind,
            Attachment.filename,
            Attachment.media_type,
            Attachment.size_bytes,
            Attachment.sha256,
            Attachment.added_at,
        )
        .where(Attachment.application_id == application_id)
        .order_by(Attachment.added_at, Attachment.id)
    ).all()
    return [
        AttachmentInfo(i, k, f, m, int(s), h, sast_minutes(a) or "") for i, k, f, m, s, h, a in rows
    ]


def add_attachment(
    session: Session,
    *,
    application_id: int,
    path: str | Path,
    kind: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Attach a PDF, DOCX, XLSX, PNG or JPEG file (at most 20 MB) with its SHA-256; its id."""
    require_staff(actor, "attach files")
    app = _load(session, application_id)
    source = Path(path)
    name = source.name
    if kind not in {k.value for k in AttachmentKind}:
        raise WorkflowError(
            f"'{kind}' is not a kind of attachment; choose one of: "
            + ", ".join(k.value for k in AttachmentKind)
            + "."
        )
    known = ATTACHMENT_TYPES.get(source.suffix.lower())
    if known is None:
        raise WorkflowError(
            f"{name} cannot be attached: only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG "
            "files can."
        )
    media_type, type_name, magics, part = known
    try:
        size = source.stat().st_size
        if not source.is_file():
            raise IsADirectoryError(name)
        if size > MAX_ATTACHMENT_BYTES:
            raise WorkflowError(
                f"{name} is {_megabytes(size)}; an attachment may be at most "
                f"{_megabytes(MAX_ATTACHMENT_BYTES)}."
            )
        content = source.read_bytes()
    except OSError as exc:
        raise WorkflowError(
            f"{name} cannot be read: {exc.strerror or 'it is not a file'}."
        ) from exc
    if len(content) > MAX_ATTACHMENT_BYTES:  # it grew after the size was read
        raise WorkflowError(
            f"{name} is {_megabytes(len(content))}; an attachment may be at most "
            f"{_megabytes(MAX_ATTACHMENT_BYTES)}."
        )
    if not content:
        raise WorkflowError(f"{name} is empty.")
    if not content.startswith(magics) or (part is not None and not _zip_holds(content, part)):
        raise WorkflowError(
            f"{name} is not a real {type_name} file, whatever its name says; "
            "save it again from the program that made it."
        )
    digest = hashlib.sha256(content).hexdigest()
    twin = session.scalar(
        select(Attachment.filename).where(
            Attachment.application_id == app.id, Attachment.sha256 == digest
        )
    )
    if twin is not None:
        raise WorkflowError(f"{name} is already attached to {_name(app)} as {twin}.")
    attachment = Attachment(
        application_id=app.id,
        kind=kind,
        filename=name[:255],
        media_type=media_type,
        size_bytes=len(content),
        sha256=digest,
        content=content,
        added_at=now,
    )
    session.add(attachment)
    session.flush()
    _audit(
        session,
        app,
        actor,
        now,
        "attach",
        app.state,
        app.state,
        detail=f"{name} ({kind}, sha256 {digest})",
    )
    session.flush()
    return attachment.id


def remove_attachment(session: Session, *, attachment_id: int, actor: Actor, now: datetime) -> str:
    """Remove an attachment (the audit trail keeps its name and SHA-256); its file name."""
    require_staff(actor, "remove attachments")
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise WorkflowError(f"There is no attachment with id {attachment_id}.")
    app = _load(session, attachment.application_id)
    name, digest = attachment.filename, attachment.sha256
    session.delete(attachment)
    _audit(
        session,
        app,
        actor,
        now,
        "remove_attachment",
        app.state,
        app.state,
        detail=f"{name} ({attachment.kind}, sha256 {digest})",
    )
    session.flush()
    return name


def attachment_to_file(
    session: Session, *, attachment_id: int, folder: str | Path | None = None
) -> Path:
    """Write an attachment's content to a file (in a new temporary folder unless given)."""
    row = session.execute(
        select(Attachment.filename, Attachment.content, Attachment.sha256).where(
            Attachment.id == attachment_id
        )
    ).first()
    if row is None:
        raise WorkflowError(f"There is no attachment with id {attachment_id}.")
    filename, content, digest = row
    if hashlib.sha256(content).hexdigest() != digest:
        raise WorkflowError(f"{filename} is damaged in the database: its SHA-256 does not match.")
    target_folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="usrg-"))
    # Only the last part of the stored name: a name can never write outside the folder.
    safe = Path(filename.replace("\\", "/")).name or f"attachment-{attachment_id}"
    target = target_folder / safe
    try:
        target.write_bytes(content)
    except OSError as exc:
        raise WorkflowError(
            f"{safe} could not be written to {target_folder}: {exc.strerror}."
        ) from exc
    return target
