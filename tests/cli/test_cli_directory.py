"""`usrg users …` and `usrg people …` on a real demo database, signed in as demo users."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from usrg_desktop import cli
from usrg_desktop.domain.accounts import User
from usrg_desktop.domain.directory import Person
from usrg_desktop.workflows.system.accounts import sign_in
from usrg_desktop.workflows.system.dates import utc_now


def run(db, *args) -> int:
    return cli.main(["--database", str(db.path), *args])


@pytest.fixture
def as_admin(monkeypatch):
    monkeypatch.setenv("USRG_USER", "admin")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")


def _json(capsys) -> list[dict]:
    return json.loads(capsys.readouterr().out)


def test_users_list_as_json(demo_db, capsys):
    assert run(demo_db, "users", "list", "--format", "json") == 0
    users = {u["username"]: u for u in _json(capsys)}
    assert users["admin"]["role"] == "administrator"
    assert users["secretariat"]["person"] == "Lerato Mofokeng"


def test_users_add_then_sign_in_role_off_on_and_password(demo_db, capsys, monkeypatch, as_admin):
    monkeypatch.setenv("USRG_NEW_PASSWORD", "first-password")
    assert (
        run(
            demo_db,
            "users",
            "add",
            "nomsa",
            "--name",
            "Nomsa Dlamini",
            "--role",
            "coordinator",
            "--person",
            "LERATO.MOFOKENG@sacities.net",
        )
        == 0
    )
    assert "Added the account 'nomsa' (coordinator)." in capsys.readouterr().out
    with demo_db.unit_of_work() as session:
        actor = sign_in(session, username="nomsa", password="first-password", now=utc_now())
        user = session.get(User, actor.user_id)
        person = session.get(Person, user.person_id)
    assert actor.role == "coordinator" and person.full_name == "Lerato Mofokeng"

    assert run(demo_db, "users", "role", "nomsa", "secretariat") == 0
    assert run(demo_db, "users", "off", "nomsa") == 0
    assert run(demo_db, "users", "off", "nomsa") == 1
    assert "usrg: The account 'nomsa' is already switched off." in capsys.readouterr().err
    assert run(demo_db, "users", "on", "nomsa") == 0
    monkeypatch.setenv("USRG_NEW_PASSWORD", "second-password")
    assert run(demo_db, "users", "password", "nomsa") == 0
    with demo_db.unit_of_work() as session:
        actor = sign_in(session, username="nomsa", password="second-password", now=utc_now())
    assert actor.role == "secretariat"

    # Nomsa changes her own password: the present one is the one she signed in with.
    monkeypatch.setenv("USRG_USER", "nomsa")
    monkeypatch.setenv("USRG_PASSWORD", "second-password")
    monkeypatch.setenv("USRG_NEW_PASSWORD", "third-password")
    assert run(demo_db, "users", "password", "nomsa") == 0
    with demo_db.unit_of_work() as session:
        sign_in(session, username="nomsa", password="third-password", now=utc_now())
    # ...but may not set anyone else's.
    monkeypatch.setenv("USRG_PASSWORD", "third-password")
    assert run(demo_db, "users", "password", "admin") == 1
    assert "Only an administrator may reset passwords." in capsys.readouterr().err


def test_the_last_administrator_is_kept(demo_db, capsys, as_admin):
    assert run(demo_db, "users", "off", "admin") == 1
    err = capsys.readouterr().err
    assert err.startswith("usrg: 'admin' is the last active administrator;")
    assert run(demo_db, "users", "role", "admin", "coordinator") == 1
    with demo_db.unit_of_work() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
    assert admin.active and admin.role == "administrator"


def test_changes_need_a_user(demo_db, capsys, monkeypatch):
    monkeypatch.delenv("USRG_USER", raising=False)
    assert run(demo_db, "users", "off", "secretariat") == 1
    assert "Say who is acting with --user NAME" in capsys.readouterr().err


def test_people_add_edit_list_and_refusals(demo_db, capsys, as_admin):
    base = [
        "people",
        "add",
        "--name",
        "Ṅwanḓa Raṋwedzi",
        "--title",
        "Safety Coordinator",
        "--city",
        "BUF",
        "--role",
        "focal person",
        "--phone",
        "+27 43 705 2000",
        "--consent-basis",
        "consent",
        "--consent-on",
        "2026-10-01",
    ]
    assert run(demo_db, *base, "--email", "nwanda@buffalocity.gov.za") == 0
    assert "Added Ṅwanḓa Raṋwedzi to the directory" in capsys.readouterr().out
    # The same address in other letters is refused, with the option named.
    assert run(demo_db, *base, "--email", "NWANDA@BuffaloCity.gov.za") == 1
    err = capsys.readouterr().err
    assert err.startswith("usrg: --email: The email address 'NWANDA@BuffaloCity.gov.za' already")
    assert run(demo_db, *base, "--email", "not-an-address") == 1
    assert "--email: The email address 'not-an-address' is not an address" in (
        capsys.readouterr().err
    )
    assert run(demo_db, *base[:6], "--city", "Gqeberha", *base[8:], "--email", "x@y.za") == 1
    assert "usrg: There is no member city called 'Gqeberha'." in capsys.readouterr().err

    assert run(demo_db, "people", "edit", "nwanda@buffalocity.gov.za", "--title", "Director") == 0
    assert capsys.readouterr().out == "Saved Ṅwanḓa Raṋwedzi.\n"
    assert run(demo_db, "people", "list", "--format", "json") == 0
    row = next(p for p in _json(capsys) if p["email"] == "nwanda@buffalocity.gov.za")
    assert (row["name"], row["title"], row["organisation"], row["role"]) == (
        "Ṅwanḓa Raṋwedzi",
        "Director",
        "Buffalo City",
        "focal person",
    )
    assert run(demo_db, "people", "off", "nwanda@buffalocity.gov.za") == 0
    capsys.readouterr()
    assert run(demo_db, "people", "list", "--format", "csv") == 0
    assert "nwanda@buffalocity.gov.za,+27 43 705 2000,consent,no" in capsys.readouterr().out


def test_people_export_and_anonymise(demo_db, capsys, tmp_path, as_admin, monkeypatch):
    with demo_db.unit_of_work() as session:
        person = session.scalars(
            select(Person).where(Person.role == "focal person").order_by(Person.id)
        ).first()
        email, name, pid = person.email, person.full_name, person.id
    out = tmp_path / "person.json"
    assert run(demo_db, "people", "export", email.upper(), "--out", str(out)) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["full_name"] == name and data["person"]["email"] == email
    assert data["invitations"], "a demo focal person is invited to meetings"

    monkeypatch.setenv("USRG_USER", "secretariat")
    assert run(demo_db, "people", "anonymise", email, "--reason", "Request") == 1
    assert "usrg: Only an administrator may anonymise a person." in capsys.readouterr().err
    monkeypatch.setenv("USRG_USER", "admin")
    assert run(demo_db, "people", "anonymise", email, "--reason", "POPIA request 2026-11") == 0
    assert f"'Anonymised person {pid}'" in capsys.readouterr().out
    # The address is gone, so the person can no longer be found by it.
    assert run(demo_db, "people", "anonymise", email, "--reason", "again") == 1
    assert f"Nobody in the directory has the email address '{email}'." in capsys.readouterr().err
    assert run(demo_db, "people", "export", "x@nowhere.org", "--out", str(out)) == 1
    capsys.readouterr()
    assert run(demo_db, "people", "list", "--format", "json") == 0
    names = [p["name"] for p in _json(capsys)]
    assert f"Anonymised person {pid}" in names and name not in names
