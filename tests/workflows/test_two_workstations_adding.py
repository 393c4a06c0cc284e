"""Two workstations adding the same thing at the same moment: one is kept, the other is told.

Real processes with a synchronised start (tests/concurrency.py), on SQLite and PostgreSQL:
the same person's e-mail address, the same username, the same quarter's meeting, and two
quarters planned at once (both kept, numbered in date order). A unique clash that gets past
the checks reads as a sentence, never as a driver error.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.accounts import User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import Person
from usrg_desktop.domain.meetings import Meeting
from usrg_desktop.storage import Database, UniqueClash
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.directory.directory_people import save_person
from usrg_desktop.workflows.meetings import meeting_plans as mp
from usrg_desktop.workflows.meetings.rotation import Quarter
from usrg_desktop.workflows.system.accounts import create_user

from ..concurrency import Outcome, race

NOW = datetime(2026, 11, 25, 8, 0)
STAFF = Actor(None, "Thandi Nkosi", "secretariat")
COORDINATOR = Actor(None, "Anél Coetzée", "coordinator")
ROUNDS = 3


def _refusal(outcomes: list[Outcome]) -> str:
    winners = [o for o in outcomes if o.ok]
    losers = [o for o in outcomes if not o.ok]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    return losers[0].message


# -- the same person -------------------------------------------------------------------------
def add_person(barrier, url: str, name: str, email: str) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            return save_person(
                s,
                full_name=name,
                role="official",
                city_id=1,
                email=email,
                consent_basis="consent",
                consent_recorded_on=date(2026, 11, 25),
                actor=STAFF,
                now=NOW,
            )
    finally:
        db.dispose()


def test_two_workstations_adding_the_same_email_keep_one_and_tell_the_other(any_db):
    for n in range(ROUNDS):
        email = f"lindiwe.{n}@joburg.org.za"
        message = _refusal(
            race(
                (add_person, (any_db.url, "Lindiwe Sithole", email)),
                (add_person, (any_db.url, "Lindiwe Sithole-Mokoena", email)),
            )
        )
        assert message == (
            f"FieldErrors: The email address '{email}' already belongs to someone else in the "
            "directory."
        ), message
        with any_db.unit_of_work() as s:
            assert s.scalar(select(func.count()).where(Person.email == email)) == 1


# -- the same username -----------------------------------------------------------------------
def add_account(barrier, url: str, name: str) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            return create_user(
                s,
                username="lindiwe",
                display_name=name,
                password="a-long-enough-password",
                role="secretariat",
                now=NOW,
            )
    finally:
        db.dispose()


def test_two_workstations_adding_the_same_username_keep_one(any_db):
    message = _refusal(
        race(
            (add_account, (any_db.url, "Lindiwe Sithole")),
            (add_account, (any_db.url, "Lindiwe Mokoena")),
        )
    )
    assert message == "WorkflowError: The username 'lindiwe' is already taken.", message
    with any_db.unit_of_work() as s:
        assert s.scalar(select(func.count()).where(User.username == "lindiwe")) == 1


# -- meetings --------------------------------------------------------------------------------
def plan(barrier, url: str, year: int, number: int, host: int, start: date) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            return mp.accept_proposal(
                s,
                quarter=Quarter(year, number),
                host_city_id=host,
                starts_on=start,
                actor=COORDINATOR,
                now=NOW,
            )
    finally:
        db.dispose()


def proposed(db: Database, quarter: Quarter) -> tuple[int, date]:
    with db.unit_of_work() as s:
        p = mp.proposal_for(s, quarter=quarter, today=NOW.date())
    return p.host_id, p.starts_on


def test_two_workstations_planning_the_same_quarter_keep_one_meeting(any_db):
    q1 = Quarter(2027, 1)
    host, start = proposed(any_db, q1)
    message = _refusal(
        race(
            (plan, (any_db.url, 2027, 1, host, start)),
            (plan, (any_db.url, 2027, 1, host, start)),
        )
    )
    assert message.startswith("FieldErrors: 2027 Q1 already has a meeting (hosted by "), message
    with any_db.unit_of_work() as s:
        assert s.scalars(select(Meeting.number)).all() == [1]
        planned = s.scalar(
            select(func.count()).where(
                AuditEvent.entity == "meeting", AuditEvent.action == "accept_proposal"
            )
        )
    assert planned == 1


def test_two_workstations_planning_two_quarters_at_once_keep_both_in_date_order(any_db):
    first, second = Quarter(2027, 1), Quarter(2027, 2)
    (host1, start1), (host2, start2) = proposed(any_db, first), proposed(any_db, second)
    outcomes = race(
        (plan, (any_db.url, 2027, 2, host2, start2)),
        (plan, (any_db.url, 2027, 1, host1, start1)),
    )
    assert all(o.ok for o in outcomes), outcomes
    with any_db.unit_of_work() as s:
        rows = s.execute(select(Meeting.quarter, Meeting.number).order_by(Meeting.starts_on)).all()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 2)]


# -- a clash that gets past every check still reads as a sentence -----------------------------
def test_a_unique_clash_is_a_sentence_and_writes_nothing(any_db):
    with any_db.unit_of_work() as s:
        s.add(Person(full_name="A", role="official", consent_basis="consent", email="a@b.org"))
    with pytest.raises(UniqueClash) as clash, any_db.unit_of_work() as s:
        s.add(Person(full_name="B", role="official", consent_basis="consent", email="x@b.org"))
        s.add(Person(full_name="C", role="official", consent_basis="consent", email="a@b.org"))
    assert str(clash.value) == (
        "Nothing was saved: a person with the same e-mail address is already on record (perhaps "
        "saved a moment ago at another workstation). Reload to see it, then try again."
    )
    with any_db.unit_of_work() as s:
        assert s.scalars(select(Person.full_name).where(Person.email.like("%@b.org"))).all() == [
            "A"
        ]
