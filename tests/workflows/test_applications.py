"""The application state machine: guards, roles, reasons, audit, and properties over random runs."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from usrg_desktop.domain.accounts import Role, User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import Person
from usrg_desktop.domain.grants import (
    Application,
    ApplicationState,
    BudgetLine,
    Round,
    ScreeningCheck,
)
from usrg_desktop.domain.reviews import Assignment, Reviewer
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants import applications as wf

S = ApplicationState
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
STAFF = wf.Actor(1, "Nomsa Dlamini", Role.SECRETARIAT)
ADMIN = wf.Actor(2, "Pieter van Wyk", Role.ADMINISTRATOR)
COORD = wf.Actor(3, "Ṱhalitshani Nemaṱhaṋi", Role.COORDINATOR)
_counter = itertools.count(1)


def ensure_users(session) -> None:
    """The acting users exist (audit events point at them)."""
    for actor in (STAFF, ADMIN, COORD):
        if session.get(User, actor.user_id) is None:
            session.add(
                User(
                    id=actor.user_id,
                    username=f"user{actor.user_id}",
                    display_name=actor.name,
                    password_hash="-",
                    role=actor.role.value,
                    created_at=NOW,
                )
            )
    session.flush()


def make_round(session, *, budget=3_000_000_00, cap=400_000_00, status="open", checks=3) -> int:
    ensure_users(session)
    n = next(_counter)
    rnd = Round(
        name=f"Innovation Fund test round {n}",
        year=2026,
        number=n,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        budget_cents=budget,
        cap_cents=min(cap, budget),
        reviews_needed=3,
        status=status,
        rubric_id=1,
        created_at=NOW,
    )
    session.add(rnd)
    session.flush()
    for i in range(checks):
        session.add(ScreeningCheck(round_id=rnd.id, position=i + 1, label=f"Check {i + 1}"))
    session.flush()
    return rnd.id


def make_application(session, round_id, *, requested=250_000_00, city_id=3, lines=None) -> int:
    person = Person(
        full_name="Ḓivhani Maḽaba",
        role="focal person",
        consent_basis="public function",
        city_id=city_id,
    )
    session.add(person)
    session.flush()
    app = Application(
        round_id=round_id,
        applicant_city_id=city_id,
        title="Safe routes to school",
        summary="Walking buses.",
        problem="Learners robbed on the way.",
        intervention="Marshals and lighting.",
        requested_cents=requested,
        starts_on=date(2027, 2, 1),
        ends_on=date(2028, 1, 31),
        contact_person_id=person.id,
        state="draft",
        state_changed_at=NOW,
        created_at=NOW,
    )
    session.add(app)
    session.flush()
    for i, amount in enumerate(lines or [requested - requested // 3, requested // 3]):
        session.add(
            BudgetLine(
                application_id=app.id, position=i, description=f"line {i}", amount_cents=amount
            )
        )
    session.flush()
    return app.id


def tick_all(session, app_id):
    app = session.get(Application, app_id)
    for check in session.scalars(
        select(ScreeningCheck).where(ScreeningCheck.round_id == app.round_id)
    ):
        wf.record_screening(
            session, application_id=app_id, check_id=check.id, passed=True, actor=STAFF, now=NOW
        )


def add_scored_reviews(session, app_id, count=3):
    for _ in range(count):
        person = Person(full_name="Reviewer", role="reviewer", consent_basis="consent")
        session.add(person)
        session.flush()
        reviewer = Reviewer(person_id=person.id)
        session.add(reviewer)
        session.flush()
        session.add(
            Assignment(
                application_id=app_id,
                reviewer_id=reviewer.id,
                status="scored",
                method="manual",
                assigned_at=NOW,
            )
        )
    session.flush()


def state_of(db, app_id) -> str:
    return db.rows("SELECT state FROM applications WHERE id = :i", {"i": app_id})[0][0]


def audit_count(db) -> int:
    return db.rows("SELECT COUNT(*) FROM audit_events")[0][0]


@pytest.fixture
def draft(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        app_id = make_application(s, rnd)
    return any_db, app_id


def test_happy_path_to_reviewed_and_approved_with_audit(draft):
    db, app_id = draft
    with db.unit_of_work() as s:
        ref = wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
    assert ref.startswith("USRG-IF-2026-") and ref.endswith("-001")
    with db.unit_of_work() as s:
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        tick_all(s, app_id)
        wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
        add_scored_reviews(s, app_id)
        wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.approve(s, application_id=app_id, actor=STAFF, now=NOW, amount_cents=200_000_00)
    assert state_of(db, app_id) == "approved"
    trail = db.rows(
        "SELECT action, from_state, to_state, actor_name FROM audit_events "
        "WHERE entity = 'application' AND entity_id = :i ORDER BY id",
        {"i": app_id},
    )
    assert [t[0] for t in trail] == [
        "submit",
        "start_screening",
        "mark_eligible",
        "complete_review",
        "approve",
    ]
    assert trail[0][1:] == ("draft", "submitted", "Nomsa Dlamini")


def test_submit_names_every_missing_field_and_changes_nothing(draft):
    db, app_id = draft
    with db.unit_of_work() as s:
        app = s.get(Application, app_id)
        app.summary = "  "
        app.requested_cents = 500_000_00
    before = audit_count(db)
    with pytest.raises(WorkflowError) as err, db.unit_of_work() as s:
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
    message = str(err.value)
    assert "Summary is required." in message
    assert "Budget lines add up to R 250 000,00, not the R 500 000,00 requested." in message
    assert "over the round's cap of R 400 000,00" in message
    assert state_of(db, app_id) == "draft"
    assert db.rows("SELECT reference FROM applications WHERE id = :i", {"i": app_id})[0][0] is None
    assert audit_count(db) == before


def test_closed_round_takes_no_submissions(any_db):
    with any_db.unit_of_work() as s:
        app_id = make_application(s, make_round(s, status="closed"))
    with (
        pytest.raises(WorkflowError, match="is closed, not open for applications"),
        any_db.unit_of_work() as s,
    ):
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)


def test_references_are_never_reused(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        first, second = make_application(s, rnd), make_application(s, rnd)
    with any_db.unit_of_work() as s:
        ref1 = wf.submit(s, application_id=first, actor=STAFF, now=NOW)
        wf.withdraw(s, application_id=first, actor=STAFF, now=NOW, reason="Applicant asked")
        ref2 = wf.submit(s, application_id=second, actor=STAFF, now=NOW)
    assert ref1.endswith("-001") and ref2.endswith("-002")


def test_roles_are_enforced_in_the_workflow(draft):
    db, app_id = draft
    with (
        pytest.raises(PermissionDenied, match="Only the secretariat or an administrator"),
        db.unit_of_work() as s,
    ):
        wf.submit(s, application_id=app_id, actor=COORD, now=NOW)
    with db.unit_of_work() as s:
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.mark_ineligible(s, application_id=app_id, actor=STAFF, now=NOW, reason="Not a city")
    with (
        pytest.raises(PermissionDenied, match="Only an administrator may re-open screening"),
        db.unit_of_work() as s,
    ):
        wf.reopen_screening(s, application_id=app_id, actor=STAFF, now=NOW, reason="Mistake")
    with db.unit_of_work() as s:
        wf.reopen_screening(s, application_id=app_id, actor=ADMIN, now=NOW, reason="Mistake")
    assert state_of(db, app_id) == "screening"


def test_reasons_are_mandatory(draft):
    db, app_id = draft
    with pytest.raises(WorkflowError, match="Give a reason to withdraw"), db.unit_of_work() as s:
        wf.withdraw(s, application_id=app_id, actor=STAFF, now=NOW, reason="  ")
    assert state_of(db, app_id) == "draft"


def test_screening_needs_every_check(draft):
    db, app_id = draft
    with db.unit_of_work() as s:
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        check = s.scalar(
            select(ScreeningCheck.id)
            .join(Application, Application.round_id == ScreeningCheck.round_id)
            .where(Application.id == app_id)
            .order_by(ScreeningCheck.position)
        )
        wf.record_screening(
            s, application_id=app_id, check_id=check, passed=True, actor=STAFF, now=NOW
        )
    with (
        pytest.raises(WorkflowError, match="not yet ticked in screening: Check 2; Check 3"),
        db.unit_of_work() as s,
    ):
        wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)


def test_review_needs_enough_scored_reviews(draft):
    db, app_id = draft
    with db.unit_of_work() as s:
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        tick_all(s, app_id)
        wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
        add_scored_reviews(s, app_id, count=2)
    with (
        pytest.raises(WorkflowError, match="has 2 of the 3 reviews it needs"),
        db.unit_of_work() as s,
    ):
        wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)


def test_awarded_grant_cannot_be_withdrawn(draft):
    db, app_id = draft
    with db.unit_of_work() as s:
        s.get(Application, app_id).state = "awarded"
    with (
        pytest.raises(WorkflowError, match="an awarded grant cannot be withdrawn"),
        db.unit_of_work() as s,
    ):
        wf.withdraw(s, application_id=app_id, actor=STAFF, now=NOW, reason="Changed mind")


def test_every_forbidden_transition_is_refused_with_a_sentence(any_db):
    """From every state, every action whose sources exclude it is refused and changes nothing."""
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        ids = {state: make_application(s, rnd) for state in S}
        for state, app_id in ids.items():
            s.get(Application, app_id).state = state.value
    before = audit_count(any_db)
    for state, app_id in ids.items():
        for action, transition in wf.TRANSITIONS.items():
            if state in transition.sources:
                continue
            with pytest.raises(WorkflowError) as err, any_db.unit_of_work() as s:
                kwargs = {"reason": "because"} if transition.needs_reason else {}
                if action == "approve":
                    kwargs["amount_cents"] = 1
                wf.ACTIONS[action](s, application_id=app_id, actor=ADMIN, now=NOW, **kwargs)
            assert str(err.value).endswith("."), str(err.value)
            assert state_of(any_db, app_id) == state.value
    assert audit_count(any_db) == before


def test_transition_lookup_for_the_command_line():
    assert wf.transition_to(S.REVIEWED, S.APPROVED).action == "approve"
    assert wf.transition_to(S.APPROVED, S.WITHDRAWN).action == "withdraw"
    with pytest.raises(WorkflowError, match="cannot go from draft to approved"):
        wf.transition_to(S.DRAFT, S.APPROVED)


# -- properties over random action sequences ----------------------------------------------------
ACTORS = st.sampled_from([STAFF, ADMIN, COORD])
STEPS = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(sorted(wf.TRANSITIONS)),
        ACTORS,
        st.integers(1, 450_000_00),
        st.booleans(),
    ),
    max_size=40,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(budget=st.integers(300_000_00, 900_000_00), steps=STEPS)
def test_random_runs_keep_the_invariants(db, budget, steps):
    with db.unit_of_work() as s:
        rnd = make_round(s, budget=budget)
        apps = [
            make_application(s, rnd, requested=r)
            for r in (150_000_00, 250_000_00, 350_000_00, 400_000_00)
        ]
    for index, action, actor, amount, give_reason in steps:
        app_id = apps[index]
        state_before = state_of(db, app_id)
        audits_before = audit_count(db)
        kwargs = {}
        if wf.TRANSITIONS[action].needs_reason:
            kwargs = {"reason": "a reason" if give_reason else ""}
        if action == "approve":
            kwargs = {"amount_cents": amount}
        try:
            with db.unit_of_work() as s:
                if action == "mark_eligible" and state_before == "screening":
                    tick_all(s, app_id)
                if action == "complete_review" and state_before == "in_review":
                    add_scored_reviews(s, app_id)
                wf.ACTIONS[action](s, application_id=app_id, actor=actor, now=NOW, **kwargs)
        except WorkflowError:
            assert state_of(db, app_id) == state_before
            assert audit_count(db) == audits_before
    with db.unit_of_work() as s:
        for app_id in apps:
            app = s.get(Application, app_id)
            assert S(app.state) in set(S)
            trail = s.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "application", AuditEvent.entity_id == app_id)
                .order_by(AuditEvent.id)
            ).all()
            replayed = "draft"
            for event in trail:
                assert event.from_state == replayed
                replayed = event.to_state
            assert replayed == app.state
        committed = s.scalar(
            select(func.coalesce(func.sum(wf.Decision.amount_cents), 0))
            .join(Application, Application.id == wf.Decision.application_id)
            .where(Application.round_id == rnd, wf.Decision.outcome == "approved")
        )
        assert committed <= budget
