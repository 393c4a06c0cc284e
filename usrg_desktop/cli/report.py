"""`usrg report fund`: the funder's report for a period (and rounds) as a PDF or a workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..workflows import WorkflowError
from .common import acting_user, given_today, iso_date, open_db


def cmd_report_fund(args: argparse.Namespace) -> int:
    """Write the funder's report to a .pdf (on the letterhead) or an .xlsx file."""
    from ..money import format_zar
    from ..workflows.grants import rounds
    from ..workflows.grants.fund_report import write_fund_report

    if not args.out:
        raise WorkflowError("Say where the report goes with --out FILE.pdf or --out FILE.xlsx.")
    db = open_db(args)
    actor = acting_user(args, db)
    with db.reading() as session:
        round_ids = [rounds.find_round(session, name) for name in args.round or []]
        report = write_fund_report(
            session,
            out=Path(args.out),
            period_from=args.period_from,
            period_to=args.period_to,
            round_ids=round_ids or None,
            today=given_today(args),
            actor=actor,
        )
    print(f"Wrote the funder's report to {args.out}.")
    print(f"Rounds: {', '.join(report.round_names)}")
    print(
        f"Received {report.received}, approved {report.approved} "
        f"({report.success_rate:.1f} %); committed {format_zar(report.committed_cents)}, "
        f"disbursed {format_zar(report.disbursed_cents)}; reports overdue "
        f"{report.reports_overdue}."
    )
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the report subcommands."""
    parser = sub.add_parser(
        "report", parents=[common], help="reports: the funder's report", description=__doc__
    )
    kinds = parser.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    fund = kinds.add_parser(
        "fund",
        parents=[common],
        help="the funder's report for a period, as a PDF or an XLSX workbook",
        description="Applications by round, applicant and kind, success rates, committed and "
        "disbursed, reports received and overdue, and the grants with their status.",
    )
    fund.add_argument("--from", dest="period_from", type=iso_date, required=True, help="first day")
    fund.add_argument("--to", dest="period_to", type=iso_date, required=True, help="last day")
    fund.add_argument(
        "--round",
        action="append",
        help="a round's name or id (repeatable; default: every round open in the period)",
    )
    fund.add_argument("--out", required=True, help="the file: .pdf or .xlsx")
    fund.add_argument("--today", type=iso_date, help="count overdue reports as on this day")
    fund.set_defaults(handler=cmd_report_fund)
