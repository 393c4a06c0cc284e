"""`usrg demo`, `usrg db upgrade`, `usrg db verify`, `usrg backup` and `usrg restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import clock, storage
from ..schema import pending_migrations
from ..settings import backups_dir, database_target
from ..workflows import WorkflowError
from .common import (
    acting_user,
    add_format,
    given_today,
    iso_date,
    now,
    open_db,
    print_listing,
)


def cmd_demo(args: argparse.Namespace) -> int:
    """Fill a database with the demo data set."""
    from ..workflows.demo import fill_demo

    db = open_db(args, create=True)
    summary = fill_demo(db, scale=args.scale, seed=args.seed, today=given_today(args))
    print(f"Demo data ({args.scale}) written to {db.display_name}: {summary}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring a database's schema up to date, or with --dry-run say what that would change."""
    target = database_target(getattr(args, "database", None))
    db = storage.Database(target)
    if db.path is not None and not db.path.exists():
        raise WorkflowError(
            f"There is no database at {db.path}: check the path, or make one with "
            f"`usrg db create --database {db.path}`."
        )
    pending = pending_migrations(db)
    before = db.current_revision()
    if not pending:
        print(f"{db.display_name} is at schema {before}, the newest: nothing to upgrade.")
        return 0
    if args.dry_run:
        start = "has no schema yet" if before is None else f"is at schema {before}"
        print(f"{db.display_name} {start}; upgrading it would run:")
        for revision, change in pending:
            print(f"  {revision}  {change}")
        if before is not None and db.is_sqlite:
            print("A backup of the file would be made first. Nothing was changed (--dry-run).")
        else:
            print("Nothing was changed (--dry-run).")
        return 0
    folder = backups_dir()
    # A database that is not there is not made here (`usrg db create` does that on purpose).
    db = storage.open_database(target, backups=folder, create=False)
    after = db.current_revision()
    if before is None:
        print(f"Created {db.display_name}: now at schema {after}.")
    else:
        kept = f"; the file as it was is backed up in {folder}" if db.is_sqlite else ""
        print(f"Upgraded {db.display_name} from schema {before}: now at schema {after}{kept}.")
    return 0


def cmd_db_create(args: argparse.Namespace) -> int:
    """Make a new, empty database (a file, or the tables in an empty PostgreSQL database)."""
    from ..locations import network_share_warning

    target = database_target(getattr(args, "database", None))
    db = storage.Database(target)
    if db.path is not None:
        if db.path.exists():
            raise WorkflowError(f"{db.path} already exists; nothing was changed.")
        if not db.path.parent.is_dir():
            raise WorkflowError(
                f"The folder {db.path.parent} does not exist; make it first, or check the path."
            )
    elif db.current_revision() is not None:
        raise WorkflowError(f"{db.display_name} already holds a database; nothing was changed.")
    db.dispose()
    db = storage.open_database(target, create=True)
    print(f"Created {db.display_name}: a new database at schema {db.current_revision()}.")
    warning = network_share_warning(db.path) if db.path is not None else ""
    if warning:
        print(f"usrg: warning: {warning}", file=sys.stderr)
    return 0


def cmd_db_verify(args: argparse.Namespace) -> int:
    """Check the file's integrity and the audit log's hash chain; exit 1 if either fails."""
    from ..workflows.system.records import check_records, note_records_check

    db = open_db(args)
    with db.reading() as session:
        check = check_records(session)
    with db.unit_of_work() as session:
        note_records_check(session, check=check, database=db.display_name, now=now())
    sentence = check.sentence(db.display_name)
    if not check.ok:
        print(sentence, file=sys.stderr)
        return 1
    print(sentence)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up a local database file, or list its backups with their check (--list)."""
    from ..workflows.system import backups

    db = open_db(args)
    folder = Path(args.out) if args.out else backups_dir()
    if args.list:
        print_listing(backups.backup_listing(db, folder), args.format)
        return 0
    path = backups.make_backup(db, folder, reason="manual")
    print(f"Backed up {db.display_name} to {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace a local database by a backup (the replaced file is kept as a backup too)."""
    db = storage.Database(database_target(getattr(args, "database", None)))
    if Path(args.file).is_file():
        storage.check_backup(Path(args.file))  # a harmful file is refused before any sign-in
    if _has_accounts(db):
        # Replacing the records is an administrator's decision, signed in on the live database.
        from ..domain.accounts import Role
        from ..workflows import PermissionDenied

        if acting_user(args, db).role != Role.ADMINISTRATOR.value:
            raise PermissionDenied("Only an administrator may restore a backup.")
        db.dispose()
    kept = storage.restore(db, Path(args.file), folder=backups_dir(), now=clock.local_now())
    print(f"Restored {db.display_name} from {args.file}; the previous file is kept at {kept}")
    return 0


def _has_accounts(db: storage.Database) -> bool:
    """Whether the live database file exists and holds any user account (a damaged or
    foreign file holds none that could sign in, so it does not ask for one)."""
    if db.path is None or not db.path.is_file() or db.path.stat().st_size == 0:
        return False
    try:
        return bool(db.rows("SELECT COUNT(*) FROM users")[0][0])
    except storage.StorageError:
        return False


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the system subcommands."""
    demo = sub.add_parser("demo", parents=[common], help="fill a database with demo data")
    demo.add_argument("--scale", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=2014, help="same seed, same database")
    demo.add_argument("--today", type=iso_date, help="the day the demo is built around")
    demo.set_defaults(handler=cmd_demo)

    dbp = sub.add_parser("db", parents=[common], help="database schema")
    dbsub = dbp.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = dbsub.add_parser("upgrade", parents=[common], help="migrate to the newest schema")
    up.add_argument(
        "--dry-run", action="store_true", help="say which migrations would run; change nothing"
    )
    up.set_defaults(handler=cmd_db_upgrade)
    make = dbsub.add_parser("create", parents=[common], help="make a new, empty database")
    make.set_defaults(handler=cmd_db_create)
    verify = dbsub.add_parser(
        "verify",
        parents=[common],
        help="check the file's integrity and that the audit log is as it was written",
    )
    verify.set_defaults(handler=cmd_db_verify)

    bk = sub.add_parser("backup", parents=[common], help="back up a local database")
    bk.add_argument("--out", help="folder for the backup (default: the backups folder)")
    bk.add_argument(
        "--list", action="store_true", help="list the database's backups with their check"
    )
    add_format(bk)
    bk.set_defaults(handler=cmd_backup)

    rs = sub.add_parser("restore", parents=[common], help="restore a local database from a backup")
    rs.add_argument("file", help="the backup file")
    rs.set_defaults(handler=cmd_restore)
