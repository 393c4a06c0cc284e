"""The audit trail's one writer: every workflow records its audit events through it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..domain.audit import AuditEvent
from . import Actor


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
    session.add(
        AuditEvent(
            occurred_at=now,
            actor_user_id=actor.user_id,
            actor_name=actor.name,
            entity=entity,
            entity_id=entity_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            detail=detail,
        )
    )
