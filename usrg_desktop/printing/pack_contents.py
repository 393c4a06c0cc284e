"""The pack's contents: each section and each agenda item with the page of its papers.

One line per entry, the page number right-aligned after dot leaders, as a council committee's
pack has it; every line is a link to its page. Lines have a fixed height, so the contents take
the same room set blank (the first pass, before pages are known) and numbered.

Where an agenda item's papers are is found while the body is laid out: `ItemTitle` is the
paragraph in the agenda's table that notes the page it lands on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from .pack_layout import shorten
from .styles import FONT as BODY_FONT
from .styles import FONT_BOLD as BOLD_FONT
from .styles import INK, RULE

SECTION_SIZE, ITEM_SIZE = 10.5, 9.5
SECTION_HEIGHT, ITEM_HEIGHT = 7 * mm, 5.6 * mm
NUMBER_WIDTH = 10 * mm
PAGE_WIDTH_ROOM = 12 * mm
LEADER_GAP = 2 * mm


@dataclass(frozen=True)
class ContentsEntry:
    """A contents line: the key its page is found by, its number and title, and its level."""

    key: str  # a section's title, or "item:3" for agenda item 3
    title: str
    number: str = ""
    level: int = 0  # 0: a section; 1: an agenda item under "Agenda"


@dataclass(frozen=True)
class ContentsLink:
    """Where a contents line was drawn (page of the contents, 1-based; rectangle) and its key."""

    page: int
    rect: tuple[float, float, float, float]
    key: str


def item_key(number: str) -> str:
    """The key of agenda item `number` in the contents."""
    return f"item:{number}"


class ItemTitle(Paragraph):
    """An agenda item's cell in the agenda table that notes the page it is drawn on."""

    def __init__(
        self, *args: Any, mark: tuple[str, dict[str, int]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._mark = mark

    def draw(self) -> None:
        """Note the page (first time only), then draw the paragraph."""
        if self._mark is not None:
            key, pages = self._mark
            pages.setdefault(key, self.canv.getPageNumber())
        super().draw()


class ContentsLine(Flowable):
    """One contents line: number, title (shortened if it must), dot leaders, page number."""

    def __init__(self, entry: ContentsEntry, page: int | None, links: list[ContentsLink]) -> None:
        super().__init__()
        self.entry = entry
        self.page = page
        self.links = links
        self.line_height = SECTION_HEIGHT if entry.level == 0 else ITEM_HEIGHT

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """The full width, a fixed height."""
        self.width = available_width
        return available_width, self.line_height

    def draw(self) -> None:
        """Draw the line and note where it is, for its link."""
        c = self.canv
        entry = self.entry
        font, size = (BOLD_FONT, SECTION_SIZE) if entry.level == 0 else (BODY_FONT, ITEM_SIZE)
        indent = 0 if entry.level == 0 else 4 * mm
        baseline = 1.6 * mm
        c.saveState()
        c.setFillColor(INK)
        c.setFont(font, size)
        x = indent
        if entry.number:
            c.drawString(x, baseline, entry.number)
        x += NUMBER_WIDTH if entry.level else 0
        room = self.width - x - PAGE_WIDTH_ROOM - LEADER_GAP
        title = shorten(entry.title, room, size) if font == BODY_FONT else entry.title
        if font == BOLD_FONT and stringWidth(title, font, size) > room:
            c.setFont(BODY_FONT, size)
            title, font = shorten(entry.title, room, size), BODY_FONT
        c.drawString(x, baseline, title)
        end = x + stringWidth(title, font, size) + LEADER_GAP
        label = str(self.page) if self.page is not None else ""
        c.drawRightString(self.width, baseline, label)
        # Leaders stop short of a two-digit number on every line, so they end in one column.
        widest = max(stringWidth("00", font, size), stringWidth(label, font, size))
        start = self.width - widest - LEADER_GAP
        if start > end:
            # Dots drawn as a dashed line: leaders that text extraction does not read as "....".
            c.setStrokeColor(RULE if entry.level else INK)
            c.setLineWidth(0.9)
            c.setLineCap(1)
            c.setDash([0.01, 3])
            c.line(end, baseline + 0.5, start, baseline + 0.5)
        c.restoreState()
        x0, y0 = c.absolutePosition(0, 0)
        self.links.append(
            ContentsLink(
                c.getPageNumber(), (x0, y0, x0 + self.width, y0 + self.line_height), entry.key
            )
        )
