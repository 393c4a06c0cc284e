"""PostgreSQL's deadlocks between two workstations: a sentence, and a retry that succeeds.

Two real processes lock the same two rows in opposite orders; PostgreSQL rolls one back.
The victim hears a sentence (never "cannot reach the server"); through Database.retrying,
which the screens' perform() uses, it runs again and both changes are kept.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from usrg_desktop.storage import Database

from ..concurrency import race


def lock_both(barrier, url: str, first: int, second: int, retry: bool) -> int:
    """Lock city `first`, wait for the other process, then lock `second`; returns attempts."""
    db = Database(url)
    attempts = []

    def work(session) -> int:
        attempts.append(1)
        session.execute(text("SELECT id FROM cities WHERE id = :i FOR UPDATE"), {"i": first})
        if len(attempts) == 1:
            barrier.wait(timeout=60)
            time.sleep(0.2)  # both now hold their first row
        session.execute(text("SELECT id FROM cities WHERE id = :i FOR UPDATE"), {"i": second})
        session.execute(
            text("UPDATE cities SET seat = seat || '.' WHERE id IN (:a, :b)"),
            {"a": first, "b": second},
        )
        return len(attempts)

    try:
        if retry:
            return db.retrying(work)
        with db.unit_of_work() as session:
            return work(session)
    finally:
        db.dispose()


def seats(db: Database) -> list[str]:
    return [r[0] for r in db.rows("SELECT seat FROM cities WHERE id IN (1, 2) ORDER BY id")]


def test_a_deadlock_is_a_sentence_and_changes_nothing(pg_db):
    before = seats(pg_db)
    outcomes = race(
        (lock_both, (pg_db.url, 1, 2, False)),
        (lock_both, (pg_db.url, 2, 1, False)),
    )
    losers = [o for o in outcomes if not o.ok]
    assert len(losers) == 1, outcomes
    assert losers[0].message == (
        "Contention: Another workstation was changing the same records at the same moment, so "
        "nothing was saved. Try again."
    )
    assert seats(pg_db) == [seat + "." for seat in before]


def test_a_deadlocked_unit_of_work_runs_again_and_both_are_kept(pg_db):
    before = seats(pg_db)
    outcomes = race(
        (lock_both, (pg_db.url, 1, 2, True)),
        (lock_both, (pg_db.url, 2, 1, True)),
    )
    assert all(o.ok for o in outcomes), outcomes
    assert sorted(o.value for o in outcomes) == [1, 2], "one of them ran a second time"
    assert seats(pg_db) == [seat + ".." for seat in before]
