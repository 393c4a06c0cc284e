"""What every `usrg` subcommand shares: opening the database, the acting user, list output."""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import os
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from .. import clock, storage
from ..settings import database_target
from ..workflows import Actor, FieldErrors, Listing, WorkflowError

Handler = Callable[[argparse.Namespace], int]
T = TypeVar("T")
FORMATS = ("table", "csv", "json")


def iso_date(text: str) -> date:
    """An argparse type for an ISO date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-25") from None


# The range of a database integer column (PostgreSQL's INTEGER): larger numbers name nothing.
_WHOLE_LIMIT = 2**31 - 1


def whole_number(text: str) -> int:
    """An argparse type for a whole number that fits a database column (a record number, a
    count, a position); the parser applies it to every `type=int` argument."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a whole number") from None
    if not -_WHOLE_LIMIT <= value <= _WHOLE_LIMIT:
        raise argparse.ArgumentTypeError(f"{text[:40]} is far too large a number")
    return value


def given_today(args: argparse.Namespace) -> date:
    """The day given with --today, or today's date when there is no --today or it was left out."""
    return getattr(args, "today", None) or clock.today()


class FormRefused(WorkflowError):
    """A refused form as the command line says it: one line per wrong field, each naming the
    option that gave it when there is one (`usrg` prints each line after 'usrg: ')."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def form_refused(exc: FieldErrors, options: Mapping[str, str] | None = None) -> FormRefused:
    """The one way a refused form becomes the command line's message: each field's sentence on
    its own line, led by its option (`options` maps a field to '--option') where it has one."""
    named = options or {}
    return FormRefused(
        [f"{named[field]}: {sentence}" if field in named else sentence
         for field, sentence in exc.errors.items()]
    )  # fmt: skip


def open_db(args: argparse.Namespace, *, create: bool = False) -> storage.Database:
    """The database named by --database (or USRG_DATABASE, or the local file), migrated.

    A file that does not exist is refused (a mistyped path), unless `create` (usrg demo) or it
    is the program's own default file.
    """
    from ..locations import network_share_warning

    explicit = getattr(args, "database", None) or os.environ.get("USRG_DATABASE")
    db = storage.open_database(database_target(explicit), create=create or not explicit)
    warning = network_share_warning(db.path) if db.path is not None else ""
    if warning:
        print(f"usrg: warning: {warning}", file=sys.stderr)
    return db


def acting_user(args: argparse.Namespace, db: storage.Database) -> Actor:
    """Who is acting: --user (or USRG_USER), signed in with USRG_PASSWORD or a prompt.

    Commands that change data call this; commands that only read do not need a user.
    """
    from ..workflows.system.accounts import sign_in_to

    username = getattr(args, "user", None) or os.environ.get("USRG_USER")
    if not username:
        raise WorkflowError("Say who is acting with --user NAME (or set USRG_USER).")
    signed_in = getattr(args, "_signed_in", None)
    if signed_in is not None and signed_in[0] == username:
        return signed_in[1]  # a command run again after contention does not sign in again
    password = os.environ.get("USRG_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise WorkflowError(
                f"Give the password of '{username}' in USRG_PASSWORD or type it at the prompt."
            )
        password = getpass.getpass(f"Password for {username}: ")
    actor = sign_in_to(db, username=username, password=password, now=now())
    args._signed_in = (username, actor)
    args._commits_at_sign_in = storage.commits_made()
    return actor


def change_then_read(
    args: argparse.Namespace,
    db: storage.Database,
    change: Callable[..., object],
    changes: Mapping[str, object] | None,
    read: Callable[[Any], T],
) -> T:
    """A setting shown, or changed and then shown: when `changes` holds anything,
    `change(session, actor=…, now=…, **changes)` as the acting user in its own unit of work;
    then what `read(session)` returns, read in another."""
    if changes:
        actor = acting_user(args, db)
        with db.unit_of_work() as session:
            change(session, actor=actor, now=now(), **changes)
    with db.unit_of_work() as session:
        return read(session)


def picture_bytes(path: str, what: str) -> bytes:
    """The bytes of a picture named on the command line (`what`: "logo", "signature")."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise WorkflowError(f"The {what} file {path} cannot be read ({exc.strerror}).") from exc


def now() -> datetime:
    """The current time, naive UTC, as the database stores it."""
    from ..workflows.system.dates import utc_now

    return utc_now()


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = FORMATS) -> None:
    """Add --format with the given choices (default: the first)."""
    parser.add_argument("--format", choices=choices, default=choices[0])


def _cell(value: Any, kind: str) -> str:
    from ..money import format_zar

    if value is None:
        return ""
    if kind == "money":
        return format_zar(value)
    if kind == "score":
        return f"{value:.1f}"
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)


def json_value(value: Any, kind: str) -> Any:
    """A cell as JSON: money as rand with cents (a string, never a float), the rest as is."""
    if value is None:
        return None
    if kind == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def print_listing(listing: Listing, fmt: str) -> None:
    """Write a listing to stdout as an aligned table, CSV (with headings) or JSON objects."""
    cols = listing.columns
    if fmt == "json":
        objects = [
            {c.key: json_value(v, c.kind) for c, v in zip(cols, row, strict=True)}
            for row in listing.rows
        ]
        print(json.dumps(objects, indent=2, ensure_ascii=False))
        return
    texts = [[_cell(v, c.kind) for c, v in zip(cols, row, strict=True)] for row in listing.rows]
    if fmt == "csv":
        # The same safety as the screens' Export (workflows/system/export.py): text that a
        # spreadsheet
        # would run as a formula gets a leading '; a note on stderr says how many cells.
        from ..workflows.system.export import Written, looks_like_formula

        formulas = 0
        for t in texts:
            for n, c in enumerate(cols):
                if c.kind == "text" and looks_like_formula(t[n]):
                    t[n] = "'" + t[n]
                    formulas += 1
        # Rows end in \n, but with the writer's default \r\n terminator a value holding a
        # carriage return is quoted (with "\n" alone the csv module leaves it bare).
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for cells in ([c.key for c in cols], *texts):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(cells)
            sys.stdout.write(buffer.getvalue()[:-2] + "\n")
        note = Written(len(texts), formula_cells=formulas).note(csv_file=True)
        if note:
            print(f"usrg: {note}", file=sys.stderr)
        return
    widths = [max([len(c.label), *(len(t[i]) for t in texts)]) for i, c in enumerate(cols)]
    right = {"money", "int", "score"}

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(w) if c.kind in right else cell.ljust(w)
            for cell, w, c in zip(cells, widths, cols, strict=True)
        ).rstrip()

    print(line([c.label for c in cols]))
    print("  ".join("-" * w for w in widths))
    for t in texts:
        print(line(t))
