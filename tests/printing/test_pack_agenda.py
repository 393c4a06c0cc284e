"""The agenda and the pack as a committee hands them out: purposes, dates, overdue, register."""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
from pypdf import PdfReader

from usrg_desktop.printing.meeting_pack import PackAction, agenda_pdf, meeting_pack_pdf
from usrg_desktop.printing.pack_layout import FRAME_WIDTH, pack_styles
from usrg_desktop.printing.pack_register import ROW_HEIGHT, BlankRows

from .test_meeting_pack import pack_data, texts


def words(pdf: bytes) -> str:
    """The PDF's text with every run of white space (line breaks too) as one space."""
    return " ".join(" ".join(texts(pdf)).split())


OVERDUE_RED = (0.690196, 0.0, 0.12549)


def arising(n: int, overdue: bool) -> PackAction:
    return PackAction(
        n, f"Report back on item {n}", "City of Tshwane", "3 November 2026", "open", "Meeting 52",
        overdue=overdue,
    )  # fmt: skip


def agenda_with_actions(count: int = 8):
    data = pack_data()
    actions = tuple(arising(60 + k, overdue=k % 2 == 0) for k in range(count))
    data.agenda[1] = dataclasses.replace(data.agenda[1], sub_items=(), arising=actions)
    return data


def test_purposes_read_for_noting_for_decision_for_discussion():
    text = words(agenda_pdf(pack_data()))
    for purpose in ("For noting", "For decision", "For discussion"):
        assert purpose in text
    assert "information" not in text


def test_each_matter_arising_is_a_row_of_its_own_numbered_under_its_item():
    pdf = agenda_pdf(agenda_with_actions())
    text = words(pdf).replace("\xa0", " ")
    for k in range(8):
        assert f"2.{k + 1} Action {60 + k} (Meeting 52): Report back on item {60 + k}" in text
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        found = [w for p in doc.pages for w in p.extract_words() if w["text"] == "Action"]
    assert len({round(w["top"]) for w in found}) == 8  # eight lines, not one crammed cell


def test_overdue_actions_are_marked_in_red_on_the_agenda_and_the_tracker():
    data = agenda_with_actions(4)
    for pdf, expected in ((agenda_pdf(data), 2), (meeting_pack_pdf(data).pdf, 2 + 1)):
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            reds = [
                w
                for page in doc.pages
                for w in page.extract_words(extra_attrs=["non_stroking_color"])
                if w["text"] == "Overdue"
                and tuple(round(c, 6) for c in w["non_stroking_color"]) == OVERDUE_RED
            ]
        assert len(reds) == expected


def test_an_overrunning_day_closes_at_its_real_end_after_its_last_item():
    data = pack_data(day_ends={1: "17:00", 2: "14:15"}, day_planned_ends={2: "13:00"})
    text = words(agenda_pdf(data))
    assert "14:15 Close of day 2" in text
    assert "Planned for 13:00: the programme runs over." in text
    assert "Close of day 2: 13:00" not in text


def test_the_exposure_visit_is_printed_once_with_its_time_from_the_agenda():
    data = pack_data(
        exposure_when="Monday 15 February 2027, 13:00 to 16:30",
        exposure_transport="A municipal bus from the venue and back.",
    )
    for pdf in (agenda_pdf(data), meeting_pack_pdf(data).pdf):
        text = words(pdf)
        assert text.count("A municipal bus from the venue and back.") == 1
        assert text.count("When: Monday 15 February 2027, 13:00 to 16:30") == 1


def test_register_rows_have_organisation_and_signature_and_end_with_the_popia_notice():
    built = meeting_pack_pdf(pack_data(annexes=[]))
    pages = [" ".join(page.split()) for page in texts(built.pdf)]
    start = next(s.page for s in built.sections if s.title == "Attendance register")
    register = pages[start - 1 :]
    assert "Name Organisation Day 1 Day 2 Visit Signature" in register[0]
    assert "Other attendees" in register[-1]
    assert "Protection of Personal Information Act 4 of 2013" in register[-1]


def test_no_page_carries_only_leftovers():
    """Whatever the number of invitees, a page a section runs on to has a real share of it."""
    base = pack_data(annexes=[])
    for extra in range(0, 60, 10):
        attendees = base.attendees + [
            dataclasses.replace(base.attendees[0], name=f"Invitee {n}") for n in range(extra)
        ]
        built = meeting_pack_pdf(dataclasses.replace(base, attendees=attendees))
        pdf = built.pdf
        starts = {1, 2} | {section.page for section in built.sections}  # cover, contents
        reader = PdfReader(io.BytesIO(pdf))
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            for n, page in enumerate(doc.pages):
                if n + 1 in starts:
                    continue
                body = page.crop((0, 60, page.width, page.height - 60))
                height = sum(r["height"] for r in body.rects) + 12 * len(body.extract_words())
                assert height > 150, (extra, n + 1, reader.pages[n].extract_text()[:200])
            # The blank rows are never cut down to a couple at the foot of a page.
            last = doc.pages[-1]
            found = {w["text"]: w["top"] for w in last.extract_words()}
            room = found["Personal"] - found["attendees"]
            assert room >= 4 * ROW_HEIGHT, (extra, room)  # four blank rows at least


def test_blank_register_rows_fill_the_room_left_or_start_a_page_never_fewer_than_four():
    s = pack_styles()
    for room in range(40, 700, 7):
        rows = BlankRows(s)
        _width, height = rows.wrap(FRAME_WIDTH, room)
        blank = len(rows._parts[0]._cellvalues) - 2  # less the heading and "Other attendees"
        if height <= room:
            assert 4 <= blank <= 14, (room, blank)
        else:
            assert blank == 14  # it goes to the next page, where it takes the fullest size


def test_every_agenda_page_has_the_running_header_the_handout_has_no_cover():
    for text in texts(agenda_pdf(agenda_with_actions())):
        assert text.startswith("Urban Safety Reference Group · South African Cities Network")
