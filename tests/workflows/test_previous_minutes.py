"""The previous meeting's minutes in the next pack: attendance, numbered minutes, resolutions."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from usrg_desktop.domain.meetings import ActionItem, AgendaItem, Invitation, Meeting
from usrg_desktop.printing.meeting_pack import meeting_pack_pdf
from usrg_desktop.workflows.meetings.meeting_pack import meeting_pack_data
from usrg_desktop.workflows.meetings.previous_minutes import split_resolutions

TODAY = date(2026, 11, 25)


def meeting(session, number: int) -> Meeting:
    return session.scalars(select(Meeting).where(Meeting.number == number)).one()


def test_the_pack_of_meeting_53_carries_the_minutes_of_52_as_a_committee_would(any_demo_db):
    with any_demo_db.unit_of_work() as s:
        m52, m53 = meeting(s, 52), meeting(s, 53)
        data = meeting_pack_data(s, meeting_id=m53.id, today=TODAY, with_annexes=False)
        apologies = s.scalars(
            select(Invitation).where(Invitation.meeting_id == m52.id, Invitation.rsvp == "apology")
        ).all()
        raised = s.scalars(select(ActionItem).where(ActionItem.meeting_id == m52.id)).all()
        theme = s.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == m52.id, AgendaItem.title.startswith("Thematic")
            )
        ).one()
        theme_number = f"52.{theme.position + 8}"  # after day 1's eight numbered items
    record = data.previous_record
    assert record.meeting == "USRG Meeting 52" and record.confirming == "USRG Meeting 53"
    assert not record.confirmed
    assert record.present and len(record.apologies) == len(apologies)
    assert all("(SACN)" in name for name in record.in_attendance)
    numbers = [m.number for m in data.previous_minutes]
    assert numbers[0] == "52.3" and numbers == sorted(numbers, key=lambda n: int(n.split(".")[1]))
    headings = {m.number: m.heading for m in data.previous_minutes}
    assert headings["52.3"] == "Minutes of USRG Meeting 51"  # not the section's own title again
    assert headings[theme_number].startswith("Thematic session")
    # Every action raised at meeting 52 is printed under its agenda item, with its number.
    printed = {a.number for m in data.previous_minutes for a in m.actions}
    assert printed == {a.number for a in raised}
    # Decision items carry a numbered resolution: 52/1, 52/2, ...
    resolutions = [n for m in data.previous_minutes for n, _text in m.resolutions]
    assert resolutions == [f"52/{k}" for k in range(1, len(resolutions) + 1)]
    assert len(resolutions) >= 2

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(meeting_pack_pdf(data).pdf)).pages]
    text = "\n".join(p for p in pages if "Confirmed as a true record" in p or "Present" in p)
    assert "Draft — for confirmation at USRG Meeting 53" in text
    assert "Chair:" in text and "Apologies" in text and "In attendance" in text
    first = next(n for n, p in enumerate(pages) if "Draft — for confirmation" in p)
    last = next(n for n, p in enumerate(pages) if "Confirmed as a true record" in p)
    section = "\n".join(pages[first : last + 1])
    assert section.count("Minutes of the previous meeting") == 1
    for action in raised:
        assert f"Action {action.number}:" in section


def test_once_meeting_53_is_held_the_minutes_of_52_are_confirmed(any_demo_db):
    with any_demo_db.unit_of_work() as s:
        m53 = meeting(s, 53)
        m53.status = "held"
        s.flush()
        data = meeting_pack_data(s, meeting_id=m53.id, today=TODAY, with_annexes=False)
    assert data.previous_record.confirmed
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(meeting_pack_pdf(data).pdf)).pages
    )
    assert "Confirmed at USRG Meeting 53" in text and "Draft" not in text


@pytest.mark.parametrize(
    ("text", "decision", "expected"),
    [
        ("Noted.", False, ("Noted.", [])),
        ("Noted.", True, ("", ["Noted."])),
        (
            "Discussed.\n\nResolved: to adopt the plan.",
            False,
            ("Discussed.", ["To adopt the plan."]),
        ),
        ("RESOLVED that the host be thanked.", True, ("", ["That the host be thanked."])),
    ],
)
def test_resolutions_are_paragraphs_starting_with_resolved(text, decision, expected):
    assert split_resolutions(text, for_decision=decision) == expected


def test_a_previous_meeting_not_yet_held_gives_no_minutes_section(any_demo_db):
    with any_demo_db.unit_of_work() as s:
        data = meeting_pack_data(s, meeting_id=meeting(s, 54).id, today=TODAY, with_annexes=False)
    assert data.previous_record is None and data.previous_minutes == []
    titles = [section.title for section in meeting_pack_pdf(data).sections]
    assert "Minutes of the previous meeting" not in titles
