"""The append-only audit log: who did what, when, from which state to which, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AuditEvent(Base):
    """One recorded action. Rows are never deleted, and updated only to redact a person's name
    (database triggers refuse anything else); each is hash-chained to the one before it (see
    workflows/system/audit_trail.py)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    # A random salt (hex) and the SHA-256 of it with actor_name, reason and detail: those
    # fields enter the hashes only through this digest, so anonymising a person can replace
    # their name there and clear the salt while the chain still verifies (audit_trail.py).
    personal_salt: Mapped[str | None] = mapped_column(String(32))
    personal_digest: Mapped[str] = mapped_column(String(64))
    # SHA-256 (hex) of the facts above with the personal digest, and of the previous event's
    # chain_hash with this event's content_hash: written by workflows/system/audit_trail, checked by
    # its verify_chain.
    content_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
