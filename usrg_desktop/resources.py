"""The one place that knows where shipped files live: in a checkout, installed, or frozen.

A wheel (and the frozen folder PyInstaller makes) carries `resources/` and `db/` as package
data under `usrg_desktop/_shipped/` (setup.py and installer/usrg-desktop.spec put them there);
they are found with importlib.resources. A checkout, or an editable install of it, has no
`_shipped` folder and reads the top-level `resources/` and `db/`, the ones people edit.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.resources import files
from pathlib import Path

SHIPPED = "_shipped"


@cache
def _root() -> Path:
    shipped = files(__package__ or "usrg_desktop") / SHIPPED
    if shipped.is_dir():  # an installed wheel, or the frozen folder
        return Path(str(shipped))
    frozen = getattr(sys, "_MEIPASS", None)  # a frozen folder built by an older spec
    if frozen and (Path(frozen) / "db").is_dir():
        return Path(frozen)
    return Path(__file__).resolve().parent.parent  # a checkout


def resource_path(*parts: str) -> Path:
    """The path of a file or folder under `resources/` (icons, fonts, templates, stylesheet)."""
    return _root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """The Alembic environment folder `db/` with its versioned migrations."""
    return _root() / "db"


def shipped_from() -> Path:
    """The folder that holds `resources/` and `db/` in this installation (for About and tests)."""
    return _root()
