"""Recording what happens to an award: tranche payments and cancellations, reports received
and accepted, the signed agreement and the close of the grant."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.awards import Award, Milestone, MilestoneKind, Tranche, TrancheTrigger
from ...money import format_zar
from .. import Actor, WorkflowError, get_for_update
from ..grants.application_states import close, sign_agreement
from ..system.roles import require_staff
from .award_common import (
    S,
    _application,
    _audit,
    _award,
    _by_whom,
    _require_tracked,
    milestone_label,
    tranche_label,
)


# -- payments -----------------------------------------------------------------------------------
def _tranche(session: Session, tranche_id: int) -> tuple[Tranche, Award]:
    tranche = get_for_update(session, Tranche, tranche_id)
    if tranche is None:
        raise WorkflowError(f"There is no tranche with id {tranche_id}.")
    return tranche, _award(session, tranche.award_id, lock=False)


def _check_day(day: date, award: Award, now: datetime, what: str) -> None:
    if day > south_african_day(now):
        raise WorkflowError(f"The {what} date {day.isoformat()} is in the future.")
    if day < award.awarded_on:
        raise WorkflowError(
            f"The {what} date {day.isoformat()} is before {award.number} was awarded on "
            f"{award.awarded_on.isoformat()}."
        )


def not_payable_yet(trigger: str, agreement_signed: bool, reports_accepted: dict[str, bool]) -> str:
    """What a tranche with this trigger still waits for before it may be paid ('' when none):
    'is paid once the grant agreement is signed'. A report the award does not have is not
    waited for."""
    if trigger == TrancheTrigger.SIGNATURE.value and not agreement_signed:
        return "is paid once the grant agreement is signed"
    for tranche_trigger, kind in (
        (TrancheTrigger.INTERIM_REPORT, MilestoneKind.INTERIM_REPORT),
        (TrancheTrigger.FINAL_REPORT, MilestoneKind.FINAL_REPORT),
    ):
        if trigger == tranche_trigger.value and reports_accepted.get(kind.value) is False:
            return f"is paid once the {kind.value} is accepted"
    return ""


def record_tranche_payment(
    session: Session,
    *,
    tranche_id: int,
    paid_on: date,
    reference: str,
    actor: Actor,
    now: datetime,
) -> None:
    """Record that a tranche was paid in full on `paid_on`, with the payment's reference.

    A tranche is paid once its trigger has happened: the agreement signed, or the interim or
    final report accepted.
    """
    require_staff(actor, "record a payment")
    tranche, award = _tranche(session, tranche_id)
    name = f"{tranche_label(tranche.position, tranche.trigger)} of {award.number}"
    _require_tracked(session, award, "be paid")
    if tranche.paid_on is not None:
        who = _by_whom(session, award, "pay_tranche", name)
        raise WorkflowError(f"{name} was already paid on {tranche.paid_on.isoformat()}{who}.")
    if tranche.cancelled_reason:
        who = _by_whom(session, award, "cancel_tranche", name)
        raise WorkflowError(f"{name} was cancelled{who} ({tranche.cancelled_reason}).")
    if not reference.strip():
        raise WorkflowError(f"Give the payment reference for {name}.")
    _check_day(paid_on, award, now, "payment")
    accepted = {
        m.kind: m.accepted_on is not None
        for m in session.scalars(select(Milestone).where(Milestone.award_id == award.id))
    }
    waiting = not_payable_yet(tranche.trigger, award.agreement_signed_on is not None, accepted)
    if waiting:
        raise WorkflowError(f"{name} {waiting}.")
    tranche.paid_on = paid_on
    tranche.paid_cents = tranche.amount_cents
    _audit(
        session,
        actor,
        now,
        award.id,
        "pay_tranche",
        detail=f"{name}: {format_zar(tranche.amount_cents)} paid on {paid_on.isoformat()}, "
        f"reference {reference.strip()}",
    )
    session.flush()


def cancel_tranche(
    session: Session, *, tranche_id: int, reason: str, actor: Actor, now: datetime
) -> None:
    """Cancel an unpaid tranche, with the reason (it then no longer falls due)."""
    require_staff(actor, "cancel a tranche")
    tranche, award = _tranche(session, tranche_id)
    name = f"{tranche_label(tranche.position, tranche.trigger)} of {award.number}"
    if award.closed_on is not None:
        raise WorkflowError(f"Award {award.number} is closed.")
    if tranche.paid_on is not None:
        who = _by_whom(session, award, "pay_tranche", name)
        raise WorkflowError(
            f"{name} was paid on {tranche.paid_on.isoformat()}{who}; it stays paid."
        )
    if tranche.cancelled_reason:
        who = _by_whom(session, award, "cancel_tranche", name)
        raise WorkflowError(f"{name} is already cancelled{who}.")
    if not reason.strip():
        raise WorkflowError(f"Give a reason to cancel {name}.")
    tranche.cancelled_reason = reason.strip()
    _audit(session, actor, now, award.id, "cancel_tranche", reason=reason.strip(), detail=name)
    session.flush()


# -- reports ------------------------------------------------------------------------------------
def _milestone(session: Session, milestone_id: int) -> tuple[Milestone, Award]:
    milestone = get_for_update(session, Milestone, milestone_id)
    if milestone is None:
        raise WorkflowError(f"There is no reporting milestone with id {milestone_id}.")
    return milestone, _award(session, milestone.award_id, lock=False)


def record_report_received(
    session: Session, *, milestone_id: int, received_on: date, actor: Actor, now: datetime
) -> None:
    """Record the day a report (interim or final) came in."""
    require_staff(actor, "record a report")
    milestone, award = _milestone(session, milestone_id)
    name = f"The {milestone.kind} of {award.number}"
    _require_tracked(session, award, "take reports")
    if milestone.received_on is not None:
        who = _by_whom(session, award, "receive_report", milestone_label(milestone.kind))
        raise WorkflowError(
            f"{name} was already received on {milestone.received_on.isoformat()}{who}."
        )
    _check_day(received_on, award, now, "received")
    milestone.received_on = received_on
    _audit(
        session,
        actor,
        now,
        award.id,
        "receive_report",
        detail=f"{milestone_label(milestone.kind)} received on {received_on.isoformat()}",
    )
    session.flush()


def accept_report(
    session: Session,
    *,
    milestone_id: int,
    actor: Actor,
    now: datetime,
    accepted_on: date | None = None,
    note: str = "",
) -> None:
    """Accept a received report (on `accepted_on`, today by default)."""
    require_staff(actor, "accept a report")
    milestone, award = _milestone(session, milestone_id)
    name = f"The {milestone.kind} of {award.number}"
    _require_tracked(session, award, "take reports")
    if milestone.received_on is None:
        raise WorkflowError(f"{name} has not been received yet.")
    if milestone.accepted_on is not None:
        who = _by_whom(session, award, "accept_report", milestone_label(milestone.kind))
        raise WorkflowError(
            f"{name} was already accepted on {milestone.accepted_on.isoformat()}{who}."
        )
    day = accepted_on or south_african_day(now)
    _check_day(day, award, now, "acceptance")
    if day < milestone.received_on:
        raise WorkflowError(
            f"{name} cannot be accepted on {day.isoformat()}, before it was received on "
            f"{milestone.received_on.isoformat()}."
        )
    milestone.accepted_on = day
    if note.strip():
        milestone.note = note.strip()
    _audit(
        session,
        actor,
        now,
        award.id,
        "accept_report",
        detail=f"{milestone_label(milestone.kind)} accepted on {day.isoformat()}",
    )
    session.flush()


# -- agreement and close ------------------------------------------------------------------------
def record_agreement_signed(
    session: Session, *, award_id: int, signed_on: date, actor: Actor, now: datetime
) -> None:
    """Record the day the grant agreement was signed; the grant becomes active."""
    require_staff(actor, "record a signed agreement")
    award = _award(session, award_id)
    app = _application(session, award)
    if app.state != S.AWARDED.value:
        raise WorkflowError(
            f"The agreement of {award.number} is recorded once the award letter is out and "
            f"before the grant is active; the application is {app.state.replace('_', ' ')}."
        )
    _check_day(signed_on, award, now, "signature")
    award.agreement_signed_on = signed_on
    sign_agreement(session, application_id=app.id, actor=actor, now=now)
    _audit(
        session, actor, now, award.id, "sign_agreement", detail=f"signed {signed_on.isoformat()}"
    )
    session.flush()


def close_award(session: Session, *, award_id: int, actor: Actor, now: datetime) -> None:
    """Close a grant: the application goes active → closed and the award gets its closing date."""
    award = _award(session, award_id)
    close(session, application_id=award.application_id, actor=actor, now=now)
    _audit(session, actor, now, award.id, "close_award", detail=award.number)
    session.flush()
