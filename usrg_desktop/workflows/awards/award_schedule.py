"""An award and its tranche schedule: making the award (its number and default tranches) and
setting a schedule that adds up to the award to the cent."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.awards import (
    Award,
    Decision,
    DecisionOutcome,
    Milestone,
    MilestoneKind,
    Tranche,
    TrancheTrigger,
)
from ...domain.grants import Application, Round
from ...money import format_zar, parse_zar
from .. import Actor, WorkflowError, edit_conflict, get_for_update, insert_rows
from ..system.audit_trail import audit
from ..system.roles import require_staff
from .award_common import (
    AWARDABLE,
    TRIGGER_WORDS,
    S,
    _award,
    _award_dates,
    _default_tranches,
    _next_number,
    _tranches,
    split_cents,
    tranche_label,
)
from .project_dates import (
    is_working_day,
    next_working_day,
    non_working_reason,
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
            audit(
                session,
                "award",
                existing.id,
                "amend_award",
                actor=actor,
                now=now,
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
    # Many rows of one kind in one statement each (an INSERT per row, each returning its id,
    # was a third of the time a batch of award letters spent beside ReportLab).
    insert_rows(session, _default_tranches(award, dates))
    insert_rows(
        session,
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
        ],
    )
    audit(
        session,
        "award",
        award.id,
        "create_award",
        actor=actor,
        now=now,
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
    result: list[tuple[str, int, int, date]] = []
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
    paid = [(t.position, t.paid_on) for t in current if t.paid_on is not None]
    if paid:
        position, paid_on = paid[0]
        raise WorkflowError(
            f"The schedule of {award.number} cannot change: tranche {position} was "
            f"paid on {paid_on.isoformat()}."
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
    audit(
        session,
        "award",
        award.id,
        "set_schedule",
        actor=actor,
        now=now,
        detail="; ".join(
            f"{tranche_label(i, t)} {format_zar(c)} due {d.isoformat()}"
            for i, (t, _p, c, d) in enumerate(plan, start=1)
        ),
    )
    session.flush()
