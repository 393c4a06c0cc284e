"""The page machinery of letters as they were printed before layout 2 (USRG Desktop 0.1):
fonts, paragraph styles, the letterhead, running head and footer, and `build_pdf` — the
`styles.py` of that version. Frozen, do not edit: `letters_v1` prints the letters of that
layout with it, and their re-prints must match the PDF that went out byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, TableStyle

from ..resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

# The house colours: SACN's dark teal for names and rules, a warm grey for small print.
INK = colors.HexColor("#1b1b1b")
ACCENT = colors.HexColor("#00606b")
MUTED = colors.HexColor("#5c5c5c")
RULE = colors.HexColor("#9bb8bc")
SHADE = colors.HexColor("#eef4f5")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = MARGIN_RIGHT = 22 * mm
MARGIN_BOTTOM = 24 * mm
LETTERHEAD_HEIGHT = 42 * mm  # the first page's header, from the top edge
RUNNING_HEAD_HEIGHT = 22 * mm  # later pages' small header, from the top edge
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Letterhead:
    """What the administrator sets for the paper: name, address block, footer, optional logo."""

    name: str
    address: str
    footer: str
    logo_png: bytes | None = None


def register_fonts() -> None:
    """Register DejaVu Sans (shipped in resources/fonts) with ReportLab, once per process."""
    _register_fonts()


@cache
def _register_fonts() -> None:
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles every document uses, by name (body, small, subject, heading, ...)."""
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=10, leading=14, textColor=INK, spaceAfter=7
    )
    return {
        "body": body,
        "tight": ParagraphStyle("tight", parent=body, spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0),
        "subject": ParagraphStyle(
            "subject",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=15,
            textColor=ACCENT,
            spaceBefore=4,
            spaceAfter=10,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=10
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=9, leading=11.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=8.5,
            leading=11,
            spaceAfter=0,
            textColor=ACCENT,
            alignment=TA_LEFT,
        ),
        "cell_head_right": ParagraphStyle(
            "cell_head_right",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=8.5,
            leading=11,
            spaceAfter=0,
            textColor=ACCENT,
            alignment=TA_RIGHT,
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=3
        ),
    }


def table_style(*, header: bool = True, total_row: bool = False) -> TableStyle:
    """The house table look: a tinted heading row, light rules between rows."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    if total_row:
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, ACCENT),
        ]
    return TableStyle(commands)


def long_date(value: date) -> str:
    """A date as South African letters write it: 25 November 2026."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def escape(text: str) -> str:
    """Plain text made safe for a ReportLab Paragraph (its mini-markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- pages --------------------------------------------------------------------------------------
class NumberedCanvas(pdfcanvas.Canvas):
    """A canvas that holds its pages until the end, so each can say "Page x of y"."""

    # ReportLab's own canvas internals, used to hold pages back; not in its type stubs.
    _startPage: Callable[[], None]
    _pageNumber: int

    def __init__(self, *args: Any, page_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        """Keep the finished page; it is written in save() once the count is known."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Write every page with its number ("Page x of y" when there is more than one)."""
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if total > 1:
                self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        text = f"Page {self._pageNumber} of {total}"
        if self._page_label:
            text = f"{self._page_label} · {text}"
        self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, MARGIN_BOTTOM - 13 * mm, text)
        self.restoreState()


def _logo(letterhead: Letterhead) -> ImageReader | None:
    if not letterhead.logo_png:
        return None
    try:
        return ImageReader(io.BytesIO(letterhead.logo_png))
    except Exception:  # noqa: BLE001 - a broken logo must not stop a letter; print without it
        return None


def _draw_footer(canvas: pdfcanvas.Canvas, letterhead: Letterhead) -> None:
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    y = MARGIN_BOTTOM - 7 * mm
    canvas.line(MARGIN_LEFT, y, PAGE_WIDTH - MARGIN_RIGHT, y)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    for n, line in enumerate(letterhead.footer.splitlines()[:2]):
        canvas.drawString(MARGIN_LEFT, y - 4 * mm - n * 3.3 * mm, line)


def draw_letterhead(canvas: pdfcanvas.Canvas, letterhead: Letterhead) -> None:
    """Draw the letterhead (logo, name, address block, rule) at the top of the current page."""
    _draw_letterhead(canvas, letterhead, _logo(letterhead))


def _draw_letterhead(canvas: pdfcanvas.Canvas, letterhead: Letterhead, logo: Any) -> None:
    top = PAGE_HEIGHT - 14 * mm
    x = MARGIN_LEFT
    if logo is not None:
        width, height = logo.getSize()
        scale = min(18 * mm / height, 42 * mm / width)
        w, h = width * scale, height * scale
        canvas.drawImage(logo, x, top - h, w, h, mask="auto")
        x += w + 5 * mm
    canvas.setFillColor(ACCENT)
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawString(x, top - 5 * mm, letterhead.name)
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    for n, line in enumerate(letterhead.address.splitlines()[:5]):
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, top - 4 * mm - n * 3.6 * mm, line)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    y = PAGE_HEIGHT - LETTERHEAD_HEIGHT + 6 * mm
    canvas.line(MARGIN_LEFT, y, PAGE_WIDTH - MARGIN_RIGHT, y)


def _draw_running_head(canvas: pdfcanvas.Canvas, letterhead: Letterhead, title: str) -> None:
    y = PAGE_HEIGHT - 14 * mm
    canvas.setFont(FONT_BOLD, 8.5)
    canvas.setFillColor(ACCENT)
    canvas.drawString(MARGIN_LEFT, y, letterhead.name)
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    room = TEXT_WIDTH - pdfmetrics.stringWidth(letterhead.name, FONT_BOLD, 8.5) - 8 * mm
    while title and pdfmetrics.stringWidth(title, FONT, 8) > room:
        title = title[:-2].rstrip() + "…"
    if title:
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, title)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_LEFT, y - 2.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, y - 2.5 * mm)


def build_pdf(
    story: Sequence[Flowable],
    *,
    letterhead: Letterhead,
    title: str,
    running_title: str = "",
    subject: str = "",
    author: str = "USRG Secretariat",
    page_label: str = "",
    letterhead_on_first_page: bool = True,
) -> bytes:
    """Lay out `story` on A4 pages and return the PDF bytes (the same input, the same bytes).

    The first page carries the full letterhead (logo, name, address block); later pages a small
    running head with `running_title`; every page the footer, and "Page x of y" (prefixed by
    `page_label`, say a meeting's name) when there is more than one page.
    """
    register_fonts()
    logo = _logo(letterhead)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=RUNNING_HEAD_HEIGHT,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="USRG Desktop",
        invariant=1,
    )
    first_top = LETTERHEAD_HEIGHT if letterhead_on_first_page else RUNNING_HEAD_HEIGHT

    def frame(name: str, top: float) -> Frame:
        return Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            TEXT_WIDTH,
            PAGE_HEIGHT - top - MARGIN_BOTTOM,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    def first_page(canvas: pdfcanvas.Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        if letterhead_on_first_page:
            _draw_letterhead(canvas, letterhead, logo)
        else:
            _draw_running_head(canvas, letterhead, running_title or title)
        _draw_footer(canvas, letterhead)
        canvas.restoreState()

    def later_page(canvas: pdfcanvas.Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        _draw_running_head(canvas, letterhead, running_title or title)
        _draw_footer(canvas, letterhead)
        canvas.restoreState()

    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [frame("first", first_top)],
                onPage=first_page,
                autoNextPageTemplate="later",
            ),
            PageTemplate("later", [frame("later", RUNNING_HEAD_HEIGHT)], onPage=later_page),
        ]
    )
    doc.build(list(story), canvasmaker=partial(NumberedCanvas, page_label=page_label))
    return buffer.getvalue()
