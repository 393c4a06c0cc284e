"""Awards' tranche schedules: typed in percents or amounts, checked to add up to the award,
frozen once a tranche is paid, and kept on working days. The rest of the award's life is in
test_award_tracking.py."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import Tranche
from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.awards import award_tracking as at

from .test_applications import (
    STAFF,
)
from .test_award_tracking import NOW, awarded, ids


# -- the schedule -------------------------------------------------------------------------------
def test_schedule_in_percents_amounts_or_both(any_db):
    _app_id, award_id = awarded(any_db)
    with any_db.unit_of_work() as s:
        at.set_tranche_schedule(
            s,
            award_id=award_id,
            actor=STAFF,
            now=NOW,
            tranches=[
                ("signature", "34 %", "2026-04-01"),
                ("other", "33 %", date(2026, 8, 31)),
                ("final report", "33 %", "2027-03-02"),
            ],
        )
    with any_db.unit_of_work() as s:
        rows = at.award_detail(s, award_id, date(2026, 3, 2)).tranches
        assert [(t.trigger, t.percent, t.amount_cents) for t in rows] == [
            ("signature", 34, 113_333_33),
            ("other", 33, 110_000_00),
            ("final report", 33, 110_000_00),
        ]
    with any_db.unit_of_work() as s:
        at.set_tranche_schedule(
            s,
            award_id=award_id,
            actor=STAFF,
            now=NOW,
            tranches=[
                ("signature", "R 111 111,11", "2026-04-01"),
                ("interim report", 111_111_11, "2026-09-02"),
                ("on the final report", "R 111 111,11", "2027-03-02"),
            ],
        )
    with any_db.unit_of_work() as s:
        rows = at.award_detail(s, award_id, date(2026, 3, 2)).tranches
        assert [(t.percent, t.amount_cents) for t in rows] == [(33, 111_111_11)] * 3


@pytest.mark.parametrize(
    ("tranches", "message"),
    [
        (
            [("signature", "50 %", "2026-04-01"), ("final report", "40 %", "2027-03-02")],
            "add up to 90 %, 10 % short of the whole award",
        ),
        (
            [
                ("signature", "R 200 000,00", "2026-04-01"),
                ("final report", "R 133 333,34", "2027-03-02"),
            ],
            "add up to R 333 333,34, R 0,01 more than the award of R 333 333,33",
        ),
        (
            [("signature", "50 %", "2026-04-01"), ("final report", "R 100 000,00", "2027-03-02")],
            r"add up to R 266 666,67, R 66 666,66 short of the award",
        ),
        ([("signature", "12.5 %", "2026-04-01")], "Tranche 1: '12.5 %' is not a whole percent"),
        ([("bonus", "100 %", "2026-04-01")], "Tranche 1: 'bonus' is not a trigger"),
        ([("signature", "100 %", "2026-02-01")], "due 2026-02-01 is before the award date"),
        ([("signature", "100 %", "31/12/2026")], "'31/12/2026' is not a date"),
        ([("signature", "R 1,234", "2026-04-01")], "Tranche 1: 'R 1,234' has more than two"),
        ([], "at least one tranche"),
    ],
)
def test_a_schedule_that_does_not_add_up_is_refused_and_changes_nothing(db, tranches, message):
    _app_id, award_id = awarded(db)
    with db.unit_of_work() as s:
        before = [(t.amount_cents, t.due_on) for t in at._tranches(s, award_id)]
    with pytest.raises(WorkflowError, match=message), db.unit_of_work() as s:
        at.set_tranche_schedule(s, award_id=award_id, tranches=tranches, actor=STAFF, now=NOW)
    with db.unit_of_work() as s:
        assert [(t.amount_cents, t.due_on) for t in at._tranches(s, award_id)] == before
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "set_schedule")) is None


def test_schedule_is_frozen_once_a_tranche_is_paid(any_db):
    _app_id, award_id = awarded(any_db)
    tranches, _ = ids(any_db, award_id)
    with any_db.unit_of_work() as s:
        at.record_agreement_signed(
            s, award_id=award_id, signed_on=date(2026, 3, 3), actor=STAFF, now=NOW
        )
        at.record_tranche_payment(
            s,
            tranche_id=tranches[0],
            paid_on=date(2026, 3, 10),
            reference="EFT 77",
            actor=STAFF,
            now=NOW,
        )
    with (
        pytest.raises(WorkflowError, match="cannot change: tranche 1 was paid on 2026-03-10"),
        any_db.unit_of_work() as s,
    ):
        at.set_tranche_schedule(
            s,
            award_id=award_id,
            actor=STAFF,
            now=NOW,
            tranches=[("signature", "100 %", "2026-04-01")],
        )


@given(
    amount=st.integers(min_value=1_00, max_value=10**11),
    cuts=st.lists(st.integers(min_value=1, max_value=99), min_size=0, max_size=5, unique=True),
)
def test_any_whole_percent_schedule_adds_up_to_the_award(amount, cuts):
    points = [0, *sorted(cuts), 100]
    percents = [b - a for a, b in zip(points, points[1:], strict=False)]
    rows = [("other", f"{p} %", date(2027, 2, 1)) for p in percents]
    plan = at.plan_schedule(amount, date(2026, 1, 1), rows)  # R 1,00 or more: 1 % is a cent
    assert sum(cents for _t, _p, cents, _d in plan) == amount
    assert [p for _t, p, _c, _d in plan] == percents


def test_a_share_too_small_for_a_cent_is_refused():
    with pytest.raises(WorkflowError, match=r"Tranche 2: 1 % of the award rounds to R 0,00"):
        at.plan_schedule(
            50,
            date(2026, 1, 1),
            [("signature", "99 %", "2026-02-02"), ("other", "1 %", "2026-03-02")],
        )


def test_a_schedule_promises_working_days_but_keeps_the_dates_it_had(any_db):
    """A typed due date on a weekend or a public holiday is refused with the next working day;
    a date the schedule already had (an older award's) may stay while another tranche changes."""
    _app_id, award_id = awarded(any_db)
    with any_db.unit_of_work() as s, pytest.raises(WorkflowError) as refused:
        at.set_tranche_schedule(
            s,
            award_id=award_id,
            actor=STAFF,
            now=NOW,
            tranches=[
                ("signature", "50 %", "2026-06-16"),
                ("interim report", "40 %", "2026-10-29"),
                ("final report", "10 %", "2027-04-29"),
            ],
        )
    assert str(refused.value) == (
        "Tranche 1: 2026-06-16 is a public holiday (Youth Day); choose a working day (the next "
        "one is 2026-06-17)."
    )
    with any_db.unit_of_work() as s, pytest.raises(WorkflowError, match="is a Sunday"):
        at.plan_schedule(100_00, date(2026, 1, 1), [("other", "100 %", "2027-06-06")])
    # A date already in the schedule is kept even when it is not a working day.
    with any_db.unit_of_work() as s:
        tranche = s.scalar(
            select(Tranche).where(Tranche.award_id == award_id, Tranche.position == 1)
        )
        tranche.due_on = date(2026, 5, 2)  # a Saturday, as older awards may have
    with any_db.unit_of_work() as s:
        at.set_tranche_schedule(
            s,
            award_id=award_id,
            actor=STAFF,
            now=NOW,
            tranches=[
                ("signature", "60 %", "2026-05-02"),
                ("interim report", "30 %", "2026-10-29"),
                ("final report", "10 %", "2027-04-29"),
            ],
        )
