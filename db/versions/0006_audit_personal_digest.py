"""Audit events hash a salted digest of the fields that can name a person, so they can be redacted.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07 00:00:00

Adds `personal_salt` and `personal_digest` to audit_events and re-chains every event with the
new content hash (the facts, then the digest of a fresh salt with actor_name, reason and
detail); see workflows/system/audit_trail.py. An event that did not verify under the old hashes is
written so that it does not verify under the new ones either (it keeps its old content hash),
so re-chaining never hides an edit made before the upgrade.

The append-only triggers are made again to allow one UPDATE and nothing else: clearing the
salt while the facts, digest and hashes stay as they are (the redaction an anonymisation makes).
DELETE is refused as before. The hashing below is a frozen copy of audit_trail as it was when
this migration was written.
"""

import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GENESIS = "0" * 64
_FACTS = ("occurred_at", "actor_user_id", "entity", "entity_id", "action", "from_state", "to_state")
_PERSONAL = ("actor_name", "reason", "detail")
_OLD_FIELDS = (
    "occurred_at",
    "actor_user_id",
    "actor_name",
    "entity",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "detail",
)
_BATCH = 2000
# Columns that only a redaction may leave as they are while it clears the salt.
_KEPT = (
    "id",
    "occurred_at",
    "actor_user_id",
    "entity",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "personal_digest",
    "content_hash",
    "chain_hash",
)


def upgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("personal_digest", sa.String(length=64), nullable=True))
    _rechain(new=True)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("personal_digest", existing_type=sa.String(length=64), nullable=False)
    _redaction_only_triggers()


def downgrade() -> None:
    _drop_triggers()
    _rechain(new=False)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("personal_digest")
        batch_op.drop_column("personal_salt")
    _append_only_triggers()


def _canonical(items: list) -> bytes:
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _moment(value) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _old_content_hash(row) -> str:
    items = [
        _moment(getattr(row, n)) if n == "occurred_at" else getattr(row, n) for n in _OLD_FIELDS
    ]
    return hashlib.sha256(_canonical(items)).hexdigest()


def _digest(salt: str, row) -> str:
    personal = _canonical([getattr(row, n) for n in _PERSONAL])
    return hashlib.sha256(salt.encode("ascii") + b":" + personal).hexdigest()


def _new_content_hash(row, digest: str) -> str:
    items = [_moment(getattr(row, n)) if n == "occurred_at" else getattr(row, n) for n in _FACTS]
    return hashlib.sha256(_canonical([*items, digest])).hexdigest()


def _link(previous: str, own: str) -> str:
    return hashlib.sha256(f"{previous}:{own}".encode("ascii")).hexdigest()


def _rechain(*, new: bool) -> None:
    """Re-hash every event under the new scheme (or back under the old one), in id order.

    An event that does not verify as it stands keeps its stored content hash, which does not
    match under the other scheme either: `usrg db verify` still names it.
    """
    columns = [
        sa.column("id", sa.Integer()),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("actor_user_id", sa.Integer()),
        *(sa.column(n, sa.String()) for n in ("actor_name", "entity")),
        sa.column("entity_id", sa.Integer()),
        *(sa.column(n, sa.String()) for n in ("action", "from_state", "to_state")),
        *(sa.column(n, sa.Text()) for n in ("reason", "detail")),
        *(sa.column(n, sa.String()) for n in ("content_hash", "chain_hash")),
        *(sa.column(n, sa.String()) for n in ("personal_salt", "personal_digest")),
    ]
    events = sa.table("audit_events", *columns)
    bind = op.get_bind()
    rows = bind.execute(sa.select(*events.c).order_by(events.c.id)).all()
    old_previous = new_previous = _GENESIS
    changes = []
    for row in rows:
        if new:
            own_old = _old_content_hash(row)
            sound = own_old == row.content_hash and _link(old_previous, own_old) == row.chain_hash
            salt = secrets.token_hex(16)
            digest = _digest(salt, row)
            own = _new_content_hash(row, digest) if sound else row.content_hash
            change = {"salt": salt, "digest": digest}
        else:
            digest_ok = row.personal_salt is not None and (
                _digest(row.personal_salt, row) == row.personal_digest
            )
            own_new = _new_content_hash(row, row.personal_digest)
            sound = (
                digest_ok
                and own_new == row.content_hash
                and _link(old_previous, own_new) == row.chain_hash
            )
            own = _old_content_hash(row) if sound else row.content_hash
            change = {}
        old_previous = row.chain_hash
        new_previous = _link(new_previous, own)
        changes.append({"event_id": row.id, "own": own, "link": new_previous, **change})
    values = {"content_hash": sa.bindparam("own"), "chain_hash": sa.bindparam("link")}
    if new:
        values |= {"personal_salt": sa.bindparam("salt"), "personal_digest": sa.bindparam("digest")}
    update = events.update().where(events.c.id == sa.bindparam("event_id")).values(**values)
    for start in range(0, len(changes), _BATCH):
        bind.execute(update, changes[start : start + _BATCH])


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")


def _redaction_only_triggers() -> None:
    """Refuse DELETE, and every UPDATE but a redaction (salt cleared, all else kept)."""
    if op.get_bind().dialect.name == "sqlite":
        kept = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"WHEN NOT (NEW.personal_salt IS NULL AND {kept}) "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
        return
    new = ", ".join(f"NEW.{c}" for c in _KEPT)
    old = ", ".join(f"OLD.{c}" for c in _KEPT)
    op.execute(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        f"IF TG_OP = 'UPDATE' AND NEW.personal_salt IS NULL AND ({new}) IS NOT DISTINCT FROM "
        f"({old}) THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION 'the audit log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )


def _append_only_triggers() -> None:
    """The triggers of 0003: no UPDATE and no DELETE at all."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )
