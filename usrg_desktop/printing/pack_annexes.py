"""Annexes in the meeting pack: each page scaled into a frame, with the stamp and the footer.

An annex arrives in any size and orientation (A4, A3, Letter, landscape, rotated). Each of its
pages is set on an A4 page of its own orientation, scaled down (never up) into a frame that
leaves a band at the top for the "Annex B" stamp and the annex's title and a band at the
bottom for the pack's footer. Nothing is painted over the annex's content: what it prints
stays visible, and what lies outside its own page box is clipped, not drawn over the bands.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas

from .pack_layout import BODY_FONT, BOLD_FONT, MARGIN, draw_footer, shorten
from .styles import ACCENT, RULE

# The stamp's box, measured from the page's top right corner.
STAMP_WIDTH = 30 * mm
STAMP_HEIGHT = 8 * mm
STAMP_TOP = 6 * mm
# The annex's frame: below the stamp's band, above the footer's rule, and these side margins.
FRAME_TOP = STAMP_TOP + STAMP_HEIGHT + 3 * mm
FRAME_BOTTOM = MARGIN + 1 * mm
FRAME_SIDE = 12 * mm


def annex_letter(n: int) -> str:
    """The letter of the n-th annex (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class AnnexFrame:
    """Where an annex page lands on its pack page: page size, scale and the placed box."""

    width: float
    height: float
    scale: float
    x: float
    y: float
    placed_width: float
    placed_height: float

    @property
    def frame(self) -> tuple[float, float, float, float]:
        """The free frame (x0, y0, x1, y1) between the bands."""
        return (FRAME_SIDE, FRAME_BOTTOM, self.width - FRAME_SIDE, self.height - FRAME_TOP)

    @property
    def stamp(self) -> tuple[float, float, float, float]:
        """The stamp's box (x0, y0, x1, y1)."""
        x1 = self.width - MARGIN
        y1 = self.height - STAMP_TOP
        return (x1 - STAMP_WIDTH, y1 - STAMP_HEIGHT, x1, y1)


def annex_frame(page_width: float, page_height: float) -> AnnexFrame:
    """The pack page for an annex page of this size (after its rotation), and its placing."""
    width, height = landscape(A4) if page_width > page_height else A4
    room_w = width - 2 * FRAME_SIDE
    room_h = height - FRAME_TOP - FRAME_BOTTOM
    scale = min(1.0, room_w / page_width, room_h / page_height)
    placed_w, placed_h = page_width * scale, page_height * scale
    x = FRAME_SIDE + (room_w - placed_w) / 2
    y = FRAME_BOTTOM + (room_h - placed_h) / 2
    return AnnexFrame(width, height, scale, x, y, placed_w, placed_h)


def _furniture(
    frames: list[AnnexFrame], letter: str, title: str, footer: str, first_page: int, total: int
) -> PdfReader:
    """One page per annex page with only the stamp, the annex's title and the pack's footer."""
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, invariant=1)
    for n, f in enumerate(frames):
        c.setPageSize((f.width, f.height))
        x0, y0, x1, y1 = f.stamp
        c.saveState()
        c.setStrokeColor(ACCENT)
        c.rect(x0, y0, x1 - x0, y1 - y0, fill=0)
        c.setFillColor(ACCENT)
        c.setFont(BOLD_FONT, 11)
        c.drawCentredString((x0 + x1) / 2, y0 + 2.5 * mm, f"Annex {letter}")
        c.setFont(BODY_FONT, 8.5)
        c.drawString(MARGIN, y0 + 2.5 * mm, shorten(title, x0 - MARGIN - 6 * mm, 8.5))
        # A hairline round the annex's page, so its edge shows where it was scaled.
        c.setStrokeColor(RULE)
        c.setLineWidth(0.3)
        c.rect(f.x, f.y, f.placed_width, f.placed_height, fill=0)
        c.restoreState()
        draw_footer(c, footer, first_page + n, total, f.width)
        c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def add_annex_pages(
    writer: PdfWriter,
    reader: PdfReader,
    *,
    letter: str,
    title: str,
    footer: str,
    first_page: int,
    total: int,
) -> int:
    """Append the annex's pages to the pack, each framed; the number of pages added."""
    frames: list[AnnexFrame] = []
    placings: list[Transformation] = []
    for page in reader.pages:
        # The page as a reader sees it: its crop box turned by its /Rotate (clockwise).
        box = page.cropbox
        turn = Transformation().rotate(-(page.rotation % 360))
        corners = [
            turn.apply_on((float(x), float(y)))
            for x in (box.left, box.right)
            for y in (box.bottom, box.top)
        ]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        frame = annex_frame(max(xs) - min(xs), max(ys) - min(ys))
        frames.append(frame)
        placings.append(
            turn.translate(-min(xs), -min(ys)).scale(frame.scale).translate(frame.x, frame.y)
        )
    furniture = _furniture(frames, letter, title, footer, first_page, total)
    for page, frame, placing, extra in zip(
        reader.pages, frames, placings, furniture.pages, strict=True
    ):
        target = writer.add_blank_page(frame.width, frame.height)
        target.merge_transformed_page(page, placing)
        target.merge_page(extra)
    return len(frames)
