"""Scoring arithmetic (pure): a review's points, an application's score, spread and severity.

The definitions (points on 0–100, counted reviews, spread, disagreement, severity,
standardised points) are in `scoring`'s docstring.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


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
