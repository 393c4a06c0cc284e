"""Volunteers, unavailable periods and blackout periods: entered, refused, seen by the proposals."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import City
from usrg_desktop.domain.meetings import BlackoutPeriod, HostUnavailability, HostVolunteer
from usrg_desktop.workflows import Actor, FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.meetings import meeting_plans as mp
from usrg_desktop.workflows.meetings import rotation_inputs as ri
from usrg_desktop.workflows.meetings.rotation import Blackout, Quarter

NOW = datetime(2026, 11, 25, 10, 0)
COORDINATOR = Actor(None, "Anél Coetzée", "coordinator")
REVIEWER = Actor(None, "A Reviewer", "reviewer")
Q1, Q2, Q3 = Quarter(2027, 1), Quarter(2027, 2), Quarter(2027, 3)


def city_id(db, short_name: str) -> int:
    return db.rows("SELECT id FROM cities WHERE short_name = :n", {"n": short_name})[0][0]


def counts(db) -> tuple[int, int, int, int]:
    """Offers, unavailable periods, blackout rows and audit records."""
    with db.unit_of_work() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(table))
            for table in (HostVolunteer, HostUnavailability, BlackoutPeriod, AuditEvent)
        )


def proposal(db, quarter: Quarter):
    with db.unit_of_work() as s:
        return mp.proposal_for(s, quarter=quarter, today=NOW.date())


def volunteer(db, city: str | int, quarter: Quarter | tuple[int, int], note: str = "", **kw):
    year, number = (quarter.year, quarter.number) if isinstance(quarter, Quarter) else quarter
    with db.unit_of_work() as s:
        return ri.record_volunteer(
            s,
            city=city_id(db, city) if isinstance(city, str) else city,
            year=year,
            quarter=number,
            note=note,
            actor=kw.get("actor", COORDINATOR),
            now=NOW,
        )


def refused(db, call, **kw) -> dict[str, str]:
    """Run a workflow that must be refused field by field; check it wrote nothing."""
    before = counts(db)
    with pytest.raises(FieldErrors) as caught, db.unit_of_work() as s:
        call(s, actor=COORDINATOR, now=NOW, **kw)
    assert counts(db) == before
    return caught.value.errors


def unavailable(db, city: str, first: date, last: date, reason: str = "Council elections"):
    with db.unit_of_work() as s:
        return ri.record_unavailability(
            s,
            city=city_id(db, city),
            starts_on=first,
            ends_on=last,
            reason=reason,
            actor=COORDINATOR,
            now=NOW,
        )


# -- volunteers -----------------------------------------------------------------------------------
def test_a_volunteer_moves_to_its_quarter_and_is_listed_and_audited(any_db):
    db = any_db
    before = proposal(db, Q3)
    assert before.host != "Buffalo City"
    offer_id = volunteer(db, "Buffalo City", Q3, "The new council chamber is ready.")
    after = proposal(db, Q3)
    assert after.host == "Buffalo City"
    assert "Buffalo City volunteered for 2027 Q3" in after.reason
    listing = ri.volunteer_listing(db)
    assert listing.ids == [offer_id]
    assert listing.rows == [
        (
            "2027Q3",
            "Buffalo City",
            "Buffalo City Metropolitan Municipality",
            "The new council chamber is ready.",
        )
    ]
    with db.unit_of_work() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.entity == "host_volunteer")).one()
        assert (audit.entity_id, audit.action, audit.actor_name) == (
            offer_id,
            "record_volunteer",
            "Anél Coetzée",
        )
        assert audit.detail.startswith("Buffalo City volunteered for 2027 Q3.")
    # Withdrawn: the proposal is as before and the audit says so.
    with db.unit_of_work() as s:
        what = ri.withdraw_volunteer(s, volunteer_id=offer_id, actor=COORDINATOR, now=NOW)
    assert what == "Buffalo City's offer to host 2027 Q3"
    assert proposal(db, Q3).host == before.host
    assert ri.volunteer_listing(db).rows == []
    assert db.rows(
        "SELECT action FROM audit_events WHERE entity = 'host_volunteer' ORDER BY id"
    ) == [("record_volunteer",), ("withdraw_volunteer",)]


def test_the_current_quarter_may_be_offered_but_not_a_past_one(any_db):
    volunteer(any_db, "Msunduzi", (2026, 4))
    errors = refused(
        any_db, ri.record_volunteer, city=city_id(any_db, "Msunduzi"), year=2026, quarter=3, note=""
    )
    assert errors == {"quarter": "2026 Q3 is over; a city can volunteer for 2026 Q4 or later."}


def test_a_second_offer_for_the_same_quarter_is_refused(any_db):
    volunteer(any_db, "Mangaung", Q2)
    errors = refused(
        any_db, ri.record_volunteer, city=city_id(any_db, "Mangaung"), year=2027, quarter=2
    )
    assert errors == {"quarter": "Mangaung has already volunteered for 2027 Q2."}


def test_bad_offers_say_which_field_is_wrong(any_db):
    db = any_db
    with db.unit_of_work() as s:
        s.execute(update(City).where(City.short_name == "Msunduzi").values(active=False))
    errors = refused(
        db, ri.record_volunteer, city=city_id(db, "Msunduzi"), year=2027, quarter=5, note="x" * 2001
    )
    assert errors == {
        "city": "Msunduzi is not an active member city, so it cannot host.",
        "quarter": "Quarter 5 does not exist; a year has quarters 1 to 4.",
        "note": "The note is 2001 characters long; the most is 2000.",
    }
    assert refused(db, ri.record_volunteer, city=None, year=2027, quarter=1) == {
        "city": "Choose the city."
    }


def test_a_quarter_with_a_meeting_takes_no_offer(any_db):
    db = any_db
    p = proposal(db, Q1)
    with db.unit_of_work() as s:
        mp.accept_proposal(
            s,
            quarter=Q1,
            host_city_id=p.host_id,
            starts_on=p.starts_on,
            actor=COORDINATOR,
            now=NOW,
        )
    errors = refused(
        db, ri.record_volunteer, city=city_id(db, "Buffalo City"), year=2027, quarter=1
    )
    assert errors == {
        "quarter": "2027 Q1 already has meeting 1, hosted by City of Johannesburg; cancel it "
        "first if another city is to host."
    }


def test_only_planners_change_the_inputs(any_db):
    before = counts(any_db)
    with pytest.raises(PermissionDenied, match="Only a meetings coordinator"):
        volunteer(any_db, "Buffalo City", Q3, actor=REVIEWER)
    with pytest.raises(PermissionDenied), any_db.unit_of_work() as s:
        ri.set_blackout_periods(s, periods=[Blackout("X", (1, 1), (1, 2))], actor=REVIEWER, now=NOW)
    assert counts(any_db) == before


def test_withdrawing_an_offer_that_is_gone_says_so(any_db):
    with (
        pytest.raises(WorkflowError, match="There is no offer to host with id 999"),
        any_db.unit_of_work() as s,
    ):
        ri.withdraw_volunteer(s, volunteer_id=999, actor=COORDINATOR, now=NOW)


# -- unavailability -------------------------------------------------------------------------------
def test_an_unavailable_city_is_deferred_and_keeps_its_turn(any_db):
    db = any_db
    first = proposal(db, Q1)
    assert first.host == "City of Johannesburg"
    period_id = unavailable(db, "City of Johannesburg", date(2027, 1, 1), date(2027, 3, 31))
    q1 = proposal(db, Q1)
    assert q1.host != "City of Johannesburg"
    assert "City of Johannesburg is unavailable from 01 Jan 2027 to 31 Mar 2027" in q1.reason
    assert "Council elections" in q1.reason
    assert proposal(db, Q2).host == "City of Johannesburg"  # its turn is kept
    listing = ri.unavailability_listing(db)
    assert listing.ids == [period_id]
    assert listing.rows == [
        (
            "City of Johannesburg",
            "City of Johannesburg Metropolitan Municipality",
            "2027-01-01",
            "2027-03-31",
            "Council elections",
        )
    ]
    with db.unit_of_work() as s:
        what = ri.remove_unavailability(s, unavailability_id=period_id, actor=COORDINATOR, now=NOW)
    assert what == "City of Johannesburg unavailable from 01 Jan 2027 to 31 Mar 2027"
    assert proposal(db, Q1).host == "City of Johannesburg"
    assert db.rows(
        "SELECT action, reason FROM audit_events WHERE entity = 'host_unavailability' ORDER BY id"
    ) == [("record_unavailability", "Council elections"), ("remove_unavailability", "")]


def test_bad_periods_are_refused_field_by_field(any_db):
    db = any_db
    jhb = city_id(db, "City of Johannesburg")
    errors = refused(
        db,
        ri.record_unavailability,
        city=jhb,
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 2, 1),
        reason="  ",
    )
    assert errors == {
        "ends_on": "The last day (01 Feb 2027) is before the first day (01 Mar 2027).",
        "reason": "Say why the city cannot host in this period.",
    }
    errors = refused(
        db, ri.record_unavailability, city=jhb, starts_on=None, ends_on=None, reason="Elections"
    )
    assert set(errors) == {"starts_on", "ends_on"}
    errors = refused(
        db,
        ri.record_unavailability,
        city=jhb,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
        reason="Elections",
    )
    assert errors == {
        "ends_on": "The period ends on 30 Jun 2026, before today; it would change nothing."
    }
    unavailable(db, "City of Johannesburg", date(2027, 1, 1), date(2027, 1, 31))
    errors = refused(
        db,
        ri.record_unavailability,
        city=jhb,
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 1, 31),
        reason="Again",
    )
    assert errors == {
        "starts_on": "City of Johannesburg is already unavailable from 01 Jan 2027 to 31 Jan 2027."
    }


def test_a_period_over_a_meeting_the_city_hosts_is_refused(any_db):
    db = any_db
    p = proposal(db, Q1)
    with db.unit_of_work() as s:
        mp.accept_proposal(
            s,
            quarter=Q1,
            host_city_id=p.host_id,
            starts_on=p.starts_on,
            actor=COORDINATOR,
            now=NOW,
        )
    errors = refused(
        db,
        ri.record_unavailability,
        city=p.host_id,
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 28),
        reason="Strike",
    )
    assert errors == {
        "city": "City of Johannesburg hosts meeting 1 (planned) on 09 Feb and 10 Feb 2027, "
        "inside this period; move or cancel that meeting first."
    }


# -- blackout periods -----------------------------------------------------------------------------
def test_impossible_days_and_missing_names_are_refused(any_db):
    db = any_db
    errors = refused(
        db,
        ri.set_blackout_periods,
        periods=[
            Blackout("Year-end holidays", (12, 15), (1, 15)),
            Blackout("Easter", (4, 1), (4, 31)),
            Blackout(" ", (7, 1), (7, 10)),
            Blackout("Winter", (13, 1), (7, 10)),
            Blackout("year-end HOLIDAYS", (6, 1), (6, 2)),
        ],
    )
    assert errors == {
        "2": "The end of 'Easter' is wrong: April has no day 31 (it has 30 days).",
        "3": "Blackout period 3 needs a name (for example 'Year-end holidays').",
        "4": "The start of 'Winter' is wrong: month 13 does not exist (months are 1 to 12).",
        "5": "Two blackout periods are called 'year-end HOLIDAYS'; give each its own name.",
    }
    assert refused(db, ri.set_blackout_periods, periods=[]) == {
        "periods": "Keep at least one blackout period; without any, the default applies."
    }


def test_a_new_blackout_moves_the_proposed_dates_out_of_it(any_db):
    db = any_db
    assert proposal(db, Q1).starts_on == date(2027, 2, 9)
    periods = [
        Blackout("Year-end holidays", (12, 15), (1, 15)),
        Blackout("Budget month", (2, 1), (2, 29)),
    ]
    with db.unit_of_work() as s:
        assert ri.set_blackout_periods(s, periods=periods, actor=COORDINATOR, now=NOW)
    q1 = proposal(db, Q1)
    assert q1.starts_on.month == 3 and q1.ends_on.month == 3
    with db.unit_of_work() as s:
        assert ri.blackout_periods(s) == periods
        assert ri.blackout_listing(s).rows == [
            ("Year-end holidays", "12-15", "01-15"),
            ("Budget month", "02-01", "02-29"),
        ]
        # The same periods again: nothing written.
        assert not ri.set_blackout_periods(s, periods=periods, actor=COORDINATOR, now=NOW)
    assert db.rows("SELECT action, detail FROM audit_events WHERE entity = 'blackout_periods'") == [
        (
            "set_blackout_periods",
            "Year-end holidays: 15 December – 15 January → Year-end holidays: 15 December – "
            "15 January; Budget month: 1 February – 29 February",
        )
    ]


def test_a_blackout_over_a_planned_meeting_is_refused(any_db):
    db = any_db
    p = proposal(db, Q1)
    with db.unit_of_work() as s:
        mp.accept_proposal(
            s,
            quarter=Q1,
            host_city_id=p.host_id,
            starts_on=p.starts_on,
            actor=COORDINATOR,
            now=NOW,
        )
    errors = refused(
        db, ri.set_blackout_periods, periods=[Blackout("Budget month", (2, 1), (2, 28))]
    )
    assert errors == {
        "1": "Meeting 1 (09 Feb and 10 Feb 2027) falls in 'Budget month'; move that meeting first."
    }
