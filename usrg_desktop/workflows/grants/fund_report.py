"""The funder's report: what the fund received, decided, committed, paid and heard back, for a
period and a set of rounds, as tables of plain rows (shown on screen, printed by
printing/fund_report.py, written as an XLSX workbook with one sheet per table).

Definitions (the report's notes say the same in words):

- **Rounds**: the rounds chosen; with none chosen, every round whose call was open at some time
  in the period (opens on or before its end, closes on or after its start).
- **Received**: an application of those rounds that was submitted (any state but draft).
- **Approved**: approved, awarded, active or closed; **declined**: declined; **decided**: either.
- **Success rate**: approved ÷ received, as a percentage (0 when nothing was received).
- **Committed**: the amounts of the awards made in those rounds; **approved, not yet awarded**
  counts the decisions whose award letter is still to go.
- **Disbursed**: tranches paid on or before the period's end; **in the period**: paid within it.
- **Reports**: the reporting milestones of those awards due on or before the period's end:
  received (on or before the period's end), overdue (not received and due before the report's
  day, which is the period's end or today, whichever comes first), accepted.

- **Themes**: each application names one of its round's themes (rounds list them); one that
  names none (a round without themes, or an application made before rounds had them) is
  counted under "No theme given".

The report also groups applications by applicant and by kind of applicant (metropolitan city,
intermediate city, or the partner body's kind).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Award, Decision, Milestone, Tranche
from ...domain.directory import Body, City
from ...domain.grants import Application, ApplicationState, Round, RoundTheme
from .. import Actor, Column, Listing, WorkflowError
from ..system.roles import require_staff
from .fund_report_themes import OUTCOME_COLUMNS, outcome_cells, theme_table

S = ApplicationState
APPROVED = frozenset({S.APPROVED.value, S.AWARDED.value, S.ACTIVE.value, S.CLOSED.value})
STATUS_WORDS = {
    S.APPROVED.value: "approved, award letter to go",
    S.AWARDED.value: "awarded, agreement to sign",
    S.ACTIVE.value: "active",
    S.CLOSED.value: "closed",
}
TABLE_ORDER = ("rounds", "applicants", "kinds", "themes", "money", "reports", "grants")
# The workbook's sheet for each table (Excel keeps a sheet's name to 31 characters).
SHEET_NAMES = {
    "rounds": "By round",
    "applicants": "By applicant",
    "kinds": "By kind of applicant",
    "themes": "By theme",
    "money": "Committed and disbursed",
    "reports": "Reports",
    "grants": "Grants",
}


def success_rate(approved: int, received: int) -> float:
    """approved ÷ received as a percentage with one decimal (0.0 when nothing was received)."""
    if not received:
        return 0.0
    percent = (Decimal(approved) * 100 / Decimal(received)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return float(percent)


@dataclass
class FundReport:
    """The report's heading facts, its totals, and its tables (Listings) in TABLE_ORDER."""

    period_from: date
    period_to: date
    as_of: date  # the day overdue is counted on: the period's end, or today if earlier
    made_on: date
    round_names: list[str]
    received: int = 0
    approved: int = 0
    declined: int = 0
    requested_cents: int = 0
    committed_cents: int = 0
    disbursed_cents: int = 0
    disbursed_in_period_cents: int = 0
    budget_cents: int = 0
    reports_due: int = 0
    reports_received: int = 0
    reports_overdue: int = 0
    tables: dict[str, Listing] = field(default_factory=dict)

    @property
    def success_rate(self) -> float:
        """Approved ÷ received over every round of the report, in per cent."""
        return success_rate(self.approved, self.received)


def chosen_rounds(
    session: Session, *, period_from: date, period_to: date, round_ids: list[int] | None
) -> list[Round]:
    """The rounds the report covers (see the module's docstring), oldest first."""
    query = select(Round).order_by(Round.opens_on, Round.id)
    if round_ids:
        rounds = list(session.scalars(query.where(Round.id.in_(round_ids))))
        missing = set(round_ids) - {r.id for r in rounds}
        if missing:
            raise WorkflowError(f"There is no round with id {min(missing)}.")
        return rounds
    return list(
        session.scalars(query.where(Round.opens_on <= period_to, Round.closes_on >= period_from))
    )


def fund_report(
    session: Session,
    *,
    period_from: date,
    period_to: date,
    round_ids: list[int] | None = None,
    today: date,
    actor: Actor,
) -> FundReport:
    """Gather the funder's report for a period (and rounds), counted as on `today`."""
    require_staff(actor, "make the funder's report")
    if period_to < period_from:
        raise WorkflowError(
            f"The period ends ({period_to.isoformat()}) before it starts "
            f"({period_from.isoformat()}); give the start first."
        )
    rounds = chosen_rounds(
        session, period_from=period_from, period_to=period_to, round_ids=round_ids
    )
    if not rounds:
        raise WorkflowError(
            f"No round's call was open between {period_from.isoformat()} and "
            f"{period_to.isoformat()}; choose other dates or name the rounds."
        )
    as_of = min(period_to, today)
    report = FundReport(period_from, period_to, as_of, today, [r.name for r in rounds])
    report.budget_cents = sum(r.budget_cents for r in rounds)
    ids = [r.id for r in rounds]
    apps = session.execute(
        select(
            Application.id,
            Application.round_id,
            Application.state,
            Application.requested_cents,
            Application.reference,
            Application.title,
            City.short_name,
            City.category,
            Body.short_name,
            Body.kind,
            RoundTheme.label,
        )
        .outerjoin(City, City.id == Application.applicant_city_id)
        .outerjoin(Body, Body.id == Application.applicant_body_id)
        .outerjoin(RoundTheme, RoundTheme.id == Application.theme_id)
        .where(Application.round_id.in_(ids), Application.state != S.DRAFT.value)
    ).all()
    awards = {
        row.application_id: row
        for row in session.execute(
            select(Award.id, Award.application_id, Award.number, Award.amount_cents)
            .join(Application, Application.id == Award.application_id)
            .where(Application.round_id.in_(ids))
        )
    }
    decided_amounts = dict(
        session.execute(
            select(Decision.application_id, Decision.amount_cents)
            .join(Application, Application.id == Decision.application_id)
            .where(Application.round_id.in_(ids), Decision.outcome == "approved")
        ).all()
    )
    paid, paid_in_period = _payments(session, list(awards), awards, period_from, period_to)
    _round_tables(report, rounds, apps, awards, decided_amounts, paid, paid_in_period)
    _applicant_tables(report, apps, awards)
    report.tables["themes"] = theme_table(apps, awards, approved_states=APPROVED)
    report.tables["reports"] = _reports(session, report, [a.id for a in awards.values()])
    report.tables["grants"] = _grants(session, report, apps, awards, decided_amounts, paid)
    return report


def _payments(session, app_ids, awards, period_from, period_to):
    """Paid to date (to the period's end) and paid within the period, by application id."""
    paid: dict[int, int] = defaultdict(int)
    in_period: dict[int, int] = defaultdict(int)
    award_app = {a.id: app_id for app_id, a in awards.items()}
    if not award_app:
        return paid, in_period
    rows = session.execute(
        select(Tranche.award_id, Tranche.paid_on, func.coalesce(Tranche.paid_cents, 0)).where(
            Tranche.award_id.in_(list(award_app)),
            Tranche.paid_on.is_not(None),
            Tranche.paid_on <= period_to,
        )
    )
    for award_id, paid_on, cents in rows:
        paid[award_app[award_id]] += int(cents)
        if paid_on >= period_from:
            in_period[award_app[award_id]] += int(cents)
    return paid, in_period


ROUND_COLUMNS = [
    Column("round", "Round"),
    Column("budget", "Budget", "money"),
    Column("received", "Received", "int"),
    Column("approved", "Approved", "int"),
    Column("declined", "Declined", "int"),
    Column("success", "Success rate (%)", "score"),
    Column("requested", "Requested", "money"),
    Column("committed", "Committed", "money"),
]
MONEY_COLUMNS = [
    Column("round", "Round"),
    Column("committed", "Committed (awards)", "money"),
    Column("to_award", "Approved, not yet awarded", "money"),
    Column("disbursed", "Disbursed to the period's end", "money"),
    Column("in_period", "Disbursed in the period", "money"),
    Column("outstanding", "Committed, not yet paid", "money"),
    Column("uncommitted", "Budget not committed", "money"),
]


def _round_tables(report, rounds, apps, awards, decided_amounts, paid, paid_in_period) -> None:
    by_round: dict[int, list] = defaultdict(list)
    for app in apps:
        by_round[app.round_id].append(app)
    rows, money = [], []
    for rnd in rounds:
        mine = by_round[rnd.id]
        approved = [a for a in mine if a.state in APPROVED]
        declined = sum(1 for a in mine if a.state == S.DECLINED.value)
        committed = sum(awards[a.id].amount_cents for a in approved if a.id in awards)
        to_award = sum(decided_amounts.get(a.id) or 0 for a in approved if a.id not in awards)
        requested = sum(a.requested_cents for a in mine)
        disbursed = sum(paid[a.id] for a in approved)
        in_period = sum(paid_in_period[a.id] for a in approved)
        rows.append(
            (
                rnd.name,
                rnd.budget_cents,
                len(mine),
                len(approved),
                declined,
                success_rate(len(approved), len(mine)),
                requested,
                committed,
            )
        )
        money.append(
            (
                rnd.name,
                committed,
                to_award,
                disbursed,
                in_period,
                committed - disbursed,
                rnd.budget_cents - committed - to_award,
            )
        )
        report.received += len(mine)
        report.approved += len(approved)
        report.declined += declined
        report.requested_cents += requested
        report.committed_cents += committed
        report.disbursed_cents += disbursed
        report.disbursed_in_period_cents += in_period
    report.tables["rounds"] = Listing("Applications and decisions by round", ROUND_COLUMNS, rows)
    report.tables["money"] = Listing("Committed and disbursed", MONEY_COLUMNS, money)


APPLICANT_COLUMNS = [Column("applicant", "Applicant"), Column("kind", "Kind"), *OUTCOME_COLUMNS]
KIND_COLUMNS = [
    Column("kind", "Kind of applicant"),
    Column("applicants", "Applicants", "int"),
    Column("received", "Received", "int"),
    Column("approved", "Approved", "int"),
    Column("success", "Success rate (%)", "score"),
    Column("awarded", "Awarded", "money"),
]


def _kind(app) -> str:
    if app[6] is not None:  # a member city
        return "Metropolitan city" if app[7] == "metropolitan" else "Intermediate city"
    return (app[9] or "partner body").capitalize()


def _applicant_order(group: tuple[tuple[str, str], list]) -> tuple[int, str, str]:
    """Metropolitan cities first, then intermediate cities, then bodies; by name within."""
    (name, kind), _apps = group
    rank = {"Metropolitan city": 0, "Intermediate city": 1}.get(kind, 2)
    return rank, kind, name.casefold()


def _applicant_tables(report: FundReport, apps, awards) -> None:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for app in apps:
        groups[(app[6] or app[8] or "", _kind(app))].append(app)
    rows = []
    kinds: dict[str, list] = defaultdict(lambda: [set(), 0, 0, 0])
    for (name, kind), mine in sorted(groups.items(), key=_applicant_order):
        approved = [a for a in mine if a.state in APPROVED]
        cells = outcome_cells(mine, approved, awards)
        awarded = cells[-1]
        rows.append((name, kind, *cells))
        totals = kinds[kind]
        totals[0].add(name)
        totals[1] += len(mine)
        totals[2] += len(approved)
        totals[3] += awarded
    report.tables["applicants"] = Listing("Applications by applicant", APPLICANT_COLUMNS, rows)
    report.tables["kinds"] = Listing(
        "Applications by kind of applicant",
        KIND_COLUMNS,
        [
            (kind, len(names), received, approved, success_rate(approved, received), awarded)
            for kind, (names, received, approved, awarded) in sorted(
                kinds.items(), key=lambda k: _applicant_order(((k[0], k[0]), []))
            )
        ],
    )


REPORT_COLUMNS = [
    Column("kind", "Report"),
    Column("due", "Due by the period's end", "int"),
    Column("received", "Received", "int"),
    Column("accepted", "Accepted", "int"),
    Column("overdue", "Overdue", "int"),
]


def _reports(session: Session, report: FundReport, award_ids: list[int]) -> Listing:
    rows = session.execute(
        select(Milestone.kind, Milestone.due_on, Milestone.received_on, Milestone.accepted_on)
        .where(Milestone.award_id.in_(award_ids), Milestone.due_on <= report.period_to)
        .order_by(Milestone.kind)
    ).all()
    counts: dict[str, list[int]] = {}
    for kind, due_on, received_on, accepted_on in rows:
        c = counts.setdefault(kind, [0, 0, 0, 0])
        got = received_on is not None and received_on <= report.period_to
        c[0] += 1
        c[1] += got
        c[2] += accepted_on is not None and accepted_on <= report.period_to
        c[3] += (not got) and due_on < report.as_of
    report.reports_due = sum(c[0] for c in counts.values())
    report.reports_received = sum(c[1] for c in counts.values())
    report.reports_overdue = sum(c[3] for c in counts.values())
    return Listing(
        "Reports from grantees",
        REPORT_COLUMNS,
        [(kind.capitalize(), *c) for kind, c in sorted(counts.items(), reverse=True)],
    )


GRANT_COLUMNS = [
    Column("award", "Award"),
    Column("application", "Application"),
    Column("applicant", "Applicant"),
    Column("title", "Project"),
    Column("amount", "Amount", "money"),
    Column("paid", "Paid", "money"),
    Column("status", "Status"),
    Column("reports", "Reports"),
]


def _grants(session: Session, report: FundReport, apps, awards, decided, paid) -> Listing:
    milestones: dict[int, list] = defaultdict(list)
    award_ids = [a.id for a in awards.values()]
    for award_id, kind, due_on, received_on in session.execute(
        select(Milestone.award_id, Milestone.kind, Milestone.due_on, Milestone.received_on)
        .where(Milestone.award_id.in_(award_ids))
        .order_by(Milestone.due_on)
    ):
        milestones[award_id].append((kind, due_on, received_on))
    rows = []
    for app in sorted(apps, key=lambda a: a.reference or ""):
        if app.state not in APPROVED:
            continue
        award = awards.get(app.id)
        rows.append(
            (
                award.number if award else "",
                app.reference or "",
                app[6] or app[8] or "",
                app.title,
                award.amount_cents if award else decided.get(app.id),
                paid[app.id],
                STATUS_WORDS.get(app.state, app.state),
                _reports_text(milestones[award.id] if award else [], report),
            )
        )
    return Listing("Grants and their status", GRANT_COLUMNS, rows)


def _reports_text(items: list, report: FundReport) -> str:
    """'interim received; final due 2027-06-30' / 'interim overdue since 2026-10-31'."""
    parts = []
    for kind, due_on, received_on in items:
        short = kind.replace(" report", "")
        if received_on is not None and received_on <= report.period_to:
            parts.append(f"{short} received")
        elif due_on < report.as_of:
            parts.append(f"{short} overdue since {due_on.isoformat()}")
        else:
            parts.append(f"{short} due {due_on.isoformat()}")
    return "; ".join(parts)


def round_choices(session: Session) -> list[tuple[int, str, date, date]]:
    """Every round as (id, name, opens on, closes on), the newest first."""
    rows = session.execute(
        select(Round.id, Round.name, Round.opens_on, Round.closes_on).order_by(
            Round.opens_on.desc(), Round.id.desc()
        )
    ).all()
    return [(int(i), n, o, c) for i, n, o, c in rows]


# -- writing the files ---------------------------------------------------------------------------
def report_sheets(report: FundReport) -> list[tuple[str, list[Column], list[tuple]]]:
    """The workbook's sheets: (title, columns, rows) for each table, after a summary sheet."""
    summary_columns = [Column("item", "Item"), Column("value", "Value")]
    summary = [
        ("Period from", report.period_from.isoformat()),
        ("Period to", report.period_to.isoformat()),
        ("Overdue counted to", report.as_of.isoformat()),
        ("Rounds", ", ".join(report.round_names)),
        ("Applications received", report.received),
        ("Approved", report.approved),
        ("Success rate (%)", report.success_rate),
        ("Committed (R)", Decimal(report.committed_cents).scaleb(-2)),
        ("Disbursed (R)", Decimal(report.disbursed_cents).scaleb(-2)),
        ("Reports due", report.reports_due),
        ("Reports received", report.reports_received),
        ("Reports overdue", report.reports_overdue),
    ]
    sheets = [("Summary", summary_columns, summary)]
    for key in TABLE_ORDER:
        table = report.tables[key]
        sheets.append((SHEET_NAMES[key], table.columns, table.rows))
    return sheets


def write_fund_report(
    session: Session,
    *,
    out: str | Path,
    period_from: date,
    period_to: date,
    round_ids: list[int] | None = None,
    today: date,
    actor: Actor,
) -> FundReport:
    """Write the report to `out`: a PDF on the letterhead (.pdf) or a workbook (.xlsx)."""
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise WorkflowError(
            f"The report can be written as a .pdf or an .xlsx file, not '{target.name}'."
        )
    report = fund_report(
        session,
        period_from=period_from,
        period_to=period_to,
        round_ids=round_ids,
        today=today,
        actor=actor,
    )
    if suffix == ".pdf":
        from ...printing.fund_report import fund_report_pdf
        from ..letters.issuing import current_letterhead

        content = fund_report_pdf(report, current_letterhead(session))
        _write_whole(target, lambda path: path.write_bytes(content))
    else:
        from ..system.export import write_xlsx_sheets

        _write_whole(target, lambda path: write_xlsx_sheets(path, report_sheets(report)))
    return report


def _write_whole(target: Path, write: Callable[[Path], object]) -> None:
    """Write under a temporary name, then rename: never a half-written report."""
    temporary = target.with_name(target.name + ".part")
    try:
        write(temporary)
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WorkflowError(f"The file {target} could not be written: {exc.strerror}.") from exc
