"""E-mail: the outbox of messages drafted or sent, and the versioned templates of their text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, StrEnum, TemplateVersion, one_of


class MailKind(StrEnum):
    """What a message carries: a letter, a review packet, an invitation, a review reminder."""

    LETTER = "letter"
    PACKET = "packet"
    INVITATION = "invitation"
    REMINDER = "reminder"


class MailStatus(StrEnum):
    DRAFTED = "drafted"
    SENT = "sent"
    FAILED = "failed"


class MailTemplate(TemplateVersion, Base):
    """One version of a kind of message's subject and body, with named placeholders."""

    __tablename__ = "mail_templates"
    __table_args__ = (UniqueConstraint("kind", "version"), one_of("kind", MailKind))


class OutboxMessage(Base):
    """A message the program drafted (an .eml file) or sent over SMTP, or failed to."""

    __tablename__ = "outbox_messages"
    __table_args__ = (one_of("kind", MailKind), one_of("status", MailStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The record the message is about, as the audit log names it ("application", 12).
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300))
    # The attachments' file names, one a line.
    attachments: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The draft's file (drafted) or the server it went through (sent).
    location: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
