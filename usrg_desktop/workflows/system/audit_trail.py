"""The audit trail's one writer, and the check that the trail is what was written.

Every event carries two SHA-256 hashes (lowercase hex): `content_hash` over a canonical
serialisation of its content, and `chain_hash` over the previous event's chain hash and its
own content hash. The chain is ordered by id and starts from `GENESIS`. Changing an event's
content breaks its content hash; deleting an event breaks the chain hash of the one after it.
`verify_chain` finds the first event that does not verify.

The hashes make tampering *evident*, not impossible: someone able to rewrite the table and
recompute every later hash (the algorithm is public) is not caught by the chain alone.

Personal data and the chain (POPIA). The fields that can name a person — `actor_name`,
`reason`, `detail` — enter the content hash only through `personal_digest`, the SHA-256 of a
random per-event salt (`personal_salt`) and those three fields. While the salt is kept, the
digest is checked against the fields, so an edited name is caught like any other edit.
Anonymising a person *redacts* the events that name them (workflows/system/anonymisation.py): their
name is replaced in those fields and the salt is cleared, which the append-only triggers allow
and nothing else. The digest, the content hash and the chain stay as written, so the log still
verifies; without the salt the digest reveals nothing of the name. A redacted event's facts
(when, which user id, which record, which action, which states) stay covered by the hash, its
personal fields no longer are, and every redacted event must be listed by a later
"anonymise" event (`REDACTED_PREFIX`), or `verify_chain` names it.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from ...domain.audit import AuditEvent
from ...domain.awards import Award
from ...domain.grants import Application
from .. import Actor, take_turn
from .dates import sast_minutes

# The chain hash "before" the first event.
GENESIS = "0" * 64

# Every field an event is written with, in the order they are serialised.
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

# The fields that can name a person: hashed through the salted personal digest.
PERSONAL_FIELDS = ("actor_name", "reason", "detail")
# The facts: hashed as they are, with the personal digest after them.
FACT_FIELDS = tuple(name for name in CONTENT_FIELDS if name not in PERSONAL_FIELDS)
# How an "anonymise" event lists the events it redacted ("…: 3-7, 12").
REDACTED_PREFIX = "redacted audit events: "
_REDACTED = re.compile(re.escape(REDACTED_PREFIX) + r"([0-9, -]*)")

# session.info key of the chain hash of the last event this transaction wrote.
_HEAD_KEY = "usrg_audit_chain_head"
_LISTENING_KEY = "usrg_audit_chain_listening"


def stored_moment(moment: datetime) -> datetime:
    """A moment as the audit log stores it: naive UTC (an aware value is converted)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _canonical(items: list[Any]) -> bytes:
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def personal_digest(salt: str, values: Mapping[str, Any]) -> str:
    """The SHA-256 of the salt and an event's PERSONAL_FIELDS, as lowercase hex."""
    personal = _canonical([values[name] for name in PERSONAL_FIELDS])
    return hashlib.sha256(salt.encode("ascii") + b":" + personal).hexdigest()


def canonical_content(values: Mapping[str, Any]) -> bytes:
    """The canonical bytes of an event's content: a JSON array of FACT_FIELDS and the
    personal digest, UTF-8.

    occurred_at is naive UTC in ISO form with microseconds, so the value read back from SQLite
    (naive) and from PostgreSQL (timestamptz, aware) serialise alike.
    """
    items: list[Any] = []
    for name in FACT_FIELDS:
        value = values[name]
        if name == "occurred_at":
            value = stored_moment(value).isoformat(timespec="microseconds")
        items.append(value)
    items.append(values["personal_digest"])
    return _canonical(items)


def content_hash(values: Mapping[str, Any]) -> str:
    """The SHA-256 of an event's canonical content (with its personal digest), as lowercase hex."""
    return hashlib.sha256(canonical_content(values)).hexdigest()


def sealed(values: Mapping[str, Any], salt: str | None = None) -> dict[str, Any]:
    """An event's CONTENT_FIELDS with a salt (fresh from `secrets` unless given) and its
    personal digest, ready to hash."""
    row = {name: values[name] for name in CONTENT_FIELDS}
    row["occurred_at"] = stored_moment(row["occurred_at"])
    row["personal_salt"] = salt or secrets.token_hex(16)
    row["personal_digest"] = personal_digest(row["personal_salt"], row)
    return row


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
        row = row if "personal_digest" in row else sealed(row)
        own = content_hash(row)
        previous = chain_hash(previous, own)
        out.append({**row, "content_hash": own, "chain_hash": previous})
    return out


def _forget_head(session: Session, transaction: Any) -> None:
    # A transaction or a savepoint ending may drop events (a rolled-back savepoint in
    # applications.available_actions) or let another workstation append: read it afresh. The
    # inner span a flush opens and closes is neither (it changes no transaction), so the head
    # read once holds for every event of a batch's unit of work.
    if transaction.nested or transaction.parent is None:
        session.info.pop(_HEAD_KEY, None)


def _reading(session: Session) -> bool:
    bind = session.get_bind()
    return bool(bind.get_execution_options().get("usrg_reading"))


# Made once: every change the program makes runs both (a statement built anew each time is
# keyed for the compiled cache anew each time).
_HEAD_QUERY = (
    select(AuditEvent.__table__.c.chain_hash).order_by(AuditEvent.__table__.c.id.desc()).limit(1)
)
_INSERT = insert(AuditEvent.__table__)


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
    # On the session's connection, not through the ORM: no autoflush, no ORM bookkeeping (this
    # runs once for every change the program makes).
    head = session.connection().scalar(_HEAD_QUERY)
    return head or GENESIS


def chain_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Many events' rows, hashed and chained after the log's last event, for a bulk insert.

    The caller must insert them in this order with ids above every existing event, in this
    unit of work (the demo builder does); later events of the unit of work link to the last.

    For made-up data only: the salts come from a generator seeded with the chain's head, so
    that the same seed builds the same demo database, and so they hide nothing. Real events
    are written by `record`, whose salts come from `secrets`.
    """
    head = chain_head(session)
    salts = random.Random(head)
    values = [sealed(row, f"{salts.getrandbits(128):032x}") for row in rows]
    out = chained(values, head)
    if out:
        session.info[_HEAD_KEY] = out[-1]["chain_hash"]
    return out


def record(session: Session, values: Mapping[str, Any]) -> None:
    """Insert one audit event (CONTENT_FIELDS in `values`), chained, in the caller's transaction.

    The low-level half of `audit`, for writers that have no Actor (the first administrator).
    """
    row = sealed(values)
    own = content_hash(row)
    link = chain_hash(chain_head(session), own)
    # Core, not the ORM: inserted now (ids follow the chain's order) and without an autoflush
    # that would move where the caller's own pending changes reach the database.
    session.connection().execute(_INSERT, {**row, "content_hash": own, "chain_hash": link})
    session.info[_HEAD_KEY] = link


def audit(
    session: Session,
    entity: str,
    entity_id: int,
    action: str,
    *,
    actor: Actor,
    now: datetime,
    detail: str = "",
    reason: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
) -> None:
    """Record one audit event by this actor in the caller's transaction: `action` done to the
    `entity` (a kind of record, "award") with id `entity_id`, written
    `audit(session, "award", award.id, "pay_tranche", actor=actor, now=now, detail=…)`."""
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
    redacted: int = 0  # events whose personal fields were redacted by an anonymisation

    @property
    def ok(self) -> bool:
        """True when every event matches its recorded hashes."""
        return self.bad_event_id is None


def redacted_ids_text(ids: Iterable[int]) -> str:
    """Event ids as the "anonymise" event lists them: sorted ranges, "3-7, 12"."""
    parts: list[str] = []
    ordered = sorted(set(ids))
    start = previous = None
    for n in [*ordered, None]:
        if start is not None and (n is None or n != previous + 1):
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = None
        if n is not None and start is None:
            start = n
        previous = n
    return REDACTED_PREFIX + ", ".join(parts)


def _listed_ids(detail: str) -> set[int]:
    found: set[int] = set()
    match = _REDACTED.search(detail or "")
    if match is None:
        return found
    for part in filter(None, (p.strip() for p in match.group(1).split(","))):
        low, _dash, high = part.partition("-")
        if low.isdigit() and (not high or high.isdigit()):
            found.update(range(int(low), int(high or low) + 1))
    return found


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every audit event's hashes in id order; name the first event that differs.

    A redacted event (no salt) is checked by its recorded personal digest, and must be listed
    by an "anonymise" event; one that is not is named too.
    """
    columns = [getattr(AuditEvent, name) for name in CONTENT_FIELDS]
    query = select(
        AuditEvent.id,
        *columns,
        AuditEvent.personal_salt,
        AuditEvent.personal_digest,
        AuditEvent.content_hash,
        AuditEvent.chain_hash,
    )
    previous = GENESIS
    count = 0
    redacted: list[int] = []
    listed: set[int] = set()
    for row in session.execute(query.order_by(AuditEvent.id)).yield_per(2000):
        values = row._mapping
        salt = values["personal_salt"]
        if salt is None:
            redacted.append(row.id)
        elif personal_digest(salt, values) != values["personal_digest"]:
            return ChainCheck(count, row.id, _not_matching(session, values))
        own = content_hash(values)
        expected = chain_hash(previous, own)
        if own != values["content_hash"] or expected != values["chain_hash"]:
            return ChainCheck(count, row.id, _not_matching(session, values))
        if values["action"] == "anonymise":
            listed |= _listed_ids(values["detail"])
        previous = values["chain_hash"]
        count += 1
    unlisted = [n for n in redacted if n not in listed]
    if unlisted:
        values = session.execute(query.where(AuditEvent.id == unlisted[0])).one()._mapping
        sentence = _not_matching(session, values).replace(
            "does not match its recorded hash: it was changed or a step before it was removed.",
            "had names removed from it, but no anonymisation lists it: it was changed behind "
            "the program's back.",
        )
        return ChainCheck(count, unlisted[0], sentence, len(redacted))
    return ChainCheck(count, redacted=len(redacted))


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


def changed_keys(record: Any, values: Mapping[str, Any]) -> list[str]:
    """The keys of `values` whose value differs from the record's attribute of that name, in
    the order given: what an edit changes."""
    return [key for key, value in values.items() if getattr(record, key) != value]


def change_words(keys: Iterable[str], words: Mapping[str, str] | None = None) -> str:
    """The changed fields named for an audit record's detail, each once and never with its
    value: `words` names a key, or its column name is read as words ('contact_person_id' →
    'contact person', 'requested_cents' → 'requested')."""
    named: list[str] = []
    for key in keys:
        word = (words or {}).get(key)
        if word is None:
            word = re.sub(r"_(id|cents)$", "", key).replace("_", " ")
        if word not in named:
            named.append(word)
    return ", ".join(named)
