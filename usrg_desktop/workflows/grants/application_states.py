"""The application state machine: one function per transition, each with its guard and audit.

Every function takes the session of the caller's unit of work, the acting user and `now`,
checks the actor's role and the guard before it writes anything, and records an audit event in
the same transaction. A refused transition raises a WorkflowError whose message says why in one
sentence; because nothing was written, the unit of work leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from ...clock import south_african_day
from ...domain.accounts import Role
from ...domain.audit import AuditEvent
from ...domain.awards import Award, Decision, DecisionOutcome
from ...domain.grants import Application, ApplicationState, Round, ScreeningCheck, ScreeningResult
from ...domain.reviews import Assignment, AssignmentStatus
from ...money import format_zar
from .. import Actor, PermissionDenied, WorkflowError, get_for_update
from ..awards.award_common import close_problems
from ..system.audit_trail import audit
from ..system.dates import sast_minutes
from ..system.roles import STAFF, require_staff
from .application_guards import _committed_cents, _screening_gaps, submission_problems

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
