"""Aggregation and ranking of a round's reviews: scores on 0–100, spread, severity, funding line.

This module gathers the public names of the modules that hold them, so that
`from usrg_desktop.workflows import scoring` keeps working:

- `scoring_points`: a review's points, an application's score and spread, reviewer severity
  and standardised points (pure: plain dataclasses in, plain dataclasses out, so they can be
  checked against hand-worked examples)
- `scoring_funding`: the ranking, the funding line and what-if decisions (pure)
- `scoring_round`: `round_ranking`, which loads one round's inputs from the database, and the
  Ranking screen's lists

New code may import from those modules directly.

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

from .scoring_funding import (
    FUNDED_STATES,
    RANKED_STATES,
    Candidate,
    RankedRow,
    Tentative,
    WhatIf,
    rank,
    what_if,
)
from .scoring_points import (
    DISAGREEMENT_POINTS,
    ApplicationScore,
    CriterionScale,
    Review,
    Severity,
    aggregate,
    fmean,
    pstdev,
    review_points,
    reviewer_severity,
    standardised_points,
)
from .scoring_round import (
    RANKING_COLUMNS,
    SEVERITY_COLUMNS,
    RoundRanking,
    ranking_listing,
    round_ranking,
    round_reviews,
    severity_listing,
)

__all__ = [
    "ApplicationScore",
    "Candidate",
    "CriterionScale",
    "DISAGREEMENT_POINTS",
    "FUNDED_STATES",
    "RANKED_STATES",
    "RANKING_COLUMNS",
    "RankedRow",
    "Review",
    "RoundRanking",
    "SEVERITY_COLUMNS",
    "Severity",
    "Tentative",
    "WhatIf",
    "aggregate",
    "fmean",
    "pstdev",
    "rank",
    "ranking_listing",
    "review_points",
    "reviewer_severity",
    "round_ranking",
    "round_reviews",
    "severity_listing",
    "standardised_points",
    "what_if",
]
