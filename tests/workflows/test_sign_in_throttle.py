"""Failed sign-ins are recorded, and guessing is slowed down until an administrator unlocks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from usrg_desktop import cli
from usrg_desktop.workflows import Actor, PermissionDenied, WorkflowError
from usrg_desktop.workflows.system.accounts import (
    create_user,
    sign_in_to,
    unlock_account,
    user_id_named,
)

NOW = datetime(2026, 11, 25, 8, 4)  # 10:04 in South Africa
PASSWORD = "correct horse battery"
ADMIN = Actor(user_id=None, name="Test Admin", role="administrator")


@pytest.fixture
def thandi(any_db):
    with any_db.unit_of_work() as session:
        return create_user(
            session,
            username="thandi",
            display_name="Thandi Nkosi",
            password=PASSWORD,
            role="secretariat",
            now=NOW,
        )


def _try(db, password: str, at: datetime, username: str = "thandi") -> str:
    try:
        sign_in_to(db, username=username, password=password, now=at)
    except WorkflowError as exc:
        return str(exc)
    return "signed in"


def test_five_failures_then_a_growing_wait_and_a_right_password_ends_it(any_db, thandi):
    for n in range(4):
        assert _try(any_db, "wrong", NOW + timedelta(seconds=n)) == (
            "The username or the password is not right."
        )
    assert _try(any_db, "wrong", NOW + timedelta(seconds=4)) == (
        "The username or the password is not right; after 5 failed tries, wait until 10:04:34 "
        "before trying again."
    )
    # Within the wait even the right password is refused, and the refusal is not counted.
    assert _try(any_db, PASSWORD, NOW + timedelta(seconds=20)) == (
        "Too many failed sign-ins for 'thandi': try again after 10:04:34, or ask an "
        "administrator to unlock the account."
    )
    # After it, one more mistake doubles the wait.
    assert _try(any_db, "wrong", NOW + timedelta(seconds=40)).endswith(
        "after 6 failed tries, wait until 10:05:40 before trying again."
    )
    assert _try(any_db, PASSWORD, NOW + timedelta(seconds=101)) == "signed in"
    # Signing in ended the run: the next mistake is the first again.
    assert _try(any_db, "wrong", NOW + timedelta(seconds=102)) == (
        "The username or the password is not right."
    )
    events = any_db.rows(
        "SELECT action, entity_id, actor_name, detail, reason FROM audit_events "
        "WHERE entity = 'account' ORDER BY id"
    )
    assert [e[0] for e in events] == ["sign_in_failed"] * 6 + ["sign_in", "sign_in_failed"]
    assert {e[1] for e in events} == {thandi}
    assert all(e[3].startswith("username digest ") for e in events)
    assert not [e for e in events if "wrong" in e[3] or "wrong" in e[4] or PASSWORD in e[3]]


def test_the_wait_is_at_most_fifteen_minutes(any_db, thandi):
    at = NOW
    for _ in range(14):
        message = _try(any_db, "wrong", at)
        at += timedelta(minutes=16)
    # The 14th try came at 13:32 in South Africa: 15 minutes, not 30 s doubled nine times.
    assert message.endswith("after 14 failed tries, wait until 13:47:00 before trying again.")
    assert message.startswith("The username or the password is not right")


def test_an_unknown_name_is_slowed_down_alike(any_db, thandi):
    for n in range(5):
        _try(any_db, "wrong", NOW + timedelta(seconds=n), username="nobody")
    assert _try(any_db, "wrong", NOW + timedelta(seconds=10), username="Nobody").startswith(
        "Too many failed sign-ins for 'Nobody'"
    )
    assert _try(any_db, PASSWORD, NOW + timedelta(seconds=10)) == "signed in"


def test_an_administrator_unlocks_and_nobody_else_may(any_db, thandi):
    for n in range(5):
        _try(any_db, "wrong", NOW + timedelta(seconds=n))
    staff = Actor(user_id=None, name="Staff", role="secretariat")
    with pytest.raises(PermissionDenied), any_db.unit_of_work() as session:
        unlock_account(session, user_id=thandi, actor=staff, now=NOW)
    with any_db.unit_of_work() as session:
        unlock_account(session, user_id=thandi, actor=ADMIN, now=NOW + timedelta(seconds=6))
    assert _try(any_db, PASSWORD, NOW + timedelta(seconds=7)) == "signed in"
    with pytest.raises(WorkflowError, match="'thandi' is not locked"), any_db.unit_of_work() as s:
        unlock_account(s, user_id=thandi, actor=ADMIN, now=NOW)


def test_usrg_users_unlock(demo_db, capsys, monkeypatch):
    for _ in range(5):
        _try(demo_db, "wrong", NOW, username="secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    argv = ["--database", str(demo_db.path), "--user", "admin", "users", "unlock", "secretariat"]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.strip() == (
        "Unlocked the account 'secretariat': it may sign in again."
    )
    with demo_db.unit_of_work() as session:
        assert user_id_named(session, "secretariat")
    assert _try(demo_db, "demo-password", NOW, username="secretariat") == "signed in"
