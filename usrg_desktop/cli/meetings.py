"""`usrg rotation …` and `usrg meetings …`: the quarterly meetings."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path

from .. import clock
from ..steps import drain
from ..workflows import FieldErrors, WorkflowError
from . import annexes
from .common import (
    acting_user,
    add_format,
    form_refused,
    given_today,
    iso_date,
    now,
    open_db,
    print_listing,
)


def cmd_rotation_propose(args: argparse.Namespace) -> int:
    """Print host and date proposals for the coming quarters, with the reason for each."""
    from ..workflows.meetings.hosting import propose_next_hosts
    from ..workflows.meetings.rotation import Quarter

    start = Quarter.parse(args.start) if args.start else Quarter.of(clock.today()).next()
    proposals = propose_next_hosts(open_db(args), start=start, quarters=args.quarters)
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in proposals], indent=2, ensure_ascii=False))
        return 0
    for p in proposals:
        host = p.host or "(no host possible)"
        print(f"{p.quarter.label}  {host}  {p.starts_on:%a %d %b %Y} – {p.ends_on:%a %d %b %Y}")
        print(f"    {p.reason}")
    return 0


def cmd_rotation_accept(args: argparse.Namespace) -> int:
    """Make the proposal for a quarter a planned meeting, as proposed or with another host/dates."""
    from ..workflows.meetings import meeting_plans
    from ..workflows.meetings.rotation import Quarter

    quarter = Quarter.parse(args.quarter)
    db = open_db(args)
    actor = acting_user(args, db)
    today = clock.today()
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
        raise form_refused(exc) from exc
    print(
        f"Planned meeting {m.number}: {m.quarter.label}, {m.host}, "
        f"{m.starts_on:%a %d %b} – {m.ends_on:%a %d %b %Y}."
    )
    return 0


def cmd_rotation_reject(args: argparse.Namespace) -> int:
    """Record that the proposed host of a quarter will not host it (it keeps its turn)."""
    from ..workflows.meetings import meeting_plans
    from ..workflows.meetings.rotation import Quarter

    quarter = Quarter.parse(args.quarter)
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        proposal = meeting_plans.proposal_for(session, quarter=quarter, today=clock.today())
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
        again = meeting_plans.proposal_for(session, quarter=quarter, today=clock.today())
    print(f"{proposal.host} will not host {quarter.label}; it keeps its turn.")
    print(f"New proposal: {again.host or '(no host possible)'}. {again.reason}")
    return 0


def _city_name(session, city_id: int) -> str:  # noqa: ANN001
    """The short name of a city (for messages)."""
    from ..domain.directory import City

    found = session.get(City, city_id)
    return found.short_name if found is not None else str(city_id)


def _field_sentences(call, *args, **kwargs):  # noqa: ANN001, ANN202
    """Run a workflow; a refused form becomes one line with all its sentences."""
    try:
        return call(*args, **kwargs)
    except FieldErrors as exc:
        raise form_refused(exc) from exc


def cmd_rotation_volunteer(args: argparse.Namespace) -> int:
    """Record a city's offer to host a quarter's meeting."""
    from ..workflows.meetings import meeting_plans, rotation_inputs
    from ..workflows.meetings.rotation import Quarter

    quarter = Quarter.parse(args.quarter)
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        city = meeting_plans.city_named(session, args.city)
        _field_sentences(
            rotation_inputs.record_volunteer,
            session,
            city=city,
            year=quarter.year,
            quarter=quarter.number,
            note=args.note or "",
            actor=actor,
            now=now(),
        )
        again = meeting_plans.proposal_for(session, quarter=quarter, today=clock.today())
        name = _city_name(session, city)
    print(f"Recorded: {name} volunteered for {quarter.label}.")
    print(f"Proposal for {quarter.label}: {again.host or '(no host possible)'}. {again.reason}")
    return 0


def cmd_rotation_withdraw(args: argparse.Namespace) -> int:
    """Withdraw a city's offer to host a quarter."""
    from sqlalchemy import select

    from ..domain.meetings import HostVolunteer
    from ..workflows.meetings import meeting_plans, rotation_inputs
    from ..workflows.meetings.rotation import Quarter

    quarter = Quarter.parse(args.quarter)
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        city = meeting_plans.city_named(session, args.city)
        offer = session.scalar(
            select(HostVolunteer.id).where(
                HostVolunteer.city_id == city,
                HostVolunteer.year == quarter.year,
                HostVolunteer.quarter == quarter.number,
            )
        )
        if offer is None:
            raise WorkflowError(
                f"{_city_name(session, city)} has not volunteered for {quarter.label}."
            )
        what = rotation_inputs.withdraw_volunteer(
            session, volunteer_id=offer, actor=actor, now=now()
        )
    print(f"Withdrawn: {what}.")
    return 0


def cmd_rotation_unavailable(args: argparse.Namespace) -> int:
    """Record that a city cannot host from one day to another, with the reason."""
    from ..workflows.meetings import meeting_plans, rotation_inputs

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        city = meeting_plans.city_named(session, args.city)
        _field_sentences(
            rotation_inputs.record_unavailability,
            session,
            city=city,
            starts_on=args.start,
            ends_on=args.end,
            reason=args.reason,
            actor=actor,
            now=now(),
        )
        name = _city_name(session, city)
    print(
        f"Recorded: {name} cannot host from {args.start:%d %b %Y} to {args.end:%d %b %Y}; "
        "it keeps its turn."
    )
    return 0


def cmd_rotation_available(args: argparse.Namespace) -> int:
    """Remove a period in which a city could not host (by city and first day)."""
    from sqlalchemy import select

    from ..domain.meetings import HostUnavailability
    from ..workflows.meetings import meeting_plans, rotation_inputs

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        city = meeting_plans.city_named(session, args.city)
        query = select(HostUnavailability.id).where(
            HostUnavailability.city_id == city, HostUnavailability.starts_on == args.start
        )
        if args.end is not None:
            query = query.where(HostUnavailability.ends_on == args.end)
        found = session.scalars(query).all()
        if not found:
            raise WorkflowError(
                f"{_city_name(session, city)} has no unavailable period starting on "
                f"{args.start:%d %b %Y}; "
                "see usrg rotation inputs."
            )
        if len(found) > 1:
            raise WorkflowError(
                f"{_city_name(session, city)} has {len(found)} periods starting on "
                f"{args.start:%d %b %Y}; "
                "say which with --to DATE."
            )
        what = rotation_inputs.remove_unavailability(
            session, unavailability_id=found[0], actor=actor, now=now()
        )
    print(f"Removed: {what}.")
    return 0


INPUT_PARTS = ("volunteers", "unavailability", "blackouts")


def cmd_rotation_inputs(args: argparse.Namespace) -> int:
    """Print the rotation's inputs: volunteers, unavailable periods and blackout periods."""
    from ..workflows.meetings import rotation_inputs
    from .common import json_value

    db = open_db(args)
    with db.unit_of_work() as session:
        blackouts = rotation_inputs.blackout_listing(session)
    listings = {
        "volunteers": rotation_inputs.volunteer_listing(db),
        "unavailability": rotation_inputs.unavailability_listing(db),
        "blackouts": blackouts,
    }
    parts = [args.only] if args.only else list(INPUT_PARTS)
    if args.format == "csv" and len(parts) > 1:
        raise WorkflowError(
            "A CSV file holds one table: add --only volunteers, unavailability or blackouts."
        )
    if args.format == "json":
        objects = {
            part: [
                {c.key: json_value(v, c.kind) for c, v in zip(listing.columns, row, strict=True)}
                for row in listing.rows
            ]
            for part, listing in listings.items()
            if part in parts
        }
        print(
            json.dumps(
                objects if len(parts) > 1 else objects[parts[0]], indent=2, ensure_ascii=False
            )
        )
        return 0
    for n, part in enumerate(parts):
        listing = listings[part]
        if args.format == "table":
            if n:
                print()
            print(f"{listing.title} ({len(listing.rows)})")
        print_listing(listing, args.format)
    return 0


def _blackout(text: str):  # noqa: ANN202
    """An argparse type for 'LABEL=MM-DD..MM-DD' (the days are checked by the workflow)."""
    from ..workflows.meetings.rotation import Blackout

    label, _, span = text.rpartition("=")
    first, _, last = span.partition("..")
    try:
        start = tuple(int(x) for x in first.strip().split("-"))
        end = tuple(int(x) for x in last.strip().split("-"))
        if len(start) != 2 or len(end) != 2:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a blackout period like 'Year-end holidays=12-15..01-15'"
        ) from None
    return Blackout(label.strip(), start, end)  # type: ignore[arg-type]


def cmd_rotation_blackouts(args: argparse.Namespace) -> int:
    """Print the blackout periods, or replace them with --set (needs --user)."""
    from ..workflows.meetings import rotation_inputs

    db = open_db(args)
    if args.set:
        actor = acting_user(args, db)
        with db.unit_of_work() as session:
            changed = _field_sentences(
                rotation_inputs.set_blackout_periods,
                session,
                periods=args.set,
                actor=actor,
                now=now(),
            )
        print("Blackout periods saved." if changed else "The blackout periods are unchanged.")
    with db.unit_of_work() as session:
        periods = rotation_inputs.blackout_periods(session)
    for line in rotation_inputs.describe_blackouts(periods):
        print(line)
    return 0


def cmd_meetings_list(args: argparse.Namespace) -> int:
    """Print every meeting: number, quarter, host, dates and status."""
    from ..workflows.meetings.listings import meeting_schedule_listing

    print_listing(meeting_schedule_listing(open_db(args)), args.format)
    return 0


def cmd_meetings_ics(args: argparse.Namespace) -> int:
    """Write a meeting's calendar file (.ics): its two days and the exposure visit."""
    from ..workflows.meetings.calendar import meeting_ics
    from ..workflows.meetings.meeting_plans import meeting_id_for_number

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
    from ..workflows.meetings.meeting_pack import build_meeting_pack
    from ..workflows.meetings.meeting_plans import meeting_id_for_number

    db = open_db(args)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
    out = Path(args.out)
    work = build_meeting_pack(db, meeting_id=meeting_id, out=out, today=given_today(args))
    built = drain(work, None if args.quiet else lambda step: print(f"  {step[2]}…"))
    sections = ", ".join(f"{s.title} p. {s.page}" for s in built.sections)
    print(f"Wrote {out}: meeting {args.meeting}, {built.pages} pages ({sections}).")
    return 0


def cmd_meetings_agenda(args: argparse.Namespace) -> int:
    """Write a meeting's agenda handout as a PDF."""
    from ..workflows.meetings.meeting_pack import write_agenda
    from ..workflows.meetings.meeting_plans import meeting_id_for_number

    db = open_db(args)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
    out = write_agenda(db, meeting_id=meeting_id, out=Path(args.out), today=given_today(args))
    print(f"Wrote {out} (the agenda of meeting {args.meeting}).")
    return 0


def cmd_meetings_status(args: argparse.Namespace) -> int:
    """Confirm a meeting, mark it held, or cancel it with a reason."""
    from ..workflows.meetings import meeting_plans

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

    offer = rotsub.add_parser(
        "volunteer", parents=[common], help="a city offers to host a quarter (needs --user)"
    )
    offer.add_argument("--city", required=True, help="the city: name (eThekwini) or code (ETH)")
    offer.add_argument("--quarter", required=True, help="the quarter, e.g. 2027Q3")
    offer.add_argument("--note", help="a note, e.g. who made the offer")
    offer.set_defaults(handler=cmd_rotation_volunteer)
    withdraw = rotsub.add_parser(
        "withdraw", parents=[common], help="withdraw a city's offer to host (needs --user)"
    )
    withdraw.add_argument("--city", required=True, help="the city: name or code")
    withdraw.add_argument("--quarter", required=True, help="the quarter, e.g. 2027Q3")
    withdraw.set_defaults(handler=cmd_rotation_withdraw)
    away = rotsub.add_parser(
        "unavailable",
        parents=[common],
        help="a city cannot host from one day to another; it keeps its turn (needs --user)",
    )
    away.add_argument("--city", required=True, help="the city: name or code")
    away.add_argument("--from", dest="start", type=iso_date, required=True, help="first day")
    away.add_argument("--to", dest="end", type=iso_date, required=True, help="last day")
    away.add_argument("--reason", required=True, help="why the city cannot host")
    away.set_defaults(handler=cmd_rotation_unavailable)
    back = rotsub.add_parser(
        "available",
        parents=[common],
        help="remove a period in which a city could not host (needs --user)",
    )
    back.add_argument("--city", required=True, help="the city: name or code")
    back.add_argument("--from", dest="start", type=iso_date, required=True, help="its first day")
    back.add_argument("--to", dest="end", type=iso_date, help="its last day (if several)")
    back.set_defaults(handler=cmd_rotation_available)
    inputs = rotsub.add_parser(
        "inputs",
        parents=[common],
        help="the rotation's inputs: volunteers, unavailable periods, blackout periods",
    )
    add_format(inputs)
    inputs.add_argument("--only", choices=INPUT_PARTS, help="just one of the three lists")
    inputs.set_defaults(handler=cmd_rotation_inputs)
    blackouts = rotsub.add_parser(
        "blackouts",
        parents=[common],
        help="show the yearly blackout periods, or replace them with --set (needs --user)",
    )
    blackouts.add_argument(
        "--set",
        action="append",
        type=_blackout,
        metavar="LABEL=MM-DD..MM-DD",
        help="a period, e.g. 'Year-end holidays=12-15..01-15' (repeat for each period)",
    )
    blackouts.set_defaults(handler=cmd_rotation_blackouts)

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
    annexes.register(meetsub, common)
