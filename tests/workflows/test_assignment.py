"""Assignment: properties of the automatic proposal, its explanations, and the database actions."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import City, Person
from usrg_desktop.domain.grants import Application
from usrg_desktop.domain.reviews import (
    Assignment,
    Conflict,
    Criterion,
    Reviewer,
    ReviewerAffiliation,
    Score,
)
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.reviews import assignment as wf
from usrg_desktop.workflows.reviews.assignment import ApplicationToStaff, ReviewerAvailable

from .test_applications import COORD, STAFF, ensure_users, make_application, make_round

NOW = datetime(2026, 11, 25, 8, 0)


# -- the pure proposal ------------------------------------------------------------------------
@st.composite
def situations(draw):
    n_cities = draw(st.integers(1, 5))
    apps = [
        ApplicationToStaff(i, f"USRG-IF-2026-2-{i:03d}", f"City {c}", city_id=c)
        for i, c in enumerate(
            draw(st.lists(st.integers(1, n_cities), min_size=0, max_size=25)), start=1
        )
    ]
    app_ids = [a.id for a in apps]
    reviewers = [
        ReviewerAvailable(
            r,
            f"Reviewer {r:02d}",
            frozenset(draw(st.sets(st.integers(1, n_cities), max_size=2))),
            frozenset(),
            frozenset(draw(st.sets(st.sampled_from(app_ids), max_size=4)) if app_ids else ()),
        )
        for r in range(1, draw(st.integers(0, 9)) + 1)
    ]
    return apps, reviewers, draw(st.integers(1, 4))


@settings(max_examples=300, deadline=None)
@given(situations())
def test_proposal_never_conflicts_staffs_what_it_can_and_balances_load(situation) -> None:
    apps, reviewers, needed = situation
    proposal = wf.propose_assignment(apps, reviewers, needed)
    by_app = {a.id: a for a in apps}
    by_reviewer = {r.id: r for r in reviewers}
    assert len(set(proposal.pairs)) == len(proposal.pairs)
    for app_id, reviewer_id in proposal.pairs:
        assert by_reviewer[reviewer_id].may_review(by_app[app_id])
    load = {r.id: 0 for r in reviewers}
    staffed: dict[int, set[int]] = {a.id: set() for a in apps}
    for app_id, reviewer_id in proposal.pairs:
        load[reviewer_id] += 1
        staffed[app_id].add(reviewer_id)
    assert load == proposal.load
    short = set()
    for app in apps:
        eligible = [r for r in reviewers if r.may_review(app)]
        assert len(staffed[app.id]) == min(needed, len(eligible))
        if len(staffed[app.id]) < needed:
            short.add(app.reference)
        # Balanced: nobody who could take this review has two fewer than its holder.
        for holder in staffed[app.id]:
            for r in eligible:
                if r.id not in staffed[app.id]:
                    assert load[r.id] >= load[holder] - 1
    assert {s.split(" ")[0] for s in proposal.shortfalls} == short


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 30), st.integers(1, 9), st.integers(1, 4))
def test_without_conflicts_loads_are_within_one(n_apps: int, n_reviewers: int, needed: int) -> None:
    apps = [ApplicationToStaff(i, f"A{i:03d}", "x", city_id=1) for i in range(n_apps)]
    reviewers = [ReviewerAvailable(r, f"R{r}") for r in range(n_reviewers)]
    proposal = wf.propose_assignment(apps, reviewers, needed)
    assert max(proposal.load.values()) - min(proposal.load.values()) <= 1
    assert len(proposal.pairs) == n_apps * min(needed, n_reviewers)


def test_existing_assignments_count_and_are_kept() -> None:
    apps = [
        ApplicationToStaff(1, "A1", "x", city_id=1),
        ApplicationToStaff(2, "A2", "x", city_id=1),
    ]
    reviewers = [ReviewerAvailable(r, f"R{r}") for r in (1, 2, 3)]
    proposal = wf.propose_assignment(apps, reviewers, 2, existing=[(1, 1), (1, 2)])
    # A1 is full; A2 takes the two least loaded: R3 (0) and then R1 or R2 (1 each).
    assert [p for p in proposal.pairs if p[0] == 1] == []
    assert len([p for p in proposal.pairs if p[0] == 2]) == 2
    assert (2, 3) in proposal.pairs
    assert sorted(proposal.load.values()) == [1, 1, 2]


def test_shortfall_explains_affiliation_and_declared_conflicts() -> None:
    app = ApplicationToStaff(14, "USRG-IF-2026-2-014", "eThekwini", city_id=3)
    reviewers = [
        ReviewerAvailable(1, "Sipho Mkhize", frozenset({3})),
        ReviewerAvailable(2, "Lerato Molefe", declared=frozenset({14})),
        ReviewerAvailable(3, "Anna van der Merwe"),
        ReviewerAvailable(4, "Thabo Nkosi"),
    ]
    proposal = wf.propose_assignment([app], reviewers, 3)
    assert sorted(proposal.pairs) == [(14, 3), (14, 4)]
    assert proposal.shortfalls == [
        "USRG-IF-2026-2-014 has 2 of 3 reviewers: every other reviewer is affiliated with "
        "eThekwini or declared a conflict."
    ]
    only_city = wf.propose_assignment([app], reviewers[:1] + reviewers[2:], 3)
    assert only_city.shortfalls == [
        "USRG-IF-2026-2-014 has 2 of 3 reviewers: every other reviewer is affiliated with "
        "eThekwini."
    ]
    too_few = wf.propose_assignment([app], reviewers[2:], 3)
    assert too_few.shortfalls == [
        "USRG-IF-2026-2-014 has 2 of 3 reviewers: there are only 2 active reviewers."
    ]
    nobody = wf.propose_assignment([app], [], 3)
    assert nobody.shortfalls == [
        "USRG-IF-2026-2-014 has 0 of 3 reviewers: there are no active reviewers."
    ]


# -- on the database --------------------------------------------------------------------------
def _city(session, name: str) -> int:
    return session.scalar(select(City.id).where(City.short_name == name))


def _reviewer(session, name: str, *, city: str | None = None, body_id: int | None = None) -> int:
    person = Person(full_name=name, role="reviewer", consent_basis="consent")
    session.add(person)
    session.flush()
    reviewer = Reviewer(person_id=person.id, expertise="Urban safety")
    session.add(reviewer)
    session.flush()
    if city or body_id:
        session.add(
            ReviewerAffiliation(
                reviewer_id=reviewer.id,
                city_id=_city(session, city) if city else None,
                body_id=body_id,
            )
        )
    session.flush()
    return reviewer.id


def _in_review(session, round_id: int, city: str, seq: int) -> int:
    app_id = make_application(session, round_id, city_id=_city(session, city))
    app = session.get(Application, app_id)
    app.state, app.sequence, app.reference = "in_review", seq, f"USRG-IF-2026-{round_id}-{seq:03d}"
    session.flush()
    return app_id


@pytest.fixture
def staffed_round(any_db):
    """A round with four applications in review and five reviewers, two of them affiliated."""
    with any_db.unit_of_work() as session:
        ensure_users(session)
        round_id = make_round(session, status="reviewing")
        apps = [
            _in_review(session, round_id, city, i)
            for i, city in enumerate(
                ["eThekwini", "eThekwini", "Msunduzi", "Nelson Mandela Bay"], start=1
            )
        ]
        reviewers = [
            _reviewer(session, "Sibusiso Ngcobo", city="eThekwini"),
            _reviewer(session, "Nomvula Zungu", city="eThekwini"),
            _reviewer(session, "Ayanda Mthembu", city="Msunduzi"),
            _reviewer(session, "Pieter Botha"),
            _reviewer(session, "Zanele Khumalo"),
        ]
    return any_db, round_id, apps, reviewers


def test_propose_and_apply_for_a_round(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    with db.unit_of_work() as session:
        proposal = wf.propose_for_round(session, round_id=round_id)
    # eThekwini's two applications have only three reviewers left, which is enough for 3.
    assert len(proposal.pairs) == 12 and proposal.shortfalls == ()
    assert max(proposal.load.values()) - min(proposal.load.values()) <= 1
    for p in proposal.pairs:
        if p.applicant == "eThekwini":
            assert p.reviewer not in ("Sibusiso Ngcobo", "Nomvula Zungu")
    with db.unit_of_work() as session:
        written = wf.apply_assignment(
            session,
            round_id=round_id,
            pairs=[(p.application_id, p.reviewer_id) for p in proposal.pairs],
            actor=STAFF,
            now=NOW,
        )
    assert written == 12
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 12
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "assign_reviewer")
            )
            == 12
        )
        # Proposing again finds nothing left to do.
        again = wf.propose_for_round(session, round_id=round_id)
    assert again.pairs == () and again.shortfalls == ()


def test_a_declared_conflict_leaves_a_shortfall_with_its_reason(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    with db.unit_of_work() as session:
        wf.declare_conflict(
            session,
            reviewer_id=reviewers[3],
            application_id=apps[0],
            kind="personal",
            reason="Married to the project lead",
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as session:
        proposal = wf.propose_for_round(session, round_id=round_id)
    assert proposal.shortfalls == (
        f"USRG-IF-2026-{round_id}-001 has 2 of 3 reviewers: every other reviewer is affiliated "
        "with eThekwini or declared a conflict.",
    )


def test_apply_is_all_or_nothing(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    refused = pytest.raises(WorkflowError, match="affiliated with eThekwini")
    with refused, db.unit_of_work() as session:
        wf.apply_assignment(
            session,
            round_id=round_id,
            pairs=[(apps[2], reviewers[0]), (apps[0], reviewers[0])],
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_manual_assign_refusals_are_sentences(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    ref = f"USRG-IF-2026-{round_id}-001"
    with pytest.raises(WorkflowError) as refused, db.unit_of_work() as session:
        wf.assign(session, application_id=apps[0], reviewer_id=reviewers[1], actor=STAFF, now=NOW)
    assert str(refused.value) == (
        f"Nomvula Zungu is affiliated with eThekwini, the applicant of {ref}, and may not "
        "review it."
    )
    with db.unit_of_work() as session:
        wf.declare_conflict(
            session,
            reviewer_id=reviewers[4],
            application_id=apps[0],
            kind="financial",
            reason="Consults for the project",
            actor=STAFF,
            now=NOW,
        )
    with pytest.raises(WorkflowError) as refused, db.unit_of_work() as session:
        wf.assign(session, application_id=apps[0], reviewer_id=reviewers[4], actor=STAFF, now=NOW)
    assert str(refused.value) == f"Zanele Khumalo declared a financial conflict on {ref}."
    with db.unit_of_work() as session:
        wf.assign(session, application_id=apps[0], reviewer_id=reviewers[3], actor=STAFF, now=NOW)
    with pytest.raises(WorkflowError, match="already assigned"), db.unit_of_work() as session:
        wf.assign(session, application_id=apps[0], reviewer_id=reviewers[3], actor=STAFF, now=NOW)
    with pytest.raises(PermissionDenied), db.unit_of_work() as session:
        wf.assign(session, application_id=apps[1], reviewer_id=reviewers[3], actor=COORD, now=NOW)
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 1
        assert session.scalar(select(Assignment.method)) == "manual"


def test_unassign_refused_once_scored(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    with db.unit_of_work() as session:
        first = wf.assign(
            session, application_id=apps[2], reviewer_id=reviewers[3], actor=STAFF, now=NOW
        )
        second = wf.assign(
            session, application_id=apps[2], reviewer_id=reviewers[4], actor=STAFF, now=NOW
        )
        criterion = session.scalar(select(Criterion.id).where(Criterion.rubric_id == 1))
        session.add(Score(assignment_id=second, criterion_id=criterion, score=4))
        session.get(Assignment, second).status = "scored"
    with db.unit_of_work() as session:
        wf.unassign(session, assignment_id=first, actor=STAFF, now=NOW)
    with pytest.raises(WorkflowError) as refused, db.unit_of_work() as session:
        wf.unassign(session, assignment_id=second, actor=STAFF, now=NOW)
    assert "Zanele Khumalo has already scored" in str(refused.value)
    with db.unit_of_work() as session:
        assert [a.id for a in session.scalars(select(Assignment))] == [second]


def test_declare_conflict_sets_an_assignment_aside_and_checks_its_input(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    with db.unit_of_work() as session:
        assignment_id = wf.assign(
            session, application_id=apps[3], reviewer_id=reviewers[0], actor=STAFF, now=NOW
        )
    with pytest.raises(WorkflowError, match="Give the reason"), db.unit_of_work() as session:
        wf.declare_conflict(
            session,
            reviewer_id=reviewers[0],
            application_id=apps[3],
            kind="personal",
            reason="  ",
            actor=STAFF,
            now=NOW,
        )
    with pytest.raises(WorkflowError, match="Conflict type must be"), db.unit_of_work() as s:
        wf.declare_conflict(
            s,
            reviewer_id=reviewers[0],
            application_id=apps[3],
            kind="grudge",
            reason="x",
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as session:
        wf.declare_conflict(
            session,
            reviewer_id=reviewers[0],
            application_id=apps[3],
            kind="professional",
            reason="Former colleague of the project lead",
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as session:
        assert session.get(Assignment, assignment_id).status == "conflict"
        assert session.scalar(select(func.count()).select_from(Conflict)) == 1
    with pytest.raises(WorkflowError, match="already has a conflict"), db.unit_of_work() as s:
        wf.declare_conflict(
            s,
            reviewer_id=reviewers[0],
            application_id=apps[3],
            kind="other",
            reason="again",
            actor=STAFF,
            now=NOW,
        )


def test_a_reviewers_own_organisation_counts_as_an_affiliation(staffed_round) -> None:
    db, round_id, apps, reviewers = staffed_round
    with db.unit_of_work() as session:
        # Works for Msunduzi in the directory, with no affiliation entered for the reviewer.
        person = Person(
            full_name="Thandeka Dlamini",
            role="reviewer",
            consent_basis="consent",
            city_id=_city(session, "Msunduzi"),
        )
        session.add(person)
        session.flush()
        reviewer = Reviewer(person_id=person.id)
        session.add(reviewer)
        session.flush()
        own = reviewer.id
        proposal = wf.propose_for_round(session, round_id=round_id)
    assert (apps[2], own) not in {(p.application_id, p.reviewer_id) for p in proposal.pairs}
    with pytest.raises(WorkflowError) as refused, db.unit_of_work() as session:
        wf.assign(session, application_id=apps[2], reviewer_id=own, actor=STAFF, now=NOW)
    assert str(refused.value).startswith("Thandeka Dlamini is affiliated with Msunduzi")
