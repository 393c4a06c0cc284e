"""`usrg letters …`: issue a round's letters in one batch, re-print a registered letter, and
list the letter register and template versions."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..steps import drain
from ..workflows import WorkflowError
from ..workflows.letters.letter_rules import ConfirmationNeeded
from . import letter_settings
from .common import (
    acting_user,
    add_format,
    change_then_read,
    now,
    open_db,
    picture_bytes,
    print_listing,
)

KINDS = ("award", "decline", "acknowledgement", "ineligible")


def cmd_letters_issue(args: argparse.Namespace) -> int:
    """Issue a letter of one kind to every application of a round that needs one."""
    from ..workflows.grants import rounds
    from ..workflows.letters import issuing as letters
    from ..workflows.letters import letter_batch

    if not (args.round and args.kind and args.out):
        raise WorkflowError(
            "Say which letters to issue: usrg letters --round ROUND --kind "
            "award|decline|acknowledgement|ineligible --out FOLDER [--merged FILE.pdf]."
        )
    if args.every_submitted and args.kind != "acknowledgement":
        raise WorkflowError("--every-submitted is for acknowledgements only.")
    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        round_id = rounds.find_round(session, args.round)
    work = letter_batch.issue_letters_for_round(
        db,
        round_id=round_id,
        kind=args.kind,
        actor=actor,
        now=now(),
        out_dir=Path(args.out),
        merged=Path(args.merged) if args.merged else None,
        every_submitted=args.every_submitted,
        confirmed=args.yes,
        duplex=not args.no_duplex,
    )
    try:
        result = drain(work, lambda step: print(f"[{step[0]}/{step[1]}] {step[2]}", flush=True))
    except ConfirmationNeeded as question:
        raise WorkflowError(f"{question} Add --yes to issue them.") from None
    noun = (
        letters.KIND_PLURALS[args.kind]
        if len(result.files) != 1
        else letters.KIND_LABELS[args.kind]
    )
    print(f"Issued {len(result.files)} {noun} into {Path(args.out)}.")
    if result.merged is not None:
        print(f"All of them in one file to print: {result.merged}")
    return 0


def cmd_letters_reprint(args: argparse.Namespace) -> int:
    """Write a registered letter again, byte for byte as it was issued."""
    from ..workflows.letters import issuing as letters

    db = open_db(args)
    with db.unit_of_work() as session:
        letter_id = letters.find_letter(session, args.reference)
        pdf = letters.reprint(session, letter_id)
    target = Path(args.out)
    if target.is_dir():
        target = target / (args.reference.strip().replace("/", "-") + ".pdf")
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        raise WorkflowError(f"The file {target} cannot be written ({exc.strerror}).") from exc
    print(f"Re-printed {args.reference.strip()} to {target} (identical to the registered letter).")
    return 0


def cmd_letters_register(args: argparse.Namespace) -> int:
    """Print the register of issued letters (of one round if asked)."""
    from ..workflows.grants import rounds
    from ..workflows.letters import issuing as letters

    db = open_db(args)
    round_id = None
    if args.round:
        with db.unit_of_work() as session:
            round_id = rounds.find_round(session, args.round)
    print_listing(letters.letter_register_listing(db, round_id=round_id), args.format)
    return 0


def cmd_letters_letterhead(args: argparse.Namespace) -> int:
    """Show the letterhead, or change it (an administrator, with --user)."""
    from ..workflows.letters import issuing as letters

    db = open_db(args)
    changes: dict[str, object] = {}
    for field in ("name", "address", "footer"):
        value = getattr(args, field)
        if value is not None:
            changes[field] = value.replace("\\n", "\n")
    if args.logo:
        changes["logo_png"] = picture_bytes(args.logo, "logo")
    if args.no_logo:
        changes["remove_logo"] = True
    head = change_then_read(args, db, letters.set_letterhead, changes, letters.current_letterhead)
    print(head.name)
    print(head.address)
    print(f"Footer: {head.footer}")
    print(
        f"Logo: {len(head.logo_png):,} bytes".replace(",", " ") if head.logo_png else "Logo: none"
    )
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the letters subcommands."""
    parser = sub.add_parser(
        "letters",
        parents=[common],
        help="issue a round's letters, re-print one, list the register",
        description="Issue a letter of one kind to every application of a round that needs one "
        "(one PDF each, optionally one merged PDF to print in one go); or re-print a registered "
        "letter; or list the register. Issuing needs --user.",
    )
    parser.add_argument("--round", help="the round's name or id")
    parser.add_argument("--kind", choices=KINDS, help="which letters to issue")
    parser.add_argument("--out", help="the folder for the letters' PDFs")
    parser.add_argument("--merged", metavar="FILE.pdf", help="also write all of them in one PDF")
    parser.add_argument(
        "--no-duplex",
        action="store_true",
        help="in the merged PDF, no blank back after a letter of an odd number of pages",
    )
    parser.add_argument(
        "--every-submitted",
        action="store_true",
        help="acknowledge applications already screened or decided too (normally only those "
        "submitted and not yet screened)",
    )
    parser.add_argument(
        "--yes", action="store_true", help="issue for a round that is decided already, unasked"
    )
    parser.set_defaults(handler=cmd_letters_issue)
    actions = parser.add_subparsers(dest="letters_command", metavar="ACTION")

    reprint = actions.add_parser(
        "reprint", parents=[common], help="write a registered letter again, identical"
    )
    reprint.add_argument("reference", help="the letter's reference, like USRG-IF-2026-1-003/AWD")
    reprint.add_argument("--out", required=True, help="the PDF file (or a folder) to write")
    reprint.set_defaults(handler=cmd_letters_reprint)

    register_parser = actions.add_parser(
        "register", parents=[common], help="list the issued letters"
    )
    register_parser.add_argument("--round", help="only this round's letters (name or id)")
    add_format(register_parser)
    register_parser.set_defaults(handler=cmd_letters_register)

    head = actions.add_parser(
        "letterhead",
        parents=[common],
        help="show or change the letterhead letters are printed on (administrator)",
    )
    head.add_argument("--name", help="the organisation's name at the top")
    head.add_argument("--address", help="the address block (up to 5 lines; \\n between lines)")
    head.add_argument("--footer", help="the footer (up to 2 lines)")
    logo = head.add_mutually_exclusive_group()
    logo.add_argument("--logo", metavar="FILE", help="a PNG or JPEG logo for the top left")
    logo.add_argument("--no-logo", action="store_true", help="print without a logo")
    head.set_defaults(handler=cmd_letters_letterhead)
    letter_settings.register(actions, common)
