"""POPIA: taking a person's name, e-mail address and phone number out of everything the program
keeps, and finding everything that names them for an access request.

`forget` is called by `people_popia.anonymise_person` once the person's own row and
accounts carry the placeholder name. It works from the texts that identify the person (their
full name, e-mail address, phone number, the display names and usernames of their accounts):

- every text column of every table (agenda items' free-text presenters, minutes, action items,
  meeting notes, settings, letters' stored data, …) has them replaced by the placeholder, with
  `version` moved on where the record is edited in forms, so an open form cannot write the old
  text back;
- each issued letter whose stored data named them is re-registered: its data carries the
  placeholder (and no contact title or e-mail), its SHA-256 becomes that of the re-printed,
  anonymised PDF, and the anonymise event keeps the SHA-256 the letter had as issued, so the
  copy the addressee holds can still be proven genuine;
- audit events they did, or that name them, are redacted (see `audit_trail`): the placeholder
  replaces them in `actor_name`, `reason` and `detail`, and the event's salt is cleared. The
  anonymise event lists those events, so `usrg db verify` still passes.

Files kept as they were received (application attachments, meeting annexes, letterhead logos)
and files outside the database (letters and packs written to folders, backups) are not changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Row, String, Table, Text, func, or_, select, update
from sqlalchemy.orm import Session

from ...domain import Base
from ...domain.audit import AuditEvent
from ...domain.awards import IssuedLetter
from .. import WorkflowError
from .audit_trail import redacted_ids_text

# Texts shorter than this are not searched for: "Jo" would be taken out of "Johannesburg".
MIN_NEEDLE = 5
# Columns never searched: hashes, the password hash, the schema's own bookkeeping.
_SKIPPED = {
    ("users", "password_hash"),
    ("users", "username"),  # renamed outright by anonymise_person
    # Other people's names and addresses are theirs, even when they contain this person's.
    ("people", "full_name"),
    ("people", "email"),
    ("users", "display_name"),
    ("issued_letters", "payload"),  # JSON: handled as data, then re-registered
    ("issued_letters", "sha256"),
}
_SKIPPED_TABLES = {"audit_events", "alembic_version"}
# The addressee fields a letter's data keeps about its contact person.
_CONTACT_DETAILS = ("contact_title", "contact_email")


@dataclass
class Forgotten:
    """What `forget` changed: rows per table, letters re-registered, audit events redacted."""

    rows: dict[str, int] = field(default_factory=dict)
    letters: list[tuple[str, str, str]] = field(default_factory=list)  # ref, as issued, now
    audit_event_ids: list[int] = field(default_factory=list)

    def detail(self) -> str:
        """The anonymise event's detail: what was changed, with no personal data."""
        parts = [f"{table}: {n}" for table, n in sorted(self.rows.items())]
        changed = "rows changed: " + (", ".join(parts) or "none")
        letters = "; ".join(
            f"{ref} SHA-256 as issued {before}, now {after}" for ref, before, after in self.letters
        )
        return "; ".join(
            filter(
                None,
                [
                    changed,
                    f"letters re-registered: {letters}" if letters else "",
                    redacted_ids_text(self.audit_event_ids),
                ],
            )
        )


def needles(texts: Iterable[str | None]) -> list[str]:
    """The identifying texts worth searching for, longest first (a name before its part)."""
    found = {t.strip() for t in texts if t and len(t.strip()) >= MIN_NEEDLE}
    return sorted(found, key=lambda t: (-len(t), t))


def _pattern(texts: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE)


def _like(column: Any, text: str) -> Any:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _naming(column: Any, texts: Sequence[str]) -> Any:
    return or_(*(_like(column, t) for t in texts))


def forget(
    session: Session,
    *,
    texts: Sequence[str],
    placeholder: str,
    user_ids: Sequence[int],
    usernames: Sequence[str] = (),
) -> Forgotten:
    """Replace the person's texts by the placeholder everywhere (see the module's docstring)."""
    out = Forgotten()
    if texts:
        _scrub_tables(session, texts, placeholder, out)
        _reregister_letters(session, texts, placeholder, out)
    _redact_audit(session, texts, placeholder, user_ids, usernames, out)
    session.expire_all()
    return out


def _text_rows_naming(
    session: Session, texts: Sequence[str], skipped_tables: Iterable[str]
) -> Iterator[tuple[Table, list[Column[Any]], list[Column[Any]], Sequence[Row[Any]]]]:
    """For each table but `skipped_tables` that has a primary key and text columns (those not in
    _SKIPPED): the table, its key columns, its text columns, and its rows (keys and texts) in
    which some text column names one of `texts`."""
    for table in Base.metadata.sorted_tables:
        if table.name in skipped_tables:
            continue
        columns: list[Column[Any]] = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text) and (table.name, c.name) not in _SKIPPED
        ]
        keys: list[Column[Any]] = list(table.primary_key.columns)
        if not columns or not keys:
            continue
        rows = session.execute(
            select(*keys, *columns).where(or_(*(_naming(c, texts) for c in columns)))
        ).all()
        yield table, keys, columns, rows


def _scrub_tables(session: Session, texts: Sequence[str], placeholder: str, out: Forgotten) -> None:
    pattern = _pattern(texts)
    for table, keys, columns, rows in _text_rows_naming(session, texts, _SKIPPED_TABLES):
        for row in rows:
            values = {
                c.name: pattern.sub(placeholder, row._mapping[c])
                for c in columns
                if row._mapping[c] and pattern.search(row._mapping[c])
            }
            if "version" in table.columns:
                values["version"] = table.c.version + 1
            where = [k == row._mapping[k] for k in keys]
            session.execute(update(table).where(*where).values(**values))
        if rows:
            out.rows[table.name] = len(rows)


def _anonymised_data(value: Any, pattern: re.Pattern[str], placeholder: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(placeholder, value)
    if isinstance(value, list):
        return [_anonymised_data(v, pattern, placeholder) for v in value]
    if isinstance(value, dict):
        named = isinstance(value.get("contact_name"), str) and pattern.search(value["contact_name"])
        data = {k: _anonymised_data(v, pattern, placeholder) for k, v in value.items()}
        if named:
            data.update({k: "" for k in _CONTACT_DETAILS if k in data})
        return data
    return value


def _reregister_letters(
    session: Session, texts: Sequence[str], placeholder: str, out: Forgotten
) -> None:
    import hashlib

    pattern = _pattern(texts)
    # JSON may hold a name as \\u escapes: every payload is read, not only those LIKE matches.
    for letter in session.scalars(select(IssuedLetter).order_by(IssuedLetter.id)):
        try:
            payload = json.loads(letter.payload)
        except ValueError:
            continue
        changed = _anonymised_data(payload, pattern, placeholder)
        if changed == payload:
            continue
        pdf = _rebuilt_pdf(session, letter, changed)
        after = hashlib.sha256(pdf).hexdigest()
        out.letters.append((letter.reference, letter.sha256, after))
        letter.payload = json.dumps(changed, ensure_ascii=False, sort_keys=True)
        letter.sha256 = after
    session.flush()
    if out.letters:
        out.rows["issued_letters"] = len(out.letters)


def _rebuilt_pdf(session: Session, letter: IssuedLetter, payload: dict) -> bytes:
    """The letter printed from anonymised data, as `letters.reprint` prints a registered one."""
    from ..letters.issuing import printed_from

    try:
        return printed_from(session, letter, payload)
    except WorkflowError as exc:
        raise WorkflowError(f"{exc} It names the person, so nothing was anonymised.") from exc


def _redact_audit(
    session: Session,
    texts: Sequence[str],
    placeholder: str,
    user_ids: Sequence[int],
    usernames: Sequence[str],
    out: Forgotten,
) -> None:
    events = AuditEvent.__table__
    personal = [events.c.actor_name, events.c.reason, events.c.detail]
    conditions = [_naming(c, texts) for c in personal] if texts else []
    # A username is short and may be a common word ("admin"): it is replaced, as a whole word,
    # only in the events about the person's own accounts.
    about_accounts = (events.c.entity == "user") & events.c.entity_id.in_(user_ids)
    if user_ids:
        conditions += [events.c.actor_user_id.in_(user_ids), about_accounts]
    if not conditions:
        return
    pattern = _pattern(texts) if texts else None
    login = (
        re.compile("|".join(rf"\b{re.escape(u)}\b" for u in usernames), re.IGNORECASE)
        if usernames
        else None
    )
    rows = session.execute(
        select(events.c.id, events.c.actor_user_id, events.c.entity, events.c.entity_id, *personal)
        .where(or_(*conditions))
        .order_by(events.c.id)
    ).all()
    for row in rows:
        values = {
            c.name: pattern.sub(placeholder, row._mapping[c]) if pattern else row._mapping[c]
            for c in personal
        }
        if login is not None and row.entity == "user" and row.entity_id in user_ids:
            values = {k: login.sub(placeholder, v) for k, v in values.items()}
        if row.actor_user_id in user_ids:
            values["actor_name"] = placeholder
        session.execute(
            update(events).where(events.c.id == row.id).values(personal_salt=None, **values)
        )
        out.audit_event_ids.append(row.id)


def letters_naming(session: Session, texts: Sequence[str], person_id: int) -> list[dict[str, Any]]:
    """Issued letters to the person (as an application's contact) or whose data names them."""
    from ...domain.grants import Application

    pattern = _pattern(texts) if texts else None
    found = []
    rows = session.execute(
        select(IssuedLetter, Application.contact_person_id)
        .join(Application, Application.id == IssuedLetter.application_id)
        .order_by(IssuedLetter.issued_on, IssuedLetter.id)
    ).all()
    for letter, contact_id in rows:
        try:
            data = json.loads(letter.payload)
        except ValueError:
            data = letter.payload
        as_text = json.dumps(data, ensure_ascii=False)
        if contact_id != person_id and not (pattern and pattern.search(as_text)):
            continue
        found.append(
            {
                "reference": letter.reference,
                "kind": letter.kind,
                "issued_on": letter.issued_on.isoformat(),
                "sha256": letter.sha256,
                "data": data.get("letter", data) if isinstance(data, dict) else data,
            }
        )
    return found


def rows_naming(session: Session, texts: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of other tables whose free text names the person (presenters, minutes, …)."""
    if not texts:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    skipped = _SKIPPED_TABLES | {"people", "users", "issued_letters"}
    pattern = _pattern(texts)
    for table, keys, columns, rows in _text_rows_naming(session, texts, skipped):
        for row in rows:
            entry = {k.name: row._mapping[k] for k in keys}
            entry |= {
                c.name: row._mapping[c]
                for c in columns
                if row._mapping[c] and pattern.search(row._mapping[c])
            }
            found.setdefault(table.name, []).append(entry)
    return found
