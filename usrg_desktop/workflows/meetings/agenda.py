"""The agenda builder: ordered items per meeting day, computed start times, the standard template.

Start times are never stored: they follow from the day's start time (on the meeting) and the
durations of the items before. A day that runs past its end time is reported as a sentence in
`Agenda.warnings`, not refused: the coordinator decides what to cut. Open action items of
earlier meetings are listed under "matters arising" by a query, not copied into the agenda.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...domain.accounts import Role
from ...domain.directory import City, Person, PersonRole
from ...domain.meetings import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemKind,
    AgendaPurpose,
    Meeting,
    MeetingStatus,
    Minute,
)
from .. import Actor, Column, FieldErrors, Listing, PermissionDenied, WorkflowError, edit_conflict
from ..system.audit_trail import audit
from .meeting_times import bump_if_calendar_moved, calendar_times

MEETING_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT, Role.COORDINATOR})
MAX_DURATION_MINUTES = 600
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


# -- guards and audit -----------------------------------------------------------------------------
def check_role(actor: Actor, doing: str) -> None:
    """Refuse unless the actor is a coordinator, the secretariat or an administrator."""
    if actor.role not in MEETING_ROLES:
        raise PermissionDenied(
            f"Only a meeting coordinator, the secretariat or an administrator may {doing}."
        )


def _editable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise WorkflowError(
            f"Meeting {meeting.number} is cancelled, so its agenda cannot be changed."
        )


def _renumber(items: list[AgendaItem]) -> None:
    for n, item in enumerate(items, start=1):
        item.position = n


# -- validation -----------------------------------------------------------------------------------
def _valid_fields(
    *,
    day: int,
    kind: str,
    title: str,
    presenter: str,
    duration_minutes: int | str,
    purpose: str,
) -> tuple[int, str, str, str, int, str]:
    errors: dict[str, str] = {}
    if day not in _DAYS:
        errors["day"] = "Day must be 1 or 2."
    kinds = [k.value for k in AgendaItemKind]
    if kind not in kinds:
        errors["kind"] = f"Type must be one of: {', '.join(kinds)}."
    title = (title or "").strip()
    if not title:
        errors["title"] = "Title is required."
    elif len(title) > 300:
        errors["title"] = "Title is longer than 300 characters."
    presenter = (presenter or "").strip()
    if len(presenter) > 200:
        errors["presenter"] = "Presenter is longer than 200 characters."
    try:
        minutes = int(str(duration_minutes).strip())
    except ValueError:
        minutes = 0
        errors["duration_minutes"] = "Duration must be a whole number of minutes."
    else:
        if not 1 <= minutes <= MAX_DURATION_MINUTES:
            errors["duration_minutes"] = (
                f"Duration must be between 1 and {MAX_DURATION_MINUTES} minutes."
            )
    purposes = [p.value for p in AgendaPurpose]
    if purpose not in purposes:
        errors["purpose"] = f"Purpose must be one of: {', '.join(purposes)}."
    if errors:
        raise FieldErrors(errors)
    return day, kind, title, presenter, minutes, purpose


# -- actions --------------------------------------------------------------------------------------
def add_agenda_item(
    session: Session,
    *,
    meeting_id: int,
    actor: Actor,
    now: datetime,
    day: int,
    kind: str,
    title: str,
    duration_minutes: int | str,
    presenter: str = "",
    purpose: str = AgendaPurpose.INFORMATION.value,
    description: str = "",
    position: int | None = None,
) -> int:
    """Add an item to a day of the agenda (at the end, or at 1-based `position`); its id."""
    check_role(actor, "change an agenda")
    meeting = load_meeting(session, meeting_id, lock=True)
    before = calendar_times(session, meeting)
    _editable(meeting)
    day, kind, title, presenter, minutes, purpose = _valid_fields(
        day=day,
        kind=kind,
        title=title,
        presenter=presenter,
        duration_minutes=duration_minutes,
        purpose=purpose,
    )
    items = _items(session, meeting_id, day)
    item = AgendaItem(
        meeting_id=meeting_id,
        day=day,
        position=len(items) + 1,
        kind=kind,
        title=title,
        presenter=presenter,
        duration_minutes=minutes,
        purpose=purpose,
        description=(description or "").strip(),
    )
    session.add(item)
    at = len(items) if position is None else max(0, min(position - 1, len(items)))
    items.insert(at, item)
    _renumber(items)
    session.flush()
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting_id,
        action="agenda_add",
        detail=f"Day {day}, item {at + 1}: {title} ({minutes} min)",
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)
    return item.id


def _item(session: Session, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is not None:
        meeting = load_meeting(session, item.meeting_id, lock=True)
        # Re-read under the meeting's lock: another workstation may have changed or removed the
        # item between the first read and the lock.
        item = session.get(AgendaItem, item_id, populate_existing=True)
    if item is None:
        raise WorkflowError(f"There is no agenda item with id {item_id}; it may have been removed.")
    _editable(meeting)
    return item, meeting


def edit_agenda_item(
    session: Session,
    *,
    item_id: int,
    actor: Actor,
    now: datetime,
    kind: str,
    title: str,
    duration_minutes: int | str,
    presenter: str = "",
    purpose: str = AgendaPurpose.INFORMATION.value,
    description: str = "",
    seen_version: int | None = None,
) -> None:
    """Change an agenda item's type, title, presenter, duration, purpose and description.

    `seen_version` is the item's version when the form opened: when someone saved the item
    since, EditConflict names them and nothing is written.
    """
    check_role(actor, "change an agenda")
    item, meeting = _item(session, item_id)
    before = calendar_times(session, meeting)
    if seen_version is not None and item.version != seen_version:
        raise edit_conflict(
            session,
            entity="meeting",
            entity_id=meeting.id,
            name=f"the agenda item '{item.title}'",
            actions=("agenda_edit",),
        )
    _, kind, title, presenter, minutes, purpose = _valid_fields(
        day=item.day,
        kind=kind,
        title=title,
        presenter=presenter,
        duration_minutes=duration_minutes,
        purpose=purpose,
    )
    changes = []
    for name, value in (
        ("kind", kind),
        ("title", title),
        ("presenter", presenter),
        ("duration_minutes", minutes),
        ("purpose", purpose),
        ("description", (description or "").strip()),
    ):
        if getattr(item, name) != value:
            changes.append(f"{name.replace('_', ' ')}: {getattr(item, name)!s} → {value!s}")
            setattr(item, name, value)
    if not changes:
        return
    item.version = (item.version or 1) + 1
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="agenda_edit",
        detail=f"{title}: " + "; ".join(changes),
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)


def remove_agenda_item(session: Session, *, item_id: int, actor: Actor, now: datetime) -> None:
    """Remove an agenda item that has no minutes or action items recorded against it."""
    check_role(actor, "change an agenda")
    item, meeting = _item(session, item_id)
    before = calendar_times(session, meeting)
    used = session.scalar(
        select(func.count()).select_from(Minute).where(Minute.agenda_item_id == item_id)
    ) or session.scalar(
        select(func.count()).select_from(ActionItem).where(ActionItem.agenda_item_id == item_id)
    )
    if used:
        raise WorkflowError(
            f"'{item.title}' has minutes or action items recorded against it, so it cannot be "
            "removed from the agenda."
        )
    day, title = item.day, item.title
    session.delete(item)
    session.flush()
    _renumber(_items(session, meeting.id, day))
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="agenda_remove",
        detail=f"Day {day}: {title}",
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)


def move_agenda_item(
    session: Session, *, item_id: int, actor: Actor, now: datetime, day: int, position: int
) -> None:
    """Move an item to 1-based `position` of `day` (the same day or the other one)."""
    check_role(actor, "change an agenda")
    if day not in _DAYS:
        raise WorkflowError("An agenda item can move only to day 1 or day 2.")
    item, meeting = _item(session, item_id)
    before = calendar_times(session, meeting)
    source_day, old_position = item.day, item.position
    source = [i for i in _items(session, meeting.id, source_day) if i.id != item.id]
    target = source if day == source_day else _items(session, meeting.id, day)
    at = max(0, min(position - 1, len(target)))
    target.insert(at, item)
    item.day = day
    _renumber(source)
    _renumber(target)
    if (source_day, old_position) == (day, item.position):
        return
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="agenda_move",
        detail=f"{item.title}: day {source_day} item {old_position} → day {day} item {at + 1}",
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)


# -- the standard template ------------------------------------------------------------------------
def _host_focal_person(session: Session, city_id: int) -> str:
    name = session.scalar(
        select(Person.full_name)
        .where(
            Person.city_id == city_id,
            Person.role == PersonRole.FOCAL_PERSON.value,
            Person.active.is_(True),
            Person.anonymised_at.is_(None),
        )
        .order_by(Person.id)
        .limit(1)
    )
    return name or ""


def standard_template(
    *, host: str, host_presenter: str, exposure_site: str
) -> list[tuple[int, AgendaItemKind, str, str, int, AgendaPurpose]]:
    """The standard USRG agenda: (day, type, title, presenter, minutes, purpose) per item.

    Day 1 takes 7 h 30 (09:00 to 16:30, or 08:30 to 16:00), with the exposure visit in the
    afternoon; day 2 takes 3 h 45 (08:30 to 12:15), ending with lunch and departure.
    """
    K, P = AgendaItemKind, AgendaPurpose
    visit = f"Exposure visit: {exposure_site}" if exposure_site.strip() else "Exposure visit"
    chair = "Chair (SACN)"
    return [
        (1, K.WELCOME, f"Welcome by the host city, {host}", host_presenter or host, 15,
         P.INFORMATION),
        (1, K.SESSION, "Apologies, introductions and declarations of interest", chair, 15,
         P.INFORMATION),
        (1, K.SESSION, "Minutes of the previous meeting", chair, 15, P.DECISION),
        (1, K.DISCUSSION, "Matters arising and open action items", chair, 30, P.DISCUSSION),
        (1, K.BREAK, "Tea", "", 15, P.INFORMATION),
        (1, K.PRESENTATION, "City updates", "Member cities", 75, P.INFORMATION),
        (1, K.PRESENTATION, "National updates", "National and partner bodies", 45,
         P.INFORMATION),
        (1, K.LUNCH, "Lunch", "", 45, P.INFORMATION),
        (1, K.EXPOSURE_VISIT, visit, host_presenter or host, 180, P.INFORMATION),
        (1, K.DISCUSSION, "Reflections on the exposure visit", chair, 15, P.DISCUSSION),
        (2, K.SESSION, "Recap of day one", chair, 15, P.INFORMATION),
        (2, K.PRESENTATION, "Thematic session", "Invited speakers", 90, P.DISCUSSION),
        (2, K.BREAK, "Tea", "", 15, P.INFORMATION),
        (2, K.PRESENTATION, "Innovation fund update", "SACN secretariat", 45, P.DECISION),
        (2, K.SESSION, "Next meeting: host, dates and theme", chair, 15, P.DECISION),
        (2, K.CLOSING, "Any other business and close", chair, 15, P.INFORMATION),
        (2, K.LUNCH, "Lunch and departure", "", 30, P.INFORMATION),
    ]  # fmt: skip


def apply_standard_template(
    session: Session, *, meeting_id: int, actor: Actor, now: datetime
) -> list[int]:
    """Fill an empty agenda with the standard USRG agenda; the new items' ids in order."""
    check_role(actor, "change an agenda")
    meeting = load_meeting(session, meeting_id, lock=True)
    before = calendar_times(session, meeting)
    _editable(meeting)
    if _items(session, meeting_id):
        raise WorkflowError(
            f"Meeting {meeting.number} already has an agenda; the standard template fills only "
            "an empty one."
        )
    city = session.get(City, meeting.host_city_id)
    host = city.short_name if city is not None else "host city"
    presenter = _host_focal_person(session, meeting.host_city_id)
    ids = []
    position = {1: 0, 2: 0}
    for day, kind, title, who, minutes, purpose in standard_template(
        host=host, host_presenter=presenter, exposure_site=meeting.exposure_site or ""
    ):
        position[day] += 1
        item = AgendaItem(
            meeting_id=meeting_id,
            day=day,
            position=position[day],
            kind=kind.value,
            title=title,
            presenter=who,
            duration_minutes=minutes,
            purpose=purpose.value,
            description="",
        )
        session.add(item)
        session.flush()
        ids.append(item.id)
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting_id,
        action="agenda_template",
        detail=f"Standard agenda applied: {len(ids)} items",
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)
    return ids
