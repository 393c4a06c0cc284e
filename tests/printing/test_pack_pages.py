"""The pack read back glyph by glyph: no text over text, annexes framed, footers that fit."""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A3, A4, A5, landscape, letter
from reportlab.pdfgen import canvas

from usrg_desktop.printing.meeting_pack import PackAnnex, meeting_pack_pdf
from usrg_desktop.printing.pack_annexes import FRAME_BOTTOM, FRAME_TOP
from usrg_desktop.printing.pack_layout import footer_lines

from .pdf_geometry import glyphs_over_glyphs, page_fills, page_glyphs, page_sizes
from .test_meeting_pack import pack_data

LONGEST_HOST = "City of Johannesburg Metropolitan Municipality"
LONG_DATES = "Wednesday 29 September and Thursday 30 September 2027"


def edge_to_edge(size: tuple[float, float], title: str, *, rotate: int = 0) -> bytes:
    """A page with text right at its four edges, where a stamp or a footer band would land."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=size, invariant=1)
    w, h = size
    c.setFont("Helvetica", 10)
    c.drawString(20, h - 16, f"{title} TOP LEFT")
    c.drawRightString(w - 20, h - 16, "TOP RIGHT")
    for k in range(1, 10):
        c.drawString(72, h - k * h / 10, f"{title} body {k}")
    c.drawString(20, 8, f"{title} BOTTOM LEFT")
    c.drawRightString(w - 20, 8, "BOTTOM RIGHT")
    if rotate:
        c.setPageRotation(rotate)
    c.showPage()
    c.save()
    return buffer.getvalue()


MIXED = [
    PackAnnex("A4 report", edge_to_edge(A4, "A4")),
    PackAnnex("A3 budget, landscape", edge_to_edge(landscape(A3), "A3L")),
    PackAnnex("Letter memo", edge_to_edge(letter, "LTR")),
    PackAnnex("A5 flyer", edge_to_edge(A5, "A5")),
    PackAnnex("Turned page", edge_to_edge(A4, "ROT", rotate=90)),
]


@pytest.fixture(scope="module")
def long_pack() -> bytes:
    """A pack with the longest host name, long dates, mixed annexes and a two-digit total."""
    data = pack_data(host=LONGEST_HOST, dates=LONG_DATES, annexes=MIXED)
    built = meeting_pack_pdf(data)
    assert built.pages >= 10
    return built.pdf


def test_no_glyph_is_printed_over_another_on_any_page(long_pack):
    for n, glyphs in enumerate(page_glyphs(long_pack), start=1):
        clashes = glyphs_over_glyphs(glyphs)
        assert not clashes, f"page {n}: {clashes[:3]}"


def test_every_footer_names_the_meeting_and_its_page_within_the_bottom_band(long_pack):
    reader = PdfReader(io.BytesIO(long_pack))
    total = len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {n} of {total}" in text
        assert "USRG Meeting 53" in text
        assert "City of Johannesburg" in text


def test_annex_pages_keep_all_their_text_and_nothing_is_painted_over_it(long_pack):
    reader = PdfReader(io.BytesIO(long_pack))
    annex_pages = list(range(len(reader.pages) - len(MIXED), len(reader.pages)))
    fills = page_fills(long_pack)
    glyphs = page_glyphs(long_pack)
    sizes = page_sizes(long_pack)
    for index, annex in zip(annex_pages, MIXED, strict=True):
        text = reader.pages[index].extract_text()
        source = PdfReader(io.BytesIO(annex.pdf)).pages[0].extract_text()
        for line in source.splitlines():
            assert line.strip() in text, (annex.title, line)
        assert fills[index] == [], f"{annex.title}: a filled box over the annex"
        _width, height = sizes[index]
        # Above and below the frame there are only the stamp, the title and the footer: none
        # of the annex's own words (upper case or 'body') were pushed or drawn there.
        inside = [
            g
            for g in glyphs[index]
            if g.top > FRAME_TOP - 0.5 and g.bottom < height - FRAME_BOTTOM + 0.5
        ]
        assert inside, annex.title
        band_text = "".join(g.text for g in glyphs[index] if g not in inside)
        for word in ("TOP", "BOTTOM", "body"):
            assert word not in band_text, (annex.title, band_text)


def test_a_landscape_annex_gets_a_landscape_page_and_a_portrait_one_a_portrait_page(long_pack):
    sizes = page_sizes(long_pack)[-len(MIXED) :]
    a4_w, a4_h = A4
    assert [round(w) for w, _h in sizes] == [round(x) for x in (a4_w, a4_h, a4_w, a4_w, a4_w)]


@pytest.mark.parametrize("total", [9, 99, 999])
def test_footer_lines_leave_room_for_the_page_number(total):
    footer = f"USRG Meeting 53 · {LONGEST_HOST} · {LONG_DATES}"
    lines = footer_lines(footer, f"Page {total} of {total}", A4[0])
    assert len(lines) == 2
    assert lines[0].startswith("USRG Meeting 53 · City of Johannesburg")
    short = footer_lines("USRG Meeting 53 · Msunduzi · 1 May", "Page 1 of 9", A4[0])
    assert short == ["USRG Meeting 53 · Msunduzi · 1 May"]


def contents_lines(pdf: bytes) -> list[tuple[str, float]]:
    """The contents page's lines as (text, right edge of the line's last word)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[1].extract_words()
    lines: dict[int, list[dict]] = {}
    for w in words:
        lines.setdefault(round(w["top"]), []).append(w)
    return [
        (" ".join(w["text"] for w in ws), ws[-1]["x1"])
        for _top, ws in sorted(lines.items())
        if ws[-1]["text"].isdigit() and ws[-1]["x1"] > 400 and ws[0]["text"] != "USRG"
    ]


def test_contents_list_each_agenda_item_right_aligned_and_linked_to_its_papers(long_pack):
    data = pack_data()
    lines = contents_lines(long_pack)
    numbered = [i for i in data.agenda if i.number]
    for item in numbered:
        assert any(line.startswith(f"{item.number} {item.title}") for line, _x in lines), item
    assert len({round(x, 1) for _line, x in lines}) == 1  # one right edge for every number

    reader = PdfReader(io.BytesIO(long_pack))
    texts = [p.extract_text() for p in reader.pages]
    links = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert len(links) == len(lines)
    pages = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages)}
    ordered = sorted(links, key=lambda a: -float(a["/Rect"][1]))  # top to bottom
    for link, (line, _x) in zip(ordered, lines, strict=True):
        page = pages[link["/Dest"][0].idnum]
        assert line.endswith(f" {page + 1}"), (line, page + 1)
        words = line.rsplit(" ", 1)[0]
        title = words.split(" ", 1)[1] if words[0].isdigit() else words.split(": ")[-1]
        assert title in texts[page].replace("\n", " "), (line, page + 1)


def test_an_item_with_papers_points_at_them_not_at_the_agenda():
    data = pack_data()
    data.agenda[1] = dataclasses.replace(data.agenda[1], papers="Action-item tracker")
    built = meeting_pack_pdf(data)
    tracker = next(s.page for s in built.sections if s.title == "Action-item tracker")
    lines = contents_lines(built.pdf)
    assert f"2 Matters arising {tracker}" in [line for line, _x in lines]
