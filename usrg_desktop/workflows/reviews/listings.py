"""Review and scoring: the reviewers and assignments lists, and recording a panel's decisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .. import Actor, Column, Listing, WorkflowError
from ..grants.listings import REVIEW_POINTS_SQL, score_value
from ..system.dates import by_first_text, sast_minutes

if TYPE_CHECKING:
    from ...storage import Database

REVIEWER_COLUMNS = [
    Column("name", "Reviewer"),
    Column("organisation", "Organisation"),
    Column("email", "Email"),
    Column("expertise", "Expertise"),
    Column("assigned", "Assigned", "int"),
    Column("scored", "Scored", "int"),
    Column("conflicts", "Conflicts", "int"),
    Column("active", "Active", "bool"),
]

ASSIGNMENT_COLUMNS = [
    Column("reference", "Application"),
    Column("title", "Title"),
    Column("reviewer", "Reviewer"),
    Column("method", "Method"),
    Column("status", "Status"),
    Column("score", "Score", "score"),
    Column("recommendation", "Recommendation"),
    Column("assigned_at", "Assigned", "datetime"),
    Column("scored_at", "Scored", "datetime"),
]


def reviewer_listing(db: Database) -> Listing:
    """Every reviewer with their organisation, workload, scored reviews and declared conflicts."""
    rows = db.rows(
        """
        SELECT p.full_name, COALESCE(city.short_name, body.short_name), p.email, rv.expertise,
               COALESCE(work.assigned, 0), COALESCE(work.scored, 0), COALESCE(cf.n, 0), rv.active,
               rv.id
        FROM reviewers rv
        JOIN people p ON p.id = rv.person_id
        LEFT JOIN cities city ON city.id = p.city_id
        LEFT JOIN bodies body ON body.id = p.body_id
        LEFT JOIN (
            SELECT reviewer_id, COUNT(*) AS assigned,
                   SUM(CASE WHEN status = 'scored' THEN 1 ELSE 0 END) AS scored
            FROM assignments GROUP BY reviewer_id
        ) work ON work.reviewer_id = rv.id
        LEFT JOIN (
            SELECT reviewer_id, COUNT(*) AS n FROM conflicts GROUP BY reviewer_id
        ) cf ON cf.reviewer_id = rv.id
        ORDER BY rv.id
        """
    )
    ordered = sorted(
        [
            (
                (
                    name,
                    org,
                    email,
                    expertise,
                    int(assigned),
                    int(scored),
                    int(conflicts),
                    bool(active),
                ),
                int(rid),
            )
            for name, org, email, expertise, assigned, scored, conflicts, active, rid in rows
        ],
        key=lambda pair: by_first_text(pair[0]),
    )
    return Listing(
        "Reviewers",
        REVIEWER_COLUMNS,
        [row for row, _ in ordered],
        ids=[rid for _, rid in ordered],
    )


def assignment_listing(db: Database) -> Listing:
    """Every application-to-reviewer assignment with its status, the review's score and outcome."""
    rows = db.rows(
        f"""
        SELECT app.reference, app.title, p.full_name, a.method, a.status,
               sc.score, a.recommendation, a.assigned_at, a.scored_at, a.id
        FROM assignments a
        JOIN applications app ON app.id = a.application_id
        JOIN reviewers rv ON rv.id = a.reviewer_id
        JOIN people p ON p.id = rv.person_id
        LEFT JOIN (
            SELECT s.assignment_id AS assignment_id, SUM({REVIEW_POINTS_SQL}) AS score
            FROM scores s JOIN criteria c ON c.id = s.criterion_id
            GROUP BY s.assignment_id
        ) sc ON sc.assignment_id = a.id AND a.status = 'scored'
        ORDER BY a.application_id, a.id
        """
    )
    return Listing(
        "Assignments",
        ASSIGNMENT_COLUMNS,
        [
            (
                ref,
                title,
                reviewer,
                method,
                status,
                score_value(score),
                recommendation,
                sast_minutes(assigned),
                sast_minutes(scored),
            )
            for (
                ref,
                title,
                reviewer,
                method,
                status,
                score,
                recommendation,
                assigned,
                scored,
                _id,
            ) in rows
        ],
        ids=[int(row[-1]) for row in rows],
    )


@dataclass(frozen=True)
class DecisionRequest:
    """A tentative decision to record: approve with an amount and conditions, or decline."""

    application_id: int
    approve: bool
    amount_cents: int | None = None
    conditions: str = ""
    reasons: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class DecisionResult:
    """What happened to one decision: recorded, or refused with the sentence why."""

    application_id: int
    reference: str
    approve: bool
    refusal: str | None = None

    @property
    def recorded(self) -> bool:
        """Whether the decision is now on record."""
        return self.refusal is None


def record_decisions(
    db: Database, decisions: Iterable[DecisionRequest], *, actor: Actor, now: datetime
) -> list[DecisionResult]:
    """Record each decision through the state machine, each in its own unit of work.

    Approvals go first in the order given (the budget check sees each one before the next);
    a refused decision changes nothing and its sentence is reported; the others stand.
    """
    from ...domain.grants import Application
    from ..grants import applications

    results: list[DecisionResult] = []
    ordered = sorted(decisions, key=lambda d: not d.approve)
    for d in ordered:
        with db.unit_of_work() as session:
            app = session.get(Application, d.application_id)
            reference = (app.reference or app.title) if app else f"#{d.application_id}"
        try:
            with db.unit_of_work() as session:
                if d.approve:
                    applications.approve(
                        session,
                        application_id=d.application_id,
                        actor=actor,
                        now=now,
                        amount_cents=d.amount_cents or 0,
                        conditions=d.conditions,
                        reasons=d.reasons,
                    )
                else:
                    applications.decline(
                        session,
                        application_id=d.application_id,
                        actor=actor,
                        now=now,
                        reason=d.reasons,
                        feedback=d.feedback,
                    )
        except WorkflowError as exc:
            results.append(DecisionResult(d.application_id, reference, d.approve, str(exc)))
        else:
            results.append(DecisionResult(d.application_id, reference, d.approve))
    return results
