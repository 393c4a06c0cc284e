"""Hash-chain the audit log: content_hash and chain_hash on every event, existing rows chained.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:00:00

The append-only triggers of 0001 are dropped while the new columns are added and filled, and
made again afterwards, so UPDATE and DELETE of audit rows are refused as before. The hashing
below is a frozen copy of workflows/system/audit_trail (content_hash, chain_hash) as it was when this
migration was written; tests/storage/test_migrations.py checks that rows chained here verify.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GENESIS = "0" * 64
_FIELDS = (
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


def upgrade() -> None:
    _allow_audit_changes()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("content_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("chain_hash", existing_type=sa.String(length=64), nullable=False)
    _forbid_audit_changes()


def downgrade() -> None:
    _allow_audit_changes()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("content_hash")
    _forbid_audit_changes()


def _content_hash(row: sa.Row) -> str:
    items = []
    for name in _FIELDS:
        value = getattr(row, name)
        if name == "occurred_at":
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            value = value.isoformat(timespec="microseconds")
        items.append(value)
    canonical = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def _chain_existing_rows() -> None:
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("actor_user_id", sa.Integer()),
        sa.column("actor_name", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("from_state", sa.String()),
        sa.column("to_state", sa.String()),
        sa.column("reason", sa.Text()),
        sa.column("detail", sa.Text()),
        sa.column("content_hash", sa.String()),
        sa.column("chain_hash", sa.String()),
    )
    bind = op.get_bind()
    update = (
        events.update()
        .where(events.c.id == sa.bindparam("event_id"))
        .values(content_hash=sa.bindparam("own"), chain_hash=sa.bindparam("link"))
    )
    rows = bind.execute(
        sa.select(*(events.c[name] for name in ("id", *_FIELDS))).order_by(events.c.id)
    ).all()
    previous = _GENESIS
    changes = []
    for row in rows:
        own = _content_hash(row)
        previous = hashlib.sha256(f"{previous}:{own}".encode("ascii")).hexdigest()
        changes.append({"event_id": row.id, "own": own, "link": previous})
    for start in range(0, len(changes), _BATCH):
        bind.execute(update, changes[start : start + _BATCH])


def _forbid_audit_changes() -> None:
    """The audit log is append-only: the database itself refuses UPDATE and DELETE (as 0001)."""
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


def _allow_audit_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
