"""Read queries of administration: user accounts and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import Column, Listing
from .dates import by_first_text, sast_minutes

if TYPE_CHECKING:
    from ...storage import Database

AUDIT_LIMIT = 5000

USER_COLUMNS = [
    Column("username", "User name"),
    Column("display_name", "Name"),
    Column("role", "Role"),
    Column("person", "Directory entry"),
    Column("active", "Active", "bool"),
    Column("created_at", "Created", "datetime"),
    Column("last_login_at", "Last sign-in", "datetime"),
]

AUDIT_COLUMNS = [
    Column("occurred_at", "When", "datetime"),
    Column("actor", "Who"),
    Column("entity", "What"),
    Column("entity_id", "Id", "int"),
    Column("action", "Action"),
    Column("from_state", "From"),
    Column("to_state", "To"),
    Column("reason", "Reason"),
    Column("detail", "Detail"),
]


def _words(code: str | None) -> str | None:
    """A stored code such as 'in_review' or 'complete_review' as words people read."""
    return None if code is None else code.replace("_", " ")


def user_listing(db: Database) -> Listing:
    """Every user account with its role, directory entry, and when it was made and last used."""
    rows = db.rows(
        """
        SELECT u.id, u.username, u.display_name, u.role, p.full_name, u.active, u.created_at,
               u.last_login_at
        FROM users u LEFT JOIN people p ON p.id = u.person_id
        ORDER BY u.id
        """
    )
    users = sorted(
        [
            (
                int(uid),
                (
                    username,
                    name,
                    role,
                    person,
                    bool(active),
                    sast_minutes(created),
                    sast_minutes(last_login),
                ),
            )
            for uid, username, name, role, person, active, created, last_login in rows
        ],
        key=lambda pair: by_first_text(pair[1]),
    )
    return Listing(
        "Users", USER_COLUMNS, [row for _id, row in users], ids=[uid for uid, _row in users]
    )


def audit_listing(db: Database, *, limit: int = AUDIT_LIMIT) -> Listing:
    """The latest audit events, newest first (at most `limit`, 5,000 by default)."""
    rows = db.rows(
        """
        SELECT occurred_at, actor_name, entity, entity_id, action, from_state, to_state, reason,
               detail
        FROM audit_events
        ORDER BY occurred_at DESC, id DESC
        LIMIT :limit
        """,
        {"limit": int(limit)},
    )
    return Listing(
        "Audit log",
        AUDIT_COLUMNS,
        [
            (
                sast_minutes(at),
                actor,
                entity,
                int(eid),
                _words(action),
                _words(old),
                _words(new),
                reason,
                detail,
            )
            for at, actor, entity, eid, action, old, new, reason, detail in rows
        ],
    )
