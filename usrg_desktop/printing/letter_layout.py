"""What makes a letter ready to sign: typography, the window address, the signature block and
the words that depend on where the acceptance slip lands.

- Dates and amounts never split across lines (no-break spaces), quotes are curly throughout.
- The address block sits where a DL (C5/6, ISO 269) window envelope shows it when the sheet is
  folded in three: 22 mm from the left edge, between 56 and 84 mm from the top, at most 66 mm
  wide (the window is 90 × 45 mm, 20 mm from the left and 15 mm above the envelope's bottom; the
  sheet can slide about 15 mm up and down and 19 mm sideways in a 229 × 114 mm envelope).
- The closing paragraph, the sign-off and the signature block stay together on one page.
- "the acceptance slip below" says "overleaf" when the slip is on the back of the same sheet and
  "enclosed" when it is on a sheet of its own.
Nothing here reads the database.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table

from .styles import FONT, TEXT_WIDTH, escape, styles

NBSP = "\u00a0"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b")
_AMOUNT = re.compile(r"\bR (\d{1,3}(?: \d{3})*,\d{2})\b")
# Where the window shows the address, measured from the sheet's top edge (see above).
WINDOW_TOP = 56 * mm
WINDOW_HEIGHT = 28 * mm
WINDOW_WIDTH = 66 * mm
_PARTICLES = {"van", "der", "den", "de", "du", "le", "la", "von", "da", "dos", "ka"}


@dataclass(frozen=True)
class Signatory:
    """Who signs the letters: name, designation, on whose behalf, and a signature image."""

    name: str
    designation: str = ""
    on_behalf_of: str = ""
    signature_png: bytes | None = None


def no_break(text: str) -> str:
    """Dates (6 December 2026) and amounts (R 1 234,56) held together with no-break spaces."""
    text = _DATE.sub(lambda m: NBSP.join(m.groups()), text)
    return _AMOUNT.sub(lambda m: "R" + NBSP + m.group(1).replace(" ", NBSP), text)


def curly_quotes(text: str) -> str:
    """Straight quotes as typographic ones: "…" as “…”, an apostrophe as ’."""
    text = re.sub(r'(^|[\s(\[{—–-])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(^|[\s(\[{—–-])'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


def typeset(text: str) -> str:
    """A line of a letter as printed: curly quotes and no-break dates and amounts."""
    return no_break(curly_quotes(text))


def surname(full_name: str) -> str:
    """The family name as a salutation uses it: the last word, with particles before it."""
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip()
    tail = [words.pop()]
    while len(words) > 1 and words[-1].lower() in _PARTICLES:
        tail.insert(0, words.pop())
    return " ".join(tail)


def salutation(full_name: str, honorific: str) -> str:
    """Whom "Dear …" names: "Ms Moodley" with an honorific, the full name without one."""
    if not full_name.strip():
        return "Sir or Madam"
    if honorific.strip():
        return f"{honorific.strip()} {surname(full_name)}"
    return full_name.strip()


class PageMarker(Flowable):
    """An invisible mark that notes the page it lands on (to word "overleaf" or "below")."""

    def __init__(self, name: str, seen: dict[str, int]) -> None:
        super().__init__()
        self.name, self.seen = name, seen
        self.width = self.height = 0

    def wrap(self, *_args: Any) -> tuple[float, float]:
        """Takes no room."""
        return 0, 0

    def draw(self) -> None:
        """Remember the page number."""
        self.seen[self.name] = self.canv.getPageNumber()


def slip_place(seen: dict[str, int]) -> str:
    """Where the slip is seen from the sentence that mentions it: below, overleaf or enclosed."""
    said, slip = seen.get("slip_mentioned"), seen.get("slip")
    if said is None or slip is None or slip == said:
        return "below"
    if slip == said + 1 and said % 2 == 1:
        return "overleaf"
    return "enclosed"


def say_where_the_slip_is(text: str, place: str) -> str:
    """The shipped template's "the acceptance slip below" with the right word for `place`."""
    if place == "below":
        return text
    replaced = re.sub(r"(acceptance slip) below\b", rf"\1 {place}", text)
    return re.sub(r"(acceptance slip) (overleaf|enclosed)\b", rf"\1 {place}", replaced)


def window_address(lines: list[str], side: list[Flowable]) -> Flowable:
    """The address block in the envelope window, with the references and date beside it."""
    st = styles()
    shown = [line for line in lines if line.strip()]
    block: Paragraph | None = None
    for size in (9.5, 9, 8.5, 8):
        style = st["tight"].clone("window", fontSize=size, leading=size * 1.25)
        block = Paragraph("<br/>".join(escape(line) for line in shown), style)
        if block.wrap(WINDOW_WIDTH, WINDOW_HEIGHT)[1] <= WINDOW_HEIGHT:
            break
    table = Table(
        [[block, side]],
        # The address column is the window's usable width, so no line runs past it.
        colWidths=[WINDOW_WIDTH, TEXT_WIDTH - WINDOW_WIDTH],
        rowHeights=[WINDOW_HEIGHT],
        hAlign="LEFT",
    )
    table.setStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 9),
            ("VALIGN", (0, 0), (0, 0), "TOP"),
            ("VALIGN", (1, 0), (1, 0), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return table


def _signature_image(png: bytes | None) -> list[Flowable]:
    if png:
        try:
            reader = ImageReader(io.BytesIO(png))
            width, height = reader.getSize()
            scale = min(14 * mm / height, 60 * mm / width)
            image = Image(io.BytesIO(png), width * scale, height * scale, hAlign="LEFT")
            return [Spacer(1, 1 * mm), image, Spacer(1, 1 * mm)]
        except Exception:  # noqa: BLE001 - a damaged image leaves room to sign by hand instead
            pass
    return [Spacer(1, 16 * mm)]


def sign_off(
    closing: list[Flowable], greeting: str, rest: list[str], signatory: Signatory | None
) -> Flowable:
    """The last paragraph, "Yours sincerely", room or an image for the signature, and who signs,
    kept together on one page."""
    st = styles()
    parts: list[Flowable] = [*closing, Paragraph(escape(greeting), st["tight"])]
    parts.extend(_signature_image(signatory.signature_png if signatory else None))
    if signatory is not None and signatory.name.strip():
        lines = [f"<b>{escape(signatory.name)}</b>"]
        if signatory.designation.strip():
            lines.append(escape(signatory.designation))
        if signatory.on_behalf_of.strip():
            lines.append(f"For and on behalf of {escape(signatory.on_behalf_of)}")
        parts.append(Paragraph("<br/>".join(lines), st["body"]))
    elif rest:
        parts.append(Paragraph("<br/>".join(escape(line) for line in rest), st["body"]))
    return KeepTogether(parts)
