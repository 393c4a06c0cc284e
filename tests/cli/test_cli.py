"""The `usrg` command: same workflows as the GUI, sentences on stderr and non-zero on refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime

from usrg_desktop import cli, storage
from usrg_desktop.workflows.meetings.rotation import Quarter, public_holiday


def test_rotation_propose_json(db, capsys):
    assert (
        cli.main(
            [
                "rotation",
                "propose",
                "--database",
                str(db.path),
                "--from",
                "2027Q1",
                "--quarters",
                "8",
                "--format",
                "json",
            ]
        )
        == 0
    )
    proposals = json.loads(capsys.readouterr().out)
    assert [p["quarter"] for p in proposals] == [
        "2027Q1",
        "2027Q2",
        "2027Q3",
        "2027Q4",
        "2028Q1",
        "2028Q2",
        "2028Q3",
        "2028Q4",
    ]
    assert set(proposals[0]) == {"quarter", "host", "start", "end", "reason"}
    assert proposals[0]["host"] == "City of Johannesburg Metropolitan Municipality"
    hosts = [p["host"] for p in proposals]
    assert len(set(hosts)) == 8
    for p in proposals:
        start, end = date.fromisoformat(p["start"]), date.fromisoformat(p["end"])
        assert (end - start).days == 1 and start.weekday() < 4
        assert public_holiday(start) is None and public_holiday(end) is None
        assert Quarter.of(start) == Quarter.parse(p["quarter"])


def test_rotation_propose_text_reads_like_sentences(db, capsys):
    assert (
        cli.main(
            [
                "--database",
                str(db.path),
                "rotation",
                "propose",
                "--from",
                "2027Q3",
                "--quarters",
                "1",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("2027 Q3  City of Johannesburg  Tue 10 Aug 2027 – Wed 11 Aug 2027")
    assert "has not hosted yet" in out


def test_bad_quarter_exits_non_zero_with_a_sentence(db, capsys):
    code = cli.main(["rotation", "propose", "--database", str(db.path), "--from", "27-1"])
    assert code == 1
    assert capsys.readouterr().err.strip() == "usrg: '27-1' is not a quarter; write it like 2027Q1."


def test_damaged_database_is_a_sentence_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"\x00garbage" * 300)
    result = subprocess.run(
        [sys.executable, "-m", "usrg_desktop.cli", "--database", str(bad), "db", "upgrade"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is damaged or is not a database" in result.stderr


def test_backup_and_restore_commands(db, tmp_path, capsys):
    folder = tmp_path / "saved"
    assert cli.main(["backup", "--database", str(db.path), "--out", str(folder)]) == 0
    (made,) = folder.glob("*.sqlite3")
    with db.unit_of_work() as session:
        from sqlalchemy import text

        session.execute(text("UPDATE cities SET active = FALSE"))
    assert cli.main(["restore", "--database", str(db.path), str(made)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert storage.Database(db.path).rows("SELECT COUNT(*) FROM cities WHERE active")[0][0] == 9


def test_db_upgrade_never_makes_a_database_db_create_does(tmp_path, capsys):
    path = tmp_path / "new.sqlite3"
    assert cli.main(["db", "upgrade", "--database", str(path)]) == 1
    assert "usrg db create --database" in capsys.readouterr().err
    assert not path.exists()
    assert cli.main(["db", "create", "--database", str(path)]) == 0
    assert f"at schema {storage.head_revision()}" in capsys.readouterr().out


def test_a_reader_that_goes_away_ends_quietly(demo_db):
    """`usrg applications list | head -1`: no BrokenPipeError traceback, exit 0."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "usrg_desktop.cli",
            "applications",
            "list",
            "--format",
            "json",
            "--database",
            str(demo_db.path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdout.read(1) == b"["
    process.stdout.close()  # like `head` exiting after its line
    _out, err = process.communicate(timeout=60)
    assert b"Traceback" not in err
    assert process.returncode == 0


def test_restore_over_a_database_with_accounts_needs_an_administrator(
    demo_db, tmp_path, capsys, monkeypatch
):
    from usrg_desktop.workflows.demo import DEMO_PASSWORD

    folder = tmp_path / "saved"
    assert cli.main(["backup", "--database", str(demo_db.path), "--out", str(folder)]) == 0
    (made,) = folder.glob("*.sqlite3")
    # A change made after the backup: a restore would undo it.
    with demo_db.unit_of_work() as session:
        from sqlalchemy import text

        session.execute(text("UPDATE cities SET active = FALSE"))
    active = "SELECT COUNT(*) FROM cities WHERE active"
    monkeypatch.delenv("USRG_USER", raising=False)
    monkeypatch.setenv("USRG_PASSWORD", DEMO_PASSWORD)
    argv = ["restore", "--database", str(demo_db.path), str(made)]
    assert cli.main(argv) == 1
    assert capsys.readouterr().err == (
        "usrg: Say who is acting with --user NAME (or set USRG_USER).\n"
    )
    assert cli.main(["--user", "secretariat", *argv]) == 1
    assert capsys.readouterr().err == "usrg: Only an administrator may restore a backup.\n"
    assert storage.Database(demo_db.path).rows(active)[0][0] == 0, "nothing was restored"
    assert cli.main(["--user", "admin", *argv]) == 0
    assert "Restored" in capsys.readouterr().out
    assert storage.Database(demo_db.path).rows(active)[0][0] == 9


def test_demo_refuses_a_database_that_has_accounts(db, capsys):
    from usrg_desktop.workflows.system.accounts import create_user

    with db.unit_of_work() as session:
        create_user(
            session,
            username="nomsa",
            display_name="Nomsa Dlamini",
            password="a-real-password",
            role="administrator",
            now=datetime(2026, 11, 25, 8, 0),
        )
    assert cli.main(["demo", "--database", str(db.path)]) == 1
    assert capsys.readouterr().err == (
        f"usrg: The database {db.path} already has user accounts; the demo data set (with its "
        "published demo passwords) goes only into a new, empty database.\n"
    )
    assert db.rows("SELECT COUNT(*) FROM users")[0][0] == 1


def test_a_command_on_a_mistyped_database_path_says_so_and_creates_nothing(tmp_path, capsys):
    typo = tmp_path / "Sectretariat" / "usrg.sqlite3"
    assert cli.main(["applications", "list", "--database", str(typo)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"usrg: There is no database at {typo}: check the path.")
    assert not typo.parent.exists()
    from usrg_desktop import app

    assert app.main(["--self-test", "--database", str(typo)]) == 1
    assert "Self-test failed: There is no database at" in capsys.readouterr().err
    assert not typo.parent.exists()
