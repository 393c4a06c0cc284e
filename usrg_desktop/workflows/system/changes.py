"""What has changed since a screen last looked: the audit log is the change feed.

Every change the program makes writes an audit event in the same transaction, so the
highest audit event id is a change counter that costs one indexed query to read, the same on
SQLite and PostgreSQL, and the events after it say which records changed and who changed
them. Workstations poll it while idle (views/change_watcher.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .dates import sast_minutes

if TYPE_CHECKING:
    from ...storage import Database

# Which areas of the main window list each kind of record the audit log names.
ENTITY_AREAS: dict[str, tuple[str, ...]] = {
    # The Rounds list counts each round's applications.
    "application": ("Applications", "Reviews", "Awards", "Rounds"),
    "round": ("Rounds", "Applications"),
    "award": ("Awards", "Applications"),
    "review_packet": ("Reviews",),
    "meeting": ("Meetings", "Rotation"),
    "action_item": ("Meetings",),
    "host_unavailability": ("Rotation",),
    "host_volunteer": ("Rotation",),
    "blackout_periods": ("Rotation",),
    "person": ("Directory", "Reviews"),
    "user": ("Administration",),
    "account": ("Administration",),
    "city": ("Directory",),
    "body": ("Directory",),
    "scores_import": ("Reviews", "Applications"),
}
# Actions whose effect shows in areas other than their record's: e-mail goes to the Outbox,
# and an organisation's new name or merge shows wherever its name does.
ACTION_AREAS: dict[str, tuple[str, ...]] = {
    "email_sent": ("Administration",),
    "email_drafted": ("Administration",),
    "rename": ("Applications", "Awards", "Meetings", "Rotation", "Reviews"),
    "merge_into": ("Applications", "Awards", "Meetings", "Rotation", "Reviews"),
    "merge_from": ("Applications", "Awards", "Meetings", "Rotation", "Reviews"),
}


@dataclass(frozen=True)
class Change:
    """One audit event: a record that changed, who changed it and when (SAST, to the minute)."""

    event_id: int
    entity: str
    entity_id: int
    action: str
    actor_user_id: int | None
    actor_name: str
    when: str

    @property
    def key(self) -> tuple[str, int]:
        """The key an open screen of this record is known by: ("application", 12)."""
        return (self.entity, self.entity_id)


def latest_change_id(db: Database) -> int:
    """The id of the newest audit event (0 for none): it grows with every change."""
    return int(db.rows("SELECT COALESCE(MAX(id), 0) FROM audit_events")[0][0])


def changes_since(db: Database, after_id: int, *, limit: int = 500) -> list[Change]:
    """The audit events after `after_id`, oldest first (at most `limit` of them)."""
    rows = db.rows(
        """
        SELECT id, entity, entity_id, action, actor_user_id, actor_name, occurred_at
        FROM audit_events WHERE id > :after ORDER BY id LIMIT :limit
        """,
        {"after": int(after_id), "limit": int(limit)},
    )
    return [
        Change(
            int(event_id),
            entity,
            int(entity_id),
            action,
            None if user_id is None else int(user_id),
            actor_name,
            (sast_minutes(occurred_at) or "")[11:],
        )
        for event_id, entity, entity_id, action, user_id, actor_name, occurred_at in rows
    ]


def areas_changed(changes: list[Change]) -> set[str]:
    """The areas of the main window whose lists show the changed records (Today lists a bit
    of everything, so any change reaches it)."""
    return areas_of({(c.entity, c.action) for c in changes})


def areas_of(kinds: set[tuple[str, str]]) -> set[str]:
    """The areas that show records changed by these (entity, action) pairs, Today with any."""
    touched = {area for entity, _action in kinds for area in ENTITY_AREAS.get(entity, ())}
    touched |= {area for _entity, action in kinds for area in ACTION_AREAS.get(action, ())}
    return touched | {"Today"} if kinds else touched


def kinds_since(db: Database, after_id: int) -> tuple[int, set[tuple[str, str]]]:
    """What changed after the audit event `after_id`, however much (an import writes
    hundreds of events): the newest event's id and the (entity, action) pairs, in one query."""
    rows = db.rows(
        # Grouped by action first: grouped by entity first, SQLite walks the whole
        # (entity, entity_id) index (every event ever, 30 ms on the large demo) instead of
        # reading only the events after `after_id` by their primary key.
        "SELECT entity, action, MAX(id) FROM audit_events WHERE id > :after "
        "GROUP BY action, entity",
        {"after": int(after_id)},
    )
    newest = max((int(row[2]) for row in rows), default=int(after_id))
    return newest, {(entity, action) for entity, action, _newest in rows}
