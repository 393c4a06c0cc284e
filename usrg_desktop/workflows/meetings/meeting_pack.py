"""Printing for meetings: the agenda handout, annexes, and the one-click meeting pack.

`meeting_pack_data` reads everything the pack prints into plain values (printing/ never sees
the database); `build_meeting_pack` is long work: a generator that yields progress and can be
stopped between steps, then writes the PDF in one go (a cancelled build leaves no file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, Person
from ...domain.meetings import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemKind,
    Invitation,
    Meeting,
    MeetingAnnex,
    MeetingStatus,
)
from ...printing.meeting_pack import (
    BuiltPack,
    MeetingPackData,
    PackAction,
    PackAgendaItem,
    PackAnnex,
    PackAttendee,
    agenda_pdf,
    annex_letter,
    meeting_pack_steps,
)
from ...printing.styles import Letterhead
from ...storage import Database
from .. import Actor, WorkflowError
from ..letters.issuing import current_letterhead
from ..system.audit_trail import audit
from .agenda import AgendaDay, check_role, load_meeting, meeting_agenda
from .annex_items import printed_numbers
from .meeting_times import visit_in_words, visit_window
from .previous_minutes import day_in_words, previous_minutes

MAX_ANNEX_BYTES = 25 * 1024 * 1024
# Agenda items that are not numbered (the programme's pauses).
_UNNUMBERED = {AgendaItemKind.BREAK.value, AgendaItemKind.LUNCH.value}
_MATTERS_ARISING = "matters arising"


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def meeting_dates_text(starts: date, ends: date) -> str:
    """'Wednesday 10 and Thursday 11 February 2027' (months and years only where they differ)."""
    if starts == ends:
        return _long_date(starts)
    if (starts.year, starts.month) == (ends.year, ends.month):
        return f"{starts:%A} {starts.day} and {ends:%A} {ends.day} {ends:%B %Y}"
    if starts.year == ends.year:
        return f"{starts:%A} {starts.day} {starts:%B} and {_long_date(ends)}"
    return f"{_long_date(starts)} and {_long_date(ends)}"


def _close(day: AgendaDay) -> str:
    """When the day closes: its planned end, or the end of its last item if later ('HH:MM')."""
    finish = day.items[-1].ends if day.items else day.end
    return max(day.end, finish)  # zero-padded 'HH:MM' compare as times


def _papers(title: str, kind: str) -> str:
    """The pack section holding an agenda item's papers, by what the item is ('' for none)."""
    lowered = title.strip().lower()
    if lowered.startswith("minutes of the previous meeting"):
        return "Minutes of the previous meeting"
    if lowered.startswith(_MATTERS_ARISING):
        return "Action-item tracker"
    if kind == AgendaItemKind.EXPOSURE_VISIT.value:
        return "Exposure-visit brief"
    return ""


def _meeting_name(meeting: Meeting) -> str:
    return f"USRG Meeting {meeting.number}"


def _previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The last meeting before this one that was not cancelled."""
    return session.scalar(
        select(Meeting)
        .where(
            Meeting.starts_on < meeting.starts_on,
            Meeting.status != MeetingStatus.CANCELLED.value,
        )
        .order_by(Meeting.starts_on.desc())
        .limit(1)
    )


def meeting_pack_data(
    session: Session, *, meeting_id: int, today: date, with_annexes: bool = True
) -> MeetingPackData:
    """Everything the agenda and the pack of a meeting print, read in one unit of work."""
    meeting = load_meeting(session, meeting_id)
    host = session.get(City, meeting.host_city_id)
    agenda = meeting_agenda(session, meeting_id=meeting_id, today=today)

    arising = tuple(
        PackAction(
            number=m.number,
            description=m.description,
            owner=m.owner,
            due=day_in_words(m.due_on) if m.due_on else "",
            status=m.status,
            raised_at=f"Meeting {m.meeting_number}",
            overdue=m.overdue,
        )
        for m in agenda.matters_arising
    )
    items: list[PackAgendaItem] = []
    number = 0
    for day in agenda.days:
        for row in day.items:
            numbered = row.kind not in _UNNUMBERED
            number += numbered
            subs = arising if row.title.strip().lower().startswith(_MATTERS_ARISING) else ()
            items.append(
                PackAgendaItem(
                    day=row.day,
                    starts=row.starts,
                    number=str(number) if numbered else None,
                    title=row.title,
                    kind=row.kind,
                    purpose=row.purpose if numbered else "",
                    presenter=row.presenter,
                    description=row.description,
                    arising=subs,
                    papers=_papers(row.title, row.kind),
                )
            )

    data = MeetingPackData(
        name=_meeting_name(meeting),
        quarter=f"{meeting.year} Q{meeting.quarter}",
        host=host.official_name if host else "",
        dates=meeting_dates_text(meeting.starts_on, meeting.ends_on),
        venue=meeting.venue,
        status=meeting.status,
        day_labels={d.day: f"Day {d.day} — {_long_date(d.on)}" for d in agenda.days},
        day_ends={d.day: _close(d) for d in agenda.days},
        day_planned_ends={d.day: d.end for d in agenda.days if _close(d) != d.end},
        agenda=items,
        exposure_site=meeting.exposure_site,
        exposure_when=visit_in_words(*visit_window(session, meeting)),
        exposure_purpose=meeting.exposure_purpose,
        exposure_transport=meeting.exposure_transport,
        exposure_contact=meeting.exposure_contact,
        printed_on=today,
        letterhead=_letterhead(session),
    )

    previous = _previous_meeting(session, meeting)
    if previous is not None:
        previous_host = session.get(City, previous.host_city_id)
        data.previous_name = (
            f"{_meeting_name(previous)} ({previous.year} Q{previous.quarter}, "
            f"{previous_host.official_name if previous_host else ''})"
        )
        minutes, record = previous_minutes(
            session,
            meeting=meeting,
            previous=previous,
            before_previous=_previous_meeting(session, previous),
            meeting_name=_meeting_name(meeting),
            previous_summary=(
                f"{previous.year} Q{previous.quarter}, hosted by "
                f"{previous_host.official_name if previous_host else 'the host city'}, "
                f"{meeting_dates_text(previous.starts_on, previous.ends_on)}"
                + (f", {previous.venue}" if previous.venue else "")
            ),
        )
        # A previous meeting not yet held has no minutes to confirm: no section for it.
        if minutes or previous.status == MeetingStatus.HELD.value:
            data.previous_minutes, data.previous_record = minutes, record

    data.open_actions, data.done_actions = _actions(session, meeting, previous, today)
    data.attendees = _attendees(session, meeting.id)
    # Without annexes (the agenda handout) their titles still say which item they belong to.
    numbers = printed_numbers(session, meeting.id)
    content = MeetingAnnex.content if with_annexes else literal(b"")
    data.annexes = [
        PackAnnex(title, pdf, item=numbers.get(item_id, ("", ""))[0] if item_id else "")
        for title, pdf, item_id in session.execute(
            select(MeetingAnnex.title, content, MeetingAnnex.agenda_item_id)
            .where(MeetingAnnex.meeting_id == meeting.id)
            .order_by(MeetingAnnex.position)
        )
    ]
    return data


def _letterhead(session: Session) -> Letterhead | None:
    """The letterhead the secretariat prints its letters on, if one is set."""
    try:
        return current_letterhead(session)
    except WorkflowError:
        return None


def _actions(
    session: Session, meeting: Meeting, previous: Meeting | None, today: date
) -> tuple[list[PackAction], list[PackAction]]:
    """Actions raised before this meeting still open, and those done since the last meeting."""
    rows = session.execute(
        select(
            ActionItem.number,
            ActionItem.description,
            func.coalesce(Person.full_name, ActionItem.owner_text),
            ActionItem.due_on,
            ActionItem.status,
            ActionItem.done_on,
            Meeting.number,
        )
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(Person, Person.id == ActionItem.owner_person_id)
        .where(Meeting.starts_on < meeting.starts_on)
        .order_by(ActionItem.number)
    ).all()
    since = previous.starts_on if previous is not None else None
    open_, done = [], []
    for number, description, owner, due, status, done_on, raised in rows:
        action = PackAction(
            number=int(number),
            description=description,
            owner=owner or "",
            due=day_in_words(due) if due else "",
            status=status,
            raised_at=f"Meeting {raised}",
            overdue=status in (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)
            and due is not None
            and due < today,
        )
        if status in (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value):
            open_.append(action)
        elif status == ActionStatus.DONE.value and done_on and (since is None or done_on >= since):
            done.append(action)
    return open_, done


def _attendees(session: Session, meeting_id: int) -> list[PackAttendee]:
    """The invitees expected (not those who sent an apology or declined), by city then body."""
    rows = session.execute(
        select(
            Person.full_name,
            Person.title,
            City.official_name,
            Body.official_name,
            Invitation.rsvp,
        )
        .join(Person, Person.id == Invitation.person_id)
        .outerjoin(City, City.id == Person.city_id)
        .outerjoin(Body, Body.id == Person.body_id)
        .where(Invitation.meeting_id == meeting_id)
    ).all()
    expected = [r for r in rows if r.rsvp not in ("apology", "declined")]
    # Cities first, then bodies, each alphabetically; people by name within their group.
    expected.sort(
        key=lambda r: (
            r[2] is None,
            (r[2] or r[3] or "Other").casefold(),
            r[0].casefold(),
        )
    )
    return [
        PackAttendee(group=city or body or "Other invitees", name=name, title=title or "")
        for name, title, city, body, _rsvp in expected
    ]


def agenda_handout(db: Database, *, meeting_id: int, today: date) -> bytes:
    """The meeting's agenda handout as PDF bytes (shown before anything is saved)."""
    with db.unit_of_work() as session:
        data = meeting_pack_data(session, meeting_id=meeting_id, today=today, with_annexes=False)
    return agenda_pdf(data)


def write_agenda(db: Database, *, meeting_id: int, out: Path, today: date) -> Path:
    """Write the meeting's agenda handout as a PDF file."""
    _write(out, agenda_handout(db, meeting_id=meeting_id, today=today))
    return out


def build_meeting_pack(
    db: Database, *, meeting_id: int, out: Path | None, today: date
) -> Generator[tuple[int, int, str], None, BuiltPack]:
    """Build the meeting pack, yielding (done, total, label); returns the BuiltPack.

    With `out`, the file is written only at the end, so a cancelled build leaves nothing
    behind; without, the pack stays in memory (the screen shows it before it is saved).
    """
    yield 0, 1, "Reading the meeting"
    with db.unit_of_work() as session:
        data = meeting_pack_data(session, meeting_id=meeting_id, today=today)
    total = 3 + 2 * len(data.annexes)
    steps = meeting_pack_steps(data)
    done = 1
    try:
        while True:
            label = next(steps)
            yield done, total, label
            done += 1
    except StopIteration as finished:
        built: BuiltPack = finished.value
    except ValueError as exc:  # an annex that is not a readable PDF
        raise WorkflowError(str(exc)) from exc
    if out is not None:
        yield total - 1, total, "Writing the file"
        _write(out, built.pdf)
    return built


PACK_PRINTED = "pack_printed"


def record_pack_printed(
    session: Session, *, actor: Actor, now: datetime, meeting_id: int, how: str
) -> None:
    """Put on the meeting's history that its pack was printed or saved (`how` says which,
    e.g. "printed, 48 pages"), which ticks "Meeting pack printed" on the Today screen."""
    meeting = load_meeting(session, meeting_id)
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action=PACK_PRINTED,
        detail=f"Meeting pack of Meeting {meeting.number} {how}",
    )


def _write(out: Path, content: bytes) -> None:
    """Write a file whole (a temporary name first), with a sentence when the folder refuses."""
    out = Path(out)
    temporary = out.with_name(out.name + ".part")
    try:
        temporary.write_bytes(content)
        temporary.replace(out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WorkflowError(f"The file {out} could not be written: {exc.strerror}.") from exc


def add_annex(
    session: Session,
    *,
    meeting_id: int,
    path: Path,
    title: str,
    actor: Actor,
    now: datetime,
    agenda_item_id: int | None = None,
) -> int:
    """Attach a PDF to the meeting as its next annex; refused for anything but a readable PDF.

    With `agenda_item_id` the annex is that item's papers: the pack's contents point at it.
    """
    check_role(actor, "attach annexes to a meeting")
    meeting = load_meeting(session, meeting_id, lock=True)
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise WorkflowError(f"That agenda item is not on meeting {meeting.number}'s agenda.")
    path = Path(path)
    title = title.strip() or path.stem
    try:
        size = path.stat().st_size
        if size > MAX_ANNEX_BYTES:
            raise WorkflowError(
                f"The file {path.name} is {size / 1_048_576:.1f} MB; an annex may be at most "
                f"{MAX_ANNEX_BYTES // 1_048_576} MB."
            )
        content = path.read_bytes()
    except OSError as exc:
        raise WorkflowError(f"The file {path.name} could not be read: {exc.strerror}.") from exc
    if not content.startswith(b"%PDF-"):
        raise WorkflowError(f"The file {path.name} is not a PDF; annexes must be PDF files.")
    import io

    from pypdf import PdfReader

    try:
        pages = len(PdfReader(io.BytesIO(content)).pages)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        raise WorkflowError(f"The file {path.name} is a damaged PDF ({exc}).") from exc
    if pages == 0:
        raise WorkflowError(f"The file {path.name} has no pages.")
    digest = hashlib.sha256(content).hexdigest()
    same = session.scalar(
        select(MeetingAnnex.title).where(
            MeetingAnnex.meeting_id == meeting.id, MeetingAnnex.sha256 == digest
        )
    )
    if same is not None:
        raise WorkflowError(f"The file {path.name} is already attached as '{same}'.")
    position = (
        session.scalar(
            select(func.max(MeetingAnnex.position)).where(MeetingAnnex.meeting_id == meeting.id)
        )
        or 0
    ) + 1
    annex = MeetingAnnex(
        meeting_id=meeting.id,
        position=position,
        title=title[:300],
        filename=path.name[:255],
        sha256=digest,
        content=content,
        agenda_item_id=agenda_item_id,
    )
    session.add(annex)
    session.flush()
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="attach annex",
        detail=f"{title} ({path.name}, {pages} pages)",
    )
    return annex.id


def remove_annex(session: Session, *, annex_id: int, actor: Actor, now: datetime) -> None:
    """Take an annex off its meeting; the later annexes move up a letter."""
    check_role(actor, "remove annexes from a meeting")
    annex = session.get(MeetingAnnex, annex_id)
    if annex is None:
        raise WorkflowError(f"There is no annex with id {annex_id}.")
    meeting_id, title = annex.meeting_id, annex.title
    session.delete(annex)
    session.flush()
    later = session.scalars(
        select(MeetingAnnex)
        .where(MeetingAnnex.meeting_id == meeting_id)
        .order_by(MeetingAnnex.position)
    ).all()
    for n, other in enumerate(later, start=1):
        if other.position != n:
            other.position = n
            session.flush()
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting_id,
        action="remove annex",
        detail=title,
    )


def annexes_of(session: Session, *, meeting_id: int) -> list[tuple[int, str, str, str]]:
    """The meeting's annexes in order: (id, letter, title, file name)."""
    rows = session.execute(
        select(MeetingAnnex.id, MeetingAnnex.title, MeetingAnnex.filename)
        .where(MeetingAnnex.meeting_id == meeting_id)
        .order_by(MeetingAnnex.position)
    ).all()
    return [(int(i), annex_letter(n), t, f) for n, (i, t, f) in enumerate(rows)]
