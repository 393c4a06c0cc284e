"""Review and scoring: rubrics, reviewers, assignments, conflicts, scores and offline packets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, StrEnum, Versioned, one_of


class Recommendation(StrEnum):
    FUND = "fund"
    FUND_WITH_CONDITIONS = "fund with conditions"
    DO_NOT_FUND = "do not fund"


class AssignmentStatus(StrEnum):
    ASSIGNED = "assigned"
    SCORED = "scored"
    CONFLICT = "conflict"


class AssignmentMethod(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class ConflictKind(StrEnum):
    AFFILIATION = "affiliation"
    FINANCIAL = "financial"
    PERSONAL = "personal"
    PROFESSIONAL = "professional"
    OTHER = "other"


class Rubric(Versioned, Base):
    """A scoring rubric: weighted criteria, each on a scale with level descriptors."""

    __tablename__ = "rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class Criterion(Base):
    """One weighted criterion of a rubric."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("rubric_id", "code"),
        CheckConstraint("weight_percent > 0 AND weight_percent <= 100", name="weight_range"),
        CheckConstraint("scale_min < scale_max", name="scale_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    weight_percent: Mapped[int] = mapped_column(Integer)
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class CriterionLevel(Base):
    """What one level of a criterion's scale means."""

    __tablename__ = "criterion_levels"

    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    descriptor: Mapped[str] = mapped_column(Text)


class Reviewer(Base):
    """A person in the directory who reviews applications."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    expertise: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReviewerAffiliation(Base):
    """A city or body a reviewer is affiliated with; never theirs to review."""

    __tablename__ = "reviewer_affiliations"
    __table_args__ = (
        CheckConstraint("(city_id IS NULL) <> (body_id IS NULL)", name="one_affiliation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))


class Assignment(Base):
    """An application assigned to a reviewer, with the review they returned."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("application_id", "reviewer_id"),
        one_of("status", AssignmentStatus),
        one_of("method", AssignmentMethod),
        CheckConstraint(
            "recommendation IS NULL OR recommendation IN "
            "('fund', 'fund with conditions', 'do not fund')",
            name="recommendation_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    method: Mapped[str] = mapped_column(String(20), default=AssignmentMethod.AUTOMATIC.value)
    status: Mapped[str] = mapped_column(String(20), default=AssignmentStatus.ASSIGNED.value)
    assigned_at: Mapped[datetime]
    recommendation: Mapped[str | None] = mapped_column(String(30))
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime | None]
    scores_import_id: Mapped[int | None] = mapped_column(ForeignKey("scores_imports.id"))


class Conflict(Base):
    """A conflict of interest between a reviewer and an application."""

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("reviewer_id", "application_id"),
        one_of("kind", ConflictKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime]


class Score(Base):
    """A reviewer's score on one criterion for one assigned application."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("assignment_id", "criterion_id"),
        # Covers the applications list's score aggregate: no table lookups for 250,000 scores.
        Index("ix_scores_assignment_criterion_score", "assignment_id", "criterion_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")


class ReviewPacket(Base):
    """A review packet issued to a reviewer for a round, with the secret that signs their scores."""

    __tablename__ = "review_packets"
    __table_args__ = (UniqueConstraint("round_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"))
    packet_uid: Mapped[str] = mapped_column(String(64), unique=True)
    signing_secret: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime]


class ScoresImport(Base):
    """A scores file imported from a reviewer; the newest one per packet counts."""

    __tablename__ = "scores_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("review_packets.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    exported_at: Mapped[datetime]
    imported_at: Mapped[datetime]
    imported_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
