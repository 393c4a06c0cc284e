"""The one place that knows where shipped files live: in a checkout, installed, or frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def _root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's one-folder/one-file bundles
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """The path of a file or folder under `resources/` (icons, fonts, templates, stylesheet)."""
    return _root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """The Alembic environment folder `db/` with its versioned migrations."""
    return _root() / "db"
