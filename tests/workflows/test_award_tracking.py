"""Awards: numbers, tranche rounding to the cent, due dates, payments, reports, overdue, close."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import Award, Milestone, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.awards import award_tracking as at
from usrg_desktop.workflows.grants import applications as wf

from .test_applications import (
    ADMIN,
    COORD,
    STAFF,
    add_scored_reviews,
    make_application,
    make_round,
    state_of,
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
            # The project runs 1 February 2027 to 31 January 2028: the first tranche at its
            # start, the others 30 days after their report (each a working day).
            ("signature", 50, 166_666_67, date(2027, 2, 1)),
            ("interim report", 40, 133_333_33, date(2027, 9, 1)),
            ("final report", 10, 33_333_33, date(2028, 3, 31)),
        ]
        milestones = s.scalars(select(Milestone).order_by(Milestone.due_on)).all()
        assert [(m.kind, m.due_on) for m in milestones] == [
            ("interim report", date(2027, 8, 2)),  # the middle, Sunday 1 August, moved on
            ("final report", date(2028, 3, 1)),  # 30 days after the end
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


# -- the lifecycle: letter, signature, payments, reports, close ---------------------------------
AWARD_DAY = datetime(2026, 3, 2, 8, 0)


def awarded(db, *, amount=333_333_33) -> tuple[int, int]:
    """An application approved, its award made on 2 March 2026 and its letter issued.

    The project runs from 1 May 2026 (Workers' Day) to 28 February 2027: tranche 1 is due on
    4 May 2026, the interim report on 29 September 2026 (the middle), tranche 2 on 29 October.
    """
    app_id = approved(db, amount=amount)
    with db.unit_of_work() as s:
        app = s.get(Application, app_id)
        app.starts_on, app.ends_on = date(2026, 5, 1), date(2027, 2, 28)
        s.flush()
        award_id = at.ensure_award(s, application_id=app_id, actor=STAFF, now=AWARD_DAY)
        wf.mark_awarded(s, application_id=app_id, actor=STAFF, now=AWARD_DAY)
    return app_id, award_id


def ids(db, award_id):
    with db.unit_of_work() as s:
        detail = at.award_detail(s, award_id, date(2026, 3, 2))
    return [t.id for t in detail.tranches], {m.kind: m.id for m in detail.milestones}


def test_full_life_of_an_award_until_close(any_db):
    app_id, award_id = awarded(any_db)
    tranches, reports = ids(any_db, award_id)
    day = datetime(2027, 4, 1, 8, 0)

    def run(fn, **kw):
        with any_db.unit_of_work() as s:
            fn(s, actor=STAFF, now=day, **kw)

    # The signature tranche waits for the signature.
    with pytest.raises(WorkflowError, match="paid once the grant agreement is signed"):
        run(
            at.record_tranche_payment,
            tranche_id=tranches[0],
            paid_on=date(2026, 3, 20),
            reference="EFT 1",
        )
    run(at.record_agreement_signed, award_id=award_id, signed_on=date(2026, 3, 15))
    assert state_of(any_db, app_id) == "active"
    run(
        at.record_tranche_payment,
        tranche_id=tranches[0],
        paid_on=date(2026, 3, 20),
        reference="EFT 1",
    )
    with pytest.raises(WorkflowError, match="already paid on 2026-03-20"):
        run(
            at.record_tranche_payment,
            tranche_id=tranches[0],
            paid_on=date(2026, 3, 21),
            reference="EFT 1b",
        )
    with pytest.raises(WorkflowError, match="paid once the interim report is accepted"):
        run(
            at.record_tranche_payment,
            tranche_id=tranches[1],
            paid_on=date(2026, 9, 20),
            reference="EFT 2",
        )
    with pytest.raises(WorkflowError, match="has not been received yet"):
        run(at.accept_report, milestone_id=reports["interim report"])
    run(
        at.record_report_received,
        milestone_id=reports["interim report"],
        received_on=date(2026, 9, 1),
    )
    run(at.accept_report, milestone_id=reports["interim report"], accepted_on=date(2026, 9, 10))
    run(
        at.record_tranche_payment,
        tranche_id=tranches[1],
        paid_on=date(2026, 9, 20),
        reference="EFT 2",
    )
    # Close is refused, naming both problems, and changes nothing.
    with pytest.raises(WorkflowError) as refused:
        run(at.close_award, award_id=award_id)
    message = str(refused.value)
    assert "final report of USRG-AW-2026-001 has not been accepted yet" in message
    assert "Tranche 3 (on the final report) is neither paid nor cancelled" in message
    assert state_of(any_db, app_id) == "active"
    run(
        at.record_report_received,
        milestone_id=reports["final report"],
        received_on=date(2027, 3, 1),
    )
    run(at.accept_report, milestone_id=reports["final report"], accepted_on=date(2027, 3, 5))
    with pytest.raises(WorkflowError, match=r"Tranche 3 \(on the final report\) is neither paid"):
        run(at.close_award, award_id=award_id)
    # Cancelling needs a reason; with one, the grant can close.
    with pytest.raises(WorkflowError, match="Give a reason to cancel"):
        run(at.cancel_tranche, tranche_id=tranches[2], reason="  ")
    run(at.cancel_tranche, tranche_id=tranches[2], reason="Project under budget; city declined")
    run(at.close_award, award_id=award_id)
    assert state_of(any_db, app_id) == "closed"
    with any_db.unit_of_work() as s:
        detail = at.award_detail(s, award_id, date(2027, 4, 1))
        assert detail.closed_on == date(2027, 4, 1)
        assert detail.paid_cents == 166_666_67 + 133_333_33
        assert [t.status for t in detail.tranches] == ["paid", "paid", "cancelled"]
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "award").order_by(AuditEvent.id)
        ).all()
        assert actions == [
            "create_award",
            "sign_agreement",
            "pay_tranche",
            "receive_report",
            "accept_report",
            "pay_tranche",
            "receive_report",
            "accept_report",
            "cancel_tranche",
            "close_award",
        ]
        paid = s.scalars(select(Tranche).where(Tranche.id == tranches[0])).one()
        assert paid.paid_cents == paid.amount_cents == 166_666_67


def test_close_through_the_state_machine_uses_the_award_rules(any_db):
    app_id, award_id = awarded(any_db)
    with any_db.unit_of_work() as s:
        at.record_agreement_signed(
            s, award_id=award_id, signed_on=date(2026, 3, 3), actor=STAFF, now=NOW
        )
    with (
        pytest.raises(WorkflowError, match="cannot close: the final report"),
        any_db.unit_of_work() as s,
    ):
        wf.close(s, application_id=app_id, actor=STAFF, now=NOW)
    assert state_of(any_db, app_id) == "active"


def test_payment_and_report_dates_are_checked(any_db):
    app_id, award_id = awarded(any_db)
    tranches, reports = ids(any_db, award_id)
    with any_db.unit_of_work() as s:
        at.record_agreement_signed(
            s, award_id=award_id, signed_on=date(2026, 3, 3), actor=STAFF, now=NOW
        )
    cases = [
        (
            dict(paid_on=date(2026, 12, 1), reference="X"),
            "payment date 2026-12-01 is in the future",
        ),
        (dict(paid_on=date(2026, 3, 1), reference="X"), "before USRG-AW-2026-001 was awarded on"),
        (dict(paid_on=date(2026, 4, 1), reference=" "), "Give the payment reference"),
    ]
    for kwargs, message in cases:
        with pytest.raises(WorkflowError, match=message), any_db.unit_of_work() as s:
            at.record_tranche_payment(s, tranche_id=tranches[0], actor=STAFF, now=NOW, **kwargs)
    with (
        pytest.raises(WorkflowError, match="received date 2027-01-01 is in the future"),
        any_db.unit_of_work() as s,
    ):
        at.record_report_received(
            s,
            milestone_id=reports["interim report"],
            received_on=date(2027, 1, 1),
            actor=STAFF,
            now=NOW,
        )
    with pytest.raises(PermissionDenied), any_db.unit_of_work() as s:
        at.cancel_tranche(s, tranche_id=tranches[0], reason="x", actor=COORD, now=NOW)
    with any_db.unit_of_work() as s:
        assert all(
            t.paid_on is None and not t.cancelled_reason for t in s.scalars(select(Tranche)).all()
        )
        assert all(m.received_on is None for m in s.scalars(select(Milestone)).all())


def test_no_payment_before_the_award_letter(any_db):
    app_id = approved(any_db)
    with any_db.unit_of_work() as s:
        award_id = at.ensure_award(s, application_id=app_id, actor=STAFF, now=AWARD_DAY)
    tranches, _ = ids(any_db, award_id)
    with (
        pytest.raises(WorkflowError, match="before the award letter is issued"),
        any_db.unit_of_work() as s,
    ):
        at.record_tranche_payment(
            s,
            tranche_id=tranches[0],
            paid_on=date(2026, 3, 5),
            reference="EFT",
            actor=STAFF,
            now=NOW,
        )


# -- overdue ------------------------------------------------------------------------------------
def test_overdue_is_relative_to_today(any_db):
    app_id, award_id = awarded(any_db)  # awarded 2026-03-02: tranche 1 due 2026-05-04
    with any_db.unit_of_work() as s:
        assert at.overdue_items(s, date(2026, 5, 4)) == []  # due today is not overdue yet
        items = at.overdue_items(s, date(2026, 5, 5))
        assert [(i.kind, i.label, i.days_overdue) for i in items] == [
            ("tranche", "Tranche 1 (on signature)", 1)
        ]
        assert items[0].sentence() == (
            "Tranche 1 (on signature) of USRG-AW-2026-001 was due 2026-05-04 (1 day overdue)."
        )
        later = at.overdue_items(s, date(2026, 10, 30))  # report 09-29, tranche 2 10-29
        assert [(i.kind, i.label) for i in later] == [
            ("tranche", "Tranche 1 (on signature)"),
            ("report", "Interim report"),
            ("tranche", "Tranche 2 (on the interim report)"),
        ]
        overdue, events = at.award_history(s, app_id, today=date(2026, 10, 30))
        assert len(overdue) == 3 and all(h.what == "Overdue" for h in overdue)
        assert events[-1].what == "Award created"
        assert events[-1].detail.startswith("USRG-AW-2026-001 for USRG-IF-2026-")
    tranches, reports = ids(any_db, award_id)
    with any_db.unit_of_work() as s:
        at.cancel_tranche(
            s, tranche_id=tranches[0], reason="Paid by the province instead", actor=STAFF, now=NOW
        )
        at.record_report_received(
            s,
            milestone_id=reports["interim report"],
            received_on=date(2026, 10, 1),
            actor=STAFF,
            now=NOW,
        )
    with any_db.unit_of_work() as s:
        assert [i.label for i in at.overdue_items(s, date(2026, 10, 30))] == [
            "Tranche 2 (on the interim report)"
        ]


def test_awards_list_has_ids_and_overdue_flags(any_demo_db):
    from usrg_desktop.workflows.awards.listings import award_listing

    listing = award_listing(any_demo_db, today=date(2026, 11, 25))
    assert listing.ids is not None and len(listing.ids) == len(listing.rows) > 0
    keys = listing.keys()
    with any_demo_db.unit_of_work() as s:
        overdue_awards = {i.award_id for i in at.overdue_items(s, date(2026, 11, 25))}
        numbers = dict(s.execute(select(Award.id, Award.number)).all())
    for award_id, row in zip(listing.ids, listing.rows, strict=True):
        assert row[keys.index("number")] == numbers[award_id]
        assert row[keys.index("overdue")] == (award_id in overdue_awards)
    assert overdue_awards, "the demo has overdue items on its today"
    only = award_listing(any_demo_db, today=date(2026, 11, 25), overdue_only=True)
    assert set(only.ids) == overdue_awards


def test_application_history_shows_award_events_and_overdue_items_first(any_db):
    app_id, award_id = awarded(any_db)
    tranches, _ = ids(any_db, award_id)
    with any_db.unit_of_work() as s:
        at.cancel_tranche(
            s,
            tranche_id=tranches[2],
            reason="Final tranche waived",
            actor=STAFF,
            now=datetime(2026, 11, 26, 9, 0),
        )
    with any_db.unit_of_work() as s:
        history = wf.application_history(s, app_id, today=date(2026, 10, 30))
        plain = wf.application_history(s, app_id)
    assert [(h.what, h.when) for h in history[:3]] == [
        ("Overdue", "2026-05-04"),
        ("Overdue", "2026-09-29"),
        ("Overdue", "2026-10-29"),
    ]
    assert history[0].detail == (
        "Tranche 1 (on signature) of USRG-AW-2026-001 was due 2026-05-04 (179 days overdue)."
    )
    assert history[3].what == "Tranche cancelled" and history[3].reason == "Final tranche waived"
    assert "Award created" in [h.what for h in history]
    assert "Award letter issued" in [h.what for h in history]
    # Without today: the same events, no overdue warnings.
    assert [h for h in plain if h.what == "Overdue"] == []
    assert plain == history[3:]
