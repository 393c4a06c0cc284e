"""`usrg demo`, `usrg db upgrade`, `usrg backup` and `usrg restore`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import clock, storage
from ..settings import backups_dir, database_target
from .common import given_today, iso_date, open_db


def cmd_demo(args: argparse.Namespace) -> int:
    """Fill a database with the demo data set."""
    from ..workflows.demo import fill_demo

    db = open_db(args)
    summary = fill_demo(db, scale=args.scale, seed=args.seed, today=given_today(args))
    print(f"Demo data ({args.scale}) written to {db.display_name}: {summary}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring a database's schema up to date (the program also does this when it opens one)."""
    db = open_db(args)
    current, newest = db.current_revision(), storage.head_revision()
    print(f"{db.display_name} is at schema {current} (newest {newest}).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up a local database file."""
    db = open_db(args)
    path = storage.backup(db, Path(args.out) if args.out else backups_dir())
    print(f"Backed up {db.display_name} to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace a local database by a backup (the replaced file is kept as a backup too)."""
    db = storage.Database(database_target(getattr(args, "database", None)))
    kept = storage.restore(db, Path(args.file), folder=backups_dir(), now=clock.local_now())
    print(f"Restored {db.display_name} from {args.file}; the previous file is kept at {kept}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the system subcommands."""
    demo = sub.add_parser("demo", parents=[common], help="fill a database with demo data")
    demo.add_argument("--scale", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=2014, help="same seed, same database")
    demo.add_argument("--today", type=iso_date, help="the day the demo is built around")
    demo.set_defaults(handler=cmd_demo)

    dbp = sub.add_parser("db", parents=[common], help="database schema")
    dbsub = dbp.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dbsub.add_parser("upgrade", parents=[common], help="migrate to the newest schema").set_defaults(
        handler=cmd_db_upgrade
    )

    bk = sub.add_parser("backup", parents=[common], help="back up a local database")
    bk.add_argument("--out", help="folder for the backup (default: the backups folder)")
    bk.set_defaults(handler=cmd_backup)

    rs = sub.add_parser("restore", parents=[common], help="restore a local database from a backup")
    rs.add_argument("file", help="the backup file")
    rs.set_defaults(handler=cmd_restore)
