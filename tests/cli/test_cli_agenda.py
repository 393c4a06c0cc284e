"""`usrg agenda`, `usrg attendance` and `usrg actions`: the same workflows as the screens."""

from __future__ import annotations

import json

import pytest

from tests.workflows.meeting_helpers import meeting_id_by_number
from usrg_desktop import cli
from usrg_desktop.workflows.demo import DEMO_PASSWORD
from usrg_desktop.workflows.meetings import attendance
from usrg_desktop.workflows.meetings.listings import action_item_listing


@pytest.fixture(autouse=True)
def signed_in(monkeypatch):
    monkeypatch.setenv("USRG_USER", "coordinator")
    monkeypatch.setenv("USRG_PASSWORD", DEMO_PASSWORD)


def run(db, *args: str) -> int:
    command, rest = args[:2], args[2:]
    return cli.main([*command, "--database", str(db.path), *rest])


def agenda_json(db, capsys, number: int = 53) -> list[dict]:
    capsys.readouterr()
    assert run(db, "agenda", "show", "--meeting", str(number), "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_agenda_show_move_add_remove(demo_db, capsys):
    rows = agenda_json(demo_db, capsys)
    assert set(rows[0]) == {
        "day", "position", "start", "end", "minutes", "type", "title", "presenter", "purpose"
    }  # fmt: skip
    day1 = [r for r in rows if r["day"] == 1]
    assert day1[0]["start"] == "09:00"
    assert all(a["end"] == b["start"] for a, b in zip(day1, day1[1:], strict=False))
    # Move day 1's sixth item to the end of day 2: day 2 now runs over, said on stderr.
    moved = day1[5]["title"]
    assert run(demo_db, "agenda", "move", "--meeting", "53", "1.6", "2.99") == 0
    rows = agenda_json(demo_db, capsys)
    assert [r["title"] for r in rows if r["day"] == 2][-1] == moved
    assert run(demo_db, "agenda", "show", "--meeting", "53") == 0
    assert "usrg: warning: Day 2 (Tuesday 16 February 2027) runs until" in capsys.readouterr().err
    assert (
        run(
            demo_db,
            "agenda",
            "add",
            "--meeting",
            "53",
            "--day",
            "1",
            "--type",
            "presentation",
            "--title",
            "Safety indicators",
            "--minutes",
            "20",
            "--position",
            "1",
        )
        == 0
    )
    rows = agenda_json(demo_db, capsys)
    assert (rows[0]["title"], rows[0]["start"], rows[1]["start"]) == (
        "Safety indicators",
        "09:00",
        "09:20",
    )
    assert run(demo_db, "agenda", "remove", "--meeting", "53", "1.1") == 0
    assert agenda_json(demo_db, capsys)[0]["title"] != "Safety indicators"


def test_refusals_are_one_sentence_and_exit_1(demo_db, capsys):
    assert run(demo_db, "agenda", "template", "--meeting", "53") == 1
    assert capsys.readouterr().err.strip() == (
        "usrg: Meeting 53 already has an agenda; the standard template fills only an empty one."
    )
    assert run(demo_db, "agenda", "show", "--meeting", "999") == 1
    assert capsys.readouterr().err.strip() == "usrg: There is no meeting number 999."
    assert run(demo_db, "agenda", "remove", "--meeting", "53", "2.40") == 1
    assert "Day 2 of the agenda has" in capsys.readouterr().err
    before = agenda_json(demo_db, capsys)
    code = run(
        demo_db, "agenda", "add", "--meeting", "53", "--day", "2", "--type", "session",
        "--title", " ", "--minutes", "0",
    )  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "Title is required." in err and "between 1 and 600 minutes" in err
    assert agenda_json(demo_db, capsys) == before


def test_attendance_and_quorum(demo_db, capsys):
    assert run(demo_db, "attendance", "quorum", "--meeting", "52") == 0
    assert capsys.readouterr().out.startswith("Quorum met:")
    # Meeting 53 is ahead: nobody attended yet, so no quorum (exit 2).
    assert run(demo_db, "attendance", "quorum", "--meeting", "53") == 2
    assert capsys.readouterr().out.startswith("No quorum: 0 of 9")
    assert run(demo_db, "attendance", "invite", "--meeting", "53") == 0
    assert "focal persons recorded as invited; nothing was sent" in capsys.readouterr().out
    assert run(demo_db, "attendance", "list", "--meeting", "53", "--format", "json") == 0
    out = capsys.readouterr()
    listed = json.loads(out.out)
    assert len(listed) == len(attendance.invitees(demo_db, meeting_id_by_number(demo_db, 53)))
    assert set(listed[0]) == {"group", "name", "title", "rsvp", "note", "day1", "day2", "visit"}
    assert "member cities present on day 1" in out.err


def test_actions_add_status_and_open_list(demo_db, capsys):
    before = action_item_listing(demo_db)
    code = run(
        demo_db, "actions", "add", "--meeting", "52", "--description", "Share the draft brief",
        "--owner", "SACN secretariat", "--due", "2026-12-01",
    )  # fmt: skip
    assert code == 0
    number = max(r[0] for r in before.rows) + 1
    assert capsys.readouterr().out.strip() == f"Action {number} recorded at meeting 52."
    assert (
        run(demo_db, "actions", "list", "--open", "--today", "2026-12-02", "--format", "json") == 0
    )
    open_rows = json.loads(capsys.readouterr().out)
    mine = next(r for r in open_rows if r["number"] == number)
    assert mine["overdue"] is True
    assert all(r["status"] in ("open", "in progress") for r in open_rows)
    assert run(demo_db, "actions", "status", str(number), "dropped") == 1
    assert "Give a reason to drop" in capsys.readouterr().err
    assert run(demo_db, "actions", "status", str(number), "done", "--today", "2026-11-30") == 0
    assert capsys.readouterr().out.strip() == f"Action {number} is now done."
    assert run(demo_db, "actions", "list", "--open", "--format", "json") == 0
    assert number not in [r["number"] for r in json.loads(capsys.readouterr().out)]


def test_quorum_rule_is_set_by_an_administrator(demo_db, capsys, monkeypatch):
    assert run(demo_db, "attendance", "quorum-rule") == 0
    assert capsys.readouterr().out.strip() == "majority"
    assert run(demo_db, "attendance", "quorum-rule", "7") == 1
    assert "Only an administrator may change the quorum rule." in capsys.readouterr().err
    monkeypatch.setenv("USRG_USER", "admin")
    assert run(demo_db, "attendance", "quorum-rule", "seven") == 1
    assert "'majority' or a whole number of member cities from 1 to 9" in capsys.readouterr().err
    assert run(demo_db, "attendance", "quorum-rule", "7") == 0
    capsys.readouterr()
    assert run(demo_db, "attendance", "quorum", "--meeting", "52") in (0, 2)
    assert "(7 needed;" in capsys.readouterr().out
