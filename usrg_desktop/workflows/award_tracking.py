"""Awards after the decision: number, tranche schedule, payments, reports, overdue items, close.

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
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import south_african_day
from ..domain.accounts import Setting
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
from ..money import format_zar, parse_zar
from . import Actor, WorkflowError, by_whom, edit_conflict, get_for_update
from . import applications as state_machine
from .audit_trail import audit
from .dates import sast_minutes
from .project_dates import (
    AwardDates,
    award_dates,
    date_rules,
    is_working_day,
    next_working_day,
    non_working_reason,
)
from .roles import require_staff

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


# -- the award ----------------------------------------------------------------------------------
def ensure_award(session: Session, *, application_id: int, actor: Actor, now: datetime) -> int:
    """The award of an approved (or later) application, created with the default schedule if
    it has none yet; returns the award's id. Calling it again changes nothing.

    While the application is still approved (no letter out) and nothing is paid, an award whose
    amount no longer matches the decision (the decision was reversed and taken again) is brought
    back in line with a fresh default schedule.
    """
    require_staff(actor, "create an award")
    app = get_for_update(session, Application, application_id)
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
            dates = _award_dates(session, app, existing.awarded_on)
            _replace_tranches(session, existing, _default_tranches(existing, dates))
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
    awarded_on = south_african_day(now)
    award = Award(
        number=_next_number(session, rnd.year),
        application_id=app.id,
        amount_cents=decision.amount_cents,
        awarded_on=awarded_on,
    )
    session.add(award)
    session.flush()
    dates = _award_dates(session, app, awarded_on)
    session.add_all(_default_tranches(award, dates))
    session.add_all(
        [
            Milestone(
                award_id=award.id,
                kind=MilestoneKind.INTERIM_REPORT.value,
                due_on=dates.interim_report,
                note="",
            ),
            Milestone(
                award_id=award.id,
                kind=MilestoneKind.FINAL_REPORT.value,
                due_on=dates.final_report,
                note="",
            ),
        ]
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


# -- the schedule -------------------------------------------------------------------------------
def _trigger_of(label: str, row: int) -> str:
    text = label.strip().casefold()
    for trigger in TrancheTrigger:
        if text in (trigger.value, TRIGGER_WORDS[trigger.value]):
            return trigger.value
    choices = ", ".join(f"'{t.value}'" for t in TrancheTrigger)
    raise WorkflowError(f"Tranche {row}: '{label}' is not a trigger; use one of {choices}.")


def _share_of(share: int | str, row: int) -> tuple[int | None, int | None]:
    """(percent, cents) from what was typed: '50 %' is a percent, 'R 1 000,00' or 100000 cents."""
    if isinstance(share, bool):
        raise WorkflowError(f"Tranche {row}: the amount is missing.")
    if isinstance(share, int):
        return None, share
    text = str(share).strip()
    if not text:
        raise WorkflowError(f"Tranche {row}: give a percent (like 50 %) or an amount in rand.")
    if text.endswith("%"):
        number = text[:-1].strip()
        if not number.isdigit():
            raise WorkflowError(f"Tranche {row}: '{text}' is not a whole percent (like 40 %).")
        return int(number), None
    try:
        return None, parse_zar(text)
    except ValueError as exc:
        raise WorkflowError(f"Tranche {row}: {exc}.") from exc


def _due_of(due: date | str | None, row: int) -> date:
    if isinstance(due, date):
        return due
    try:
        return date.fromisoformat(str(due or "").strip())
    except ValueError:
        raise WorkflowError(
            f"Tranche {row}: the due date '{due or ''}' is not a date like 2027-05-31."
        ) from None


def plan_schedule(
    amount_cents: int,
    awarded_on: date,
    rows: Sequence[tuple[str, int | str, date | str | None]],
    keep: Collection[date] = (),
) -> list[tuple[str, int, int, date]]:
    """Check a typed schedule against the award: (trigger, percent, cents, due) per tranche.

    Raises a WorkflowError naming the row, or the difference when the tranches do not add up.
    A due date must be a working day, unless it is one of `keep` (the schedule's dates as they
    are, which an edit of another tranche must not force to change).
    """
    if not rows:
        raise WorkflowError("A schedule needs at least one tranche.")
    parsed = []
    for row, (label, share, due) in enumerate(rows, start=1):
        trigger = _trigger_of(label, row)
        percent, cents = _share_of(share, row)
        due_on = _due_of(due, row)
        if due_on < awarded_on:
            raise WorkflowError(
                f"Tranche {row}: due {due_on.isoformat()} is before the award date "
                f"{awarded_on.isoformat()}."
            )
        if not is_working_day(due_on) and due_on not in keep:
            # The award letter promises these dates: never a weekend or a public holiday.
            raise WorkflowError(
                f"Tranche {row}: {due_on.isoformat()} is {non_working_reason(due_on)}; choose a "
                f"working day (the next one is {next_working_day(due_on).isoformat()})."
            )
        if (percent is not None and percent <= 0) or (cents is not None and cents <= 0):
            raise WorkflowError(f"Tranche {row}: the amount must be more than R 0,00.")
        parsed.append((trigger, percent, cents, due_on))
    percents = [p for _, p, _, _ in parsed]
    if all(p is not None for p in percents):
        total = sum(percents)  # type: ignore[arg-type]
        if total != 100:
            gap = 100 - total
            word = "short of" if gap > 0 else "over"
            raise WorkflowError(
                f"The tranches add up to {total} %, {abs(gap)} % {word} the whole award."
            )
        amounts = split_cents(amount_cents, percents)  # type: ignore[arg-type]
    else:
        # Percents beside amounts: each percent rounded half up to the cent on its own.
        amounts = [
            c if c is not None else (amount_cents * p * 2 + 100) // 200  # type: ignore[operator]
            for _, p, c, _ in parsed
        ]
    total_cents = sum(amounts)
    if total_cents != amount_cents:
        gap = amount_cents - total_cents
        word = "short of" if gap > 0 else "more than"
        raise WorkflowError(
            f"The tranches add up to {format_zar(total_cents)}, {format_zar(abs(gap))} {word} "
            f"the award of {format_zar(amount_cents)}."
        )
    result = []
    for (trigger, percent, _cents, due_on), cents in zip(parsed, amounts, strict=True):
        if cents <= 0:
            raise WorkflowError(
                f"Tranche {len(result) + 1}: {percent} % of the award rounds to R 0,00."
            )
        shown = percent
        if shown is None:
            shown = (cents * 200 + amount_cents) // (2 * amount_cents)
        result.append((trigger, shown, cents, due_on))
    return result


def set_tranche_schedule(
    session: Session,
    *,
    award_id: int,
    tranches: Sequence[tuple[str, int | str, date | str | None]],
    actor: Actor,
    now: datetime,
    seen_version: int | None = None,
) -> None:
    """Replace an award's tranche schedule while nothing is paid; it must add up to the cent.

    Each tranche is (trigger, share, due): share is cents (int), '40 %' or rand text.
    `seen_version` is the award's version when the schedule editor opened: when someone
    changed the schedule since, EditConflict names them and nothing is written.
    """
    require_staff(actor, "change a tranche schedule")
    award = _award(session, award_id)
    if seen_version is not None and award.version != seen_version:
        raise edit_conflict(
            session,
            entity="award",
            entity_id=award.id,
            name=f"the tranche schedule of {award.number}",
            actions=("set_schedule",),
        )
    if award.closed_on is not None:
        raise WorkflowError(f"Award {award.number} is closed; its schedule cannot change.")
    current = _tranches(session, award.id)
    paid = [t for t in current if t.paid_on is not None]
    if paid:
        raise WorkflowError(
            f"The schedule of {award.number} cannot change: tranche {paid[0].position} was "
            f"paid on {paid[0].paid_on.isoformat()}."
        )
    plan = plan_schedule(
        award.amount_cents, award.awarded_on, tranches, keep={t.due_on for t in current}
    )
    _replace_tranches(
        session,
        award,
        [
            Tranche(
                award_id=award.id,
                position=position,
                trigger=trigger,
                percent=percent,
                amount_cents=cents,
                due_on=due_on,
                cancelled_reason="",
            )
            for position, (trigger, percent, cents, due_on) in enumerate(plan, start=1)
        ],
    )
    award.version = (award.version or 1) + 1
    _audit(
        session,
        actor,
        now,
        award.id,
        "set_schedule",
        detail="; ".join(
            f"{tranche_label(i, t)} {format_zar(c)} due {d.isoformat()}"
            for i, (t, _p, c, d) in enumerate(plan, start=1)
        ),
    )
    session.flush()


# -- payments -----------------------------------------------------------------------------------
def _tranche(session: Session, tranche_id: int) -> tuple[Tranche, Award]:
    tranche = get_for_update(session, Tranche, tranche_id)
    if tranche is None:
        raise WorkflowError(f"There is no tranche with id {tranche_id}.")
    return tranche, _award(session, tranche.award_id, lock=False)


def _milestone_of(session: Session, award_id: int, kind: MilestoneKind) -> Milestone | None:
    return session.scalar(
        select(Milestone).where(Milestone.award_id == award_id, Milestone.kind == kind.value)
    )


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
    state_machine.sign_agreement(session, application_id=app.id, actor=actor, now=now)
    _audit(
        session, actor, now, award.id, "sign_agreement", detail=f"signed {signed_on.isoformat()}"
    )
    session.flush()


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


def close_award(session: Session, *, award_id: int, actor: Actor, now: datetime) -> None:
    """Close a grant: the application goes active → closed and the award gets its closing date."""
    award = _award(session, award_id)
    state_machine.close(session, application_id=award.application_id, actor=actor, now=now)
    _audit(session, actor, now, award.id, "close_award", detail=award.number)
    session.flush()


# -- reading: overdue items, the award screen, the application's history -------------------------
@dataclass(frozen=True)
class OverdueItem:
    """An unpaid tranche or an unreceived report whose due date has passed."""

    award_id: int
    application_id: int
    award_number: str
    reference: str
    kind: str  # "tranche" or "report"
    item_id: int
    label: str
    due_on: date
    days_overdue: int

    def sentence(self) -> str:
        """'Tranche 2 (on the interim report) of USRG-AW-2026-001 is 12 days overdue.'"""
        days = f"{self.days_overdue} day{'s' if self.days_overdue != 1 else ''}"
        return (
            f"{self.label} of {self.award_number} was due {self.due_on.isoformat()} "
            f"({days} overdue)."
        )


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def overdue_items(
    session: Session, today: date, *, application_id: int | None = None
) -> list[OverdueItem]:
    """Every overdue tranche and report of open awards on `today`, oldest due first.

    A tranche is overdue when it is neither paid nor cancelled after its due date; a report when
    it has not been received after its due date. Closed awards have nothing overdue.
    """
    open_awards = select(Award.id).where(Award.closed_on.is_(None))
    if application_id is not None:
        open_awards = open_awards.where(Award.application_id == application_id)
    tranches = session.execute(
        select(
            Tranche.id,
            Tranche.position,
            Tranche.trigger,
            Tranche.due_on,
            Award.id,
            Award.application_id,
            Award.number,
            Application.reference,
        )
        .join(Award, Award.id == Tranche.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Tranche.award_id.in_(open_awards),
            Tranche.paid_on.is_(None),
            func.coalesce(Tranche.cancelled_reason, "") == "",
            Tranche.due_on < today,
        )
    ).all()
    reports = session.execute(
        select(
            Milestone.id,
            Milestone.kind,
            Milestone.due_on,
            Award.id,
            Award.application_id,
            Award.number,
            Application.reference,
        )
        .join(Award, Award.id == Milestone.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Milestone.award_id.in_(open_awards),
            Milestone.received_on.is_(None),
            Milestone.due_on < today,
        )
    ).all()
    items = [
        OverdueItem(
            award_id,
            app_id,
            number,
            ref or "",
            "tranche",
            tid,
            tranche_label(position, trigger),
            _as_date(due),
            (today - _as_date(due)).days,
        )
        for tid, position, trigger, due, award_id, app_id, number, ref in tranches
    ] + [
        OverdueItem(
            award_id,
            app_id,
            number,
            ref or "",
            "report",
            mid,
            milestone_label(kind),
            _as_date(due),
            (today - _as_date(due)).days,
        )
        for mid, kind, due, award_id, app_id, number, ref in reports
    ]
    return sorted(items, key=lambda i: (i.due_on, i.award_number, i.kind, i.item_id))


@dataclass(frozen=True)
class TrancheRow:
    """One tranche as the award screen shows it."""

    id: int
    position: int
    label: str
    trigger: str
    percent: int
    amount_cents: int
    due_on: date
    paid_on: date | None
    cancelled_reason: str
    overdue: bool

    @property
    def status(self) -> str:
        """'paid', 'cancelled', 'overdue' or 'due'."""
        if self.paid_on is not None:
            return "paid"
        if self.cancelled_reason:
            return "cancelled"
        return "overdue" if self.overdue else "due"


@dataclass(frozen=True)
class MilestoneRow:
    """One reporting milestone as the award screen shows it."""

    id: int
    kind: str
    label: str
    due_on: date
    received_on: date | None
    accepted_on: date | None
    note: str
    overdue: bool

    @property
    def status(self) -> str:
        """'accepted', 'received', 'overdue' or 'due'."""
        if self.accepted_on is not None:
            return "accepted"
        if self.received_on is not None:
            return "received"
        return "overdue" if self.overdue else "due"


@dataclass(frozen=True)
class AwardDetail:
    """What the award screen shows: header, tranches, milestones, and what may be done."""

    id: int
    number: str
    application_id: int
    reference: str
    title: str
    applicant: str
    state: str
    amount_cents: int
    awarded_on: date
    agreement_signed_on: date | None
    closed_on: date | None
    tranches: tuple[TrancheRow, ...]
    milestones: tuple[MilestoneRow, ...]
    close_problems: tuple[str, ...]
    version: int = 1  # for the schedule editor's check that nobody changed it since

    @property
    def schedule_editable(self) -> bool:
        """The schedule may change while nothing is paid and the award is open."""
        return self.closed_on is None and not any(t.paid_on for t in self.tranches)

    @property
    def paid_cents(self) -> int:
        """What has been paid so far."""
        return sum(t.amount_cents for t in self.tranches if t.paid_on is not None)


def award_detail(session: Session, award_id: int, today: date) -> AwardDetail:
    """Everything the award screen shows about one award, as plain data."""
    from ..domain.directory import Body, City

    award = _award(session, award_id, lock=False)
    app = _application(session, award)
    if app.applicant_city_id is not None:
        city = session.get(City, app.applicant_city_id)
        applicant = city.official_name if city else ""
    else:
        body = session.get(Body, app.applicant_body_id)
        applicant = body.official_name if body else ""
    open_award = award.closed_on is None
    tranches = tuple(
        TrancheRow(
            t.id,
            t.position,
            tranche_label(t.position, t.trigger),
            t.trigger,
            t.percent,
            t.amount_cents,
            t.due_on,
            t.paid_on,
            t.cancelled_reason or "",
            open_award and t.paid_on is None and not t.cancelled_reason and t.due_on < today,
        )
        for t in _tranches(session, award.id)
    )
    milestones = tuple(
        MilestoneRow(
            m.id,
            m.kind,
            milestone_label(m.kind),
            m.due_on,
            m.received_on,
            m.accepted_on,
            m.note or "",
            open_award and m.received_on is None and m.due_on < today,
        )
        for m in session.scalars(
            select(Milestone).where(Milestone.award_id == award.id).order_by(Milestone.due_on)
        )
    )
    return AwardDetail(
        award.id,
        award.number,
        app.id,
        app.reference or "",
        app.title,
        applicant,
        app.state,
        award.amount_cents,
        award.awarded_on,
        award.agreement_signed_on,
        award.closed_on,
        tranches,
        milestones,
        tuple(close_problems(session, award.id)) if open_award else (),
        award.version,
    )


def award_of_application(session: Session, application_id: int) -> int | None:
    """The id of an application's award, or None."""
    return session.scalar(select(Award.id).where(Award.application_id == application_id))


ACTION_WORDS = {
    "create_award": "Award created",
    "amend_award": "Award amended",
    "set_schedule": "Tranche schedule set",
    "pay_tranche": "Tranche paid",
    "cancel_tranche": "Tranche cancelled",
    "receive_report": "Report received",
    "accept_report": "Report accepted",
    "sign_agreement": "Agreement signed",
    "close_award": "Award closed",
}


def award_id_by_number(session: Session, number: str) -> int:
    """The id of the award numbered `number` (as USRG-AW-2026-001), or a sentence saying none."""
    award_id = session.scalar(select(Award.id).where(Award.number == number.strip().upper()))
    if award_id is None:
        raise WorkflowError(f"There is no award numbered '{number}'.")
    return award_id


def award_history(
    session: Session, application_id: int, *, today: date | None = None
) -> tuple[list[state_machine.HistoryEntry], list[state_machine.HistoryEntry]]:
    """For an application's history: (overdue items on `today`, events of its award).

    The overdue items (none without `today`) go above the history as warnings; the award's
    events (payments, reports, schedule) merge into it by time.
    """
    award_id = award_of_application(session, application_id)
    if award_id is None:
        return [], []
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "award", AuditEvent.entity_id == award_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).all()
    happened = [
        state_machine.HistoryEntry(
            when=sast_minutes(e.occurred_at) or "",
            who=e.actor_name,
            action=e.action,
            what=ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
            from_state="",
            to_state="",
            reason=e.reason,
            detail=e.detail,
        )
        for e in events
    ]
    overdue = (
        [
            state_machine.HistoryEntry(
                when=item.due_on.isoformat(),
                who="",
                action="overdue",
                what="Overdue",
                from_state="",
                to_state="",
                reason="",
                detail=item.sentence(),
            )
            for item in overdue_items(session, today, application_id=application_id)
        ]
        if today is not None
        else []
    )
    return overdue, happened
