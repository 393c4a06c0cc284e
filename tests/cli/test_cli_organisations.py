"""`usrg organisations …` on a real demo database, signed in as the demo secretariat."""

from __future__ import annotations

import json

import pytest

from usrg_desktop import cli


def run(db, *args) -> int:
    return cli.main(["--database", str(db.path), *args])


@pytest.fixture
def as_secretariat(monkeypatch):
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")


def test_list_shows_cities_and_bodies_as_json(demo_db, capsys):
    assert run(demo_db, "organisations", "list", "--kind", "body", "--format", "json") == 0
    bodies = {b["short_name"]: b for b in json.loads(capsys.readouterr().out)}
    assert bodies["CSPS"]["official_name"] == "Civilian Secretariat for Police Service"
    assert run(demo_db, "organisations", "list", "--kind", "city", "--format", "json") == 0
    cities = {c["short_name"] for c in json.loads(capsys.readouterr().out)}
    assert {"eThekwini", "Nelson Mandela Bay", "Msunduzi"} <= cities


def test_add_edit_rename_show_off_and_on(demo_db, capsys, as_secretariat):
    add = ["organisations", "add", "body", "--official", "Isandla Institute", "--short"]
    add += ["Isandla", "--body-kind", "NGO", "--role", "works with cities on safety"]
    add += ["--postal", "PO Box 12263 | Mill Street | 8010", "--switchboard", "021 683 7903"]
    assert run(demo_db, *add) == 0
    assert capsys.readouterr().out.startswith("Added Isandla (body:")
    assert run(demo_db, "organisations", "edit", "isandla", "--contact", "") == 0
    assert run(demo_db, "organisations", "edit", "Isandla", "--physical", "Kenilworth") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Saved Isandla."
    rename = ["organisations", "rename", "Isandla", "--short", "Isandla Institute NPC"]
    rename += ["--official", "Isandla Institute NPC", "--from", "2026-10-01"]
    assert run(demo_db, *rename) == 0
    assert run(demo_db, "organisations", "show", "Isandla Institute NPC") == 0
    shown = capsys.readouterr().out
    assert "Official name:     Isandla Institute NPC" in shown
    assert "In a sentence:     the Isandla Institute NPC" in shown
    assert "Postal address:    PO Box 12263, Mill Street, 8010" in shown
    assert "Physical address:  Kenilworth" in shown
    assert "Past names:\n  the start to 2026-09-30: Isandla (Isandla Institute)" in shown
    assert run(demo_db, "organisations", "off", "Isandla Institute NPC") == 0
    assert capsys.readouterr().out.strip() == "Switched off Isandla Institute NPC."
    assert run(demo_db, "organisations", "off", "Isandla Institute NPC") == 1
    assert "Isandla Institute NPC is already switched off." in capsys.readouterr().err
    assert run(demo_db, "organisations", "on", "Isandla Institute NPC") == 0


def test_a_wrong_field_names_its_option_and_nothing_is_written(demo_db, capsys, as_secretariat):
    before = demo_db.rows("SELECT COUNT(*) FROM cities")[0][0]
    add = ["organisations", "add", "city", "--official", "Mangaung Metropolitan Municipality"]
    add += ["--short", "Mangaung", "--code", "EKU", "--province", "Free State"]
    add += ["--category", "metropolitan", "--seat", "Bloemfontein"]
    assert run(demo_db, *add) == 1
    err = capsys.readouterr().err
    assert "--code: The municipal code EKU is already Ekurhuleni's." in err
    assert demo_db.rows("SELECT COUNT(*) FROM cities")[0][0] == before
    assert run(demo_db, "organisations", "edit", "SALGA", "--seat", "Pretoria") == 1
    assert "--seat is not a detail of a body." in capsys.readouterr().err


def test_merge_moves_everything_and_refuses_a_city_into_a_body(demo_db, capsys, as_secretariat):
    assert run(demo_db, "organisations", "merge", "Buffalo City", "--into", "SALGA") == 1
    assert (
        "Buffalo City is a member city and SALGA is a body: a member city can be merged only "
        "into another member city." in capsys.readouterr().err
    )
    (people,) = demo_db.rows("SELECT COUNT(*) FROM people WHERE city_id = 7")[0]
    assert run(demo_db, "organisations", "merge", "BUF", "--into", "Nelson Mandela Bay") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Merged Buffalo City into Nelson Mandela Bay: moved {people} people")
    assert out.strip().endswith("Buffalo City is switched off.")
    assert demo_db.rows("SELECT COUNT(*) FROM people WHERE city_id = 7")[0][0] == 0
    assert run(demo_db, "organisations", "show", "city:7") == 0
    assert "Buffalo City — member city city:7 (switched off)" in capsys.readouterr().out
