"""The award letter's own parts: its conditions as a numbered list, the tranche schedule and
the reporting duties as tables (where the template names them alone on a line), and the
acceptance slip to sign and return at its end."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.flowables import HRFlowable

from .letter_data import TRIGGER_WORDS, AwardLetter, condition_lines, money
from .letter_layout import no_break as _nb
from .letter_layout import typeset
from .styles import ACCENT, FONT, MUTED, TEXT_WIDTH, escape, long_date, styles, table_style
from .words import rand_in_words

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def award_block(letter: AwardLetter, name: str) -> list[Flowable]:
    """What `{conditions}`, `{tranche_schedule}` or `{reporting_duties}` alone on a line becomes."""
    st = styles()
    if name == "conditions":
        conditions = condition_lines(letter.conditions)
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
        Paragraph("Expected by", st["cell_head"]),
    ]
    rows: list[list[Any]] = [head]
    for t in letter.tranches:
        rows.append(
            [
                Paragraph(str(t.position), st["cell"]),
                Paragraph(escape(TRIGGER_WORDS.get(t.trigger, t.trigger).capitalize()), st["cell"]),
                Paragraph(f"{t.percent} %", st["cell_right"]),
                Paragraph(money(t.amount_cents), st["cell_right"]),
                Paragraph(_nb(long_date(t.due_on)), st["cell"]),
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
                Paragraph(_nb(long_date(m.due_on)), st["cell"]),
                Paragraph(escape(then), st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[40 * mm, 40 * mm, TEXT_WIDTH - 80 * mm], hAlign="LEFT")
    table.setStyle(table_style())
    return table


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"no. {n}"


def acceptance_slip(letter: AwardLetter, marker: Flowable) -> Flowable:
    """The slip to cut off, sign and return, kept together; `marker` notes its page."""
    st = styles()
    a = letter.header.addressee
    lines: list[Flowable] = [
        marker,  # inside the slip's keep-together: it notes the page the slip really starts on
        Spacer(1, 6 * mm),
        HRFlowable(width="100%", thickness=0.8, color=MUTED, dash=(3, 2), spaceAfter=2 * mm),
        Paragraph(
            "✂ Cut here and return the signed slip to the USRG secretariat · "
            f"Our reference: {escape(letter.header.letter_reference)}",
            st["small"],
        ),
        Spacer(1, 3 * mm),
        Paragraph(f"Acceptance of grant {escape(letter.award_number)}", st["heading"]),
        Paragraph(
            f"On behalf of <b>{escape(a.applicant_name)}</b>, and duly authorised to do so, I "
            f"accept the grant of <b>{money(letter.amount_cents)}</b> "
            f"({escape(rand_in_words(letter.amount_cents))}) for “{escape(typeset(a.title))}” "
            f"({escape(a.reference)}), on the conditions, payment schedule and reporting duties "
            f"set out in the letter {escape(letter.header.letter_reference)} of "
            f"{_nb(long_date(letter.header.issued_on))}.",
            st["body"],
        ),
        Paragraph(
            f"Please return this slip by <b>{_nb(long_date(letter.reply_by))}</b>.", st["small"]
        ),
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
            ("FONT", (0, 0), (-1, -1), FONT, 9),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, ACCENT),
            ("LINEBELOW", (3, 0), (3, -1), 0.6, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    lines.append(slip)
    return KeepTogether(lines)
