"""A version number on every record people edit in a form, for optimistic locking.

A form remembers the version it opened; a save over a newer version (another workstation
saved in between) is refused instead of silently replacing the other person's change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EDITED = (
    "applications",
    "awards",
    "meetings",
    "agenda_items",
    "minutes",
    "people",
    "rounds",
    "rubrics",
)


def upgrade() -> None:
    for table in EDITED:
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would trip the foreign keys
    # that point at it.
    for table in reversed(EDITED):
        op.drop_column(table, "version")
