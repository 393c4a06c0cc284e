"""Read queries of the innovation fund: the applications and rounds lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import Column, Listing
from ..system.dates import iso_date, sast_minutes

if TYPE_CHECKING:
    from ...storage import Database

# A review's score on 0-100: each criterion's weight times its place on the criterion's scale.
# CAST to DOUBLE PRECISION (REAL affinity on SQLite) so no back end divides in integers.
REVIEW_POINTS_SQL = (
    "CAST(c.weight_percent AS DOUBLE PRECISION) * (s.score - c.scale_min)"
    " / (c.scale_max - c.scale_min)"
)

# Mean over an application's scored reviews: every score row of every scored review summed,
# divided by the number of scored reviews. One grouped pass, joined into the list's query.
APPLICATION_SCORES_SQL = f"""
    SELECT a.application_id AS application_id,
           SUM({REVIEW_POINTS_SQL}) / COUNT(DISTINCT a.id) AS score
    FROM assignments a
    JOIN scores s ON s.assignment_id = a.id
    JOIN criteria c ON c.id = s.criterion_id
    WHERE a.status = 'scored'
    GROUP BY a.application_id
"""

APPLICATION_COLUMNS = [
    Column("reference", "Reference"),
    Column("title", "Title"),
    Column("applicant", "Applicant"),
    Column("round", "Round"),
    Column("state", "State"),
    Column("requested", "Requested", "money"),
    Column("score", "Score", "score"),
    Column("last_change", "Last change", "datetime"),
]

ROUND_COLUMNS = [
    Column("name", "Round"),
    Column("status", "Status"),
    Column("opens_on", "Opens", "date"),
    Column("closes_on", "Closes", "date"),
    Column("review_deadline", "Reviews due", "date"),
    Column("budget", "Budget", "money"),
    Column("cap", "Cap per grant", "money"),
    Column("applications", "Applications", "int"),
    Column("requested", "Requested", "money"),
    Column("committed", "Committed", "money"),
]


def score_value(value: object) -> float | None:
    """A score from either back end as a float rounded past any summation-order noise."""
    return None if value is None else round(float(value), 6)  # type: ignore[arg-type]


def application_listing(db: Database) -> Listing:
    """Every application with its applicant, round, state, request, review score and last change."""
    rows = db.rows(
        f"""
        SELECT app.reference, app.title, COALESCE(city.short_name, body.short_name),
               r.name, app.state, app.requested_cents, sc.score, app.state_changed_at, app.id
        FROM applications app
        JOIN rounds r ON r.id = app.round_id
        LEFT JOIN cities city ON city.id = app.applicant_city_id
        LEFT JOIN bodies body ON body.id = app.applicant_body_id
        LEFT JOIN ({APPLICATION_SCORES_SQL}) sc ON sc.application_id = app.id
        ORDER BY app.state_changed_at DESC, app.id DESC
        """
    )
    return Listing(
        "Applications",
        APPLICATION_COLUMNS,
        [
            (
                ref,
                title,
                applicant,
                rnd,
                state.replace("_", " "),  # in_review reads as 'in review'
                int(req),
                score_value(score),
                sast_minutes(changed),
            )
            for ref, title, applicant, rnd, state, req, score, changed, _id in rows
        ],
        ids=[row[8] for row in rows],
    )


def round_listing(db: Database) -> Listing:
    """Every funding round with its dates, budget, applications, amount requested and committed."""
    rows = db.rows(
        """
        SELECT r.id, r.name, r.status, r.opens_on, r.closes_on, r.review_deadline,
               r.budget_cents, r.cap_cents,
               COALESCE(apps.n, 0), COALESCE(apps.requested, 0), COALESCE(granted.committed, 0)
        FROM rounds r
        LEFT JOIN (
            SELECT round_id, COUNT(*) AS n, SUM(requested_cents) AS requested
            FROM applications GROUP BY round_id
        ) apps ON apps.round_id = r.id
        LEFT JOIN (
            SELECT app.round_id AS round_id, SUM(d.amount_cents) AS committed
            FROM decisions d JOIN applications app ON app.id = d.application_id
            WHERE d.outcome = 'approved'
            GROUP BY app.round_id
        ) granted ON granted.round_id = r.id
        ORDER BY r.opens_on DESC, r.id DESC
        """
    )
    return Listing(
        "Rounds",
        ROUND_COLUMNS,
        [
            (
                name,
                status,
                iso_date(opens),
                iso_date(closes),
                iso_date(deadline),
                int(budget),
                int(cap),
                int(n),
                int(requested),
                int(committed),
            )
            for (
                _id,
                name,
                status,
                opens,
                closes,
                deadline,
                budget,
                cap,
                n,
                requested,
                committed,
            ) in rows
        ],
        ids=[int(row[0]) for row in rows],
    )
