"""Aggregation and ranking against hand-worked examples, and on the demo round of both back ends."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from usrg_desktop.domain.grants import Application, Round
from usrg_desktop.domain.reviews import Assignment, Conflict
from usrg_desktop.workflows.grants import listings as grants
from usrg_desktop.workflows.reviews import scoring
from usrg_desktop.workflows.reviews.scoring import (
    DISAGREEMENT_POINTS,
    Candidate,
    CriterionScale,
    Review,
    Tentative,
)

# Criterion 1: weight 60 on 1–5; criterion 2: weight 40 on 0–10.
CRITERIA = [CriterionScale(1, 60, 1, 5), CriterionScale(2, 40, 0, 10)]
BY_ID = {c.id: c for c in CRITERIA}
REVIEWS = [
    # Application 1: 80 and 70 points; reviewer 3 is in conflict (0 points, not counted).
    Review(1, 1, {1: 5, 2: 5}),  # 60×100 + 40×50 = 8000 / 100 = 80
    Review(1, 2, {1: 3, 2: 10}),  # 60×50 + 40×100 = 7000 / 100 = 70
    Review(1, 3, {1: 1, 2: 0}, excluded=True),
    # Application 2: 77 and 23 points.
    Review(2, 1, {1: 4, 2: 8}),  # 60×75 + 40×80 = 7700 / 100 = 77
    Review(2, 2, {1: 2, 2: 2}),  # 60×25 + 40×20 = 2300 / 100 = 23
]


def test_review_points_map_each_scale_to_0_100_and_weight_them() -> None:
    assert scoring.review_points(BY_ID, {1: 5, 2: 5}) == pytest.approx(80.0)
    assert scoring.review_points(BY_ID, {1: 1, 2: 0}) == 0.0
    assert scoring.review_points(BY_ID, {1: 5, 2: 10}) == pytest.approx(100.0)
    # Only criterion 2 scored: its own mapping, not pulled down by the missing one.
    assert scoring.review_points(BY_ID, {2: 7}) == pytest.approx(70.0)


def test_aggregate_mean_spread_count_and_conflicts_excluded() -> None:
    result = scoring.aggregate(CRITERIA, REVIEWS)
    one, two = result[1], result[2]
    assert (one.score, one.spread, one.count) == (pytest.approx(75.0), pytest.approx(10.0), 2)
    assert one.disagreement is False
    assert (two.score, two.spread, two.count) == (pytest.approx(50.0), pytest.approx(54.0), 2)
    assert two.disagreement is True
    # With the conflicted reviewer counted, application 1 would have been (80+70+0)/3 = 50.
    counted = scoring.aggregate(CRITERIA, [Review(1, 3, {1: 1, 2: 0})] + REVIEWS[:2])
    assert counted[1].score == pytest.approx(50.0)


def test_disagreement_threshold_is_inclusive() -> None:
    criteria = [CriterionScale(1, 100, 1, 5)]
    # 3 and 2 on a 1–5 scale: 50 and 25 points, exactly DISAGREEMENT_POINTS apart.
    result = scoring.aggregate(criteria, [Review(9, 1, {1: 3}), Review(9, 2, {1: 2})])
    assert result[9].spread == DISAGREEMENT_POINTS
    assert result[9].disagreement
    just_below = scoring.aggregate(criteria, [Review(9, 1, {1: 3}), Review(9, 2, {1: 3})])
    assert not just_below[9].disagreement


def test_an_application_with_only_excluded_reviews_has_no_score() -> None:
    result = scoring.aggregate(CRITERIA, [Review(5, 3, {1: 5, 2: 10}, excluded=True)])
    assert result[5].score is None and result[5].count == 0


def test_reviewer_severity_is_the_mean_deviation_from_the_others() -> None:
    severity = scoring.reviewer_severity(CRITERIA, REVIEWS)
    # Reviewer 1: (80 − 70) and (77 − 23): mean 32. Reviewer 2: the mirror image.
    assert severity[1].deviation == pytest.approx(32.0)
    assert severity[2].deviation == pytest.approx(-32.0)
    assert (severity[1].compared, severity[1].reviews) == (2, 2)
    assert 3 not in severity  # a conflicted review says nothing about severity


def test_standardisation_rescales_each_reviewer_to_the_round() -> None:
    # Points: reviewer 1 → 80, 77 (mean 78.5, SD 1.5); reviewer 2 → 70, 23 (mean 46.5, SD 23.5).
    # Round: 80, 77, 70, 23 → mean 62.5, SD √533.25. Each reviewer's better review is z = +1.
    round_sd = math.sqrt(533.25)
    result = scoring.aggregate(CRITERIA, REVIEWS)
    assert result[1].standardised == pytest.approx(62.5 + round_sd)
    assert result[2].standardised == pytest.approx(62.5 - round_sd)
    # The raw score is unchanged beside it.
    assert result[1].score == pytest.approx(75.0)


def test_standardisation_of_a_single_review_only_shifts() -> None:
    criteria = [CriterionScale(1, 100, 1, 5)]
    reviews = [Review(1, 1, {1: 5}), Review(1, 2, {1: 3}), Review(2, 2, {1: 1})]
    # Reviewer 1 has one review (100): shifted to the round mean (100+50+0)/3 = 50.
    points = scoring.standardised_points({1: {1: 100.0, 2: 50.0}, 2: {2: 0.0}})
    assert points[1][1] == pytest.approx(50.0)
    assert scoring.aggregate(criteria, reviews)[1].count == 2


def _candidates() -> list[Candidate]:
    return [
        Candidate(1, "USRG-IF-2026-1-001", "A", "Cape Town", "reviewed", 400),
        Candidate(2, "USRG-IF-2026-1-002", "B", "Msunduzi", "reviewed", 500),
        Candidate(3, "USRG-IF-2026-1-003", "C", "eThekwini", "reviewed", 200),
        Candidate(4, "USRG-IF-2026-1-004", "D", "Nelson Mandela Bay", "declined", 300),
        Candidate(5, "USRG-IF-2026-1-005", "E", "Buffalo City", "in_review", 50),
    ]


def _scores() -> dict[int, scoring.ApplicationScore]:
    values = {1: 90.0, 2: 80.0, 3: 70.0, 4: 85.0}
    return {i: scoring.ApplicationScore(i, v, 0.0, 3, False, 100 - v) for i, v in values.items()}


def test_funding_line_walks_down_the_ranking_until_the_budget_runs_out() -> None:
    rows = scoring.rank(_candidates(), _scores(), 1000)
    assert [r.candidate.application_id for r in rows] == [1, 4, 2, 3, 5]
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]
    # A (400) fits, D is declined and skipped, B brings it to 900, C (200) would make 1100.
    assert [r.above_line for r in rows] == [True, False, True, False, False]
    assert [r.cumulative_cents for r in rows] == [400, 400, 900, 900, 900]
    # A bigger budget takes C in too; the unscored application stays under the line.
    assert [r.above_line for r in scoring.rank(_candidates(), _scores(), 1100)] == [
        True,
        False,
        True,
        True,
        False,
    ]


def test_ranking_by_standardised_score_reorders() -> None:
    rows = scoring.rank(_candidates(), _scores(), 1000, standardised=True)
    assert [r.candidate.application_id for r in rows] == [3, 2, 4, 1, 5]


def test_an_approved_application_counts_at_its_approved_amount() -> None:
    candidates = _candidates()
    candidates[0] = Candidate(1, "USRG-IF-2026-1-001", "A", "Cape Town", "approved", 400, 150)
    rows = scoring.rank(candidates, _scores(), 1000)
    # 150 + 500 + 200 = 850: all three fit now.
    assert [r.above_line for r in rows] == [True, False, True, True, False]


def test_what_if_committed_and_remaining_budget() -> None:
    result = scoring.what_if(
        _candidates(),
        {1: Tentative(True, 400), 2: Tentative(False)},
        budget_cents=1000,
        cap_cents=450,
        recorded_cents=300,
    )
    assert (result.recorded_cents, result.tentative_cents) == (300, 400)
    assert (result.committed_cents, result.remaining_cents) == (700, 300)
    assert not result.over_budget and result.problems == {}
    over = scoring.what_if(
        _candidates(),
        {1: Tentative(True, 400), 2: Tentative(True, 450)},
        budget_cents=1000,
        cap_cents=450,
        recorded_cents=300,
    )
    assert over.remaining_cents == -150 and over.over_budget


def test_what_if_names_amounts_that_could_not_be_recorded() -> None:
    result = scoring.what_if(
        _candidates(),
        {2: Tentative(True, 480), 3: Tentative(True, 250), 4: Tentative(False), 1: Tentative(True)},
        budget_cents=1000,
        cap_cents=450,
        recorded_cents=0,
    )
    assert "over the round's cap of R 4,50" in result.problems[2]
    assert "more than the R 2,00 requested" in result.problems[3]
    assert "declined" in result.problems[4]
    assert "more than R 0,00" in result.problems[1]


# -- on the demo database -------------------------------------------------------------------
def _current_round(session) -> int:
    return session.scalar(select(Round.id).where(Round.status == "reviewing"))


def test_round_ranking_agrees_with_the_applications_list(any_demo_db) -> None:
    with any_demo_db.unit_of_work() as session:
        round_id = _current_round(session)
        ranking = scoring.round_ranking(session, round_id)
        refs = {a.id: a.reference for a in session.scalars(select(Application))}
    listing = grants.application_listing(any_demo_db)
    list_score = {row[0]: row[6] for row in listing.rows}
    scored = [s for s in ranking.scores.values() if s.score is not None]
    assert len(scored) >= 8
    for s in scored:
        assert list_score[refs[s.application_id]] == pytest.approx(s.score, abs=1e-6)
    rows = ranking.ranked()
    values = [r.score.score for r in rows if r.score.score is not None]
    assert values == sorted(values, reverse=True)
    above = [r for r in rows if r.above_line]
    assert (
        above
        and sum(r.candidate.approved_cents or r.candidate.requested_cents for r in above)
        <= ranking.budget_cents
    )
    assert ranking.recorded_cents > 0  # the demo round has approvals on record
    assert any(v.deviation is not None for v in ranking.severity.values())


def test_a_declared_conflict_takes_a_scored_review_out(any_demo_db) -> None:
    with any_demo_db.unit_of_work() as session:
        round_id = _current_round(session)
        before = scoring.round_ranking(session, round_id)
        app_id, s = next(
            (k, v) for k, v in before.scores.items() if v.count == 3 and v.spread and v.spread > 0
        )
        first = session.scalars(
            select(Assignment).where(
                Assignment.application_id == app_id, Assignment.status == "scored"
            )
        ).first()
        session.add(
            Conflict(
                reviewer_id=first.reviewer_id,
                application_id=app_id,
                kind="personal",
                reason="Sister-in-law leads the project",
                declared_at=first.assigned_at,
            )
        )
        session.flush()
        after = scoring.round_ranking(session, round_id).scores[app_id]
    assert after.count == 2
    assert after.score != pytest.approx(s.score)


def test_a_decided_round_ranks_its_funded_grants_at_their_approved_amounts(any_demo_db) -> None:
    with any_demo_db.unit_of_work() as session:
        round_id = session.scalar(select(Round.id).where(Round.status == "decided"))
        ranking = scoring.round_ranking(session, round_id)
    states = {c.state for c in ranking.candidates}
    assert {"awarded", "active", "closed", "declined"} <= states
    funded = [c for c in ranking.candidates if c.state in scoring.FUNDED_STATES]
    assert funded and all(c.approved_cents for c in funded)
    assert ranking.recorded_cents == sum(c.approved_cents for c in funded)
