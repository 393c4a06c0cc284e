"""Read queries of review and scoring: the reviewers and assignments lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import Column, Listing
from .dates import by_first_text, sast_minutes
from .grants import REVIEW_POINTS_SQL, score_value

if TYPE_CHECKING:
    from ..storage import Database

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
               COALESCE(work.assigned, 0), COALESCE(work.scored, 0), COALESCE(cf.n, 0), rv.active
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
    return Listing(
        "Reviewers",
        REVIEWER_COLUMNS,
        sorted(
            [
                (
                    name,
                    org,
                    email,
                    expertise,
                    int(assigned),
                    int(scored),
                    int(conflicts),
                    bool(active),
                )
                for name, org, email, expertise, assigned, scored, conflicts, active in rows
            ],
            key=by_first_text,
        ),
    )


def assignment_listing(db: Database) -> Listing:
    """Every application-to-reviewer assignment with its status, the review's score and outcome."""
    rows = db.rows(
        f"""
        SELECT app.reference, app.title, p.full_name, a.method, a.status,
               sc.score, a.recommendation, a.assigned_at, a.scored_at
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
            ) in rows
        ],
    )
