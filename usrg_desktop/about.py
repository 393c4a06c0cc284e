"""What `usrg --version`, `usrg-desktop --version` and Help → About say about this installation.

One version (`usrg_desktop.__version__`), the schema revision it brings, the database in use
with the revision it is at, where the log file goes, and where the program's files are.
No Qt here, and nothing is created or upgraded: a local file is only read.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__, settings, storage
from .resources import shipped_from


def database_schema(db: storage.Database, *, ask_server: bool = False) -> str:
    """The schema a database is at, in words, read without changing it.

    A server is asked only when `ask_server` is true (Help → About, with the database open):
    `--version` must answer at once, even when the server is out of reach.
    """
    if not db.is_sqlite and not ask_server:
        return "a server database; usrg db upgrade shows its schema"
    try:
        current = db.current_revision()
    except storage.StorageError as exc:
        return f"cannot be read: {exc}"
    if current is None:
        return "new: created when first opened"
    head = storage.head_revision()
    if current == head:
        return f"schema {current}"
    if current > head:
        return f"schema {current}, written by a newer USRG Desktop"
    return f"schema {current}: opening it upgrades it to {head}, after a backup"


def facts(db: storage.Database, *, ask_server: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs: version, schema, database, log file and program files."""
    return [
        ("Version", __version__),
        ("Schema", f"{storage.head_revision()} (the newest this version knows)"),
        ("Database", f"{db.display_name} ({database_schema(db, ask_server=ask_server)})"),
        ("Log file", str(settings.log_file())),
        ("Program files", str(shipped_from())),
    ]


def version_text(program: str, database: str | None) -> str:
    """The lines `PROGRAM --version` prints, for the database it would open."""
    try:
        db = storage.Database(settings.database_target(database))
    except storage.StorageError as exc:
        return f"{program} {__version__}\nDatabase: {exc}\n"
    lines = [f"{program} {__version__}"]
    lines += [f"{label}: {value}" for label, value in facts(db)[1:]]
    return "\n".join(lines) + "\n"


class VersionAction(argparse.Action):
    """`--version`: the version with the schema, the database in use and the log file's place."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        """An option that takes no value, like argparse's own version action."""
        kwargs.setdefault("help", "show the version, the database in use and the log file")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        """Print the facts and end, as `--version` does."""
        database = getattr(namespace, "database", None) or os.environ.get(settings.DATABASE_ENV)
        sys.stdout.write(version_text(parser.prog, database))
        parser.exit()
