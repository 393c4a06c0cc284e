"""Decisions, awards, tranches, reporting milestones, letter templates and issued letters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, Cents, StrEnum, TemplateVersion, Versioned, one_of


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


class TrancheTrigger(StrEnum):
    SIGNATURE = "signature"
    INTERIM_REPORT = "interim report"
    FINAL_REPORT = "final report"
    OTHER = "other"


class MilestoneKind(StrEnum):
    INTERIM_REPORT = "interim report"
    FINAL_REPORT = "final report"


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    INELIGIBLE = "ineligible"
    AWARD = "award"
    DECLINE = "decline"


class Decision(Base):
    """The panel's decision on a reviewed application."""

    __tablename__ = "decisions"
    __table_args__ = (
        one_of("outcome", DecisionOutcome),
        CheckConstraint(
            "(outcome = 'approved' AND amount_cents > 0) OR "
            "(outcome = 'declined' AND amount_cents IS NULL)",
            name="amount_matches_outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[Cents | None]
    conditions: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime]
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Award(Versioned, Base):
    """A grant awarded to an approved application."""

    __tablename__ = "awards"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    amount_cents: Mapped[Cents]
    awarded_on: Mapped[date] = mapped_column(Date)
    agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class Tranche(Base):
    """One payment of an award, due on a date or on a trigger."""

    __tablename__ = "tranches"
    __table_args__ = (
        UniqueConstraint("award_id", "position"),
        one_of("trigger", TrancheTrigger),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("paid_cents IS NULL OR paid_cents >= 0", name="paid_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[Cents]
    due_on: Mapped[date] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_cents: Mapped[Cents | None]
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")


class Milestone(Base):
    """A reporting duty of an award (interim, final report)."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("award_id", "kind"), one_of("kind", MilestoneKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class LetterTemplate(TemplateVersion, Base):
    """One version of a letter's text, with named placeholders."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("kind", "version"), one_of("kind", LetterKind))


class IssuedLetter(Base):
    """A letter that was issued, registered so that a re-print is byte-identical."""

    __tablename__ = "issued_letters"
    __table_args__ = (one_of("kind", LetterKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_templates.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    # The data the letter was printed from, as JSON: re-printing uses it, not today's data.
    payload: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Letterhead(Base):
    """The letterhead letters and packs are printed on."""

    __tablename__ = "letterheads"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(Text)
    footer: Mapped[str] = mapped_column(Text)
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
