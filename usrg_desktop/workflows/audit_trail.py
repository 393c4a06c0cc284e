"""The audit trail's one writer, and the check that the trail is what was written.

Every event carries two SHA-256 hashes (lowercase hex): `content_hash` over a canonical
serialisation of its content, and `chain_hash` over the previous event's chain hash and its
own content hash. The chain is ordered by id and starts from `GENESIS`. Changing an event's
content breaks its content hash; deleting an event breaks the chain hash of the one after it.
`verify_chain` finds the first event that does not verify.

The hashes make tampering *evident*, not impossible: someone able to rewrite the table and
recompute every later hash (the algorithm is public) is not caught by the chain alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from ..domain.audit import AuditEvent
from ..domain.awards import Award
from ..domain.grants import Application
from . import Actor, take_turn
from .dates import sast_minutes

# The chain hash "before" the first event.
GENESIS = "0" * 64

# The content fields, in the order they are serialised.
CONTENT_FIELDS = (
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

# session.info key of the chain hash of the last event this transaction wrote.
_HEAD_KEY = "usrg_audit_chain_head"
_LISTENING_KEY = "usrg_audit_chain_listening"


def stored_moment(moment: datetime) -> datetime:
    """A moment as the audit log stores it: naive UTC (an aware value is converted)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def canonical_content(values: Mapping[str, Any]) -> bytes:
    """The canonical bytes of an event's content: a JSON array of CONTENT_FIELDS, UTF-8.

    occurred_at is naive UTC in ISO form with microseconds, so the value read back from SQLite
    (naive) and from PostgreSQL (timestamptz, aware) serialise alike.
    """
    items: list[Any] = []
    for name in CONTENT_FIELDS:
        value = values[name]
        if name == "occurred_at":
            value = stored_moment(value).isoformat(timespec="microseconds")
        items.append(value)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(values: Mapping[str, Any]) -> str:
    """The SHA-256 of an event's canonical content, as lowercase hex."""
    return hashlib.sha256(canonical_content(values)).hexdigest()


def chain_hash(previous_chain_hash: str, own_content_hash: str) -> str:
    """The SHA-256 linking an event to the one before it, as lowercase hex."""
    return hashlib.sha256(f"{previous_chain_hash}:{own_content_hash}".encode("ascii")).hexdigest()


def chained(rows: Iterable[dict[str, Any]], previous: str = GENESIS) -> list[dict[str, Any]]:
    """The rows (in id order) with their content_hash and chain_hash filled in, after `previous`.

    For writers that insert many events at once (the demo builder): the same hashes `audit`
    writes one by one.
    """
    out = []
    for row in rows:
        own = content_hash(row)
        previous = chain_hash(previous, own)
        out.append({**row, "content_hash": own, "chain_hash": previous})
    return out


def _forget_head(session: Session, _transaction: Any) -> None:
    # Any transaction or savepoint ending may drop events (a rolled-back savepoint in
    # applications.available_actions) or let another workstation append: read it afresh.
    session.info.pop(_HEAD_KEY, None)


def _reading(session: Session) -> bool:
    bind = session.get_bind()
    return bool(bind.get_execution_options().get("usrg_reading"))


def chain_head(session: Session) -> str:
    """The chain hash to link the next event to, holding the chain for this unit of work.

    Cached in session.info until the transaction (or a savepoint) ends, so a batch of events
    reads the table once. On PostgreSQL the first call takes the "audit chain" turn, so two
    workstations never link to the same event; on SQLite the unit of work holds the write lock.
    A reading session (whose changes are always rolled back) does not wait for the turn.
    """
    head = session.info.get(_HEAD_KEY)
    if head is not None:
        return head
    if not session.info.get(_LISTENING_KEY):
        event.listen(session, "after_transaction_end", _forget_head)
        session.info[_LISTENING_KEY] = True
    if not _reading(session):
        take_turn(session, "audit chain")
    table = AuditEvent.__table__
    # On the session's connection, not through the ORM: no autoflush, no ORM bookkeeping (this
    # runs once for every change the program makes).
    head = session.connection().scalar(
        select(table.c.chain_hash).order_by(table.c.id.desc()).limit(1)
    )
    return head or GENESIS


def chain_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Many events' rows, hashed and chained after the log's last event, for a bulk insert.

    The caller must insert them in this order with ids above every existing event, in this
    unit of work (the demo builder does); later events of the unit of work link to the last.
    """
    values = [{name: row[name] for name in CONTENT_FIELDS} for row in rows]
    for row in values:
        row["occurred_at"] = stored_moment(row["occurred_at"])
    out = chained(values, chain_head(session))
    if out:
        session.info[_HEAD_KEY] = out[-1]["chain_hash"]
    return out


def record(session: Session, values: Mapping[str, Any]) -> None:
    """Insert one audit event (CONTENT_FIELDS in `values`), chained, in the caller's transaction.

    The low-level half of `audit`, for writers that have no Actor (the first administrator).
    """
    row = {name: values[name] for name in CONTENT_FIELDS}
    row["occurred_at"] = stored_moment(row["occurred_at"])
    own = content_hash(row)
    link = chain_hash(chain_head(session), own)
    # Core, not the ORM: inserted now (ids follow the chain's order) and without an autoflush
    # that would move where the caller's own pending changes reach the database.
    session.execute(insert(AuditEvent.__table__), {**row, "content_hash": own, "chain_hash": link})
    session.info[_HEAD_KEY] = link


def audit(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    entity: str,
    entity_id: int,
    action: str,
    detail: str = "",
    reason: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
) -> None:
    """Record one audit event by this actor in the caller's transaction."""
    record(
        session,
        {
            "occurred_at": now,
            "actor_user_id": actor.user_id,
            "actor_name": actor.name,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "reason": reason,
            "detail": detail,
        },
    )


@dataclass(frozen=True)
class ChainCheck:
    """What verify_chain found: how many events, and the first that does not verify (if any)."""

    events: int
    bad_event_id: int | None = None
    sentence: str = ""

    @property
    def ok(self) -> bool:
        """True when every event matches its recorded hashes."""
        return self.bad_event_id is None


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every audit event's hashes in id order; name the first event that differs."""
    columns = [getattr(AuditEvent, name) for name in CONTENT_FIELDS]
    query = select(AuditEvent.id, *columns, AuditEvent.content_hash, AuditEvent.chain_hash)
    previous = GENESIS
    count = 0
    for row in session.execute(query.order_by(AuditEvent.id)).yield_per(2000):
        values = row._mapping
        own = content_hash(values)
        expected = chain_hash(previous, own)
        if own != values["content_hash"] or expected != values["chain_hash"]:
            return ChainCheck(count, row.id, _not_matching(session, values))
        previous = values["chain_hash"]
        count += 1
    return ChainCheck(count)


def _not_matching(session: Session, values: Mapping[str, Any]) -> str:
    entity, entity_id = values["entity"], values["entity_id"]
    name = None
    if entity == "application":
        name = session.scalar(select(Application.reference).where(Application.id == entity_id))
    elif entity == "award":
        name = session.scalar(select(Award.number).where(Award.id == entity_id))
    what = name or f"{entity.replace('_', ' ')} {entity_id}"
    action = values["action"].replace("_", " ")
    when = sast_minutes(values["occurred_at"])
    return (
        f"Audit event {values['id']} ({action} of {what}, {when}) does not match its recorded "
        "hash: it was changed or a step before it was removed."
    )
