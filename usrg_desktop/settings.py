"""Where data lives (platformdirs) and which database the program opens. No Qt here."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "USRG Desktop"
APP_AUTHOR = "SACN"
DATABASE_ENV = "USRG_DATABASE"


def data_dir() -> Path:
    """The platform's per-user data folder for USRG Desktop (created if missing)."""
    path = Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir() -> Path:
    """Where automatic and manual backups of a local database go."""
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """The local SQLite database used when no other is named."""
    return data_dir() / "usrg.sqlite3"


def database_target(explicit: str | None = None) -> str:
    """The database to open: `--database`, else `USRG_DATABASE`, else the default local file."""
    return explicit or os.environ.get(DATABASE_ENV) or str(default_database_path())


def gui_settings_file() -> Path:
    """The screens' own settings (window geometry, the last area, the last user name): an INI
    file in the platform's per-user config folder, beside nothing else of the user's.

    A plain file at a path decided here, rather than Qt's native store (the registry on
    Windows), so the tests and the self-test can keep it out of the real user's settings by
    moving the config folder (`XDG_CONFIG_HOME`) or by passing a scratch file instead.
    """
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, APP_AUTHOR)) / "usrg-desktop.ini"


def log_file() -> Path:
    """Where the program's log file goes (the platform's per-user log folder; not created here)."""
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, APP_AUTHOR)) / "usrg.log"
