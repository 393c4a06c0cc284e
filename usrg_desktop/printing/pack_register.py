"""The pack's attendance register (sign-in sheet): the invitees by organisation, blank rows.

Every row has a name, an organisation, a tick for each day and the visit, and a signature.
The blank rows for people not printed fill what is left of the last page (never fewer than
MIN_BLANK_ROWS: with less room they start a page of their own, filled), so no page carries
only two or three leftover rows; the POPIA notice ends the register under them.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from .pack_layout import FRAME_WIDTH, markup, safe_table, table_style
from .styles import RULE, SHADE

ROW_HEIGHT = 8 * mm
MIN_BLANK_ROWS = 4
MAX_BLANK_ROWS = 14
WIDTHS = [54 * mm, 40 * mm, 13 * mm, 13 * mm, 13 * mm, FRAME_WIDTH - 133 * mm]
HEADINGS = ["Name", "Organisation", "Day 1", "Day 2", "Visit", "Signature"]
POPIA_NOTICE = (
    "<b>Personal information (POPIA).</b> The South African Cities Network collects the names, "
    "organisations and signatures on this register to record attendance at this meeting of the "
    "Urban Safety Reference Group, under the Protection of Personal Information Act 4 of 2013. "
    "They are kept by the USRG secretariat with the meeting's records, used for no other "
    "purpose and not shared outside the secretariat and the member cities and bodies of the "
    "USRG. You may ask the secretariat to see or correct what is recorded about you."
)


def _grid(extra: list[tuple] | None = None) -> list[tuple]:
    return [
        ("GRID", (0, 1), (-1, -1), 0.4, RULE),
        ("ALIGN", (2, 0), (4, -1), "CENTER"),
        *(extra or []),
    ]


class BlankRows(Flowable):
    """Blank sign-in rows that take the rest of the page, then the POPIA notice."""

    def __init__(self, styles: dict) -> None:
        super().__init__()
        self.styles = styles
        self._parts: list[Flowable] = []

    def _build(self, rows: int) -> list[Flowable]:
        s = self.styles
        head = [Paragraph(markup(h), s["head"]) for h in HEADINGS]
        title = [Paragraph("<b>Other attendees</b>", s["cell"]), "", "", "", "", ""]
        blank = [[Spacer(1, ROW_HEIGHT - 7), "", "", "", "", ""] for _ in range(rows)]
        table = Table([head, title, *blank], colWidths=WIDTHS)
        table.setStyle(
            table_style(
                _grid(
                    [
                        ("BACKGROUND", (0, 1), (-1, 1), SHADE),
                        ("SPAN", (0, 1), (-1, 1)),
                    ]
                )
            )
        )
        return [table, Spacer(1, 3 * mm), Paragraph(POPIA_NOTICE, s["small"])]

    def _height(self, parts: list[Flowable], width: float) -> float:
        return sum(p.wrap(width, 10_000)[1] for p in parts)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """As many rows as the room left takes (MIN to MAX); more than the room if too few fit."""
        fixed = self._height(self._build(0), available_width)
        rows = int((available_height - fixed) // ROW_HEIGHT)
        if rows < MIN_BLANK_ROWS:
            # Too little room: ask for more than there is, so the rows start the next page.
            self._parts = self._build(MAX_BLANK_ROWS)
            self.width = available_width
            self.height = max(available_height + 1, fixed + MIN_BLANK_ROWS * ROW_HEIGHT)
            return self.width, self.height
        self._parts = self._build(min(rows, MAX_BLANK_ROWS))
        self.width = available_width
        self.height = self._height(self._parts, available_width)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Never split: the rows and the notice stay on one page."""
        return []

    def draw(self) -> None:
        """Draw the table and the notice, top down."""
        y = self.height
        for part in self._parts:
            _w, h = part.wrap(self.width, 10_000)
            y -= h
            part.drawOn(self.canv, 0, y)


def register_section(attendees: list, styles: dict) -> list[Flowable]:
    """The register's flowables: a note, the invitees by organisation, the blank rows."""
    s = styles
    out: list[Flowable] = [
        Paragraph(
            "Please tick the days you attend and sign. Add your name and organisation on a "
            "blank row if they are not printed.",
            s["small"],
        ),
        Spacer(1, 3 * mm),
    ]
    groups: dict[str, list] = {}
    for person in attendees:
        groups.setdefault(person.group, []).append(person)
    rows: list[list] = []
    style: list[tuple] = []
    for group, people in groups.items():
        rows.append([Paragraph(f"<b>{markup(group)}</b>", s["cell"]), "", "", "", "", ""])
        style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
        style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        # An organisation's heading never ends a page without its first person.
        style.append(("NOSPLIT", (0, len(rows)), (-1, len(rows) + 1)))
        for p in people:
            label = (
                f"{markup(p.name)}<br/><font size=7.5>{markup(p.title)}</font>"
                if p.title
                else markup(p.name)
            )
            rows.append([Paragraph(label, s["cell"]), "", "", "", "", ""])
    if rows:
        out += safe_table(HEADINGS, rows, WIDTHS, s, extra_style=_grid(style))
    out.append(BlankRows(s))
    return out
