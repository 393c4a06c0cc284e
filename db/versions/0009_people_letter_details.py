"""People get an honorific and a postal address, for the letters addressed to them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 00:20:00

`honorific` (Ms, Mr, Dr, Prof, Cllr, …) lets a letter greet "Dear Ms Moodley"; `postal_address`
(lines separated by new lines) is printed in the window of a DL envelope instead of the e-mail
address. Both are empty for everyone until someone fills them in; anonymising a person empties
them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "people", sa.Column("honorific", sa.String(length=20), nullable=False, server_default="")
    )
    op.add_column(
        "people", sa.Column("postal_address", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would trip the foreign keys
    # that point at people.
    op.drop_column("people", "postal_address")
    op.drop_column("people", "honorific")
