"""The meeting pack and agenda read back with pypdf: sections, bookmarks, pages, names, annexes."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from usrg_desktop.printing.meeting_pack import (
    MeetingPackData,
    PackAction,
    PackAgendaItem,
    PackAnnex,
    PackAttendee,
    PackMinute,
    agenda_pdf,
    annex_letter,
    meeting_pack_pdf,
)

TSHIVENDA = "Ṱhivhulawi Ḓuvheni-Ṋemaṅ"
LONG_WORDS = " ".join(["prevention", "lighting", "youth", "patrols", "wards"] * 400)  # 2,000


def annex_pdf(pages: int, title: str) -> bytes:
    """A plain PDF whose pages say which annex page they are."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for n in range(pages):
        c.drawString(72, 700, f"{title} page {n + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def pack_data(**changes) -> MeetingPackData:
    data = MeetingPackData(
        name="USRG Meeting 53",
        quarter="2027 Q1",
        host="eThekwini Metropolitan Municipality",
        dates="Monday 15 and Tuesday 16 February 2027",
        venue="Durban ICC",
        status="confirmed",
        day_labels={1: "Day 1 — Monday 15 February 2027", 2: "Day 2 — Tuesday 16 February 2027"},
        day_ends={1: "17:00", 2: "13:00"},
        agenda=[
            PackAgendaItem(1, "09:00", "1", "Welcome by eThekwini", "welcome", "information"),
            PackAgendaItem(
                1,
                "09:15",
                "2",
                "Matters arising",
                "discussion",
                "discussion",
                sub_items=("Action 57 (Meeting 52): Share the by-law draft",),
            ),
            PackAgendaItem(1, "10:15", None, "Tea", "break", ""),
            PackAgendaItem(
                1,
                "10:30",
                "3",
                "Thematic session",
                "presentation",
                "discussion",
                TSHIVENDA,
                LONG_WORDS,
            ),
            PackAgendaItem(2, "08:30", "4", "Innovation fund update", "session", "decision"),
        ],
        exposure_site="Warwick Junction",
        exposure_purpose="The traders' safety model",
        previous_name="USRG Meeting 52 (2026 Q4, City of Tshwane)",
        previous_minutes=[
            PackMinute("Matters arising", ("The meeting noted the report. " * 60 + "\n\n") * 14)
        ],
        open_actions=[
            PackAction(
                57,
                "Share the by-law draft",
                "City of Tshwane",
                "2026-12-01",
                "open",
                "Meeting 52",
                overdue=True,
            )
        ],
        done_actions=[
            PackAction(55, "Circulate the report", "SACN", "2026-10-01", "done", "Meeting 51")
        ],
        attendees=[
            PackAttendee("City of Johannesburg", "Lerato Mofokeng", "Focal person"),
            PackAttendee("eThekwini Metropolitan Municipality", TSHIVENDA, "Safety manager"),
            PackAttendee("Civilian Secretariat for Police Service", "Anél Coetzée", "Director"),
        ],
        annexes=[
            PackAnnex("Fund report", annex_pdf(3, "Fund report")),
            PackAnnex("By-law", annex_pdf(2, "By-law")),
        ],
        printed_on=date(2026, 11, 25),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pack_has_every_section_bookmarked_at_its_page():
    built = meeting_pack_pdf(pack_data())
    reader = PdfReader(io.BytesIO(built.pdf))
    outline = [
        (item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline
    ]
    assert [title for title, _ in outline] == [
        "Agenda",
        "Minutes of the previous meeting",
        "Action-item tracker",
        "Exposure-visit brief",
        "Attendance register",
        "Annex A: Fund report",
        "Annex B: By-law",
    ]
    pages = texts(built.pdf)
    for title, page in outline[:5]:
        assert title in pages[page - 1]
    # The contents page lists each section with the page it starts on.
    contents = pages[1]
    for title, page in outline:
        assert re.search(rf"{re.escape(title)}\s*{page}\b", contents), title
    assert built.pages == len(pages)


def test_every_page_says_page_x_of_y_and_the_meeting():
    built = meeting_pack_pdf(pack_data())
    pages = texts(built.pdf)
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in text
        assert "USRG Meeting 53" in text


def test_annex_pages_come_last_in_order_and_are_stamped():
    pages = texts(meeting_pack_pdf(pack_data()).pdf)
    tail = pages[-5:]
    expected = [
        ("A", "Fund report page 1"),
        ("A", "Fund report page 2"),
        ("A", "Fund report page 3"),
        ("B", "By-law page 1"),
        ("B", "By-law page 2"),
    ]
    for text, (letter, line) in zip(tail, expected, strict=True):
        assert line in text
        assert f"Annex {letter}" in text


def test_the_register_lists_every_expected_attendee_by_group():
    pages = texts(meeting_pack_pdf(pack_data()).pdf)
    register = next(t for t in pages if "Attendance register" in t and "Signature" in t)
    for name in (
        "Lerato Mofokeng",
        TSHIVENDA,
        "Anél Coetzée",
        "Civilian Secretariat for Police Service",
    ):
        assert name in register
    assert register.index("City of Johannesburg") < register.index("Lerato Mofokeng")


def test_long_minutes_and_a_2000_word_item_flow_over_pages():
    built = meeting_pack_pdf(pack_data())
    pages = texts(built.pdf)
    minutes_pages = [t for t in pages if "The meeting noted the report." in t]
    assert len(minutes_pages) >= 3
    assert sum(t.count("prevention") for t in pages) == 400


def test_a_table_row_taller_than_a_page_is_set_as_paragraphs():
    huge = PackAction(1, "Report back. " * 900, "SACN", "2027-01-01", "open", "Meeting 1")
    built = meeting_pack_pdf(pack_data(open_actions=[huge]))
    assert sum(t.count("Report back.") for t in texts(built.pdf)) == 900


def test_no_previous_meeting_and_no_annexes_leave_those_sections_out():
    data = pack_data(
        previous_name=None, previous_minutes=[], annexes=[], open_actions=[], done_actions=[]
    )
    reader = PdfReader(io.BytesIO(meeting_pack_pdf(data).pdf))
    assert [item.title for item in reader.outline] == [
        "Agenda",
        "Exposure-visit brief",
        "Attendance register",
    ]


def test_a_bad_annex_is_a_sentence_naming_it():
    data = pack_data(annexes=[PackAnnex("Budget", b"%PDF-1.4 broken")])
    with pytest.raises(ValueError, match="The annex 'Budget' is not a readable PDF"):
        meeting_pack_pdf(data)


def test_the_agenda_fits_two_pages_and_lists_matters_arising():
    data = pack_data()
    data.agenda = [i for i in data.agenda if i.title != "Thematic session"]
    pages = texts(agenda_pdf(data))
    assert len(pages) <= 2
    text = "\n".join(pages)
    for expected in (
        "Welcome by eThekwini",
        "Action 57 (Meeting 52)",
        "Innovation fund update",
        "Warwick Junction",
        "Day 2 — Tuesday 16 February 2027",
        "Page 1 of",
    ):
        assert expected in text


def test_the_agenda_is_the_same_bytes_each_time():
    assert agenda_pdf(pack_data()) == agenda_pdf(pack_data())


@pytest.mark.parametrize(("n", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB")])
def test_annex_letters(n, letter):
    assert annex_letter(n) == letter


def test_contents_longer_than_a_page_still_number_every_section():
    annexes = [PackAnnex(f"Report {n}", annex_pdf(1, f"Report {n}")) for n in range(45)]
    built = meeting_pack_pdf(pack_data(annexes=annexes))
    reader = PdfReader(io.BytesIO(built.pdf))
    pages = [p.extract_text() for p in reader.pages]
    assert "Contents" in pages[1] and "Annex AS: Report 44" in pages[2]  # two contents pages
    for item in reader.outline:
        page = reader.get_destination_page_number(item)
        assert item.title.split(": ")[-1] in pages[page]
    assert all(f"Page {n} of {len(pages)}" in t for n, t in enumerate(pages, start=1))
