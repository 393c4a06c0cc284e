"""Awards after the decision: number, tranche schedule, payments, reports, overdue items, close.

Money is integer cents. A schedule is split to the cent with the largest-remainder method: each
tranche first gets the whole cents of its exact share, then the cents left over go one by one to
the tranches with the largest fractions of a cent, the earlier tranche first on a tie. So the
tranches always add up to the award exactly, and no tranche is more than one cent off its exact
share (R 333 333,33 at 50/40/10 % is R 166 666,67 + R 133 333,33 + R 33 333,33: the odd cent goes
to the 50 % tranche, whose share had the largest fraction, half a cent).

Due dates come from `dateutil.relativedelta` counted from the award date, so a month end stays
a month end (31 August + 6 months is 28 February, or 29 February in a leap year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.accounts import Role
from ..domain.audit import AuditEvent
from ..domain.awards import (
    Award,
    Decision,
    DecisionOutcome,
    Milestone,
    MilestoneKind,
    Tranche,
    TrancheTrigger,
)
from ..domain.grants import Application, ApplicationState, Round
from ..money import format_zar
from . import Actor, PermissionDenied, WorkflowError

S = ApplicationState
STAFF = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT})
# States in which an application has (or may get) an award.
AWARDABLE = frozenset({S.APPROVED, S.AWARDED, S.ACTIVE, S.CLOSED})
# Payments and reports are recorded once the award letter is out and until the grant is closed.
TRACKED = frozenset({S.AWARDED, S.ACTIVE})

# The default schedule: (trigger, percent, months after the award date).
DEFAULT_SCHEDULE: tuple[tuple[TrancheTrigger, int, int], ...] = (
    (TrancheTrigger.SIGNATURE, 50, 1),
    (TrancheTrigger.INTERIM_REPORT, 40, 6),
    (TrancheTrigger.FINAL_REPORT, 10, 12),
)
# Reporting milestones: (kind, months after the award date).
DEFAULT_MILESTONES: tuple[tuple[MilestoneKind, int], ...] = (
    (MilestoneKind.INTERIM_REPORT, 6),
    (MilestoneKind.FINAL_REPORT, 12),
)
TRIGGER_WORDS = {
    TrancheTrigger.SIGNATURE.value: "on signature",
    TrancheTrigger.INTERIM_REPORT.value: "on the interim report",
    TrancheTrigger.FINAL_REPORT.value: "on the final report",
    TrancheTrigger.OTHER.value: "other",
}
_SAST_OFFSET = timedelta(hours=2)


# -- pure helpers -------------------------------------------------------------------------------
def split_cents(total_cents: int, weights: Sequence[int]) -> list[int]:
    """Split `total_cents` in proportion to `weights`, to the cent, adding up exactly.

    Largest remainder: whole cents first, then one cent each to the largest fractions (earlier
    first on a tie).
    """
    if total_cents < 0:
        raise ValueError("total_cents must not be negative")
    if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative and add up to more than zero")
    whole = sum(weights)
    shares = [divmod(total_cents * w, whole) for w in weights]
    amounts = [q for q, _ in shares]
    left = total_cents - sum(amounts)
    order = sorted(range(len(weights)), key=lambda i: (-shares[i][1], i))
    for i in order[:left]:
        amounts[i] += 1
    return amounts


def due_after(start: date, months: int) -> date:
    """The date `months` calendar months after `start` (a month end stays within its month)."""
    return start + relativedelta(months=months)


def sast_day(now: datetime) -> date:
    """The South African calendar day of a UTC moment (naive values are taken as UTC)."""
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return (now + _SAST_OFFSET).date()


def tranche_label(position: int, trigger: str) -> str:
    """How a tranche is named on screen and in letters: 'Tranche 1 (on signature)'."""
    return f"Tranche {position} ({TRIGGER_WORDS.get(trigger, trigger)})"


def milestone_label(kind: str) -> str:
    """How a reporting milestone is named: 'Interim report'."""
    return kind[:1].upper() + kind[1:]


# -- shared plumbing ----------------------------------------------------------------------------
def _require_staff(actor: Actor, what: str) -> None:
    if actor.role not in STAFF:
        raise PermissionDenied(f"Only the secretariat or an administrator may {what}.")


def _audit(
    session: Session,
    actor: Actor,
    now: datetime,
    entity_id: int,
    action: str,
    *,
    reason: str = "",
    detail: str = "",
) -> None:
    session.add(
        AuditEvent(
            occurred_at=now,
            actor_user_id=actor.user_id,
            actor_name=actor.name,
            entity="award",
            entity_id=entity_id,
            action=action,
            reason=reason,
            detail=detail,
        )
    )


def _award(session: Session, award_id: int, *, lock: bool = True) -> Award:
    award = session.get(Award, award_id, with_for_update=lock)
    if award is None:
        raise WorkflowError(f"There is no award with id {award_id}.")
    return award


def _application(session: Session, award: Award) -> Application:
    app = session.get(Application, award.application_id)
    assert app is not None
    return app


def _require_tracked(session: Session, award: Award, what: str) -> Application:
    app = _application(session, award)
    if S(app.state) not in TRACKED:
        when = (
            "before the award letter is issued"
            if app.state == S.APPROVED.value
            else f"while the application is {app.state.replace('_', ' ')}"
        )
        raise WorkflowError(f"Award {award.number} cannot {what} {when}.")
    return app


def _next_number(session: Session, year: int) -> str:
    """The next USRG-AW-<year>-<nnn>: above every number ever given out, even an undone one."""
    prefix = f"USRG-AW-{year}-"
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    used = session.scalars(select(Award.number).where(Award.number.like(prefix + "%"))).all()
    # Award numbers also live on in the append-only audit log, so a number is never reused.
    logged = session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.entity == "award",
            AuditEvent.action == "create_award",
            AuditEvent.detail.like(prefix + "%"),
        )
    ).all()
    highest = 0
    for number in (*used, *(d.split(" ")[0] for d in logged)):
        match = pattern.match(number)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1:03d}"


def _default_tranches(award: Award) -> list[Tranche]:
    amounts = split_cents(award.amount_cents, [p for _, p, _ in DEFAULT_SCHEDULE])
    return [
        Tranche(
            award_id=award.id,
            position=position,
            trigger=trigger.value,
            percent=percent,
            amount_cents=cents,
            due_on=due_after(award.awarded_on, months),
            cancelled_reason="",
        )
        for position, ((trigger, percent, months), cents) in enumerate(
            zip(DEFAULT_SCHEDULE, amounts, strict=True), start=1
        )
    ]


def _tranches(session: Session, award_id: int) -> list[Tranche]:
    return list(
        session.scalars(
            select(Tranche).where(Tranche.award_id == award_id).order_by(Tranche.position)
        )
    )


# -- the award ----------------------------------------------------------------------------------
def ensure_award(session: Session, *, application_id: int, actor: Actor, now: datetime) -> int:
    """The award of an approved (or later) application, created with the default schedule if
    it has none yet; returns the award's id. Calling it again changes nothing.

    While the application is still approved (no letter out) and nothing is paid, an award whose
    amount no longer matches the decision (the decision was reversed and taken again) is brought
    back in line with a fresh default schedule.
    """
    _require_staff(actor, "create an award")
    app = session.get(Application, application_id, with_for_update=True)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    name = app.reference or f"the draft '{app.title}'"
    existing = session.scalar(select(Award).where(Award.application_id == app.id))
    if S(app.state) not in AWARDABLE:
        raise WorkflowError(
            f"{name} is {app.state.replace('_', ' ')}; only an approved application gets an award."
        )
    decision = session.scalar(select(Decision).where(Decision.application_id == app.id))
    if existing is not None:
        if (
            decision is not None
            and decision.amount_cents
            and app.state == S.APPROVED.value
            and existing.amount_cents != decision.amount_cents
            and not any(t.paid_on for t in _tranches(session, existing.id))
        ):
            old = existing.amount_cents
            existing.amount_cents = decision.amount_cents
            _replace_tranches(session, existing, _default_tranches(existing))
            _audit(
                session,
                actor,
                now,
                existing.id,
                "amend_award",
                detail=f"{existing.number} amount {format_zar(old)} → "
                f"{format_zar(existing.amount_cents)}",
            )
            session.flush()
        return existing.id
    if (
        decision is None
        or decision.outcome != DecisionOutcome.APPROVED.value
        or not decision.amount_cents
    ):
        raise WorkflowError(f"{name} has no approval with an amount on record.")
    rnd = session.get(Round, app.round_id)
    assert rnd is not None
    awarded_on = sast_day(now)
    award = Award(
        number=_next_number(session, rnd.year),
        application_id=app.id,
        amount_cents=decision.amount_cents,
        awarded_on=awarded_on,
    )
    session.add(award)
    session.flush()
    session.add_all(_default_tranches(award))
    session.add_all(
        Milestone(award_id=award.id, kind=kind.value, due_on=due_after(awarded_on, months), note="")
        for kind, months in DEFAULT_MILESTONES
    )
    _audit(
        session,
        actor,
        now,
        award.id,
        "create_award",
        detail=f"{award.number} for {app.reference}, {format_zar(award.amount_cents)}",
    )
    session.flush()
    return award.id


def _replace_tranches(session: Session, award: Award, tranches: list[Tranche]) -> None:
    for old in _tranches(session, award.id):
        session.delete(old)
    session.flush()
    session.add_all(tranches)
    session.flush()
