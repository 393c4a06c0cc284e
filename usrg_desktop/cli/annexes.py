"""`usrg meetings annex add|list|remove`: the PDFs merged into a meeting's pack.

The same workflow functions as the Annexes tab of the meeting's print panel.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..workflows import Column, Listing, WorkflowError
from ..workflows.meetings.meeting_plans import meeting_id_for_number
from .common import acting_user, add_format, now, open_db, print_listing

ANNEX_COLUMNS = [
    Column("annex", "Annex"),
    Column("title", "Title"),
    Column("file", "File"),
    Column("item", "Papers of agenda item"),
]


def cmd_annex_add(args: argparse.Namespace) -> int:
    """Attach a PDF to a meeting as its next annex."""
    from ..workflows.meetings.annex_items import item_for_number
    from ..workflows.meetings.meeting_pack import add_annex, annexes_of

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        item_id = None if args.item is None else item_for_number(session, meeting_id, args.item)
        annex_id = add_annex(
            session,
            meeting_id=meeting_id,
            path=Path(args.file),
            title=args.title or "",
            actor=actor,
            now=now(),
            agenda_item_id=item_id,
        )
        rows = annexes_of(session, meeting_id=meeting_id)
        letter, title = next((row[1], row[2]) for row in rows if row[0] == annex_id)
    print(f"Attached {Path(args.file).name} to meeting {args.meeting} as Annex {letter}: {title}.")
    return 0


def cmd_annex_list(args: argparse.Namespace) -> int:
    """Print a meeting's annexes in pack order."""
    from ..workflows.meetings.annex_items import annex_rows

    db = open_db(args)
    with db.unit_of_work() as session:
        rows = annex_rows(session, meeting_id_for_number(session, number=args.meeting))
    listing = Listing(
        f"Annexes of meeting {args.meeting}",
        ANNEX_COLUMNS,
        [row[1:] for row in rows],
        [row[0] for row in rows],
    )
    print_listing(listing, args.format)
    return 0


def cmd_annex_remove(args: argparse.Namespace) -> int:
    """Take an annex (by its letter) off a meeting; the later ones move up a letter."""
    from ..workflows.meetings.meeting_pack import annexes_of, remove_annex

    db = open_db(args)
    actor = acting_user(args, db)
    wanted = _letter(args.annex)
    with db.unit_of_work() as session:
        rows = annexes_of(session, meeting_id=meeting_id_for_number(session, number=args.meeting))
        found = _annex(rows, wanted, args.meeting)
        remove_annex(session, annex_id=found[0], actor=actor, now=now())
    print(f"Removed Annex {wanted} ({found[2]}) from meeting {args.meeting}.")
    return 0


def cmd_annex_item(args: argparse.Namespace) -> int:
    """Make an annex (by its letter) the papers of an agenda item, or a general annex again."""
    from ..workflows.meetings.annex_items import annex_rows, item_for_number, set_annex_item

    db = open_db(args)
    actor = acting_user(args, db)
    wanted = _letter(args.annex)
    with db.unit_of_work() as session:
        meeting_id = meeting_id_for_number(session, number=args.meeting)
        found = _annex(annex_rows(session, meeting_id), wanted, args.meeting)
        item_id = None if args.none else item_for_number(session, meeting_id, args.item)
        set_annex_item(session, annex_id=found[0], agenda_item_id=item_id, actor=actor, now=now())
        [row] = [r for r in annex_rows(session, meeting_id) if r[0] == found[0]]
    whose = f"the papers of item {row[4]}" if row[4] else "a general annex"
    print(f"Annex {wanted} ({row[2]}) of meeting {args.meeting} is {whose}.")
    return 0


def _letter(text: str) -> str:
    return text.strip().upper().removeprefix("ANNEX ").strip()


def _annex(rows: list, wanted: str, meeting: int) -> tuple:
    """The row of the annex with this letter, or a sentence naming the letters there are."""
    found = next((row for row in rows if row[1] == wanted), None)
    if found is None:
        have = ", ".join(row[1] for row in rows) or "none"
        raise WorkflowError(f"Meeting {meeting} has no Annex {wanted} (its annexes: {have}).")
    return found


def register(meetsub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `meetings annex add|list|remove` under `usrg meetings`."""
    annex = meetsub.add_parser("annex", parents=[common], help="the PDFs merged into a pack")
    annex_sub = annex.add_subparsers(dest="annex_command", required=True, metavar="ACTION")
    add = annex_sub.add_parser(
        "add", parents=[common], help="attach a PDF as the next annex (needs --user)"
    )
    add.add_argument("--meeting", type=int, required=True, metavar="N", help="meeting number")
    add.add_argument("file", metavar="FILE.pdf", help="the PDF to attach")
    add.add_argument("--title", help="the annex's title (default: the file's name)")
    add.add_argument(
        "--item",
        type=int,
        metavar="N",
        help="the agenda item (as numbered on the agenda) whose papers it is",
    )
    add.set_defaults(handler=cmd_annex_add)
    listing = annex_sub.add_parser("list", parents=[common], help="a meeting's annexes")
    listing.add_argument("--meeting", type=int, required=True, metavar="N", help="meeting number")
    add_format(listing)
    listing.set_defaults(handler=cmd_annex_list)
    remove = annex_sub.add_parser(
        "remove", parents=[common], help="take an annex off a meeting (needs --user)"
    )
    remove.add_argument("--meeting", type=int, required=True, metavar="N", help="meeting number")
    remove.add_argument("--annex", required=True, metavar="LETTER", help="its letter, e.g. B")
    remove.set_defaults(handler=cmd_annex_remove)
    item = annex_sub.add_parser(
        "item",
        parents=[common],
        help="make an annex the papers of an agenda item, or a general one (needs --user)",
    )
    item.add_argument("--meeting", type=int, required=True, metavar="N", help="meeting number")
    item.add_argument("--annex", required=True, metavar="LETTER", help="its letter, e.g. B")
    which = item.add_mutually_exclusive_group(required=True)
    which.add_argument("--item", type=int, metavar="N", help="the item's number on the agenda")
    which.add_argument("--none", action="store_true", help="a general annex again")
    item.set_defaults(handler=cmd_annex_item)
