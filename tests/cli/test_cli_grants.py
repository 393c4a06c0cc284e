"""`usrg rounds` and `usrg applications`: lists as JSON, moves with their guards, sheet import."""

from __future__ import annotations

import csv
import json

import pytest

from usrg_desktop import cli


@pytest.fixture
def staff(monkeypatch):
    """Act as the demo's secretariat user."""
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")


def usrg(db, *args: str) -> int:
    return cli.main([*args, "--database", db.url])


def state_and_events(db, reference: str) -> tuple[str, int]:
    state, app_id = db.rows(
        "SELECT state, id FROM applications WHERE reference = :r", {"r": reference}
    )[0]
    events = db.rows(
        "SELECT COUNT(*) FROM audit_events WHERE entity = 'application' AND entity_id = :i",
        {"i": app_id},
    )[0][0]
    return state, events


def first_in(db, state: str) -> str:
    return db.rows(
        "SELECT reference FROM applications WHERE state = :s ORDER BY reference LIMIT 1",
        {"s": state},
    )[0][0]


def test_rounds_list_json_keys_and_values(any_demo_db, capsys):
    assert usrg(any_demo_db, "rounds", "list", "--format", "json") == 0
    rounds = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rounds] == [
        "Innovation Fund 2026 Round 1",
        "Innovation Fund 2025 Round 1",
    ]
    assert set(rounds[0]) == {
        "name",
        "status",
        "opens_on",
        "closes_on",
        "review_deadline",
        "budget",
        "cap",
        "applications",
        "requested",
        "committed",
    }
    assert rounds[0]["status"] == "reviewing" and rounds[0]["budget"] == "3000000.00"
    total = any_demo_db.rows("SELECT COUNT(*) FROM applications")[0][0]
    assert sum(r["applications"] for r in rounds) == total


def test_applications_list_filters_by_round_name_or_id_and_state(any_demo_db, capsys):
    rid, name = any_demo_db.rows("SELECT id, name FROM rounds ORDER BY opens_on DESC LIMIT 1")[0]
    expected = any_demo_db.rows(
        "SELECT reference FROM applications WHERE round_id = :r AND state = 'in_review'",
        {"r": rid},
    )
    assert expected  # the demo's current round has applications in review
    for round_arg in (str(rid), name.lower()):
        assert (
            usrg(
                any_demo_db,
                "applications",
                "list",
                "--round",
                round_arg,
                "--state",
                "in_review",
                "--format",
                "json",
            )
            == 0
        )
        rows = json.loads(capsys.readouterr().out)
        assert sorted(r["reference"] for r in rows) == sorted(r[0] for r in expected)
        assert {r["round"] for r in rows} == {name} and {r["state"] for r in rows} == {"in review"}
    assert set(rows[0]) == {
        "reference",
        "title",
        "applicant",
        "round",
        "state",
        "requested",
        "score",
        "last_change",
    }


def test_applications_list_csv_has_the_keys_as_headings(demo_db, capsys):
    assert usrg(demo_db, "applications", "list", "--format", "csv") == 0
    lines = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert lines[0][:5] == ["reference", "title", "applicant", "round", "state"]
    assert len(lines) - 1 == demo_db.rows("SELECT COUNT(*) FROM applications")[0][0]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("--round", "Round 9"), "usrg: There is no round 'Round 9'. The rounds are: "),
        (("--state", "pending"), "usrg: 'pending' is not an application state; the states are "),
    ],
)
def test_unknown_round_or_state_is_a_sentence_and_exit_1(demo_db, capsys, args, sentence):
    assert usrg(demo_db, "applications", "list", *args) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(sentence)


def test_show_prints_details_and_history_newest_first(demo_db, capsys):
    ref = first_in(demo_db, "in_review")
    assert usrg(demo_db, "applications", "show", ref, "--format", "json") == 0
    record = json.loads(capsys.readouterr().out)
    assert record["reference"] == ref and record["state"] == "in_review"
    assert [h["to"] for h in record["history"]][:4] == [
        "in review",
        "screening",
        "submitted",
        "draft",
    ]
    assert record["history"][0]["action"] == "mark_eligible"
    assert usrg(demo_db, "applications", "show", ref) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{ref}  {record['title']}")
    assert "History (newest first):" in text and "Eligible screening → in review" in text


def test_refused_move_exits_1_with_the_sentence_and_changes_nothing(any_demo_db, capsys, staff):
    ref = first_in(any_demo_db, "submitted")
    before = state_and_events(any_demo_db, ref)
    assert usrg(any_demo_db, "applications", "move", ref, "--to", "approved", "--amount", "1") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"usrg: {ref} is submitted (moved there by "), err
    assert err.endswith("), so it cannot be moved to approved; nothing was changed.\n"), err
    assert usrg(any_demo_db, "applications", "move", ref, "--to", "withdrawn") == 1
    assert capsys.readouterr().err == f"usrg: Give a reason to withdraw {ref}.\n"
    assert state_and_events(any_demo_db, ref) == before


def test_coordinator_may_not_move_applications(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("USRG_USER", "coordinator")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    ref = first_in(demo_db, "submitted")
    before = state_and_events(demo_db, ref)
    assert usrg(demo_db, "applications", "move", ref, "--to", "screening") == 1
    assert "Only the secretariat or an administrator may" in capsys.readouterr().err
    assert state_and_events(demo_db, ref) == before


def test_allowed_move_is_made_and_audited_with_the_user(any_demo_db, capsys, staff):
    ref = first_in(any_demo_db, "submitted")
    _state, events = state_and_events(any_demo_db, ref)
    assert usrg(any_demo_db, "applications", "move", ref, "--to", "screening") == 0
    assert capsys.readouterr().out == f"{ref} is now screening.\n"
    assert state_and_events(any_demo_db, ref) == ("screening", events + 1)
    last = any_demo_db.rows(
        "SELECT e.action, e.from_state, e.to_state, e.actor_name, u.username "
        "FROM audit_events e JOIN users u ON u.id = e.actor_user_id "
        "ORDER BY e.id DESC LIMIT 1"
    )[0]
    assert last[:3] == ("start_screening", "submitted", "screening")
    assert last[4] == "secretariat"
    # Withdrawing takes the reason given on the command line.
    assert (
        usrg(any_demo_db, "applications", "move", ref, "--to", "withdrawn", "--reason", "Asked")
        == 0
    )
    assert any_demo_db.rows(
        "SELECT state, withdrawn_reason FROM applications WHERE reference = :r", {"r": ref}
    ) == [("withdrawn", "Asked")]


def test_moving_without_a_user_is_refused(demo_db, capsys, monkeypatch):
    monkeypatch.delenv("USRG_USER", raising=False)
    assert (
        usrg(demo_db, "applications", "move", first_in(demo_db, "submitted"), "--to", "screening")
        == 1
    )
    assert capsys.readouterr().err == (
        "usrg: Say who is acting with --user NAME (or set USRG_USER).\n"
    )


def test_rounds_move_is_guarded_and_audited(demo_db, capsys, staff):
    name = "Innovation Fund 2026 Round 1"
    assert usrg(demo_db, "rounds", "move", name, "--to", "decided") == 1
    assert "still has" in capsys.readouterr().err
    assert usrg(demo_db, "rounds", "move", "Innovation Fund 2025 Round 1", "--to", "open") == 1
    assert capsys.readouterr().err == (
        "usrg: The round 'Innovation Fund 2025 Round 1' is decided, so it cannot be moved "
        "to open.\n"
    )
    assert demo_db.rows("SELECT status FROM rounds ORDER BY opens_on") == [
        ("decided",),
        ("reviewing",),
    ]


def test_import_dry_run_then_real(demo_db, capsys, staff, tmp_path):
    # The demo's rounds are past their call; open a new one to import into.
    from datetime import date, datetime

    from usrg_desktop.workflows import Actor
    from usrg_desktop.workflows.grants import rounds

    actor = Actor(None, "Test", "secretariat")
    with demo_db.unit_of_work() as s:
        rid = rounds.create_round(
            s,
            form=rounds.RoundForm(
                name="Innovation Fund 2027 Round 1",
                opens_on=date(2027, 1, 10),
                closes_on=date(2027, 3, 10),
                budget_cents=3_000_000_00,
                cap_cents=400_000_00,
                screening_checks=("Eligible applicant",),
            ),
            actor=actor,
            now=datetime(2026, 11, 25),
        )
        rounds.open_round(s, round_id=rid, actor=actor, now=datetime(2026, 11, 25))
    path = tmp_path / "form.csv"
    heads = "round,applicant,title,summary,problem,intervention,requested,start,end,"
    heads += "contact name,contact email,budget\n"
    good = (
        "Innovation Fund 2027 Round 1,Buffalo City,Safe parks,Parks.,Crime.,Wardens.,"
        "200000,2027-04-01,2028-03-31,Anele Mbeki,anele@bcmm.gov.za,Wardens: 200000\n"
    )
    bad = good.replace("Safe parks", "Safe parks 2").replace("2028-03-31", "2026-03-31")
    path.write_text(heads + good + bad, encoding="utf-8")
    count = demo_db.rows("SELECT COUNT(*) FROM applications")[0][0]
    assert usrg(demo_db, "applications", "import", str(path), "--dry-run") == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Row 3: The end date 2026-03-31 is before the start date 2027-04-01.",
        "form.csv: 1 of 2 rows has problems; nothing was imported.",
    ]
    assert usrg(demo_db, "applications", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "usrg: form.csv: 1 of 2 rows has problems; nothing was imported."
    assert demo_db.rows("SELECT COUNT(*) FROM applications")[0][0] == count
    path.write_text(heads + good, encoding="utf-8")
    assert usrg(demo_db, "applications", "import", str(path)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "form.csv: imported 1 submitted application.",
        "  USRG-IF-2027-1-001",
    ]


def test_rounds_create_names_each_bad_option_and_writes_nothing(any_demo_db, capsys, staff):
    before = any_demo_db.rows("SELECT COUNT(*) FROM rounds")[0][0]
    args = ["--opens", "2027-02-01", "--closes", "2027-01-01", "--budget", "100", "--cap", "200"]
    assert (
        usrg(any_demo_db, "rounds", "create", "--name", "Innovation Fund 2025 Round 1", *args) == 1
    )
    assert capsys.readouterr().err.splitlines() == [
        "usrg: --name: There is already a round named 'Innovation Fund 2025 Round 1'.",
        "usrg: --closes: The close date must be after the open date.",
        "usrg: --cap: The cap per grant (R 200,00) cannot be more than the budget (R 100,00).",
    ]
    assert any_demo_db.rows("SELECT COUNT(*) FROM rounds")[0][0] == before


def test_rounds_create_then_open_and_list(demo_db, capsys, staff):
    assert (
        usrg(
            demo_db,
            "rounds",
            "create",
            "--name",
            "Innovation Fund 2027 Round 1",
            "--opens",
            "2027-02-01",
            "--closes",
            "2027-03-31",
            "--budget",
            "R 3 000 000,00",
            "--cap",
            "400000",
            "--admit",
            "salga",
            "--check",
            "Eligible applicant",
        )
        == 0
    )
    assert capsys.readouterr().out.startswith(
        "Set up the round 'Innovation Fund 2027 Round 1' (id "
    )
    assert usrg(demo_db, "rounds", "move", "Innovation Fund 2027 Round 1", "--to", "open") == 0
    assert capsys.readouterr().out == "The round 'Innovation Fund 2027 Round 1' is now open.\n"
    assert demo_db.rows(
        "SELECT r.status, r.budget_cents, b.short_name, c.label FROM rounds r "
        "JOIN round_admitted_bodies rb ON rb.round_id = r.id JOIN bodies b ON b.id = rb.body_id "
        "JOIN screening_checks c ON c.round_id = r.id WHERE r.name = 'Innovation Fund 2027 Round 1'"
    ) == [("open", 3_000_000_00, "SALGA", "Eligible applicant")]
    assert demo_db.rows(
        "SELECT action FROM audit_events WHERE entity = 'round' ORDER BY id DESC LIMIT 2"
    ) == [("open",), ("create",)]


def test_rounds_create_takes_its_themes_and_a_repeated_one_is_refused(demo_db, capsys, staff):
    base = ["rounds", "create", "--opens", "2027-02-01", "--closes", "2027-03-31"]
    money = ["--budget", "3000000", "--cap", "400000"]
    assert usrg(demo_db, *base, *money, "--name", "A", "--theme", "Youth", "--theme", "youth") == 1
    assert capsys.readouterr().err.splitlines() == [
        "usrg: --theme: The theme 'youth' is listed twice."
    ]
    name = "Innovation Fund 2027 Round 1"
    themes = ["--theme", "Safer public spaces", "--theme", "Youth and gang violence prevention"]
    assert usrg(demo_db, *base, *money, "--name", name, *themes) == 0
    assert demo_db.rows(
        "SELECT t.label FROM round_themes t JOIN rounds r ON r.id = t.round_id "
        "WHERE r.name = :n ORDER BY t.position",
        {"n": name},
    ) == [("Safer public spaces",), ("Youth and gang violence prevention",)]
