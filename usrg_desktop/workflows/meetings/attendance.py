"""Invitations, RSVPs, attendance per day and for the exposure visit, and the meeting's quorum.

Quorum rule (kept in the `settings` table under QUORUM_SETTING): the USRG is a forum of member
cities, so quorum counts member cities, not people. A city is represented when at least one of
its people attended day 1 (the full day, where decisions are taken). The setting's value is
"majority" (the default: more than half of the active member cities, 5 of 9) or a whole number
of cities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import Role, Setting
from ...domain.directory import Body, City, Person, PersonRole
from ...domain.meetings import Invitation, Meeting, MeetingStatus, Rsvp
from .. import Actor, Column, Listing, PermissionDenied, WorkflowError, get_for_update
from ..system.audit_trail import audit
from .agenda import check_role, load_meeting

if TYPE_CHECKING:
    from ...storage import Database

QUORUM_SETTING = "meetings.quorum"
DEFAULT_QUORUM = "majority"

ATTENDANCE_COLUMNS = [
    Column("group", "City or body"),
    Column("name", "Name"),
    Column("title", "Title"),
    Column("rsvp", "RSVP"),
    Column("note", "Apology note"),
    Column("day1", "Day 1", "bool"),
    Column("day2", "Day 2", "bool"),
    Column("visit", "Exposure visit", "bool"),
]
# Groups sort member cities first, then national and partner bodies, then everyone else.
_CITY, _BODY, _OTHER = 0, 1, 2


# -- quorum ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quorum:
    """Member cities represented on day 1 against the number the quorum rule needs."""

    present: int
    needed: int
    active_cities: int
    expected: int  # cities with at least one accepted invitation
    represented: list[str]
    missing: list[str]

    @property
    def met(self) -> bool:
        """Whether enough member cities were represented on day 1."""
        return self.present >= self.needed

    def sentence(self) -> str:
        """The quorum in words, as the attendance panel and the minutes show it."""
        state = "Quorum met" if self.met else "No quorum"
        return (
            f"{state}: {self.present} of {self.active_cities} member cities present on day 1 "
            f"({self.needed} needed; {self.expected} expected from the RSVPs)."
        )


def quorum_needed(rule: str, active_cities: int) -> int:
    """The number of cities a quorum rule asks for out of `active_cities`."""
    rule = (rule or DEFAULT_QUORUM).strip().lower()
    if rule == "majority":
        return active_cities // 2 + 1
    return int(rule)


def quorum_rule(session: Session) -> str:
    """The quorum rule in force: 'majority' or a number of cities."""
    setting = session.get(Setting, QUORUM_SETTING)
    return setting.value if setting is not None else DEFAULT_QUORUM


def set_quorum_rule(session: Session, *, rule: str, actor: Actor, now: datetime) -> str:
    """Set the quorum rule ('majority' or a whole number of member cities); an administrator's."""
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may change the quorum rule.")
    text = (rule or "").strip().lower()
    active = len(session.scalars(select(City.id).where(City.active.is_(True))).all())
    if text != "majority" and (not text.isdigit() or not 1 <= int(text) <= active):
        raise WorkflowError(
            f"Quorum must be 'majority' or a whole number of member cities from 1 to {active}."
        )
    setting = session.get(Setting, QUORUM_SETTING)
    old = setting.value if setting is not None else DEFAULT_QUORUM
    if setting is None:
        session.add(Setting(key=QUORUM_SETTING, value=text))
    else:
        setting.value = text
    audit(
        session,
        actor=actor,
        now=now,
        entity="setting",
        entity_id=0,
        action="quorum_rule",
        detail=f"{QUORUM_SETTING}: {old} → {text}",
    )
    session.flush()
    return text


def meeting_quorum(session: Session, *, meeting_id: int) -> Quorum:
    """How many active member cities were represented on day 1, and whether that is a quorum."""
    load_meeting(session, meeting_id)
    cities = session.execute(
        select(City.id, City.short_name).where(City.active.is_(True)).order_by(City.short_name)
    ).all()
    rows = session.execute(
        select(Person.city_id, Invitation.attended_day1, Invitation.rsvp)
        .join(Person, Person.id == Invitation.person_id)
        .where(Invitation.meeting_id == meeting_id, Person.city_id.is_not(None))
    ).all()
    present = {city for city, day1, _ in rows if day1}
    expected = {city for city, _, rsvp in rows if rsvp == Rsvp.ACCEPTED.value}
    active_ids = {cid for cid, _ in cities}
    needed = quorum_needed(quorum_rule(session), len(cities))
    return Quorum(
        present=len(present & active_ids),
        needed=needed,
        active_cities=len(cities),
        expected=len(expected & active_ids),
        represented=[name for cid, name in cities if cid in present],
        missing=[name for cid, name in cities if cid not in present],
    )


# -- invitations ----------------------------------------------------------------------------------
def _open_for_invitations(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise WorkflowError(f"Meeting {meeting.number} is cancelled; nobody can be invited to it.")


def _person_label(person: Person) -> str:
    return person.full_name if person.anonymised_at is None else f"person {person.id}"


def invite_focal_persons(session: Session, *, meeting_id: int, actor: Actor, now: datetime) -> int:
    """Invite every active focal person of the active member cities and bodies; how many new."""
    check_role(actor, "invite people to a meeting")
    meeting = load_meeting(session, meeting_id, lock=True)
    _open_for_invitations(meeting)
    invited = set(
        session.scalars(select(Invitation.person_id).where(Invitation.meeting_id == meeting_id))
    )
    people = session.scalars(
        select(Person)
        .outerjoin(City, City.id == Person.city_id)
        .outerjoin(Body, Body.id == Person.body_id)
        .where(
            Person.role == PersonRole.FOCAL_PERSON.value,
            Person.active.is_(True),
            Person.anonymised_at.is_(None),
            ((City.id.is_not(None)) & City.active.is_(True))
            | ((Body.id.is_not(None)) & Body.active.is_(True)),
        )
        .order_by(Person.id)
    ).all()
    added = [p for p in people if p.id not in invited]
    for person in added:
        session.add(Invitation(meeting_id=meeting_id, person_id=person.id))
    if added:
        audit(
            session,
            actor=actor,
            now=now,
            entity="meeting",
            entity_id=meeting_id,
            action="invite",
            detail=f"Invited {len(added)} focal person(s): "
            + ", ".join(p.full_name for p in added),
        )
    session.flush()
    return len(added)


def invite_person(
    session: Session, *, meeting_id: int, person_id: int, actor: Actor, now: datetime
) -> int:
    """Invite one person from the directory; the new invitation's id."""
    check_role(actor, "invite people to a meeting")
    meeting = load_meeting(session, meeting_id, lock=True)
    _open_for_invitations(meeting)
    person = session.get(Person, person_id)
    if person is None:
        raise WorkflowError(f"There is no person with id {person_id} in the directory.")
    if person.anonymised_at is not None or not person.active:
        raise WorkflowError(
            f"{_person_label(person)} is no longer active in the directory and cannot be invited."
        )
    exists = session.scalar(
        select(Invitation.id).where(
            Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
        )
    )
    if exists is not None:
        raise WorkflowError(f"{person.full_name} is already invited to meeting {meeting.number}.")
    invitation = Invitation(meeting_id=meeting_id, person_id=person_id)
    session.add(invitation)
    session.flush()
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting_id,
        action="invite",
        detail=f"Invited {person.full_name}",
    )
    session.flush()
    return invitation.id


def _invitation(session: Session, invitation_id: int) -> tuple[Invitation, Person, Meeting]:
    invitation = get_for_update(session, Invitation, invitation_id)
    if invitation is None:
        raise WorkflowError(f"There is no invitation with id {invitation_id}; it may be removed.")
    person = session.get(Person, invitation.person_id)
    assert person is not None
    return invitation, person, load_meeting(session, invitation.meeting_id)


def remove_invitation(session: Session, *, invitation_id: int, actor: Actor, now: datetime) -> None:
    """Take someone off the invitation list (refused once their attendance is recorded)."""
    check_role(actor, "change a meeting's invitations")
    invitation, person, meeting = _invitation(session, invitation_id)
    if invitation.attended_day1 or invitation.attended_day2 or invitation.attended_visit:
        raise WorkflowError(
            f"{_person_label(person)} is recorded as attending meeting {meeting.number}; clear "
            "the attendance before removing the invitation."
        )
    session.delete(invitation)
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="uninvite",
        detail=f"Removed {_person_label(person)} from the invitations",
    )
    session.flush()


def record_rsvp(
    session: Session,
    *,
    invitation_id: int,
    rsvp: str,
    actor: Actor,
    now: datetime,
    note: str = "",
) -> None:
    """Record a reply: pending, accepted, declined, or an apology (with its note)."""
    check_role(actor, "record replies to invitations")
    values = [r.value for r in Rsvp]
    if rsvp not in values:
        raise WorkflowError(f"RSVP must be one of: {', '.join(values)}.")
    invitation, person, meeting = _invitation(session, invitation_id)
    note = (note or "").strip()
    if rsvp != Rsvp.APOLOGY.value:
        note = ""
    if invitation.rsvp == rsvp and invitation.apology_note == note:
        return
    old = invitation.rsvp
    invitation.rsvp = rsvp
    invitation.apology_note = note
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="rsvp",
        detail=f"{_person_label(person)}: {old} → {rsvp}" + (f" ({note})" if note else ""),
    )
    session.flush()


ATTENDANCE_PARTS = {"day1": "day 1", "day2": "day 2", "visit": "the exposure visit"}


def record_attendance(
    session: Session,
    *,
    invitation_id: int,
    part: str,
    attended: bool,
    actor: Actor,
    now: datetime,
    today: date,
) -> None:
    """Record whether an invitee attended day 1, day 2 or the exposure visit ('day1', ...)."""
    check_role(actor, "record attendance")
    if part not in ATTENDANCE_PARTS:
        raise WorkflowError("Attendance is recorded for day1, day2 or visit.")
    invitation, person, meeting = _invitation(session, invitation_id)
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise WorkflowError(f"Meeting {meeting.number} was cancelled; nobody attended it.")
    on = meeting.ends_on if part == "day2" else meeting.starts_on
    if attended and on > today:
        raise WorkflowError(
            f"Attendance for {ATTENDANCE_PARTS[part]} can be recorded from {on.isoformat()}, "
            "the day it takes place."
        )
    column = f"attended_{part}"
    if getattr(invitation, column) == attended:
        return
    setattr(invitation, column, attended)
    if attended and invitation.rsvp in (Rsvp.PENDING.value, Rsvp.DECLINED.value):
        # Someone who came has, in effect, accepted.
        invitation.rsvp = Rsvp.ACCEPTED.value
        invitation.apology_note = ""
    audit(
        session,
        actor=actor,
        now=now,
        entity="meeting",
        entity_id=meeting.id,
        action="attendance",
        detail=f"{_person_label(person)}: {ATTENDANCE_PARTS[part]} "
        + ("attended" if attended else "not attended"),
    )
    session.flush()


# -- reading --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invitee:
    """One invitation as the attendance panel shows it."""

    id: int
    person_id: int
    group_kind: int  # 0 member city, 1 body, 2 other
    group: str
    name: str
    title: str
    rsvp: str
    note: str
    day1: bool
    day2: bool
    visit: bool


def invitees(db: Database, meeting_id: int) -> list[Invitee]:
    """The meeting's invitees, grouped: member cities, then bodies, then others; by name."""
    rows = db.rows(
        """
        SELECT i.id, p.id, c.short_name, b.short_name, p.full_name, p.title, p.anonymised_at,
               i.rsvp, i.apology_note, i.attended_day1, i.attended_day2, i.attended_visit
        FROM invitations i
        JOIN people p ON p.id = i.person_id
        LEFT JOIN cities c ON c.id = p.city_id
        LEFT JOIN bodies b ON b.id = p.body_id
        WHERE i.meeting_id = :meeting
        """,
        {"meeting": int(meeting_id)},
    )
    result = []
    for iid, pid, city, body, name, title, anonymised, rsvp, note, d1, d2, visit in rows:
        kind = _CITY if city else _BODY if body else _OTHER
        group = city or body or "SACN secretariat and guests"
        if anonymised is not None:
            name, title = f"(anonymised person {pid})", ""
        result.append(
            Invitee(
                int(iid),
                int(pid),
                kind,
                group,
                name,
                title or "",
                rsvp,
                note or "",
                bool(d1),
                bool(d2),
                bool(visit),
            )
        )
    result.sort(key=lambda i: (i.group_kind, i.group.casefold(), i.name.casefold()))
    return result


def attendance_listing(db: Database, meeting_id: int) -> Listing:
    """The invitation list of a meeting with RSVPs and attendance, for export and printing."""
    people = invitees(db, meeting_id)
    return Listing(
        "Attendance",
        ATTENDANCE_COLUMNS,
        [(i.group, i.name, i.title, i.rsvp, i.note, i.day1, i.day2, i.visit) for i in people],
        [i.id for i in people],
    )
