"""The innovation fund: rounds, applications, their budget lines, attachments and screening."""

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

from .base import Base, Cents, StrEnum, Versioned, one_of


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVIEWING = "reviewing"
    DECIDED = "decided"
    ARCHIVED = "archived"


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCREENING = "screening"
    INELIGIBLE = "ineligible"
    IN_REVIEW = "in_review"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    DECLINED = "declined"
    AWARDED = "awarded"
    ACTIVE = "active"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class AttachmentKind(StrEnum):
    PROPOSAL = "proposal"
    BUDGET = "budget"
    SUPPORT_LETTER = "letter of support"
    OTHER = "other"


class Round(Versioned, Base):
    """A funding round (call for applications)."""

    __tablename__ = "rounds"
    __table_args__ = (
        one_of("status", RoundStatus),
        CheckConstraint("closes_on >= opens_on", name="dates_in_order"),
        CheckConstraint("budget_cents >= 0", name="budget_not_negative"),
        CheckConstraint("cap_cents > 0 AND cap_cents <= budget_cents", name="cap_within_budget"),
        CheckConstraint("reviews_needed BETWEEN 1 AND 10", name="reviews_needed_range"),
        UniqueConstraint("year", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    # The round's number within its year: the <round> in USRG-IF-<year>-<round>-<nnn>.
    number: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    budget_cents: Mapped[Cents]
    cap_cents: Mapped[Cents]
    reviews_needed: Mapped[int] = mapped_column(Integer, default=3)
    review_deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.DRAFT.value)
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubrics.id"))
    # Highest sequence number handed out, so a reference is never reused.
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class RoundAdmittedBody(Base):
    """A body other than a member city that a round admits as an applicant."""

    __tablename__ = "round_admitted_bodies"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), primary_key=True)


class ScreeningCheck(Base):
    """One item of a round's screening checklist."""

    __tablename__ = "screening_checks"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))


class RoundTheme(Base):
    """One theme of a round's call; each application says which of its round's themes it
    addresses (the funder's report counts applications by theme)."""

    __tablename__ = "round_themes"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120))


class Application(Versioned, Base):
    """An application to a round by a member city or an admitted body."""

    __tablename__ = "applications"
    __table_args__ = (
        one_of("state", ApplicationState),
        CheckConstraint("requested_cents >= 0", name="requested_not_negative"),
        CheckConstraint(
            "(applicant_city_id IS NULL) <> (applicant_body_id IS NULL)", name="one_applicant"
        ),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"
        ),
        UniqueConstraint("round_id", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    sequence: Mapped[int | None] = mapped_column(Integer)
    applicant_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    applicant_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    # Which of its round's themes it addresses (none for a round without themes).
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("round_themes.id"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    intervention: Mapped[str] = mapped_column(Text, default="")
    requested_cents: Mapped[Cents]
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    state: Mapped[str] = mapped_column(String(20), default=ApplicationState.DRAFT.value, index=True)
    state_changed_at: Mapped[datetime]
    created_at: Mapped[datetime]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")


class BudgetLine(Base):
    """One line of an application's budget; the lines add up to the amount requested."""

    __tablename__ = "budget_lines"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[Cents]


class Attachment(Base):
    """A file attached to an application, kept in the database with its SHA-256."""

    __tablename__ = "attachments"
    __table_args__ = (
        one_of("kind", AttachmentKind),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    added_at: Mapped[datetime]


class ScreeningResult(Base):
    """Whether an application passed one screening check, and who ticked it."""

    __tablename__ = "screening_results"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("screening_checks.id"), primary_key=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime]
