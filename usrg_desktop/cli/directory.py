"""`usrg users …` and `usrg people …`: user accounts and the contact directory's people."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from ..workflows import FieldErrors, WorkflowError
from .common import acting_user, add_format, form_refused, iso_date, now, open_db, print_listing

NEW_PASSWORD_ENV = "USRG_NEW_PASSWORD"


def _new_password(username: str) -> str:
    """The new password from USRG_NEW_PASSWORD, or typed twice at a prompt."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise WorkflowError(
            f"Give the new password of '{username}' in {NEW_PASSWORD_ENV} or type it at the prompt."
        )
    first = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("The same again: ") != first:
        raise WorkflowError("The two passwords are not the same.")
    return first


# -- users ----------------------------------------------------------------------------------------
def cmd_users_list(args: argparse.Namespace) -> int:
    """Print the user accounts."""
    from ..workflows.system.administration import user_listing

    print_listing(user_listing(open_db(args)), args.format)
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    """Add an account (administrators only)."""
    from ..workflows.directory.directory_people import person_id_by_email
    from ..workflows.system.accounts import add_user

    db = open_db(args)
    actor = acting_user(args, db)
    password = _new_password(args.username)
    with db.unit_of_work() as session:
        person_id = person_id_by_email(session, args.person) if args.person else None
        add_user(
            session,
            username=args.username,
            display_name=args.name,
            password=password,
            role=args.role,
            person_id=person_id,
            actor=actor,
            now=now(),
        )
    print(f"Added the account '{args.username.strip()}' ({args.role}).")
    return 0


def _user_action(args: argparse.Namespace, action: Any, done: str, **extra: Any) -> int:
    from ..workflows.system.accounts import user_id_named

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        user_id = user_id_named(session, args.username)
        action(session, user_id=user_id, actor=actor, now=now(), **extra)
    print(done)
    return 0


def cmd_users_role(args: argparse.Namespace) -> int:
    """Give an account another role."""
    from ..workflows.system.accounts import change_role

    done = f"'{args.username}' now has the role {args.role}."
    return _user_action(args, change_role, done, role=args.role)


def cmd_users_off(args: argparse.Namespace) -> int:
    """Switch an account off."""
    from ..workflows.system.accounts import switch_off_user

    return _user_action(args, switch_off_user, f"Switched off the account '{args.username}'.")


def cmd_users_on(args: argparse.Namespace) -> int:
    """Switch an account on again."""
    from ..workflows.system.accounts import switch_on_user

    return _user_action(args, switch_on_user, f"Switched on the account '{args.username}'.")


def cmd_users_unlock(args: argparse.Namespace) -> int:
    """Let an account that failed to sign in too often try again at once."""
    from ..workflows.system.accounts import unlock_account

    return _user_action(
        args, unlock_account, f"Unlocked the account '{args.username}': it may sign in again."
    )


def _present_password(username: str) -> str:
    present = os.environ.get("USRG_PASSWORD")
    if present is not None:
        return present
    if not sys.stdin.isatty():
        raise WorkflowError(f"Give the present password of '{username}' in USRG_PASSWORD.")
    return getpass.getpass(f"Present password for {username}: ")


def cmd_users_password(args: argparse.Namespace) -> int:
    """Set a new password: your own (giving the present one) or, as administrator, anyone's."""
    from ..workflows.system.accounts import change_own_password, reset_password, user_id_named

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        user_id = user_id_named(session, args.username)
    own = user_id == actor.user_id
    present = _present_password(args.username) if own else ""
    new = _new_password(args.username)
    with db.unit_of_work() as session:
        if own:
            change_own_password(
                session, actor=actor, old_password=present, new_password=new, now=now()
            )
        else:
            reset_password(session, user_id=user_id, new_password=new, actor=actor, now=now())
    print(f"Set a new password for '{args.username}'.")
    return 0


# -- people ---------------------------------------------------------------------------------------
def cmd_people_list(args: argparse.Namespace) -> int:
    """Print everyone in the directory."""
    from ..workflows.directory.listings import people_listing

    print_listing(people_listing(open_db(args)), args.format)
    return 0


_FIELD_OPTIONS = {
    "full_name": "--name",
    "title": "--title",
    "organisation": "--city/--body",
    "role": "--role",
    "email": "--email",
    "phone": "--phone",
    "consent_basis": "--consent-basis",
    "consent_recorded_on": "--consent-on",
}


def _person_changes(session: Any, args: argparse.Namespace) -> dict[str, Any]:
    from ..workflows.directory.directory_people import body_id_named, city_id_named

    changes: dict[str, Any] = {}
    for key, attr in (
        ("full_name", "name"),
        ("title", "title"),
        ("role", "role"),
        ("email", "email"),
        ("phone", "phone"),
        ("consent_basis", "consent_basis"),
        ("consent_recorded_on", "consent_on"),
    ):
        value = getattr(args, attr, None)
        if value is not None:
            changes[key] = value
    if args.city is not None and args.body is not None:
        raise WorkflowError("Give --city or --body, not both: a person belongs to one of them.")
    if args.city is not None:
        changes["city_id"] = city_id_named(session, args.city) if args.city else None
        changes["body_id"] = None
    if args.body is not None:
        changes["body_id"] = body_id_named(session, args.body) if args.body else None
        changes["city_id"] = None
    return changes


def cmd_people_add(args: argparse.Namespace) -> int:
    """Add a person to the directory."""
    from ..workflows.directory.directory_people import save_person

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            fields: dict[str, Any] = {
                "title": "",
                "city_id": None,
                "body_id": None,
                "phone": "",
                "consent_recorded_on": None,
            }
            fields.update(_person_changes(session, args))
            person_id = save_person(session, **fields, actor=actor, now=now())
    except FieldErrors as refused:
        raise form_refused(refused, _FIELD_OPTIONS) from None
    print(f"Added {args.name.strip()} to the directory (id {person_id}).")
    return 0


def cmd_people_edit(args: argparse.Namespace) -> int:
    """Change some of a person's details (the options given; the rest stay)."""
    from ..workflows.directory.directory_people import (
        person_fields,
        person_id_by_email,
        save_person,
    )

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            person_id = person_id_by_email(session, args.key)
            fields = person_fields(session, person_id)
            fields.update(_person_changes(session, args))
            save_person(session, person_id=person_id, **fields, actor=actor, now=now())
    except FieldErrors as refused:
        raise form_refused(refused, _FIELD_OPTIONS) from None
    print(f"Saved {fields['full_name']}.")
    return 0


def cmd_people_off(args: argparse.Namespace) -> int:
    """Switch a person off (kept for history, no longer invited)."""
    from ..workflows.directory.directory_people import deactivate_person, person_id_by_email

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        deactivate_person(
            session, person_id=person_id_by_email(session, args.email), actor=actor, now=now()
        )
    print(f"Switched off {args.email.strip()}.")
    return 0


def cmd_people_export(args: argparse.Namespace) -> int:
    """Write everything held about a person to a JSON file (a POPIA access request)."""
    from ..workflows.directory.directory_people import person_id_by_email, write_person_export

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        person_id = person_id_by_email(session, args.email)
        write_person_export(session, person_id=person_id, path=args.out, actor=actor)
    out = Path(args.out)
    print(f"Wrote what is held about {args.email.strip()} to {out}.")
    return 0


def cmd_people_anonymise(args: argparse.Namespace) -> int:
    """Anonymise a person for good (administrators only; history keeps the row)."""
    from ..workflows.directory.directory_people import anonymise_person, person_id_by_email

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        name = anonymise_person(
            session,
            person_id=person_id_by_email(session, args.email),
            reason=args.reason,
            actor=actor,
            now=now(),
        )
    print(f"Anonymised {args.email.strip()}: the directory now shows '{name}'.")
    return 0


def _person_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    from ..domain.directory import ConsentBasis, PersonRole

    parser.add_argument("--name", required=adding, help="full name as the person writes it")
    parser.add_argument("--title", help="job title")
    parser.add_argument("--city", help="member city (short or official name, or municipal code)")
    parser.add_argument("--body", help="national or partner body (short or official name)")
    roles = ", ".join(r.value for r in PersonRole)
    parser.add_argument("--role", required=adding, help=f"one of: {roles}")
    if adding:
        parser.add_argument("--email", required=True, help="email address (unique)")
    else:
        parser.add_argument("--email", help="a new email address")
    parser.add_argument("--phone", help="phone number, e.g. +27 11 407 6471")
    bases = ", ".join(b.value for b in ConsentBasis)
    parser.add_argument(
        "--consent-basis", required=adding, help=f"POPIA basis for holding the details: {bases}"
    )
    parser.add_argument("--consent-on", type=iso_date, help="the day consent was recorded")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the users and people subcommands."""
    from ..domain.accounts import Role

    roles = [r.value for r in Role]
    users = sub.add_parser("users", parents=[common], help="user accounts and roles")
    usub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = usub.add_parser("list", parents=[common], help="list the accounts")
    add_format(p)
    p.set_defaults(handler=cmd_users_list)
    p = usub.add_parser(
        "add",
        parents=[common],
        help=f"add an account (administrator; password from {NEW_PASSWORD_ENV} or a prompt)",
    )
    p.add_argument("username")
    p.add_argument("--name", required=True, help="the name shown for the account")
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--person", metavar="EMAIL", help="the account holder's directory entry")
    p.set_defaults(handler=cmd_users_add)
    p = usub.add_parser("role", parents=[common], help="give an account another role")
    p.add_argument("username")
    p.add_argument("role", choices=roles)
    p.set_defaults(handler=cmd_users_role)
    p = usub.add_parser("off", parents=[common], help="switch an account off")
    p.add_argument("username")
    p.set_defaults(handler=cmd_users_off)
    p = usub.add_parser("on", parents=[common], help="switch an account on again")
    p.add_argument("username")
    p.set_defaults(handler=cmd_users_on)
    p = usub.add_parser(
        "unlock", parents=[common], help="let an account slowed down by failed sign-ins try again"
    )
    p.add_argument("username")
    p.set_defaults(handler=cmd_users_unlock)
    p = usub.add_parser(
        "password",
        parents=[common],
        help=f"set a new password (from {NEW_PASSWORD_ENV} or a prompt); yours or, "
        "as administrator, anyone's",
    )
    p.add_argument("username")
    p.set_defaults(handler=cmd_users_password)

    people = sub.add_parser("people", parents=[common], help="people in the contact directory")
    psub = people.add_subparsers(dest="people_command", required=True, metavar="ACTION")
    p = psub.add_parser("list", parents=[common], help="list everyone in the directory")
    add_format(p)
    p.set_defaults(handler=cmd_people_list)
    p = psub.add_parser("add", parents=[common], help="add a person (needs --user)")
    _person_options(p, adding=True)
    p.set_defaults(handler=cmd_people_add)
    p = psub.add_parser("edit", parents=[common], help="change a person's details")
    p.add_argument("key", metavar="EMAIL", help="the person's present email address")
    _person_options(p, adding=False)
    p.set_defaults(handler=cmd_people_edit)
    p = psub.add_parser("off", parents=[common], help="switch a person off")
    p.add_argument("email")
    p.set_defaults(handler=cmd_people_off)
    p = psub.add_parser(
        "export", parents=[common], help="write everything held about a person (POPIA) as JSON"
    )
    p.add_argument("email")
    p.add_argument("--out", required=True, metavar="FILE.json")
    p.set_defaults(handler=cmd_people_export)
    p = psub.add_parser(
        "anonymise", parents=[common], help="anonymise a person for good (administrator)"
    )
    p.add_argument("email")
    p.add_argument("--reason", required=True, help="why, e.g. the request's date and reference")
    p.set_defaults(handler=cmd_people_anonymise)
