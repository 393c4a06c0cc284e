"""Representative letter pages rendered and compared with reference pictures kept in the repository,
so a change of layout (a block that moves, a line that wraps elsewhere, a page that breaks
differently) fails the suite even when every word is still there.

The pages are rendered with PDFium (pypdfium2, which the program uses for its previews) in
greyscale at 40 dots per inch, and compared with a tolerance: at most 1.5 % of the pixels may
differ by more than a quarter of the grey range, which absorbs anti-aliasing differences between
PDFium versions but not a moved paragraph. After an intended change of layout, look at the new
pages and write them as the references with

    USRG_UPDATE_RENDERS=1 .venv/bin/python -m pytest tests/printing/test_letter_renders.py
"""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from usrg_desktop.printing.letter_layout import Signatory
from usrg_desktop.printing.letters import letter_pdf
from usrg_desktop.printing.styles import Letterhead
from usrg_desktop.workflows.letters.issuing import default_template
from usrg_desktop.workflows.letters.letter_previews import sample_letter

REFERENCES = Path(__file__).parent / "reference_renders"
DPI = 40
LETTERHEAD = Letterhead(
    "SACN Urban Safety Reference Group",
    "South African Cities Network\nUrban Safety Reference Group\n"
    "urbansafety@sacities.net · Tel +27 (0)11 407 6471",
    "www.sacities.net · www.saferspaces.org.za",
)


def _signature() -> bytes:
    image = Image.new("L", (240, 70), 255)
    for x in range(10, 230):
        image.putpixel((x, 35 + ((x // 6) % 2) * 12 - 6), 30)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _letter(kind: str):
    made = sample_letter(kind, date(2026, 12, 7))
    signatory = Signatory("Nomvula Dlamini", "USRG Coordinator", "the SACN", _signature())
    header = replace(
        made.header,
        signatory=signatory,
        addressee=replace(
            made.header.addressee,
            honorific="Ms",
            postal_address="Private Bag X1049\nJohannesburg\n2000",
        ),
    )
    return replace(made, header=header)


PAGES = [("award", 1), ("award", 2), ("decline", 1), ("acknowledgement", 1)]


def render(pdf: bytes, page: int) -> Image.Image:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[page - 1].render(scale=DPI / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        document.close()


@pytest.mark.parametrize(("kind", "page"), PAGES)
def test_letter_pages_look_as_they_did(kind, page):
    pdf = letter_pdf(_letter(kind), default_template(kind), LETTERHEAD)
    shown = render(pdf, page)
    reference = REFERENCES / f"{kind}-page-{page}.png"
    if os.environ.get("USRG_UPDATE_RENDERS"):
        REFERENCES.mkdir(exist_ok=True)
        shown.save(reference, optimize=True)
    assert reference.exists(), f"no reference render {reference.name}; see this module's note"
    expected = Image.open(reference).convert("L")
    assert shown.size == expected.size
    difference = ImageChops.difference(shown, expected)
    changed = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
    share = changed / (shown.size[0] * shown.size[1])
    assert share <= 0.015, f"{reference.name}: {share:.1%} of the pixels differ"


def test_a_moved_paragraph_is_noticed():
    """The comparison is not blind: the same page with its body shifted by 2 mm fails it."""
    pdf = letter_pdf(_letter("decline"), default_template("decline"), LETTERHEAD)
    shown = render(pdf, 1)
    moved = ImageChops.offset(shown, 0, 3)
    difference = ImageChops.difference(shown, moved)
    changed = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
    assert changed / (shown.size[0] * shown.size[1]) > 0.015
