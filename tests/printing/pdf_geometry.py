"""Reading a PDF's glyph boxes back (pdfplumber) to check that nothing is printed over text."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber


@dataclass(frozen=True)
class Glyph:
    """One character as drawn: its text and box (points, origin top left as pdfplumber has it)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    def overlap(self, other: Glyph) -> float:
        """The share of the smaller box that the two boxes have in common (0 to 1)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        if w <= 0 or h <= 0:
            return 0.0
        smaller = min(
            (self.x1 - self.x0) * (self.bottom - self.top),
            (other.x1 - other.x0) * (other.bottom - other.top),
        )
        return (w * h) / smaller if smaller > 0 else 0.0


def page_glyphs(pdf: bytes) -> list[list[Glyph]]:
    """The visible glyphs of every page (spaces left out)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [
            [
                Glyph(c["text"], c["x0"], c["x1"], c["top"], c["bottom"])
                for c in page.chars
                if c["text"].strip()
            ]
            for page in doc.pages
        ]


def page_fills(pdf: bytes) -> list[list[tuple[float, float, float, float]]]:
    """The filled rectangles of every page as (x0, top, x1, bottom)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [
            [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects if r.get("fill")]
            for page in doc.pages
        ]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Every page's (width, height) in points."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [(float(p.width), float(p.height)) for p in doc.pages]


# Two glyphs of one line may touch by kerning; a glyph printed over another covers far more.
OVERLAP_LIMIT = 0.3


def glyphs_over_glyphs(glyphs: list[Glyph]) -> list[tuple[Glyph, Glyph]]:
    """Pairs of glyphs drawn over each other (more than OVERLAP_LIMIT of the smaller box)."""
    ordered = sorted(glyphs, key=lambda g: g.x0)
    clashes = []
    for n, g in enumerate(ordered):
        for other in ordered[n + 1 :]:
            if other.x0 >= g.x1:
                break
            if g.overlap(other) > OVERLAP_LIMIT:
                clashes.append((g, other))
    return clashes
