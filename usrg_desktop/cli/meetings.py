"""`usrg rotation …` and `usrg meetings …`: the quarterly meetings."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path

from ..workflows import FieldErrors, WorkflowError
from .common import acting_user, add_format, iso_date, now, open_db, print_listing


def cmd_rotation_propose(args: argparse.Namespace) -> int:
    """Print host and date proposals for the coming quarters, with the reason for each."""
    from ..workflows.hosting import propose_next_hosts
    from ..workflows.rotation import Quarter

    start = Quarter.parse(args.start) if args.start else Quarter.of(date.today()).next()
    proposals = propose_next_hosts(open_db(args), start=start, quarters=args.quarters)
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in proposals], indent=2, ensure_ascii=False))
        return 0
    for p in proposals:
        host = p.host or "(no host possible)"
        print(f"{p.quarter.label}  {host}  {p.starts_on:%a %d %b %Y} – {p.ends_on:%a %d %b %Y}")
        print(f"    {p.reason}")
    return 0


def _sentences(exc: FieldErrors) -> WorkflowError:
    """All of a refused form's sentences on one line (the command line has no fields)."""
    return WorkflowError(" ".join(exc.errors.values()))


def cmd_rotation_accept(args: argparse.Namespace) -> int:
    """Make the proposal for a quarter a planned meeting, as proposed or with another host/dates."""
    from ..workflows import meeting_plans
    from ..workflows.rotation import Quarter

    quarter = Quarter.parse(args.quarter)
    db = open_db(args)
    actor = acting_user(args, db)
    today = date.today()
    try:
        with db.unit_of_work() as session:
            proposal = meeting_plans.proposal_for(session, quarter=quarter, today=today)
            host = meeting_plans.city_named(session, args.host) if args.host else proposal.host_id
            start = args.start or proposal.starts_on
            end = args.end or start + timedelta(days=1)
            edited = (host, start, end) != (
                proposal.host_id,
                proposal.starts_on,
                proposal.ends_on,
            )
            if edited:
                meeting_id = meeting_plans.accept_edited_proposal(
                    session,
                    quarter=quarter,
                    host_city_id=host,
                    starts_on=start,
                    ends_on=end,
                    reason=args.reason or "",
                    actor=actor,
                    now=now(),
                    proposal_reason=proposal.reason,
                )
            else:
                meeting_id = meeting_plans.accept_proposal(
                    session,
                    quarter=quarter,
                    host_city_id=host,
                    starts_on=start,
                    actor=actor,
                    now=now(),
                    proposal_reason=proposal.reason,
                )
            m = meeting_plans.meeting_details(session, meeting_id=meeting_id)
    except FieldErrors as exc:
        raise _sentences(exc) from exc
    print(
        f"Planned meeting {m.number}: {m.quarter.label}, {m.host}, "
        f"{m.starts_on:%a %d %b} – {m.ends_on:%a %d %b %Y}."
    )
    return 0


def cmd_rotation_reject(args: argparse.Namespace) -> int:
    """Record that the proposed host of a quarter will not host it (it keeps its turn)."""
    from ..workflows import meeting_plans
    from ..workflows.rotation import Quarter

    quarter = Quarter.parse(args.quarter)
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        proposal = meeting_plans.proposal_for(session, quarter=quarter, today=date.today())
        if proposal.planned or proposal.host_id is None:
            raise WorkflowError(f"There is no open proposal for {quarter.label} to reject.")
        meeting_plans.reject_proposal(
            session,
            quarter=quarter,
            host_city_id=proposal.host_id,
            reason=args.reason,
            actor=actor,
            now=now(),
        )
        again = meeting_plans.proposal_for(session, quarter=quarter, today=date.today())
    print(f"{proposal.host} will not host {quarter.label}; it keeps its turn.")
    print(f"New proposal: {again.host or '(no host possible)'}. {again.reason}")
    return 0


def cmd_meetings_list(args: argparse.Namespace) -> int:
    """Print every meeting: number, quarter, host, dates and status."""
    from ..workflows.meetings import meeting_schedule_listing

    print_listing(meeting_schedule_listing(open_db(args)), args.format)
    return 0


def cmd_meetings_ics(args: argparse.Namespace) -> int:
    """Write a meeting's calendar file (.ics): its two days and the exposure visit."""
    from ..workflows.calendar import meeting_ics
    from ..workflows.meeting_plans import meeting_id_for_number

    db = open_db(args)
    with db.unit_of_work() as session:
        data = meeting_ics(session, meeting_id_for_number(session, number=args.meeting), now=now())
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise WorkflowError(
            f"The calendar file {out} could not be written: {exc.strerror or exc}."
        ) from exc
    print(f"Wrote {out} (meeting {args.meeting}: 3 events).")
    return 0


def cmd_meetings_pack(args: argparse.Namespace) -> int:
    """Write a meeting's whole pack as one PDF, saying each step as it goes."""
    from ..workflows.meeting_pack import build_meeting_pack
    from ..workflows.meeting_plans import meeting_id_for_number

    db = open_db(args)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
    out = Path(args.out)
    work = build_meeting_pack(db, meeting_id=meeting_id, out=out, today=args.today or date.today())
    while True:
        try:
            _done, _total, label = next(work)
        except StopIteration as finished:
            built = finished.value
            break
        if not args.quiet:
            print(f"  {label}…")
    sections = ", ".join(f"{s.title} p. {s.page}" for s in built.sections)
    print(f"Wrote {out}: meeting {args.meeting}, {built.pages} pages ({sections}).")
    return 0


def cmd_meetings_agenda(args: argparse.Namespace) -> int:
    """Write a meeting's agenda handout as a PDF."""
    from ..workflows.meeting_pack import write_agenda
    from ..workflows.meeting_plans import meeting_id_for_number

    db = open_db(args)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
    out = write_agenda(
        db, meeting_id=meeting_id, out=Path(args.out), today=args.today or date.today()
    )
    print(f"Wrote {out} (the agenda of meeting {args.meeting}).")
    return 0


def cmd_meetings_status(args: argparse.Namespace) -> int:
    """Confirm a meeting, mark it held, or cancel it with a reason."""
    from ..workflows import meeting_plans

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        meeting_id = meeting_plans.meeting_id_for_number(session, number=args.meeting)
        if args.meetings_command == "confirm":
            status = meeting_plans.confirm_meeting(
                session, meeting_id=meeting_id, actor=actor, now=now()
            )
        elif args.meetings_command == "held":
            status = meeting_plans.mark_meeting_held(
                session, meeting_id=meeting_id, actor=actor, now=now()
            )
        else:
            status = meeting_plans.cancel_meeting(
                session, meeting_id=meeting_id, reason=args.reason, actor=actor, now=now()
            )
    print(f"Meeting {args.meeting} is {status}.")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the rotation and meetings subcommands."""
    rot = sub.add_parser("rotation", parents=[common], help="host rotation of the meetings")
    rotsub = rot.add_subparsers(dest="rotation_command", required=True, metavar="ACTION")
    propose = rotsub.add_parser(
        "propose", parents=[common], help="propose hosts and dates for the coming quarters"
    )
    propose.add_argument(
        "--from", dest="start", metavar="QUARTER", help="first quarter, e.g. 2027Q1"
    )
    propose.add_argument("--quarters", type=int, default=8, help="how many quarters (default 8)")
    propose.add_argument("--format", choices=["text", "json"], default="text")
    propose.set_defaults(handler=cmd_rotation_propose)

    accept = rotsub.add_parser(
        "accept",
        parents=[common],
        help="plan a quarter's meeting as proposed, or with another host or dates (needs --user)",
    )
    accept.add_argument("--quarter", required=True, help="the quarter, e.g. 2027Q1")
    accept.add_argument("--host", help="another host city (name or code) than proposed")
    accept.add_argument("--start", type=iso_date, help="another day 1 than proposed (ISO date)")
    accept.add_argument("--end", type=iso_date, help="day 2 (default: the day after day 1)")
    accept.add_argument("--reason", help="why the proposal was changed (needed with changes)")
    accept.set_defaults(handler=cmd_rotation_accept)
    reject = rotsub.add_parser(
        "reject",
        parents=[common],
        help="the proposed host will not host the quarter; it keeps its turn (needs --user)",
    )
    reject.add_argument("--quarter", required=True, help="the quarter, e.g. 2027Q1")
    reject.add_argument("--reason", required=True, help="why the proposal is rejected")
    reject.set_defaults(handler=cmd_rotation_reject)

    meet = sub.add_parser("meetings", parents=[common], help="the quarterly meetings")
    meetsub = meet.add_subparsers(dest="meetings_command", required=True, metavar="ACTION")
    listing = meetsub.add_parser("list", parents=[common], help="every meeting")
    add_format(listing)
    listing.set_defaults(handler=cmd_meetings_list)
    ics = meetsub.add_parser("ics", parents=[common], help="write a meeting's calendar file (.ics)")
    ics.add_argument("--meeting", type=int, required=True, metavar="N", help="meeting number")
    ics.add_argument("--out", required=True, metavar="FILE.ics", help="where to write it")
    ics.set_defaults(handler=cmd_meetings_ics)
    for name, handler, what in (
        ("pack", cmd_meetings_pack, "the whole meeting pack"),
        ("agenda", cmd_meetings_agenda, "the agenda handout"),
    ):
        printed = meetsub.add_parser(name, parents=[common], help=f"write {what} as a PDF")
        printed.add_argument("--meeting", type=int, required=True, metavar="N", help="number")
        printed.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
        printed.add_argument(
            "--today", type=iso_date, help="the day overdue actions are counted from"
        )
        if name == "pack":
            printed.add_argument("--quiet", action="store_true", help="only the last line")
        printed.set_defaults(handler=handler)
    for action, text in (
        ("confirm", "confirm a planned meeting (needs --user)"),
        ("held", "mark a confirmed meeting held (needs --user)"),
        ("cancel", "cancel a meeting with a reason (needs --user)"),
    ):
        status = meetsub.add_parser(action, parents=[common], help=text)
        status.add_argument("--meeting", type=int, required=True, metavar="N", help="number")
        if action == "cancel":
            status.add_argument("--reason", required=True, help="why it is cancelled")
        status.set_defaults(handler=cmd_meetings_status)
