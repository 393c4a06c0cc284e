"""Use cases: one function per user action, plus the read queries that feed every list."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who is acting: their user id (None for the system), name and role (a Role value)."""

    user_id: int | None
    name: str
    role: str


class WorkflowError(Exception):
    """An action that was refused; the message is one sentence a secretariat member understands."""


class EditConflict(WorkflowError):
    """A form was saved over a newer version of its record (another workstation saved in
    between); nothing was written. The screen shows what changed and lets the user choose."""


class FieldErrors(WorkflowError):
    """A form was refused: one sentence per field that is wrong, to show next to each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors.values()), "The form has mistakes.")
        more = len(self.errors) - 1
        suffix = f" (and {more} more field{'s' if more > 1 else ''} to correct)" if more > 0 else ""
        super().__init__(first.rstrip(".") + suffix + "." if suffix else first)


class PermissionDenied(WorkflowError):
    """The acting user's role may not do this."""


@dataclass(frozen=True)
class Column:
    """One column of a list: its snake_case key, its heading and how its values are shown.

    kind is one of: text, int, money (cents), date (ISO text), datetime (ISO text, minutes),
    score (float or None), bool.
    """

    key: str
    label: str
    kind: str = "text"


@dataclass
class Listing:
    """What a list shows: its columns and its rows as plain tuples in column order."""

    title: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)

    # The database id of each row (same order as rows), for lists whose rows open a screen.
    ids: list[int] | None = None

    def keys(self) -> list[str]:
        """The snake_case keys of the columns, in order."""
        return [c.key for c in self.columns]


def get_for_update(session: Session, model: type[T], ident: object) -> T | None:
    """The row with this primary key, locked against other writers until the unit of work ends.

    On PostgreSQL that is SELECT … FOR UPDATE, and the row is re-read under the lock even when
    the session loaded it before (storage makes every locked read a fresh one), so a guard
    decides on the row as another workstation left it. SQLite has no row locks: the unit of
    work began with BEGIN IMMEDIATE, which already holds the database's write lock, so the row
    the session has is current and is taken as it is (re-reading it for every step of a batch
    cost a query).
    """
    if session.get_bind().dialect.name == "sqlite":
        return session.get(model, ident)
    return session.get(model, ident, with_for_update=True)


def insert_rows(session: Session, rows: Sequence[object]) -> None:
    """Insert new rows of one model in a single statement (an executemany), without loading
    them into the session: for rows the caller does not use afterwards, where one INSERT each
    (the unit of work's way, each returning its id) would cost a round trip apiece. A column
    left None takes its default."""
    from sqlalchemy import insert, inspect

    if not rows:
        return
    model = type(rows[0])
    columns = [c.key for c in inspect(model).column_attrs]
    values = [{k: v for k in columns if (v := getattr(row, k)) is not None} for row in rows]
    session.execute(insert(model), values)


def take_turn(session: Session, topic: str) -> None:
    """Wait until no other workstation is doing `topic` (planning meetings, adding people…),
    then hold it until this unit of work ends.

    For actions that check that something does not exist yet and then add it (the next meeting
    number, a person's e-mail address, a username): a row lock cannot cover a row that is not
    there. On PostgreSQL this is a transaction-scoped advisory lock, so the second workstation
    waits, then sees the first one's row and is refused by the ordinary check with its
    sentence. On SQLite the unit of work already holds the database's write lock.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    from sqlalchemy import text

    key = zlib.crc32(f"usrg:{topic}".encode())
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def check_version(
    session: Session,
    record: Any,
    *,
    seen: int | None,
    entity: str,
    name: str,
    history: tuple[str, int] | None = None,
) -> None:
    """Refuse a save made from a form opened on an older version of `record`; else count it.

    Call it on the record as re-read under the lock (get_for_update), before changing it.
    `seen` is the version the form opened (None: not from a form, nothing to compare).
    `history` is the (entity, id) its audit events are kept under, when not its own.
    """
    if seen is not None and record.version != seen:
        where = history or (entity, record.id)
        raise edit_conflict(session, entity=where[0], entity_id=where[1], name=name)
    record.version = (record.version or 1) + 1


def edit_conflict(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    name: str,
    actions: tuple[str, ...] = (),
) -> EditConflict:
    """The refusal of a save over someone else's newer one, naming who saved last and when
    (from the audit trail of `entity` `entity_id`, limited to `actions` when given)."""
    from sqlalchemy import select

    from ..domain.audit import AuditEvent
    from .system.dates import sast_minutes

    query = select(AuditEvent.actor_name, AuditEvent.occurred_at).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == entity_id
    )
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    last = session.execute(query.order_by(AuditEvent.id.desc()).limit(1)).first()
    who = (
        f"{last.actor_name} saved {name} at {sast_minutes(last.occurred_at)}"
        if last
        else f"{name} was saved by someone else"
    )
    return EditConflict(f"{who}, after you opened it; nothing of yours was saved.")


def by_whom(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    actions: tuple[str, ...] = (),
    to_state: str | None = None,
    detail_prefix: str | None = None,
) -> str:
    """' (by Thandi Nkosi at 2026-11-25 10:07)': who did the last matching thing to a record,
    from its audit trail, so a refusal says what another workstation did a moment ago
    ('' when the trail does not say)."""
    from sqlalchemy import select

    from ..domain.audit import AuditEvent
    from .system.dates import sast_minutes

    query = select(AuditEvent.actor_name, AuditEvent.occurred_at).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == entity_id
    )
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    if to_state is not None:
        query = query.where(AuditEvent.to_state == to_state)
    if detail_prefix is not None:
        query = query.where(AuditEvent.detail.startswith(detail_prefix, autoescape=True))
    last = session.execute(query.order_by(AuditEvent.id.desc()).limit(1)).first()
    if last is None:
        return ""
    return f" (by {last.actor_name} at {sast_minutes(last.occurred_at)})"
