"""Quarterly meetings: hosting, agendas, invitations and attendance, minutes and action items."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, StrEnum, Versioned, one_of


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    HELD = "held"
    CANCELLED = "cancelled"


class AgendaItemKind(StrEnum):
    WELCOME = "welcome"
    SESSION = "session"
    PRESENTATION = "presentation"
    DISCUSSION = "discussion"
    BREAK = "break"
    LUNCH = "lunch"
    EXPOSURE_VISIT = "exposure visit"
    CLOSING = "closing"


class AgendaPurpose(StrEnum):
    DECISION = "decision"
    DISCUSSION = "discussion"
    INFORMATION = "information"


class Rsvp(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    APOLOGY = "apology"
    DECLINED = "declined"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class Meeting(Versioned, Base):
    """A quarterly USRG meeting hosted by a member city."""

    __tablename__ = "meetings"
    __table_args__ = (
        one_of("status", MeetingStatus),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    host_city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    day1_start: Mapped[time] = mapped_column(Time, default=time(9, 0))
    day1_end: Mapped[time] = mapped_column(Time, default=time(17, 0))
    day2_start: Mapped[time] = mapped_column(Time, default=time(8, 30))
    day2_end: Mapped[time] = mapped_column(Time, default=time(13, 0))
    venue: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.PLANNED.value)
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    exposure_site: Mapped[str] = mapped_column(String(300), default="")
    exposure_purpose: Mapped[str] = mapped_column(Text, default="")
    exposure_transport: Mapped[str] = mapped_column(Text, default="")
    exposure_contact: Mapped[str] = mapped_column(String(300), default="")
    # iCalendar SEQUENCE: goes up each time the meeting's dates, times or venue change.
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class HostVolunteer(Base):
    """A city's offer to host the meeting of a given quarter."""

    __tablename__ = "host_volunteers"
    __table_args__ = (
        UniqueConstraint("city_id", "year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class HostUnavailability(Base):
    """A period in which a city cannot host."""

    __tablename__ = "host_unavailability"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class BlackoutPeriod(Base):
    """A yearly period with no meetings (default 15 December to 15 January)."""

    __tablename__ = "blackout_periods"
    __table_args__ = (
        CheckConstraint(
            "start_month BETWEEN 1 AND 12 AND end_month BETWEEN 1 AND 12", name="months_valid"
        ),
        CheckConstraint(
            "start_day BETWEEN 1 AND 31 AND end_day BETWEEN 1 AND 31", name="days_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    start_month: Mapped[int] = mapped_column(Integer)
    start_day: Mapped[int] = mapped_column(Integer)
    end_month: Mapped[int] = mapped_column(Integer)
    end_day: Mapped[int] = mapped_column(Integer)


class AgendaItem(Versioned, Base):
    """One item on a meeting day's agenda; start times follow from the order and durations."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        one_of("kind", AgendaItemKind),
        one_of("purpose", AgendaPurpose),
        CheckConstraint("day IN (1, 2)", name="day_valid"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(20), default=AgendaPurpose.INFORMATION.value)
    description: Mapped[str] = mapped_column(Text, default="")


class Invitation(Base):
    """A person invited to a meeting, their RSVP and attendance."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"), one_of("rsvp", Rsvp))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    rsvp: Mapped[str] = mapped_column(String(20), default=Rsvp.PENDING.value)
    apology_note: Mapped[str] = mapped_column(Text, default="")
    attended_day1: Mapped[bool] = mapped_column(Boolean, default=False)
    attended_day2: Mapped[bool] = mapped_column(Boolean, default=False)
    attended_visit: Mapped[bool] = mapped_column(Boolean, default=False)


class Minute(Versioned, Base):
    """The minutes recorded against one agenda item (or the meeting as a whole)."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]


class ActionItem(Base):
    """An action agreed at a meeting, carried forward until done."""

    __tablename__ = "action_items"
    __table_args__ = (one_of("status", ActionStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Numbered across meetings, so "action 57" means the same thing at every later meeting.
    number: Mapped[int] = mapped_column(Integer, unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    description: Mapped[str] = mapped_column(Text)
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    owner_text: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)


class MeetingAnnex(Base):
    """A PDF attached to a meeting and merged into its pack."""

    __tablename__ = "meeting_annexes"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    # The agenda item whose papers it is (None: the pack's general annexes).
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
