"""`usrg agenda …`, `usrg attendance …` and `usrg actions …`: a meeting's agenda, invitations
and attendance, minutes' action items. Meetings are named by their number (`--meeting 53`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from ..counting import counted
from ..workflows import FieldErrors, WorkflowError
from ..workflows.meetings.meeting_plans import meeting_id_for_number
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


def _place(text: str) -> tuple[int, int]:
    """An argparse type for an agenda place 'DAY.POSITION', such as 1.3."""
    day, _, position = text.partition(".")
    if not (day.isdigit() and position.isdigit()) or int(day) not in (1, 2) or int(position) < 1:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an agenda place like 1.3 (day 1 or 2, then the item's number)"
        )
    return int(day), int(position)


# -- agenda -------------------------------------------------------------------------------------
def cmd_agenda_show(args: argparse.Namespace) -> int:
    """Print a meeting's agenda with computed times; overruns as warnings on stderr."""
    from ..workflows.meetings import agenda

    db = open_db(args)
    # A reading session: it never waits behind another workstation's write.
    with db.reading() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        result = agenda.meeting_agenda(session, meeting_id=meeting_id, today=given_today(args))
    print_listing(agenda.agenda_listing(result), args.format)
    for warning in result.warnings:
        print(f"usrg: warning: {warning}", file=sys.stderr)
    if args.matters and result.matters_arising:
        print(f"\nMatters arising ({len(result.matters_arising)} open action items):")
        for m in result.matters_arising:
            due = m.due_on.isoformat() if m.due_on else "no due date"
            late = ", overdue" if m.overdue else ""
            print(f"  {m.number}. {m.description} ({m.owner}; due {due}{late}; {m.status})")
    return 0


def cmd_agenda_template(args: argparse.Namespace) -> int:
    """Fill an empty agenda with the standard USRG agenda."""
    from ..workflows.meetings import agenda

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        ids = agenda.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=now())
    print(f"Meeting {args.meeting}: the standard agenda's {len(ids)} items added.")
    return 0


def cmd_agenda_add(args: argparse.Namespace) -> int:
    """Add an item to a day of a meeting's agenda."""
    from ..workflows.meetings import agenda

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            meeting_id = meeting_id_for_number(session, number=args.meeting)
            agenda.add_agenda_item(
                session,
                meeting_id=meeting_id,
                actor=actor,
                now=now(),
                day=args.day,
                kind=args.type,
                title=args.title,
                presenter=args.presenter,
                duration_minutes=args.minutes,
                purpose=args.purpose,
                position=args.position,
            )
    except FieldErrors as exc:
        raise form_refused(exc) from exc
    print(f"Meeting {args.meeting}: '{args.title.strip()}' added to day {args.day}.")
    return 0


def _item_at(session: object, meeting_id: int, place: tuple[int, int], today: date) -> int:
    from ..workflows.meetings import agenda

    found = agenda.meeting_agenda(session, meeting_id=meeting_id, today=today)  # type: ignore[arg-type]
    items = found.days[place[0] - 1].items
    if place[1] > len(items):
        raise WorkflowError(f"Day {place[0]} of the agenda has {len(items)} items, not {place[1]}.")
    return items[place[1] - 1].id


def cmd_agenda_move(args: argparse.Namespace) -> int:
    """Move an agenda item to another place (within its day or to the other day)."""
    from ..workflows.meetings import agenda

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        item_id = _item_at(session, meeting_id, args.source, given_today(args))
        agenda.move_agenda_item(
            session,
            item_id=item_id,
            actor=actor,
            now=now(),
            day=args.target[0],
            position=args.target[1],
        )
    print(f"Meeting {args.meeting}: item {args.source[0]}.{args.source[1]} moved.")
    return 0


def cmd_agenda_remove(args: argparse.Namespace) -> int:
    """Remove an agenda item that has no minutes or action items."""
    from ..workflows.meetings import agenda

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        item_id = _item_at(session, meeting_id, args.place, given_today(args))
        agenda.remove_agenda_item(session, item_id=item_id, actor=actor, now=now())
    print(f"Meeting {args.meeting}: item {args.place[0]}.{args.place[1]} removed.")
    return 0


# -- attendance -----------------------------------------------------------------------------------
def cmd_attendance_list(args: argparse.Namespace) -> int:
    """Print a meeting's invitees with RSVPs and attendance, and the quorum line on stderr."""
    from ..workflows.meetings import attendance

    db = open_db(args)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        quorum = attendance.meeting_quorum(session, meeting_id=meeting_id)
    print_listing(attendance.attendance_listing(db, meeting_id), args.format)
    print(f"usrg: {quorum.sentence()}", file=sys.stderr)
    return 0


def cmd_attendance_invite(args: argparse.Namespace) -> int:
    """Invite every active focal person of the member cities and bodies not invited yet."""
    from ..workflows.meetings import attendance

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        added = attendance.invite_focal_persons(
            session, meeting_id=meeting_id, actor=actor, now=now()
        )
    print(
        f"Meeting {args.meeting}: {counted(added, 'focal person')} recorded as invited; nothing "
        f"was sent (usrg mail drafts|send --invitations {args.meeting} sends the invitations)."
    )
    return 0


def cmd_attendance_quorum(args: argparse.Namespace) -> int:
    """Print whether a meeting had (or is expected to have) its quorum; exit 2 when not met."""
    from ..workflows.meetings import attendance

    db = open_db(args)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        quorum = attendance.meeting_quorum(session, meeting_id=meeting_id)
    print(quorum.sentence())
    if quorum.missing:
        print("Not represented on day 1: " + ", ".join(quorum.missing) + ".")
    return 0 if quorum.met else 2


def cmd_attendance_quorum_rule(args: argparse.Namespace) -> int:
    """Show the quorum rule, or set it ('majority' or a number of cities; administrators)."""
    from ..workflows.meetings import attendance

    db = open_db(args)
    if args.rule is None:
        with db.unit_of_work() as session:
            print(attendance.quorum_rule(session))
        return 0
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        rule = attendance.set_quorum_rule(session, rule=args.rule, actor=actor, now=now())
    print(f"Quorum rule: {rule}.")
    return 0


# -- action items ---------------------------------------------------------------------------------
def cmd_actions_list(args: argparse.Namespace) -> int:
    """Print every action item (or only the open ones) with its overdue flag."""
    from ..workflows.meetings.listings import action_item_listing

    listing = action_item_listing(open_db(args), given_today(args))
    if args.open:
        status = listing.keys().index("status")
        listing.rows = [r for r in listing.rows if r[status] in ("open", "in progress")]
        listing.ids = None
    print_listing(listing, args.format)
    return 0


def cmd_actions_add(args: argparse.Namespace) -> int:
    """Record an action agreed at a meeting; prints its number."""
    from ..workflows.meetings import minutes

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            meeting_id = meeting_id_for_number(session, number=args.meeting)
            _id, number = minutes.add_action_item(
                session,
                meeting_id=meeting_id,
                description=args.description,
                owner_text=args.owner,
                due_on=args.due,
                actor=actor,
                now=now(),
            )
    except FieldErrors as exc:
        raise form_refused(exc) from exc
    print(f"Action {number} recorded at meeting {args.meeting}.")
    return 0


def cmd_actions_status(args: argparse.Namespace) -> int:
    """Mark an action item (by its number) open, in progress, done or dropped."""
    from sqlalchemy import select

    from ..domain.meetings import ActionItem
    from ..workflows.meetings import minutes

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        action_id = session.scalar(select(ActionItem.id).where(ActionItem.number == args.number))
        if action_id is None:
            raise WorkflowError(f"There is no action number {args.number}.")
        minutes.set_action_status(
            session,
            action_id=action_id,
            status=args.status,
            reason=args.reason or "",
            actor=actor,
            now=now(),
            today=given_today(args),
        )
    print(f"Action {args.number} is now {args.status}.")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `usrg agenda`, `usrg attendance` and `usrg actions` and their subcommands."""
    from ..domain.meetings import ActionStatus, AgendaItemKind, AgendaPurpose

    def meeting(p: argparse.ArgumentParser) -> None:
        p.add_argument("--meeting", type=int, required=True, help="the meeting's number")

    def today(p: argparse.ArgumentParser) -> None:
        p.add_argument("--today", type=iso_date, help="the day overdue is counted from")

    agenda = sub.add_parser("agenda", help="a meeting's agenda")
    agenda_sub = agenda.add_subparsers(dest="agenda_command", required=True, metavar="ACTION")
    p = agenda_sub.add_parser("show", parents=[common], help="the agenda with computed times")
    meeting(p)
    today(p)
    add_format(p)
    p.add_argument("--matters", action="store_true", help="also list matters arising")
    p.set_defaults(handler=cmd_agenda_show)
    p = agenda_sub.add_parser("template", parents=[common], help="fill an empty agenda")
    meeting(p)
    p.set_defaults(handler=cmd_agenda_template)
    p = agenda_sub.add_parser("add", parents=[common], help="add an agenda item")
    meeting(p)
    p.add_argument("--day", type=int, choices=(1, 2), required=True)
    p.add_argument("--type", choices=[k.value for k in AgendaItemKind], required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--minutes", type=int, required=True, help="duration in minutes")
    p.add_argument("--presenter", default="")
    p.add_argument(
        "--purpose", choices=[v.value for v in AgendaPurpose], default=AgendaPurpose.INFORMATION
    )
    p.add_argument("--position", type=int, help="place in the day (default: at the end)")
    p.set_defaults(handler=cmd_agenda_add)
    p = agenda_sub.add_parser("move", parents=[common], help="move an item, e.g. 1.6 2.1")
    meeting(p)
    p.add_argument("source", type=_place, help="the item's place now, DAY.NUMBER")
    p.add_argument("target", type=_place, help="its new place, DAY.NUMBER")
    p.set_defaults(handler=cmd_agenda_move)
    p = agenda_sub.add_parser("remove", parents=[common], help="remove an item, e.g. 1.6")
    meeting(p)
    p.add_argument("place", type=_place, help="the item's place, DAY.NUMBER")
    p.set_defaults(handler=cmd_agenda_remove)

    attendance = sub.add_parser("attendance", help="a meeting's invitations and attendance")
    att_sub = attendance.add_subparsers(dest="attendance_command", required=True, metavar="ACTION")
    p = att_sub.add_parser("list", parents=[common], help="invitees, RSVPs and attendance")
    meeting(p)
    add_format(p)
    p.set_defaults(handler=cmd_attendance_list)
    p = att_sub.add_parser("invite", parents=[common], help="invite every focal person")
    meeting(p)
    p.set_defaults(handler=cmd_attendance_invite)
    p = att_sub.add_parser("quorum", parents=[common], help="was there a quorum (exit 2 if not)")
    meeting(p)
    p.set_defaults(handler=cmd_attendance_quorum)
    p = att_sub.add_parser(
        "quorum-rule", parents=[common], help="show or set the quorum rule (administrators)"
    )
    p.add_argument("rule", nargs="?", help="'majority' or a number of member cities")
    p.set_defaults(handler=cmd_attendance_quorum_rule)

    actions = sub.add_parser("actions", help="action items of the meetings")
    act_sub = actions.add_subparsers(dest="actions_command", required=True, metavar="ACTION")
    p = act_sub.add_parser("list", parents=[common], help="every action item")
    today(p)
    add_format(p)
    p.add_argument("--open", action="store_true", help="only open and in-progress actions")
    p.set_defaults(handler=cmd_actions_list)
    p = act_sub.add_parser("add", parents=[common], help="record an action of a meeting")
    meeting(p)
    p.add_argument("--description", required=True)
    p.add_argument("--owner", required=True, help="who does it: a person, city or body")
    p.add_argument("--due", type=iso_date, help="due date, YYYY-MM-DD")
    p.set_defaults(handler=cmd_actions_add)
    p = act_sub.add_parser("status", parents=[common], help="mark an action done, dropped, …")
    p.add_argument("number", type=int, help="the action's number")
    p.add_argument("status", choices=[s.value for s in ActionStatus])
    p.add_argument("--reason", help="why (required to drop an action)")
    today(p)
    p.set_defaults(handler=cmd_actions_status)
