"""The `usrg` command: the same workflows as the GUI, for batch work and scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from . import __version__, storage
from .settings import backups_dir, database_target
from .workflows import WorkflowError

Handler = Callable[[argparse.Namespace], int]


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-25") from None


def _open(args: argparse.Namespace) -> storage.Database:
    return storage.open_database(database_target(getattr(args, "database", None)))


def cmd_demo(args: argparse.Namespace) -> int:
    """Fill a database with the demo data set."""
    from .workflows.demo import fill_demo

    db = _open(args)
    summary = fill_demo(db, scale=args.scale, seed=args.seed, today=args.today or date.today())
    print(f"Demo data ({args.scale}) written to {db.display_name}: {summary}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring a database's schema up to date (the program also does this when it opens one)."""
    db = _open(args)
    current, newest = db.current_revision(), storage.head_revision()
    print(f"{db.display_name} is at schema {current} (newest {newest}).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up a local database file."""
    db = _open(args)
    path = storage.backup(db, Path(args.out) if args.out else backups_dir())
    print(f"Backed up {db.display_name} to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace a local database by a backup (the replaced file is kept as a backup too)."""
    db = storage.Database(database_target(getattr(args, "database", None)))
    kept = storage.restore(db, Path(args.file), folder=backups_dir(), now=datetime.now())
    print(f"Restored {db.display_name} from {args.file}; the previous file is kept at {kept}")
    return 0


def cmd_rotation_propose(args: argparse.Namespace) -> int:
    """Print host and date proposals for the coming quarters, with the reason for each."""
    from .workflows.hosting import propose_next_hosts
    from .workflows.rotation import Quarter

    start = Quarter.parse(args.start) if args.start else Quarter.of(date.today()).next()
    proposals = propose_next_hosts(_open(args), start=start, quarters=args.quarters)
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in proposals], indent=2, ensure_ascii=False))
        return 0
    for p in proposals:
        host = p.host or "(no host possible)"
        print(f"{p.quarter.label}  {host}  {p.starts_on:%a %d %b %Y} – {p.ends_on:%a %d %b %Y}")
        print(f"    {p.reason}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `usrg` with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        default=argparse.SUPPRESS,
        help="SQLite file or postgresql+psycopg:// URL (default: USRG_DATABASE or the local file)",
    )
    parser = argparse.ArgumentParser(
        prog="usrg", parents=[common], description="USRG Desktop on the command line."
    )
    parser.add_argument("--version", action="version", version=f"usrg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="fill a database with demo data")
    demo.add_argument("--scale", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=2014, help="same seed, same database")
    demo.add_argument("--today", type=_iso_date, help="the day the demo is built around")
    demo.set_defaults(handler=cmd_demo)

    dbp = sub.add_parser("db", parents=[common], help="database schema")
    dbsub = dbp.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dbsub.add_parser("upgrade", parents=[common], help="migrate to the newest schema").set_defaults(
        handler=cmd_db_upgrade
    )

    rot = sub.add_parser("rotation", parents=[common], help="host rotation of the meetings")
    rotsub = rot.add_subparsers(dest="rotation_command", required=True, metavar="ACTION")
    propose = rotsub.add_parser(
        "propose", parents=[common], help="propose hosts and dates for the coming quarters"
    )
    propose.add_argument(
        "--from", dest="start", metavar="QUARTER", help="first quarter, e.g. 2027Q1"
    )
    propose.add_argument("--quarters", type=int, default=8, help="how many quarters (default 8)")
    propose.add_argument("--format", choices=["text", "json"], default="text")
    propose.set_defaults(handler=cmd_rotation_propose)

    bk = sub.add_parser("backup", parents=[common], help="back up a local database")
    bk.add_argument("--out", help="folder for the backup (default: the backups folder)")
    bk.set_defaults(handler=cmd_backup)

    rs = sub.add_parser("restore", parents=[common], help="restore a local database from a backup")
    rs.add_argument("file", help="the backup file")
    rs.set_defaults(handler=cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `usrg`; refused actions and database problems end with one sentence on stderr."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (WorkflowError, storage.StorageError) as exc:
        print(f"usrg: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("usrg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
