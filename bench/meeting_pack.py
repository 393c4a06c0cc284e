"""The meeting pack of a full meeting vs ReportLab and pypdf alone making the same pages.

60 expected attendees, 20 agenda items, 30 actions and two 10-page annexes. Ours is
`meeting_pack_pdf` (contents with page numbers, "Page x of y" everywhere, stamped annexes,
bookmarks). The floor builds the same flowables once with a plain SimpleDocTemplate and
appends the annex pages with pypdf: what any pack of these pages costs at least.
"""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from usrg_desktop.printing import meeting_pack as mp


def _annex(pages: int, title: str) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for n in range(pages):
        c.setFont("Helvetica", 12)
        for line in range(40):
            c.drawString(72, 760 - 16 * line, f"{title}, page {n + 1}, line {line + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def full_meeting() -> mp.MeetingPackData:
    """A meeting as big as the issue asks: 60 attendees, 20 items, 30 actions, 2 annexes."""
    cities = [
        "City of Johannesburg",
        "City of Cape Town",
        "eThekwini",
        "City of Tshwane",
        "Ekurhuleni",
        "Nelson Mandela Bay",
        "Buffalo City",
        "Mangaung",
        "Msunduzi",
        "South African Local Government Association",
        "Civilian Secretariat for Police Service",
        "National Treasury",
    ]
    agenda = []
    for n in range(20):
        day = 1 if n < 13 else 2
        agenda.append(
            mp.PackAgendaItem(
                day,
                f"{9 + n // 3:02d}:{(n % 3) * 20:02d}",
                str(n + 1),
                f"Agenda item {n + 1}: city updates on safety",
                "session",
                "discussion",
                "Presenter Name",
                "A short description. " * 6,
            )
        )
    actions = [
        mp.PackAction(
            100 + n,
            f"Action {n}: circulate the learning note on item {n}. " * 2,
            "Lerato Mofokeng",
            "2027-01-15",
            "open",
            "Meeting 52",
            overdue=n % 4 == 0,
        )
        for n in range(30)
    ]
    return mp.MeetingPackData(
        name="USRG Meeting 53",
        quarter="2027 Q1",
        host="eThekwini Metropolitan Municipality",
        dates="Monday 15 and Tuesday 16 February 2027",
        venue="Durban ICC",
        status="confirmed",
        day_labels={1: "Day 1 — Monday 15 February 2027", 2: "Day 2 — Tuesday 16 February 2027"},
        day_ends={1: "17:00", 2: "13:00"},
        agenda=agenda,
        exposure_site="Warwick Junction",
        exposure_purpose="The traders' safety model",
        previous_name="USRG Meeting 52 (2026 Q4, City of Tshwane)",
        previous_minutes=[
            mp.PackMinute(f"Item {n}", "The meeting noted the update. " * 30) for n in range(10)
        ],
        open_actions=actions[:20],
        done_actions=actions[20:],
        attendees=[
            mp.PackAttendee(cities[n % len(cities)], f"Attendee Number {n}", "Official")
            for n in range(60)
        ],
        annexes=[
            mp.PackAnnex("Fund report", _annex(10, "Fund report")),
            mp.PackAnnex("By-law", _annex(10, "By-law")),
        ],
        printed_on=date(2026, 11, 25),
    )


def floor_pack(data: mp.MeetingPackData) -> bytes:
    """The same pages with ReportLab and pypdf alone: one plain build, annexes appended."""
    s = mp.pack_styles()
    titles = [t for t, _ in mp._body_sections(data, s)]
    entries = mp._contents_entries(data, titles)
    story = [*mp._cover(data, s), *mp._contents(entries, {}, [], s)]
    for n, (title, parts) in enumerate(mp._body_sections(data, s)):
        if n:
            story.append(PageBreak())
        story += [Paragraph(title, s["h1"]), *parts]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1).build(story)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(buffer.getvalue())))
    for annex in data.annexes:
        writer.append(PdfReader(io.BytesIO(annex.pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
