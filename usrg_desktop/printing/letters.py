"""The fund's letters as PDF bytes: acknowledgement, ineligibility notice, award and decline.

Each letter is plain data (a frozen dataclass, `printing/letter_data.py`) plus the template text
it is printed from. Here the template's `{placeholders}` are filled with the letter's values
and the page is laid out: the window address, the subject, the body's paragraphs and the
sign-off. A placeholder that stands alone on a line of the award letter
(`{tranche_schedule}`, `{reporting_duties}`, `{conditions}`) becomes a table or a list instead
of a line of text, and the award letter ends with an acceptance slip to sign and return (both
in `printing/award_letter_parts.py`). This module still offers every name of `letter_data`.
Nothing here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from ..placeholders import PLACEHOLDER, placeholders_in
from .award_letter_parts import acceptance_slip, award_block
from .letter_data import (
    LETTER_TYPES,
    PLACEHOLDERS,
    SCREENING_AHEAD,
    SCREENING_DONE,
    SCREENING_UNDER_WAY,
    AcknowledgementLetter,
    Addressee,
    AwardLetter,
    DeclineLetter,
    IneligibilityLetter,
    Letter,
    LetterHeader,
    MilestoneLine,
    TemplateText,
    TrancheLine,
    letter_from_data,
    letter_to_data,
    money,
)
from .letter_layout import (
    WINDOW_TOP,
    PageMarker,
    say_where_the_slip_is,
    sign_off,
    slip_place,
    typeset,
    window_address,
)
from .letter_layout import no_break as _nb
from .styles import LETTERHEAD_HEIGHT, Letterhead, build_pdf, escape, long_date, styles

__all__ = [
    "LETTER_TYPES",
    "PLACEHOLDER",
    "PLACEHOLDERS",
    "SCREENING_AHEAD",
    "SCREENING_DONE",
    "SCREENING_UNDER_WAY",
    "AcknowledgementLetter",
    "Addressee",
    "AwardLetter",
    "DeclineLetter",
    "IneligibilityLetter",
    "Letter",
    "LetterHeader",
    "MilestoneLine",
    "TemplateText",
    "TrancheLine",
    "acknowledgement_pdf",
    "award_letter_pdf",
    "decline_letter_pdf",
    "fill",
    "ineligibility_pdf",
    "letter_from_data",
    "letter_pdf",
    "letter_to_data",
    "money",
    "placeholders_in",
]

_BLOCKS = {"tranche_schedule", "reporting_duties", "conditions"}
_SIGN_OFF = ("yours sincerely", "yours faithfully", "kind regards", "regards")


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known {placeholder} replaced by its value (unknown ones left as typed).

    "Dear {contact_name}" greets as {dear} does (Ms Moodley when the honorific is known), so
    templates saved before {dear} existed greet properly too.
    """
    text = re.sub(r"(?m)^(\s*Dear )\{contact_name\}", r"\1{dear}", text)
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _lines_markup(lines: list[str]) -> str:
    return "<br/>".join(escape(typeset(line)) for line in lines)


def _body_flowables(
    letter: Letter,
    body: str,
    values: Mapping[str, str],
    seen: dict[str, int],
    closing_on_new_page: bool = False,
) -> list[Flowable]:
    story: list[Flowable] = []
    blocks = re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n").strip())
    for block in blocks:
        pending: list[str] = []
        lines = block.split("\n")
        if _says_nothing(letter, lines, values):
            continue
        if lines and lines[0].strip().lower().rstrip(",") in _SIGN_OFF:
            # The closing paragraph goes with the sign-off, so neither stands alone on a page.
            closing = [story.pop()] if story and isinstance(story[-1], Paragraph) else []
            if closing and story and isinstance(story[-1], PageMarker):
                closing.insert(0, story.pop())
            rest = [typeset(fill(line, values)) for line in lines[1:]]
            if closing_on_new_page:
                story.append(PageBreak())
            story.append(sign_off(closing, fill(lines[0], values), rest, letter.header.signatory))
            continue
        if "acceptance slip" in fill(block, values):
            story.append(PageMarker("slip_mentioned", seen))
        for line in lines:
            name = line.strip()[1:-1] if re.fullmatch(r"\s*\{\w+\}\s*", line) else ""
            if name in _BLOCKS and isinstance(letter, AwardLetter):
                _flush(story, pending, before_block=True)
                story.extend(award_block(letter, name))
            else:
                pending.append(fill(line, values))
        _flush(story, pending, before_block=False)
    return story


def _says_nothing(letter: Letter, lines: list[str], values: Mapping[str, str]) -> bool:
    """A paragraph built around a placeholder with nothing in it ("The panel's feedback:"
    followed by empty feedback) is left out rather than printed with nothing after it."""
    for line in lines:
        match = re.fullmatch(r"\s*\{(\w+)\}\s*", line)
        if not match or (match.group(1) in _BLOCKS and isinstance(letter, AwardLetter)):
            continue
        if match.group(1) in values and not values[match.group(1)].strip():
            return True
    return False


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


def _opening(letter: Letter, subject: str) -> list[Flowable]:
    st = styles()
    header = letter.header
    a = header.addressee
    refs = [
        Paragraph(_nb(long_date(header.issued_on)), st["right"]),
        Spacer(1, 2 * mm),
        Paragraph(
            f"Our reference: {escape(header.letter_reference)}<br/>"
            f"Your application: {escape(a.reference)}",
            st["small"].clone("refs_right", alignment=2),
        ),
    ]
    name = f"{a.honorific} {a.contact_name}".strip() if a.contact_name else ""
    postal = [line.strip() for line in a.postal_address.splitlines() if line.strip()]
    address = [name, a.contact_title, a.applicant_name, *(postal or [a.contact_email])]
    return [
        # The address starts where a DL window envelope shows it (letter_layout.WINDOW_TOP).
        Spacer(1, WINDOW_TOP - LETTERHEAD_HEIGHT),
        window_address(address, refs),
        Spacer(1, 6 * mm),
        Paragraph(escape(typeset(subject)), st["subject"]),
    ]


def _story(
    letter: Letter,
    template: TemplateText,
    place: str,
    seen: dict[str, int],
    closing_on_new_page: bool,
) -> tuple[list[Flowable], str]:
    values = dict(letter.values())
    if isinstance(letter, AwardLetter):
        values["slip_place"] = place
    subject = fill(template.subject, values).strip()
    body = template.body
    if isinstance(letter, AwardLetter):
        body = say_where_the_slip_is(body, place)
    story = _opening(letter, subject) + _body_flowables(
        letter, body, values, seen, closing_on_new_page
    )
    if isinstance(letter, AwardLetter):
        if place != "below":
            # A slip that does not fit below starts a page of its own: "overleaf" and
            # "enclosed" have the same length, so the wording cannot move it again.
            story.append(PageBreak())
        story.append(acceptance_slip(letter, PageMarker("slip", seen)))
    return story, subject


def _layout(
    letter: Letter,
    template: TemplateText,
    letterhead: Letterhead,
    place: str,
    closing_on_new_page: bool = False,
) -> tuple[bytes, dict[str, int]]:
    seen: dict[str, int] = {}
    story, subject = _story(letter, template, place, seen, closing_on_new_page)
    reference = letter.header.letter_reference
    pdf = build_pdf(
        story,
        letterhead=letterhead,
        title=subject,
        running_title=f"{reference} · {letter.header.addressee.applicant_name}",
        subject=f"{letter.kind} letter {reference}",
        created_on=letter.header.issued_on,
    )
    return pdf, seen


def letter_pdf(letter: Letter, template: TemplateText, letterhead: Letterhead) -> bytes:
    """Any kind of letter as PDF bytes, from its data, its template and the letterhead.

    An award letter is laid out again when its slip does not land below the sentence that
    mentions it, so the sentence says "overleaf" or "enclosed" as the paper really is. When
    the longer word itself pushes the closing paragraph onto the next page, the closing goes
    there on purpose with the slip below it, rather than leaving the slip a sheet of its own.
    """
    if template.kind != letter.kind:
        raise ValueError(f"a {template.kind} template cannot print a {letter.kind} letter")
    pdf, seen = _layout(letter, template, letterhead, "below")
    if not isinstance(letter, AwardLetter) or slip_place(seen) == "below":
        return pdf
    place = slip_place(seen)
    moved_pdf, moved = _layout(letter, template, letterhead, place)
    if moved.get("slip_mentioned") == seen.get("slip_mentioned"):
        if slip_place(moved) == place:
            return moved_pdf
        return _layout(letter, template, letterhead, slip_place(moved))[0]
    together_pdf, together = _layout(letter, template, letterhead, "below", True)
    if slip_place(together) == "below":
        return together_pdf
    return _layout(letter, template, letterhead, slip_place(together), True)[0]


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
