"""Declarative base, naming convention and small column helpers shared by every aggregate."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep Alembic migrations stable on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every mapped table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Versioned:
    """A record people edit in forms: `version` counts its saves, so a form that opened an
    older version is refused instead of silently replacing another person's change."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class TemplateVersion:
    """The columns of one saved version of a template's text (letter or e-mail): its kind,
    version number, subject and body, and when and by whom it was saved. A table using it adds
    UniqueConstraint("kind", "version") and a CHECK on its kinds."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# Money is whole cents in a 64-bit integer: never a float (R 21 million overflows 32 bits).
Cents = Annotated[int, mapped_column(BigInteger)]


def one_of(
    column: str, values: type[enum.Enum] | list[str], name: str | None = None
) -> CheckConstraint:
    """A CHECK constraint that keeps `column` to the values of an enum (or a list)."""
    allowed = [v.value for v in values] if isinstance(values, type) else list(values)
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in allowed)
    return CheckConstraint(f"{column} IN ({quoted})", name=name or f"{column}_valid")


class StrEnum(enum.StrEnum):
    """An enum whose members are their stored string values."""
