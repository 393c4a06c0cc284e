"""Opening, pragmas, units of work, friendly errors, backups and restore of a database."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from usrg_desktop import settings, storage
from usrg_desktop.domain.directory import City


def _add_city(session, code: str) -> None:
    session.add(
        City(
            short_name=f"Town {code}",
            official_name=f"Town {code} Local Municipality",
            municipal_code=code,
            province="Limpopo",
            category="intermediate city",
            seat="Town",
            active=True,
        )
    )


def test_sqlite_connections_use_the_house_pragmas(db):
    with db.engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,
        "busy_timeout": storage.BUSY_TIMEOUT_MS,
    }


def test_unit_of_work_commits_and_rolls_back(any_db):
    with any_db.unit_of_work() as session:
        _add_city(session, "T1")
    with pytest.raises(RuntimeError), any_db.unit_of_work() as session:
        _add_city(session, "T2")
        session.flush()
        raise RuntimeError("the user cancelled")
    codes = {r[0] for r in any_db.rows("SELECT municipal_code FROM cities")}
    assert "T1" in codes and "T2" not in codes


def test_foreign_keys_are_enforced(any_db):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), any_db.unit_of_work() as session:
        session.execute(
            text(
                "INSERT INTO people (full_name, title, city_id, role, phone, consent_basis, active)"
                " "
                "VALUES ('Nobody', '', 999, 'official', '', 'consent', TRUE)"
            )
        )


def test_write_transactions_take_the_lock_up_front(db):
    """A second writer waits at BEGIN (BEGIN IMMEDIATE), not half-way through its work."""
    first = sqlite3.connect(db.path, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            with db.unit_of_work() as session:
                _add_city(session, "LCK")
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - the test reports whatever happened
            outcome.append(exc)

    worker = threading.Thread(target=write)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive(), "the second writer should be waiting for the lock"
    first.execute("ROLLBACK")
    first.close()
    worker.join(10)
    assert outcome == [None]


def test_a_locked_database_gives_a_sentence(db, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 100)
    db.dispose()
    holder = sqlite3.connect(db.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        fresh = storage.Database(db.path)
        with pytest.raises(storage.StorageError, match="is busy"), fresh.unit_of_work() as s:
            _add_city(s, "BSY")
        fresh.dispose()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_damaged_file_gives_a_sentence(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(storage.StorageError, match="damaged or is not a database"):
        storage.open_database(path)


def test_a_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(storage.StorageError, match="not a USRG Desktop database"):
        storage.open_database(path)


def test_a_newer_schema_is_refused(db):
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(storage.StorageError, match="newer USRG Desktop"):
        storage.open_database(db.path)


def test_unreachable_server_gives_a_sentence():
    db = storage.Database("postgresql+psycopg://nobody@127.0.0.1:1/usrg")
    with pytest.raises(storage.StorageError, match="Cannot reach the database server"):
        db.current_revision()


def test_password_is_hidden_in_display_name():
    db = storage.Database("postgresql+psycopg://usrg:s3cret@db.example:5432/usrg")
    assert "s3cret" not in db.display_name
    assert "usrg:***@db.example" in db.display_name


def test_new_file_in_missing_folder_is_created(tmp_path):
    path = tmp_path / "a" / "b" / "usrg.sqlite3"
    db = storage.open_database(path)
    assert db.current_revision() == storage.head_revision()
    db.dispose()


def test_default_database_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert settings.database_target() == str(tmp_path / "USRG Desktop" / "usrg.sqlite3")
    monkeypatch.setenv("USRG_DATABASE", "/elsewhere/x.sqlite3")
    assert settings.database_target() == "/elsewhere/x.sqlite3"
    assert settings.database_target("/given.sqlite3") == "/given.sqlite3"


def test_upgrade_backs_up_an_older_database_first(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = storage.Database(path)
    storage.upgrade(db, "0001")  # the first released schema
    with db.unit_of_work() as session:
        # In that schema's own columns: today's model has more than the first schema had.
        session.execute(
            text(
                "INSERT INTO cities (short_name, official_name, municipal_code, province, "
                "category, seat, active) VALUES ('Town OLD', 'Town OLD Local Municipality', "
                "'OLD', 'Limpopo', 'intermediate city', 'Town', 1)"
            )
        )
    db.dispose()
    backups = tmp_path / "backups"
    upgraded = storage.open_database(path, backups=backups, now=datetime(2026, 11, 25, 8, 0))
    assert upgraded.current_revision() == storage.head_revision()
    assert upgraded.rows("SELECT COUNT(*) FROM cities WHERE municipal_code = 'OLD'") == [(1,)]
    upgraded.dispose()
    (made,) = backups.glob("old-20261125-080000-before-migration-0001.sqlite3")
    with closing(sqlite3.connect(made)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT COUNT(*) FROM cities WHERE municipal_code = 'OLD'").fetchone()


def test_backup_and_restore_round_trip(db, tmp_path):
    folder = tmp_path / "backups"
    saved = storage.backup(db, folder, now=datetime(2026, 11, 25, 9, 30))
    assert saved.name == "usrg-20261125-093000-manual.sqlite3"
    with db.unit_of_work() as session:
        _add_city(session, "NEW")
    kept = storage.restore(db, saved, folder=folder, now=datetime(2026, 11, 25, 9, 45))
    assert [
        r[0] for r in db.rows("SELECT municipal_code FROM cities WHERE municipal_code='NEW'")
    ] == []
    assert kept.exists()
    assert (
        sqlite3.connect(kept)
        .execute("SELECT COUNT(*) FROM cities WHERE municipal_code='NEW'")
        .fetchone()[0]
        == 1
    )


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"garbage" * 100)
    with pytest.raises(storage.StorageError, match="not a USRG Desktop backup"):
        storage.restore(db, bogus, folder=tmp_path)
    assert db.rows("SELECT COUNT(*) FROM cities")[0][0] == 9


def test_backups_of_postgresql_are_refused_with_a_sentence():
    db = storage.Database("postgresql+psycopg://postgres@127.0.0.1/usrg")
    with pytest.raises(storage.StorageError, match="pg_dump"):
        storage.backup(db, Path("/tmp"))


# -- reading never waits behind a writer ---------------------------------------------------------
def test_a_read_runs_beside_another_workstations_write(db):
    """A writer holds the write lock with an uncommitted row: a reading session neither waits
    nor sees it (a unit of work would wait for the lock, then report the database busy)."""
    writer = sqlite3.connect(db.path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO cities (short_name, official_name, municipal_code, province, category,"
            " seat, active) VALUES ('Town W', 'Town W LM', 'WRT', 'Limpopo', 'intermediate city',"
            " 'Town', 1)"
        )
        with db.reading() as session:
            codes = set(session.scalars(text("SELECT municipal_code FROM cities")))
        assert codes and "WRT" not in codes
        writer.execute("COMMIT")
    finally:
        writer.close()
    with db.reading() as session:
        assert "WRT" in set(session.scalars(text("SELECT municipal_code FROM cities")))


def test_a_reading_session_refuses_to_write_and_keeps_nothing(any_db):
    with pytest.raises(storage.StorageError, match="while only reading"), any_db.reading() as s:
        _add_city(s, "RD1")
        s.flush()
    with any_db.reading() as s:
        # A savepoint that is rolled back may try a change (as available_actions does).
        with s.begin_nested() as trial:
            _add_city(s, "RD2")
            s.flush()
            trial.rollback()
        assert "RD2" not in set(s.scalars(text("SELECT municipal_code FROM cities")))
    codes = {r[0] for r in any_db.rows("SELECT municipal_code FROM cities")}
    assert not codes & {"RD1", "RD2"}


# -- a restore can only make things better -------------------------------------------------------
def _saved(db, tmp_path) -> Path:
    return storage.backup(db, tmp_path / "saved", now=datetime(2026, 11, 25, 9, 30))


def _refused(db, backup_file, tmp_path) -> str:
    before = db.path.read_bytes()
    with pytest.raises(storage.StorageError) as refused:
        storage.restore(db, backup_file, folder=tmp_path / "kept")
    assert db.path.read_bytes() == before, "the live database is untouched"
    assert not (tmp_path / "kept").exists() or not any((tmp_path / "kept").iterdir())
    return str(refused.value)


def test_restore_refuses_a_backup_that_fails_the_integrity_check(db, tmp_path):
    saved = _saved(db, tmp_path)
    # Damage the headers of a few b-tree pages in the middle (a disk or a transfer gone wrong).
    data = bytearray(saved.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    middle = len(data) // page // 2
    for n in range(middle, middle + 4):
        data[n * page : n * page + 8] = b"\xff" * 8
    saved.write_bytes(bytes(data))
    sentence = _refused(db, saved, tmp_path)
    assert sentence.startswith(f"{saved.name} ") and "restored" in sentence, sentence
    assert "integrity check" in sentence or "not a database" in sentence, sentence


def test_restore_refuses_another_programs_database_with_an_alembic_table(db, tmp_path):
    foreign = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        conn.commit()
    assert _refused(db, foreign, tmp_path) == (
        "other.sqlite3 is not a USRG Desktop database (another program's file?). Nothing was "
        "restored."
    )


def test_restore_refuses_a_backup_of_a_newer_schema(db, tmp_path):
    saved = _saved(db, tmp_path)
    with closing(sqlite3.connect(saved)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    assert _refused(db, saved, tmp_path) == (
        f"{saved.name} was written by a newer USRG Desktop (schema 9999; this program knows up "
        f"to {storage.head_revision()}): install the newer program to restore it. Nothing was "
        "restored."
    )


# -- paths: reading never creates, any file name opens the file it names ------------------------
def test_a_mistyped_path_is_refused_and_creates_nothing(tmp_path):
    typo = tmp_path / "no-such-folder" / "usrg.sqlite3"
    with pytest.raises(storage.StorageError) as refused:
        storage.open_database(typo, create=False)
    assert str(refused.value).startswith(f"There is no database at {typo}: check the path.")
    assert not typo.parent.exists()


def test_an_empty_file_is_not_taken_for_a_new_database(tmp_path):
    empty = tmp_path / "usrg.sqlite3"
    empty.write_bytes(b"")
    for create in (True, False):
        with pytest.raises(storage.StorageError, match=r"is empty \(0 bytes\), so it is not a"):
            storage.open_database(empty, create=create)
    assert empty.read_bytes() == b""


@pytest.mark.parametrize("folder", ["a?b", "c#d", "e%20f", "Ṱhohoyanḓou data", "g h"])
def test_any_folder_name_opens_the_file_it_names(tmp_path, folder):
    path = tmp_path / folder / "usrg.sqlite3"
    db = storage.open_database(path)
    try:
        assert db.rows("SELECT COUNT(*) FROM cities")[0][0] == 9  # the read-only fast path
        with db.unit_of_work() as session:
            _add_city(session, "PTH")
        assert db.rows("SELECT COUNT(*) FROM cities")[0][0] == 10
    finally:
        db.dispose()
    # Exactly the named file was written; no stray file beside the folder or in it.
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    assert {p.name for p in path.parent.iterdir()} <= {
        "usrg.sqlite3",
        "usrg.sqlite3-wal",
        "usrg.sqlite3-shm",
    }
