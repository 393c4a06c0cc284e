"""Test fixtures: offscreen Qt, and a fresh database per test copied from templates built once.

Storage and workflow tests that take `any_db` / `any_demo_db` run on SQLite and, when
USRG_TEST_POSTGRES_URL names a PostgreSQL server (as in CI), on PostgreSQL too.
"""

from __future__ import annotations

import os

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import time_machine  # noqa: E402

from usrg_desktop import storage  # noqa: E402

# Demo data and anything that depends on "today" is built for this fixed day.
TODAY = date(2026, 11, 25)
# The whole run's clock: 10:00 in Johannesburg on TODAY, ticking on from there (so timeouts and
# durations still work). Nothing in a test may compare a value made with the machine's real
# clock against a fixed day; tests about days move this clock with `time_machine.travel`.
CLOCK_START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
DEMO_SEED = 2014
POSTGRES_ENV = "USRG_TEST_POSTGRES_URL"


_CLOCK = pytest.StashKey[time_machine.travel]()


_USER_FOLDERS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")
_SCRATCH = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Start the run's clock before any fixture or test module reads the time, and move the
    user's data, config and log folders to a scratch folder before anything can touch them
    (each test then gets folders of its own, `_isolated_data_dir`)."""
    import tempfile

    scratch = tempfile.mkdtemp(prefix="usrg-tests-")
    config.stash[_SCRATCH] = scratch
    for name in _USER_FOLDERS:
        os.environ[name] = os.path.join(scratch, name.lower())
    # Passwords go to a keyring in memory: no test may read or write the real user's keyring
    # (and a child process the tests start gets keyring's null backend, which keeps nothing).
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    from tests.mail_support import use_memory_keyring

    use_memory_keyring()
    traveller = time_machine.travel(CLOCK_START, tick=True)
    traveller.start()
    config.stash[_CLOCK] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_CLOCK, None)
    if traveller is not None:
        traveller.stop()
    scratch = config.stash.get(_SCRATCH, None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def _pg_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _need_postgres() -> None:
    """Skip PostgreSQL tests without a server, unless CI demands them (then they fail)."""
    if _pg_url():
        return
    if os.environ.get("USRG_REQUIRE_POSTGRES"):
        pytest.fail(f"USRG_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not")
    pytest.skip(f"{POSTGRES_ENV} is not set")


def _pg_admin_engine():
    from sqlalchemy import create_engine

    return create_engine(_pg_url(), isolation_level="AUTOCOMMIT")


def _pg_url_for(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(_pg_url()).set(database=name).render_as_string(hide_password=False)


def _pg_create(name: str, template: str | None = None) -> str:
    from sqlalchemy import text

    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        extra = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{extra}'))
    engine.dispose()
    return _pg_url_for(name)


def _pg_drop(name: str) -> None:
    from sqlalchemy import text

    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Keep every test's backups, settings and log out of the real user folders."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))  # the log file
    monkeypatch.delenv("USRG_DATABASE", raising=False)


# -- SQLite templates ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated database with reference data only, built once per test session."""
    path = tmp_path_factory.mktemp("templates") / "empty.sqlite3"
    storage.open_database(path).dispose()
    return path


@pytest.fixture(scope="session")
def sqlite_demo_template(tmp_path_factory) -> Path:
    """The small demo database, built once per test session."""
    from usrg_desktop.workflows.demo import fill_demo

    path = tmp_path_factory.mktemp("templates") / "demo.sqlite3"
    db = storage.open_database(path)
    fill_demo(db, scale="small", seed=DEMO_SEED, today=TODAY)
    db.dispose()
    return path


def _copy(template: Path, target: Path) -> storage.Database:
    shutil.copyfile(template, target)
    return storage.Database(target)


@pytest.fixture
def db(sqlite_template, tmp_path) -> Iterator[storage.Database]:
    """A fresh SQLite database with reference data only."""
    database = _copy(sqlite_template, tmp_path / "usrg.sqlite3")
    yield database
    database.dispose()


@pytest.fixture
def demo_db(sqlite_demo_template, tmp_path) -> Iterator[storage.Database]:
    """A fresh copy of the small demo database (SQLite)."""
    database = _copy(sqlite_demo_template, tmp_path / "demo.sqlite3")
    yield database
    database.dispose()


# -- PostgreSQL templates -----------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """Name of a migrated PostgreSQL template database (reference data only)."""
    _need_postgres()
    name = f"usrg_tmpl_{uuid.uuid4().hex[:8]}"
    database = storage.open_database(_pg_create(name))
    database.dispose()
    yield name
    _pg_drop(name)


@pytest.fixture(scope="session")
def pg_demo_template() -> Iterator[str]:
    """Name of a PostgreSQL template database holding the small demo."""
    _need_postgres()
    from usrg_desktop.workflows.demo import fill_demo

    name = f"usrg_demo_{uuid.uuid4().hex[:8]}"
    database = storage.open_database(_pg_create(name))
    fill_demo(database, scale="small", seed=DEMO_SEED, today=TODAY)
    database.dispose()
    yield name
    _pg_drop(name)


def _pg_copy(request, template_fixture: str) -> Iterator[storage.Database]:
    template = request.getfixturevalue(template_fixture)
    name = f"usrg_t_{uuid.uuid4().hex[:10]}"
    database = storage.Database(_pg_create(name, template))
    yield database
    database.dispose()
    _pg_drop(name)


@pytest.fixture
def pg_db(request) -> Iterator[storage.Database]:
    """A fresh PostgreSQL database with reference data only."""
    yield from _pg_copy(request, "pg_template")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request) -> Iterator[storage.Database]:
    """A fresh database with reference data, on each back end."""
    if request.param == "sqlite":
        yield request.getfixturevalue("db")
    else:
        yield from _pg_copy(request, "pg_template")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_demo_db(request) -> Iterator[storage.Database]:
    """A fresh copy of the small demo database, on each back end."""
    if request.param == "sqlite":
        yield request.getfixturevalue("demo_db")
    else:
        yield from _pg_copy(request, "pg_demo_template")
