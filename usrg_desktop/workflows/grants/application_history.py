"""An application's history as the History tab shows it: its own audit events merged with
its award's, and the award's overdue items first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.audit import AuditEvent
from ..awards.award_reading import ACTION_WORDS, award_of_application, overdue_items
from ..system.dates import sast_minutes
from .application_states import TRANSITIONS

# -- history ------------------------------------------------------------------------------------
_ACTION_WORDS = {
    "create": "Created",
    "edit": "Edited",
    "attach": "Attached a file",
    "remove_attachment": "Removed a file",
    **{t.action: t.label for t in TRANSITIONS.values()},
}


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event of an application, as the History tab shows it."""

    when: str  # South African time, 'YYYY-MM-DD HH:MM'
    who: str
    action: str
    what: str  # 'Submit', 'Edited', …
    from_state: str
    to_state: str
    reason: str
    detail: str


def application_history(
    session: Session, application_id: int, *, today: date | None = None
) -> list[HistoryEntry]:
    """The application's audit trail, newest first, with its award's events; given `today`,
    the award's overdue tranches and reports come first."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "application", AuditEvent.entity_id == application_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).all()
    entries = [
        HistoryEntry(
            when=sast_minutes(e.occurred_at) or "",
            who=e.actor_name,
            action=e.action,
            what=_ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
            from_state=(e.from_state or "").replace("_", " "),
            to_state=(e.to_state or "").replace("_", " "),
            reason=e.reason,
            detail=e.detail,
        )
        for e in events
    ]
    overdue, award_events = award_history(session, application_id, today=today)
    if award_events:
        entries = sorted(entries + award_events, key=lambda h: h.when, reverse=True)
    return overdue + entries


def award_history(
    session: Session, application_id: int, *, today: date | None = None
) -> tuple[list[HistoryEntry], list[HistoryEntry]]:
    """For an application's history: (overdue items on `today`, events of its award).

    The overdue items (none without `today`) go above the history as warnings; the award's
    events (payments, reports, schedule) merge into it by time.
    """
    award_id = award_of_application(session, application_id)
    if award_id is None:
        return [], []
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "award", AuditEvent.entity_id == award_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).all()
    happened = [
        HistoryEntry(
            when=sast_minutes(e.occurred_at) or "",
            who=e.actor_name,
            action=e.action,
            what=ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
            from_state="",
            to_state="",
            reason=e.reason,
            detail=e.detail,
        )
        for e in events
    ]
    overdue = (
        [
            HistoryEntry(
                when=item.due_on.isoformat(),
                who="",
                action="overdue",
                what="Overdue",
                from_state="",
                to_state="",
                reason="",
                detail=item.sentence(),
            )
            for item in overdue_items(session, today, application_id=application_id)
        ]
        if today is not None
        else []
    )
    return overdue, happened
