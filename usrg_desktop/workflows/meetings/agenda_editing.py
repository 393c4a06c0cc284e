"""Changing a meeting's agenda: who may, and adding, editing, removing and moving items.

Only an administrator, the secretariat or a coordinator (`MEETING_ROLES`, checked by
`check_role`, which the other meeting workflows use too) may change an agenda, and only while
not on a cancelled meeting. Each change is audited, and raises the meeting's calendar
sequence when it moves a time the invitations show.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.accounts import Role
from ...domain.meetings import (
    ActionItem,
    AgendaItem,
    AgendaItemKind,
    AgendaPurpose,
    Meeting,
    MeetingStatus,
    Minute,
)
from .. import Actor, FieldErrors, PermissionDenied, WorkflowError, edit_conflict
from ..system.audit_trail import audit
from .agenda_reading import _DAYS, _items, load_meeting
from .meeting_times import bump_if_calendar_moved, calendar_times

MEETING_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT, Role.COORDINATOR})
MAX_DURATION_MINUTES = 600


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
        "meeting",
        meeting_id,
        "agenda_add",
        actor=actor,
        now=now,
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
        "meeting",
        meeting.id,
        "agenda_edit",
        actor=actor,
        now=now,
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
        "meeting",
        meeting.id,
        "agenda_remove",
        actor=actor,
        now=now,
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
        "meeting",
        meeting.id,
        "agenda_move",
        actor=actor,
        now=now,
        detail=f"{item.title}: day {source_day} item {old_position} → day {day} item {at + 1}",
    )
    session.flush()
    bump_if_calendar_moved(session, meeting, before)
