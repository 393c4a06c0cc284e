"""Rounds list the themes of their call; an application says which theme it addresses.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:00:00

`round_themes` holds each round's themes in order (like its screening checklist);
`applications.theme_id` points at one of them. Rounds and applications made before this have
no themes: the funder's report counts them under "No theme given".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_applications_theme_id_round_themes"


def upgrade() -> None:
    op.create_table(
        "round_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_themes_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_themes")),
        sa.UniqueConstraint("round_id", "position", name=op.f("uq_round_themes_round_id_position")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot add a constraint to a table, but it can add a column that carries one;
        # a batch copy of applications would trip the foreign keys that point at it.
        op.execute(
            f"ALTER TABLE applications ADD COLUMN theme_id INTEGER "
            f"CONSTRAINT {_FK} REFERENCES round_themes (id)"
        )
    else:
        op.add_column("applications", sa.Column("theme_id", sa.Integer(), nullable=True))
        op.create_foreign_key(_FK, "applications", "round_themes", ["theme_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_FK, "applications", type_="foreignkey")
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would trip the foreign keys pointing at
    # applications.
    op.drop_column("applications", "theme_id")
    op.drop_table("round_themes")
