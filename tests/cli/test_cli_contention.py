"""The command line runs a command again when PostgreSQL gave way to another workstation.

The server itself raises a real serialization failure (SQLSTATE 40001) the first time(s) the
command writes its audit event, as it would when another workstation changed the same rows
first; the command then runs again from the start and succeeds, and nothing is written twice.
A command that keeps meeting contention ends with one sentence, never a traceback.
"""

from __future__ import annotations

import contextlib
import io

from sqlalchemy import text

from usrg_desktop import cli
from usrg_desktop.storage import RETRIES

from ..workflows.test_two_workstations import PASSWORD, reviewed_applications, two_accounts


def _fail_first(db, times: int) -> None:
    """The next `times` audit events written are refused by the server as a serialization
    failure (a sequence, which a rollback does not undo, counts the attempts)."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE SEQUENCE contention_attempts"))
        conn.execute(
            text(
                f"""
                CREATE FUNCTION contention_once() RETURNS trigger AS $$
                BEGIN
                    IF nextval('contention_attempts') <= {int(times)} THEN
                        RAISE EXCEPTION 'could not serialize access due to concurrent update'
                            USING ERRCODE = '40001';
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql
                """
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER contention_once BEFORE INSERT ON audit_events "
                "FOR EACH ROW EXECUTE FUNCTION contention_once()"
            )
        )


def _attempts(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT last_value FROM contention_attempts")).scalar_one()


def _move(db, reference: str, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setenv("USRG_PASSWORD", PASSWORD)
    out, err = io.StringIO(), io.StringIO()
    argv = ["--database", db.url, "--user", "thandi", "applications", "move", reference]
    argv += ["--to", "declined", "--reason", "Below the line.", "--feedback", "Say more."]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, out.getvalue(), err.getvalue()


def _declines(db, app_id: int) -> int:
    return db.rows(
        "SELECT COUNT(*) FROM audit_events WHERE entity = 'application' AND entity_id = :i "
        "AND to_state = 'declined'",
        {"i": app_id},
    )[0][0]


def test_a_command_that_met_contention_runs_again_and_writes_once(pg_db, monkeypatch):
    two_accounts(pg_db)
    [(app_id, reference)] = reviewed_applications(pg_db, 1)
    _fail_first(pg_db, RETRIES - 1)
    status, _out, err = _move(pg_db, reference, monkeypatch)
    assert (status, err) == (0, "")
    assert _attempts(pg_db) == RETRIES  # it really was refused, then run again
    assert _declines(pg_db, app_id) == 1
    assert pg_db.rows("SELECT state FROM applications WHERE id = :i", {"i": app_id}) == [
        ("declined",)
    ]


def test_contention_that_does_not_clear_ends_in_a_sentence(pg_db, monkeypatch):
    two_accounts(pg_db)
    [(app_id, reference)] = reviewed_applications(pg_db, 1)
    _fail_first(pg_db, 100)
    status, _out, err = _move(pg_db, reference, monkeypatch)
    assert status == 1
    assert err.startswith("usrg: ") and "Traceback" not in err, err
    assert _attempts(pg_db) == RETRIES
    assert _declines(pg_db, app_id) == 0
