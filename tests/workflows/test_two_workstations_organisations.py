"""Two workstations naming organisations at the same moment: one is kept, the other is told.

Real processes with a synchronised start (tests/concurrency.py), on SQLite and PostgreSQL. A
short name must be free among cities and bodies alike, which no unique index can keep (they
are two tables): one workstation renames a city to the name the other gives a new body. Both
take turns (`take_turn`), so the second sees the first one's name and is refused with its
sentence, never both saved.
"""

from __future__ import annotations

from datetime import datetime

from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.directory import organisations as org

from ..concurrency import Outcome, race

NOW = datetime(2026, 11, 25, 8, 0)
STAFF = Actor(None, "Thandi Nkosi", "secretariat")
ADMIN = Actor(None, "Pieter van Wyk", "administrator")
ROUNDS = 3


def add_body(barrier, url: str, short: str) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            return org.save_organisation(
                s,
                kind="body",
                values={
                    "official_name": f"{short} Trust",
                    "short_name": short,
                    "body_kind": "NGO",
                    "role_in_usrg": "works with a member city",
                },
                actor=STAFF,
                now=NOW,
            )
    finally:
        db.dispose()


def rename_city(barrier, url: str, city_id: int, short: str) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            return org.rename_organisation(
                s,
                kind="city",
                org_id=city_id,
                official_name=f"{short} Metropolitan Municipality",
                short_name=short,
                actor=ADMIN,
                now=NOW,
            )
    finally:
        db.dispose()


def _one_refused(outcomes: list[Outcome]) -> str:
    winners = [o for o in outcomes if o.ok]
    losers = [o for o in outcomes if not o.ok]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    return losers[0].message


def test_a_city_renamed_to_the_name_another_workstation_gives_a_body_keeps_one(any_db):
    with any_db.reading() as s:
        _kind, city_id = org.organisation_named(s, "Ekurhuleni")
    for n in range(ROUNDS):
        short = f"Gauteng East {n}"
        message = _one_refused(
            race(
                (add_body, (any_db.url, short)),
                (rename_city, (any_db.url, city_id, short)),
            )
        )
        assert message.startswith(f"FieldErrors: The short name '{short}' is already used by "), (
            message
        )
        cities = any_db.rows("SELECT COUNT(*) FROM cities WHERE short_name = :n", {"n": short})
        bodies = any_db.rows("SELECT COUNT(*) FROM bodies WHERE short_name = :n", {"n": short})
        assert cities[0][0] + bodies[0][0] == 1
