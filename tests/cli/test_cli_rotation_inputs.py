"""`usrg rotation volunteer|withdraw|unavailable|available|inputs|blackouts` on a real database."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from usrg_desktop import cli, clock
from usrg_desktop.workflows.meetings.rotation import Quarter
from usrg_desktop.workflows.system.accounts import create_user

PASSWORD = "a-long-coordinator-password"


@pytest.fixture
def coordinator(db, monkeypatch):
    """A coordinator account in the empty database, signed in through the environment."""
    with db.unit_of_work() as s:
        create_user(
            s,
            username="anel",
            display_name="Anél Coetzée",
            password=PASSWORD,
            role="coordinator",
            now=datetime(2026, 11, 1, 8, 0),
        )
    monkeypatch.setenv("USRG_PASSWORD", PASSWORD)
    return db


def run(db, *args: str, user: str | None = "anel") -> int:
    extra = ["--user", user] if user else []
    return cli.main([*args, "--database", str(db.path), *extra])


def later_quarter(steps: int) -> Quarter:
    """A quarter `steps` quarters after today's (the command line reads the program's clock)."""
    quarter = Quarter.of(clock.today())
    for _ in range(steps):
        quarter = quarter.next()
    return quarter


def proposals(db, capsys, start: Quarter, count: int) -> list[dict]:
    capsys.readouterr()
    assert (
        run(
            db,
            "rotation",
            "propose",
            "--from",
            str(start),
            "--quarters",
            str(count),
            "--format",
            "json",
            user=None,
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


def test_a_volunteer_by_code_moves_to_its_quarter_and_can_be_withdrawn(coordinator, capsys):
    db = coordinator
    start, target = later_quarter(1), later_quarter(3)
    before = proposals(db, capsys, start, 3)[-1]
    assert before["host"] != "Buffalo City Metropolitan Municipality"
    assert (
        run(
            db,
            "rotation",
            "volunteer",
            "--city",
            "BUF",
            "--quarter",
            str(target),
            "--note",
            "Offered at the last meeting",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"Recorded: Buffalo City volunteered for {target.label}." in out
    assert f"Buffalo City volunteered for {target.label}" in out
    after = proposals(db, capsys, start, 3)[-1]
    assert after["host"] == "Buffalo City Metropolitan Municipality"
    assert f"volunteered for {target.label}" in after["reason"]
    # Listed with the documented keys.
    assert run(db, "rotation", "inputs", "--format", "json", user=None) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["volunteers"] == [
        {
            "quarter": str(target),
            "city": "Buffalo City",
            "official_name": "Buffalo City Metropolitan Municipality",
            "note": "Offered at the last meeting",
        }
    ]
    assert listed["unavailability"] == []
    assert listed["blackouts"] == [{"label": "Year-end holidays", "start": "12-15", "end": "01-15"}]
    # Twice is refused with the sentence; withdrawn, the proposal is back.
    assert run(db, "rotation", "volunteer", "--city", "Buffalo City", "--quarter", str(target)) == 1
    assert capsys.readouterr().err.strip() == (
        f"usrg: Buffalo City has already volunteered for {target.label}."
    )
    assert run(db, "rotation", "withdraw", "--city", "buffalo city", "--quarter", str(target)) == 0
    assert "Withdrawn: Buffalo City's offer" in capsys.readouterr().out
    assert proposals(db, capsys, start, 3)[-1]["host"] == before["host"]
    assert db.rows("SELECT COUNT(*) FROM host_volunteers") == [(0,)]


def test_unavailable_defers_the_city_and_available_takes_it_back(coordinator, capsys):
    db = coordinator
    start = later_quarter(1)
    first = proposals(db, capsys, start, 1)[0]
    host = first["host"]
    assert (
        run(
            db,
            "rotation",
            "unavailable",
            "--city",
            host,
            "--from",
            first["start"],
            "--to",
            first["end"],
            "--reason",
            "Council elections",
        )
        == 0
    )
    assert "it keeps its turn" in capsys.readouterr().out
    now_first = proposals(db, capsys, start, 1)[0]
    assert now_first["host"] != host
    assert "unavailable" in now_first["reason"] and "Council elections" in now_first["reason"]
    assert (
        run(db, "rotation", "inputs", "--only", "unavailability", "--format", "csv", user=None) == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["official_name"], r["from"], r["to"], r["reason"]) for r in rows] == [
        (host, first["start"], first["end"], "Council elections")
    ]
    assert run(db, "rotation", "available", "--city", host, "--from", first["start"]) == 0
    assert "Removed:" in capsys.readouterr().out
    assert proposals(db, capsys, start, 1)[0]["host"] == host


COUNTS = (
    "SELECT (SELECT COUNT(*) FROM host_volunteers), (SELECT COUNT(*) FROM host_unavailability), "
    "(SELECT COUNT(*) FROM audit_events WHERE entity LIKE 'host%')"
)


def test_bad_input_gets_every_sentence_and_writes_nothing(coordinator, capsys):
    db = coordinator
    assert db.rows(COUNTS) == [(0, 0, 0)]
    assert (
        run(
            db,
            "rotation",
            "unavailable",
            "--city",
            "ETH",
            "--from",
            "2030-03-01",
            "--to",
            "2030-02-01",
            "--reason",
            " ",
        )
        == 1
    )
    # Each wrong field on its own line (cli.common.form_refused).
    assert capsys.readouterr().err.strip() == (
        "usrg: The last day (01 Feb 2030) is before the first day (01 Mar 2030).\n"
        "usrg: Say why the city cannot host in this period."
    )
    assert run(db, "rotation", "volunteer", "--city", "Gotham", "--quarter", "2030Q1") == 1
    assert "There is no member city called 'Gotham'" in capsys.readouterr().err
    assert run(db, "rotation", "available", "--city", "ETH", "--from", "2030-03-01") == 1
    assert capsys.readouterr().err.strip() == (
        "usrg: eThekwini has no unavailable period starting on 01 Mar 2030; "
        "see usrg rotation inputs."
    )
    assert run(db, "rotation", "withdraw", "--city", "ETH", "--quarter", "2030Q1") == 1
    assert capsys.readouterr().err.strip() == "usrg: eThekwini has not volunteered for 2030 Q1."
    assert run(db, "rotation", "inputs", "--format", "csv", user=None) == 1
    assert "A CSV file holds one table" in capsys.readouterr().err
    assert db.rows(COUNTS) == [(0, 0, 0)]


def test_changes_need_a_user(coordinator, capsys, monkeypatch):
    monkeypatch.delenv("USRG_USER", raising=False)
    assert (
        run(coordinator, "rotation", "volunteer", "--city", "ETH", "--quarter", "2030Q1", user=None)
        == 1
    )
    assert "Say who is acting with --user" in capsys.readouterr().err


def test_blackouts_are_shown_checked_and_replaced(coordinator, capsys):
    db = coordinator
    assert (
        run(
            db,
            "rotation",
            "blackouts",
            "--set",
            "Year-end holidays=12-15..01-15",
            "--set",
            "Easter=04-01..04-31",
        )
        == 1
    )
    assert capsys.readouterr().err.strip() == (
        "usrg: The end of 'Easter' is wrong: April has no day 31 (it has 30 days)."
    )
    assert (
        run(
            db,
            "rotation",
            "blackouts",
            "--set",
            "Year-end holidays=12-15..01-15",
            "--set",
            "Winter school holidays=06-28..07-20",
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == [
        "Blackout periods saved.",
        "Year-end holidays: 15 December – 15 January",
        "Winter school holidays: 28 June – 20 July",
    ]
    assert db.rows(
        "SELECT label, start_month, start_day, end_month, end_day FROM blackout_periods ORDER BY id"
    ) == [("Year-end holidays", 12, 15, 1, 15), ("Winter school holidays", 6, 28, 7, 20)]
    assert run(db, "rotation", "blackouts", user=None) == 0
    assert "Winter school holidays: 28 June – 20 July" in capsys.readouterr().out
