"""Covering index on scores for the applications list's score aggregate.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_scores_assignment_criterion_score",
        "scores",
        ["assignment_id", "criterion_id", "score"],
    )


def downgrade() -> None:
    op.drop_index("ix_scores_assignment_criterion_score", table_name="scores")
