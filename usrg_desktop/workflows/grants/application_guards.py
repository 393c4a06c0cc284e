"""What the application state machine checks before a move: a draft complete enough to
submit, the screening checklist passed, and what a round has committed already."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Decision, DecisionOutcome
from ...domain.directory import City
from ...domain.grants import (
    Application,
    ApplicationState,
    BudgetLine,
    Round,
    RoundAdmittedBody,
    RoundStatus,
    ScreeningCheck,
    ScreeningResult,
)
from ...money import format_zar

S = ApplicationState


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
