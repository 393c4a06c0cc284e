"""Planning meetings from proposals, their status and details, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.meetings import HostUnavailability, Meeting
from usrg_desktop.workflows import Actor, FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.meetings import meeting_plans as mp
from usrg_desktop.workflows.meetings.rotation import Quarter, public_holiday

NOW = datetime(2026, 11, 25, 10, 0)
COORDINATOR = Actor(None, "Anél Coetzée", "coordinator")
REVIEWER = Actor(None, "A Reviewer", "reviewer")
Q1, Q2 = Quarter(2027, 1), Quarter(2027, 2)
JHB, CPT, ETH = 1, 2, 3


def city_id(db, short_name: str) -> int:
    return db.rows("SELECT id FROM cities WHERE short_name = :n", {"n": short_name})[0][0]


def counts(db) -> tuple[int, int, int]:
    with db.unit_of_work() as s:
        return (
            s.scalar(select(func.count()).select_from(Meeting)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
            s.scalar(select(func.count()).select_from(HostUnavailability)),
        )


def accept(db, quarter: Quarter, host: int, start: date, **kw) -> int:
    with db.unit_of_work() as s:
        return mp.accept_proposal(
            s, quarter=quarter, host_city_id=host, starts_on=start, actor=COORDINATOR, now=NOW, **kw
        )


def refused_fields(db, **kw) -> dict[str, str]:
    """Try an edited acceptance; check it wrote nothing and return its sentences by field."""
    before = counts(db)
    args = {"quarter": Q1, "host_city_id": JHB, "reason": "The host asked for it."}
    args.update(kw)
    with pytest.raises(FieldErrors) as refused, db.unit_of_work() as s:
        mp.accept_edited_proposal(s, actor=COORDINATOR, now=NOW, **args)
    assert counts(db) == before
    return refused.value.errors


def test_accepting_the_proposal_makes_a_planned_meeting(any_db):
    db = any_db
    assert city_id(db, "City of Johannesburg") == JHB
    with db.unit_of_work() as s:
        proposal = mp.proposal_for(s, quarter=Q1, today=NOW.date())
    assert (proposal.host_id, proposal.starts_on, proposal.ends_on) == (
        JHB,
        date(2027, 2, 9),
        date(2027, 2, 10),
    )
    meeting_id = accept(db, Q1, JHB, proposal.starts_on, proposal_reason=proposal.reason)
    with db.unit_of_work() as s:
        m = mp.meeting_details(s, meeting_id=meeting_id)
        audit = s.scalars(select(AuditEvent).where(AuditEvent.entity == "meeting")).all()
    assert (m.number, m.quarter, m.host, m.status) == (1, Q1, "City of Johannesburg", "planned")
    assert (m.starts_on, m.ends_on, m.ics_sequence) == (date(2027, 2, 9), date(2027, 2, 10), 0)
    assert (m.day1_start, m.day1_end, m.day2_start, m.day2_end) == (
        time(9),
        time(17),
        time(8, 30),
        time(13),
    )
    assert [(a.entity_id, a.action, a.to_state, a.actor_name) for a in audit] == [
        (meeting_id, "accept_proposal", "planned", "Anél Coetzée")
    ]
    assert "has not hosted yet" in audit[0].detail
    # The next quarter's proposal now follows from the planned meeting; its number is the next.
    with db.unit_of_work() as s:
        nxt = mp.proposal_for(s, quarter=Q2, today=NOW.date())
    assert nxt.host_id == CPT
    second = accept(db, Q2, nxt.host_id, nxt.starts_on)
    with db.unit_of_work() as s:
        assert mp.meeting_details(s, meeting_id=second).number == 2
        assert mp.proposals(s, start=Q1, quarters=2)[0].planned


def test_a_quarter_with_a_meeting_is_refused(any_db):
    accept(any_db, Q1, JHB, date(2027, 2, 9))
    errors = refused_fields(any_db, host_city_id=ETH, starts_on=date(2027, 2, 16), ends_on=None)
    assert errors["quarter"] == (
        "2027 Q1 already has a meeting (hosted by City of Johannesburg); cancel it first to plan "
        "another."
    )


def test_a_public_holiday_is_refused_with_its_name(any_db):
    freedom_day = date(2027, 4, 27)
    assert public_holiday(freedom_day) == "Freedom Day"
    errors = refused_fields(any_db, quarter=Q2, starts_on=freedom_day, ends_on=date(2027, 4, 28))
    assert errors == {"starts_on": "Day 1 cannot be used: Tue 27 Apr 2027 is Freedom Day."}
    # An observed holiday too: 9 August 2026 is a Sunday, so Monday 10 August is off.
    errors = refused_fields(
        any_db,
        quarter=Quarter(2027, 3),
        starts_on=date(2027, 8, 8),
        ends_on=date(2027, 8, 9),
    )
    assert "weekend" in errors["starts_on"] and "National Women's Day" in errors["ends_on"]


def test_the_blackout_period_is_refused(any_db):
    errors = refused_fields(any_db, starts_on=date(2027, 1, 12), ends_on=date(2027, 1, 13))
    assert errors["starts_on"] == (
        "Day 1 cannot be used: 12 Jan falls in the blackout period 'Year-end holidays'."
    )
    assert "blackout" in errors["ends_on"]


def test_another_meetings_day_and_non_consecutive_days_are_refused(any_db):
    accept(any_db, Q1, JHB, date(2027, 2, 9))
    with any_db.unit_of_work() as s:
        problems = mp.plan_problems(
            s,
            quarter=Q1,
            host_city_id=CPT,
            starts_on=date(2027, 2, 10),
            ends_on=date(2027, 2, 12),
            today=NOW.date(),
        )
    assert problems["starts_on"] == (
        "Day 1 cannot be used: Wed 10 Feb 2027 is already used by another meeting."
    )
    assert problems["ends_on"].startswith("Day 2 must be the day after day 1 (Thu 11 Feb 2027)")
    errors = refused_fields(
        any_db, quarter=Q2, host_city_id=CPT, starts_on=date(2027, 5, 11), ends_on=date(2027, 5, 13)
    )
    assert list(errors) == ["ends_on"]
    errors = refused_fields(
        any_db, quarter=Q2, host_city_id=CPT, starts_on=date(2026, 5, 12), ends_on=date(2026, 5, 13)
    )
    assert errors["starts_on"] == "Day 1 (12 May 2026) is in the past."
    errors = refused_fields(any_db, quarter=Q2, starts_on=date(2027, 2, 16), ends_on=None)
    assert errors["starts_on"] == "Day 1 (16 Feb 2027) is not in 2027 Q2."


def test_the_same_host_twice_in_a_row_or_an_unavailable_host_is_refused(any_db):
    db = any_db
    accept(db, Q1, JHB, date(2027, 2, 9))
    errors = refused_fields(db, quarter=Q2, starts_on=date(2027, 5, 11), ends_on=None)
    assert errors == {
        "host": "City of Johannesburg hosts 2027 Q1, the meeting before; a city never hosts "
        "twice in a row."
    }
    with db.unit_of_work() as s:
        s.add(
            HostUnavailability(
                city_id=ETH,
                starts_on=date(2027, 4, 1),
                ends_on=date(2027, 6, 30),
                reason="Council elections",
            )
        )
    errors = refused_fields(
        db, quarter=Q2, host_city_id=ETH, starts_on=date(2027, 5, 11), ends_on=None
    )
    assert errors["host"] == (
        "eThekwini is unavailable from 01 Apr 2027 to 30 Jun 2027 (Council elections)."
    )


def test_accepting_with_edits_needs_a_reason_and_records_it(any_db):
    db = any_db
    errors = refused_fields(
        db, host_city_id=ETH, starts_on=date(2027, 2, 16), ends_on=None, reason="  "
    )
    assert errors == {"reason": "Say why the proposal was changed."}
    every = refused_fields(db, host_city_id=None, starts_on=None, ends_on=None, reason="")
    assert set(every) == {"reason", "host", "starts_on", "ends_on"}
    with db.unit_of_work() as s:
        meeting_id = mp.accept_edited_proposal(
            s,
            quarter=Q1,
            host_city_id=ETH,
            starts_on=date(2027, 2, 16),
            ends_on=date(2027, 2, 17),
            reason="eThekwini offered to host the launch of its safety strategy.",
            actor=COORDINATOR,
            now=NOW,
            proposal_reason="City of Johannesburg has not hosted yet.",
        )
        m = mp.meeting_details(s, meeting_id=meeting_id)
        (event,) = s.scalars(select(AuditEvent)).all()
    assert (m.host, m.starts_on, m.ends_on) == ("eThekwini", date(2027, 2, 16), date(2027, 2, 17))
    assert event.action == "accept_edited_proposal"
    assert event.reason == "eThekwini offered to host the launch of its safety strategy."


def test_rejecting_a_proposal_defers_the_city_which_keeps_its_turn(any_db):
    db = any_db
    with pytest.raises(WorkflowError, match="Give a reason"), db.unit_of_work() as s:
        mp.reject_proposal(s, quarter=Q1, host_city_id=JHB, reason="", actor=COORDINATOR, now=NOW)
    assert counts(db) == (0, 0, 0)
    with db.unit_of_work() as s:
        mp.reject_proposal(
            s,
            quarter=Q1,
            host_city_id=JHB,
            reason="The council's budget sitting falls in February.",
            actor=COORDINATOR,
            now=NOW,
        )
    with db.unit_of_work() as s:
        first, second = mp.proposals(s, start=Q1, quarters=2)
        (event,) = s.scalars(select(AuditEvent)).all()
    assert (first.host_id, second.host_id) == (CPT, JHB)
    assert [d.city_id for d in first.deferrals] == [JHB]
    assert "City of Johannesburg is unavailable from 01 Jan 2027 to 31 Mar 2027" in first.reason
    assert "keeps its turn" in first.reason
    assert (event.entity, event.action) == ("host_unavailability", "reject_proposal")
    # Rejecting it again for the same quarter is refused; so is rejecting a planned quarter.
    with pytest.raises(WorkflowError, match="already unavailable"), db.unit_of_work() as s:
        mp.reject_proposal(s, quarter=Q1, host_city_id=JHB, reason="x", actor=COORDINATOR, now=NOW)
    accept(db, Q1, CPT, first.starts_on)
    with (
        pytest.raises(WorkflowError, match="already has a planned meeting"),
        db.unit_of_work() as s,
    ):
        mp.reject_proposal(s, quarter=Q1, host_city_id=CPT, reason="x", actor=COORDINATOR, now=NOW)
    assert counts(db) == (1, 2, 1)


def test_status_moves_planned_confirmed_held_and_each_is_audited(any_db):
    db = any_db
    meeting_id = accept(db, Q1, JHB, date(2027, 2, 9))
    with db.unit_of_work() as s:
        assert mp.confirm_meeting(s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW) == (
            "confirmed"
        )
    with pytest.raises(WorkflowError) as early, db.unit_of_work() as s:
        mp.mark_meeting_held(s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW)
    assert str(early.value) == (
        "Meeting 1 (2027 Q1) starts on 09 Feb 2027; it cannot be marked held before then."
    )
    with db.unit_of_work() as s:
        mp.mark_meeting_held(
            s, meeting_id=meeting_id, actor=COORDINATOR, now=datetime(2027, 2, 10, 14)
        )
    with pytest.raises(WorkflowError) as late, db.unit_of_work() as s:
        mp.cancel_meeting(s, meeting_id=meeting_id, reason="Too late", actor=COORDINATOR, now=NOW)
    # Who made it held, and when (South African time), so the refusal explains itself.
    assert str(late.value) == (
        f"Meeting 1 (2027 Q1) is held (by {COORDINATOR.name} at 2027-02-10 16:00), so it cannot "
        "be cancelled now."
    )
    with db.unit_of_work() as s:
        m = mp.meeting_details(s, meeting_id=meeting_id)
        moves = s.execute(
            select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state).order_by(
                AuditEvent.id
            )
        ).all()
    assert (m.status, m.ics_sequence) == ("held", 1)
    assert [tuple(row) for row in moves] == [
        ("accept_proposal", None, "planned"),
        ("confirm", "planned", "confirmed"),
        ("mark_held", "confirmed", "held"),
    ]


def test_cancelling_needs_a_reason_frees_the_quarter_and_bumps_the_sequence(any_db):
    db = any_db
    meeting_id = accept(db, Q1, JHB, date(2027, 2, 9))
    with pytest.raises(WorkflowError) as bare, db.unit_of_work() as s:
        mp.cancel_meeting(s, meeting_id=meeting_id, reason=" ", actor=COORDINATOR, now=NOW)
    assert str(bare.value) == "Give a reason to cancel meeting 1 (2027 Q1)."
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        mp.cancel_meeting(s, meeting_id=meeting_id, reason="x", actor=REVIEWER, now=NOW)
    with db.unit_of_work() as s:
        mp.cancel_meeting(
            s,
            meeting_id=meeting_id,
            reason="The venue was flooded.",
            actor=COORDINATOR,
            now=NOW,
        )
    with db.unit_of_work() as s:
        m = mp.meeting_details(s, meeting_id=meeting_id)
        reason = s.scalar(select(AuditEvent.reason).where(AuditEvent.action == "cancel"))
    assert (m.status, m.cancelled_reason, m.ics_sequence) == (
        "cancelled",
        "The venue was flooded.",
        1,
    )
    assert reason == "The venue was flooded."
    confirmed = pytest.raises(WorkflowError, match=r"cancelled \(by .+\), so it cannot be confirm")
    with confirmed, db.unit_of_work() as s:
        mp.confirm_meeting(s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW)
    # The quarter is free again: a new meeting with the next number, on the same days.
    again = accept(db, Q1, JHB, date(2027, 2, 9))
    with db.unit_of_work() as s:
        assert mp.meeting_details(s, meeting_id=again).number == 2


def test_editing_details_checks_every_field_and_bumps_the_sequence_once(any_db):
    db = any_db
    meeting_id = accept(db, Q1, JHB, date(2027, 2, 9))
    good = {
        "venue": "Metro Centre, 158 Civic Boulevard, Braamfontein",
        "day1_start": "08:30",
        "day1_end": "17:00",
        "day2_start": time(8, 30),
        "day2_end": "12:30",
        "exposure_site": "Hillbrow inner-city precinct",
        "exposure_purpose": "Safer-streets programme and its community patrollers.",
        "exposure_transport": "A bus from the venue at 13:45.",
        "exposure_contact": "Thabo Mokoena, +27 82 555 0101",
    }
    before = counts(db)
    bad = dict(good, day1_start="half past eight", day2_end="08:00", venue="x" * 301)
    with pytest.raises(FieldErrors) as refused, db.unit_of_work() as s:
        mp.update_meeting_details(s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW, **bad)
    assert refused.value.errors == {
        "venue": "Venue is 301 characters long; the most is 300.",
        "day1_start": "Day 1 start must be a time like 09:00.",
        "day2_end": "Day 2 must end after it starts (08:30).",
    }
    assert counts(db) == before
    with db.unit_of_work() as s:
        changed = mp.update_meeting_details(
            s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW, **good
        )
    assert set(changed) == {
        "venue",
        "day1_start",
        "day2_end",
        "exposure_site",
        "exposure_purpose",
        "exposure_transport",
        "exposure_contact",
    }
    with db.unit_of_work() as s:
        same = mp.update_meeting_details(
            s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW, **good
        )
        m = mp.meeting_details(s, meeting_id=meeting_id)
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "edit_details"))
    assert same == []
    assert (m.venue, m.day1_start, m.day2_end, m.ics_sequence) == (
        good["venue"],
        time(8, 30),
        time(12, 30),
        1,
    )
    assert "day1_start: 09:00 → 08:30" in detail
    assert counts(db) == (before[0], before[1] + 1, before[2])


def test_moving_a_meeting_keeps_the_rules_and_bumps_the_sequence(any_db):
    db = any_db
    meeting_id = accept(db, Q1, JHB, date(2027, 2, 9))
    accept(db, Q2, CPT, date(2027, 5, 11))
    before = counts(db)

    def move(start, end, reason="The venue is booked that week."):
        with db.unit_of_work() as s:
            return mp.move_meeting(
                s,
                meeting_id=meeting_id,
                starts_on=start,
                ends_on=end,
                reason=reason,
                actor=COORDINATOR,
                now=NOW,
            )

    with pytest.raises(FieldErrors) as refused:
        move(date(2027, 3, 22), date(2027, 3, 23), reason="")
    # 21 March 2027 is a Sunday: the Monday after is the observed public holiday.
    assert refused.value.errors == {
        "starts_on": "Day 1 cannot be used: Mon 22 Mar 2027 is Human Rights Day (observed).",
        "reason": "Say why meeting 1 (2027 Q1) is moved.",
    }
    with pytest.raises(FieldErrors) as other_quarter:
        move(date(2027, 5, 12), date(2027, 5, 13))
    assert set(other_quarter.value.errors) == {"starts_on", "ends_on"}
    assert counts(db) == before
    # One day later overlaps its own old days: those do not count as taken.
    assert move(date(2027, 2, 10), date(2027, 2, 11)) is True
    assert move(date(2027, 2, 10), date(2027, 2, 11)) is False
    with db.unit_of_work() as s:
        m = mp.meeting_details(s, meeting_id=meeting_id)
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "move")).all()
    assert (m.starts_on, m.ends_on, m.ics_sequence) == (date(2027, 2, 10), date(2027, 2, 11), 1)
    assert event.detail == "2027-02-09 and 2027-02-10 → 2027-02-10 and 2027-02-11"
    assert event.reason == "The venue is booked that week."


def test_every_proposal_of_the_rotation_passes_the_planning_checks(any_demo_db):
    """Proposals and plans keep the same rules: two years of proposals accept one by one."""
    db = any_demo_db
    with db.unit_of_work() as s:
        shown = mp.proposals(s, start=Quarter.of(NOW.date()).next(), quarters=12)
    open_ = [p for p in shown if not p.planned and p.host_id is not None]
    assert len(open_) >= 8
    for p in open_:
        with db.unit_of_work() as s:
            again = mp.proposal_for(s, quarter=p.quarter, today=NOW.date())
        assert (again.host_id, again.starts_on) == (p.host_id, p.starts_on)
        accept(db, p.quarter, p.host_id, p.starts_on, proposal_reason=p.reason)
    hosts = db.rows(
        "SELECT host_city_id FROM meetings WHERE status <> 'cancelled' ORDER BY year, quarter"
    )
    assert all(a != b for a, b in zip(hosts, hosts[1:], strict=False))
    numbers = db.rows("SELECT number FROM meetings ORDER BY year, quarter")
    assert [n for (n,) in numbers] == sorted(n for (n,) in numbers)
