"""Letters as they were printed before layout 2 (USRG Desktop 0.1): frozen, do not edit.

An issued letter is re-printed byte for byte from its register entry and checked against the
SHA-256 of the PDF that went out. Letters registered without a `layout` number in their payload
were printed by this code (the letter layout; the page machinery of `styles.py` as it stood
is in `letters_v1_pages`), so `letters.reprint` uses it for them. Changing anything here
breaks their re-prints.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.flowables import HRFlowable

from ..money import format_zar
from .letters_v1_pages import (
    ACCENT,
    MUTED,
    TEXT_WIDTH,
    Letterhead,
    build_pdf,
    escape,
    long_date,
    styles,
    table_style,
)
from .words import rand_in_words

# -- the letters ---------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")

_COMMON = {
    "applicant_name": "the applicant's official name (a member city or body)",
    "contact_name": "the applicant's contact person",
    "contact_title": "the contact person's title or post",
    "reference": "the application's reference (USRG-IF-…)",
    "title": "the project title",
    "round_name": "the funding round",
    "date": "the date of the letter",
    "letter_reference": "the letter's own reference in the register",
}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "acknowledgement": {
        **_COMMON,
        "submitted_on": "the date the application was submitted",
        "requested_amount": "the amount requested, in figures",
    },
    "ineligible": {**_COMMON, "reasons": "why the application did not pass screening"},
    "award": {
        **_COMMON,
        "award_number": "the award's number (USRG-AW-…)",
        "amount": "the amount awarded, in figures",
        "amount_in_words": "the amount awarded, in words",
        "conditions": "the panel's conditions (a list when alone on a line)",
        "tranche_schedule": "the payment tranches (a table when alone on a line)",
        "reporting_duties": "the reports due (a table when alone on a line)",
        "reply_by": "the date the signed acceptance slip is due",
    },
    "decline": {
        **_COMMON,
        "reasons": "the panel's reasons for the decision",
        "feedback": "the panel's feedback to the applicant",
    },
}
_BLOCKS = {"tranche_schedule", "reporting_duties", "conditions"}
_SIGN_OFF = ("yours sincerely", "yours faithfully", "kind regards", "regards")
_TRIGGER_WORDS = {
    "signature": "on signature of the grant agreement",
    "interim report": "on acceptance of the interim report",
    "final report": "on acceptance of the final report",
    "other": "as agreed",
}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def money(cents: int) -> str:
    """Rand on paper: R 1 234 567,89 with no-break spaces, so an amount never splits a line."""
    return format_zar(cents).replace(" ", "\u00a0")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in a template text, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


# -- the data a letter is printed from ------------------------------------------------------------
@dataclass(frozen=True)
class TemplateText:
    """One version of a letter's subject and body, with {placeholders}."""

    kind: str
    version: int
    subject: str
    body: str


@dataclass(frozen=True)
class Addressee:
    """Who a letter goes to and what it is about."""

    reference: str
    title: str
    applicant_name: str
    contact_name: str
    contact_title: str
    contact_email: str
    round_name: str


@dataclass(frozen=True)
class LetterHeader:
    """What every letter has: its register reference, its date and its addressee."""

    letter_reference: str
    issued_on: date
    addressee: Addressee


@dataclass(frozen=True)
class AcknowledgementLetter:
    """Acknowledgement of receipt of an application."""

    header: LetterHeader
    submitted_on: date | None
    requested_cents: int
    kind: str = field(default="acknowledgement", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter."""
        return {
            **_common_values(self.header),
            "submitted_on": long_date(self.submitted_on) if self.submitted_on else "",
            "requested_amount": money(self.requested_cents),
        }


@dataclass(frozen=True)
class IneligibilityLetter:
    """Notice that an application did not pass screening."""

    header: LetterHeader
    reasons: str
    kind: str = field(default="ineligible", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter."""
        return {**_common_values(self.header), "reasons": self.reasons}


@dataclass(frozen=True)
class DeclineLetter:
    """The panel's decision not to fund, with its feedback."""

    header: LetterHeader
    reasons: str
    feedback: str
    kind: str = field(default="decline", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter."""
        return {**_common_values(self.header), "reasons": self.reasons, "feedback": self.feedback}


@dataclass(frozen=True)
class TrancheLine:
    """One payment of the award as the letter lists it."""

    position: int
    trigger: str
    percent: int
    amount_cents: int
    due_on: date


@dataclass(frozen=True)
class MilestoneLine:
    """One report the grantee owes."""

    kind: str
    due_on: date


@dataclass(frozen=True)
class AwardLetter:
    """The award letter: amount in figures and words, conditions, tranches, reports, slip."""

    header: LetterHeader
    award_number: str
    amount_cents: int
    conditions: str
    tranches: tuple[TrancheLine, ...]
    milestones: tuple[MilestoneLine, ...]
    reply_by: date
    kind: str = field(default="award", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter (lists as text, for use inside a sentence)."""
        return {
            **_common_values(self.header),
            "award_number": self.award_number,
            "amount": money(self.amount_cents),
            "amount_in_words": rand_in_words(self.amount_cents),
            "conditions": "; ".join(_condition_lines(self.conditions)) or "no special conditions",
            "tranche_schedule": "; ".join(
                f"{t.percent} % ({money(t.amount_cents)}) "
                f"{_TRIGGER_WORDS.get(t.trigger, t.trigger)}, due {long_date(t.due_on)}"
                for t in self.tranches
            ),
            "reporting_duties": "; ".join(
                f"the {m.kind} by {long_date(m.due_on)}" for m in self.milestones
            ),
            "reply_by": long_date(self.reply_by),
        }


Letter = AcknowledgementLetter | IneligibilityLetter | DeclineLetter | AwardLetter
LETTER_TYPES: dict[str, type] = {
    "acknowledgement": AcknowledgementLetter,
    "ineligible": IneligibilityLetter,
    "decline": DeclineLetter,
    "award": AwardLetter,
}


def _common_values(header: LetterHeader) -> dict[str, str]:
    a = header.addressee
    return {
        "applicant_name": a.applicant_name,
        "contact_name": a.contact_name,
        "contact_title": a.contact_title,
        "reference": a.reference,
        "title": a.title,
        "round_name": a.round_name,
        "date": long_date(header.issued_on),
        "letter_reference": header.letter_reference,
    }


def _condition_lines(text: str) -> list[str]:
    lines = [line.strip().lstrip("-•*").strip() for line in text.splitlines()]
    return [line for line in lines if line]


# -- payload: a letter as JSON-ready data and back ----------------------------------------------
def letter_to_data(letter: Letter) -> dict[str, Any]:
    """The letter as plain JSON-ready data (dates as ISO text), for the register's payload."""

    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return value

    return convert(dataclasses.asdict(letter))


def letter_from_data(data: Mapping[str, Any]) -> Letter:
    """The letter back from `letter_to_data`'s output."""

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    head = data["header"]
    header = LetterHeader(
        letter_reference=head["letter_reference"],
        issued_on=date.fromisoformat(head["issued_on"]),
        addressee=Addressee(**head["addressee"]),
    )
    kind = data["kind"]
    if kind == "acknowledgement":
        return AcknowledgementLetter(header, day(data["submitted_on"]), data["requested_cents"])
    if kind == "ineligible":
        return IneligibilityLetter(header, data["reasons"])
    if kind == "decline":
        return DeclineLetter(header, data["reasons"], data["feedback"])
    if kind == "award":
        return AwardLetter(
            header,
            award_number=data["award_number"],
            amount_cents=data["amount_cents"],
            conditions=data["conditions"],
            tranches=tuple(
                TrancheLine(**{**t, "due_on": date.fromisoformat(t["due_on"])})
                for t in data["tranches"]
            ),
            milestones=tuple(
                MilestoneLine(m["kind"], date.fromisoformat(m["due_on"]))
                for m in data["milestones"]
            ),
            reply_by=date.fromisoformat(data["reply_by"]),
        )
    raise ValueError(f"unknown letter kind {kind!r}")


# -- filling a template ---------------------------------------------------------------------------
def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known {placeholder} replaced by its value (unknown ones left as typed)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _lines_markup(lines: list[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)


def _body_flowables(letter: Letter, body: str, values: Mapping[str, str]) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = []
    blocks = re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n").strip())
    for block in blocks:
        pending: list[str] = []
        lines = block.split("\n")
        if lines and lines[0].strip().lower().rstrip(",") in _SIGN_OFF:
            story.append(CondPageBreak(40 * mm))  # keep the signature with its last words
            story.append(Paragraph(escape(fill(lines[0], values)), st["tight"]))
            story.append(Spacer(1, 16 * mm))  # room to sign
            rest = [fill(line, values) for line in lines[1:]]
            if rest:
                story.append(Paragraph(_lines_markup(rest), st["body"]))
            continue
        for line in lines:
            name = line.strip()[1:-1] if re.fullmatch(r"\s*\{\w+\}\s*", line) else ""
            if name in _BLOCKS and isinstance(letter, AwardLetter):
                _flush(story, pending, before_block=True)
                story.extend(_block(letter, name))
            else:
                pending.append(fill(line, values))
        _flush(story, pending, before_block=False)
    return story


def _flush(story: list[Flowable], pending: list[str], *, before_block: bool) -> None:
    """Add the lines gathered so far as one paragraph (a heading when one line leads a table)."""
    if not pending:
        return
    st = styles()
    style = st["body"]
    if before_block:
        style = st["heading"] if len(pending) == 1 else st["tight"]
    story.append(Paragraph(_lines_markup(pending), style))
    pending.clear()


def _block(letter: AwardLetter, name: str) -> list[Flowable]:
    st = styles()
    if name == "conditions":
        conditions = _condition_lines(letter.conditions)
        if not conditions:
            return [Paragraph("The panel set no special conditions.", st["body"])]
        items = [ListItem(Paragraph(escape(c), st["bullet"]), leftIndent=14) for c in conditions]
        return [
            ListFlowable(
                items,  # type: ignore[arg-type]  # ReportLab takes ListItems; its stubs leave them out
                bulletType="1",
                bulletFormat="%s.",
                bulletFontName=st["body"].fontName,
                bulletFontSize=9.5,
                leftIndent=16,
                spaceAfter=6,
            ),
            Spacer(1, 2 * mm),
        ]
    if name == "tranche_schedule":
        return [_tranche_table(letter), Spacer(1, 4 * mm)]
    return [_milestone_table(letter), Spacer(1, 4 * mm)]


def _tranche_table(letter: AwardLetter) -> Table:
    st = styles()
    head = [
        Paragraph("No.", st["cell_head"]),
        Paragraph("Payable", st["cell_head"]),
        Paragraph("Share", st["cell_head_right"]),
        Paragraph("Amount", st["cell_head_right"]),
        Paragraph("Expected by", st["cell_head_right"]),
    ]
    rows: list[list[Any]] = [head]
    for t in letter.tranches:
        rows.append(
            [
                Paragraph(str(t.position), st["cell"]),
                Paragraph(
                    escape(_TRIGGER_WORDS.get(t.trigger, t.trigger).capitalize()), st["cell"]
                ),
                Paragraph(f"{t.percent} %", st["cell_right"]),
                Paragraph(money(t.amount_cents), st["cell_right"]),
                Paragraph(long_date(t.due_on), st["cell_right"]),
            ]
        )
    total = sum(t.amount_cents for t in letter.tranches)
    rows.append(
        [
            "",
            Paragraph("<b>Total award</b>", st["cell"]),
            Paragraph(f"<b>{sum(t.percent for t in letter.tranches)} %</b>", st["cell_right"]),
            Paragraph(f"<b>{money(total)}</b>", st["cell_right"]),
            "",
        ]
    )
    widths = [12 * mm, None, 16 * mm, 34 * mm, 38 * mm]
    fixed = sum(w for w in widths if w)
    widths = [w or TEXT_WIDTH - fixed for w in widths]
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(total_row=True))
    return table


def _milestone_table(letter: AwardLetter) -> Table:
    st = styles()
    releases = {t.trigger: t for t in letter.tranches}
    rows: list[list[Any]] = [
        [
            Paragraph("Report", st["cell_head"]),
            Paragraph("Due by", st["cell_head"]),
            Paragraph("On acceptance", st["cell_head"]),
        ]
    ]
    for m in letter.milestones:
        tranche = releases.get(m.kind)
        then = (
            f"the {_ordinal(tranche.position)} tranche of {money(tranche.amount_cents)} is paid"
            if tranche
            else ""
        )
        rows.append(
            [
                Paragraph(escape(m.kind.capitalize()), st["cell"]),
                Paragraph(long_date(m.due_on), st["cell"]),
                Paragraph(escape(then), st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[40 * mm, 40 * mm, TEXT_WIDTH - 80 * mm], hAlign="LEFT")
    table.setStyle(table_style())
    return table


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"no. {n}"


def _opening(letter: Letter, subject: str) -> list[Flowable]:
    st = styles()
    header = letter.header
    a = header.addressee
    refs = Table(
        [
            [
                Paragraph(
                    f"Our reference: {escape(header.letter_reference)}<br/>"
                    f"Your application: {escape(a.reference)}",
                    st["small"],
                ),
                Paragraph(long_date(header.issued_on), st["right"]),
            ]
        ],
        colWidths=[TEXT_WIDTH * 0.6, TEXT_WIDTH * 0.4],
        hAlign="LEFT",
    )
    refs.setStyle(
        [
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    address = [a.contact_name, a.contact_title, a.applicant_name, a.contact_email]
    return [
        refs,
        Spacer(1, 7 * mm),
        Paragraph(_lines_markup([line for line in address if line]), st["tight"]),
        Spacer(1, 8 * mm),
        Paragraph(escape(subject), st["subject"]),
    ]


def _acceptance_slip(letter: AwardLetter) -> Flowable:
    st = styles()
    a = letter.header.addressee
    lines: list[Flowable] = [
        Spacer(1, 6 * mm),
        HRFlowable(width="100%", thickness=0.8, color=MUTED, dash=(3, 2), spaceAfter=2 * mm),
        Paragraph("✂ Cut here and return the signed slip to the USRG secretariat", st["small"]),
        Spacer(1, 3 * mm),
        Paragraph(f"Acceptance of grant {escape(letter.award_number)}", st["heading"]),
        Paragraph(
            f"On behalf of <b>{escape(a.applicant_name)}</b>, and duly authorised to do so, I "
            f"accept the grant of <b>{money(letter.amount_cents)}</b> "
            f"({escape(rand_in_words(letter.amount_cents))}) for “{escape(a.title)}” "
            f"({escape(a.reference)}), on the conditions, payment schedule and reporting duties "
            f"set out in the letter {escape(letter.header.letter_reference)} of "
            f"{long_date(letter.header.issued_on)}.",
            st["body"],
        ),
        Paragraph(f"Please return this slip by <b>{long_date(letter.reply_by)}</b>.", st["small"]),
        Spacer(1, 4 * mm),
    ]
    cells = [
        [Paragraph("Full name", st["small"]), "", Paragraph("Designation", st["small"]), ""],
        [Paragraph("Signature", st["small"]), "", Paragraph("Date", st["small"]), ""],
    ]
    slip = Table(
        cells,
        colWidths=[22 * mm, TEXT_WIDTH / 2 - 26 * mm, 24 * mm, TEXT_WIDTH / 2 - 20 * mm],
        rowHeights=[12 * mm, 14 * mm],
        hAlign="LEFT",
    )
    slip.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, ACCENT),
            ("LINEBELOW", (3, 0), (3, -1), 0.6, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    lines.append(slip)
    return KeepTogether(lines)


def letter_pdf(letter: Letter, template: TemplateText, letterhead: Letterhead) -> bytes:
    """Any kind of letter as PDF bytes, from its data, its template and the letterhead."""
    if template.kind != letter.kind:
        raise ValueError(f"a {template.kind} template cannot print a {letter.kind} letter")
    values = letter.values()
    subject = fill(template.subject, values).strip()
    story = _opening(letter, subject) + _body_flowables(letter, template.body, values)
    if isinstance(letter, AwardLetter):
        story.append(_acceptance_slip(letter))
    reference = letter.header.letter_reference
    return build_pdf(
        story,
        letterhead=letterhead,
        title=subject,
        running_title=f"{reference} · {letter.header.addressee.applicant_name}",
        subject=f"{letter.kind} letter {reference}",
    )


def acknowledgement_pdf(
    letter: AcknowledgementLetter, template: TemplateText, letterhead: Letterhead
) -> bytes:
    """The acknowledgement of receipt as PDF bytes."""
    return letter_pdf(letter, template, letterhead)


def ineligibility_pdf(
    letter: IneligibilityLetter, template: TemplateText, letterhead: Letterhead
) -> bytes:
    """The ineligibility notice as PDF bytes."""
    return letter_pdf(letter, template, letterhead)


def decline_letter_pdf(
    letter: DeclineLetter, template: TemplateText, letterhead: Letterhead
) -> bytes:
    """The decline letter, with the panel's feedback, as PDF bytes."""
    return letter_pdf(letter, template, letterhead)


def award_letter_pdf(letter: AwardLetter, template: TemplateText, letterhead: Letterhead) -> bytes:
    """The award letter with amount in figures and words, tranches, reports and slip, as PDF."""
    return letter_pdf(letter, template, letterhead)
