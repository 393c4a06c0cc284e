"""The funder's report as a PDF on the letterhead: key figures, two charts drawn with ReportLab's
own graphics (committed against disbursed by round; received against approved by applicant),
the tables, and what each figure means. Takes the plain report (workflows/grants/fund_report.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from ..money import format_zar
from .styles import (
    ACCENT,
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    TEXT_WIDTH,
    Letterhead,
    build_pdf,
    escape,
    long_date,
    styles,
    table_style,
)

if TYPE_CHECKING:
    from ..workflows import Listing
    from ..workflows.grants.fund_report import FundReport

SECOND = colors.HexColor("#e0a030")  # the second series: a warm ochre beside the house teal
TITLE = "Urban Safety Innovation Fund: report to the funder"
NOTES = (
    "Received: applications submitted to the rounds covered (any state but draft). "
    "Approved: approved, awarded, active or closed. "
    "Success rate: approved ÷ received. "
    "Committed: the amounts of the awards made; approved applications whose award letter is "
    "still to go are shown apart. "
    "Disbursed: tranches paid on or before the period's end. "
    "Reports: reporting milestones due on or before the period's end; overdue when not received "
    "by the day the report counts to."
)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return format_zar(value)
    if kind == "score":
        return f"{value:.1f}"
    return str(value)


_NUMERIC_WIDTH = {"money": 25 * mm, "int": 12 * mm, "score": 12 * mm}


def _small_styles() -> dict[str, Any]:
    """The table styles a size smaller: the report's tables are wide."""
    s = styles()
    return {
        name: ParagraphStyle(f"fund_{name}", parent=s[name], fontSize=7.5, leading=9.5)
        for name in ("cell", "cell_right", "cell_head", "cell_head_right")
    } | {
        "cell_head": ParagraphStyle(
            "fund_cell_head", parent=s["cell_head"], fontSize=7.5, leading=9.5
        ),
        "cell_head_right": ParagraphStyle(
            "fund_cell_head_right", parent=s["cell_head_right"], fontSize=7.5, leading=9.5
        ),
    }


def _longest_word(label: str) -> float:
    """The width a heading needs so that no word of it breaks (with the cell's padding)."""
    return max(stringWidth(w, FONT_BOLD, 7.5) for w in label.split()) + 8


def _widths(listing: Listing, text_weights: list[float]) -> list[float]:
    """Numbers get a fixed width each; the text columns share the rest by their weights."""
    fixed = [
        max(_NUMERIC_WIDTH[c.kind], _longest_word(c.label)) if c.kind in _NUMERIC_WIDTH else None
        for c in listing.columns
    ]
    room = TEXT_WIDTH - sum(w for w in fixed if w)
    weights = iter(text_weights)
    shares = [next(weights, 1.0) if w is None else 0.0 for w in fixed]
    total = sum(shares) or 1.0
    return [w if w else room * share / total for w, share in zip(fixed, shares, strict=True)]


def _table(listing: Listing, text_weights: list[float], *, total: tuple | None = None) -> Table:
    s = _small_styles()
    numeric = set(_NUMERIC_WIDTH)
    head = [
        Paragraph(escape(c.label), s["cell_head_right" if c.kind in numeric else "cell_head"])
        for c in listing.columns
    ]
    body = [
        [
            Paragraph(escape(_cell(v, c.kind)), s["cell_right" if c.kind in numeric else "cell"])
            for c, v in zip(listing.columns, row, strict=True)
        ]
        for row in [*listing.rows, *([total] if total else [])]
    ]
    table = Table([head, *body], colWidths=_widths(listing, text_weights), repeatRows=1)
    table.setStyle(table_style(total_row=total is not None))
    table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
    return table


def _money_table(listing: Listing, total: tuple) -> Table:
    """Committed and disbursed with a column per round (and all rounds), a row per measure:
    the amounts keep their width however many measures there are. More than four rounds do
    not fit across, and are listed a row each instead."""
    rows = [*listing.rows, total] if len(listing.rows) > 1 else list(listing.rows)
    if len(rows) > 5:
        return _table(listing, [1], total=total)
    s = _small_styles()
    head = [Paragraph("", s["cell_head"])] + [
        Paragraph(escape(r[0]), s["cell_head_right"]) for r in rows
    ]
    body = [
        [Paragraph(escape(column.label), s["cell"])]
        + [Paragraph(escape(_cell(r[n], "money")), s["cell_right"]) for r in rows]
        for n, column in enumerate(listing.columns)
        if n > 0
    ]
    amount = 27 * mm
    table = Table([head, *body], colWidths=[TEXT_WIDTH - amount * len(rows)] + [amount] * len(rows))
    table.setStyle(table_style())
    return table


def _grants_table(listing: Listing) -> Table:
    """The grants, five columns to the page: references, who and what, amounts, status."""
    s = _small_styles()
    head = [
        Paragraph(escape(t), s["cell_head_right" if t in ("Amount", "Paid") else "cell_head"])
        for t in ("Award and application", "Applicant and project", "Amount", "Paid", "Status")
    ]
    body = []
    for award, application, applicant, title, amount, paid, status, reports in listing.rows:
        body.append(
            [
                Paragraph(
                    escape(award or "no award yet") + "<br/>" + escape(application), s["cell"]
                ),
                Paragraph(f"<b>{escape(applicant)}</b><br/>{escape(title)}", s["cell"]),
                Paragraph(escape(_cell(amount, "money")), s["cell_right"]),
                Paragraph(escape(_cell(paid, "money")), s["cell_right"]),
                Paragraph(
                    escape(status)
                    + (f'<br/><font color="#5c5c5c">{escape(reports)}</font>' if reports else ""),
                    s["cell"],
                ),
            ]
        )
    widths = [34 * mm, 0, 24 * mm, 24 * mm, 40 * mm]
    widths[1] = TEXT_WIDTH - sum(widths)
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(table_style())
    return table


def _rand_axis(cents: list[int]) -> tuple[float, float]:
    """The value axis in R million: its top and its step, rounded to something readable."""
    top = max([c / 100_000_000 for c in cents] + [0.1])
    for step in (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100):
        if top / step <= 6:
            return step * (int(top / step) + 1), step
    return top * 1.1, top / 5


# The `type: ignore[assignment]`s below: types-reportlab declares the charts' and legends'
# positions, sizes and spacings as int, but ReportLab takes any number (points are floats).
def money_chart(report: FundReport) -> Drawing:
    """Committed against disbursed (and the budget) by round, in R million."""
    rows = report.tables["money"].rows
    budgets = {r[0]: r[1] for r in report.tables["rounds"].rows}
    names = [r[0] for r in rows]
    series = [
        [budgets[n] / 100_000_000 for n in names],
        [r[1] / 100_000_000 for r in rows],
        [r[3] / 100_000_000 for r in rows],
    ]
    height = 62 * mm
    drawing = Drawing(TEXT_WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 16 * mm, 14 * mm  # type: ignore[assignment]
    chart.width, chart.height = TEXT_WIDTH - 62 * mm, height - 22 * mm  # type: ignore[assignment]
    chart.data = series
    chart.categoryAxis.categoryNames = [n.replace("Innovation Fund ", "") for n in names]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    top, step = _rand_axis([r[1] for r in report.tables["rounds"].rows])
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = lambda v: f"{v:g}"
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.barSpacing = 1.5  # type: ignore[assignment]
    chart.groupSpacing = 10
    for n, colour in enumerate((RULE, ACCENT, SECOND)):
        chart.bars[n].fillColor = colour
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    drawing.add(
        String(0, height - 5 * mm, "R million", fontName=FONT, fontSize=7.5, fillColor=MUTED)
    )
    legend = Legend()
    legend.x, legend.y = TEXT_WIDTH - 42 * mm, height - 14 * mm  # type: ignore[assignment]
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.colorNamePairs = [
        (RULE, "Budget"),
        (ACCENT, "Committed"),
        (SECOND, "Disbursed"),
    ]
    drawing.add(legend)
    return drawing


def applicant_chart(report: FundReport) -> Drawing:
    """Applications received and approved by applicant, as horizontal bars."""
    rows = report.tables["applicants"].rows
    bar = 4.2 * mm
    height = max(30 * mm, len(rows) * bar * 2 + 20 * mm)
    drawing = Drawing(TEXT_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 42 * mm, 8 * mm  # type: ignore[assignment]
    chart.width, chart.height = TEXT_WIDTH - 78 * mm, height - 14 * mm  # type: ignore[assignment]
    # Drawn from the bottom up: reversed, so the table's first applicant is at the top.
    chart.data = [[r[2] for r in reversed(rows)], [r[3] for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [r[0] for r in reversed(rows)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    most = max([r[2] for r in rows] + [1])
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, most + 1
    chart.valueAxis.valueStep = max(1, (most + 1) // 6)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.bars[0].fillColor = RULE
    chart.bars[1].fillColor = ACCENT
    for n in (0, 1):
        chart.bars[n].strokeColor = None
    chart.barSpacing = 0.5  # type: ignore[assignment]
    chart.groupSpacing = 3
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = TEXT_WIDTH - 40 * mm, height - 6 * mm  # type: ignore[assignment]
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.colorNamePairs = [(RULE, "Received"), (ACCENT, "Approved")]
    drawing.add(legend)
    return drawing


def _key_figures(report: FundReport) -> Table:
    s = styles()
    figures = [
        ("Applications received", str(report.received)),
        ("Approved", f"{report.approved} ({report.success_rate:.1f} %)"),
        ("Committed", format_zar(report.committed_cents)),
        ("Disbursed", format_zar(report.disbursed_cents)),
        ("Reports received", f"{report.reports_received} of {report.reports_due} due"),
        ("Reports overdue", str(report.reports_overdue)),
    ]
    cells = [
        [
            Paragraph(
                f'<font size="7.5" color="#5c5c5c">{escape(label)}</font><br/>'
                f'<font name="{FONT_BOLD}" size="11.5">{escape(value)}</font>',
                s["tight"],
            )
            for label, value in figures[i : i + 3]
        ]
        for i in (0, 3)
    ]
    table = Table(cells, colWidths=[TEXT_WIDTH / 3] * 3)
    table.setStyle(table_style(header=False))
    return table


def fund_report_pdf(report: FundReport, letterhead: Letterhead) -> bytes:
    """The report as PDF bytes on the letterhead (the same report, the same bytes)."""
    s = styles()
    period = f"{long_date(report.period_from)} to {long_date(report.period_to)}"
    rounds = report.tables["rounds"]
    total = (
        "All rounds",
        sum(r[1] for r in rounds.rows),
        report.received,
        report.approved,
        report.declined,
        report.success_rate,
        report.requested_cents,
        report.committed_cents,
    )
    money = report.tables["money"]
    money_total = ("All rounds", *(sum(r[n] for r in money.rows) for n in range(1, 7)))
    story: list[Any] = [
        Paragraph(escape(TITLE), s["title"]),
        Paragraph(
            f"<b>Period:</b> {escape(period)}. <b>Rounds:</b> "
            f"{escape(', '.join(report.round_names))}. Overdue is counted to "
            f"{escape(long_date(report.as_of))}.",
            s["body"],
        ),
        _key_figures(report),
        Spacer(0, 5 * mm),
        KeepTogether(
            [
                Paragraph("Budget, commitments and payments by round", s["heading"]),
                money_chart(report),
            ]
        ),
        Paragraph(escape(rounds.title), s["heading"]),
        _table(rounds, [1], total=total),
        Paragraph(escape(money.title), s["heading"]),
        _money_table(money, money_total),
        KeepTogether(
            [
                Paragraph("Applications received and approved by applicant", s["heading"]),
                applicant_chart(report),
            ]
        ),
    ]
    applicants = report.tables["applicants"]
    story += [
        Paragraph(escape(applicants.title), s["heading"]),
        _table(applicants, [1.2, 1]),
        Paragraph(escape(report.tables["kinds"].title), s["heading"]),
        _table(report.tables["kinds"], [1]),
        Paragraph(escape(report.tables["themes"].title), s["heading"]),
        _table(report.tables["themes"], [1]),
        Paragraph(escape(report.tables["reports"].title), s["heading"]),
        _table(report.tables["reports"], [1]),
        Paragraph(escape(report.tables["grants"].title), s["heading"]),
        _grants_table(report.tables["grants"]),
        Spacer(0, 4 * mm),
        Paragraph("<b>What the figures mean.</b> " + escape(NOTES), s["small"]),
    ]
    return build_pdf(
        story,
        letterhead=letterhead,
        title=f"{TITLE}, {period}",
        running_title=f"Report to the funder, {period}",
        subject="Urban Safety Reference Group innovation fund",
        created_on=report.as_of,
    )
