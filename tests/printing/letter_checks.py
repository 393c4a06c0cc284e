"""Read-back checks shared by the letter tests: fonts embedded, no text drawn over text, where a
line of text sits on the page."""

from __future__ import annotations

import io

import pdfplumber
from pypdf import PdfReader
from reportlab.lib.units import mm

PAGE_HEIGHT = 297 * mm


def font_problems(pdf: bytes) -> list[str]:
    """Every font of the PDF that is not embedded, by name (empty when all are)."""
    problems = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                problems.append(str(font.get("/BaseFont")))
    return problems


def overlapping_words(pdf: bytes) -> list[tuple[int, str, str]]:
    """Pairs of words whose glyph boxes overlap (text drawn over text), with their page."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            for i, a in enumerate(words):
                for b in words[i + 1 :]:
                    width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    if width > 0.5 and height > 1.0:
                        found.append((number, a["text"], b["text"]))
    return found


def words_on(pdf: bytes, page: int) -> list[dict]:
    """The words of a page (1-based) with their boxes in points from the top-left corner."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return doc.pages[page - 1].extract_words()


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, white space (no-break spaces included) as single spaces."""
    import re

    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
