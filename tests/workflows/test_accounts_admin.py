"""Administering accounts: roles, switching off and on, passwords, and the last administrator."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from usrg_desktop.domain.accounts import User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.workflows import Actor, PermissionDenied, WorkflowError
from usrg_desktop.workflows.system.accounts import (
    add_user,
    change_own_password,
    change_role,
    create_first_administrator,
    reset_password,
    sign_in,
    switch_off_user,
    switch_on_user,
    user_id_named,
)
from usrg_desktop.workflows.system.administration import user_listing

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def _first_admin(db) -> Actor:
    with db.unit_of_work() as session:
        return create_first_administrator(
            session,
            username="gerhard",
            display_name="Gerhard du Plessis",
            password="first-admin-1",
            now=NOW,
        )


def _add(db, admin: Actor, username: str, role: str, password: str = "password-123") -> int:
    with db.unit_of_work() as session:
        return add_user(
            session,
            username=username,
            display_name=username.title(),
            password=password,
            role=role,
            actor=admin,
            now=NOW,
        )


def _user(db, user_id: int) -> User:
    with db.unit_of_work() as session:
        return session.get(User, user_id)


def _events(db, user_id: int) -> list[tuple[str, str | None, str | None]]:
    with db.unit_of_work() as session:
        return [
            (e.action, e.from_state, e.to_state)
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "user", AuditEvent.entity_id == user_id)
                .order_by(AuditEvent.id)
            )
        ]


def test_an_administrator_adds_accounts_that_sign_in_and_are_listed_with_ids(any_db):
    admin = _first_admin(any_db)
    uid = _add(any_db, admin, "lerato", "secretariat")
    with any_db.unit_of_work() as session:
        actor = sign_in(session, username="Lerato", password="password-123", now=NOW)
    assert (actor.user_id, actor.role) == (uid, "secretariat")
    listing = user_listing(any_db)
    assert listing.rows[listing.ids.index(uid)][:3] == ("lerato", "Lerato", "secretariat")
    assert listing.ids.index(admin.user_id) == [r[0] for r in listing.rows].index("gerhard")
    with any_db.unit_of_work() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == uid)
        ).one()
        assert (event.action, event.actor_user_id) == ("create", admin.user_id)


def test_only_an_administrator_administers_accounts(any_db):
    admin = _first_admin(any_db)
    uid = _add(any_db, admin, "lerato", "secretariat")
    staff = Actor(uid, "Lerato", "secretariat")
    attempts = [
        (add_user, {"username": "x", "display_name": "X", "password": "password-1", "role": "x"}),
        (change_role, {"user_id": uid, "role": "administrator"}),
        (switch_off_user, {"user_id": admin.user_id}),
        (switch_on_user, {"user_id": uid}),
        (reset_password, {"user_id": admin.user_id, "new_password": "taken-over-1"}),
    ]
    for action, fields in attempts:
        with (
            pytest.raises(PermissionDenied, match="Only an administrator may"),
            any_db.unit_of_work() as session,
        ):
            action(session, **fields, actor=staff, now=NOW)
    assert _user(any_db, uid).role == "secretariat"
    with any_db.unit_of_work() as session:
        sign_in(session, username="gerhard", password="first-admin-1", now=NOW)


def test_change_role_is_audited_and_checked(any_db):
    admin = _first_admin(any_db)
    uid = _add(any_db, admin, "anel", "coordinator")
    with any_db.unit_of_work() as session:
        change_role(session, user_id=uid, role="secretariat", actor=admin, now=NOW)
    assert _user(any_db, uid).role == "secretariat"
    assert _events(any_db, uid)[-1] == ("change_role", "coordinator", "secretariat")
    with (
        pytest.raises(WorkflowError, match="The role 'boss' is not one of administrator"),
        any_db.unit_of_work() as session,
    ):
        change_role(session, user_id=uid, role="boss", actor=admin, now=NOW)
    with (
        pytest.raises(WorkflowError, match="'anel' already has the role secretariat."),
        any_db.unit_of_work() as session,
    ):
        change_role(session, user_id=uid, role="secretariat", actor=admin, now=NOW)
    with (
        pytest.raises(WorkflowError, match="There is no user account with id 999999."),
        any_db.unit_of_work() as session,
    ):
        change_role(session, user_id=999_999, role="secretariat", actor=admin, now=NOW)


def test_the_last_active_administrator_is_never_demoted_or_switched_off(any_db):
    admin = _first_admin(any_db)
    sentence = "'gerhard' is the last active administrator"
    with pytest.raises(WorkflowError, match=sentence), any_db.unit_of_work() as session:
        change_role(session, user_id=admin.user_id, role="secretariat", actor=admin, now=NOW)
    with pytest.raises(WorkflowError, match=sentence), any_db.unit_of_work() as session:
        switch_off_user(session, user_id=admin.user_id, actor=admin, now=NOW)
    assert _user(any_db, admin.user_id).role == "administrator"
    assert _user(any_db, admin.user_id).active
    # A second administrator who is switched off does not count.
    second = _add(any_db, admin, "thabo", "administrator")
    with any_db.unit_of_work() as session:
        switch_off_user(session, user_id=second, actor=admin, now=NOW)
    with pytest.raises(WorkflowError, match=sentence), any_db.unit_of_work() as session:
        switch_off_user(session, user_id=admin.user_id, actor=admin, now=NOW)
    # Once the second is on again, the first may step down.
    with any_db.unit_of_work() as session:
        switch_on_user(session, user_id=second, actor=admin, now=NOW)
        change_role(session, user_id=admin.user_id, role="coordinator", actor=admin, now=NOW)
    assert _user(any_db, admin.user_id).role == "coordinator"
    thabo = Actor(second, "Thabo", "administrator")
    with (
        pytest.raises(WorkflowError, match="'thabo' is the last active administrator"),
        any_db.unit_of_work() as session,
    ):
        switch_off_user(session, user_id=second, actor=thabo, now=NOW)


def test_two_administrators_demoting_each_other_at_once_leave_one(pg_db):
    # Two workstations at the same moment: the row lock makes the second wait and then refuse.
    admin = _first_admin(pg_db)
    other = _add(pg_db, admin, "thabo", "administrator")
    thabo = Actor(other, "Thabo", "administrator")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor: Actor, user_id: int) -> None:
        try:
            with pg_db.unit_of_work() as session:
                barrier.wait()
                change_role(session, user_id=user_id, role="secretariat", actor=actor, now=NOW)
            outcomes.append("done")
        except WorkflowError as exc:
            outcomes.append(str(exc))

    threads = [
        threading.Thread(target=demote, args=(admin, other)),
        threading.Thread(target=demote, args=(thabo, admin.user_id)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(o == "done" for o in outcomes) == [False, True]
    roles = {_user(pg_db, admin.user_id).role, _user(pg_db, other).role}
    assert roles == {"administrator", "secretariat"}


def test_switched_off_accounts_cannot_sign_in_until_switched_on(any_db):
    admin = _first_admin(any_db)
    uid = _add(any_db, admin, "lerato", "secretariat")
    with any_db.unit_of_work() as session:
        switch_off_user(session, user_id=uid, actor=admin, now=NOW)
    with (
        pytest.raises(WorkflowError, match="The account 'lerato' is switched off"),
        any_db.unit_of_work() as session,
    ):
        sign_in(session, username="lerato", password="password-123", now=NOW)
    with pytest.raises(WorkflowError, match="already switched off"), any_db.unit_of_work() as s:
        switch_off_user(s, user_id=uid, actor=admin, now=NOW)
    with any_db.unit_of_work() as session:
        switch_on_user(session, user_id=uid, actor=admin, now=NOW)
        sign_in(session, username="lerato", password="password-123", now=NOW)
    with pytest.raises(WorkflowError, match="already switched on"), any_db.unit_of_work() as s:
        switch_on_user(s, user_id=uid, actor=admin, now=NOW)
    assert [e[0] for e in _events(any_db, uid)] == ["create", "switch_off", "switch_on"]


def test_reset_password_then_sign_in_with_the_new_one_only(any_db):
    admin = _first_admin(any_db)
    uid = _add(any_db, admin, "lerato", "secretariat")
    with pytest.raises(WorkflowError, match="at least 8 characters"), any_db.unit_of_work() as s:
        reset_password(s, user_id=uid, new_password="short", actor=admin, now=NOW)
    with any_db.unit_of_work() as session:
        reset_password(session, user_id=uid, new_password="fresh-start-9", actor=admin, now=NOW)
    with (
        pytest.raises(WorkflowError, match="The username or the password is not right."),
        any_db.unit_of_work() as session,
    ):
        sign_in(session, username="lerato", password="password-123", now=NOW)
    with any_db.unit_of_work() as session:
        assert sign_in(session, username="lerato", password="fresh-start-9", now=NOW).user_id == uid
        assert user_id_named(session, "LERATO") == uid
    assert _events(any_db, uid)[-1][0] == "reset_password"
    with any_db.unit_of_work() as session:
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "reset_password")
        ).one()
    assert "fresh-start-9" not in detail


def test_anyone_changes_their_own_password_giving_the_present_one(any_db):
    admin = _first_admin(any_db)
    uid = _add(any_db, admin, "reviewer1", "reviewer")
    me = Actor(uid, "Reviewer1", "reviewer")
    cases = [
        ("wrong-password", "new-password-1", "The present password is not right."),
        ("password-123", "short", "The new password must be at least 8 characters long."),
        ("password-123", "password-123", "The new password must differ from the present one."),
    ]
    for old, new, sentence in cases:
        with pytest.raises(WorkflowError) as refused, any_db.unit_of_work() as session:
            change_own_password(session, actor=me, old_password=old, new_password=new, now=NOW)
        assert str(refused.value) == sentence
    with any_db.unit_of_work() as session:
        change_own_password(
            session, actor=me, old_password="password-123", new_password="my-own-secret", now=NOW
        )
    with any_db.unit_of_work() as session:
        assert sign_in(session, username="reviewer1", password="my-own-secret", now=NOW)
    with pytest.raises(WorkflowError), any_db.unit_of_work() as session:
        sign_in(session, username="reviewer1", password="password-123", now=NOW)
    assert _events(any_db, uid)[-1][0] == "change_password"


def test_an_administrator_who_stepped_down_no_longer_administers(any_db):
    # The Actor was made at sign-in; the account is read again for every account action.
    admin = _first_admin(any_db)
    other = _add(any_db, admin, "thabo", "administrator")
    staff = _add(any_db, admin, "lerato", "secretariat")
    with any_db.unit_of_work() as session:
        change_role(session, user_id=admin.user_id, role="coordinator", actor=admin, now=NOW)
    with (
        pytest.raises(PermissionDenied, match="your account is no longer one"),
        any_db.unit_of_work() as session,
    ):
        switch_off_user(session, user_id=staff, actor=admin, now=NOW)
    thabo = Actor(other, "Thabo", "administrator")
    with any_db.unit_of_work() as session:
        switch_off_user(session, user_id=staff, actor=thabo, now=NOW)
    assert not _user(any_db, staff).active
