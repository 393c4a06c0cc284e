"""Annexes as the papers of agenda items, by the items' printed numbers.

The agenda numbers its items through both days, breaks and lunch not counted (as the pack and
the handout print them): "item 12" is what a coordinator reads on the agenda, so that is how
an annex is tied to an item on the command line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.meetings import AgendaItem, AgendaItemKind, MeetingAnnex
from ...printing.pack_annexes import annex_letter
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from .agenda import check_role, load_meeting

UNNUMBERED = {AgendaItemKind.BREAK.value, AgendaItemKind.LUNCH.value}


def printed_numbers(session: Session, meeting_id: int) -> dict[int, tuple[str, str]]:
    """Each numbered agenda item's id → (its printed number, its title)."""
    rows = session.execute(
        select(AgendaItem.id, AgendaItem.kind, AgendaItem.title)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.day, AgendaItem.position, AgendaItem.id)
    ).all()
    numbers: dict[int, tuple[str, str]] = {}
    for item_id, kind, title in rows:
        if kind not in UNNUMBERED:
            numbers[int(item_id)] = (str(len(numbers) + 1), title)
    return numbers


def item_for_number(session: Session, meeting_id: int, number: int) -> int:
    """The id of the agenda item printed with this number, or a sentence saying there is none."""
    numbers = printed_numbers(session, meeting_id)
    for item_id, (printed, _title) in numbers.items():
        if printed == str(number):
            return item_id
    raise WorkflowError(
        f"The agenda has no item {number}; its items are numbered 1 to {len(numbers)}."
        if numbers
        else f"The agenda has no item {number}: it has no items yet."
    )


def annex_rows(session: Session, meeting_id: int) -> list[tuple[int, str, str, str, str]]:
    """The meeting's annexes in order: (id, letter, title, file name, 'item 12: its title')."""
    numbers = printed_numbers(session, meeting_id)
    a = MeetingAnnex
    rows = session.execute(
        select(a.id, a.title, a.filename, a.agenda_item_id)
        .where(a.meeting_id == meeting_id)
        .order_by(a.position)
    ).all()
    out = []
    for n, (annex_id, title, filename, item_id) in enumerate(rows):
        number, item_title = numbers.get(item_id, ("", "")) if item_id else ("", "")
        item = f"{number} {item_title}" if number else ""
        out.append((int(annex_id), annex_letter(n), title, filename, item))
    return out


def set_annex_item(
    session: Session, *, annex_id: int, agenda_item_id: int | None, actor: Actor, now: datetime
) -> None:
    """Make an annex the papers of an agenda item of its meeting (None: a general annex)."""
    check_role(actor, "change a meeting's annexes")
    annex = session.get(MeetingAnnex, annex_id)
    if annex is None:
        raise WorkflowError(f"There is no annex with id {annex_id}; it may have been removed.")
    meeting = load_meeting(session, annex.meeting_id, lock=True)
    numbers = printed_numbers(session, meeting.id)
    if agenda_item_id is not None and agenda_item_id not in numbers:
        raise WorkflowError(f"That agenda item is not on meeting {meeting.number}'s agenda.")
    if annex.agenda_item_id == agenda_item_id:
        return
    annex.agenda_item_id = agenda_item_id
    detail = (
        f"{annex.title}: the papers of item {numbers[agenda_item_id][0]}"
        if agenda_item_id is not None
        else f"{annex.title}: a general annex"
    )
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="annex item",
        detail=detail,
    )
    session.flush()
