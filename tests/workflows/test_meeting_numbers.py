"""Meeting numbers follow the dates: planned meetings are renumbered, others keep theirs."""

from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.meetings import Meeting
from usrg_desktop.workflows import Actor, WorkflowError
from usrg_desktop.workflows.meetings import meeting_plans as mp
from usrg_desktop.workflows.meetings.calendar import meeting_ics
from usrg_desktop.workflows.meetings.rotation import Quarter

NOW = datetime(2026, 11, 25, 10, 0)
COORDINATOR = Actor(None, "Anél Coetzée", "coordinator")
Q1, Q2, Q3, Q4 = (Quarter(2027, n) for n in (1, 2, 3, 4))


def accept(db, quarter: Quarter) -> int:
    """Accept the rotation's proposal for the quarter as it stands now; the meeting's id."""
    with db.unit_of_work() as s:
        p = mp.proposal_for(s, quarter=quarter, today=NOW.date())
        return mp.accept_proposal(
            s,
            quarter=quarter,
            host_city_id=p.host_id,
            starts_on=p.starts_on,
            actor=COORDINATOR,
            now=NOW,
            proposal_reason=p.reason,
        )


def numbers(db) -> list[tuple[str, int, str]]:
    """(quarter, number, status) of every meeting, by date."""
    return [
        (f"{int(y)}Q{int(q)}", int(n), status)
        for y, q, n, status in db.rows(
            "SELECT year, quarter, number, status FROM meetings ORDER BY starts_on"
        )
    ]


def uids(db, meeting_id: int) -> list[str]:
    with db.unit_of_work() as s:
        cal = Calendar.from_ical(meeting_ics(s, meeting_id, now=NOW))
    return [str(e["uid"]) for e in cal.walk("VEVENT")]


def sequence(db, meeting_id: int) -> int:
    return int(db.rows("SELECT ics_sequence FROM meetings WHERE id = :i", {"i": meeting_id})[0][0])


def test_accepting_a_later_quarter_first_still_numbers_by_date(any_db):
    db = any_db
    q3 = accept(db, Q3)
    assert numbers(db) == [("2027Q3", 1, "planned")]
    q3_uids = uids(db, q3)
    assert q3_uids == [
        f"usrg-meeting-id{q3}-{part}@sacities.net" for part in ("day1", "day2", "visit")
    ]
    q2 = accept(db, Q2)
    assert numbers(db) == [("2027Q2", 1, "planned"), ("2027Q3", 2, "planned")]
    # The renumbered meeting: its calendar title changed (SEQUENCE up), its UIDs did not.
    assert sequence(db, q3) == 1 and sequence(db, q2) == 0
    assert uids(db, q3) == q3_uids
    with db.unit_of_work() as s:
        audit = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "meeting").order_by(AuditEvent.id)
        ).all()
        assert [(a.entity_id, a.action) for a in audit] == [
            (q3, "accept_proposal"),
            (q2, "accept_proposal"),
            (q3, "renumber"),
        ]
        assert audit[-1].detail == (
            "Meeting 1 (2027 Q3) is now meeting 2: numbers follow the dates."
        )
        assert mp.meeting_details(s, meeting_id=q3).title.startswith("USRG meeting 2 (2027 Q3)")
    # And one more in between and before: Q1 last, everything shifts by date.
    q1 = accept(db, Q1)
    assert numbers(db) == [
        ("2027Q1", 1, "planned"),
        ("2027Q2", 2, "planned"),
        ("2027Q3", 3, "planned"),
    ]
    assert (sequence(db, q1), sequence(db, q2), sequence(db, q3)) == (0, 1, 2)


def test_a_confirmed_meeting_keeps_its_number_so_an_earlier_plan_is_refused(any_db):
    db = any_db
    q3 = accept(db, Q3)
    with db.unit_of_work() as s:
        mp.confirm_meeting(s, meeting_id=q3, actor=COORDINATOR, now=NOW)
    with db.unit_of_work() as s:
        before = (
            s.scalar(select(func.count()).select_from(Meeting)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )
    with pytest.raises(WorkflowError) as refused:
        accept(db, Q2)
    assert str(refused.value) == (
        "Meetings are numbered by date, and a meeting in 2027 Q2 would change the number of "
        "meeting 1 (2027 Q3), which is confirmed and keeps its number."
    )
    with db.unit_of_work() as s:
        after = (
            s.scalar(select(func.count()).select_from(Meeting)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )
    assert after == before
    assert numbers(db) == [("2027Q3", 1, "confirmed")]
    # A later quarter is fine: it takes the next number.
    accept(db, Q4)
    assert numbers(db) == [("2027Q3", 1, "confirmed"), ("2027Q4", 2, "planned")]


def test_a_cancelled_meeting_keeps_its_number_and_it_is_not_used_again(any_db):
    db = any_db
    q2 = accept(db, Q2)
    with db.unit_of_work() as s:
        mp.cancel_meeting(s, meeting_id=q2, reason="Venue flooded.", actor=COORDINATOR, now=NOW)
    accept(db, Q4)
    accept(db, Q3)
    assert numbers(db) == [
        ("2027Q2", 1, "cancelled"),
        ("2027Q3", 2, "planned"),
        ("2027Q4", 3, "planned"),
    ]


def test_demo_data_accepts_every_quarter_backwards_with_numbers_in_date_order(any_demo_db):
    db = any_demo_db
    with db.unit_of_work() as s:
        shown = mp.proposals(s, start=Quarter.of(NOW.date()).next(), quarters=10)
    open_quarters = [p.quarter for p in shown if not p.planned]
    assert len(open_quarters) >= 2, "the demo should leave quarters to plan"
    for quarter in reversed(open_quarters):
        accept(db, quarter)
    rows = db.rows("SELECT number FROM meetings WHERE status <> 'cancelled' ORDER BY starts_on")
    found = [int(n) for (n,) in rows]
    assert found == sorted(found)
