"""`usrg` subcommands for a round's review panel: rubric, assignment, conflicts and ranking."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import select

from ..workflows import WorkflowError
from ..workflows.system.lookups import find_application_id, find_reviewer_id
from .common import acting_user, add_format, now, open_db, print_listing


def _round_id(session: Any, text: str) -> int:
    from ..workflows.grants.rounds import find_round

    return find_round(session, text)


def cmd_rubric_show(args: argparse.Namespace) -> int:
    """Print a round's rubric: criteria, weights, scales and level descriptors."""
    from ..workflows.reviews.rubrics import round_rubric

    db = open_db(args)
    with db.reading() as session:
        rubric = round_rubric(session, round_id=_round_id(session, args.round))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "round": rubric.round_name,
                    "rubric": rubric.rubric_name,
                    "locked": rubric.locked,
                    "criteria": [
                        {
                            "code": c.code,
                            "name": c.name,
                            "weight_percent": c.weight_percent,
                            "scale": [c.scale_min, c.scale_max],
                            "levels": {str(k): v for k, v in c.levels.items()},
                        }
                        for c in rubric.criteria
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{rubric.rubric_name} ({rubric.round_name})")
    if rubric.locked:
        print(rubric.locked)
    for c in rubric.criteria:
        print(f"\n{c.name} [{c.code}] {c.weight_percent} %, {c.scale_min}–{c.scale_max}")
        for level, text in c.levels.items():
            print(f"  {level}  {text}")
    return 0


def cmd_rubric_copy_default(args: argparse.Namespace) -> int:
    """Give a round its own copy of the shipped default rubric."""
    from ..workflows.reviews.rubrics import copy_default_rubric

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        round_id = _round_id(session, args.round)
        copy_default_rubric(session, round_id=round_id, actor=actor, now=now())
    print("The round now has its own copy of the default rubric.")
    return 0


def cmd_assign_propose(args: argparse.Namespace) -> int:
    """Print the automatic proposal for a round (and write it with --apply)."""
    from ..workflows.reviews.assignment import apply_assignment, propose_for_round

    db = open_db(args)
    actor = acting_user(args, db) if args.apply else None
    with db.unit_of_work() as session:
        proposal = propose_for_round(session, round_id=_round_id(session, args.round))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "round": proposal.round_name,
                    "reviews_needed": proposal.reviews_needed,
                    "assignments": [
                        {"application": p.reference, "reviewer": p.reviewer} for p in proposal.pairs
                    ],
                    "shortfalls": list(proposal.shortfalls),
                    "load": proposal.load,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        n = len(proposal.pairs)
        print(f"{n} new assignment{'s' if n != 1 else ''} for {proposal.round_name}:")
        for p in proposal.pairs:
            print(f"  {p.reference}  {p.applicant}  →  {p.reviewer}")
        for sentence in proposal.shortfalls:
            print(sentence)
    if args.apply and proposal.pairs:
        assert actor is not None
        with db.unit_of_work() as session:
            written = apply_assignment(
                session,
                round_id=proposal.round_id,
                pairs=[(p.application_id, p.reviewer_id) for p in proposal.pairs],
                actor=actor,
                now=now(),
            )
        print(f"{written} assignment{'s' if written != 1 else ''} written.")
    return 0


def cmd_assign_add(args: argparse.Namespace) -> int:
    """Assign a reviewer to an application by hand."""
    from ..workflows.reviews.assignment import assign

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        assign(
            session,
            application_id=find_application_id(session, args.application),
            reviewer_id=find_reviewer_id(session, args.reviewer),
            actor=actor,
            now=now(),
        )
    print(f"{args.reviewer} is assigned to {args.application.upper()}.")
    return 0


def cmd_assign_remove(args: argparse.Namespace) -> int:
    """Remove an assignment that has no scores yet."""
    from ..domain.reviews import Assignment
    from ..workflows.reviews.assignment import unassign

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        app_id = find_application_id(session, args.application)
        reviewer_id = find_reviewer_id(session, args.reviewer)
        assignment_id = session.scalar(
            select(Assignment.id).where(
                Assignment.application_id == app_id, Assignment.reviewer_id == reviewer_id
            )
        )
        if assignment_id is None:
            raise WorkflowError(f"{args.reviewer} is not assigned to {args.application.upper()}.")
        unassign(session, assignment_id=assignment_id, actor=actor, now=now())
    print(f"{args.reviewer} is no longer assigned to {args.application.upper()}.")
    return 0


def cmd_conflict(args: argparse.Namespace) -> int:
    """Record a reviewer's declared conflict of interest on an application."""
    from ..workflows.reviews.assignment import declare_conflict

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        declare_conflict(
            session,
            reviewer_id=find_reviewer_id(session, args.reviewer),
            application_id=find_application_id(session, args.application),
            kind=args.type,
            reason=args.reason,
            actor=actor,
            now=now(),
        )
    print(f"Conflict recorded: {args.reviewer} on {args.application.upper()}.")
    return 0


def cmd_ranking(args: argparse.Namespace) -> int:
    """Print a round's ranking with the funding line (or reviewer severity with --severity)."""
    from ..money import format_zar
    from ..workflows.reviews.scoring import ranking_listing, round_ranking, severity_listing

    db = open_db(args)
    with db.unit_of_work() as session:
        ranking = round_ranking(session, _round_id(session, args.round))
    if args.severity:
        print_listing(severity_listing(ranking), args.format)
        return 0
    print_listing(ranking_listing(ranking, standardised=args.standardised), args.format)
    if args.format == "table":
        print(
            f"\nBudget {format_zar(ranking.budget_cents)}; approved so far "
            f"{format_zar(ranking.recorded_cents)}; remaining "
            f"{format_zar(ranking.budget_cents - ranking.recorded_cents)}."
        )
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the rubric, assign, conflict and ranking subcommands."""
    from ..domain.reviews import ConflictKind

    rubric = sub.add_parser("rubric", parents=[common], help="a round's scoring rubric")
    rubric_sub = rubric.add_subparsers(dest="rubric_command", required=True, metavar="ACTION")
    show = rubric_sub.add_parser("show", parents=[common], help="print a round's rubric")
    show.add_argument("--round", required=True, help="round name or id")
    add_format(show, ("table", "json"))
    show.set_defaults(handler=cmd_rubric_show)
    copy = rubric_sub.add_parser(
        "copy-default", parents=[common], help="give a round its own copy of the default rubric"
    )
    copy.add_argument("--round", required=True, help="round name or id")
    copy.set_defaults(handler=cmd_rubric_copy_default)

    assign = sub.add_parser("assign", parents=[common], help="reviewer assignments")
    assign_sub = assign.add_subparsers(dest="assign_command", required=True, metavar="ACTION")
    propose = assign_sub.add_parser(
        "propose", parents=[common], help="propose (and with --apply write) automatic assignment"
    )
    propose.add_argument("--round", required=True, help="round name or id")
    propose.add_argument("--apply", action="store_true", help="write the proposal")
    add_format(propose, ("table", "json"))
    propose.set_defaults(handler=cmd_assign_propose)
    for name, handler, text in (
        ("add", cmd_assign_add, "assign a reviewer by hand"),
        ("remove", cmd_assign_remove, "remove an assignment without scores"),
    ):
        p = assign_sub.add_parser(name, parents=[common], help=text)
        p.add_argument("--application", required=True, help="reference, like USRG-IF-2026-1-001")
        p.add_argument("--reviewer", required=True, help="the reviewer's email address")
        p.set_defaults(handler=handler)

    conflict = sub.add_parser(
        "conflict", parents=[common], help="record a reviewer's conflict of interest"
    )
    conflict.add_argument("--application", required=True, help="reference")
    conflict.add_argument("--reviewer", required=True, help="the reviewer's email address")
    conflict.add_argument("--type", required=True, choices=[k.value for k in ConflictKind])
    conflict.add_argument("--reason", required=True)
    conflict.set_defaults(handler=cmd_conflict)

    ranking = sub.add_parser(
        "ranking", parents=[common], help="a round's ranking with the funding line"
    )
    ranking.add_argument("--round", required=True, help="round name or id")
    ranking.add_argument(
        "--standardised", action="store_true", help="rank by per-reviewer standardised scores"
    )
    ranking.add_argument("--severity", action="store_true", help="show reviewer severity instead")
    add_format(ranking)
    ranking.set_defaults(handler=cmd_ranking)
