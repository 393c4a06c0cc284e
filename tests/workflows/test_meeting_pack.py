"""The meeting pack from the database: annexes attached, data gathered, built with progress."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from tests.conftest import TODAY
from usrg_desktop.domain.meetings import Invitation, Meeting, MeetingAnnex
from usrg_desktop.workflows import Actor, PermissionDenied, WorkflowError
from usrg_desktop.workflows.meetings.meeting_pack import (
    add_annex,
    annexes_of,
    build_meeting_pack,
    meeting_dates_text,
    meeting_pack_data,
    remove_annex,
    write_agenda,
)

NOW = datetime(2026, 11, 25, 9, 0)
COORDINATOR = Actor(user_id=None, name="Anél Coetzée", role="coordinator")


def pdf_file(path: Path, pages: int, label: str) -> Path:
    c = canvas.Canvas(str(path))
    for n in range(pages):
        c.drawString(72, 700, f"{label} page {n + 1}")
        c.showPage()
    c.save()
    return path


def planned_meeting(session) -> Meeting:
    return session.scalars(
        select(Meeting).where(Meeting.status == "planned").order_by(Meeting.starts_on)
    ).first()


def run(generator):
    steps = []
    while True:
        try:
            steps.append(next(generator))
        except StopIteration as done:
            return steps, done.value


def test_pack_of_the_next_meeting_with_two_annexes(any_demo_db, tmp_path):
    with any_demo_db.unit_of_work() as s:
        meeting = planned_meeting(s)
        meeting_id, number = meeting.id, meeting.number
        add_annex(
            s,
            meeting_id=meeting_id,
            path=pdf_file(tmp_path / "report.pdf", 10, "Report"),
            title="Fund report",
            actor=COORDINATOR,
            now=NOW,
        )
        add_annex(
            s,
            meeting_id=meeting_id,
            path=pdf_file(tmp_path / "bylaw.pdf", 10, "By-law"),
            title="By-law",
            actor=COORDINATOR,
            now=NOW,
        )
        invited = s.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(
                Invitation.meeting_id == meeting_id, Invitation.rsvp.not_in(("apology", "declined"))
            )
        )
    out = tmp_path / "pack.pdf"
    steps, built = run(build_meeting_pack(any_demo_db, meeting_id=meeting_id, out=out, today=TODAY))
    assert [label for _d, _t, label in steps][:2] == ["Reading the meeting", "Reading annex A"]
    assert all(done < total for done, total, _label in steps)
    reader = PdfReader(out)
    assert len(reader.pages) == built.pages
    titles = [item.title for item in reader.outline]
    assert titles[-2:] == ["Annex A: Fund report", "Annex B: By-law"]
    assert "Minutes of the previous meeting" in titles
    texts = [p.extract_text() for p in reader.pages]
    assert all(f"Page {n} of {built.pages}" in t for n, t in enumerate(texts, start=1))
    assert all(f"USRG Meeting {number}" in t for t in texts)
    assert [t for t in texts[-20:] if "Annex A" in t] == texts[-20:-10]
    register = "\n".join(t for t in texts if "Signature" in t)
    with any_demo_db.unit_of_work() as s:
        data = meeting_pack_data(s, meeting_id=meeting_id, today=TODAY, with_annexes=False)
    assert len(data.attendees) == invited > 0
    for person in data.attendees:
        assert person.name in register


def test_a_cancelled_build_writes_no_file(demo_db, tmp_path):
    with demo_db.unit_of_work() as s:
        meeting_id = planned_meeting(s).id
    folder = tmp_path / "packs"
    folder.mkdir()
    out = folder / "pack.pdf"
    work = build_meeting_pack(demo_db, meeting_id=meeting_id, out=out, today=TODAY)
    next(work)
    next(work)
    work.close()
    assert list(folder.iterdir()) == []


def test_the_first_meeting_has_no_minutes_section(demo_db, tmp_path):
    with demo_db.unit_of_work() as s:
        first = s.scalars(select(Meeting).order_by(Meeting.starts_on)).first().id
    _steps, built = run(
        build_meeting_pack(demo_db, meeting_id=first, out=tmp_path / "p.pdf", today=TODAY)
    )
    titles = [section.title for section in built.sections]
    assert "Minutes of the previous meeting" not in titles
    assert not any(t.startswith("Annex") for t in titles)


def test_the_agenda_handout(demo_db, tmp_path):
    with demo_db.unit_of_work() as s:
        meeting = planned_meeting(s)
        meeting_id, starts, ends = meeting.id, meeting.starts_on, meeting.ends_on
    out = write_agenda(demo_db, meeting_id=meeting_id, out=tmp_path / "agenda.pdf", today=TODAY)
    reader = PdfReader(out)
    assert 1 <= len(reader.pages) <= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert meeting_dates_text(starts, ends) in text
    assert "Matters arising" in text


def test_annexes_refuse_what_is_not_a_pdf_and_renumber_on_removal(demo_db, tmp_path):
    word = tmp_path / "minutes.docx"
    word.write_bytes(b"PK\x03\x04 not a pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    good = [pdf_file(tmp_path / f"a{n}.pdf", 1, f"A{n}") for n in range(3)]
    with demo_db.unit_of_work() as s:
        meeting_id = planned_meeting(s).id
    for path, message in (
        (word, "The file minutes.docx is not a PDF; annexes must be PDF files."),
        (broken, "The file broken.pdf is a damaged PDF"),
        (tmp_path / "missing.pdf", "The file missing.pdf could not be read"),
    ):
        with (
            pytest.raises(WorkflowError, match=message.replace(".", r"\.")),
            demo_db.unit_of_work() as s,
        ):
            add_annex(s, meeting_id=meeting_id, path=path, title="", actor=COORDINATOR, now=NOW)
    with demo_db.unit_of_work() as s:
        ids = [
            add_annex(s, meeting_id=meeting_id, path=p, title="", actor=COORDINATOR, now=NOW)
            for p in good
        ]
    with (
        pytest.raises(WorkflowError, match="already attached as 'a0'"),
        demo_db.unit_of_work() as s,
    ):
        add_annex(s, meeting_id=meeting_id, path=good[0], title="again", actor=COORDINATOR, now=NOW)
    with demo_db.unit_of_work() as s:
        remove_annex(s, annex_id=ids[0], actor=COORDINATOR, now=NOW)
    with demo_db.unit_of_work() as s:
        assert [
            (letter, title) for _i, letter, title, _f in annexes_of(s, meeting_id=meeting_id)
        ] == [
            ("A", "a1"),
            ("B", "a2"),
        ]
        assert s.scalar(select(func.count()).select_from(MeetingAnnex)) == 2


def test_only_meeting_staff_attach_annexes(demo_db, tmp_path):
    reviewer = Actor(user_id=None, name="R", role="reviewer")
    with demo_db.unit_of_work() as s:
        meeting_id = planned_meeting(s).id
        with pytest.raises(PermissionDenied):
            add_annex(
                s,
                meeting_id=meeting_id,
                path=pdf_file(tmp_path / "a.pdf", 1, "A"),
                title="A",
                actor=reviewer,
                now=NOW,
            )


@pytest.mark.parametrize(
    ("starts", "ends", "text"),
    [
        ("2027-02-15", "2027-02-16", "Monday 15 and Tuesday 16 February 2027"),
        ("2027-03-31", "2027-04-01", "Wednesday 31 March and Thursday 1 April 2027"),
        ("2027-12-31", "2028-01-03", "Friday 31 December 2027 and Monday 3 January 2028"),
    ],
)
def test_meeting_dates_text(starts, ends, text):
    from datetime import date

    assert meeting_dates_text(date.fromisoformat(starts), date.fromisoformat(ends)) == text
