"""The e-mail messages the program writes, made from its records (see mail.py to deliver them).

- **Letters**: an issued letter's PDF, re-printed from the register (byte-identical, checked
  against its SHA-256), to the contact person it was addressed to.
- **Review packets**: each reviewer's `.usrgpacket`, exported afresh for the round (which the
  review packet's history records as a re-issue), with how-to text in the body.
- **Invitations**: the meeting's calendar file (.ics) and, when the meeting has an agenda, the
  agenda as a PDF, to each person invited.
- **Reminders**: to each reviewer who still has applications to score in a round, naming them
  and the days left to the deadline.

The text of each comes from its template (`mail_templates.py`).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.awards import IssuedLetter
from ...domain.directory import Person
from ...domain.grants import Application, Round
from ...domain.meetings import Invitation, Meeting, Rsvp
from ...domain.reviews import Assignment, AssignmentStatus, Reviewer, ReviewPacket
from .. import Actor, WorkflowError
from ..meetings.agenda import check_role
from ..system.roles import require_staff
from .mail_templates import current_template
from .outbox import Attachment, Outgoing

if TYPE_CHECKING:
    from ...storage import Database

PACKET_MEDIA_TYPE = "application/vnd.usrg.review-packet+zip"


def _long(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "the deadline the secretariat gave you"


# -- letters -------------------------------------------------------------------------------------
def round_letter_ids(session: Session, *, round_id: int, kind: str | None = None) -> list[int]:
    """The register ids of a round's issued letters (of one kind if given), by reference."""
    if session.get(Round, round_id) is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    query = (
        select(IssuedLetter.id)
        .join(Application, Application.id == IssuedLetter.application_id)
        .where(Application.round_id == round_id)
        .order_by(IssuedLetter.reference)
    )
    if kind:
        query = query.where(IssuedLetter.kind == kind)
    return list(session.scalars(query))


def letter_messages(session: Session, *, letter_ids: list[int], actor: Actor) -> list[Outgoing]:
    """One message per issued letter, with the letter's PDF, to the person it addresses."""
    from ..letters.issuing import KIND_LABELS, reprint

    require_staff(actor, "e-mail letters")
    if not letter_ids:
        raise WorkflowError("No letters were chosen to e-mail.")
    template = current_template(session, "letter")
    messages = []
    for letter_id in letter_ids:
        row = session.get(IssuedLetter, letter_id)
        if row is None:
            raise WorkflowError(f"There is no issued letter with id {letter_id}.")
        pdf = reprint(session, letter_id)
        try:
            addressee = json.loads(row.payload)["letter"]["header"]["addressee"]
            name, address = addressee.get("contact_name") or "", addressee.get("contact_email")
        except (ValueError, KeyError, TypeError):
            addressee, name, address = {}, "", None
        app = session.get(Application, row.application_id)
        assert app is not None
        if not address and app.contact_person_id is not None:
            person = session.get(Person, app.contact_person_id)
            if person is not None and person.anonymised_at is None:
                name, address = name or person.full_name, person.email
        label = KIND_LABELS.get(row.kind, row.kind)
        subject, body = template.render(
            {
                "recipient_name": name or "Sir or Madam",
                "sender_name": actor.name,
                "letter_kind": label,
                "letter_kind_title": label[:1].upper() + label[1:],
                "letter_reference": row.reference,
                "application_reference": app.reference or "",
                "application_title": app.title,
                "round_name": addressee.get("round_name", ""),
            }
        )
        messages.append(
            Outgoing(
                kind="letter",
                entity="application",
                entity_id=app.id,
                about=row.reference,
                recipient_name=name or (addressee.get("applicant_name") or "the applicant"),
                recipient_email=address or "",
                subject=subject,
                body=body,
                attachments=(
                    Attachment(row.reference.replace("/", "-") + ".pdf", "application/pdf", pdf),
                ),
            )
        )
    return messages


# -- review packets ------------------------------------------------------------------------------
def packet_messages(
    db: Database,
    *,
    round_id: int,
    reviewer_email: str | None = None,
    actor: Actor,
    now: datetime,
) -> list[Outgoing]:
    """One message per reviewer with work in the round, each with their packet exported now."""
    from ..reviews.review_packets import export_packets_now

    require_staff(actor, "e-mail review packets")
    with tempfile.TemporaryDirectory(prefix="usrg-packets-") as folder:
        exported = export_packets_now(
            db,
            round_id=round_id,
            reviewer_email=reviewer_email,
            out_dir=folder,
            actor=actor,
            now=now,
        )
        files = [(p, Path(p.path).read_bytes()) for p in exported]
    with db.reading() as session:
        rnd = session.get(Round, round_id)
        assert rnd is not None
        template = current_template(session, "packet")
        packet_ids = {
            (email or "").casefold(): packet_id
            for packet_id, email in session.execute(
                select(ReviewPacket.id, Person.email)
                .join(Reviewer, Reviewer.id == ReviewPacket.reviewer_id)
                .join(Person, Person.id == Reviewer.person_id)
                .where(ReviewPacket.round_id == round_id)
            )
        }
        round_name, deadline = rnd.name, rnd.review_deadline
    messages = []
    for packet, content in files:
        n = packet.applications
        subject, body = template.render(
            {
                "recipient_name": packet.reviewer_name,
                "sender_name": actor.name,
                "round_name": round_name,
                "deadline": _long(deadline),
                "applications": f"{n} application{'s' if n != 1 else ''}",
                "packet_file": packet.path.name,
            }
        )
        messages.append(
            Outgoing(
                kind="packet",
                entity="review_packet",
                entity_id=packet_ids.get(packet.reviewer_email.casefold(), 0),
                about=round_name,
                recipient_name=packet.reviewer_name,
                recipient_email=packet.reviewer_email,
                subject=subject,
                body=body,
                attachments=(Attachment(packet.path.name, PACKET_MEDIA_TYPE, content),),
            )
        )
    return messages


def packet_file_messages(session: Session, *, folder: str | Path, actor: Actor) -> list[Outgoing]:
    """One message per packet file already exported into `folder` (each read and checked as
    reviewer mode reads it), to the reviewer the packet names; nothing is exported again."""
    from ..reviews.review_packets import PACKET_SUFFIX, read_packet

    require_staff(actor, "e-mail review packets")
    where = Path(folder)
    if not where.is_dir():
        raise WorkflowError(f"The folder {where} does not exist or is not a folder.")
    files = sorted(where.glob(f"*{PACKET_SUFFIX}"))
    if not files:
        raise WorkflowError(f"The folder {where} holds no {PACKET_SUFFIX} files.")
    template = current_template(session, "packet")
    messages = []
    for path in files:
        packet = read_packet(path)
        row = session.scalar(
            select(ReviewPacket).where(ReviewPacket.packet_uid == packet.packet_uid)
        )
        if row is None:
            raise WorkflowError(
                f"The packet {path.name} was not exported from this database; it cannot be sent."
            )
        n = len(packet.applications)
        subject, body = template.render(
            {
                "recipient_name": packet.reviewer_name,
                "sender_name": actor.name,
                "round_name": packet.round_name,
                "deadline": _long(packet.deadline),
                "applications": f"{n} application{'s' if n != 1 else ''}",
                "packet_file": path.name,
            }
        )
        messages.append(
            Outgoing(
                kind="packet",
                entity="review_packet",
                entity_id=row.id,
                about=packet.round_name,
                recipient_name=packet.reviewer_name,
                recipient_email=packet.reviewer_email,
                subject=subject,
                body=body,
                attachments=(Attachment(path.name, PACKET_MEDIA_TYPE, path.read_bytes()),),
            )
        )
    return messages


# -- invitations ---------------------------------------------------------------------------------
def invitation_messages(
    session: Session,
    *,
    meeting_id: int,
    actor: Actor,
    now: datetime,
    today: date,
    only_pending: bool = False,
    with_agenda: bool = True,
) -> list[Outgoing]:
    """One message per person invited to a meeting, with its .ics (and agenda, when it has one).

    `only_pending`: only those who have not answered yet (a reminder to reply).
    """
    from ..meetings.calendar import meeting_ics, meeting_ics_file_name
    from ..meetings.meeting_pack import meeting_dates_text
    from ..meetings.meeting_plans import meeting_details

    check_role(actor, "e-mail meeting invitations")
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise WorkflowError(f"There is no meeting with id {meeting_id}.")
    if meeting.status == "cancelled":
        raise WorkflowError(f"Meeting {meeting.number} is cancelled; its invitations cannot go.")
    details = meeting_details(session, meeting_id=meeting_id)
    query = (
        select(Person.full_name, Person.email, Person.anonymised_at)
        .join(Invitation, Invitation.person_id == Person.id)
        .where(Invitation.meeting_id == meeting_id)
        .order_by(Person.full_name)
    )
    if only_pending:
        query = query.where(Invitation.rsvp == Rsvp.PENDING.value)
    people = [(n, e) for n, e, gone in session.execute(query) if gone is None]
    if not people:
        raise WorkflowError(
            f"Nobody {'has yet to reply' if only_pending else 'is invited'} to meeting "
            f"{meeting.number}; invite people on the meeting's Attendance tab first."
        )
    attachments = [
        Attachment(
            meeting_ics_file_name(session, meeting_id),
            "text/calendar",
            meeting_ics(session, meeting_id, now=now),
        )
    ]
    if with_agenda:
        agenda = _agenda_pdf(session, meeting_id, today)
        if agenda is not None:
            attachments.append(
                Attachment(f"usrg-meeting-{meeting.number}-agenda.pdf", "application/pdf", agenda)
            )
    template = current_template(session, "invitation")
    messages = []
    for name, address in people:
        subject, body = template.render(
            {
                "recipient_name": name,
                "sender_name": actor.name,
                "meeting_number": str(meeting.number),
                "meeting_dates": meeting_dates_text(meeting.starts_on, meeting.ends_on),
                "host": details.host_official_name,
                "venue": details.venue or "to be confirmed",
            }
        )
        messages.append(
            Outgoing(
                kind="invitation",
                entity="meeting",
                entity_id=meeting_id,
                about=f"USRG meeting {meeting.number}",
                recipient_name=name,
                recipient_email=address or "",
                subject=subject,
                body=body,
                attachments=tuple(attachments),
            )
        )
    return messages


def _agenda_pdf(session: Session, meeting_id: int, today: date) -> bytes | None:
    """The meeting's agenda as a PDF, or None while it has no items."""
    from ...domain.meetings import AgendaItem
    from ...printing.meeting_pack import agenda_pdf
    from ..meetings.meeting_pack import meeting_pack_data

    has_items = session.scalar(
        select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id).limit(1)
    )
    if has_items is None:
        return None
    data = meeting_pack_data(session, meeting_id=meeting_id, today=today, with_annexes=False)
    return agenda_pdf(data)


# -- reminders -----------------------------------------------------------------------------------
def reminder_messages(
    session: Session, *, round_id: int, actor: Actor, today: date
) -> list[Outgoing]:
    """One message per reviewer with applications still to score in the round."""
    require_staff(actor, "e-mail review reminders")
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    rows = session.execute(
        select(Person.id, Person.full_name, Person.email, Application.reference)
        .join(Reviewer, Reviewer.person_id == Person.id)
        .join(Assignment, Assignment.reviewer_id == Reviewer.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.round_id == round_id,
            Assignment.status == AssignmentStatus.ASSIGNED.value,
            Application.state == "in_review",
            Person.anonymised_at.is_(None),
        )
        .order_by(Person.full_name, Application.reference)
    ).all()
    if not rows:
        raise WorkflowError(f"No reviewer has applications left to score in '{rnd.name}'.")
    outstanding: dict[int, tuple[str, str, list[str]]] = {}
    for person_id, name, address, reference in rows:
        outstanding.setdefault(person_id, (name, address or "", []))[2].append(reference or "")
    if rnd.review_deadline is None:
        days_left = "no deadline is set"
    else:
        days = (rnd.review_deadline - today).days
        days_left = (
            "today"
            if days == 0
            else f"in {days} day{'s' if days != 1 else ''}"
            if days > 0
            else f"{-days} day{'s' if days != -1 else ''} ago"
        )
    template = current_template(session, "reminder")
    messages = []
    for person_id, (name, address, references) in outstanding.items():
        subject, body = template.render(
            {
                "recipient_name": name,
                "sender_name": actor.name,
                "round_name": rnd.name,
                "deadline": _long(rnd.review_deadline),
                "days_left": days_left,
                "outstanding": ", ".join(references),
            }
        )
        messages.append(
            Outgoing(
                kind="reminder",
                entity="person",
                entity_id=person_id,
                about=rnd.name,
                recipient_name=name,
                recipient_email=address,
                subject=subject,
                body=body,
            )
        )
    return messages


# -- choices for the e-mail dialog ---------------------------------------------------------------
def meeting_choices(session: Session) -> list[tuple[int, str]]:
    """Meetings still to be held, as (id, 'Meeting 53 (2027-02-15), eThekwini'), soonest first."""
    from ...domain.directory import City

    rows = session.execute(
        select(Meeting.id, Meeting.number, Meeting.starts_on, City.short_name)
        .join(City, City.id == Meeting.host_city_id)
        .where(Meeting.status.in_(("planned", "confirmed")))
        .order_by(Meeting.starts_on)
    ).all()
    return [(int(i), f"Meeting {n} ({d.isoformat()}), {host}") for i, n, d, host in rows]


def messages_for(
    db: Database,
    *,
    what: str,
    actor: Actor,
    now: datetime,
    today: date,
    round_id: int | None = None,
    kind: str | None = None,
    letter_ids: list[int] | None = None,
    packets_folder: str | Path | None = None,
    reviewer_email: str | None = None,
    meeting_id: int | None = None,
    only_pending: bool = False,
) -> list[Outgoing]:
    """The messages of one choice, the same for the E-mail dialog and `usrg mail`:
    `what` is "letter" (the `letter_ids`, else the round's letters of `kind`), "packet" (the
    round's packets exported now), "packet_files" (packets exported before, from their
    folder), "invitation" (to `meeting_id`) or "reminder" (the round's reviewers)."""
    if what == "packet":
        assert round_id is not None
        return packet_messages(
            db, round_id=round_id, reviewer_email=reviewer_email, actor=actor, now=now
        )
    with db.unit_of_work() as session:
        if what == "packet_files":
            if not packets_folder:
                raise WorkflowError("Choose the folder the packets were exported to.")
            return packet_file_messages(session, folder=packets_folder, actor=actor)
        if what == "letter":
            if not letter_ids:
                assert round_id is not None
                letter_ids = round_letter_ids(session, round_id=round_id, kind=kind)
            if not letter_ids:
                raise WorkflowError(
                    f"No {kind + ' ' if kind else ''}letters are registered for that round yet."
                )
            return letter_messages(session, letter_ids=letter_ids, actor=actor)
        if what == "invitation":
            assert meeting_id is not None
            return invitation_messages(
                session,
                meeting_id=meeting_id,
                actor=actor,
                now=now,
                today=today,
                only_pending=only_pending,
            )
        if what == "reminder":
            assert round_id is not None
            return reminder_messages(session, round_id=round_id, actor=actor, today=today)
    raise WorkflowError(f"There is no kind of e-mail called '{what}'.")
