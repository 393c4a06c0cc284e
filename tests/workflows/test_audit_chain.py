"""The audit log is hash-chained: a history edited or shortened behind the program is named."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import text

from usrg_desktop import cli, storage
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.grants import applications
from usrg_desktop.workflows.system.audit_trail import GENESIS, audit, verify_chain
from usrg_desktop.workflows.system.records import check_records, last_records_check

from ..concurrency import race

NOW = datetime(2026, 11, 25, 8, 4)
ADMIN = Actor(user_id=None, name="Test Admin", role="administrator")

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
)


def _behind_the_programs_back(db: storage.Database, statement: str, params: dict) -> None:
    """Drop the append-only triggers, run one raw statement, and put the triggers back."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
            conn.execute(text(statement), params)
            for trigger in _SQLITE_TRIGGERS:
                conn.execute(text(trigger))
        else:
            conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
            conn.execute(text(statement), params)
            conn.execute(
                text(
                    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON "
                    "audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
                )
            )


def _verify(db: storage.Database, capsys) -> tuple[int, str, str]:
    code = cli.main(["db", "verify", "--database", db.url])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


def _an_approval(db: storage.Database) -> tuple[int, str]:
    return tuple(
        db.rows(
            "SELECT e.id, a.reference FROM audit_events e JOIN applications a "
            "ON a.id = e.entity_id WHERE e.entity = 'application' AND e.action = 'approve' "
            "ORDER BY e.id LIMIT 1"
        )[0]
    )


def test_a_normal_history_verifies(any_demo_db, capsys):
    with any_demo_db.reading() as session:
        found = verify_chain(session)
    count = any_demo_db.rows("SELECT COUNT(*) FROM audit_events")[0][0]
    assert found.ok and found.events == count > 100
    code, out, err = _verify(any_demo_db, capsys)
    assert code == 0, err
    assert out == (
        f"The database {any_demo_db.display_name} verifies: {count} audit events chained"
        + (
            ", integrity check ok."
            if any_demo_db.is_sqlite
            else " (the integrity check is left to the PostgreSQL server)."
        )
    )
    with any_demo_db.reading() as session:
        assert last_records_check(session).endswith("all verified.")


def test_an_edited_approval_is_named(any_demo_db, capsys):
    event_id, reference = _an_approval(any_demo_db)
    _behind_the_programs_back(
        any_demo_db,
        "UPDATE audit_events SET actor_name = 'Someone Else' WHERE id = :id",
        {"id": event_id},
    )
    # The triggers are back: the program's own refusal still stands.
    with pytest.raises(Exception, match="append-only"), any_demo_db.unit_of_work() as session:
        session.execute(text("UPDATE audit_events SET reason = 'x'"))
    code, out, err = _verify(any_demo_db, capsys)
    assert code == 1 and out == ""
    assert err.startswith(f"Audit event {event_id} (approve of {reference}, ")
    assert err.endswith(
        "does not match its recorded hash: it was changed or a step before it was removed."
    )
    with any_demo_db.reading() as session:
        assert last_records_check(session).endswith("a problem was found.")


def test_a_removed_step_is_named_at_the_event_after_it(any_demo_db, capsys):
    ids = [r[0] for r in any_demo_db.rows("SELECT id FROM audit_events ORDER BY id")]
    middle = ids[len(ids) // 2]
    _behind_the_programs_back(
        any_demo_db, "DELETE FROM audit_events WHERE id = :id", {"id": middle}
    )
    code, _out, err = _verify(any_demo_db, capsys)
    assert code == 1
    assert err.startswith(f"Audit event {ids[len(ids) // 2 + 1]} (")


def test_new_events_chain_onto_the_log_across_units_of_work(any_demo_db):
    with any_demo_db.unit_of_work() as session:
        for n in range(3):
            audit(session, actor=ADMIN, now=NOW, entity="setting", entity_id=n, action="edit")
    with any_demo_db.unit_of_work() as session:
        audit(session, actor=ADMIN, now=NOW, entity="setting", entity_id=9, action="edit")
    with any_demo_db.reading() as session:
        found = verify_chain(session)
    assert found.ok and found.events == any_demo_db.rows("SELECT COUNT(*) FROM audit_events")[0][0]


def test_a_rolled_back_savepoint_does_not_break_the_chain(any_demo_db):
    """available_actions tries moves in savepoints it rolls back; nothing may link to them."""
    app_id = any_demo_db.rows(
        "SELECT id FROM applications WHERE state = 'reviewed' ORDER BY id LIMIT 1"
    )[0][0]
    secretariat = any_demo_db.rows("SELECT id, display_name FROM users WHERE role='secretariat'")
    actor = Actor(user_id=secretariat[0][0], name=secretariat[0][1], role="secretariat")
    with any_demo_db.unit_of_work() as session:
        applications.available_actions(session, application_id=app_id, actor=actor)
        audit(session, actor=actor, now=NOW, entity="application", entity_id=app_id, action="x")
    with any_demo_db.reading() as session:
        assert verify_chain(session).ok


def test_an_empty_log_verifies(any_db):
    with any_db.reading() as session:
        found = check_records(session)
    assert found.ok and found.chain.events == 0
    assert GENESIS == "0" * 64


def test_the_migration_chains_existing_rows_and_keeps_the_log_append_only(any_db):
    with any_db.engine.begin() as conn:
        command.downgrade(storage.alembic_config(conn), "0002")
    with any_db.engine.begin() as conn:
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor_name, entity, entity_id, "
                    "action, reason, detail) VALUES (:at, 'Old Hand', 'round', :n, 'open', "
                    "'', 'before hashes')"
                ),
                {"at": NOW, "n": n},
            )
    storage.upgrade(any_db)
    with any_db.reading() as session:
        found = verify_chain(session)
    assert found.ok and found.events == 3
    for statement in ("UPDATE audit_events SET reason = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), any_db.unit_of_work() as session:
            session.execute(text(statement))


def append_events(barrier, url: str, tag: int) -> int:
    """One workstation: three events in one unit of work, started with the other at a barrier."""
    import time

    db = storage.Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as session:
            for _n in range(3):
                audit(session, actor=ADMIN, now=NOW, entity="setting", entity_id=tag, action="e")
                time.sleep(0.05)  # leave the other workstation time to interleave, if it could
        return tag
    finally:
        db.dispose()


def test_two_workstations_appending_together_do_not_fork_the_chain(any_db):
    outcomes = race((append_events, (any_db.url, 1)), (append_events, (any_db.url, 2)))
    assert all(o.ok for o in outcomes), outcomes
    with any_db.reading() as session:
        found = verify_chain(session)
    assert found.ok and found.events == 6
    # Each unit of work's events are consecutive: the second waited for the first.
    tags = [r[0] for r in any_db.rows("SELECT entity_id FROM audit_events ORDER BY id")]
    assert tags in ([1, 1, 1, 2, 2, 2], [2, 2, 2, 1, 1, 1])
