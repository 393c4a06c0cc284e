"""An annex may belong to an agenda item: the pack's contents then list it under that item.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No table points at meeting_annexes, so SQLite's batch copy of it is safe.
    with op.batch_alter_table("meeting_annexes") as batch:
        batch.add_column(sa.Column("agenda_item_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_meeting_annexes_agenda_item_id_agenda_items"),
            "agenda_items",
            ["agenda_item_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_annexes") as batch:
        batch.drop_constraint(
            op.f("fk_meeting_annexes_agenda_item_id_agenda_items"), type_="foreignkey"
        )
        batch.drop_column("agenda_item_id")
