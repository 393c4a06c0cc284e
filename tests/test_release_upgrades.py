"""A database written by an earlier release opens in this one: backed up, migrated, unchanged.

Each file in tests/fixtures/releases/ was made by the tagged release it is named after (see the
README there). The test copies it, says what an upgrade would do without doing it (--dry-run),
opens it as the program does, checks that no row is lost and that registered letters re-print
identical, and runs the self-test on it. Migrations are also taken down and up again on it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from usrg_desktop import __version__, app, cli, storage

RELEASES = Path(__file__).resolve().parent / "fixtures" / "releases"
FIXTURES = sorted(RELEASES.glob("usrg-*.sqlite3"))


def _counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if r[0] not in {"sqlite_sequence", "alembic_version"}
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _downgrade(db: storage.Database, revision: str) -> None:
    from alembic import command

    with db.engine.begin() as connection:
        command.downgrade(storage.alembic_config(connection), revision)
    db.dispose()


def test_every_released_version_has_a_fixture():
    changelog = (RELEASES.parent.parent.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## (\d+\.\d+\.\d+) — \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert released, "CHANGELOG.md names no released version"
    for version in released:
        if version != __version__:
            assert (RELEASES / f"usrg-{version}.sqlite3").is_file(), version


@pytest.fixture(params=FIXTURES, ids=[p.stem for p in FIXTURES])
def released_copy(request, tmp_path) -> Path:
    """A copy of one release's database (the fixture itself is never opened for writing)."""
    copy = tmp_path / request.param.name
    shutil.copyfile(request.param, copy)
    return copy


def test_a_released_database_upgrades_without_loss(released_copy, tmp_path, capsys, monkeypatch):
    before, digest = _counts(released_copy), _digest(released_copy)
    revision = storage.Database(released_copy).current_revision()
    assert revision is not None and revision <= storage.head_revision()

    assert cli.main(["db", "upgrade", "--dry-run", "--database", str(released_copy)]) == 0
    said = capsys.readouterr().out
    assert _digest(released_copy) == digest, "--dry-run changed the file"
    if revision == storage.head_revision():
        assert "nothing to upgrade" in said
    else:
        assert "Nothing was changed (--dry-run)" in said

    backups = tmp_path / "backups"
    db = storage.open_database(released_copy, backups=backups)
    assert db.current_revision() == storage.head_revision()
    db.dispose()
    after = _counts(released_copy)
    assert {t: after[t] for t in before} == before
    if revision != storage.head_revision():
        (kept,) = backups.glob(f"*-before-migration-{revision}.sqlite3")
        assert _counts(kept) == before

    # Letters registered by the old release re-print byte for byte (same template, same fonts).
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    letters = storage.Database(released_copy).rows(
        "SELECT kind, MIN(reference), MIN(sha256) FROM issued_letters GROUP BY kind"
    )
    assert letters, "the fixture should hold issued letters"
    for kind, reference, _ in letters:
        out = tmp_path / f"{kind}.pdf"
        reprint = ["--user", "secretariat", "letters", "reprint", reference, "--out", str(out)]
        assert cli.main([*reprint, "--database", str(released_copy)]) == 0
        (sha,) = storage.Database(released_copy).rows(
            "SELECT sha256 FROM issued_letters WHERE reference = :r", {"r": reference}
        )[0]
        assert _digest(out) == sha, reference
    capsys.readouterr()

    assert app.self_test(str(released_copy)) == 0
    assert "Self-test passed" in capsys.readouterr().out


def test_migrations_go_down_and_up_again_on_a_released_database(released_copy, tmp_path, capsys):
    """Every migration after the first can be undone with the data in place, and redone."""
    before = _counts(released_copy)
    db = storage.open_database(released_copy, backups=tmp_path / "backups")
    db.dispose()
    _downgrade(db, "0001")
    assert storage.Database(released_copy).current_revision() == "0001"

    assert cli.main(["db", "upgrade", "--dry-run", "--database", str(released_copy)]) == 0
    said = capsys.readouterr().out
    assert "is at schema 0001; upgrading it would run:" in said
    assert "0002  Covering index on scores" in said
    assert "A backup of the file would be made first" in said

    assert cli.main(["db", "upgrade", "--database", str(released_copy)]) == 0
    assert f"from schema 0001: now at schema {storage.head_revision()}" in capsys.readouterr().out
    after = _counts(released_copy)
    assert {t: after[t] for t in before} == before


def test_a_database_from_a_newer_release_is_refused_without_a_change(tmp_path, capsys):
    db = storage.open_database(tmp_path / "newer.sqlite3")
    db.dispose()
    with closing(sqlite3.connect(db.path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    assert cli.main(["db", "upgrade", "--dry-run", "--database", str(db.path)]) == 1
    assert "written by a newer USRG Desktop (schema 9999)" in capsys.readouterr().err
