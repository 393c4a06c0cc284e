"""Backups: made daily per database (not per file name), thinned day / week / month, listed
with their check, restored only by an administrator and upgraded when of an older schema."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.storage.test_storage import _add_city
from usrg_desktop import storage
from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor, PermissionDenied
from usrg_desktop.workflows.system import backups as wb

RELEASE_0_1_0 = Path(__file__).parents[1] / "fixtures" / "releases" / "usrg-0.1.0.sqlite3"
ADMIN = Actor(None, "Pieter van Wyk", "administrator")
STAFF = Actor(None, "Nomsa Dlamini", "secretariat")


def _copy_of(db: Database, folder: Path) -> Database:
    """Another database with the same file name (and so far the same contents)."""
    folder.mkdir(parents=True)
    shutil.copyfile(db.path, folder / db.path.name)
    other = Database(str(folder / db.path.name))
    with other.unit_of_work() as session:  # a copy made by hand is the same database: give
        session.execute(storage_text("DELETE FROM settings WHERE key = :k"), {"k": wb.IDENTITY_KEY})
    return other


def storage_text(sql: str):
    from sqlalchemy import text

    return text(sql)


def test_the_daily_backup_is_per_database_not_per_file_name(db, tmp_path):
    folder = tmp_path / "backups"
    other = _copy_of(db, tmp_path / "elsewhere")  # another database called usrg.sqlite3
    morning, evening = datetime(2026, 11, 25, 8, 0), datetime(2026, 11, 25, 17, 0)
    first = wb.daily_backup_if_due(db, folder, now=morning)
    assert first is not None and first.name.startswith(f"usrg-{wb.database_identity(db)}-")
    assert wb.daily_backup_if_due(db, folder, now=evening) is None  # one a day
    # The other database of the same file name still gets its own backup that day.
    theirs = wb.daily_backup_if_due(other, folder, now=evening)
    assert theirs is not None and wb.database_identity(other) != wb.database_identity(db)
    assert wb.daily_backup_if_due(db, folder, now=morning + timedelta(days=1)) is not None
    assert [b.path for b in wb.list_backups(other, folder)] == [theirs]
    other.dispose()


def test_the_identity_is_made_once_and_kept(db):
    first = wb.database_identity(db)
    assert len(first) == 8 and wb.database_identity(db) == first


# -- thinning ---------------------------------------------------------------------------------
@given(
    st.sets(st.integers(min_value=0, max_value=800), min_size=1, max_size=60),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
)
def test_thinning_keeps_one_per_recent_day_week_and_month(ages, today):
    days = [today - timedelta(days=a) for a in ages]
    kept = wb.to_keep(days, today)
    assert kept <= set(days)
    assert max(days) in kept  # never the newest
    for day in days:
        age = (today - day).days
        if age < wb.KEEP_DAYS:
            assert day in kept  # every one of the last week
    # The newest of each of the last 12 months is kept…
    for day in days:
        months = (today.year - day.year) * 12 + today.month - day.month
        same_month = [d for d in days if (d.year, d.month) == (day.year, day.month)]
        if months < wb.KEEP_MONTHS:
            assert max(same_month) in kept
    # …and nothing older than the months and weeks kept, except the newest of all.
    for day in kept - {max(days)}:
        months = (today.year - day.year) * 12 + today.month - day.month
        assert months < wb.KEEP_MONTHS or (today - day).days < wb.KEEP_WEEKS * 7


def test_thin_backups_removes_only_old_daily_ones(db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    identity = wb.database_identity(db)
    today = date(2026, 11, 25)
    names = []
    for age in range(0, 400, 3):
        day = today - timedelta(days=age)
        names.append(f"usrg-{identity}-{day:%Y%m%d}-020000-daily.sqlite3")
    names.append(f"usrg-{identity}-{today - timedelta(days=300):%Y%m%d}-101500-manual.sqlite3")
    names.append(f"usrg-{today - timedelta(days=390):%Y%m%d}-101500-before-restore.sqlite3")
    for name in names:
        (folder / name).write_bytes(b"")
    removed = wb.thin_backups(db, folder, today=today)
    left = {p.name for p in folder.iterdir()}
    assert removed and all(p.name.endswith("-daily.sqlite3") for p in removed)
    assert names[-1] in left and names[-2] in left  # made by hand or before a restore: kept
    daily_left = sorted(n for n in left if n.endswith("-daily.sqlite3"))
    assert len(daily_left) <= wb.KEEP_DAYS + wb.KEEP_WEEKS + wb.KEEP_MONTHS
    assert f"usrg-{identity}-{today:%Y%m%d}-020000-daily.sqlite3" in left


# -- listing with the check --------------------------------------------------------------------
def test_backups_are_listed_with_their_check_and_a_damaged_one_says_so(db, tmp_path):
    folder = tmp_path / "backups"
    good = wb.make_backup(db, folder, reason="manual", now=datetime(2026, 11, 25, 9, 0))
    bad = wb.make_backup(db, folder, reason="manual", now=datetime(2026, 11, 25, 10, 0))
    with bad.open("r+b") as f:  # damage a page in the middle of the file
        f.seek(8192)
        f.write(b"\xff" * 4096)
    listed = {b.path: b for b in wb.list_backups(db, folder)}
    assert listed[good].ok and listed[good].check.startswith("OK (schema ")
    assert not listed[bad].ok and bad.name in listed[bad].check
    # The check is kept beside the file and redone when the file changes.
    assert (folder / (good.name + ".check.json")).exists()
    shutil.copyfile(good, bad)
    assert {b.path: b for b in wb.list_backups(db, folder)}[bad].ok
    listing = wb.backup_listing(db, folder)
    assert [row[4] for row in listing.rows] == [bad.name, good.name]  # newest first
    assert listing.rows[0][1] == "manual"
    assert listing.rows[0][2] == round(bad.stat().st_size / 1024)  # KB, sortable as a number


def test_a_postgresql_database_lists_no_backups_here(tmp_path):
    db = Database("postgresql+psycopg://postgres@127.0.0.1/usrg_none")
    assert wb.backup_listing(db, tmp_path).rows == []
    with pytest.raises(storage.StorageError, match="pg_dump"):
        wb.make_backup(db, tmp_path)


# -- restoring -----------------------------------------------------------------------------------
def _codes(db: Database) -> list[str]:
    return [r[0] for r in db.rows("SELECT municipal_code FROM cities ORDER BY municipal_code")]


def test_only_an_administrator_restores_and_the_records_go_back(db, tmp_path):
    folder = tmp_path / "backups"
    saved = wb.make_backup(db, folder, now=datetime(2026, 11, 25, 9, 0))
    before = _codes(db)
    with db.unit_of_work() as session:
        _add_city(session, "NEW")
    with pytest.raises(PermissionDenied, match="Only an administrator may restore a backup"):
        wb.restore_backup(db, saved, folder=folder, actor=STAFF, now=datetime(2026, 11, 25, 10))
    assert "NEW" in _codes(db)
    kept = wb.restore_backup(db, saved, folder=folder, actor=ADMIN, now=datetime(2026, 11, 25, 10))
    assert _codes(db) == before
    with closing(sqlite3.connect(kept)) as conn:  # what was replaced is kept
        assert conn.execute("SELECT COUNT(*) FROM cities WHERE municipal_code = 'NEW'").fetchone()


def test_a_backup_of_an_older_version_is_upgraded_when_restored(db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "usrg-20260101-090000-manual.sqlite3"
    shutil.copyfile(RELEASE_0_1_0, old)
    [listed] = wb.list_backups(db, folder)
    assert listed.ok and listed.check == "OK (schema 0002)"
    wb.restore_backup(db, old, folder=folder, actor=ADMIN, now=datetime(2026, 11, 25, 10))
    assert db.current_revision() == storage.head_revision()
