"""`usrg letters signatory` and `usrg letters dates`: who signs the letters, and the offsets of
the report dates an award promises (administrator to change; anyone to show)."""

from __future__ import annotations

import argparse

from .common import change_then_read, open_db, picture_bytes


def cmd_signatory(args: argparse.Namespace) -> int:
    """Show the signatory, or change it (an administrator, with --user)."""
    from ..workflows.letters import letter_signatory

    db = open_db(args)
    changes: dict[str, object] = {
        key: getattr(args, key)
        for key in ("name", "designation", "on_behalf_of")
        if getattr(args, key) is not None
    }
    if args.signature:
        changes["signature_png"] = picture_bytes(args.signature, "signature")
    if args.no_signature:
        changes["remove_signature"] = True
    signatory = change_then_read(
        args, db, letter_signatory.set_signatory, changes, letter_signatory.current_signatory
    )
    if signatory is None:
        print("No signatory is set: letters end with the template's lines and room to sign.")
        return 0
    print(signatory.name)
    print(f"Designation: {signatory.designation or '-'}")
    print(f"On behalf of: {signatory.on_behalf_of or '-'}")
    size = len(signatory.signature_png) if signatory.signature_png else 0
    print(f"Signature image: {size:,} bytes".replace(",", " ") if size else "Signature image: none")
    return 0


def cmd_dates(args: argparse.Namespace) -> int:
    """Show the report offsets, or change them (an administrator, with --user)."""
    from ..workflows.awards import project_dates

    db = open_db(args)
    changes = None
    if args.interim_offset is not None or args.final_offset is not None:
        changes = {
            "interim_offset_days": args.interim_offset,
            "final_offset_days": args.final_offset,
        }
    rules = change_then_read(
        args, db, project_dates.set_date_rules, changes, project_dates.date_rules
    )
    print(
        f"Interim report: the middle of the project + {rules.interim_offset_days} days; "
        f"final report: the project's end + {rules.final_offset_days} days "
        "(each moved to the next working day)."
    )
    return 0


def cmd_addressee(args: argparse.Namespace) -> int:
    """Show how letters address a person, or change it (staff, with --user)."""
    from ..workflows.directory.directory_people import person_id_by_email
    from ..workflows.letters import letter_addressing

    db = open_db(args)
    with db.unit_of_work() as session:
        person_id = person_id_by_email(session, args.email)
    changes = None
    if args.honorific is not None or args.postal_address is not None:
        postal = args.postal_address
        if postal is not None:
            postal = postal.replace("\\n", "\n")
        changes = {"person_id": person_id, "honorific": args.honorific, "postal_address": postal}
    honorific, postal = change_then_read(
        args,
        db,
        letter_addressing.set_letter_details,
        changes,
        lambda session: letter_addressing.letter_details(session, person_id),
    )
    print(f"Honorific: {honorific or '-'}")
    print("Postal address:" + ("" if postal else " - (letters show the e-mail address)"))
    for line in postal.splitlines():
        print(f"  {line}")
    return 0


def register(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `letters signatory`, `letters dates` and `letters addressee`."""
    sign = actions.add_parser(
        "signatory",
        parents=[common],
        help="show or change who signs the letters (administrator)",
    )
    sign.add_argument("--name", help="the signatory's name (empty: no signatory)")
    sign.add_argument("--designation", help="the signatory's post, like 'USRG Coordinator'")
    sign.add_argument(
        "--on-behalf-of",
        dest="on_behalf_of",
        help="for whom, like 'the South African Cities Network'",
    )
    image = sign.add_mutually_exclusive_group()
    image.add_argument("--signature", metavar="FILE", help="a PNG or JPEG of the signature")
    image.add_argument("--no-signature", action="store_true", help="print without the image")
    sign.set_defaults(handler=cmd_signatory)

    dates = actions.add_parser(
        "dates",
        parents=[common],
        help="show or change when an award's reports are due (administrator)",
    )
    dates.add_argument(
        "--interim-offset", type=int, metavar="DAYS", help="days after the project's middle"
    )
    dates.add_argument(
        "--final-offset", type=int, metavar="DAYS", help="days after the project's end"
    )
    dates.set_defaults(handler=cmd_dates)

    addressee = actions.add_parser(
        "addressee",
        parents=[common],
        help="show or change a person's honorific and postal address for letters",
    )
    addressee.add_argument("email", help="the person's e-mail address in the directory")
    addressee.add_argument("--honorific", help="Ms, Mr, Dr, Prof, Cllr, … (empty: none)")
    addressee.add_argument(
        "--postal-address",
        dest="postal_address",
        help="the postal address, \\n between lines (empty: none; letters show the e-mail)",
    )
    addressee.set_defaults(handler=cmd_addressee)
