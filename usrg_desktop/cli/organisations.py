"""`usrg organisations …`: member cities and bodies — list, show, add, edit, rename, merge,
switch off and on. An organisation is named by its short or official name, its municipal code,
or city:ID / body:ID."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..workflows import FieldErrors, WorkflowError
from .common import (
    acting_user,
    add_format,
    form_refused,
    iso_date,
    now,
    open_db,
    print_listing,
)

# The option that sets each field, for naming it in a refusal.
_OPTIONS = {
    "official_name": "--official",
    "short_name": "--short",
    "name_in_sentence": "--in-sentence",
    "postal_address": "--postal",
    "physical_address": "--physical",
    "switchboard": "--switchboard",
    "main_contact_id": "--contact",
    "municipal_code": "--code",
    "province": "--province",
    "category": "--category",
    "seat": "--seat",
    "member_since": "--member-since",
    "body_kind": "--body-kind",
    "role_in_usrg": "--role",
    "effective_on": "--from",
}
# (field, attribute of args) of the options that change one field each.
_PLAIN = (
    ("official_name", "official"),
    ("short_name", "short"),
    ("name_in_sentence", "in_sentence"),
    ("switchboard", "switchboard"),
    ("municipal_code", "code"),
    ("province", "province"),
    ("category", "category"),
    ("seat", "seat"),
    ("member_since", "member_since"),
    ("body_kind", "body_kind"),
    ("role_in_usrg", "role"),
)


def _lines(text: str) -> str:
    """An address given on one line, its lines separated by ' | ' or by new lines."""
    return "\n".join(part.strip() for part in text.replace("|", "\n").splitlines())


def _changes(session: Any, args: argparse.Namespace) -> dict[str, Any]:
    from ..workflows.directory.directory_people import person_id_by_email

    changes: dict[str, Any] = {}
    for field, attr in _PLAIN:
        value = getattr(args, attr, None)
        if value is not None:
            changes[field] = value
    for field, attr in (("postal_address", "postal"), ("physical_address", "physical")):
        value = getattr(args, attr, None)
        if value is not None:
            changes[field] = _lines(value)
    if args.contact is not None:
        changes["main_contact_id"] = (
            person_id_by_email(session, args.contact) if args.contact.strip() else None
        )
    return changes


def cmd_list(args: argparse.Namespace) -> int:
    """Print the member cities, the bodies, or both."""
    from ..workflows.directory.listings import body_listing, city_listing

    db = open_db(args)
    if args.kind in (None, "city"):
        print_listing(city_listing(db), args.format)
    if args.kind is None and args.format == "table":
        print()
    if args.kind in (None, "body"):
        print_listing(body_listing(db), args.format)
    return 0


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\n", ", ")


def cmd_show(args: argparse.Namespace) -> int:
    """Print one organisation: names, addresses, contact, what refers to it, past names."""
    from ..workflows.directory import organisations as org
    from ..workflows.directory.organisation_merge import describe_references

    db = open_db(args)
    with db.reading() as session:
        kind, org_id = org.organisation_named(session, args.name)
        d = org.organisation_detail(session, kind, org_id)
    lines = [
        f"{d['short_name']} — {org.KIND_WORDS[kind]} {kind}:{org_id}"
        + ("" if d["active"] else " (switched off)"),
        f"Official name:     {d['official_name']}",
        f"In a sentence:     {d['name_in_sentence']}",
    ]
    if kind == "city":
        lines += [
            f"Municipal code:    {d['municipal_code']}",
            f"Province:          {d['province']}",
            f"Category:          {d['category']}",
            f"Seat:              {d['seat']}",
            f"Member since:      {_text(d['member_since'])}",
        ]
    else:
        lines += [
            f"Kind of body:      {d['body_kind']}",
            f"Role in the USRG:  {_text(d['role_in_usrg'])}",
        ]
    lines += [
        f"Postal address:    {_text(d['postal_address'])}",
        f"Physical address:  {_text(d['physical_address'])}",
        f"Switchboard:       {_text(d['switchboard'])}",
        f"Main contact:      {_text(d['main_contact'])}",
        f"Referred to by:    {describe_references(d['references'])}",
    ]
    if d["past_names"]:
        lines.append("Past names:")
        for past in d["past_names"]:
            since = past["used_from"].isoformat() if past["used_from"] else "the start"
            lines.append(
                f"  {since} to {past['used_to'].isoformat()}: {past['short_name']} "
                f"({past['official_name']})"
            )
    print("\n".join(lines))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Add a member city or a body."""
    from ..workflows.directory import organisations as org

    db = open_db(args)
    actor = acting_user(args, db)
    values: dict[str, Any] = {
        field: "" for field in (*org.COMMON_FIELDS, *org.CITY_FIELDS, *org.BODY_FIELDS)
    }
    values.update(main_contact_id=None, member_since=None)
    try:
        with db.unit_of_work() as session:
            values.update(_changes(session, args))
            org_id = org.save_organisation(
                session, kind=args.kind, values=values, actor=actor, now=now()
            )
    except FieldErrors as refused:
        raise form_refused(refused, _OPTIONS) from None
    print(f"Added {' '.join(args.short.split())} ({args.kind}:{org_id}).")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Change some of an organisation's details (the options given; the rest stay). A change
    of name is kept in its history, as `rename` does."""
    from ..workflows.directory import organisations as org

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            kind, org_id = org.organisation_named(session, args.name)
            values = org.organisation_fields(session, kind, org_id)
            values.pop("seen_version")
            changes = _changes(session, args)
            allowed = (
                *org.COMMON_FIELDS,
                *(org.CITY_FIELDS if kind == "city" else org.BODY_FIELDS),
            )
            wrong = [field for field in changes if field not in allowed]
            if wrong:
                raise WorkflowError(
                    f"{_OPTIONS[wrong[0]]} is not a detail of a {org.KIND_WORDS[kind]}."
                )
            values.update(changes)
            org.save_organisation(
                session, kind=kind, org_id=org_id, values=values, actor=actor, now=now()
            )
    except FieldErrors as refused:
        raise form_refused(refused, _OPTIONS) from None
    print(f"Saved {' '.join(values['short_name'].split())}.")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    """Give an organisation new names from a day (default today), keeping the old ones."""
    from ..workflows.directory import organisations as org

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        with db.unit_of_work() as session:
            kind, org_id = org.organisation_named(session, args.name)
            present = org.organisation_fields(session, kind, org_id)
            org.rename_organisation(
                session,
                kind=kind,
                org_id=org_id,
                official_name=args.official or present["official_name"],
                short_name=args.short or present["short_name"],
                name_in_sentence=args.in_sentence or "",
                effective_on=args.effective_on,
                actor=actor,
                now=now(),
            )
    except FieldErrors as refused:
        raise form_refused(refused, _OPTIONS) from None
    print(f"Renamed {present['short_name']}; the old names are kept in its history.")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Move everything that refers to one organisation to another; switch the first off."""
    from ..workflows.directory import organisations as org
    from ..workflows.directory.organisation_merge import describe_references, merge_organisations

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        kind, org_id = org.organisation_named(session, args.name)
        into_kind, into_id = org.organisation_named(session, args.into)
        source = org.organisation(session, kind, org_id).short_name
        target = org.organisation(session, into_kind, into_id).short_name
        moved = merge_organisations(
            session,
            kind=kind,
            org_id=org_id,
            into_kind=into_kind,
            into_id=into_id,
            actor=actor,
            now=now(),
        )
    print(
        f"Merged {source} into {target}: moved {describe_references(moved)}; "
        f"{source} is switched off."
    )
    return 0


def _switch(args: argparse.Namespace, active: bool) -> int:
    from ..workflows.directory import organisations as org

    db = open_db(args)
    actor = acting_user(args, db)
    with db.unit_of_work() as session:
        kind, org_id = org.organisation_named(session, args.name)
        name = org.organisation(session, kind, org_id).short_name
        org.set_organisation_active(
            session, kind=kind, org_id=org_id, active=active, actor=actor, now=now()
        )
    print(f"Switched {'on' if active else 'off'} {name}.")
    return 0


def cmd_off(args: argparse.Namespace) -> int:
    """Switch an organisation off: kept with its history, no longer offered in new choices."""
    return _switch(args, False)


def cmd_on(args: argparse.Namespace) -> int:
    """Switch an organisation on again."""
    return _switch(args, True)


def _detail_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--official", required=adding, help="official name")
    p.add_argument("--short", required=adding, help="short name, as lists and people call it")
    p.add_argument(
        "--in-sentence", dest="in_sentence", help="name in a sentence ('the City of Ekurhuleni')"
    )
    p.add_argument("--postal", help="postal address, lines separated by ' | '")
    p.add_argument("--physical", help="physical address, lines separated by ' | '")
    p.add_argument("--switchboard", help="switchboard telephone number")
    p.add_argument("--contact", metavar="EMAIL", help="main contact's e-mail ('' for nobody)")
    cities = p.add_argument_group("member cities")
    cities.add_argument("--code", help="municipal code (EKU)")
    cities.add_argument("--province")
    cities.add_argument("--category", help="metropolitan or 'intermediate city'")
    cities.add_argument("--seat", help="the town the municipality's offices are in")
    cities.add_argument("--member-since", dest="member_since", type=iso_date)
    bodies = p.add_argument_group("bodies")
    bodies.add_argument("--body-kind", dest="body_kind", help="national department, NGO, …")
    bodies.add_argument("--role", help="its role in the USRG")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the organisations subcommands."""
    top = sub.add_parser(
        "organisations", parents=[common], help="member cities and bodies in the directory"
    )
    osub = top.add_subparsers(dest="organisations_command", required=True, metavar="ACTION")
    p = osub.add_parser("list", parents=[common], help="list the member cities and bodies")
    p.add_argument("--kind", choices=("city", "body"), help="only cities or only bodies")
    add_format(p)
    p.set_defaults(handler=cmd_list)
    p = osub.add_parser("show", parents=[common], help="one organisation, with its past names")
    p.add_argument("name")
    p.set_defaults(handler=cmd_show)
    p = osub.add_parser("add", parents=[common], help="add a member city or a body")
    p.add_argument("kind", choices=("city", "body"))
    _detail_options(p, adding=True)
    p.set_defaults(handler=cmd_add)
    p = osub.add_parser("edit", parents=[common], help="change an organisation's details")
    p.add_argument("name")
    _detail_options(p, adding=False)
    p.set_defaults(handler=cmd_edit)
    p = osub.add_parser("rename", parents=[common], help="rename, keeping the old names")
    p.add_argument("name")
    p.add_argument("--official", help="the new official name")
    p.add_argument("--short", help="the new short name")
    p.add_argument("--in-sentence", dest="in_sentence", help="the new name in a sentence")
    p.add_argument(
        "--from", dest="effective_on", type=iso_date, help="the first day of the new name"
    )
    p.set_defaults(handler=cmd_rename)
    p = osub.add_parser(
        "merge", parents=[common], help="move everything to another organisation, switch off"
    )
    p.add_argument("name")
    p.add_argument("--into", required=True, help="the organisation that takes everything")
    p.set_defaults(handler=cmd_merge)
    p = osub.add_parser("off", parents=[common], help="switch an organisation off")
    p.add_argument("name")
    p.set_defaults(handler=cmd_off)
    p = osub.add_parser("on", parents=[common], help="switch an organisation on again")
    p.add_argument("name")
    p.set_defaults(handler=cmd_on)
