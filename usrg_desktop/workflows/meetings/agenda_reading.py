"""Reading a meeting's agenda: its days, items with computed times, and matters arising.

Start times are never stored: they follow from the day's start time (on the meeting) and the
durations of the items before (`schedule`). A day that runs past its end time gets a warning
sentence (`overrun_warning`), not a refusal. Open action items of earlier meetings are listed
under "matters arising" by a query, not copied into the agenda.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...domain.directory import Person
from ...domain.meetings import ActionItem, ActionStatus, AgendaItem, Meeting
from .. import Column, Listing, WorkflowError

OPEN_ACTION_STATUSES = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
_DAYS = (1, 2)


# -- plain results --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgendaRow:
    """One agenda item with its computed start and end times."""

    id: int
    day: int
    position: int
    kind: str
    title: str
    presenter: str
    duration_minutes: int
    purpose: str
    description: str
    starts: str  # "HH:MM"
    ends: str  # "HH:MM" (may pass the day's end)
    version: int = 1  # for the editor's check that nobody saved the item since it opened


@dataclass(frozen=True)
class AgendaDay:
    """One meeting day: its date, planned start and end, items, and a warning when it overruns."""

    day: int
    on: date
    start: str
    end: str
    items: list[AgendaRow]
    warning: str | None = None

    @property
    def total_minutes(self) -> int:
        """The minutes the day's items take together."""
        return sum(item.duration_minutes for item in self.items)


@dataclass(frozen=True)
class MatterArising:
    """An action item of an earlier meeting that was still open when this meeting started."""

    id: int
    number: int
    meeting_number: int
    description: str
    owner: str
    due_on: date | None
    status: str
    overdue: bool


@dataclass(frozen=True)
class Agenda:
    """A meeting's agenda as the screens and the meeting pack show it."""

    meeting_id: int
    meeting_number: int
    days: list[AgendaDay]
    matters_arising: list[MatterArising] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """One sentence per day that runs past its end time."""
        return [d.warning for d in self.days if d.warning]

    @property
    def is_empty(self) -> bool:
        """Whether the meeting has no agenda items yet."""
        return not any(d.items for d in self.days)


# -- pure time arithmetic -------------------------------------------------------------------------
def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def clock(minutes: int) -> str:
    """Minutes after midnight as 'HH:MM' (past midnight shown as '24:15' and on)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def schedule(start: time, durations: list[int]) -> list[tuple[str, str]]:
    """The (start, end) clock times of items of these durations, one after the other."""
    times = []
    at = _minutes(start)
    for duration in durations:
        times.append((clock(at), clock(at + duration)))
        at += duration
    return times


def overrun_warning(day: int, on: date, start: time, end: time, durations: list[int]) -> str | None:
    """A sentence when items of these durations, from `start`, run past `end`; else None."""
    finish = _minutes(start) + sum(durations)
    over = finish - _minutes(end)
    if over <= 0:
        return None
    return (
        f"Day {day} ({on.strftime('%A')} {on.day} {on.strftime('%B %Y')}) runs until "
        f"{clock(finish)}, {_duration_words(over)} past its planned end at {clock(_minutes(end))}."
    )


def _duration_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


# -- reading --------------------------------------------------------------------------------------
def load_meeting(session: Session, meeting_id: int, *, lock: bool = False) -> Meeting:
    """The meeting with this id, or a refusal saying there is none."""
    meeting = session.get(Meeting, meeting_id, with_for_update=lock)
    if meeting is None:
        raise WorkflowError(f"There is no meeting with id {meeting_id}.")
    return meeting


def _day_bounds(meeting: Meeting, day: int) -> tuple[date, time, time]:
    if day == 1:
        return meeting.starts_on, meeting.day1_start, meeting.day1_end
    return meeting.ends_on, meeting.day2_start, meeting.day2_end


def _items(session: Session, meeting_id: int, day: int | None = None) -> list[AgendaItem]:
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    if day is not None:
        query = query.where(AgendaItem.day == day)
    return list(session.scalars(query.order_by(AgendaItem.day, AgendaItem.position, AgendaItem.id)))


def meeting_agenda(session: Session, *, meeting_id: int, today: date) -> Agenda:
    """The meeting's agenda by day with start times, overrun warnings and matters arising."""
    meeting = load_meeting(session, meeting_id)
    items = _items(session, meeting_id)
    days = []
    for day in _DAYS:
        on, start, end = _day_bounds(meeting, day)
        mine = [i for i in items if i.day == day]
        durations = [i.duration_minutes for i in mine]
        rows = [
            AgendaRow(
                i.id,
                i.day,
                n,
                i.kind,
                i.title,
                i.presenter,
                i.duration_minutes,
                i.purpose,
                i.description,
                starts,
                ends,
                i.version,
            )
            for n, (i, (starts, ends)) in enumerate(
                zip(mine, schedule(start, durations), strict=True), start=1
            )
        ]
        days.append(
            AgendaDay(
                day,
                on,
                clock(_minutes(start)),
                clock(_minutes(end)),
                rows,
                overrun_warning(day, on, start, end, durations),
            )
        )
    return Agenda(meeting.id, meeting.number, days, matters_arising(session, meeting, today))


def matters_arising(session: Session, meeting: Meeting, today: date) -> list[MatterArising]:
    """Action items of earlier meetings that were open when this meeting began, oldest first.

    An item still open (or in progress) is listed; so is one done on or after this meeting's
    first day, because at the meeting it was still open. Dropped items are not listed.
    """
    rows = session.execute(
        select(
            ActionItem.id,
            ActionItem.number,
            Meeting.number,
            ActionItem.description,
            func.coalesce(Person.full_name, ActionItem.owner_text),
            ActionItem.due_on,
            ActionItem.status,
        )
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(Person, Person.id == ActionItem.owner_person_id)
        .where(
            Meeting.starts_on < meeting.starts_on,
            or_(
                ActionItem.status.in_(OPEN_ACTION_STATUSES),
                (ActionItem.status == ActionStatus.DONE.value)
                & (ActionItem.done_on >= meeting.starts_on),
            ),
        )
        .order_by(ActionItem.number)
    ).all()
    return [
        MatterArising(
            int(aid),
            int(number),
            int(meeting_number),
            description,
            owner or "",
            due,
            status,
            status in OPEN_ACTION_STATUSES and due is not None and due < today,
        )
        for aid, number, meeting_number, description, owner, due, status in rows
    ]


AGENDA_COLUMNS = [
    Column("day", "Day", "int"),
    Column("position", "No.", "int"),
    Column("start", "Start"),
    Column("end", "End"),
    Column("minutes", "Minutes", "int"),
    Column("type", "Type"),
    Column("title", "Title"),
    Column("presenter", "Presenter"),
    Column("purpose", "Purpose"),
]


def agenda_listing(agenda: Agenda) -> Listing:
    """The agenda as a list (both days, in order) for export and the command line."""
    items = [item for day in agenda.days for item in day.items]
    return Listing(
        f"Agenda of meeting {agenda.meeting_number}",
        AGENDA_COLUMNS,
        [
            (
                i.day,
                i.position,
                i.starts,
                i.ends,
                i.duration_minutes,
                i.kind,
                i.title,
                i.presenter,
                i.purpose,
            )
            for i in items
        ],
        [i.id for i in items],
    )
