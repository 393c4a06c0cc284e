"""User accounts: Argon2 hashing, and creating accounts with every field checked."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.accounts import Role, User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.directory import Person
from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.system.accounts import create_user, hash_password, verify_password

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_a_hash_verifies_its_password_only():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password(stored, "")


def test_hashes_are_salted():
    assert hash_password("same password") != hash_password("same password")


@pytest.mark.parametrize("damaged", ["", "not a hash", "$argon2id$v=19$m=65536,t=3,p=4$xx$yy"])
def test_a_damaged_hash_verifies_nothing(damaged):
    assert verify_password(damaged, "anything at all") is False


def test_create_user_stores_a_verifiable_hash_and_an_audit_event(any_db):
    with any_db.unit_of_work() as session:
        person = Person(
            full_name="Ḓivhani Maḽaba", role="secretariat", consent_basis="contract", body_id=1
        )
        session.add(person)
        session.flush()
        user_id = create_user(
            session,
            username="  dmalaba ",
            display_name="Ḓivhani Maḽaba",
            password="s3cure-enough",
            role=Role.SECRETARIAT.value,
            person_id=person.id,
            now=NOW,
        )
    with any_db.unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        assert (user.username, user.display_name, user.role) == (
            "dmalaba",
            "Ḓivhani Maḽaba",
            "secretariat",
        )
        assert user.active and user.person_id == person.id
        assert "s3cure-enough" not in user.password_hash
        assert verify_password(user.password_hash, "s3cure-enough")
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == user_id)
        ).one()
        assert event.action == "create"


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"username": "   "}, "username"),
        ({"username": "x" * 81}, "username"),
        ({"display_name": ""}, "display name"),
        ({"role": "superuser"}, "role"),
        ({"password": "short"}, "password"),
        ({"person_id": 999_999}, "person"),
    ],
)
def test_create_user_refuses_a_bad_field_and_names_it(any_db, fields, word):
    arguments = {
        "username": "thabo",
        "display_name": "Thabo Mokoena",
        "password": "long enough",
        "role": "coordinator",
        "person_id": None,
        "now": NOW,
    }
    arguments.update(fields)
    with pytest.raises(WorkflowError, match=word) as refused, any_db.unit_of_work() as session:
        create_user(session, **arguments)
    assert str(refused.value).count(".") >= 1  # a sentence, not a code
    assert any_db.rows("SELECT COUNT(*) FROM users")[0][0] == 0


def test_usernames_are_unique_whatever_their_case(any_db):
    with any_db.unit_of_work() as session:
        create_user(
            session,
            username="admin",
            display_name="Gerhard du Plessis",
            password="demo-password",
            role="administrator",
            now=NOW,
        )
    taken = pytest.raises(WorkflowError, match="username 'Admin' is already taken")
    with taken, any_db.unit_of_work() as session:
        create_user(
            session,
            username="Admin",
            display_name="Someone Else",
            password="demo-password",
            role="secretariat",
            now=NOW,
        )
    with any_db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_every_role_can_be_given(db):
    with db.unit_of_work() as session:
        for role in Role:
            create_user(
                session,
                username=role.value,
                display_name=role.value.title(),
                password="12345678",
                role=role.value,
                now=NOW,
            )
    assert sorted(r[0] for r in db.rows("SELECT role FROM users")) == sorted(r.value for r in Role)


def test_accounts_and_demo_do_not_import_qt():
    code = (
        "import sys, usrg_desktop.workflows.system.accounts, usrg_desktop.workflows.demo; "
        "print([m for m in sys.modules if m.startswith('PySide6')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
