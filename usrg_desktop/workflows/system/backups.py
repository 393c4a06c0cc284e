"""Backups of a local (SQLite) database: made daily and on demand, thinned, listed with their
check, restored by an administrator.

Each database carries an identity of its own (a random id in its settings table, made the
first time it is needed), and its backups are named after it:
`usrg-1a2b3c4d-20261125-083000-daily.sqlite3` (file name, identity, South African time,
reason). So the day's automatic backup is made for *this* database even when another one with
the same file name was backed up today, and the Backups list shows this database's backups
only. Copies made by earlier versions (without the identity) are listed under their file name.

Only automatic daily backups are thinned: the newest of each of the last 7 days, of each of
the last 8 weeks and of each of the last 12 months are kept. Backups made by hand, before a
restore or before a schema upgrade stay until someone removes them.

A backup's check (storage.check_backup: SQLite's integrity check, a USRG Desktop database, a
schema this program knows) is kept beside it in `NAME.check.json`, and redone when the file
changes, so the list does not re-read every backup each time it is shown.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from ... import clock, storage
from ...domain.accounts import Role, Setting
from ...storage import Database, StorageError
from .. import Actor, Column, Listing, PermissionDenied, WorkflowError

IDENTITY_KEY = "database.identity"
KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 8, 12

_NAME = re.compile(
    r"^(?P<stem>.+?)-(?:(?P<identity>[0-9a-f]{8})-)?(?P<stamp>\d{8}-\d{6})-(?P<reason>[A-Za-z0-9.-]+)"
    r"\.sqlite3$"
)

BACKUP_COLUMNS = [
    Column("made", "Made (SAST)", "datetime"),
    Column("reason", "Why"),
    Column("size_kb", "Size (KB)", "int"),
    Column("check", "Check"),
    Column("file", "File"),
]


@dataclass(frozen=True)
class Backup:
    """One backup file of the database: when and why it was made, its size and its check."""

    path: Path
    made: datetime
    reason: str
    size_bytes: int
    check: str  # "OK (schema 0004)" or the sentence that says what is wrong
    ok: bool


# -- identity -------------------------------------------------------------------------------------
def database_identity(db: Database) -> str:
    """The database's own id (8 hex digits), made and kept the first time it is asked for."""
    found = _identity_if_made(db)
    if found:
        return found
    try:
        with db.unit_of_work() as session:
            if session.get(Setting, IDENTITY_KEY) is None:
                session.add(Setting(key=IDENTITY_KEY, value=uuid.uuid4().hex))
    except storage.UniqueClash:
        pass  # another program on the same file made it a moment ago: use theirs
    with db.reading() as session:
        return str(session.scalar(select(Setting.value).where(Setting.key == IDENTITY_KEY)))[:8]


def _identity_if_made(db: Database) -> str | None:
    """The database's id when it has one already (reading never writes one)."""
    with db.reading() as session:
        found = session.scalar(select(Setting.value).where(Setting.key == IDENTITY_KEY))
    return str(found)[:8] if found else None


def _local(db: Database) -> Path:
    if db.path is None:
        raise StorageError(
            "Backups of a shared PostgreSQL database are made on the server (pg_dump), "
            "not from USRG Desktop."
        )
    return db.path


# -- making and thinning ----------------------------------------------------------------------
def make_backup(
    db: Database, folder: Path, *, reason: str = "manual", now: datetime | None = None
) -> Path:
    """Copy the database, consistently even while it is in use, into `folder`; its path."""
    path = _local(db)
    moment = now or clock.local_now()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}-{database_identity(db)}-{moment:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    with closing(sqlite3.connect(path)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
    partial.replace(target)  # a backup interrupted half-way never looks like a whole one
    return target


def _parsed(path: Path) -> tuple[str, str | None, datetime, str] | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        made = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return match["stem"], match["identity"], made, match["reason"]


def _mine(db: Database, folder: Path) -> list[tuple[Path, datetime, str]]:
    """This database's backups in `folder` as (path, made, reason), newest first."""
    path = _local(db)
    identity = _identity_if_made(db)  # none yet: only backups named after the file are its own
    found = []
    for candidate in folder.glob("*.sqlite3"):
        parsed = _parsed(candidate)
        if parsed is None:
            continue
        stem, their_identity, made, reason = parsed
        if their_identity == identity or (their_identity is None and stem == path.stem):
            found.append((candidate, made, reason))
    return sorted(found, key=lambda item: item[1], reverse=True)


def daily_backup_if_due(db: Database, folder: Path, *, now: datetime) -> Path | None:
    """Make the day's automatic backup of this database unless it has one from today (another
    database's backup of the same file name does not count); then thin the daily ones."""
    if db.path is None or not db.path.exists():
        return None
    if any(made.date() == now.date() for _p, made, _r in _mine(db, folder)):
        return None
    made = make_backup(db, folder, reason="daily", now=now)
    thin_backups(db, folder, today=now.date())
    return made


def to_keep(days: list[date], today: date) -> set[date]:
    """Of the days that have a daily backup, those whose backup is kept: the newest of each of
    the last KEEP_DAYS days, of each of the last KEEP_WEEKS weeks, of each of the last
    KEEP_MONTHS months (and always the newest of all)."""
    keep: set[date] = set()
    newest = sorted(set(days), reverse=True)
    if newest:
        keep.add(newest[0])
    buckets: dict[tuple[str, object], date] = {}
    for day in newest:
        age = (today - day).days
        if 0 <= age < KEEP_DAYS:
            buckets.setdefault(("day", day), day)
        iso = day.isocalendar()
        if 0 <= age < KEEP_WEEKS * 7:
            buckets.setdefault(("week", (iso.year, iso.week)), day)
        months = (today.year - day.year) * 12 + today.month - day.month
        if 0 <= months < KEEP_MONTHS:
            buckets.setdefault(("month", (day.year, day.month)), day)
    return keep | set(buckets.values())


def thin_backups(db: Database, folder: Path, *, today: date) -> list[Path]:
    """Remove the daily backups no longer kept (see to_keep); the paths removed."""
    daily = [(p, made) for p, made, reason in _mine(db, folder) if reason == "daily"]
    newest_of_day: dict[date, Path] = {}
    removed = []
    for p, made in daily:  # newest first: the first of each day is that day's backup
        if made.date() in newest_of_day:
            removed.append(p)
        else:
            newest_of_day[made.date()] = p
    kept_days = to_keep(list(newest_of_day), today)
    removed += [p for day, p in newest_of_day.items() if day not in kept_days]
    for p in removed:
        p.unlink(missing_ok=True)
        _check_file(p).unlink(missing_ok=True)
    return removed


# -- listing with checks ----------------------------------------------------------------------
def _check_file(path: Path) -> Path:
    return path.with_name(path.name + ".check.json")


def check_of(path: Path) -> tuple[bool, str]:
    """(ok, sentence) for a backup file, from its kept check when the file has not changed."""
    stat = path.stat()
    stamp = [stat.st_size, stat.st_mtime_ns]
    kept = _check_file(path)
    try:
        cached = json.loads(kept.read_text(encoding="utf-8"))
        if cached.get("stamp") == stamp:
            return bool(cached["ok"]), str(cached["check"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        revision = storage.check_backup(path)
        ok, check = True, f"OK (schema {revision})"
    except StorageError as exc:
        ok, check = False, str(exc)
    with contextlib.suppress(OSError):  # a read-only folder: check again next time
        kept.write_text(json.dumps({"stamp": stamp, "ok": ok, "check": check}), encoding="utf-8")
    return ok, check


def list_backups(db: Database, folder: Path) -> list[Backup]:
    """This database's backups, newest first, each with its size and check."""
    result = []
    for path, made, reason in _mine(db, folder):
        try:
            ok, check = check_of(path)
            size = path.stat().st_size
        except OSError:
            continue  # removed while we looked
        result.append(Backup(path, made, reason, size, check, ok))
    return result


def _reason_words(reason: str) -> str:
    if reason.startswith("before-migration-"):
        return f"before the upgrade from schema {reason.removeprefix('before-migration-')}"
    return reason.replace("-", " ")


def backup_listing(db: Database, folder: Path) -> Listing:
    """The Backups list of Administration (a shared PostgreSQL database has none here)."""
    if db.path is None:
        return Listing("Backups", BACKUP_COLUMNS, [], ids=[])
    backups = list_backups(db, folder)
    return Listing(
        "Backups",
        BACKUP_COLUMNS,
        [
            (
                b.made.strftime("%Y-%m-%d %H:%M"),
                _reason_words(b.reason),
                max(1, round(b.size_bytes / 1024)),
                b.check,
                b.path.name,
            )
            for b in backups
        ],
        ids=list(range(1, len(backups) + 1)),
    )


# -- restoring ----------------------------------------------------------------------------------
def require_administrator(actor: Actor | None, doing: str) -> None:
    """Refuse unless an administrator is signed in."""
    if actor is None or actor.role != Role.ADMINISTRATOR.value:
        raise PermissionDenied(f"Only an administrator may {doing}.")


def restore_backup(
    db: Database, backup_file: Path, *, folder: Path, actor: Actor | None, now: datetime
) -> Path:
    """Replace the database by a backup (an administrator only): the backup is checked first,
    the database as it is now is kept as a backup, and an older schema is upgraded. Returns
    where the replaced database was kept."""
    require_administrator(actor, "restore a backup")
    if not backup_file.is_file():
        raise WorkflowError(f"The backup {backup_file.name} is no longer there.")
    # Checks the backup first, and keeps the database as it is now as a backup of its own.
    kept = storage.restore(db, backup_file, folder=folder, now=now)
    # The restored file may be of an older schema: upgrade it now, before any screen reads it.
    storage.open_database(str(db.path)).dispose()
    db.dispose()
    return kept
