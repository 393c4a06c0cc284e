"""`usrg meetings list|ics` and `usrg rotation accept|reject` on real databases."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from icalendar import Calendar

from usrg_desktop import cli
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


def run(db, *args: str) -> int:
    return cli.main([*args, "--database", str(db.path)])


def test_meetings_list_json_has_exactly_the_documented_keys(demo_db, capsys):
    assert run(demo_db, "meetings", "list", "--format", "json") == 0
    meetings = json.loads(capsys.readouterr().out)
    expected = demo_db.rows(
        "SELECT m.number, m.year, m.quarter, c.official_name, m.starts_on, m.ends_on, m.status "
        "FROM meetings m JOIN cities c ON c.id = m.host_city_id ORDER BY m.starts_on"
    )
    assert len(meetings) == len(expected) == 12
    for row, (number, year, quarter, host, start, end, status) in zip(
        meetings, expected, strict=True
    ):
        assert list(row) == ["number", "quarter", "host", "start", "end", "status"]
        assert row == {
            "number": number,
            "quarter": f"{year}Q{quarter}",
            "host": host,
            "start": str(start)[:10],
            "end": str(end)[:10],
            "status": status,
        }
    assert [m["number"] for m in meetings] == sorted(m["number"] for m in meetings)
    assert {m["status"] for m in meetings} == {"held", "planned"}


def test_meetings_list_table_and_csv(demo_db, capsys):
    assert run(demo_db, "meetings", "list") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["No.", "Quarter", "Host", "city", "Start", "End", "Status"]
    assert len(table) == 2 + 12
    assert run(demo_db, "meetings", "list", "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "number,quarter,host,start,end,status"


def test_meetings_ics_writes_a_calendar_file_that_parses_back(demo_db, tmp_path, capsys):
    meeting_id, number, starts, venue = demo_db.rows(
        "SELECT id, number, starts_on, venue FROM meetings WHERE status = 'planned' "
        "ORDER BY number LIMIT 1"
    )[0]
    out = tmp_path / "meeting.ics"
    assert run(demo_db, "meetings", "ics", "--meeting", str(number), "--out", str(out)) == 0
    assert str(out) in capsys.readouterr().out
    cal = Calendar.from_ical(out.read_bytes())
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["Africa/Johannesburg"]
    events = cal.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [
        f"usrg-meeting-id{meeting_id}-day1@sacities.net",
        f"usrg-meeting-id{meeting_id}-day2@sacities.net",
        f"usrg-meeting-id{meeting_id}-visit@sacities.net",
    ]
    day1 = events[0]
    assert day1.decoded("dtstart").date() == date.fromisoformat(str(starts)[:10])
    assert day1["dtstart"].params["TZID"] == "Africa/Johannesburg"
    assert str(day1["location"]) == venue


def test_meetings_ics_refuses_an_unknown_meeting_or_folder(demo_db, tmp_path, capsys):
    assert run(demo_db, "meetings", "ics", "--meeting", "999", "--out", str(tmp_path / "x.ics"))
    assert capsys.readouterr().err == "usrg: There is no meeting number 999.\n"
    assert not (tmp_path / "x.ics").exists()
    bad = tmp_path / "missing" / "x.ics"
    assert run(demo_db, "meetings", "ics", "--meeting", "53", "--out", str(bad)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"usrg: The calendar file {bad} could not be written")


def test_rotation_accept_plans_the_proposal_then_refuses_the_quarter_again(coordinator, capsys):
    db = coordinator
    assert run(db, "rotation", "accept", "--quarter", "2027Q1", "--user", "anel") == 0
    assert capsys.readouterr().out == (
        "Planned meeting 1: 2027 Q1, City of Johannesburg, Tue 09 Feb – Wed 10 Feb 2027.\n"
    )
    assert db.rows("SELECT number, year, quarter, host_city_id, status FROM meetings") == [
        (1, 2027, 1, 1, "planned")
    ]
    assert db.rows("SELECT actor_name, action FROM audit_events WHERE entity = 'meeting'") == [
        ("Anél Coetzée", "accept_proposal")
    ]
    assert run(db, "rotation", "accept", "--quarter", "2027Q1", "--user", "anel") == 1
    assert "2027 Q1 already has a meeting" in capsys.readouterr().err
    assert run(db, "meetings", "list", "--format", "json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["quarter"] == "2027Q1" and row["start"] == "2027-02-09"


def test_rotation_accept_with_edits_needs_a_reason_and_says_every_problem(coordinator, capsys):
    db = coordinator
    args = ["rotation", "accept", "--quarter", "2027Q2", "--user", "anel", "--host", "ETH"]
    assert run(db, *args, "--start", "2027-04-27") == 1
    err = capsys.readouterr().err
    assert "Say why the proposal was changed." in err
    assert "Day 1 cannot be used: Tue 27 Apr 2027 is Freedom Day." in err
    assert db.rows("SELECT COUNT(*) FROM meetings") == [(0,)]
    assert run(db, *args, "--start", "2027-05-18", "--reason", "Budget vote week.") == 0
    assert "Planned meeting 1: 2027 Q2, eThekwini, Tue 18 May – Wed 19 May 2027." in (
        capsys.readouterr().out
    )
    assert db.rows("SELECT reason FROM audit_events WHERE action = 'accept_edited_proposal'") == [
        ("Budget vote week.",)
    ]
    assert run(db, "rotation", "accept", "--quarter", "2027Q3", "--user", "anel", "--host", "X")
    assert "There is no member city called 'X'" in capsys.readouterr().err


def test_rotation_reject_passes_the_turn_on(coordinator, capsys):
    db = coordinator
    reason = "The council sits in February."
    args = ["rotation", "reject", "--quarter", "2027Q1", "--user", "anel", "--reason", reason]
    assert run(db, *args) == 0
    out = capsys.readouterr().out
    assert out.startswith("City of Johannesburg will not host 2027 Q1; it keeps its turn.")
    assert "New proposal: City of Cape Town." in out
    assert db.rows("SELECT COUNT(*) FROM meetings") == [(0,)]
    # Rejecting again rejects the new proposal: the next city in the rotation's order.
    assert run(db, *args) == 0
    out = capsys.readouterr().out
    assert out.startswith("City of Cape Town will not host 2027 Q1")
    assert "New proposal: eThekwini." in out
    assert db.rows("SELECT city_id FROM host_unavailability ORDER BY id") == [(1,), (2,)]


def test_rotation_accept_needs_a_user(db, capsys, monkeypatch):
    monkeypatch.delenv("USRG_USER", raising=False)
    assert run(db, "rotation", "accept", "--quarter", "2027Q1") == 1
    assert capsys.readouterr().err == (
        "usrg: Say who is acting with --user NAME (or set USRG_USER).\n"
    )
    assert db.rows("SELECT COUNT(*) FROM meetings") == [(0,)]


def test_meetings_confirm_held_and_cancel(coordinator, capsys):
    db = coordinator
    assert run(db, "rotation", "accept", "--quarter", "2027Q1", "--user", "anel") == 0
    assert run(db, "rotation", "accept", "--quarter", "2027Q2", "--user", "anel") == 0
    capsys.readouterr()
    assert run(db, "meetings", "confirm", "--meeting", "1", "--user", "anel") == 0
    assert capsys.readouterr().out == "Meeting 1 is confirmed.\n"
    assert run(db, "meetings", "held", "--meeting", "1", "--user", "anel") == 1
    assert "cannot be marked held before then" in capsys.readouterr().err
    assert run(db, "meetings", "cancel", "--meeting", "2", "--user", "anel", "--reason", " ") == 1
    assert capsys.readouterr().err == "usrg: Give a reason to cancel meeting 2 (2027 Q2).\n"
    reason = "The host withdrew."
    assert (
        run(db, "meetings", "cancel", "--meeting", "2", "--user", "anel", "--reason", reason) == 0
    )
    assert db.rows(
        "SELECT number, status, cancelled_reason, ics_sequence FROM meetings ORDER BY number"
    ) == [
        (1, "confirmed", "", 1),
        (2, "cancelled", "The host withdrew.", 1),
    ]
