"""What the award modules share: the schedule's words and sums, the award's number, its rows,
the audit of an award, and the rule of when a grant may close (`close_problems`).


Money is integer cents. A schedule is split to the cent with the largest-remainder method: each
tranche first gets the whole cents of its exact share, then the cents left over go one by one to
the tranches with the largest fractions of a cent, the earlier tranche first on a tie. So the
tranches always add up to the award exactly, and no tranche is more than one cent off its exact
share (R 333 333,33 at 50/40/10 % is R 166 666,67 + R 133 333,33 + R 33 333,33: the odd cent goes
to the 50 % tranche, whose share had the largest fraction, half a cent).

The default due dates follow the project's start and end (`project_dates.award_dates`: the
interim report at the middle, the final report after the end, each moved to the next working
day); `due_after` counts calendar months with `dateutil.relativedelta`, so a month end stays a
month end (31 August + 6 months is 28 February, or 29 February in a leap year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import Setting
from ...domain.audit import AuditEvent
from ...domain.awards import Award, Milestone, MilestoneKind, Tranche, TrancheTrigger
from ...domain.grants import Application, ApplicationState
from .. import Actor, WorkflowError, by_whom, get_for_update
from ..system.audit_trail import audit
from .project_dates import (
    AwardDates,
    award_dates,
    date_rules,
)

S = ApplicationState
# States in which an application has (or may get) an award.
AWARDABLE = frozenset({S.APPROVED, S.AWARDED, S.ACTIVE, S.CLOSED})
# Payments and reports are recorded once the award letter is out and until the grant is closed.
TRACKED = frozenset({S.AWARDED, S.ACTIVE})

# The default schedule: (trigger, percent); the dates come from project_dates.award_dates.
DEFAULT_SCHEDULE: tuple[tuple[TrancheTrigger, int], ...] = (
    (TrancheTrigger.SIGNATURE, 50),
    (TrancheTrigger.INTERIM_REPORT, 40),
    (TrancheTrigger.FINAL_REPORT, 10),
)
TRIGGER_WORDS = {
    TrancheTrigger.SIGNATURE.value: "on signature",
    TrancheTrigger.INTERIM_REPORT.value: "on the interim report",
    TrancheTrigger.FINAL_REPORT.value: "on the final report",
    TrancheTrigger.OTHER.value: "other",
}


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


def tranche_label(position: int, trigger: str) -> str:
    """How a tranche is named on screen and in letters: 'Tranche 1 (on signature)'."""
    return f"Tranche {position} ({TRIGGER_WORDS.get(trigger, trigger)})"


def milestone_label(kind: str) -> str:
    """How a reporting milestone is named: 'Interim report'."""
    return kind[:1].upper() + kind[1:]


# -- shared plumbing ----------------------------------------------------------------------------
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
    audit(
        session,
        actor=actor,
        now=now,
        entity="award",
        entity_id=entity_id,
        action=action,
        reason=reason,
        detail=detail,
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


def _by_whom(session: Session, award: Award, action: str, detail_prefix: str) -> str:
    """' (by NAME at TIME)': who recorded `action` for this tranche or report of the award."""
    return by_whom(
        session, entity="award", entity_id=award.id, actions=(action,), detail_prefix=detail_prefix
    )


_COUNTER_KEY = "awards.last_number"


def _next_number(session: Session, year: int) -> str:
    """The next USRG-AW-<year>-<nnn>: above every number ever given out, even an undone one.

    The last number of each year is kept in the settings table (read under a row lock, so two
    workstations never take the same one); a year without it yet starts from the highest
    number in use or in the audit log, read once.
    """
    prefix = f"USRG-AW-{year}-"
    key = f"{_COUNTER_KEY}.{year}"
    counter = get_for_update(session, Setting, key)
    if counter is None:
        counter = Setting(key=key, value=str(_highest_number_used(session, prefix)))
        session.add(counter)
    highest = int(counter.value) + 1
    counter.value = str(highest)
    return f"{prefix}{highest:03d}"


def _highest_number_used(session: Session, prefix: str) -> int:
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
    return highest


def _default_tranches(award: Award, dates: AwardDates) -> list[Tranche]:
    amounts = split_cents(award.amount_cents, [p for _, p in DEFAULT_SCHEDULE])
    due = {
        TrancheTrigger.SIGNATURE: dates.first_tranche,
        TrancheTrigger.INTERIM_REPORT: dates.interim_tranche,
        TrancheTrigger.FINAL_REPORT: dates.final_tranche,
    }
    return [
        Tranche(
            award_id=award.id,
            position=position,
            trigger=trigger.value,
            percent=percent,
            amount_cents=cents,
            due_on=due[trigger],
            cancelled_reason="",
        )
        for position, ((trigger, percent), cents) in enumerate(
            zip(DEFAULT_SCHEDULE, amounts, strict=True), start=1
        )
    ]


def _award_dates(session: Session, app: Application, awarded_on: date) -> AwardDates:
    return award_dates(
        awarded_on=awarded_on,
        starts_on=app.starts_on,
        ends_on=app.ends_on,
        rules=date_rules(session),
    )


def _tranches(session: Session, award_id: int) -> list[Tranche]:
    return list(
        session.scalars(
            select(Tranche).where(Tranche.award_id == award_id).order_by(Tranche.position)
        )
    )


def _milestone_of(session: Session, award_id: int, kind: MilestoneKind) -> Milestone | None:
    return session.scalar(
        select(Milestone).where(Milestone.award_id == award_id, Milestone.kind == kind.value)
    )


def close_problems(session: Session, award_id: int) -> list[str]:
    """Why an award cannot close yet: the final report not accepted, tranches still open."""
    award = _award(session, award_id, lock=False)
    problems = []
    final = _milestone_of(session, award.id, MilestoneKind.FINAL_REPORT)
    if final is None or final.accepted_on is None:
        problems.append(f"the final report of {award.number} has not been accepted yet")
    open_ = [
        tranche_label(t.position, t.trigger)
        for t in _tranches(session, award.id)
        if t.paid_on is None and not (t.cancelled_reason or "").strip()
    ]
    if open_:
        problems.append(
            f"{', '.join(open_)} {'is' if len(open_) == 1 else 'are'} neither paid nor "
            "cancelled with a reason"
        )
    return problems
