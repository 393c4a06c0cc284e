"""Minutes per agenda item, and action items numbered across meetings and carried forward.

An action item keeps its number for life ("action 57" means the same thing at every later
meeting). It stays on the tracker of each later meeting (under matters arising, computed by
`agenda.matters_arising`) until it is done or dropped; an open item whose due date has passed
`today` is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...domain.directory import Person
from ...domain.meetings import ActionItem, ActionStatus, AgendaItem, Meeting, MeetingStatus, Minute
from .. import Actor, FieldErrors, WorkflowError, edit_conflict, get_for_update
from ..system.audit_trail import audit
from .agenda import OPEN_ACTION_STATUSES, check_role, load_meeting, matters_arising

MAX_MINUTE_CHARS = 20_000
NUMBER_ATTEMPTS = 5


# -- minutes --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MinuteRow:
    """The minutes of one agenda item (agenda_item_id None: the meeting as a whole)."""

    agenda_item_id: int | None
    day: int | None
    position: int | None
    title: str
    text: str


def _not_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise WorkflowError(f"Meeting {meeting.number} was cancelled; it has no minutes.")


def meeting_minutes(session: Session, *, meeting_id: int) -> list[MinuteRow]:
    """Every agenda item of the meeting in order with its minutes, then general minutes."""
    load_meeting(session, meeting_id)
    items = session.execute(
        select(AgendaItem.id, AgendaItem.day, AgendaItem.position, AgendaItem.title)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.day, AgendaItem.position, AgendaItem.id)
    ).all()
    texts = {
        item_id: text
        for item_id, text in session.execute(
            select(Minute.agenda_item_id, Minute.text).where(Minute.meeting_id == meeting_id)
        )
    }
    rows = [
        MinuteRow(int(i), int(day), int(pos), title, texts.get(i, ""))
        for i, day, pos, title in items
    ]
    rows.append(MinuteRow(None, None, None, "General minutes", texts.get(None, "")))
    return rows


def record_minutes(
    session: Session,
    *,
    meeting_id: int,
    agenda_item_id: int | None,
    text: str,
    actor: Actor,
    now: datetime,
    seen_text: str | None = None,
) -> None:
    """Keep the minutes of one agenda item (or of the meeting); empty text removes them.

    `seen_text` is the text the editor opened with: when someone else recorded different
    minutes since, EditConflict names them and nothing is written.
    """
    check_role(actor, "record minutes")
    meeting = load_meeting(session, meeting_id, lock=True)
    _not_cancelled(meeting)
    title = "the meeting as a whole"
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting_id:
            raise WorkflowError(
                f"That agenda item is not on the agenda of meeting {meeting.number}."
            )
        title = f"'{item.title}'"
    text = (text or "").strip()
    if len(text) > MAX_MINUTE_CHARS:
        raise WorkflowError(
            f"The minutes of {title} are longer than {MAX_MINUTE_CHARS:,} characters; "
            "attach long reports as an annex instead.".replace(",", " ")
        )
    query = select(Minute).where(Minute.meeting_id == meeting_id)
    query = query.where(
        Minute.agenda_item_id.is_(None)
        if agenda_item_id is None
        else Minute.agenda_item_id == agenda_item_id
    )
    existing = session.scalars(query).all()
    if len(existing) == 1 and existing[0].text == text:
        return
    current = "\n\n".join(row.text for row in existing)
    if seen_text is not None and current != (seen_text or "").strip():
        raise edit_conflict(
            session,
            entity="meeting",
            entity_id=meeting_id,
            name=f"the minutes of {title}",
            actions=("minutes",),
        )
    if not existing and not text:
        return
    for row in existing:
        session.delete(row)
    if text:
        session.add(
            Minute(meeting_id=meeting_id, agenda_item_id=agenda_item_id, text=text, recorded_at=now)
        )
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting_id,
        action="minutes",
        detail=f"Minutes of {title} " + ("recorded" if text else "removed"),
    )
    session.flush()


# -- action items ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionRow:
    """An action item as the minutes panel shows it."""

    id: int
    number: int
    meeting_number: int
    description: str
    owner: str
    owner_person_id: int | None
    due_on: date | None
    status: str
    done_on: date | None
    overdue: bool
    carried: bool  # raised at an earlier meeting, still open at this one


def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Whether an action item is open past its due date."""
    return status in OPEN_ACTION_STATUSES and due_on is not None and due_on < today


def meeting_action_items(session: Session, *, meeting_id: int, today: date) -> list[ActionRow]:
    """The actions carried forward to this meeting (oldest first), then those raised at it."""
    meeting = load_meeting(session, meeting_id)
    carried_ids = [m.id for m in matters_arising(session, meeting, today)]
    rows = session.execute(
        select(
            ActionItem.id,
            ActionItem.number,
            Meeting.number,
            ActionItem.description,
            func.coalesce(Person.full_name, ActionItem.owner_text),
            ActionItem.owner_person_id,
            ActionItem.due_on,
            ActionItem.status,
            ActionItem.done_on,
        )
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(Person, Person.id == ActionItem.owner_person_id)
        .where((ActionItem.meeting_id == meeting_id) | ActionItem.id.in_(carried_ids or [-1]))
        .order_by(ActionItem.number)
    ).all()
    result = [
        ActionRow(
            int(aid),
            int(number),
            int(meeting_number),
            description,
            owner or "",
            owner_id,
            due,
            status,
            done,
            is_overdue(status, due, today),
            aid in carried_ids,
        )
        for aid, number, meeting_number, description, owner, owner_id, due, status, done in rows
    ]
    result.sort(key=lambda r: (not r.carried, r.number))
    return result


def action_meeting_id(session: Session, *, action_id: int) -> int:
    """The id of the meeting an action item was raised at."""
    meeting_id = session.scalar(select(ActionItem.meeting_id).where(ActionItem.id == action_id))
    if meeting_id is None:
        raise WorkflowError(f"There is no action item with id {action_id}.")
    return int(meeting_id)


def next_action_number(session: Session) -> int:
    """The number the next action item gets: one more than the highest ever given."""
    return int(session.scalar(select(func.coalesce(func.max(ActionItem.number), 0))) or 0) + 1


def _valid_action(
    session: Session,
    meeting: Meeting,
    *,
    description: str,
    owner_text: str,
    owner_person_id: int | None,
    due_on: date | None,
    agenda_item_id: int | None,
) -> tuple[str, str, int | None]:
    errors: dict[str, str] = {}
    description = (description or "").strip()
    owner_text = (owner_text or "").strip()
    if not description:
        errors["description"] = "Action is required: say what is to be done."
    if owner_person_id is not None:
        person = session.get(Person, owner_person_id)
        if person is None or person.anonymised_at is not None:
            errors["owner"] = "The owner is not in the directory."
        else:
            owner_text = ""
    elif not owner_text:
        errors["owner"] = "Owner is required: a person or a body responsible for the action."
    elif len(owner_text) > 200:
        errors["owner"] = "Owner is longer than 200 characters."
    if due_on is not None and due_on < meeting.starts_on:
        errors["due_on"] = (
            f"Due date {due_on.isoformat()} is before meeting {meeting.number} "
            f"({meeting.starts_on.isoformat()})."
        )
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            errors["agenda_item"] = f"That agenda item is not on meeting {meeting.number}'s agenda."
    if errors:
        raise FieldErrors(errors)
    return description, owner_text, owner_person_id


def add_action_item(
    session: Session,
    *,
    meeting_id: int,
    description: str,
    actor: Actor,
    now: datetime,
    owner_text: str = "",
    owner_person_id: int | None = None,
    due_on: date | None = None,
    agenda_item_id: int | None = None,
) -> tuple[int, int]:
    """Record an action agreed at a meeting; its (id, number), the number following the last."""
    check_role(actor, "record action items")
    meeting = load_meeting(session, meeting_id, lock=True)
    _not_cancelled(meeting)
    description, owner_text, owner_person_id = _valid_action(
        session,
        meeting,
        description=description,
        owner_text=owner_text,
        owner_person_id=owner_person_id,
        due_on=due_on,
        agenda_item_id=agenda_item_id,
    )
    # Another workstation may take the same next number between our read and our insert (on
    # PostgreSQL the unique index makes us wait for it, then refuses): read again and retry.
    for attempt in range(NUMBER_ATTEMPTS):
        number = next_action_number(session)
        action = ActionItem(
            number=number,
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
            description=description,
            owner_person_id=owner_person_id,
            owner_text=owner_text,
            due_on=due_on,
            status=ActionStatus.OPEN.value,
        )
        try:
            with session.begin_nested():
                session.add(action)
                session.flush()
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise WorkflowError(
                    "Another workstation was numbering action items at the same moment; try again."
                ) from None
    audit(
        session,
        actor=actor,
        now=now,
        entity="action_item",
        entity_id=action.id,
        action="action_add",
        to_state=ActionStatus.OPEN.value,
        detail=f"Action {number} at meeting {meeting.number}: {description}",
    )
    session.flush()
    return action.id, number


def _action(session: Session, action_id: int) -> tuple[ActionItem, Meeting]:
    action = get_for_update(session, ActionItem, action_id)
    if action is None:
        raise WorkflowError(f"There is no action item with id {action_id}.")
    return action, load_meeting(session, action.meeting_id)


def edit_action_item(
    session: Session,
    *,
    action_id: int,
    description: str,
    actor: Actor,
    now: datetime,
    owner_text: str = "",
    owner_person_id: int | None = None,
    due_on: date | None = None,
) -> None:
    """Change an action item's description, owner or due date (its number never changes)."""
    check_role(actor, "change action items")
    action, meeting = _action(session, action_id)
    description, owner_text, owner_person_id = _valid_action(
        session,
        meeting,
        description=description,
        owner_text=owner_text,
        owner_person_id=owner_person_id,
        due_on=due_on,
        agenda_item_id=action.agenda_item_id,
    )
    changes = []
    for name, value in (
        ("description", description),
        ("owner_text", owner_text),
        ("owner_person_id", owner_person_id),
        ("due_on", due_on),
    ):
        if getattr(action, name) != value:
            changes.append(f"{name.replace('_', ' ')}: {getattr(action, name)!s} → {value!s}")
            setattr(action, name, value)
    if not changes:
        return
    audit(
        session,
        actor=actor,
        now=now,
        entity="action_item",
        entity_id=action.id,
        action="action_edit",
        detail=f"Action {action.number}: " + "; ".join(changes),
    )
    session.flush()


def set_action_status(
    session: Session,
    *,
    action_id: int,
    status: str,
    actor: Actor,
    now: datetime,
    today: date,
    reason: str = "",
) -> None:
    """Mark an action open, in progress, done (on `today`) or dropped (with a reason)."""
    check_role(actor, "change action items")
    values = [s.value for s in ActionStatus]
    if status not in values:
        raise WorkflowError(f"An action item's status must be one of: {', '.join(values)}.")
    action, _meeting = _action(session, action_id)
    reason = (reason or "").strip()
    if status == ActionStatus.DROPPED.value and not reason:
        raise WorkflowError(f"Give a reason to drop action {action.number}.")
    if action.status == status:
        return
    old = action.status
    action.status = status
    action.done_on = today if status == ActionStatus.DONE.value else None
    audit(
        session,
        actor=actor,
        now=now,
        entity="action_item",
        entity_id=action.id,
        action="action_status",
        from_state=old,
        to_state=status,
        reason=reason,
        detail=f"Action {action.number}: {old} → {status}",
    )
    session.flush()
