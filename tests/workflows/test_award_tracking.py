"""Awards: numbers, tranche rounding to the cent, due dates, payments, reports, overdue, close."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import Award, Milestone, Tranche
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows import applications as wf
from usrg_desktop.workflows import award_tracking as at

from .test_applications import (
    ADMIN,
    COORD,
    STAFF,
    add_scored_reviews,
    make_application,
    make_round,
    tick_all,
)

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def approved(db, *, amount=333_333_33, requested=400_000_00) -> int:
    """A new application taken through review and approved for `amount` cents."""
    with db.unit_of_work() as s:
        rnd = make_round(s)
        app_id = make_application(s, rnd, requested=requested)
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        tick_all(s, app_id)
        wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
        add_scored_reviews(s, app_id)
        wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.approve(s, application_id=app_id, actor=STAFF, now=NOW, amount_cents=amount)
    return app_id


# -- pure rounding and dates --------------------------------------------------------------------
def test_awkward_amount_in_default_tranches_goes_to_the_cent():
    # 50 % of R 333 333,33 is R 166 666,665: the half cent is the largest fraction, so the
    # odd cent goes to the first tranche; 40 % and 10 % have .2 and .3 of a cent, rounded down.
    assert at.split_cents(333_333_33, [50, 40, 10]) == [166_666_67, 133_333_33, 33_333_33]
    assert at.split_cents(333_333_33, [1, 1, 1]) == [111_111_11] * 3
    assert at.split_cents(1_00, [1, 1, 1]) == [34, 33, 33]
    assert at.split_cents(2, [50, 40, 10]) == [1, 1, 0]
    assert at.split_cents(1, [50, 40, 10]) == [1, 0, 0]
    assert at.split_cents(99_99, [33, 33, 34]) == [33_00, 33_00, 33_99]


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8).filter(
        lambda w: sum(w) > 0
    ),
)
def test_tranches_always_add_up_to_the_award_and_stay_within_a_cent(total, weights):
    amounts = at.split_cents(total, weights)
    assert sum(amounts) == total
    whole = sum(weights)
    for amount, weight in zip(amounts, weights, strict=True):
        # Within one cent of the exact share: |amount - total*w/whole| < 1.
        assert abs(amount * whole - total * weight) < whole


def test_due_dates_keep_month_ends():
    assert at.due_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert at.due_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert at.due_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert at.due_after(date(2026, 2, 28), 12) == date(2027, 2, 28)
    assert at.due_after(date(2026, 11, 25), 12) == date(2027, 11, 25)


# -- ensure_award -------------------------------------------------------------------------------
def test_ensure_award_creates_number_schedule_and_milestones_once(any_db):
    app_id = approved(any_db)
    aug31 = datetime(2026, 8, 31, 7, 0)
    with any_db.unit_of_work() as s:
        award_id = at.ensure_award(s, application_id=app_id, actor=STAFF, now=aug31)
    with any_db.unit_of_work() as s:
        assert at.ensure_award(s, application_id=app_id, actor=STAFF, now=NOW) == award_id
    with any_db.unit_of_work() as s:
        award = s.get(Award, award_id)
        assert award.number == "USRG-AW-2026-001"
        assert award.amount_cents == 333_333_33
        assert award.awarded_on == date(2026, 8, 31)
        tranches = s.scalars(select(Tranche).order_by(Tranche.position)).all()
        assert [(t.trigger, t.percent, t.amount_cents, t.due_on) for t in tranches] == [
            ("signature", 50, 166_666_67, date(2026, 9, 30)),
            ("interim report", 40, 133_333_33, date(2027, 2, 28)),
            ("final report", 10, 33_333_33, date(2027, 8, 31)),
        ]
        milestones = s.scalars(select(Milestone).order_by(Milestone.due_on)).all()
        assert [(m.kind, m.due_on) for m in milestones] == [
            ("interim report", date(2027, 2, 28)),
            ("final report", date(2027, 8, 31)),
        ]
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "award")).all()
        assert [e.action for e in events] == ["create_award"]
        assert events[0].detail.startswith("USRG-AW-2026-001 ")


def test_award_numbers_count_up_and_are_never_reused(any_db):
    first, second = approved(any_db), approved(any_db)
    with any_db.unit_of_work() as s:
        a = at.ensure_award(s, application_id=first, actor=STAFF, now=NOW)
    with any_db.unit_of_work() as s:
        # Even if an award row were removed, its number lives on in the audit log.
        s.delete(s.scalars(select(Tranche)).all()[0])
        for row in s.scalars(select(Tranche)).all() + s.scalars(select(Milestone)).all():
            s.delete(row)
        s.flush()
        s.delete(s.get(Award, a))
    with any_db.unit_of_work() as s:
        b = at.ensure_award(s, application_id=second, actor=STAFF, now=NOW)
        assert s.get(Award, b).number == "USRG-AW-2026-002"


def test_ensure_award_refuses_without_approval_and_for_coordinators(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        draft = make_application(s, rnd)
    with (
        pytest.raises(WorkflowError, match="only an approved application gets an award"),
        any_db.unit_of_work() as s,
    ):
        at.ensure_award(s, application_id=draft, actor=STAFF, now=NOW)
    app_id = approved(any_db)
    with (
        pytest.raises(PermissionDenied, match="secretariat or an administrator"),
        any_db.unit_of_work() as s,
    ):
        at.ensure_award(s, application_id=app_id, actor=COORD, now=NOW)
    with any_db.unit_of_work() as s:
        assert s.scalars(select(Award)).all() == []


def test_reversed_and_retaken_decision_updates_an_unissued_award(any_db):
    app_id = approved(any_db, amount=300_000_00)
    with any_db.unit_of_work() as s:
        award_id = at.ensure_award(s, application_id=app_id, actor=STAFF, now=NOW)
    with any_db.unit_of_work() as s:
        wf.reverse_decision(s, application_id=app_id, actor=ADMIN, now=NOW, reason="Budget error")
        wf.approve(s, application_id=app_id, actor=STAFF, now=NOW, amount_cents=200_000_01)
    with any_db.unit_of_work() as s:
        assert at.ensure_award(s, application_id=app_id, actor=STAFF, now=NOW) == award_id
        assert s.get(Award, award_id).amount_cents == 200_000_01
        amounts = [t.amount_cents for t in at._tranches(s, award_id)]
        assert amounts == [100_000_01, 80_000_00, 20_000_00]
