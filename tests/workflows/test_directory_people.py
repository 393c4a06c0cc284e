"""Directory people: checked forms, unique emails, and POPIA export and anonymising."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.workflows.meeting_helpers import demo_actor, new_meeting
from usrg_desktop.domain.accounts import User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.base import Base
from usrg_desktop.domain.directory import Body, City, Person
from usrg_desktop.domain.grants import Application
from usrg_desktop.domain.meetings import ActionItem, Invitation
from usrg_desktop.domain.reviews import Assignment, Conflict, Reviewer
from usrg_desktop.workflows import Actor, FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.directory.directory_people import (
    anonymise_person,
    deactivate_person,
    export_person,
    person_id_by_email,
    save_person,
)
from usrg_desktop.workflows.directory.listings import people_listing
from usrg_desktop.workflows.meetings.attendance import attendance_listing, invite_person
from usrg_desktop.workflows.system.accounts import add_user, sign_in, switch_off_user
from usrg_desktop.workflows.system.administration import audit_listing

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ADMIN = Actor(None, "Test administrator", "administrator")
SECRETARIAT = Actor(None, "Test secretariat", "secretariat")
COORDINATOR = Actor(None, "Test coordinator", "coordinator")
REVIEWER = Actor(None, "Test reviewer", "reviewer")


def _city(session, short: str) -> int:
    return session.scalars(select(City.id).where(City.short_name == short)).one()


def _fields(session, **changes) -> dict:
    fields = {
        "full_name": "Thandeka Ngubane",
        "title": "Manager: Safer Cities",
        "city_id": _city(session, "eThekwini"),
        "body_id": None,
        "role": "focal person",
        "email": "thandeka.ngubane@durban.gov.za",
        "phone": "+27 31 311 1111",
        "consent_basis": "public function",
        "consent_recorded_on": date(2026, 3, 2),
    }
    fields.update(changes)
    return fields


def _add(db, actor: Actor = SECRETARIAT, **changes) -> int:
    with db.unit_of_work() as session:
        return save_person(session, **_fields(session, **changes), actor=actor, now=NOW)


def _count_people(db) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count(Person.id)))


def test_save_person_adds_a_person_with_an_audit_event_that_names_no_details(any_db):
    pid = _add(any_db, full_name="  Ṱhalitha Mukhethwa ", email=" THALI@Durban.gov.za ")
    with any_db.unit_of_work() as session:
        person = session.get(Person, pid)
        assert person.full_name == "Ṱhalitha Mukhethwa"
        assert person.email == "THALI@Durban.gov.za"
        assert person.active and person.anonymised_at is None
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "person", AuditEvent.entity_id == pid)
        ).one()
        assert event.action == "create"
        assert "Mukhethwa" not in event.detail and "durban" not in event.detail.lower()
    listing = people_listing(any_db)
    row = listing.rows[listing.ids.index(pid)]
    assert row[0] == "Ṱhalitha Mukhethwa" and row[2] == "eThekwini"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"full_name": "  "}, "full_name", "The name must not be empty."),
        ({"full_name": "x" * 201}, "full_name", "at most 200 characters"),
        ({"title": "t" * 201}, "title", "title must be at most 200"),
        ({"role": "mayor"}, "role", "The role 'mayor' is not one of focal person"),
        ({"email": ""}, "email", "The email address must not be empty."),
        ({"email": "thandeka at durban"}, "email", "is not an address like name@example.org"),
        ({"email": "a@b"}, "email", "'a@b' is not an address"),
        ({"email": "a b@durban.gov.za"}, "email", "is not an address"),
        ({"phone": "031 abc"}, "phone", "The phone number '031 abc' is not a number"),
        ({"phone": "123"}, "phone", "is not a number like +27 11 407 6471"),
        ({"consent_basis": "asked nicely"}, "consent_basis", "'asked nicely' is not one of"),
        (
            {"consent_basis": "consent", "consent_recorded_on": None},
            "consent_recorded_on",
            "Give the day the person's consent was recorded",
        ),
        ({"consent_recorded_on": date(2026, 12, 1)}, "consent_recorded_on", "in the future"),
        ({"city_id": 999_999}, "organisation", "member city (id 999999) is not in the directory"),
        ({"city_id": None, "body_id": 999_999}, "organisation", "body (id 999999) is not"),
    ],
)
def test_a_wrong_field_is_refused_with_its_sentence_and_nothing_is_written(
    any_db, changes, field, words
):
    before = _count_people(any_db)
    with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as session:
        save_person(session, **_fields(session, **changes), actor=SECRETARIAT, now=NOW)
    assert list(refused.value.errors) == [field]
    assert words in refused.value.errors[field]
    assert _count_people(any_db) == before


def test_a_city_and_a_body_together_are_refused(db):
    with db.unit_of_work() as session:
        body = session.scalars(select(Body.id).where(Body.short_name == "SALGA")).one()
    with pytest.raises(FieldErrors) as refused, db.unit_of_work() as session:
        save_person(session, **_fields(session, body_id=body), actor=SECRETARIAT, now=NOW)
    assert refused.value.errors == {
        "organisation": "A person belongs to one member city or one body, not both."
    }


def test_several_wrong_fields_are_all_named(db):
    with pytest.raises(FieldErrors) as refused, db.unit_of_work() as session:
        save_person(
            session, **_fields(session, full_name="", email="nope"), actor=COORDINATOR, now=NOW
        )
    assert set(refused.value.errors) == {"full_name", "email"}
    assert str(refused.value) == "The name must not be empty (and 1 more field to correct)."


def test_an_email_is_unique_whatever_its_case(any_db):
    first = _add(any_db)
    with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as session:
        save_person(
            session,
            **_fields(session, full_name="Someone Else", email="Thandeka.NGUBANE@durban.gov.za"),
            actor=SECRETARIAT,
            now=NOW,
        )
    assert refused.value.errors["email"] == (
        "The email address 'Thandeka.NGUBANE@durban.gov.za' already belongs to someone else "
        "in the directory."
    )
    # The person's own address, in another case, is not a clash with themselves.
    with any_db.unit_of_work() as session:
        same = save_person(
            session,
            person_id=first,
            **_fields(session, email="THANDEKA.ngubane@durban.gov.za", title="Director"),
            actor=SECRETARIAT,
            now=NOW,
        )
        assert same == first
        assert person_id_by_email(session, "thandeka.NGUBANE@durban.gov.za") == first


def test_editing_records_which_fields_changed_and_nothing_when_nothing_did(any_db):
    pid = _add(any_db)
    with any_db.unit_of_work() as session:
        save_person(
            session,
            person_id=pid,
            **_fields(session, title="Director: Community Safety", phone="+27 31 311 2222"),
            actor=COORDINATOR,
            now=NOW,
        )
        save_person(
            session,
            person_id=pid,
            **_fields(session, title="Director: Community Safety", phone="+27 31 311 2222"),
            actor=COORDINATOR,
            now=NOW,
        )
    with any_db.unit_of_work() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "person", AuditEvent.entity_id == pid)
            .order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["create", "update"]
        assert events[1].detail == "title, phone"
        assert session.get(Person, pid).title == "Director: Community Safety"


def test_a_reviewer_may_not_change_the_directory(db):
    with pytest.raises(PermissionDenied, match="Only the secretariat, a coordinator or an admin"):
        _add(db, actor=REVIEWER)
    pid = _add(db)
    with pytest.raises(PermissionDenied), db.unit_of_work() as session:
        deactivate_person(session, person_id=pid, actor=REVIEWER, now=NOW)


def test_deactivate_switches_a_person_off_once(any_db):
    pid = _add(any_db)
    with any_db.unit_of_work() as session:
        deactivate_person(session, person_id=pid, actor=SECRETARIAT, now=NOW)
    with (
        pytest.raises(WorkflowError, match="Thandeka Ngubane is already switched off."),
        any_db.unit_of_work() as session,
    ):
        deactivate_person(session, person_id=pid, actor=SECRETARIAT, now=NOW)
    listing = people_listing(any_db)
    assert listing.rows[listing.ids.index(pid)][-1] is False


# -- POPIA: export and anonymise -----------------------------------------------------------------
def _person_everywhere(db) -> tuple[int, int, int]:
    """A person who is invited, attends, owns an action, is a contact, reviews and signs in.

    Returns (person id, meeting id, user id).
    """
    pid = _add(db, full_name="Vhutshilo Nemavhola", email="vhutshilo@durban.gov.za")
    meeting_id = new_meeting(db, number=91)
    admin = demo_actor(db, "admin")
    with db.unit_of_work() as session:
        invitation = session.get(
            Invitation,
            invite_person(session, meeting_id=meeting_id, person_id=pid, actor=admin, now=NOW),
        )
        invitation.rsvp = "apology"
        invitation.apology_note = "In hospital that week"
        number = (session.scalar(select(func.max(ActionItem.number))) or 0) + 1
        session.add(
            ActionItem(
                number=number,
                meeting_id=meeting_id,
                description="Circulate the safety audit",
                owner_person_id=pid,
                owner_text="Vhutshilo Nemavhola",
                status="open",
            )
        )
        application = session.scalars(select(Application).order_by(Application.id)).first()
        application.contact_person_id = pid
        reviewer = Reviewer(person_id=pid, expertise="CPTED", active=True)
        session.add(reviewer)
        session.flush()
        session.add(
            Assignment(
                application_id=application.id,
                reviewer_id=reviewer.id,
                method="manual",
                status="assigned",
                assigned_at=NOW,
            )
        )
        other = session.scalars(select(Application).order_by(Application.id.desc())).first()
        session.add(
            Conflict(
                reviewer_id=reviewer.id,
                application_id=other.id,
                kind="professional",
                reason="Former colleague",
                declared_at=NOW,
            )
        )
        user_id = add_user(
            session,
            username="vnemavhola",
            display_name="Vhutshilo Nemavhola",
            password="long-enough-1",
            role="coordinator",
            person_id=pid,
            actor=admin,
            now=NOW,
        )
    return pid, meeting_id, user_id


def test_export_holds_every_place_the_person_appears(any_demo_db):
    pid, _meeting, user_id = _person_everywhere(any_demo_db)
    with any_demo_db.unit_of_work() as session:
        data = export_person(session, pid, actor=SECRETARIAT)
    json.dumps(data)  # plain data only
    assert data["person"]["full_name"] == "Vhutshilo Nemavhola"
    assert data["person"]["organisation"] == "eThekwini Metropolitan Municipality"
    assert data["person"]["email"] == "vhutshilo@durban.gov.za"
    assert [u["username"] for u in data["user_accounts"]] == ["vnemavhola"]
    assert [(i["rsvp"], i["apology_note"]) for i in data["invitations"]] == [
        ("apology", "In hospital that week")
    ]
    assert data["invitations"][0]["meeting"].startswith("Meeting 91 (Q1 2028, eThekwini)")
    assert [a["description"] for a in data["action_items"]] == ["Circulate the safety audit"]
    assert len(data["applications_as_contact"]) == 1
    assert data["reviewer"]["expertise"] == "CPTED"
    assert [a["status"] for a in data["reviewer"]["assignments"]] == ["assigned"]
    assert [c["reason"] for c in data["reviewer"]["conflicts"]] == ["Former colleague"]
    actions = {(e["entity"], e["action"]) for e in data["audit_events"]}
    assert {("person", "create"), ("user", "create"), ("meeting", "invite")} <= actions
    invited = [e for e in data["audit_events"] if e["action"] == "invite"]
    assert invited[0]["detail"] == "Invited Vhutshilo Nemavhola"


def test_every_column_that_points_at_a_person_is_in_the_export():
    # A new table that names people must be added to export_person (and to anonymise_person).
    covered = {
        ("users", "person_id"),
        ("invitations", "person_id"),
        ("action_items", "owner_person_id"),
        ("applications", "contact_person_id"),
        ("reviewers", "person_id"),
        ("cities", "main_contact_id"),
        ("bodies", "main_contact_id"),
    }
    found = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        for fk in column.foreign_keys
        if fk.column.table.name == "people"
    }
    assert found == covered


def test_anonymise_keeps_the_row_so_history_still_joins(any_demo_db):
    pid, meeting_id, user_id = _person_everywhere(any_demo_db)
    admin = demo_actor(any_demo_db, "admin")
    # Their account still signs in: refused, nothing changed.
    with (
        pytest.raises(WorkflowError, match="still signs in as 'vnemavhola'; switch that account"),
        any_demo_db.unit_of_work() as session,
    ):
        anonymise_person(session, person_id=pid, reason="Request", actor=admin, now=NOW)
    with any_demo_db.unit_of_work() as session:
        switch_off_user(session, user_id=user_id, actor=admin, now=NOW)
        name = anonymise_person(
            session, person_id=pid, reason="POPIA request of 2026-11-20", actor=admin, now=NOW
        )
    assert name == f"Anonymised person {pid}"
    with any_demo_db.unit_of_work() as session:
        person = session.get(Person, pid)
        assert (person.full_name, person.title, person.email, person.phone) == (name, "", None, "")
        assert person.anonymised_at is not None and not person.active
        assert session.get(User, user_id).display_name == name
        item = session.scalars(select(ActionItem).where(ActionItem.owner_person_id == pid)).one()
        assert item.owner_text == name
        data = export_person(session, pid)
    # The meeting's register still lists the invitation, under the anonymised row.
    register = attendance_listing(any_demo_db, meeting_id)
    assert register.rows == [
        ("eThekwini", f"(anonymised person {pid})", "", "apology", "", False, False, False)
    ]
    # Reviews and applications still join to the row.
    assert len(data["reviewer"]["assignments"]) == 1
    assert len(data["applications_as_contact"]) == 1
    assert data["invitations"][0]["apology_note"] == ""
    # The audit log keeps its events about the person and adds the anonymising.
    audit = audit_listing(any_demo_db)
    keys = audit.keys()
    about = [
        r
        for r in audit.rows
        if r[keys.index("entity")] == "person" and r[keys.index("entity_id")] == pid
    ]
    assert [r[keys.index("action")] for r in about] == ["anonymise", "create"]
    assert about[0][keys.index("reason")] == "POPIA request of 2026-11-20"
    # Nothing of their details is left in the export or in any list.
    text = json.dumps(data, ensure_ascii=False)
    assert "Nemavhola" not in text.replace("vnemavhola", "") and "vhutshilo@" not in text
    listing = people_listing(any_demo_db)
    assert listing.rows[listing.ids.index(pid)][0] == name
    # The account stays off, and its username (made of their name) is gone too.
    assert "vnemavhola" not in text
    with pytest.raises(WorkflowError, match="not right"), any_demo_db.unit_of_work() as s:
        sign_in(s, username="vnemavhola", password="long-enough-1", now=NOW)
    with pytest.raises(WorkflowError, match="switched off"), any_demo_db.unit_of_work() as s:
        sign_in(s, username=f"anonymised-{user_id}", password="long-enough-1", now=NOW)


def test_anonymise_is_refused_twice_without_a_reason_and_for_non_administrators(any_db):
    pid = _add(any_db)
    for actor in (SECRETARIAT, COORDINATOR, REVIEWER):
        with (
            pytest.raises(PermissionDenied, match="Only an administrator may anonymise"),
            any_db.unit_of_work() as session,
        ):
            anonymise_person(session, person_id=pid, reason="x", actor=actor, now=NOW)
    with pytest.raises(WorkflowError, match="Give the reason"), any_db.unit_of_work() as s:
        anonymise_person(s, person_id=pid, reason="  ", actor=ADMIN, now=NOW)
    with any_db.unit_of_work() as session:
        assert session.get(Person, pid).anonymised_at is None
        anonymise_person(session, person_id=pid, reason="Asked by email", actor=ADMIN, now=NOW)
    with (
        pytest.raises(WorkflowError, match=f"Anonymised person {pid} was already anonymised on"),
        any_db.unit_of_work() as session,
    ):
        anonymise_person(session, person_id=pid, reason="again", actor=ADMIN, now=NOW)
    with (
        pytest.raises(WorkflowError, match="was anonymised; their details cannot be changed"),
        any_db.unit_of_work() as session,
    ):
        save_person(session, person_id=pid, **_fields(session), actor=SECRETARIAT, now=NOW)
    with any_db.unit_of_work() as session:
        assert (
            session.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.entity == "person",
                    AuditEvent.entity_id == pid,
                    AuditEvent.action == "anonymise",
                )
            )
            == 1
        )
