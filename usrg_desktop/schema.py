"""What a schema upgrade would do to a database: the migrations it has yet to run (--dry-run)."""

from __future__ import annotations

from . import storage


def pending_migrations(db: storage.Database) -> list[tuple[str, str]]:
    """(revision, what it changes) for each migration the database lacks, oldest first.

    The database is only read; a newer schema than this program knows is refused, as opening
    the database would refuse it.
    """
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    current = db.current_revision()
    storage.check_revision(db, current)
    script = ScriptDirectory.from_config(storage.alembic_config(None))
    try:
        steps = list(script.iterate_revisions("head", current or "base"))
    except CommandError as exc:
        raise storage.StorageError(
            f"{db.display_name} is at schema {current}, which this version does not know: {exc}"
        ) from exc
    return [(step.revision, (step.doc or "").strip()) for step in reversed(steps)]
