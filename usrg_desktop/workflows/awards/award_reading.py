"""Reading awards: the overdue tranches and reports, the award screen's one read
(`award_detail`), and finding an award by application or number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Award, Milestone, Tranche
from ...domain.grants import Application
from .. import WorkflowError
from .award_common import (
    _application,
    _award,
    _tranches,
    close_problems,
    milestone_label,
    tranche_label,
)


# -- overdue items ------------------------------------------------------------------------------
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
    from ...domain.directory import Body, City

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
