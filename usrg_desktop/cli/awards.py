"""`usrg awards …`: the awards list, overdue items, one award's schedule, and payments."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..workflows import WorkflowError
from .common import (
    acting_user,
    add_format,
    given_today,
    iso_date,
    now,
    open_db,
    print_listing,
)


def cmd_list(args: argparse.Namespace) -> int:
    """Print the awards (only those with something overdue with --overdue)."""
    from ..workflows.awards.listings import award_listing

    listing = award_listing(open_db(args), today=given_today(args), overdue_only=args.overdue)
    print_listing(listing, args.format)
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    """Print every overdue tranche and report, oldest first."""
    from ..workflows.awards.award_tracking import overdue_items

    with open_db(args).unit_of_work() as session:
        items = overdue_items(session, given_today(args))
    if args.format == "json":
        rows = [
            {
                "award": i.award_number,
                "reference": i.reference,
                "kind": i.kind,
                "id": i.item_id,
                "item": i.label,
                "due_on": i.due_on.isoformat(),
                "days_overdue": i.days_overdue,
            }
            for i in items
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for i in items:
        print(f"{i.due_on.isoformat()}  {i.days_overdue:>4} days  {i.award_number}  {i.label}")
    if not items:
        print("Nothing is overdue.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print what the award screen shows (the same object): header, tranches (with their ids
    for `pay`), reports and what stands in the way of closing."""
    from ..workflows.grants.detail_screens import award_screen_for

    with open_db(args).reading() as session:
        shown = award_screen_for(session, args.number, given_today(args))
    sys.stdout.write(shown.as_text())
    return 0


def cmd_pay(args: argparse.Namespace) -> int:
    """Record that a tranche was paid."""
    from ..workflows.awards.award_tracking import record_tranche_payment

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        record_tranche_payment(
            session,
            tranche_id=args.tranche_id,
            paid_on=args.on,
            reference=args.reference,
            actor=actor,
            now=now(),
        )
    print(f"Tranche {args.tranche_id} recorded as paid on {args.on.isoformat()}.")
    return 0


def _change(args: argparse.Namespace, action: Any, done: str, **kwargs: Any) -> int:
    """Run one award workflow as the acting user and say what was done."""
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        action(session, actor=actor, now=now(), **kwargs)
    print(done)
    return 0


def _award_id(args: argparse.Namespace) -> int:
    from ..workflows.awards.award_tracking import award_id_by_number

    with open_db(args).unit_of_work() as session:
        return award_id_by_number(session, args.number)


def cmd_cancel(args: argparse.Namespace) -> int:
    """Cancel an unpaid tranche with a reason."""
    from ..workflows.awards.award_tracking import cancel_tranche

    return _change(
        args,
        cancel_tranche,
        f"Tranche {args.tranche_id} cancelled.",
        tranche_id=args.tranche_id,
        reason=args.reason,
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Record a report received and/or accepted."""
    from ..workflows.awards.award_tracking import accept_report, record_report_received

    if args.received is None and args.accepted is None:
        raise WorkflowError("Say --received DATE, --accepted DATE or both.")
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        if args.received is not None:
            record_report_received(
                session,
                milestone_id=args.milestone_id,
                received_on=args.received,
                actor=actor,
                now=now(),
            )
        if args.accepted is not None:
            accept_report(
                session,
                milestone_id=args.milestone_id,
                accepted_on=args.accepted,
                actor=actor,
                now=now(),
            )
    print(f"Report {args.milestone_id} recorded.")
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    """Record the signed agreement; the grant becomes active."""
    from ..workflows.awards.award_tracking import record_agreement_signed

    award_id = _award_id(args)
    return _change(
        args,
        record_agreement_signed,
        f"{args.number}: agreement signed on {args.on.isoformat()}; the grant is active.",
        award_id=award_id,
        signed_on=args.on,
    )


def cmd_close(args: argparse.Namespace) -> int:
    """Close a grant (final report accepted, every tranche paid or cancelled)."""
    from ..workflows.awards.award_tracking import close_award

    award_id = _award_id(args)
    return _change(args, close_award, f"{args.number} closed.", award_id=award_id)


def cmd_schedule(args: argparse.Namespace) -> int:
    """Replace the tranche schedule: --tranche TRIGGER:SHARE:DUE, once per tranche."""
    from ..workflows.awards.award_tracking import set_tranche_schedule

    rows = []
    for n, text in enumerate(args.tranche, start=1):
        parts = text.rsplit(":", 2)
        if len(parts) != 3:
            raise WorkflowError(
                f"Tranche {n}: '{text}' is not TRIGGER:SHARE:DUE, like 'signature:50 %:2027-01-31'."
            )
        rows.append((parts[0], parts[1], parts[2]))
    award_id = _award_id(args)
    return _change(
        args,
        set_tranche_schedule,
        f"{args.number}: schedule of {len(rows)} tranche(s) saved.",
        award_id=award_id,
        tranches=rows,
    )


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the awards subcommands."""
    awards = sub.add_parser("awards", parents=[common], help="awards, tranches and reports")
    asub = awards.add_subparsers(dest="awards_command", required=True, metavar="ACTION")

    lst = asub.add_parser("list", parents=[common], help="list the awards")
    lst.add_argument("--overdue", action="store_true", help="only awards with something overdue")
    lst.add_argument("--today", type=iso_date, help="the day overdue is counted on")
    add_format(lst)
    lst.set_defaults(handler=cmd_list)

    over = asub.add_parser("overdue", parents=[common], help="overdue tranches and reports")
    over.add_argument("--today", type=iso_date, help="the day overdue is counted on")
    over.add_argument("--format", choices=["text", "json"], default="text")
    over.set_defaults(handler=cmd_overdue)

    show = asub.add_parser("show", parents=[common], help="one award's tranches and reports")
    show.add_argument("number", help="award number, e.g. USRG-AW-2026-001")
    show.add_argument("--today", type=iso_date, help="the day overdue is counted on")
    show.set_defaults(handler=cmd_show)

    pay = asub.add_parser("pay", parents=[common], help="record a tranche payment (needs --user)")
    pay.add_argument("tranche_id", type=int, metavar="TRANCHE_ID", help="id from `awards show`")
    pay.add_argument("--on", type=iso_date, required=True, help="the day it was paid")
    pay.add_argument("--reference", required=True, help="the payment reference")
    pay.set_defaults(handler=cmd_pay)

    cancel = asub.add_parser("cancel", parents=[common], help="cancel a tranche (needs --user)")
    cancel.add_argument("tranche_id", type=int, metavar="TRANCHE_ID")
    cancel.add_argument("--reason", required=True, help="why it will not be paid")
    cancel.set_defaults(handler=cmd_cancel)

    report = asub.add_parser(
        "report", parents=[common], help="record a report received/accepted (needs --user)"
    )
    report.add_argument("milestone_id", type=int, metavar="REPORT_ID", help="id from `show`")
    report.add_argument("--received", type=iso_date, help="the day it came in")
    report.add_argument("--accepted", type=iso_date, help="the day it was accepted")
    report.set_defaults(handler=cmd_report)

    sign = asub.add_parser("sign", parents=[common], help="agreement signed (needs --user)")
    sign.add_argument("number", help="award number")
    sign.add_argument("--on", type=iso_date, required=True, help="the day it was signed")
    sign.set_defaults(handler=cmd_sign)

    schedule = asub.add_parser(
        "schedule", parents=[common], help="replace the tranche schedule (needs --user)"
    )
    schedule.add_argument("number", help="award number")
    schedule.add_argument(
        "--tranche",
        action="append",
        required=True,
        metavar="TRIGGER:SHARE:DUE",
        help="e.g. 'signature:50 %%:2027-01-31' or 'other:R 10 000,00:2027-03-31'; repeat",
    )
    schedule.set_defaults(handler=cmd_schedule)

    close = asub.add_parser("close", parents=[common], help="close a grant (needs --user)")
    close.add_argument("number", help="award number")
    close.set_defaults(handler=cmd_close)
