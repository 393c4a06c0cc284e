"""Invitations, RSVPs, attendance per day and visit, and the quorum of member cities."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.workflows.meeting_helpers import (
    NOW,
    REVIEWER,
    audit_actions,
    demo_actor,
    meeting_id_by_number,
    new_meeting,
)
from usrg_desktop.domain.accounts import Setting
from usrg_desktop.domain.directory import Body, City, Person
from usrg_desktop.domain.meetings import Invitation
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.meetings import attendance as wf

# The new meeting is in the past for these tests' "today", so attendance may be recorded.
MEETING_DAY = date(2026, 11, 16)


def _invite_all(db, meeting_id, actor) -> int:
    with db.unit_of_work() as session:
        return wf.invite_focal_persons(session, meeting_id=meeting_id, actor=actor, now=NOW)


def _quorum(db, meeting_id):
    with db.unit_of_work() as session:
        return wf.meeting_quorum(session, meeting_id=meeting_id)


def _attend(db, invitation_id, part, actor, attended=True, today=TODAY):
    with db.unit_of_work() as session:
        wf.record_attendance(
            session,
            invitation_id=invitation_id,
            part=part,
            attended=attended,
            actor=actor,
            now=NOW,
            today=today,
        )


def test_invite_focal_persons_of_cities_and_bodies_once(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db, starts_on=MEETING_DAY)
    with any_demo_db.unit_of_work() as session:
        expected = set(
            session.scalars(
                select(Person.id)
                .outerjoin(City, City.id == Person.city_id)
                .outerjoin(Body, Body.id == Person.body_id)
                .where(
                    Person.role == "focal person",
                    Person.active.is_(True),
                    Person.anonymised_at.is_(None),
                    (City.active.is_(True)) | (Body.active.is_(True)),
                )
            )
        )
    assert _invite_all(any_demo_db, meeting_id, actor) == len(expected) > 0
    people = wf.invitees(any_demo_db, meeting_id)
    assert {i.person_id for i in people} == expected
    assert {i.rsvp for i in people} == {"pending"}
    # Cities first, then bodies, each group by name.
    kinds = [i.group_kind for i in people]
    assert kinds == sorted(kinds) and set(kinds) == {0, 1}
    assert "eThekwini" in {i.group for i in people}
    assert "Civilian Secretariat for Police Service" not in {i.group for i in people}
    assert "CSPS" in {i.group for i in people}
    # A second time adds nobody.
    assert _invite_all(any_demo_db, meeting_id, actor) == 0
    assert audit_actions(any_demo_db, "meeting", meeting_id) == ["invite"]


def test_invite_and_remove_one_person(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db, starts_on=MEETING_DAY)
    with any_demo_db.unit_of_work() as session:
        official = session.scalars(
            select(Person).where(Person.role == "official").order_by(Person.id)
        ).first()
    with any_demo_db.unit_of_work() as session:
        invitation_id = wf.invite_person(
            session, meeting_id=meeting_id, person_id=official.id, actor=actor, now=NOW
        )
    with (
        pytest.raises(WorkflowError, match="already invited to meeting 90"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.invite_person(
            session, meeting_id=meeting_id, person_id=official.id, actor=actor, now=NOW
        )
    _attend(any_demo_db, invitation_id, "day1", actor)
    with (
        pytest.raises(WorkflowError, match="recorded as attending"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.remove_invitation(session, invitation_id=invitation_id, actor=actor, now=NOW)
    _attend(any_demo_db, invitation_id, "day1", actor, attended=False)
    with any_demo_db.unit_of_work() as session:
        wf.remove_invitation(session, invitation_id=invitation_id, actor=actor, now=NOW)
    assert wf.invitees(any_demo_db, meeting_id) == []


def test_rsvp_and_apology_note(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db, starts_on=MEETING_DAY)
    _invite_all(any_demo_db, meeting_id, actor)
    first, second = wf.invitees(any_demo_db, meeting_id)[:2]
    with any_demo_db.unit_of_work() as session:
        wf.record_rsvp(session, invitation_id=first.id, rsvp="accepted", actor=actor, now=NOW)
        wf.record_rsvp(
            session,
            invitation_id=second.id,
            rsvp="apology",
            note=" Council sitting on the same day. ",
            actor=actor,
            now=NOW,
        )
    by_id = {i.id: i for i in wf.invitees(any_demo_db, meeting_id)}
    assert by_id[first.id].rsvp == "accepted" and by_id[first.id].note == ""
    assert (by_id[second.id].rsvp, by_id[second.id].note) == (
        "apology",
        "Council sitting on the same day.",
    )
    with (
        pytest.raises(WorkflowError, match="RSVP must be one of"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.record_rsvp(session, invitation_id=first.id, rsvp="maybe", actor=actor, now=NOW)
    with pytest.raises(PermissionDenied), any_demo_db.unit_of_work() as session:
        wf.record_rsvp(session, invitation_id=first.id, rsvp="declined", actor=REVIEWER, now=NOW)
    assert wf.invitees(any_demo_db, meeting_id)[0].rsvp == "accepted"
    assert _quorum(any_demo_db, meeting_id).expected == 1


def test_attendance_is_not_recorded_before_the_day(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db, starts_on=date(2027, 3, 10))
    _invite_all(any_demo_db, meeting_id, actor)
    invitee = wf.invitees(any_demo_db, meeting_id)[0]
    with pytest.raises(WorkflowError, match="can be recorded from 2027-03-10"):
        _attend(any_demo_db, invitee.id, "day1", actor)
    with pytest.raises(WorkflowError, match="day 2 can be recorded from 2027-03-11"):
        _attend(any_demo_db, invitee.id, "day2", actor, today=date(2027, 3, 10))
    _attend(any_demo_db, invitee.id, "day1", actor, today=date(2027, 3, 10))
    after = wf.invitees(any_demo_db, meeting_id)[0]
    assert after.day1 and not after.day2 and after.rsvp == "accepted"


def test_quorum_counts_member_cities_present_on_day_one(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db, starts_on=MEETING_DAY)
    _invite_all(any_demo_db, meeting_id, actor)
    with any_demo_db.unit_of_work() as session:
        active = session.scalar(select(func.count()).select_from(City).where(City.active))
    quorum = _quorum(any_demo_db, meeting_id)
    assert (quorum.present, quorum.needed, quorum.active_cities) == (0, active // 2 + 1, active)
    assert not quorum.met
    assert quorum.sentence().startswith(f"No quorum: 0 of {active} member cities present")
    people = wf.invitees(any_demo_db, meeting_id)
    first_per_city: dict[str, wf.Invitee] = {}
    for person in people:
        if person.group_kind == 0:
            first_per_city.setdefault(person.group, person)
    cities = sorted(first_per_city)
    assert len(cities) == active
    # Body representatives, day 2 and the visit do not count towards the quorum.
    body = next(p for p in people if p.group_kind == 1)
    _attend(any_demo_db, body.id, "day1", actor)
    _attend(any_demo_db, first_per_city[cities[0]].id, "day2", actor)
    _attend(any_demo_db, first_per_city[cities[0]].id, "visit", actor)
    assert _quorum(any_demo_db, meeting_id).present == 0
    for n, city in enumerate(cities[: active // 2 + 1], start=1):
        _attend(any_demo_db, first_per_city[city].id, "day1", actor)
        quorum = _quorum(any_demo_db, meeting_id)
        assert quorum.present == n
        assert quorum.met == (n >= active // 2 + 1)
    assert quorum.represented == cities[: active // 2 + 1]
    assert quorum.sentence().startswith("Quorum met:")
    # Two people of one city count once.
    city0_people = [p for p in people if p.group == cities[0]]
    if len(city0_people) > 1:
        _attend(any_demo_db, city0_people[1].id, "day1", actor)
        assert _quorum(any_demo_db, meeting_id).present == active // 2 + 1


def test_quorum_rule_is_a_setting(any_demo_db):
    admin = demo_actor(any_demo_db, "admin")
    meeting_id = new_meeting(any_demo_db, starts_on=MEETING_DAY)
    with any_demo_db.unit_of_work() as session:
        wf.set_quorum_rule(session, rule="3", actor=admin, now=NOW)
    assert _quorum(any_demo_db, meeting_id).needed == 3
    with any_demo_db.unit_of_work() as session:
        assert session.get(Setting, wf.QUORUM_SETTING).value == "3"
    for bad in ("all", "0", "99"):
        with (
            pytest.raises(WorkflowError, match="'majority' or a whole number"),
            any_demo_db.unit_of_work() as session,
        ):
            wf.set_quorum_rule(session, rule=bad, actor=admin, now=NOW)
    with pytest.raises(PermissionDenied), any_demo_db.unit_of_work() as session:
        wf.set_quorum_rule(session, rule="majority", actor=demo_actor(any_demo_db), now=NOW)
    assert _quorum(any_demo_db, meeting_id).needed == 3
    assert wf.quorum_needed("majority", 9) == 5
    assert wf.quorum_needed("majority", 8) == 5


def test_attendance_listing_of_a_demo_meeting(any_demo_db):
    meeting_id = meeting_id_by_number(any_demo_db, 52)
    listing = wf.attendance_listing(any_demo_db, meeting_id)
    with any_demo_db.unit_of_work() as session:
        stored = {
            inv.id: inv
            for inv in session.scalars(
                select(Invitation).where(Invitation.meeting_id == meeting_id)
            )
        }
    assert sorted(listing.ids) == sorted(stored)
    keys = listing.keys()
    for invitation_id, row in zip(listing.ids, listing.rows, strict=True):
        inv = stored[invitation_id]
        assert row[keys.index("rsvp")] == inv.rsvp
        assert row[keys.index("day1")] == inv.attended_day1
        assert row[keys.index("visit")] == inv.attended_visit
    quorum = _quorum(any_demo_db, meeting_id)
    assert quorum.present == len(quorum.represented)
    assert quorum.present + len(quorum.missing) == quorum.active_cities
