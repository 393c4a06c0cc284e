"""The pack's "Minutes of the previous meeting", set as a committee's minutes.

A mark saying whether the minutes are a draft for confirmation or confirmed; who was present,
in attendance and sent apologies; a numbered minute per agenda item with its resolutions and
actions (with their numbers); and a line for the chair to sign.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from .pack_layout import FRAME_WIDTH, markup, paragraphs
from .styles import ACCENT, RULE, SHADE

DRAFT_RED = colors.HexColor("#b00020")


@dataclass(frozen=True)
class MinuteAction:
    """An action raised under a minute: its number for life, what, who and by when (in words)."""

    number: int
    description: str
    owner: str
    due: str = ""


@dataclass(frozen=True)
class PackMinute:
    """The minutes of one agenda item of the previous meeting."""

    heading: str
    text: str
    number: str = ""  # "52.3": item 3 of meeting 52's agenda
    resolutions: tuple[tuple[str, str], ...] = ()  # ("52/1", "The minutes were adopted.")
    actions: tuple[MinuteAction, ...] = ()


@dataclass(frozen=True)
class MinutesRecord:
    """The previous meeting's attendance and whether its minutes have been confirmed."""

    meeting: str  # "USRG Meeting 52"
    summary: str  # "2026 Q4, hosted by …, on Tuesday 10 and Wednesday 11 November 2026"
    present: tuple[str, ...] = ()
    in_attendance: tuple[str, ...] = ()
    apologies: tuple[str, ...] = ()
    confirmed: bool = False
    confirming: str = ""  # the meeting that confirms them: "USRG Meeting 53"


def _mark(record: MinutesRecord, s: dict[str, ParagraphStyle]) -> Table:
    if record.confirmed:
        text, colour = f"Confirmed at {record.confirming}", ACCENT
    else:
        text, colour = f"Draft — for confirmation at {record.confirming}", DRAFT_RED
    style = ParagraphStyle("mark", parent=s["h3"], textColor=colour, spaceBefore=0, spaceAfter=0)
    table = Table([[Paragraph(markup(text), style)]], colWidths=[FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, colour),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _people(label: str, names: tuple[str, ...], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = "; ".join(markup(n) for n in names) if names else "<i>None recorded.</i>"
    return [Paragraph(label, s["h3"]), Paragraph(body, s["body"])]


def _minute(m: PackMinute, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    heading = f"{m.number}&nbsp;&nbsp;{markup(m.heading)}" if m.number else markup(m.heading)
    out: list[Flowable] = [Paragraph(heading, s["h2"])]
    out += paragraphs(m.text, s["body"])
    for number, text in m.resolutions:
        box = Table(
            [[Paragraph(f"<b>Resolution {number}</b><br/>{markup(text)}", s["body"])]],
            colWidths=[FRAME_WIDTH],
        )
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                    ("LINEBEFORE", (0, 0), (0, -1), 2, ACCENT),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        out += [Spacer(1, 2 * mm), box]
    for a in m.actions:
        who = f" — {markup(a.owner)}" if a.owner else ""
        due = f", by {markup(a.due)}" if a.due else ""
        out.append(
            Paragraph(f"<b>Action {a.number}:</b> {markup(a.description)}{who}{due}", s["body"])
        )
    out.append(Spacer(1, 2 * mm))
    return out


def _signature(record: MinutesRecord, s: dict[str, ParagraphStyle]) -> Flowable:
    line = "_" * 34
    rows: list[list[Flowable | str]] = [
        [Paragraph(f"Confirmed as a true record at {markup(record.confirming)}.", s["body"]), ""],
        [Paragraph(f"Chair: {line}", s["body"]), Paragraph(f"Date: {'_' * 18}", s["body"])],
    ]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.62, FRAME_WIDTH * 0.38])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("LINEABOVE", (0, 0), (-1, 0), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("TOPPADDING", (0, 1), (-1, 1), 18),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6 * mm), table])


def minutes_section(
    record: MinutesRecord, minutes: list[PackMinute], s: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """The flowables of the section (its title is set by the pack)."""
    out: list[Flowable] = [
        _mark(record, s),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>{markup(record.meeting)}</b> ({markup(record.summary)})", s["body"]),
        *_people("Present", record.present, s),
        *_people("In attendance", record.in_attendance, s),
        *_people("Apologies", record.apologies, s),
    ]
    for m in minutes:
        out += _minute(m, s)
    out.append(_signature(record, s))
    return out
