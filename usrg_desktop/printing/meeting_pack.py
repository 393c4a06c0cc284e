"""The meeting's agenda and its whole printed pack, from plain data, with ReportLab and pypdf.

The pack is one PDF: cover, contents, agenda, minutes of the previous meeting, action-item
tracker, exposure-visit brief, attendance register (sign-in sheet) and the annexes (PDFs
attached to the meeting, merged in and stamped "Annex A", "Annex B", ...). Every page carries
the meeting's name and "Page x of y", counted across the annexes too; each section is a PDF
bookmark. Sections with nothing to show (no previous meeting, no annexes) are left out.

Long text never stops a build: paragraphs flow across pages, and a table row that would be
taller than a page is set as paragraphs instead (ReportLab raises LayoutError otherwise).
"""

from __future__ import annotations

import io
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .styles import ACCENT, INK, RULE, SHADE, Letterhead, draw_letterhead, register_fonts
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
BLANK_REGISTER_ROWS = 8
# Agenda descriptions longer than this (characters) are printed after the day's table.
LONG_NOTE = 600
CONTENTS_PAGE = 2  # after the cover


# -- the data a pack is made from ------------------------------------------------------------
@dataclass(frozen=True)
class PackAgendaItem:
    """One agenda line: its day, computed start time, number (None for breaks) and text."""

    day: int
    starts: str  # "09:00"
    number: str | None
    title: str
    kind: str
    purpose: str
    presenter: str = ""
    description: str = ""
    # Lines shown under the item (open actions under "Matters arising").
    sub_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackAction:
    """An action item as the tracker shows it."""

    number: int
    description: str
    owner: str
    due: str
    status: str
    raised_at: str  # "Meeting 31"
    overdue: bool = False


@dataclass(frozen=True)
class PackAttendee:
    """An expected attendee on the sign-in sheet, grouped by city or body."""

    group: str
    name: str
    title: str = ""


@dataclass(frozen=True)
class PackAnnex:
    """A PDF attached to the meeting."""

    title: str
    pdf: bytes


@dataclass(frozen=True)
class PackMinute:
    """The minutes recorded against one agenda item of the previous meeting."""

    heading: str
    text: str


@dataclass
class MeetingPackData:
    """Everything the agenda and the pack print, as plain values."""

    name: str  # "USRG Meeting 32"
    quarter: str  # "2027 Q1"
    host: str  # the host city's official name
    dates: str  # "Wednesday 10 and Thursday 11 February 2027"
    venue: str
    status: str
    day_labels: dict[int, str]  # {1: "Day 1 — Wednesday 10 February 2027", 2: ...}
    day_ends: dict[int, str] = field(default_factory=dict)
    agenda: list[PackAgendaItem] = field(default_factory=list)
    exposure_site: str = ""
    exposure_purpose: str = ""
    exposure_transport: str = ""
    exposure_contact: str = ""
    previous_name: str | None = None  # "USRG Meeting 31 (2026 Q4, City of Tshwane)"
    previous_minutes: list[PackMinute] = field(default_factory=list)
    open_actions: list[PackAction] = field(default_factory=list)
    done_actions: list[PackAction] = field(default_factory=list)
    attendees: list[PackAttendee] = field(default_factory=list)
    annexes: list[PackAnnex] = field(default_factory=list)
    printed_on: date | None = None
    # The secretariat's letterhead on the cover, as on its letters (None: a plain cover).
    letterhead: Letterhead | None = None

    @property
    def has_exposure_visit(self) -> bool:
        """Whether the exposure visit has anything to brief."""
        return bool(self.exposure_site or self.exposure_purpose)


@dataclass(frozen=True)
class PackSection:
    """A section of the built pack: its bookmark title and first page (1-based)."""

    title: str
    page: int


@dataclass(frozen=True)
class BuiltPack:
    """The finished pack: its bytes, page count and sections (the bookmarks)."""

    pdf: bytes
    pages: int
    sections: tuple[PackSection, ...]


# -- styles ----------------------------------------------------------------------------------
def _styles() -> dict[str, ParagraphStyle]:
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


def _text(value: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    """A long text as one paragraph per blank-line-separated block, so it flows over pages."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(_text(b), style) for b in blocks if b]


class _SectionStart(Flowable):
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
def _safe_table(
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
    head = [Paragraph(_text(h), styles["head"]) for h in header]
    out: list[Flowable] = []
    pending: list[list] = []
    lead = list(as_paragraphs) or [0]

    def flush() -> None:
        if pending:
            table = Table([head, *pending], colWidths=widths, repeatRows=1, splitByRow=1)
            table.setStyle(_table_style(extra_style))
            out.append(table)
            pending.clear()

    for row in rows:
        cells = [
            c if isinstance(c, Flowable) else Paragraph(_text(str(c)), styles["cell"]) for c in row
        ]
        _w, height = Table([cells], colWidths=widths).wrap(FRAME_WIDTH, FRAME_HEIGHT)
        if height <= ROW_HEIGHT_LIMIT:
            pending.append(cells)
            continue
        flush()
        for n, (label, cell) in enumerate(zip(header, row, strict=True)):
            if isinstance(cell, Flowable):
                text = getattr(cell, "text", "")
                out.extend(_paragraphs(text, styles["body"]) if n not in lead else [cell])
            elif str(cell):
                style = styles["cell_bold"] if n in lead else styles["body"]
                prefix = "" if n in lead else f"{label}: "
                out.extend(_paragraphs(prefix + str(cell), style))
        out.append(Spacer(1, 6))
    flush()
    return out


def _table_style(extra: list[tuple] | None = None) -> TableStyle:
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

    def __init__(
        self,
        *args,
        footer: str = "",
        extra_pages: int = 0,
        first_page: int = 1,
        total: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._extra_pages = extra_pages
        self._first_page = first_page
        self._total = total
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        """Keep the page until save(), when the total is known."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Draw every page's footer with the total, then write the file."""
        total = self._total or len(self._pages) + self._extra_pages
        for n, state in enumerate(self._pages):
            self.__dict__.update(state)
            _draw_footer(self, self._footer, self._first_page + n, total, PAGE_WIDTH)
            super().showPage()
        super().save()


def _draw_footer(c: pdfcanvas.Canvas, footer: str, page: int, total: int, width: float) -> None:
    c.saveState()
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(MARGIN, MARGIN - 2 * mm, width - MARGIN, MARGIN - 2 * mm)
    c.setFont(BODY_FONT, 8)
    c.setFillColor(INK)
    c.drawString(MARGIN, MARGIN - 6 * mm, footer)
    c.drawRightString(width - MARGIN, MARGIN - 6 * mm, f"Page {page} of {total}")
    c.restoreState()


def _header(c: pdfcanvas.Canvas, doc: BaseDocTemplate) -> None:
    if c.getPageNumber() + getattr(doc, "first_page", 1) - 1 == 1:  # the cover
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
        if isinstance(flowable, _SectionStart):
            self.section_pages.setdefault(flowable.title, self.page)


def _render(
    flowables: list[Flowable],
    title: str,
    footer: str,
    *,
    extra_pages: int = 0,
    first_page: int = 1,
    total: int | None = None,
    letterhead: Letterhead | None = None,
) -> tuple[bytes, dict[str, int]]:
    """One ReportLab build with the pack's pages and footer; the PDF and where sections fell."""
    buffer = io.BytesIO()
    doc = _PackDocument(buffer, title, first_page=first_page)
    doc.letterhead = letterhead
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


# -- the parts -------------------------------------------------------------------------------
def _cover(data: MeetingPackData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    printed = f"Printed {data.printed_on:%d %B %Y}" if data.printed_on else ""
    lines = [
        Spacer(1, 45 * mm),
        Paragraph("Urban Safety Reference Group", s["cover_line"]),
        Spacer(1, 6 * mm),
        Paragraph(_text(data.name), s["cover_title"]),
        Spacer(1, 4 * mm),
        Paragraph("Meeting pack", s["cover_line"]),
        Spacer(1, 18 * mm),
        Paragraph(f"<b>Hosted by {_text(data.host)}</b>", s["cover_line"]),
        Paragraph(_text(data.dates), s["cover_line"]),
    ]
    if data.venue:
        lines.append(Paragraph(_text(data.venue), s["cover_line"]))
    lines += [
        Spacer(1, 60 * mm),
        Paragraph("South African Cities Network", s["cover_line"]),
        Paragraph(_text(f"{data.quarter} · {printed}".strip(" ·")), s["cover_small"]),
        PageBreak(),
    ]
    return lines


def _contents(
    titles: list[str], known: dict[str, int], s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    rows = [
        [Paragraph(_text(t), s["contents"]), Paragraph(str(known.get(t, "")), s["contents"])]
        for t in titles
    ]
    table = Table(rows, colWidths=[FRAME_WIDTH - 20 * mm, 20 * mm])
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [Paragraph("Contents", s["h1"]), table, PageBreak()]


def _title_block(data: MeetingPackData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        ("Meeting", f"{data.name} ({data.quarter})"),
        ("Host city", data.host),
        ("Dates", data.dates),
        ("Venue", data.venue or "to be confirmed"),
    ]
    table = Table(
        [[Paragraph(f"<b>{k}</b>", s["cell"]), Paragraph(_text(v), s["cell"])] for k, v in rows],
        colWidths=[30 * mm, FRAME_WIDTH - 30 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [table, Spacer(1, 5 * mm)]


def _agenda(data: MeetingPackData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = []
    widths = [16 * mm, 11 * mm, FRAME_WIDTH - 16 * mm - 11 * mm - 24 * mm, 24 * mm]
    for day in sorted(data.day_labels):
        items = [i for i in data.agenda if i.day == day]
        out.append(CondPageBreak(40 * mm))
        out.append(Paragraph(_text(data.day_labels[day]), s["h2"]))
        if not items:
            out.append(Paragraph("No items yet.", s["body"]))
            continue
        rows = []
        shaded = []
        notes: list[PackAgendaItem] = []
        for n, item in enumerate(items, start=1):
            text = f"<b>{_text(item.title)}</b>"
            if item.presenter:
                text += f"<br/><i>{_text(item.presenter)}</i>"
            if len(item.description) > LONG_NOTE:
                # A long brief would make a row taller than a page: it follows the table.
                notes.append(item)
                text += "<br/><i>Notes follow the day's programme.</i>"
            elif item.description:
                text += f"<br/>{_text(item.description)}"
            for line in item.sub_items:
                text += f"<br/>• {_text(line)}"
            rows.append([item.starts, item.number or "", Paragraph(text, s["cell"]), item.purpose])
            if item.number is None:
                shaded.append(("BACKGROUND", (0, n), (-1, n), SHADE))
        out += _safe_table(
            ["Time", "No.", "Item", "Purpose"],
            rows,
            widths,
            s,
            as_paragraphs=(2,),
            extra_style=shaded,
        )
        if data.day_ends.get(day):
            out.append(Paragraph(f"Close of day {day}: {data.day_ends[day]}", s["small"]))
        for item in notes:
            label = f"item {item.number}" if item.number else item.starts
            out.append(Paragraph(_text(f"Notes on {label}: {item.title}"), s["h3"]))
            out += _paragraphs(item.description, s["body"])
    if data.has_exposure_visit:
        out.append(Spacer(1, 4 * mm))
        out.append(KeepTogether(_exposure_block(data, s, heading="Exposure visit")))
    return out


def _exposure_block(
    data: MeetingPackData, s: dict[str, ParagraphStyle], *, heading: str
) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(heading, s["h2"])]
    for label, value in (
        ("Site", data.exposure_site),
        ("Purpose", data.exposure_purpose),
        ("Transport", data.exposure_transport),
        ("Contact", data.exposure_contact),
    ):
        if value:
            out.append(Paragraph(f"<b>{label}:</b> {_text(value)}", s["body"]))
    return out


def _actions_table(actions: list[PackAction], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    fixed = [10 * mm, None, 32 * mm, 22 * mm, 24 * mm, 23 * mm]
    widths = [w if w is not None else FRAME_WIDTH - sum(x for x in fixed if x) for w in fixed]
    rows = []
    marks = []
    for n, a in enumerate(actions, start=1):
        status = f"{a.status} (overdue)" if a.overdue else a.status
        rows.append(
            [
                str(a.number),
                Paragraph(_text(a.description), s["cell"]),
                a.owner,
                a.due,
                status,
                a.raised_at,
            ]
        )
        if a.overdue:
            marks.append(("TEXTCOLOR", (4, n), (4, n), colors.HexColor("#b00020")))
    return _safe_table(
        ["No.", "Action", "Owner", "Due", "Status", "Raised"],
        rows,
        widths,
        s,
        as_paragraphs=(0, 1),
        extra_style=marks,
    )


def _register(data: MeetingPackData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    widths = [FRAME_WIDTH - 3 * 14 * mm - 45 * mm - 8 * mm, 14 * mm, 14 * mm, 14 * mm, 45 * mm]
    out: list[Flowable] = [
        Paragraph(
            "Please tick the days you attend and sign. Add your name on a blank row if it is "
            "not printed.",
            s["small"],
        ),
        Spacer(1, 3 * mm),
    ]
    groups: dict[str, list[PackAttendee]] = {}
    for person in data.attendees:
        groups.setdefault(person.group, []).append(person)
    rows: list[list] = []
    style: list[tuple] = []
    for group, people in groups.items():
        rows.append([Paragraph(f"<b>{_text(group)}</b>", s["cell"]), "", "", "", ""])
        style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
        style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        for p in people:
            label = (
                f"{_text(p.name)}<br/><font size=7.5>{_text(p.title)}</font>"
                if p.title
                else _text(p.name)
            )
            rows.append([Paragraph(label, s["cell"]), "", "", "", ""])
    rows.append([Paragraph("<b>Other attendees</b>", s["cell"]), "", "", "", ""])
    style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
    style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
    for _ in range(BLANK_REGISTER_ROWS):
        rows.append([Spacer(1, 7 * mm), "", "", "", ""])
    style += [("GRID", (1, 1), (-1, -1), 0.4, RULE), ("ALIGN", (1, 0), (3, -1), "CENTER")]
    out += _safe_table(
        ["Name", "Day 1", "Day 2", "Visit", "Signature"], rows, widths, s, extra_style=style
    )
    return out


def annex_letter(n: int) -> str:
    """The letter of the n-th annex (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _annex_titles(data: MeetingPackData) -> list[str]:
    return [f"Annex {annex_letter(n)}: {a.title}" for n, a in enumerate(data.annexes)]


def _footer_text(data: MeetingPackData) -> str:
    return f"{data.name} · {data.host} · {data.dates}"


# -- the documents ---------------------------------------------------------------------------
def agenda_pdf(data: MeetingPackData) -> bytes:
    """The meeting's agenda as handed out: title block, each day's items, the exposure visit."""
    s = _styles()

    story = [
        Paragraph(_text(f"{data.name}: agenda"), s["h1"]),
        *_title_block(data, s),
        *_agenda(data, s),
    ]
    pdf, _sections = _render(story, f"{data.name} agenda", _footer_text(data))
    return pdf


def _body_sections(
    data: MeetingPackData, s: dict[str, ParagraphStyle]
) -> list[tuple[str, list[Flowable]]]:
    """The pack's sections after the contents, each with its flowables; empty ones left out.

    Made afresh for every pass of the build: ReportLab flowables keep state once laid out.
    """
    sections: list[tuple[str, list[Flowable]]] = [
        ("Agenda", [*_title_block(data, s), *_agenda(data, s)])
    ]
    if data.previous_name and data.previous_minutes:
        minutes: list[Flowable] = [Paragraph(_text(data.previous_name), s["small"])]
        for m in data.previous_minutes:
            minutes.append(Paragraph(_text(m.heading), s["h2"]))
            minutes += _paragraphs(m.text, s["body"])
        sections.append(("Minutes of the previous meeting", minutes))
    if data.open_actions or data.done_actions:
        tracker: list[Flowable] = []
        if data.open_actions:
            tracker += [Paragraph("Open actions", s["h2"]), *_actions_table(data.open_actions, s)]
        if data.done_actions:
            tracker += [
                Paragraph("Done since the last meeting", s["h2"]),
                *_actions_table(data.done_actions, s),
            ]
        sections.append(("Action-item tracker", tracker))
    if data.has_exposure_visit:
        sections.append(
            ("Exposure-visit brief", _exposure_block(data, s, heading=f"Visit in {data.host}"))
        )
    sections.append(("Attendance register", _register(data, s)))
    return sections


def meeting_pack_steps(data: MeetingPackData) -> Generator[str, None, BuiltPack]:
    """Build the pack step by step, yielding what it does next; returns the BuiltPack.

    A generator so that the workflow around it can report progress and stop between steps.
    """
    s = _styles()
    readers = []
    for n, annex in enumerate(data.annexes):
        yield f"Reading annex {annex_letter(n)}"
        try:
            readers.append(PdfReader(io.BytesIO(annex.pdf)))
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a bad file
            raise ValueError(f"The annex '{annex.title}' is not a readable PDF ({exc}).") from exc
    annex_pages = sum(len(r.pages) for r in readers)

    sections = _body_sections(data, s)
    annex_titles = _annex_titles(data)
    body_titles = [title for title, _ in sections]

    titles = body_titles + annex_titles
    footer = _footer_text(data)

    def story() -> list[Flowable]:
        # The contents page is set with blank page numbers: with one line per section it
        # takes the same room either way, so one pass places every section.
        flow: list[Flowable] = [*_cover(data, s), *_contents(titles, {}, s)]
        for n, (title, parts) in enumerate(sections):
            if n:
                flow.append(PageBreak())
            flow += [_SectionStart(title), Paragraph(_text(title), s["h1"]), *parts]
        flow.append(_EndMark())
        return flow

    yield "Setting the pages"
    body, known = _render(
        story(),
        f"{data.name} meeting pack",
        footer,
        extra_pages=annex_pages,
        letterhead=data.letterhead,
    )
    body_reader = PdfReader(io.BytesIO(body))
    body_pages = known.pop("__end__")
    # The contents were set blank on pages CONTENTS_PAGE … up to the first section.
    contents_pages = known[body_titles[0]] - CONTENTS_PAGE
    total = body_pages + annex_pages
    page = body_pages + 1
    for title, reader in zip(annex_titles, readers, strict=True):
        known[title] = page
        page += len(reader.pages)

    yield "Numbering the contents"
    numbered, _ = _render(
        _contents(titles, known, s)[:-1],  # without its page break
        "contents",
        footer,
        first_page=CONTENTS_PAGE,
        total=total,
    )
    contents = PdfReader(io.BytesIO(numbered)).pages
    if len(contents) != contents_pages:  # cannot happen: the numbers take no more room
        raise ValueError("The contents changed length when numbered.")

    writer = PdfWriter()
    for n, body_page in enumerate(body_reader.pages):
        in_contents = 0 <= n - (CONTENTS_PAGE - 1) < contents_pages
        writer.add_page(contents[n - (CONTENTS_PAGE - 1)] if in_contents else body_page)
    page_index = body_pages
    stamped_sections: list[PackSection] = [PackSection(t, known[t]) for t in body_titles]
    for n, (title, reader) in enumerate(zip(annex_titles, readers, strict=True)):
        yield f"Merging annex {annex_letter(n)}"
        overlay = _annex_overlay(reader, annex_letter(n), _footer_text(data), page_index + 1, total)
        for p, page in enumerate(reader.pages):
            added = writer.add_page(page)
            added.merge_page(overlay.pages[p])
        stamped_sections.append(PackSection(title, page_index + 1))
        page_index += len(reader.pages)
    for section in stamped_sections:
        writer.add_outline_item(title=section.title, page_number=section.page - 1)
    writer.add_metadata({"/Title": f"{data.name} meeting pack", "/Creator": "USRG Desktop"})
    out = io.BytesIO()
    writer.write(out)
    return BuiltPack(out.getvalue(), total, tuple(stamped_sections))


class _EndMark(_SectionStart):
    """Marks the last body page, so annexes can be numbered after it."""

    def __init__(self) -> None:
        super().__init__("__end__")


def _annex_overlay(
    reader: PdfReader, letter: str, footer: str, first_page: int, total: int
) -> PdfReader:
    """One page per annex page: the "Annex X" stamp and the pack's footer, sized to fit."""
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, invariant=1)
    for n, page in enumerate(reader.pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        c.setPageSize((width, height))
        c.saveState()
        c.setFillColor(colors.white)
        c.setStrokeColor(ACCENT)
        c.rect(width - MARGIN - 30 * mm, height - 14 * mm, 30 * mm, 8 * mm, fill=1)
        c.setFillColor(ACCENT)
        c.setFont(BOLD_FONT, 11)
        c.drawCentredString(width - MARGIN - 15 * mm, height - 11.5 * mm, f"Annex {letter}")
        c.restoreState()
        c.saveState()
        c.setFillColor(colors.white)  # a clean band for the footer, over the annex's own
        c.rect(0, MARGIN - 9 * mm, width, 8.5 * mm, stroke=0, fill=1)
        c.restoreState()
        _draw_footer(c, footer, first_page + n, total, width)
        c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def meeting_pack_pdf(data: MeetingPackData) -> BuiltPack:
    """Build the whole pack at once (no progress)."""
    steps = meeting_pack_steps(data)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
