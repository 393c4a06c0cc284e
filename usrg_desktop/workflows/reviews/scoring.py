"""Aggregation and ranking of a round's reviews: scores on 0–100, spread, severity, funding line.

The arithmetic is pure (plain dataclasses in, plain dataclasses out) so it can be checked
against hand-worked examples; `round_ranking` loads one round's inputs from the database.

Definitions (the numbers the Ranking screen shows):

- A review's points: each criterion score mapped from its scale to 0–100
  ((score − min) / (max − min) × 100), weighted by the criterion's weight, divided by the
  weights of the criteria scored. With every criterion scored and weights summing to 100 this
  is the same figure as the applications list's score column.
- An application's score: the mean of its counted reviews' points. A review is counted when
  the assignment is scored and the reviewer is not in conflict (no declared conflict, no
  affiliation with the applicant, assignment not marked as conflict).
- Spread: the range, highest minus lowest counted review points (0 with one review). The
  range, not the standard deviation, because with three reviewers it reads as "the reviewers
  were this many points apart", which a panel understands.
- Disagreement is flagged when the spread is at least DISAGREEMENT_POINTS.
- Reviewer severity: the mean, over the applications a reviewer scored that someone else also
  scored, of (their points − the mean points of the other reviewers). Negative = harsher.
- Standardised points: each reviewer's points as z-scores over their own reviews in the
  round, rescaled to the round's overall mean and standard deviation of points and clipped
  to 0–100. A reviewer with fewer than two reviews, or all reviews equal, is only shifted by
  (round mean − their mean). The raw score is always shown beside it.
- Funding line: walk down the ranking adding each application's amount (its approved amount
  if approved, else the amount requested; declined ones are skipped) while the total stays
  within the round's budget; the first application that does not fit, and all below it, are
  under the line.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Decision, DecisionOutcome
from ...domain.directory import Body, City
from ...domain.grants import Application, ApplicationState, Round
from ...domain.reviews import Assignment, AssignmentStatus, Conflict, Criterion, Score
from ...money import format_zar
from .. import Column, Listing, WorkflowError


def fmean(values: Sequence[float] | Iterable[float]) -> float:
    """The arithmetic mean of floats (plain float arithmetic; `statistics` is exact and slow)."""
    values = list(values)
    return math.fsum(values) / len(values)


def pstdev(values: Sequence[float]) -> float:
    """The population standard deviation of floats."""
    mean = fmean(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


# One level on every criterion of a 1–5 scale is 25 points: reviewers that far apart disagree
# about the application, not about a detail.
DISAGREEMENT_POINTS = 25.0

# Applications that take part in the ranking: reviewed or being reviewed, or already decided
# (an approval stays in the ranking as it goes on to be awarded, active and closed).
FUNDED_STATES = (
    ApplicationState.APPROVED.value,
    ApplicationState.AWARDED.value,
    ApplicationState.ACTIVE.value,
    ApplicationState.CLOSED.value,
)
RANKED_STATES = (
    ApplicationState.IN_REVIEW.value,
    ApplicationState.REVIEWED.value,
    ApplicationState.DECLINED.value,
    *FUNDED_STATES,
)


@dataclass(frozen=True)
class CriterionScale:
    """A criterion's weight and scale, all the arithmetic needs."""

    id: int
    weight_percent: int
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class Review:
    """One reviewer's scores on one application; `excluded` when the reviewer is in conflict."""

    application_id: int
    reviewer_id: int
    scores: Mapping[int, int]  # criterion id -> score
    excluded: bool = False


@dataclass(frozen=True)
class ApplicationScore:
    """An application's aggregate: mean points on 0–100, spread, count, flag, standardised mean."""

    application_id: int
    score: float | None
    spread: float | None
    count: int
    disagreement: bool
    standardised: float | None = None


@dataclass(frozen=True)
class Severity:
    """How a reviewer's points compare with the other reviewers' on the same applications."""

    reviewer_id: int
    deviation: float | None  # mean (own − others' mean); negative = harsher
    compared: int  # applications with at least one other counted review
    reviews: int


def review_points(criteria: Mapping[int, CriterionScale], scores: Mapping[int, int]) -> float:
    """One review on 0–100: weighted mean of each criterion score mapped from its scale."""
    total = weights = 0.0
    for criterion_id, score in scores.items():
        c = criteria[criterion_id]
        total += c.weight_percent * (score - c.scale_min) / (c.scale_max - c.scale_min) * 100
        weights += c.weight_percent
    if not weights:
        raise ValueError("a review without scores has no points")
    return total / weights


def _counted(
    criteria: Mapping[int, CriterionScale], reviews: Iterable[Review]
) -> dict[int, dict[int, float]]:
    """application id -> reviewer id -> points, counted reviews only."""
    # Per criterion: weight, scale minimum, and points per step of the scale (weighted).
    factors = {
        c.id: (c.weight_percent, c.scale_min, c.weight_percent * 100 / (c.scale_max - c.scale_min))
        for c in criteria.values()
    }
    points: dict[int, dict[int, float]] = defaultdict(dict)
    for r in reviews:
        if r.excluded or not r.scores:
            continue
        total = weights = 0.0
        for criterion_id, score in r.scores.items():
            weight, low, step = factors[criterion_id]
            total += (score - low) * step
            weights += weight
        points[r.application_id][r.reviewer_id] = total / weights
    return points


def standardised_points(
    points: Mapping[int, Mapping[int, float]],
) -> dict[int, dict[int, float]]:
    """Each review's points standardised per reviewer and rescaled to the round's mean and SD."""
    everything = [p for by_reviewer in points.values() for p in by_reviewer.values()]
    if not everything:
        return {}
    round_mean, round_sd = fmean(everything), pstdev(everything)
    own: dict[int, list[float]] = defaultdict(list)
    for by_reviewer in points.values():
        for reviewer_id, p in by_reviewer.items():
            own[reviewer_id].append(p)
    stats = {r: (fmean(mine), pstdev(mine)) for r, mine in own.items()}
    result: dict[int, dict[int, float]] = {}
    for app_id, by_reviewer in points.items():
        result[app_id] = {}
        for reviewer_id, p in by_reviewer.items():
            mean, sd = stats[reviewer_id]
            value = round_mean + (p - mean) / sd * round_sd if sd > 0 else p - mean + round_mean
            result[app_id][reviewer_id] = min(100.0, max(0.0, value))
    return result


def aggregate(
    criteria: Sequence[CriterionScale], reviews: Iterable[Review]
) -> dict[int, ApplicationScore]:
    """Per application with at least one review: score, spread, count, flag, standardised."""
    reviews = list(reviews)
    points = _counted({c.id: c for c in criteria}, reviews)
    return _aggregate(points, {r.application_id for r in reviews})


def _aggregate(
    points: Mapping[int, Mapping[int, float]], application_ids: Iterable[int]
) -> dict[int, ApplicationScore]:
    standard = standardised_points(points)
    result: dict[int, ApplicationScore] = {}
    for app_id in application_ids:
        mine = list(points.get(app_id, {}).values())
        if not mine:
            result[app_id] = ApplicationScore(app_id, None, None, 0, False, None)
            continue
        spread = max(mine) - min(mine)
        result[app_id] = ApplicationScore(
            app_id,
            fmean(mine),
            spread,
            len(mine),
            spread >= DISAGREEMENT_POINTS,
            fmean(standard[app_id].values()),
        )
    return result


def reviewer_severity(
    criteria: Sequence[CriterionScale], reviews: Iterable[Review]
) -> dict[int, Severity]:
    """Each reviewer's mean deviation from the other reviewers on the applications they share."""
    return _severity(_counted({c.id: c for c in criteria}, reviews))


def _severity(points: Mapping[int, Mapping[int, float]]) -> dict[int, Severity]:
    deviations: dict[int, list[float]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for by_reviewer in points.values():
        for reviewer_id, p in by_reviewer.items():
            counts[reviewer_id] += 1
            others = [q for r, q in by_reviewer.items() if r != reviewer_id]
            if others:
                deviations[reviewer_id].append(p - fmean(others))
    return {
        r: Severity(r, fmean(deviations[r]) if deviations[r] else None, len(deviations[r]), n)
        for r, n in counts.items()
    }


# -- ranking, funding line and what-if --------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An application in the ranking: what the funding line needs to know about it."""

    application_id: int
    reference: str
    title: str
    applicant: str
    state: str
    requested_cents: int
    approved_cents: int | None = None  # the recorded decision's amount, when approved


@dataclass(frozen=True)
class RankedRow:
    """One line of the ranking: rank, the candidate, its score and where the funding line falls."""

    rank: int
    candidate: Candidate
    score: ApplicationScore
    cumulative_cents: int
    above_line: bool


def rank(
    candidates: Iterable[Candidate],
    scores: Mapping[int, ApplicationScore],
    budget_cents: int,
    *,
    standardised: bool = False,
) -> list[RankedRow]:
    """Candidates by score (highest first, unscored last), with the funding line marked."""

    def key(c: Candidate) -> tuple:
        s = scores.get(c.application_id)
        value = None if s is None else (s.standardised if standardised else s.score)
        return (value is None, -(value or 0.0), c.reference)

    rows: list[RankedRow] = []
    cumulative, line_reached = 0, False
    for i, c in enumerate(sorted(candidates, key=key), start=1):
        s = scores.get(c.application_id) or ApplicationScore(c.application_id, None, None, 0, False)
        above = False
        if c.state != ApplicationState.DECLINED.value and not line_reached:
            amount = c.approved_cents if c.approved_cents is not None else c.requested_cents
            if s.score is not None and cumulative + amount <= budget_cents:
                cumulative += amount
                above = True
            else:
                line_reached = True
        rows.append(RankedRow(i, c, s, cumulative, above))
    return rows


@dataclass(frozen=True)
class Tentative:
    """A decision being tried: approve with an amount, or decline (amount None)."""

    approve: bool
    amount_cents: int | None = None


@dataclass(frozen=True)
class WhatIf:
    """The budget with the tentative decisions: committed, remaining and what is wrong."""

    budget_cents: int
    recorded_cents: int
    tentative_cents: int
    problems: dict[int, str] = field(default_factory=dict)

    @property
    def committed_cents(self) -> int:
        """Recorded approvals plus tentative ones."""
        return self.recorded_cents + self.tentative_cents

    @property
    def remaining_cents(self) -> int:
        """Budget left after recorded and tentative approvals (negative when over)."""
        return self.budget_cents - self.committed_cents

    @property
    def over_budget(self) -> bool:
        """Whether the tentative approvals take the round over its budget."""
        return self.remaining_cents < 0


def what_if(
    candidates: Iterable[Candidate],
    tentative: Mapping[int, Tentative],
    *,
    budget_cents: int,
    cap_cents: int,
    recorded_cents: int,
) -> WhatIf:
    """Committed vs remaining budget if the tentative decisions were recorded, with problems."""
    by_id = {c.application_id: c for c in candidates}
    total, problems = 0, {}
    for app_id, t in tentative.items():
        c = by_id.get(app_id)
        if c is None:
            problems[app_id] = "This application is not in the round's ranking."
            continue
        if c.state != ApplicationState.REVIEWED.value:
            problems[app_id] = (
                f"{c.reference} is {c.state.replace('_', ' ')}; only reviewed applications "
                "can be decided."
            )
            continue
        if not t.approve:
            continue
        amount = t.amount_cents or 0
        if amount <= 0:
            problems[app_id] = f"The amount for {c.reference} must be more than R 0,00."
        elif amount > c.requested_cents:
            problems[app_id] = (
                f"{format_zar(amount)} for {c.reference} is more than the "
                f"{format_zar(c.requested_cents)} requested."
            )
        elif amount > cap_cents:
            problems[app_id] = (
                f"{format_zar(amount)} for {c.reference} is over the round's cap of "
                f"{format_zar(cap_cents)}."
            )
        total += max(amount, 0)
    return WhatIf(budget_cents, recorded_cents, total, problems)


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
