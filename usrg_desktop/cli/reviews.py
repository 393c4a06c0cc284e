"""`usrg review`: export review packets, import scores files, and the reviewer's scoring sheet.

`export` and `import` work on the secretariat database as the signed-in user; `sheet` and
`fill` need only the packet file, as a reviewer has it (no database, no account).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import clock
from .common import acting_user, now, open_db


def cmd_export(args: argparse.Namespace) -> int:
    """Write one review packet per reviewer of a round (or only one reviewer's)."""
    from ..workflows.grants.rounds import find_round
    from ..workflows.reviews.review_packets import export_packets_now

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        round_id = find_round(session, args.round)
    written = export_packets_now(
        db,
        round_id=round_id,
        reviewer_email=args.reviewer,
        out_dir=Path(args.out),
        actor=actor,
        now=now(),
    )
    for packet in written:
        apps = f"{packet.applications} application{'s' if packet.applications != 1 else ''}"
        print(f"{packet.path}: {packet.reviewer_name} <{packet.reviewer_email}>, {apps}")
    print(f"{len(written)} packet{'s' if len(written) != 1 else ''} written to {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import scores files: one report line per file; exit 1 if any was rejected."""
    from ..workflows.reviews.scores_file import import_many_now

    db = open_db(args)
    actor = acting_user(args, db)
    report = import_many_now(db, [Path(p) for p in args.files], actor=actor, now=now())
    for result in report.results:
        print(result.line)
    print(f"Scores files: {report.summary()}.")
    return 1 if report.any_rejected else 0


def cmd_sheet(args: argparse.Namespace) -> int:
    """Save the XLSX scoring sheet of a packet."""
    from ..workflows.reviews.review_packets import read_packet
    from ..workflows.reviews.reviewer_session import sheet_from_packet

    packet = read_packet(args.packet)
    path = sheet_from_packet(packet, args.out)
    print(
        f"Scoring sheet for {len(packet.applications)} applications of {packet.reviewer_name} "
        f"written to {path}"
    )
    return 0


def cmd_fill(args: argparse.Namespace) -> int:
    """Read a filled scoring sheet and write the signed scores file of a packet."""
    from ..workflows.reviews.review_packets import read_packet
    from ..workflows.reviews.reviewer_session import ReviewerSession, load_sheet

    packet = read_packet(args.packet)
    work = load_sheet(packet, args.sheet)
    session = ReviewerSession(packet, autosave_path=None, work=work)
    path, done, total = session.write_scores_file(args.out, now=_now_with_microseconds())
    print(f"Scores file written to {path}: {done} of {total} applications finished.")
    for app in packet.applications:
        missing = session.problems(app.id)
        if missing:
            print(f"  {app.reference} is not in the file: {' '.join(missing)}")
    return 0


def _now_with_microseconds():  # -> datetime
    """Now in naive UTC with microseconds: two files written the same second stay in order."""

    return clock.utc_now()


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the `review` subcommands: export, import, sheet, fill."""
    review = sub.add_parser(
        "review", parents=[common], help="review packets, scores files and scoring sheets"
    )
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")

    export = actions.add_parser(
        "export", parents=[common], help="write one review packet per reviewer (needs --user)"
    )
    export.add_argument("--round", required=True, help="the round's id or name")
    export.add_argument("--reviewer", metavar="EMAIL", help="only this reviewer's packet")
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the packets")
    export.set_defaults(handler=cmd_export)

    imp = actions.add_parser(
        "import", parents=[common], help="import scores files from reviewers (needs --user)"
    )
    imp.add_argument("files", nargs="+", metavar="FILE", help="scores files (.usrgscores)")
    imp.set_defaults(handler=cmd_import)

    sheet = actions.add_parser("sheet", help="save the XLSX scoring sheet of a packet")
    sheet.add_argument("packet", metavar="PACKET", help="the review packet (.usrgpacket)")
    sheet.add_argument("--out", required=True, metavar="FILE.xlsx")
    sheet.set_defaults(handler=cmd_sheet)

    fill = actions.add_parser(
        "fill", help="turn a filled scoring sheet into the signed scores file"
    )
    fill.add_argument("packet", metavar="PACKET", help="the review packet (.usrgpacket)")
    fill.add_argument("--sheet", required=True, metavar="FILE.xlsx")
    fill.add_argument("--out", required=True, metavar="SCORES_FILE")
    fill.set_defaults(handler=cmd_fill)
