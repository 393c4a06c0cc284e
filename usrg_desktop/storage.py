"""Opening a database (SQLite file or PostgreSQL URL), units of work, migrations and backups.

SQLAlchemy and Alembic are imported only when they are needed: start-up on an up-to-date
SQLite database reads its first list through the standard library's sqlite3, which keeps the
time to a painted main window close to Qt's own (see bench/).
"""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import clock
from .resources import migrations_path

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
_REVISION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.py$")
_REVISION = re.compile(r"^\d{4}$")


class StorageError(Exception):
    """A database problem, worded for the person at the keyboard."""


class Contention(StorageError):
    """PostgreSQL gave up a transaction because another workstation held what it needed in the
    opposite order (a deadlock) or changed it first (a serialization failure); nothing of it
    was written, and running it again normally succeeds (see Database.retrying)."""


# SQLSTATEs of a transaction PostgreSQL rolled back to let another one through.
_CONTENTION_CODES = frozenset({"40001", "40P01"})
RETRIES = 3

# Units of work this process has committed: a command that met contention may be run again
# from the start only when it had committed nothing yet (cli.retry).
_commits = 0


def commits_made() -> int:
    """How many units of work this process has committed so far."""
    return _commits


class UniqueClash(StorageError):
    """A row was refused because another one already holds the same unique value (most often
    saved a moment ago at another workstation); nothing of the unit of work was written."""


# What a unique value names, by (table, columns), for the sentence of a clash.
_UNIQUE_WORDS = {
    ("people", "email"): "a person with the same e-mail address",
    ("users", "username"): "an account with the same username",
    ("meetings", "number"): "a meeting with the same number",
    ("host_volunteers", "city_id, year, quarter"): "the same city volunteering for that quarter",
    ("applications", "reference"): "an application with the same reference",
    ("applications", "round_id, sequence"): "an application with the same number in its round",
    ("awards", "number"): "an award with the same number",
    ("awards", "application_id"): "an award for the same application",
    ("rounds", "name"): "a round with the same name",
    ("rounds", "year, number"): "a round with the same year and number",
    ("issued_letters", "reference"): "a letter with the same reference",
    ("action_items", "number"): "an action item with the same number",
    ("cities", "short_name"): "a city with the same name",
    ("bodies", "short_name"): "an organisation with the same name",
}
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")


def unique_clash(exc: BaseException) -> UniqueClash | None:
    """The sentence for a unique-constraint violation from either engine, or None."""
    orig = getattr(exc, "orig", None) or exc
    table = columns = None
    found = _SQLITE_UNIQUE.search(str(orig))
    if isinstance(orig, sqlite3.IntegrityError) and found:
        parts = [p.strip() for p in found.group(1).split(",")]
        table = parts[0].split(".", 1)[0]
        columns = ", ".join(p.split(".", 1)[-1] for p in parts)
    elif type(orig).__name__ == "UniqueViolation":
        diag = getattr(orig, "diag", None)
        table = getattr(diag, "table_name", None) or "the records"
        key = _PG_KEY.search(getattr(diag, "message_detail", None) or str(orig))
        columns = key.group(1) if key else "value"
    if table is None or columns is None:
        return None
    what = _UNIQUE_WORDS.get((table, columns)) or (
        f"a record in {table.replace('_', ' ')} with the same {columns.replace('_', ' ')}"
    )
    return UniqueClash(
        f"Nothing was saved: {what} is already on record (perhaps saved a moment ago at "
        "another workstation). Reload to see it, then try again."
    )


def to_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a file path or URL given on the command line or in settings."""
    text = str(target)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


_SUPPORTED = "a database file, or a postgresql+psycopg:// URL of a PostgreSQL server"


def _check_url(url: str) -> None:
    """Refuse, with a sentence, a URL that names no database this program can use."""
    if url.startswith("sqlite:///") and "?" not in url:
        return  # a file path made into a URL here (to_url): nothing to check, nothing to load
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018  (a port that is not a number fails here, not at connect)
    except (ArgumentError, ValueError):
        raise StorageError(f"'{shown}' is not a database URL; give {_SUPPORTED}.") from None
    backend, _plus, driver = parsed.drivername.partition("+")
    drivers = {"sqlite": ("", "pysqlite"), "postgresql": ("", "psycopg")}
    if driver not in drivers.get(backend, ()):
        raise StorageError(f"USRG Desktop cannot use the database '{shown}'; give {_SUPPORTED}.")


def _known_revisions() -> set[str]:
    """The schema revisions this program has migrations for, read from `db/versions/`."""
    return {
        m.group(1)
        for p in (migrations_path() / "versions").iterdir()
        if (m := _REVISION_FILE.match(p.name))
    }


def check_revision(db: Database, current: str | None) -> None:
    """Refuse, with a sentence, a schema revision this program cannot open or upgrade.

    None is an empty database (made new). A revision newer than the newest migration is a
    newer program's; anything else not among the migrations (empty, damaged, another program's
    numbering) is named as unknown.
    """
    if current is None:
        return
    known = _known_revisions()
    if current in known:
        return
    text = str(current)
    if _REVISION.match(text) and text > head_revision():
        raise StorageError(
            f"{db.display_name} was written by a newer USRG Desktop (schema {text}); "
            "install the newer version to open it."
        )
    shown = repr(text[:40]) if text.strip() else "an empty one"
    raise StorageError(
        f"{db.display_name} records a schema revision ({shown}) that USRG Desktop does not "
        "know: the file is damaged or was not written by this program. Nothing was changed."
    )


def head_revision() -> str:
    """The newest migration's revision, read from the file names in `db/versions/`."""
    revisions = _known_revisions()
    if not revisions:
        raise StorageError("The program's migrations are missing; reinstall USRG Desktop.")
    return max(revisions)


def _locked_reads_are_fresh(state: Any) -> None:
    """A SELECT … FOR UPDATE refreshes the objects it returns.

    Without this, a row read earlier in the same unit of work (before the lock) keeps the
    values it had then: the lock is taken but the guard decides on stale data, and another
    workstation's decision committed in between is silently overwritten. On PostgreSQL the
    locked re-read is what makes "check, then write" safe; on SQLite the unit of work already
    holds the write lock, so the refresh changes nothing.
    """
    if state.is_select and getattr(state.statement, "_for_update_arg", None) is not None:
        state.update_execution_options(populate_existing=True)


def _no_writes_while_reading(session: Any, _flush_context: Any) -> None:
    """Refuse a flush in a reading session unless it happens inside a savepoint (rolled back)."""
    if not session.in_nested_transaction():
        raise StorageError(
            "The program tried to change the database while only reading it; nothing was "
            "changed. Please report this."
        )


class Database:
    """One database the program works on, with lazily created engine and fast read path."""

    def __init__(self, target: str | Path) -> None:
        self.url = to_url(target)
        _check_url(self.url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.path: Path | None = None
        if self.is_sqlite:
            raw = self.url.split(":///", 1)[1] if ":///" in self.url else ""
            if not raw or raw == ":memory:":
                raise StorageError("USRG Desktop needs a database file, not an in-memory database.")
            self.path = Path(raw)
        self._engine: Engine | None = None

    # -- naming -----------------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        """The file path, or the server URL without its password."""
        if self.path is not None:
            return str(self.path)
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.url)

    # -- engine and units of work -------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, created on first use with the house pragmas."""
        if self._engine is None:
            self._engine = _create_engine(self)
        return self._engine

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session for one user action: committed when the block ends, rolled back on error."""
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        with _friendly_errors(self), Session(self.engine, expire_on_commit=False) as session:
            event.listen(session, "do_orm_execute", _locked_reads_are_fresh)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
        global _commits
        _commits += 1

    def retrying(self, work: Callable[[Session], T], *, attempts: int = RETRIES) -> T:
        """Run `work(session)` in a unit of work, again (from the start, with fresh data) when
        PostgreSQL rolled it back for contention; the last Contention reaches the caller."""
        for attempt in range(1, attempts + 1):
            try:
                with self.unit_of_work() as session:
                    return work(session)
            except Contention:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only: it never takes the write lock and never commits.

        On SQLite a unit of work begins with BEGIN IMMEDIATE (the write lock), so a screen that
        only reads would wait behind another workstation's write and could end in "busy";
        here the transaction is a plain deferred BEGIN, which WAL lets run beside a writer.
        Whatever the block changes is rolled back at the end, and a change flushed outside a
        savepoint (which would be silently lost) is refused as the programming error it is;
        `available_actions` may still try moves in savepoints that it rolls back.
        """
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        with (
            _friendly_errors(self),
            Session(
                self.engine.execution_options(usrg_reading=True),
                expire_on_commit=False,
                autoflush=True,
            ) as session,
        ):
            event.listen(session, "after_flush", _no_writes_while_reading)
            try:
                yield session
            finally:
                session.rollback()

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """Plain rows of a read-only query (named `:param` placeholders, portable SQL)."""
        params = params or {}
        with _friendly_errors(self):
            if self.is_sqlite:
                assert self.path is not None
                with closing(self._sqlite_reader()) as conn:
                    return conn.execute(sql, params).fetchall()
            from sqlalchemy import text

            with self.engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]

    def _sqlite_reader(self) -> sqlite3.Connection:
        assert self.path is not None
        # Escaped: a folder named "a?b", "c#d" or "e%20f" must open the file it names.
        uri = "file:" + urllib.parse.quote(str(self.path.resolve())) + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    def dispose(self) -> None:
        """Close every pooled connection (before a restore, or when the program ends)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- schema ------------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        """The schema revision the database is at, or None for an empty database."""
        if self.is_sqlite:
            assert self.path is not None
            if not self.path.exists() or self.path.stat().st_size == 0:
                return None
            tables = {r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type='table'")}
        else:
            from sqlalchemy import inspect

            with _friendly_errors(self):
                tables = set(inspect(self.engine).get_table_names())
        if "alembic_version" not in tables:
            if tables - {"sqlite_sequence"}:
                raise StorageError(
                    f"{self.display_name} holds tables but is not a USRG Desktop database."
                )
            return None
        found = self.rows("SELECT version_num FROM alembic_version")
        return found[0][0] if found else None


def _create_engine(db: Database) -> Engine:
    from sqlalchemy import create_engine, event

    if not db.is_sqlite:
        # Timestamps travel in UTC whatever the server's own time zone is.
        return create_engine(
            db.url, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"}
        )
    from sqlalchemy.engine import URL

    assert db.path is not None
    db.path.parent.mkdir(parents=True, exist_ok=True)
    # From the path itself, not the URL text: "?" or "#" in a folder name is part of the name.
    engine = create_engine(
        URL.create("sqlite", database=str(db.path)),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Autocommit at the driver, so that the "begin" hook below decides how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that later writes can fail with
        # SQLITE_BUSY mid-way, which the busy timeout cannot retry. A session made by
        # Database.reading() never writes, so it begins deferred and does not wait for writers.
        if connection.get_execution_options().get("usrg_reading"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def _friendly_errors(db: Database) -> Iterator[None]:
    """Turn driver errors about the database itself into a StorageError a user can act on."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise (unique_clash(exc) or _sqlite_problem(db, exc)) from exc
    except Exception as exc:
        clash = unique_clash(exc) if type(exc).__name__ == "IntegrityError" else None
        if clash is not None:
            raise clash from exc
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.DatabaseError) and not isinstance(orig, sqlite3.IntegrityError):
            raise _sqlite_problem(db, orig) from exc
        if getattr(orig, "sqlstate", None) in _CONTENTION_CODES:
            raise Contention(
                "Another workstation was changing the same records at the same moment, so "
                "nothing was saved. Try again."
            ) from exc
        if type(exc).__name__ == "OperationalError" and not db.is_sqlite:
            raise StorageError(
                f"Cannot reach the database server {db.display_name}: {_first_line(exc)}"
            ) from exc
        raise


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _sqlite_problem(db: Database, exc: sqlite3.DatabaseError) -> StorageError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            f"The database {db.display_name} is busy: another USRG Desktop is writing to it. "
            "Try again in a moment."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"The file {db.display_name} is damaged or is not a database. "
            "Restore it from a backup (usrg restore) or open another file."
        )
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return StorageError(
            f"Cannot open the database {db.display_name}: check that the folder exists and that "
            "you may write to it."
        )
    return StorageError(f"The database {db.display_name} reported a problem: {exc}.")


# -- migrations -------------------------------------------------------------------------------
def alembic_config(connection: Any) -> Any:
    """An Alembic Config for `db/` that runs on the given connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    config.attributes["connection"] = connection
    return config


def alembic_head() -> str:
    """The head revision as Alembic itself computes it (tests check it against head_revision)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    if head is None:
        raise StorageError("The program's migrations have no head revision.")
    return head


def upgrade(db: Database, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction."""
    from alembic import command

    with _friendly_errors(db), db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def open_database(
    target: str | Path,
    *,
    create: bool = True,
    backups: Path | None = None,
    now: datetime | None = None,
) -> Database:
    """Open a database, upgrading its schema (a local file is backed up first).

    A missing local file is made into a new database only with `create` (the program's own
    default file, `usrg db upgrade`, `usrg demo`); otherwise, as for a mistyped path, it is
    refused with a sentence and nothing is created. An empty (0-byte) file is never taken for
    a new database: it is a copy or a write that went wrong.
    """
    db = Database(target)
    if db.path is not None:
        if not db.path.exists() and not create:
            raise StorageError(
                f"There is no database at {db.path}: check the path. A new database is made "
                f"with `usrg db create --database {db.path}` (or `usrg demo`)."
            )
        if db.path.is_file() and db.path.stat().st_size == 0:
            raise StorageError(
                f"The file {db.path} is empty (0 bytes), so it is not a database: perhaps a copy "
                "that went wrong. Restore it from a backup (usrg restore) or remove it."
            )
    current = db.current_revision()
    if current is None and db.path is None and not create:
        raise StorageError(
            f"{db.display_name} holds no USRG Desktop database yet: check the address, or make "
            f"one there with `usrg db create --database {db.display_name}`."
        )
    head = head_revision()
    if current == head:
        return db
    check_revision(db, current)
    if current is not None and db.is_sqlite:
        from .settings import backups_dir

        backup(db, backups or backups_dir(), reason=f"before-migration-{current}", now=now)
    upgrade(db)
    return db


# -- backups ----------------------------------------------------------------------------------
def backup(
    db: Database, folder: Path, *, reason: str = "manual", now: datetime | None = None
) -> Path:
    """Copy a SQLite database, consistently even while it is in use, into `folder`."""
    if db.path is None:
        raise StorageError(
            "Backups of a shared PostgreSQL database are made on the server (pg_dump), "
            "not from USRG Desktop."
        )
    stamp = (now or clock.local_now()).strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{db.path.stem}-{stamp}-{reason}.sqlite3"
    with (
        _friendly_errors(db),
        closing(sqlite3.connect(db.path)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


# Tables every USRG Desktop database has had since its first schema.
_OWN_TABLES = frozenset({"applications", "rounds", "audit_events", "meetings", "cities", "users"})


def check_backup(backup_file: Path) -> str:
    """Refuse, with a sentence, a file a restore would do harm with; else its schema revision.

    It must pass SQLite's integrity check, be a USRG Desktop database (this program's tables
    and one of its own schema revisions, not merely an alembic_version table), and not be of
    a schema newer than this program knows (an older one is upgraded when next opened).
    """
    name = backup_file.name
    uri = "file:" + urllib.parse.quote(str(backup_file.resolve())) + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as probe:
            problems = [row[0] for row in probe.execute("PRAGMA integrity_check").fetchall()]
            tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
            revision = None
            if "alembic_version" in tables:
                found = probe.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = found[0] if found else None
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{name} is not a USRG Desktop backup: it is not a database ({exc}). Nothing was "
            "restored."
        ) from exc
    if problems != ["ok"]:
        raise StorageError(
            f"{name} fails SQLite's integrity check ({problems[0]}), so it was not restored: "
            "choose an older backup."
        )
    known = _known_revisions()
    if not tables >= _OWN_TABLES or revision is None or not _REVISION.match(str(revision)):
        raise StorageError(
            f"{name} is not a USRG Desktop database (another program's file?). Nothing was "
            "restored."
        )
    if revision not in known:
        if revision > max(known):
            raise StorageError(
                f"{name} was written by a newer USRG Desktop (schema {revision}; this program "
                f"knows up to {max(known)}): install the newer program to restore it. Nothing "
                "was restored."
            )
        raise StorageError(
            f"{name} has a schema ({revision}) this program does not know. Nothing was restored."
        )
    return str(revision)


def restore(db: Database, backup_file: Path, *, folder: Path, now: datetime | None = None) -> Path:
    """Replace a local database by a backup, keeping a copy of what it replaces."""
    if db.path is None:
        raise StorageError("Restore a shared PostgreSQL database on the server (pg_restore).")
    if not backup_file.is_file():
        raise StorageError(f"The backup file {backup_file} does not exist.")
    check_backup(backup_file)
    kept = backup(db, folder, reason="before-restore", now=now) if db.path.exists() else None
    db.dispose()
    with closing(sqlite3.connect(backup_file)) as src, closing(sqlite3.connect(db.path)) as dst:
        src.backup(dst)
    return kept or backup_file
