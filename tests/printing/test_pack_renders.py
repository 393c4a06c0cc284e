"""Reference renders of the pack: a layout change that moves, covers or drops text fails here.

Representative pages of a fixed pack (contents, agenda, minutes, register, a landscape annex)
are rendered at 50 dpi in grey with PDFium (pypdfium2, which the program itself uses for its
preview) and compared with the PNGs in tests/printing/renders/ with a tolerance for
anti-aliasing. After a deliberate layout change, look at the new pages and write them again:

    USRG_UPDATE_RENDERS=1 .venv/bin/python -m pytest tests/printing/test_pack_renders.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from usrg_desktop.printing.meeting_pack import MinutesRecord, meeting_pack_pdf
from usrg_desktop.printing.pack_minutes import MinuteAction, PackMinute

from .test_meeting_pack import pack_data
from .test_pack_pages import LONG_DATES, LONGEST_HOST, MIXED

RENDERS = Path(__file__).with_name("renders")
DPI = 50
# Mean grey difference (0-255) and pixels off by more than a quarter of the range: room for
# another PDFium's anti-aliasing, not for text moved by a millimetre (a 2 mm shift of the
# contents' titles makes 0.27 and 395 pixels).
MEAN_LIMIT = 0.15
PIXEL_LIMIT = 120


def reference_pack() -> bytes:
    minutes = [
        PackMinute(
            "Minutes of USRG Meeting 51",
            "",
            number="52.3",
            resolutions=(("52/1", "The minutes of meeting 51 were adopted without changes."),),
        ),
        PackMinute(
            "Thematic session: Safety in public transport",
            "The session heard three practitioners; members agreed to share their material.",
            number="52.10",
            actions=(MinuteAction(20, "Report back on the toolkit.", "SALGA", "8 February 2027"),),
        ),
    ]
    record = MinutesRecord(
        meeting="USRG Meeting 52",
        summary="2026 Q4, hosted by Buffalo City Metropolitan Municipality, Tuesday 10 and "
        "Wednesday 11 November 2026",
        present=("Lerato Mofokeng (City of Johannesburg)", "Zanele Ngcobo (eThekwini)"),
        in_attendance=("Anél Coetzée (SACN)",),
        apologies=("Deon Fourie (SALGA)",),
        confirming="USRG Meeting 53",
    )
    data = pack_data(
        host=LONGEST_HOST,
        dates=LONG_DATES,
        annexes=MIXED[:2],
        previous_minutes=minutes,
        previous_record=record,
        exposure_when="Wednesday 29 September 2027, 13:00 to 16:30",
    )
    data.agenda = [i for i in data.agenda if i.title != "Thematic session"]
    return meeting_pack_pdf(data).pdf


def page_images(pdf: bytes) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [
            doc[n].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            for n in range(len(doc))
        ]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def rendered() -> dict[str, Image.Image]:
    pdf = reference_pack()
    images = page_images(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    return {
        "contents": images[1],
        "agenda": images[outline["Agenda"]],
        "minutes": images[outline["Minutes of the previous meeting"]],
        "register": images[outline["Exposure-visit brief"] + 1],
        "annex-landscape": images[-1],
    }


@pytest.mark.parametrize("name", ["contents", "agenda", "minutes", "register", "annex-landscape"])
def test_page_matches_its_reference_render(rendered, name):
    image = rendered[name]
    reference = RENDERS / f"{name}.png"
    if os.environ.get("USRG_UPDATE_RENDERS") == "1":
        image.save(reference, optimize=True)
    assert reference.exists(), f"no reference render {reference.name}: see this file's docstring"
    expected = Image.open(reference).convert("L")
    assert image.size == expected.size, f"{name}: the page changed size"
    diff = ImageChops.difference(image, expected)
    mean = ImageStat.Stat(diff).mean[0]
    off = sum(diff.histogram()[64:])
    assert mean <= MEAN_LIMIT and off <= PIXEL_LIMIT, (
        f"{name}: the page looks different from {reference.name} "
        f"(mean difference {mean:.2f}, {off} pixels changed)"
    )
