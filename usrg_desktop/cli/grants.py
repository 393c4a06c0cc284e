"""`usrg rounds …` and `usrg applications …`: the grant fund's lists, moves and sheet import."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..money import parse_zar
from ..workflows import Listing, WorkflowError
from .common import acting_user, add_format, form_refused, now, open_db, print_listing
from .common import iso_date as iso_date_arg

# Transitions that take the reason the user gives (under the keyword each one expects).
_REASON_KEYWORD = {
    "mark_ineligible": "reason",
    "decline": "reason",
    "withdraw": "reason",
    "reopen_screening": "reason",
    "reverse_decision": "reason",
    "approve": "reasons",
}


def _state_value(text: str) -> str:
    from ..domain.grants import ApplicationState

    wanted = text.strip().lower().replace(" ", "_")
    try:
        return ApplicationState(wanted).value
    except ValueError:
        names = ", ".join(s.value for s in ApplicationState)
        raise WorkflowError(
            f"'{text}' is not an application state; the states are {names}."
        ) from None


def _filtered(listing: Listing, **wanted: str) -> Listing:
    keys = listing.keys()
    tests = [(keys.index(key), value) for key, value in wanted.items()]
    rows, ids = [], []
    for n, row in enumerate(listing.rows):
        if all(row[i] == value for i, value in tests):
            rows.append(row)
            if listing.ids is not None:
                ids.append(listing.ids[n])
    return Listing(listing.title, listing.columns, rows, ids if listing.ids is not None else None)


# -- rounds -------------------------------------------------------------------------------------
def cmd_rounds_list(args: argparse.Namespace) -> int:
    """Print every round with its dates, budget and applications."""
    from ..workflows.grants.listings import round_listing

    print_listing(round_listing(open_db(args)), args.format)
    return 0


# The command-line option of each field of the round form, for messages that name it.
_ROUND_OPTIONS = {
    "name": "--name",
    "opens_on": "--opens",
    "closes_on": "--closes",
    "budget": "--budget",
    "cap": "--cap",
    "reviews_needed": "--reviews",
    "review_deadline": "--review-deadline",
    "rubric": "--rubric",
    "admitted_bodies": "--admit",
    "screening_checks": "--check",
    "themes": "--theme",
}


def cmd_rounds_create(args: argparse.Namespace) -> int:
    """Set up a new round in draft, with every field checked as the form checks it."""
    from ..workflows import FieldErrors
    from ..workflows.grants import rounds
    from ..workflows.grants.round_themes import suggested_themes

    amounts: dict[str, int | None] = {}
    for key, text in (("budget", args.budget), ("cap", args.cap)):
        try:
            amounts[key] = parse_zar(text)
        except ValueError:
            raise WorkflowError(
                f"{_ROUND_OPTIONS[key]} '{text}' is not an amount in rand."
            ) from None
    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            bodies = {}
            for bid, label in rounds.body_choices(session):
                short, _dash, official = label.partition(" — ")
                bodies[short.casefold()] = bodies[official.casefold()] = bid
            admitted = []
            for name in args.admit or []:
                if name.strip().casefold() not in bodies:
                    raise WorkflowError(f"--admit '{name}' is not a partner body in the directory.")
                admitted.append(bodies[name.strip().casefold()])
            rubric_id = None
            if args.rubric:
                choices = {n.casefold(): rid for rid, n in rounds.rubric_choices(session)}
                rubric_id = choices.get(args.rubric.strip().casefold())
                if rubric_id is None:
                    raise WorkflowError(f"--rubric '{args.rubric}' is not a rubric.")
            checks = args.check or rounds.suggested_screening_checks(session)
            themes = args.theme if args.theme is not None else suggested_themes(session)
            form = rounds.RoundForm(
                name=args.name,
                opens_on=args.opens,
                closes_on=args.closes,
                budget_cents=amounts["budget"],
                cap_cents=amounts["cap"],
                reviews_needed=args.reviews,
                review_deadline=args.review_deadline,
                rubric_id=rubric_id,
                admitted_body_ids=admitted,
                screening_checks=checks,
                themes=tuple(themes),
            )
            round_id = rounds.create_round(session, form=form, actor=actor, now=now())
            prefix = rounds.round_details(session, round_id).reference_prefix
    except FieldErrors as refused:
        raise form_refused(refused, _ROUND_OPTIONS) from None
    print(
        f"Set up the round '{form.name.strip()}' (id {round_id}) in draft; references {prefix}nnn."
    )
    return 0


def cmd_rounds_move(args: argparse.Namespace) -> int:
    """Move a round to its next status (open, closed, reviewing, decided, archived)."""
    from ..workflows.grants import rounds

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        round_id = rounds.find_round(session, args.round)
        status = rounds.move_round(
            session, round_id=round_id, target=args.to, actor=actor, now=now()
        )
        name = rounds.round_details(session, round_id).form.name
    print(f"The round '{name}' is now {status}.")
    return 0


# -- applications -------------------------------------------------------------------------------
def cmd_applications_list(args: argparse.Namespace) -> int:
    """Print the applications, of one round and/or in one state if asked."""
    from ..workflows.grants import rounds
    from ..workflows.grants.listings import application_listing

    db = open_db(args)
    wanted: dict[str, str] = {}
    if args.round is not None:
        with db.unit_of_work() as session:
            wanted["round"] = rounds.round_details(
                session, rounds.find_round(session, args.round)
            ).form.name
    if args.state is not None:
        wanted["state"] = _state_value(args.state).replace("_", " ")
    print_listing(_filtered(application_listing(db), **wanted), args.format)
    return 0


def _find_application(session: Any, reference: str) -> Any:
    from ..domain.grants import Application
    from ..workflows.system.lookups import find_application_id

    return session.get(Application, find_application_id(session, reference))


def cmd_applications_show(args: argparse.Namespace) -> int:
    """Print what the application screen shows: details, budget, decision and the history
    (with its award's events), newest first; the same object the screen reads."""
    from ..workflows.grants.detail_screens import application_screen_for

    with open_db(args).reading() as session:
        shown = application_screen_for(session, args.reference)
    if args.format == "json":
        print(json.dumps(shown.as_record(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(shown.as_text())
    return 0


def cmd_applications_move(args: argparse.Namespace) -> int:
    """Move an application to another state through the state machine's transition."""
    from ..domain.grants import ApplicationState
    from ..workflows.grants.applications import ACTIONS, transition_to

    target = ApplicationState(_state_value(args.to))
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        app = _find_application(session, args.reference)
        transition = transition_to(ApplicationState(app.state), target, app=app)
        kwargs: dict[str, Any] = {"application_id": app.id, "actor": actor, "now": now()}
        keyword = _REASON_KEYWORD.get(transition.action)
        if keyword:
            kwargs[keyword] = args.reason or ""
        elif args.reason:
            raise WorkflowError(f"Moving to {target.value.replace('_', ' ')} takes no reason.")
        if transition.action == "approve":
            if args.amount is None:
                raise WorkflowError("Give the approved amount with --amount (in rand).")
            try:
                kwargs["amount_cents"] = parse_zar(args.amount)
            except ValueError as exc:
                raise WorkflowError(f"The amount {exc}.") from None
            kwargs["conditions"] = args.conditions or ""
        elif args.amount is not None or args.conditions:
            raise WorkflowError("Only approval takes --amount and --conditions.")
        if transition.action == "decline":
            kwargs["feedback"] = args.feedback or ""
        ACTIONS[transition.action](session, **kwargs)
        name = app.reference or f"Draft #{app.id}"
    print(f"{name} is now {target.value.replace('_', ' ')}.")
    return 0


def cmd_applications_import(args: argparse.Namespace) -> int:
    """Check (--dry-run) or import a CSV/XLSX sheet of applications from an online form."""
    from ..workflows.grants.application_import import ImportRefused, import_applications

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            report = import_applications(
                session, args.file, actor=actor, now=now(), dry_run=args.dry_run
            )
    except ImportRefused as refused:
        for problem in refused.report.problems:
            print(str(problem), file=sys.stderr)
        raise
    for problem in report.problems:
        print(str(problem))
    print(report.summary())
    for reference in report.references:
        print(f"  {reference}")
    return 0 if report.ok else 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `rounds` and `applications` subcommands."""
    rounds_parser = sub.add_parser("rounds", parents=[common], help="funding rounds")
    rounds_sub = rounds_parser.add_subparsers(
        dest="rounds_command", required=True, metavar="ACTION"
    )
    listing = rounds_sub.add_parser("list", parents=[common], help="list the rounds")
    add_format(listing)
    listing.set_defaults(handler=cmd_rounds_list)
    create = rounds_sub.add_parser(
        "create", parents=[common], help="set up a new round in draft (needs --user)"
    )
    create.add_argument("--name", required=True, help="e.g. 'Innovation Fund 2027 Round 1'")
    create.add_argument("--opens", required=True, type=iso_date_arg, help="first day, 2027-02-01")
    create.add_argument("--closes", required=True, type=iso_date_arg, help="last day")
    create.add_argument("--budget", required=True, help="total budget in rand")
    create.add_argument("--cap", required=True, help="the most one grant may be, in rand")
    create.add_argument("--reviews", type=int, default=3, help="reviews each application needs")
    create.add_argument("--review-deadline", type=iso_date_arg, help="when reviews are due")
    create.add_argument("--rubric", help="the rubric's name (default: the shipped rubric)")
    create.add_argument(
        "--admit", action="append", help="a partner body the round admits (repeat for more)"
    )
    create.add_argument(
        "--check",
        action="append",
        help="a screening check (repeat; default: the latest round's checklist)",
    )
    create.add_argument(
        "--theme",
        action="append",
        help="a theme of the call (repeat; default: the latest round's themes)",
    )
    create.set_defaults(handler=cmd_rounds_create)
    move = rounds_sub.add_parser(
        "move", parents=[common], help="move a round to its next status (needs --user)"
    )
    move.add_argument("round", help="the round's id or name")
    move.add_argument("--to", required=True, help="open, closed, reviewing, decided or archived")
    move.set_defaults(handler=cmd_rounds_move)

    apps = sub.add_parser("applications", parents=[common], help="grant applications")
    apps_sub = apps.add_subparsers(dest="applications_command", required=True, metavar="ACTION")
    listing = apps_sub.add_parser("list", parents=[common], help="list the applications")
    listing.add_argument("--round", help="only this round (its id or name)")
    listing.add_argument("--state", help="only applications in this state, e.g. in_review")
    add_format(listing)
    listing.set_defaults(handler=cmd_applications_list)

    show = apps_sub.add_parser("show", parents=[common], help="one application and its history")
    show.add_argument("reference", help="the reference, like USRG-IF-2026-1-001 (or #id)")
    add_format(show, ("text", "json"))
    show.set_defaults(handler=cmd_applications_show)

    move = apps_sub.add_parser(
        "move", parents=[common], help="move an application to another state (needs --user)"
    )
    move.add_argument("reference", help="the reference, like USRG-IF-2026-1-001 (or #id)")
    move.add_argument("--to", required=True, help="the state to move to, e.g. screening")
    move.add_argument("--reason", help="why (needed to withdraw, decline, mark ineligible, …)")
    move.add_argument("--amount", help="approve: the amount in rand, e.g. 'R 250 000,00'")
    move.add_argument("--conditions", help="approve: the conditions of the grant")
    move.add_argument("--feedback", help="decline: the panel's feedback for the letter")
    move.set_defaults(handler=cmd_applications_move)

    imp = apps_sub.add_parser(
        "import", parents=[common], help="import applications from a CSV/XLSX sheet (needs --user)"
    )
    imp.add_argument("file", help="the .csv or .xlsx file")
    imp.add_argument(
        "--dry-run", action="store_true", help="check every row and report; import nothing"
    )
    imp.set_defaults(handler=cmd_applications_import)
