"""The minutes of the previous meeting as the next meeting's pack prints them.

A committee's minutes: who was present, in attendance and sent apologies; a numbered minute
per agenda item ("52.3" is item 3 of meeting 52's agenda, breaks not counted), each with its
resolutions and the actions raised under it; a "Draft — for confirmation" mark until the
meeting that confirms them (the one whose pack this is) has been held; a line for the chair.

Resolutions are not a separate record: a paragraph of an item's minutes that starts with
"Resolved" is one, and the minutes of an item put "for decision" with no such paragraph are
that item's resolution as a whole. They are numbered through the meeting: 52/1, 52/2, …
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, Person
from ...domain.meetings import (
    ActionItem,
    AgendaItem,
    AgendaItemKind,
    AgendaPurpose,
    Invitation,
    Meeting,
    MeetingStatus,
    Minute,
    Rsvp,
)
from ...printing.pack_minutes import MinuteAction, MinutesRecord, PackMinute

# Agenda items that are not numbered (the programme's pauses).
UNNUMBERED = {AgendaItemKind.BREAK.value, AgendaItemKind.LUNCH.value}
# The secretariat is "in attendance", not a member present.
SECRETARIAT_BODY = "South African Cities Network"
_RESOLVED = re.compile(r"^\s*(resolved|resolution)\b[\s:,.—–-]*", re.IGNORECASE)
_PREVIOUS_MINUTES = "minutes of the previous meeting"


def day_in_words(day: date) -> str:
    """'8 February 2027'."""
    return f"{day.day} {day:%B %Y}"


def split_resolutions(text: str, *, for_decision: bool) -> tuple[str, list[str]]:
    """An item's minutes as (the discussion, its resolutions), by the rule in the docstring."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    resolutions, rest = [], []
    for block in blocks:
        match = _RESOLVED.match(block)
        if match:
            body = block[match.end() :].strip()
            resolutions.append(body[:1].upper() + body[1:] if body else block)
        else:
            rest.append(block)
    if not resolutions and for_decision and rest:
        return "", ["\n\n".join(rest)]
    return "\n\n".join(rest), resolutions


def _people(session: Session, meeting_id: int) -> tuple[list[str], list[str], list[str]]:
    """(present, in attendance, apologies) at a meeting, 'Name (Organisation)', by name."""
    rows = session.execute(
        select(
            Person.full_name,
            func.coalesce(City.short_name, Body.short_name, ""),
            Body.official_name,
            Invitation.rsvp,
            Invitation.attended_day1,
            Invitation.attended_day2,
        )
        .join(Person, Person.id == Invitation.person_id)
        .outerjoin(City, City.id == Person.city_id)
        .outerjoin(Body, Body.id == Person.body_id)
        .where(Invitation.meeting_id == meeting_id)
    ).all()
    present, attendance, apologies = [], [], []
    for name, organisation, body, rsvp, day1, day2 in sorted(rows, key=lambda r: r[0].casefold()):
        label = f"{name} ({organisation})" if organisation else name
        if day1 or day2:
            (attendance if body == SECRETARIAT_BODY else present).append(label)
        elif rsvp == Rsvp.APOLOGY.value:
            apologies.append(label)
    return present, attendance, apologies


def _actions(session: Session, meeting_id: int) -> dict[int | None, list[MinuteAction]]:
    """The actions raised at a meeting, by the agenda item they were raised under."""
    rows = session.execute(
        select(
            ActionItem.agenda_item_id,
            ActionItem.number,
            ActionItem.description,
            func.coalesce(Person.full_name, ActionItem.owner_text),
            ActionItem.due_on,
        )
        .outerjoin(Person, Person.id == ActionItem.owner_person_id)
        .where(ActionItem.meeting_id == meeting_id)
        .order_by(ActionItem.number)
    ).all()
    by_item: dict[int | None, list[MinuteAction]] = {}
    for item_id, number, description, owner, due in rows:
        by_item.setdefault(item_id, []).append(
            MinuteAction(int(number), description, owner or "", day_in_words(due) if due else "")
        )
    return by_item


def previous_minutes(
    session: Session,
    *,
    meeting: Meeting,
    previous: Meeting,
    before_previous: Meeting | None,
    meeting_name: str,
    previous_summary: str,
) -> tuple[list[PackMinute], MinutesRecord]:
    """The previous meeting's numbered minutes and its record (attendance, confirmation)."""
    items = session.execute(
        select(AgendaItem.id, AgendaItem.kind, AgendaItem.title, AgendaItem.purpose)
        .where(AgendaItem.meeting_id == previous.id)
        .order_by(AgendaItem.day, AgendaItem.position, AgendaItem.id)
    ).all()
    texts: dict[int | None, list[str]] = {}
    for item_id, text in session.execute(
        select(Minute.agenda_item_id, Minute.text)
        .where(Minute.meeting_id == previous.id)
        .order_by(Minute.id)
    ):
        if text and text.strip():
            texts.setdefault(item_id, []).append(text.strip())
    actions = _actions(session, previous.id)
    entries: list[PackMinute] = []
    resolution = 0
    number = 0

    def entry(label: str, heading: str, text: str, for_decision: bool, key: int | None) -> None:
        nonlocal resolution
        discussion, resolved = split_resolutions(text, for_decision=for_decision)
        numbered = []
        for r in resolved:
            resolution += 1
            numbered.append((f"{previous.number}/{resolution}", r))
        entries.append(
            PackMinute(
                heading,
                discussion,
                number=label,
                resolutions=tuple(numbered),
                actions=tuple(actions.get(key, ())),
            )
        )

    for item_id, kind, title, purpose in items:
        if kind in UNNUMBERED:
            continue
        number += 1
        text = "\n\n".join(texts.get(item_id, []))
        if not text and not actions.get(item_id):
            continue
        heading = title
        if title.strip().lower().startswith(_PREVIOUS_MINUTES) and before_previous is not None:
            heading = f"Minutes of USRG Meeting {before_previous.number}"
        entry(
            f"{previous.number}.{number}",
            heading,
            text,
            purpose == AgendaPurpose.DECISION.value,
            item_id,
        )
    general = "\n\n".join(texts.get(None, []))
    if general or actions.get(None):
        entry(f"{previous.number}.{number + 1}", "Other matters", general, False, None)

    present, attendance, apologies = _people(session, previous.id)
    record = MinutesRecord(
        meeting=f"USRG Meeting {previous.number}",
        summary=previous_summary,
        present=tuple(present),
        in_attendance=tuple(attendance),
        apologies=tuple(apologies),
        confirmed=meeting.status == MeetingStatus.HELD.value,
        confirming=meeting_name,
    )
    return entries, record
