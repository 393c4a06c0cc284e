"""A round's ranking read from the database, and the Ranking screen's lists.

`round_ranking` loads one round's candidates, decisions, counted reviews and conflicts in a
few queries and hands them to the pure arithmetic of `scoring_points` and `scoring_funding`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Decision, DecisionOutcome
from ...domain.directory import Body, City
from ...domain.grants import Application, ApplicationState, Round
from ...domain.reviews import Assignment, AssignmentStatus, Conflict, Criterion, Score
from .. import Column, Listing, WorkflowError
from .scoring_funding import RANKED_STATES, Candidate, RankedRow, Tentative, WhatIf, rank, what_if
from .scoring_points import (
    ApplicationScore,
    CriterionScale,
    Review,
    Severity,
    _aggregate,
    _counted,
    _severity,
)


# -- loading a round --------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundRanking:
    """Everything the Ranking screen shows for one round."""

    round_id: int
    round_name: str
    budget_cents: int
    cap_cents: int
    recorded_cents: int
    criteria: tuple[CriterionScale, ...]
    candidates: tuple[Candidate, ...]
    reviews: tuple[Review, ...]
    scores: dict[int, ApplicationScore]
    severity: dict[int, Severity]
    reviewer_names: dict[int, str]
    reviews_needed: int = 3

    def ranked(self, *, standardised: bool = False) -> list[RankedRow]:
        """The ranking with the funding line, by raw or standardised score."""
        return rank(self.candidates, self.scores, self.budget_cents, standardised=standardised)

    def what_if(self, tentative: Mapping[int, Tentative]) -> WhatIf:
        """The budget if these tentative decisions were recorded."""
        return what_if(
            self.candidates,
            tentative,
            budget_cents=self.budget_cents,
            cap_cents=self.cap_cents,
            recorded_cents=self.recorded_cents,
        )


def round_reviews(session: Session, round_id: int) -> list[Review]:
    """Every scored review of a round, excluded when the reviewer is in conflict."""
    conn = session.connection()  # Core rows fetched at once: no ORM loading, no row-by-row
    # One pass over the round's reviews and their scores (an assignment in conflict may have
    # none): the biggest read of the Ranking screen.
    reviews_by_assignment: dict[int, tuple[int, int, str, int | None, int | None]] = {}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for (
        assignment_id,
        app_id,
        reviewer_id,
        status,
        city_id,
        body_id,
        criterion_id,
        score,
    ) in conn.execute(
        select(
            Assignment.id,
            Assignment.application_id,
            Assignment.reviewer_id,
            Assignment.status,
            Application.applicant_city_id,
            Application.applicant_body_id,
            Score.criterion_id,
            Score.score,
        )
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(Score, Score.assignment_id == Assignment.id)
        .where(
            Application.round_id == round_id,
            Assignment.status.in_([AssignmentStatus.SCORED.value, AssignmentStatus.CONFLICT.value]),
        )
    ).all():
        reviews_by_assignment[assignment_id] = (app_id, reviewer_id, status, city_id, body_id)
        if criterion_id is not None:
            scores[assignment_id][criterion_id] = score
    if not reviews_by_assignment:
        return []
    rows = [(a, *rest) for a, rest in reviews_by_assignment.items()]
    declared = {
        (reviewer_id, app_id)
        for reviewer_id, app_id in conn.execute(
            select(Conflict.reviewer_id, Conflict.application_id)
            .join(Application, Application.id == Conflict.application_id)
            .where(Application.round_id == round_id)
        ).all()
    }
    from .assignment import reviewer_affiliations

    cities, bodies = reviewer_affiliations(session)
    reviews = []
    conflict_status = AssignmentStatus.CONFLICT.value
    for assignment_id, app_id, reviewer_id, status, city_id, body_id in rows:
        excluded = (
            status == conflict_status
            or (reviewer_id, app_id) in declared
            or (city_id is not None and city_id in cities[reviewer_id])
            or (body_id is not None and body_id in bodies[reviewer_id])
        )
        reviews.append(Review(app_id, reviewer_id, scores.get(assignment_id, {}), excluded))
    return reviews


def round_ranking(session: Session, round_id: int) -> RoundRanking:
    """Load one round's candidates, reviews and recorded decisions and aggregate them."""
    from ...domain.directory import Person
    from ...domain.reviews import Reviewer

    rnd = session.get(Round, round_id)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    conn = session.connection()
    criteria = tuple(
        CriterionScale(*row)
        for row in conn.execute(
            select(Criterion.id, Criterion.weight_percent, Criterion.scale_min, Criterion.scale_max)
            .where(Criterion.rubric_id == rnd.rubric_id)
            .order_by(Criterion.position)
        ).all()
    )
    candidates = tuple(
        Candidate(
            app_id,
            ref or "",
            title,
            applicant or "",
            state,
            int(requested),
            int(amount) if outcome == DecisionOutcome.APPROVED.value and amount else None,
        )
        for app_id, ref, title, applicant, state, requested, outcome, amount in conn.execute(
            select(
                Application.id,
                Application.reference,
                Application.title,
                func.coalesce(City.short_name, Body.short_name),
                Application.state,
                Application.requested_cents,
                Decision.outcome,
                Decision.amount_cents,
            )
            .outerjoin(City, City.id == Application.applicant_city_id)
            .outerjoin(Body, Body.id == Application.applicant_body_id)
            .outerjoin(Decision, Decision.application_id == Application.id)
            .where(Application.round_id == round_id, Application.state.in_(RANKED_STATES))
        ).all()
    )
    reviews = tuple(round_reviews(session, round_id))
    points = _counted({c.id: c for c in criteria}, reviews)
    recorded = conn.scalar(
        select(func.coalesce(func.sum(Decision.amount_cents), 0))
        .join(Application, Application.id == Decision.application_id)
        .where(
            Application.round_id == round_id,
            Decision.outcome == DecisionOutcome.APPROVED.value,
            Application.state != ApplicationState.WITHDRAWN.value,
        )
    )
    names = {
        reviewer_id: name
        for reviewer_id, name in conn.execute(
            select(Reviewer.id, Person.full_name).join(Person, Person.id == Reviewer.person_id)
        ).all()
    }
    return RoundRanking(
        round_id=rnd.id,
        round_name=rnd.name,
        budget_cents=rnd.budget_cents,
        cap_cents=rnd.cap_cents,
        recorded_cents=int(recorded or 0),
        criteria=criteria,
        candidates=candidates,
        reviews=reviews,
        scores=_aggregate(points, {r.application_id for r in reviews}),
        severity=_severity(points),
        reviewer_names=names,
        reviews_needed=rnd.reviews_needed,
    )


RANKING_COLUMNS = [
    Column("rank", "Rank", "int"),
    Column("reference", "Application"),
    Column("title", "Title"),
    Column("applicant", "Applicant"),
    Column("state", "State"),
    Column("requested", "Requested", "money"),
    Column("score", "Score", "score"),
    Column("standardised", "Standardised", "score"),
    Column("spread", "Spread", "score"),
    Column("reviews", "Reviews", "int"),
    Column("disagreement", "Disagreement", "bool"),
    Column("cumulative", "Cumulative", "money"),
    Column("above_line", "Within budget", "bool"),
]


def ranking_listing(ranking: RoundRanking, *, standardised: bool = False) -> Listing:
    """The ranking as a list (for the command line and export), the funding line as a column."""
    rows = ranking.ranked(standardised=standardised)
    return Listing(
        f"Ranking: {ranking.round_name}",
        RANKING_COLUMNS,
        [
            (
                r.rank,
                r.candidate.reference,
                r.candidate.title,
                r.candidate.applicant,
                r.candidate.state.replace("_", " "),
                r.candidate.requested_cents,
                _rounded(r.score.score),
                _rounded(r.score.standardised),
                _rounded(r.score.spread),
                r.score.count,
                r.score.disagreement,
                r.cumulative_cents,
                r.above_line,
            )
            for r in rows
        ],
        ids=[r.candidate.application_id for r in rows],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


SEVERITY_COLUMNS = [
    Column("reviewer", "Reviewer"),
    Column("reviews", "Reviews", "int"),
    Column("compared", "Compared", "int"),
    Column("deviation", "Severity", "score"),
]


def severity_listing(ranking: RoundRanking) -> Listing:
    """Each reviewer's severity in the round: mean points above (+) or below (−) the others."""
    rows = sorted(
        ranking.severity.values(),
        key=lambda s: (s.deviation is None, s.deviation or 0.0),
    )
    return Listing(
        f"Reviewer severity: {ranking.round_name}",
        SEVERITY_COLUMNS,
        [
            (
                ranking.reviewer_names.get(s.reviewer_id, f"#{s.reviewer_id}"),
                s.reviews,
                s.compared,
                _rounded(s.deviation),
            )
            for s in rows
        ],
        ids=[s.reviewer_id for s in rows],
    )
