"""Member cities and bodies become editable organisations, with their past names kept.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:40:00

Both tables get what every organisation has: the name as a sentence uses it ("the City of
Ekurhuleni"), postal and physical address, switchboard, main contact (a person in the
directory) and a version for the edit form. `name_in_sentence` is filled for the seeded rows by
the rule letters used until now, so no letter changes its wording. `organisation_names` keeps
each name an organisation carried before a rename, with its days. Letters already issued keep
their name anyway: they are re-printed from the data registered with them.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("cities", "bodies")

# A copy of letter_addressing.organisation_in_sentence as it stood: a migration does not follow
# later changes of the program's code.
_METRO = re.compile(r"^(City of .+?) (?:Metropolitan|Local) Municipality$")
_ACRONYM = re.compile(r"^[A-Z]{2,8}$")


def _in_sentence(official: str, short: str) -> str:
    official = (official or "").strip()
    if not official:
        return ""
    metro = _METRO.match(official)
    if metro:
        return f"the {metro.group(1)}"
    if _ACRONYM.match((short or "").strip()):
        return short.strip()
    if official.lower().startswith("the "):
        return official
    return f"the {official}"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("name_in_sentence", sa.String(length=300), nullable=False, server_default=""),
        )
        op.add_column(
            table, sa.Column("postal_address", sa.Text(), nullable=False, server_default="")
        )
        op.add_column(
            table, sa.Column("physical_address", sa.Text(), nullable=False, server_default="")
        )
        op.add_column(
            table,
            sa.Column("switchboard", sa.String(length=40), nullable=False, server_default=""),
        )
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        )
        name = f"fk_{table}_main_contact_id_people"
        if sqlite:
            # SQLite cannot add a constraint to a table, but it can add a column that carries
            # one; a batch copy of the table would trip the foreign keys that point at it.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN main_contact_id INTEGER "
                f"CONSTRAINT {name} REFERENCES people (id)"
            )
        else:
            op.add_column(table, sa.Column("main_contact_id", sa.Integer(), nullable=True))
            op.create_foreign_key(name, table, "people", ["main_contact_id"], ["id"])
        rows = op.get_bind().execute(sa.text(f"SELECT id, official_name, short_name FROM {table}"))
        for row_id, official, short in rows.all():
            op.get_bind().execute(
                sa.text(f"UPDATE {table} SET name_in_sentence = :name WHERE id = :id"),
                {"name": _in_sentence(official, short), "id": row_id},
            )
    op.create_table(
        "organisation_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("official_name", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=80), nullable=False),
        sa.Column("name_in_sentence", sa.String(length=300), nullable=False),
        sa.Column("used_from", sa.Date(), nullable=True),
        sa.Column("used_until", sa.Date(), nullable=False),
        sa.Column("renamed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(city_id IS NULL) <> (body_id IS NULL)",
            name=op.f("ck_organisation_names_one_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"], name=op.f("fk_organisation_names_body_id_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_organisation_names_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_names")),
    )
    op.create_index(
        op.f("ix_organisation_names_body_id"), "organisation_names", ["body_id"], unique=False
    )
    op.create_index(
        op.f("ix_organisation_names_city_id"), "organisation_names", ["city_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_organisation_names_city_id"), table_name="organisation_names")
    op.drop_index(op.f("ix_organisation_names_body_id"), table_name="organisation_names")
    op.drop_table("organisation_names")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in reversed(TABLES):
        if not sqlite:
            op.drop_constraint(f"fk_{table}_main_contact_id_people", table, type_="foreignkey")
        # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would trip the foreign
        # keys that point at it.
        for column in (
            "main_contact_id",
            "version",
            "switchboard",
            "physical_address",
            "postal_address",
            "name_in_sentence",
        ):
            op.drop_column(table, column)
