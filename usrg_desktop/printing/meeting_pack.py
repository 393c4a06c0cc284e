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
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..steps import drain
from .pack_annexes import add_annex_pages, annex_letter
from .pack_contents import ContentsEntry, ContentsLine, ContentsLink, ItemTitle, item_key
from .pack_layout import (
    FRAME_WIDTH,
    SectionStart,
    markup,
    pack_styles,
    paragraphs,
    render,
    safe_table,
)
from .pack_minutes import MinutesRecord, PackMinute, minutes_section
from .pack_register import register_section
from .styles import SHADE, Letterhead

# Agenda descriptions longer than this (characters) are printed after the day's table.
LONG_NOTE = 600
CONTENTS_PAGE = 2  # after the cover
AGENDA = "Agenda"
PURPOSE_WORDS = {
    "information": "For noting",
    "decision": "For decision",
    "discussion": "For discussion",
}
NO_BREAK = "\u00a0"
OVERDUE_HEX = "#b00020"
OVERDUE = colors.HexColor(OVERDUE_HEX)
OVERDUE_SHADE = colors.HexColor("#fbe9ec")


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
    # The pack section that holds the item's papers ("Minutes of the previous meeting"), if any.
    papers: str = ""
    # Open actions of earlier meetings, each on its own row under the item (matters arising).
    arising: tuple[PackAction, ...] = ()


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
    """A PDF attached to the meeting (`item`: the number of the agenda item it is papers of)."""

    title: str
    pdf: bytes
    item: str = ""


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
    # A day whose items run past its planned end: the planned end ({2: "13:00"}).
    day_planned_ends: dict[int, str] = field(default_factory=dict)
    agenda: list[PackAgendaItem] = field(default_factory=list)
    exposure_site: str = ""
    # When the visit is, from the agenda as the .ics has it ("Monday 15 February 2027, 13:00
    # to 16:30").
    exposure_when: str = ""
    exposure_purpose: str = ""
    exposure_transport: str = ""
    exposure_contact: str = ""
    previous_name: str | None = None  # "USRG Meeting 31 (2026 Q4, City of Tshwane)"
    previous_minutes: list[PackMinute] = field(default_factory=list)
    # Its attendance and whether its minutes are confirmed (None: a draft, nobody listed).
    previous_record: MinutesRecord | None = None
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


# -- the parts -------------------------------------------------------------------------------
def _cover(data: MeetingPackData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    on = data.printed_on
    printed = f"Printed {on.day} {on:%B %Y}" if on else ""
    lines = [
        Spacer(1, 45 * mm),
        Paragraph("Urban Safety Reference Group", s["cover_line"]),
        Spacer(1, 6 * mm),
        Paragraph(markup(data.name), s["cover_title"]),
        Spacer(1, 4 * mm),
        Paragraph("Meeting pack", s["cover_line"]),
        Spacer(1, 18 * mm),
        Paragraph("Host city", s["cover_small"]),
        Paragraph(f"<b>{markup(data.host)}</b>", s["cover_line"]),
        Paragraph(markup(data.dates), s["cover_line"]),
    ]
    if data.venue:
        lines.append(Paragraph(markup(data.venue), s["cover_line"]))
    lines += [
        Spacer(1, 60 * mm),
        Paragraph("South African Cities Network", s["cover_line"]),
        Paragraph(markup(f"{data.quarter} · {printed}".strip(" ·")), s["cover_small"]),
        PageBreak(),
    ]
    return lines


def _contents(
    entries: list[ContentsEntry],
    known: dict[str, int],
    links: list[ContentsLink],
    s: dict[str, ParagraphStyle],
) -> list[Flowable]:
    lines: list[Flowable] = [ContentsLine(e, known.get(e.key), links) for e in entries]
    return [Paragraph("Contents", s["h1"]), *lines, PageBreak()]


def _contents_entries(data: MeetingPackData, titles: list[str]) -> list[ContentsEntry]:
    """Each section; under the agenda, each numbered item, found at its papers if it has any.

    An item's papers are its annexes (the first one's page; their letters after the title), or
    else the section of the pack that holds them (the minutes, the tracker, the brief).
    """
    annexes: dict[str, list[str]] = {}
    for n, annex in enumerate(data.annexes):
        if annex.item:
            annexes.setdefault(annex.item, []).append(annex_letter(n))
    entries = []
    for title in titles:
        entries.append(ContentsEntry(title, title))
        if title != AGENDA:
            continue
        for item in data.agenda:
            if item.number is None:
                continue
            letters = annexes.get(item.number, [])
            if letters:
                first = next(t for t in titles if t.startswith(f"Annex {letters[0]}: "))
                label = f"{item.title} (Annex {', '.join(letters)})"
                entries.append(ContentsEntry(first, label, item.number, level=1))
                continue
            key = item.papers if item.papers in titles else item_key(item.number)
            entries.append(ContentsEntry(key, item.title, item.number, level=1))
    return entries


def _title_block(data: MeetingPackData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        ("Meeting", f"{data.name} ({data.quarter})"),
        ("Host city", data.host),
        ("Dates", data.dates),
        ("Venue", data.venue or "to be confirmed"),
    ]
    table = Table(
        [[Paragraph(f"<b>{k}</b>", s["cell"]), Paragraph(markup(v), s["cell"])] for k, v in rows],
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


def _agenda(
    data: MeetingPackData,
    s: dict[str, ParagraphStyle],
    marks: dict[str, int] | None = None,
    *,
    with_visit: bool = True,
) -> list[Flowable]:
    """Each day's table of items; `marks` (the pack) gets the page of each numbered item.

    The exposure visit's brief follows the programme on the handout (`with_visit`); the pack
    has it as a section of its own instead, so it is printed once.
    """
    out: list[Flowable] = []
    widths = [14 * mm, 11 * mm, FRAME_WIDTH - 14 * mm - 11 * mm - 29 * mm, 29 * mm]
    for day in sorted(data.day_labels):
        items = [i for i in data.agenda if i.day == day]
        out.append(CondPageBreak(40 * mm))
        out.append(Paragraph(markup(data.day_labels[day]), s["h2"]))
        if not items:
            out.append(Paragraph("No items yet.", s["body"]))
            continue
        rows: list[list] = []
        style: list[tuple] = []
        notes: list[PackAgendaItem] = []
        for item in items:
            text = f"<b>{markup(item.title)}</b>"
            if item.presenter:
                text += f"<br/><i>{markup(item.presenter)}</i>"
            if len(item.description) > LONG_NOTE:
                # A long brief would make a row taller than a page: it follows the table.
                notes.append(item)
                text += "<br/><i>Notes follow the day's programme.</i>"
            elif item.description:
                text += f"<br/>{markup(item.description)}"
            papers = [annex_letter(k) for k, a in enumerate(data.annexes) if a.item == item.number]
            if item.number and papers:
                text += f"<br/><i>Papers: Annex {', '.join(papers)}</i>"
            mark = (item_key(item.number), marks) if marks is not None and item.number else None
            cell = ItemTitle(text, s["cell"], mark=mark)
            rows.append([item.starts, item.number or "", cell, purpose_words(item.purpose)])
            if item.number is None:
                style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
            if item.sub_items or item.arising:  # the item never parts from its first line
                style.append(("NOSPLIT", (0, len(rows)), (-1, len(rows) + 1)))
            for k, line in enumerate(item.sub_items, start=1):
                rows.append(["", f"{item.number}.{k}", Paragraph(markup(line), s["cell"]), ""])
            for k, action in enumerate(item.arising, start=len(item.sub_items) + 1):
                rows.append(_arising_row(item, k, action, s))
                if action.overdue:
                    style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), OVERDUE_SHADE))
        if data.day_ends.get(day):
            # The close is the table's last row, so it never falls alone on the next page.
            close = f"<b>Close of day {day}</b>"
            planned = data.day_planned_ends.get(day)
            if planned:
                close += f"<br/><i>Planned for {markup(planned)}: the programme runs over.</i>"
            rows.append([data.day_ends[day], "", Paragraph(close, s["cell"]), ""])
            style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
            style.append(("NOSPLIT", (0, len(rows) - 1), (-1, len(rows))))
        out += safe_table(
            ["Time", "No.", "Item", "Purpose"],
            rows,
            widths,
            s,
            as_paragraphs=(2,),
            extra_style=style,
        )
        for item in notes:
            label = f"item {item.number}" if item.number else item.starts
            out.append(Paragraph(markup(f"Notes on {label}: {item.title}"), s["h3"]))
            out += paragraphs(item.description, s["body"])
    if with_visit and data.has_exposure_visit:
        out.append(Spacer(1, 4 * mm))
        out.append(KeepTogether(_exposure_block(data, s, heading="Exposure visit")))
    return out


def purpose_words(purpose: str) -> str:
    """'For noting', 'For decision', 'For discussion' (as a committee's agenda says it)."""
    return PURPOSE_WORDS.get(purpose, purpose)


def _arising_row(
    item: PackAgendaItem, k: int, action: PackAction, s: dict[str, ParagraphStyle]
) -> list:
    text = f"Action {action.number} ({markup(action.raised_at)}): {markup(action.description)}"
    if action.owner:
        text += f" — {markup(action.owner)}"
    if action.due:
        text += f", due {markup(action.due).replace(' ', NO_BREAK)}"
    overdue = f'<font color="{OVERDUE_HEX}"><b>Overdue</b></font>' if action.overdue else ""
    return ["", f"{item.number}.{k}", Paragraph(text, s["cell"]), Paragraph(overdue, s["cell"])]


def _exposure_block(
    data: MeetingPackData, s: dict[str, ParagraphStyle], *, heading: str
) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(heading, s["h2"])]
    for label, value in (
        ("When", data.exposure_when),
        ("Site", data.exposure_site),
        ("Purpose", data.exposure_purpose),
        ("Transport", data.exposure_transport),
        ("Contact", data.exposure_contact),
    ):
        if value:
            out.append(Paragraph(f"<b>{label}:</b> {markup(value)}", s["body"]))
    return out


def _actions_table(actions: list[PackAction], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    fixed = [10 * mm, None, 28 * mm, 32 * mm, 22 * mm, 21 * mm]
    widths = [w if w is not None else FRAME_WIDTH - sum(x for x in fixed if x) for w in fixed]
    rows: list[list[Flowable | str]] = []
    marks = []
    for n, a in enumerate(actions, start=1):
        status = markup(a.status)
        if a.overdue:
            status = f'<font color="{OVERDUE_HEX}"><b>Overdue</b></font><br/>{status}'
            marks.append(("BACKGROUND", (0, n), (-1, n), OVERDUE_SHADE))
        rows.append(
            [
                str(a.number),
                Paragraph(markup(a.description), s["cell"]),
                a.owner,
                a.due.replace(" ", NO_BREAK),  # a date never split over lines
                Paragraph(status, s["cell"]),
                a.raised_at,
            ]
        )
    return safe_table(
        ["No.", "Action", "Owner", "Due", "Status", "Raised"],
        rows,
        widths,
        s,
        as_paragraphs=(0, 1),
        extra_style=marks,
    )


def _annex_titles(data: MeetingPackData) -> list[str]:
    return [f"Annex {annex_letter(n)}: {a.title}" for n, a in enumerate(data.annexes)]


def _footer_text(data: MeetingPackData) -> str:
    return f"{data.name} · {data.host} · {data.dates}"


# -- the documents ---------------------------------------------------------------------------
def agenda_pdf(data: MeetingPackData) -> bytes:
    """The meeting's agenda as handed out: title block, each day's items, the exposure visit."""
    s = pack_styles()

    story = [
        Paragraph(markup(f"{data.name}: agenda"), s["h1"]),
        *_title_block(data, s),
        *_agenda(data, s),
    ]
    pdf, _sections = render(story, f"{data.name} agenda", _footer_text(data), has_cover=False)
    return pdf


def _body_sections(
    data: MeetingPackData, s: dict[str, ParagraphStyle], marks: dict[str, int] | None = None
) -> list[tuple[str, list[Flowable]]]:
    """The pack's sections after the contents, each with its flowables; empty ones left out.

    Made afresh for every pass of the build: ReportLab flowables keep state once laid out.
    """
    sections: list[tuple[str, list[Flowable]]] = [
        (AGENDA, [*_title_block(data, s), *_agenda(data, s, marks, with_visit=False)])
    ]
    if data.previous_name and (data.previous_minutes or data.previous_record):
        record = data.previous_record or MinutesRecord(
            meeting=data.previous_name, summary="", confirming=data.name
        )
        sections.append(
            ("Minutes of the previous meeting", minutes_section(record, data.previous_minutes, s))
        )
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
            (
                "Exposure-visit brief",
                _exposure_block(data, s, heading=data.exposure_site or "The exposure visit"),
            )
        )
    sections.append(("Attendance register", register_section(data.attendees, s)))
    return sections


def meeting_pack_steps(data: MeetingPackData) -> Generator[str, None, BuiltPack]:
    """Build the pack step by step, yielding what it does next; returns the BuiltPack.

    A generator so that the workflow around it can report progress and stop between steps.
    """
    s = pack_styles()
    readers = []
    for n, annex in enumerate(data.annexes):
        yield f"Reading annex {annex_letter(n)}"
        try:
            readers.append(PdfReader(io.BytesIO(annex.pdf)))
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a bad file
            raise ValueError(f"The annex '{annex.title}' is not a readable PDF ({exc}).") from exc
    annex_pages = sum(len(r.pages) for r in readers)

    marks: dict[str, int] = {}
    sections = _body_sections(data, s, marks)
    annex_titles = _annex_titles(data)
    body_titles = [title for title, _ in sections]

    titles = body_titles + annex_titles
    entries = _contents_entries(data, titles)
    footer = _footer_text(data)

    def story() -> list[Flowable]:
        # The contents are set with blank page numbers: their lines have a fixed height, so
        # they take the same room numbered, and one pass places every section.
        flow: list[Flowable] = [*_cover(data, s), *_contents(entries, {}, [], s)]
        for n, (title, parts) in enumerate(sections):
            if n:
                flow.append(PageBreak())
            flow += [SectionStart(title), Paragraph(markup(title), s["h1"]), *parts]
        flow.append(_EndMark())
        return flow

    yield "Setting the pages"
    body, known = render(
        story(),
        f"{data.name} meeting pack",
        footer,
        extra_pages=annex_pages,
        letterhead=data.letterhead,
    )
    known.update(marks)
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
    links: list[ContentsLink] = []
    numbered, _ = render(
        _contents(entries, known, links, s)[:-1],  # without its page break
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
    for n, (title, reader, annex) in enumerate(
        zip(annex_titles, readers, data.annexes, strict=True)
    ):
        yield f"Merging annex {annex_letter(n)}"
        stamped_sections.append(PackSection(title, page_index + 1))
        page_index += add_annex_pages(
            writer,
            reader,
            letter=annex_letter(n),
            title=annex.title,
            footer=footer,
            first_page=page_index + 1,
            total=total,
        )
    for section in stamped_sections:
        writer.add_outline_item(title=section.title, page_number=section.page - 1)
    for link in links:
        if link.key in known:
            writer.add_annotation(
                CONTENTS_PAGE + link.page - 2,
                Link(rect=link.rect, target_page_index=known[link.key] - 1),
            )
    writer.add_metadata({"/Title": f"{data.name} meeting pack", "/Creator": "USRG Desktop"})
    out = io.BytesIO()
    writer.write(out)
    return BuiltPack(out.getvalue(), total, tuple(stamped_sections))


class _EndMark(SectionStart):
    """Marks the last body page, so annexes can be numbered after it."""

    def __init__(self) -> None:
        super().__init__("__end__")


def meeting_pack_pdf(data: MeetingPackData) -> BuiltPack:
    """Build the whole pack at once (no progress)."""
    return drain(meeting_pack_steps(data))
