"""The pages of a meeting pack: styles, tables that never break a build, the footer, a build.

Shared by the agenda, the pack's sections (printing/meeting_pack.py, pack_minutes.py,
pack_contents.py) and the annex frames (pack_annexes.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .styles import ACCENT, INK, RULE, Letterhead, draw_letterhead, register_fonts
from .styles import FONT as BODY_FONT
from .styles import FONT_BOLD as BOLD_FONT
from .styles import FONT_ITALIC as ITALIC_FONT

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FOOTER_GAP = 10 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - FOOTER_GAP
# A table row taller than this share of a page is set as paragraphs instead.
ROW_HEIGHT_LIMIT = 0.8 * FRAME_HEIGHT


# -- styles ----------------------------------------------------------------------------------
def pack_styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=BODY_FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD_FONT, fontSize=9),
        "cell_italic": ParagraphStyle(
            "cell_italic", parent=base, fontName=ITALIC_FONT, fontSize=8.5
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontName=BOLD_FONT, fontSize=8.5, textColor=colors.white
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=16,
            leading=20,
            spaceAfter=8,
            textColor=ACCENT,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=26,
            leading=32,
            alignment=TA_CENTER,
            textColor=ACCENT,
        ),
        "cover_line": ParagraphStyle(
            "cover_line", parent=base, fontSize=13, leading=18, alignment=TA_CENTER
        ),
        "contents": ParagraphStyle("contents", parent=base, fontSize=11, leading=16),
        "cover_small": ParagraphStyle(
            "cover_small", parent=base, fontSize=8.5, leading=11, alignment=TA_CENTER
        ),
    }


def markup(value: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    """A long text as one paragraph per blank-line-separated block, so it flows over pages."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(markup(b), style) for b in blocks if b]


class SectionStart(Flowable):
    """Marks where a section starts, for the contents and the bookmarks (draws nothing)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Takes no room."""
        return 0, 0

    def draw(self) -> None:
        """Draws nothing."""


# -- tables that never break the build -------------------------------------------------------
def safe_table(
    header: list[str],
    rows: list[list[Flowable | str]],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    *,
    as_paragraphs: Iterable[int] = (),
    extra_style: list[tuple] | None = None,
) -> list[Flowable]:
    """A table with a repeated heading row; a row too tall for a page is set as paragraphs.

    `as_paragraphs` names the columns whose text leads the paragraph version of a tall row.
    """
    head = [Paragraph(markup(h), styles["head"]) for h in header]
    out: list[Flowable] = []
    pending: list[list] = []
    lead = list(as_paragraphs) or [0]

    def flush() -> None:
        if pending:
            table = Table([head, *pending], colWidths=widths, repeatRows=1, splitByRow=1)
            table.setStyle(table_style(extra_style))
            out.append(table)
            pending.clear()

    for row in rows:
        cells = [
            c if isinstance(c, Flowable) else Paragraph(markup(str(c)), styles["cell"]) for c in row
        ]
        _w, height = Table([cells], colWidths=widths).wrap(FRAME_WIDTH, FRAME_HEIGHT)
        if height <= ROW_HEIGHT_LIMIT:
            pending.append(cells)
            continue
        flush()
        for n, (label, cell) in enumerate(zip(header, row, strict=True)):
            if isinstance(cell, Flowable):
                text = getattr(cell, "text", "")
                out.extend(paragraphs(text, styles["body"]) if n not in lead else [cell])
            elif str(cell):
                style = styles["cell_bold"] if n in lead else styles["body"]
                prefix = "" if n in lead else f"{label}: "
                out.extend(paragraphs(prefix + str(cell), style))
        out.append(Spacer(1, 6))
    flush()
    return out


def table_style(extra: list[tuple] | None = None) -> TableStyle:
    return TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            *(extra or []),
        ]
    )


# -- page furniture --------------------------------------------------------------------------
class _NumberedCanvas(pdfcanvas.Canvas):
    """Draws the footer ("name … Page x of y") once the number of pages is known.

    `first_page` is the number of this document's first page in the finished pack and `total`
    the pack's page count when it is known beforehand; otherwise the total is this document's
    pages plus `extra_pages` (the annexes that follow).
    """

    # ReportLab's own canvas internal, used to hold pages back; not in its type stubs.
    _startPage: Callable[[], None]

    def __init__(
        self,
        *args: Any,
        footer: str = "",
        extra_pages: int = 0,
        first_page: int = 1,
        total: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._extra_pages = extra_pages
        self._first_page = first_page
        self._total = total
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        """Keep the page until save(), when the total is known."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Draw every page's footer with the total, then write the file."""
        total = self._total or len(self._pages) + self._extra_pages
        for n, state in enumerate(self._pages):
            self.__dict__.update(state)
            draw_footer(self, self._footer, self._first_page + n, total, PAGE_WIDTH)
            super().showPage()
        super().save()


FOOTER_SIZE = 8
FOOTER_LEADING = 3.5 * mm
FOOTER_SEPARATOR = " · "
# Between the meeting's line and "Page x of y", never less than this.
FOOTER_SPACE = 6 * mm


def shorten(text: str, room: float, size: float = FOOTER_SIZE) -> str:
    """The text, cut at a word with "…" when it is wider than `room` points."""
    if stringWidth(text, BODY_FONT, size) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(" ·,;:") + "…"
        if stringWidth(candidate, BODY_FONT, size) <= room:
            return candidate
    # One word wider than the room: cut letters.
    word = words[0]
    while word and stringWidth(word + "…", BODY_FONT, size) > room:
        word = word[:-1]
    return word + "…"


def footer_lines(footer: str, page_label: str, width: float) -> list[str]:
    """The meeting's footer as one line beside `page_label`, or two, never running into it.

    `footer` is made of parts joined by " · " (name · host · dates): one line when it fits, else
    the last part goes to a second line, and a part still too long is shortened at a word.
    """
    room = width - 2 * MARGIN - stringWidth(page_label, BODY_FONT, FOOTER_SIZE) - FOOTER_SPACE
    if stringWidth(footer, BODY_FONT, FOOTER_SIZE) <= room:
        return [footer]
    parts = footer.split(FOOTER_SEPARATOR)
    if len(parts) == 1:
        return [shorten(footer, room)]
    first = FOOTER_SEPARATOR.join(parts[:-1])
    return [shorten(first, room), shorten(parts[-1], room)]


def draw_footer(c: pdfcanvas.Canvas, footer: str, page: int, total: int, width: float) -> None:
    """The rule, the meeting's line(s) on the left and "Page x of y" on the right."""
    label = f"Page {page} of {total}"
    c.saveState()
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(MARGIN, MARGIN - 2 * mm, width - MARGIN, MARGIN - 2 * mm)
    c.setFont(BODY_FONT, FOOTER_SIZE)
    c.setFillColor(INK)
    for n, line in enumerate(footer_lines(footer, label, width)):
        c.drawString(MARGIN, MARGIN - 6 * mm - n * FOOTER_LEADING, line)
    c.drawRightString(width - MARGIN, MARGIN - 6 * mm, label)
    c.restoreState()


def _header(c: pdfcanvas.Canvas, doc: BaseDocTemplate) -> None:
    cover = getattr(doc, "has_cover", True)
    if cover and c.getPageNumber() + getattr(doc, "first_page", 1) - 1 == 1:
        letterhead = getattr(doc, "letterhead", None)
        if letterhead is not None:
            c.saveState()
            draw_letterhead(c, letterhead)
            c.restoreState()
        return
    c.saveState()
    c.setFont(BODY_FONT, 7.5)
    c.setFillColor(RULE)
    c.drawString(
        MARGIN,
        PAGE_HEIGHT - MARGIN + 5 * mm,
        "Urban Safety Reference Group · South African Cities Network",
    )
    c.restoreState()


class _PackDocument(BaseDocTemplate):
    """A4 portrait; records the page each section starts on."""

    # What the header draws on the first page (set by render before the build).
    letterhead: Letterhead | None = None
    has_cover: bool = True

    def __init__(self, buffer: io.BytesIO, title: str, first_page: int = 1) -> None:
        self.first_page = first_page
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + FOOTER_GAP,
            title=title,
            author="SACN Urban Safety Reference Group",
            creator="USRG Desktop",
            invariant=1,
        )
        frame = Frame(MARGIN, MARGIN + FOOTER_GAP, FRAME_WIDTH, FRAME_HEIGHT, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=_header)])
        self.section_pages: dict[str, int] = {}

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        """Note where each section starts."""
        if isinstance(flowable, SectionStart):
            self.section_pages.setdefault(flowable.title, self.page)


def render(
    flowables: list[Flowable],
    title: str,
    footer: str,
    *,
    extra_pages: int = 0,
    first_page: int = 1,
    total: int | None = None,
    letterhead: Letterhead | None = None,
    has_cover: bool = True,
) -> tuple[bytes, dict[str, int]]:
    """One ReportLab build with the pack's pages and footer; the PDF and where sections fell."""
    buffer = io.BytesIO()
    doc = _PackDocument(buffer, title, first_page=first_page)
    doc.letterhead = letterhead
    doc.has_cover = has_cover  # the agenda handout has none: its page 1 gets the header too
    doc.build(
        flowables,
        canvasmaker=partial(
            _NumberedCanvas,
            footer=footer,
            extra_pages=extra_pages,
            first_page=first_page,
            total=total,
        ),
    )
    return buffer.getvalue(), doc.section_pages
