"""Organisations in the directory: add, edit, rename (keeping the old names) and switch off.

An organisation is a member city (table `cities`) or a body (table `bodies`: a department, an
association, an NGO working with a city — anything a round may admit). Every action takes the
organisation as (kind, id) with kind "city" or "body"; the two tables keep their own ids, so
every reference to them stays as it was. Merging is in `organisation_merge.py`.

A rename writes the name it replaces into `organisation_names` with the days it was used.
Letters already issued never change: they are re-printed from the data registered with them
(`issued_letters.payload`), not from the directory.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.directory import Body, City, CityCategory, OrganisationName, Person
from .. import Actor, FieldErrors, WorkflowError, check_version, get_for_update, take_turn
from ..letters.letter_addressing import organisation_in_sentence
from ..system.audit_trail import audit, change_words, changed_keys
from ..system.roles import require_staff

KINDS = ("city", "body")
MODELS: dict[str, type[City] | type[Body]] = {"city": City, "body": Body}
KIND_WORDS = {"city": "member city", "body": "body"}
PROVINCES = (
    "Eastern Cape",
    "Free State",
    "Gauteng",
    "KwaZulu-Natal",
    "Limpopo",
    "Mpumalanga",
    "North West",
    "Northern Cape",
    "Western Cape",
)
# The fields of the form, top to bottom (the first wrong one gets the focus).
COMMON_FIELDS = (
    "official_name",
    "short_name",
    "name_in_sentence",
    "postal_address",
    "physical_address",
    "switchboard",
    "main_contact_id",
)
CITY_FIELDS = ("municipal_code", "province", "category", "seat", "member_since")
BODY_FIELDS = ("body_kind", "role_in_usrg")
ADDRESS_LINES_MAX = 6
ADDRESS_LINE_MAX = 80
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
# The topic two workstations take turns on when they add or rename (names must stay unique).
TURN = "organisations"


def require_organisation_editor(actor: Actor) -> None:
    """Refuse unless the actor is the secretariat or an administrator."""
    require_staff(actor, "change the organisations in the directory")


def model_for(kind: str) -> type[City] | type[Body]:
    """The table behind "city" or "body"."""
    if kind not in MODELS:
        raise WorkflowError(f"'{kind}' is not a kind of organisation; say city or body.")
    return MODELS[kind]


def organisation(session: Session, kind: str, org_id: int, *, lock: bool = False) -> City | Body:
    """The city or body, locked for this unit of work when `lock`; refused if there is none."""
    model = model_for(kind)
    found = get_for_update(session, model, org_id) if lock else session.get(model, org_id)
    if found is None:
        raise WorkflowError(f"There is no {KIND_WORDS[kind]} with id {org_id}.")
    return found


def organisation_named(session: Session, name: str) -> tuple[str, int]:
    """(kind, id) of the organisation with this short or official name or municipal code, in
    any case; "city:3" or "body:7" name one by id."""
    text = name.strip()
    prefix, _, rest = text.partition(":")
    if prefix in KINDS and rest.strip().isdigit():
        org = organisation(session, prefix, int(rest))
        return prefix, org.id
    key = text.lower()
    cities = session.scalars(
        select(City.id).where(
            or_(
                func.lower(City.short_name) == key,
                func.lower(City.official_name) == key,
                func.lower(City.municipal_code) == key,
            )
        )
    ).all()
    bodies = session.scalars(
        select(Body.id).where(
            or_(func.lower(Body.short_name) == key, func.lower(Body.official_name) == key)
        )
    ).all()
    found = [("city", i) for i in cities] + [("body", i) for i in bodies]
    if not found:
        raise WorkflowError(f"There is no organisation called '{text}'.")
    if len(found) > 1:
        raise WorkflowError(
            f"'{text}' names both a member city and a body; say city:{cities[0]} or "
            f"body:{bodies[0]}."
        )
    return found[0]


def _clean_lines(text: str) -> str:
    lines = [" ".join(line.split()) for line in (text or "").strip().splitlines()]
    return "\n".join(line for line in lines if line)


def _name_taken(
    session: Session, column: str, value: str, *, kind: str, org_id: int | None
) -> str | None:
    """The short name of another organisation (city or body) that already has this name."""
    for other_kind, model in MODELS.items():
        query = select(model.short_name).where(
            func.lower(getattr(model, column)) == value.strip().lower()
        )
        if other_kind == kind and org_id is not None:
            query = query.where(model.id != org_id)
        other = session.scalar(query)
        if other is not None:
            return other
    return None


def check_organisation(
    session: Session, *, kind: str, org_id: int | None, values: dict[str, Any], today: date
) -> dict[str, str]:
    """One sentence per wrong field; empty when the organisation can be saved as given."""
    model = model_for(kind)
    table = model.__table__.c
    errors: dict[str, str] = {}
    official = " ".join((values.get("official_name") or "").split())
    short = " ".join((values.get("short_name") or "").split())
    if not official:
        errors["official_name"] = "Give the official name, as the organisation writes it."
    elif len(official) > table.official_name.type.length:
        errors["official_name"] = (
            f"The official name is longer than {table.official_name.type.length} characters."
        )
    elif other := _name_taken(session, "official_name", official, kind=kind, org_id=org_id):
        errors["official_name"] = f"'{official}' is already the official name of {other}."
    if not short:
        errors["short_name"] = "Give a short name, as lists and people call it (eThekwini, SALGA)."
    elif len(short) > table.short_name.type.length:
        errors["short_name"] = (
            f"The short name is longer than {table.short_name.type.length} characters."
        )
    elif other := _name_taken(session, "short_name", short, kind=kind, org_id=org_id):
        errors["short_name"] = f"The short name '{short}' is already used by {other}."
    sentence = " ".join((values.get("name_in_sentence") or "").split())
    if len(sentence) > table.name_in_sentence.type.length:
        errors["name_in_sentence"] = (
            f"The name in a sentence is longer than {table.name_in_sentence.type.length} "
            "characters."
        )
    for field, words in (("postal_address", "postal"), ("physical_address", "physical")):
        lines = _clean_lines(values.get(field) or "").splitlines()
        if len(lines) > ADDRESS_LINES_MAX:
            errors[field] = (
                f"The {words} address has {len(lines)} lines; keep it to {ADDRESS_LINES_MAX}."
            )
        elif any(len(line) > ADDRESS_LINE_MAX for line in lines):
            errors[field] = (
                f"A line of the {words} address is longer than {ADDRESS_LINE_MAX} characters; "
                "split it over two lines."
            )
    phone = (values.get("switchboard") or "").strip()
    if phone and (not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 9):
        errors["switchboard"] = (
            f"The switchboard '{phone}' is not a telephone number; write it like 011 407 6471 "
            "or +27 11 407 6471."
        )
    elif len(phone) > table.switchboard.type.length:
        errors["switchboard"] = "The switchboard number is too long."
    contact_id = values.get("main_contact_id")
    if contact_id is not None:
        person = session.get(Person, contact_id)
        if person is None or person.anonymised_at is not None:
            errors["main_contact_id"] = "The main contact is not a person in the directory."
        elif not person.active:
            errors["main_contact_id"] = (
                f"{person.full_name} is switched off in the directory; choose someone active."
            )
    if kind == "city":
        errors.update(_city_problems(session, org_id=org_id, values=values, today=today))
    else:
        if not (values.get("body_kind") or "").strip():
            errors["body_kind"] = (
                "Say what kind of body it is (national department, association, NGO, …)."
            )
        elif len(values["body_kind"].strip()) > Body.__table__.c.kind.type.length:
            errors["body_kind"] = "The kind of body is longer than 60 characters."
    return errors


def _city_problems(
    session: Session, *, org_id: int | None, values: dict[str, Any], today: date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = (values.get("municipal_code") or "").strip().upper()
    if not code:
        errors["municipal_code"] = "Give the municipal code (EKU, ETH, MSU, …)."
    elif len(code) > City.__table__.c.municipal_code.type.length or not code.isalnum():
        errors["municipal_code"] = (
            f"The municipal code '{code}' should be a few letters or digits, like EKU."
        )
    else:
        query = select(City.short_name).where(func.upper(City.municipal_code) == code)
        if org_id is not None:
            query = query.where(City.id != org_id)
        other = session.scalar(query)
        if other is not None:
            errors["municipal_code"] = f"The municipal code {code} is already {other}'s."
    if values.get("province") not in PROVINCES:
        errors["province"] = "Choose the province the city is in."
    if values.get("category") not in {c.value for c in CityCategory}:
        errors["category"] = "Choose whether the city is metropolitan or an intermediate city."
    seat = " ".join((values.get("seat") or "").split())
    if not seat:
        errors["seat"] = "Give the seat of the municipality (the town its offices are in)."
    elif len(seat) > City.__table__.c.seat.type.length:
        errors["seat"] = "The seat is longer than 80 characters."
    since = values.get("member_since")
    if since is not None and since > today:
        errors["member_since"] = "A city cannot have joined the USRG after today."
    return errors


def _clean(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values as stored (columns of the table), trimmed."""
    official = " ".join(values["official_name"].split())
    short = " ".join(values["short_name"].split())
    sentence = " ".join((values.get("name_in_sentence") or "").split())
    out: dict[str, Any] = {
        "official_name": official,
        "short_name": short,
        "name_in_sentence": sentence or organisation_in_sentence(official, short),
        "postal_address": _clean_lines(values.get("postal_address") or ""),
        "physical_address": _clean_lines(values.get("physical_address") or ""),
        "switchboard": " ".join((values.get("switchboard") or "").split()),
        "main_contact_id": values.get("main_contact_id"),
    }
    if kind == "city":
        out.update(
            municipal_code=values["municipal_code"].strip().upper(),
            province=values["province"],
            category=values["category"],
            seat=" ".join(values["seat"].split()),
            member_since=values.get("member_since"),
        )
    else:
        out.update(
            kind=" ".join(values["body_kind"].split()),
            role_in_usrg=(values.get("role_in_usrg") or "").strip(),
        )
    return out


NAME_COLUMNS = ("official_name", "short_name", "name_in_sentence")


def _keep_old_name(
    session: Session, org: City | Body, *, kind: str, effective_on: date, now: datetime
) -> None:
    """Write the organisation's present names into its history, used up to `effective_on`."""
    last = session.scalar(
        select(func.max(OrganisationName.used_until)).where(
            (OrganisationName.city_id if kind == "city" else OrganisationName.body_id) == org.id
        )
    )
    if last is not None and effective_on < last:
        raise FieldErrors(
            {
                "effective_on": (
                    f"The new name cannot take effect before {last.isoformat()}, when the "
                    "previous rename took effect."
                )
            }
        )
    since = last if last is not None else getattr(org, "member_since", None)
    session.add(
        OrganisationName(
            city_id=org.id if kind == "city" else None,
            body_id=org.id if kind == "body" else None,
            official_name=org.official_name,
            short_name=org.short_name,
            name_in_sentence=org.name_in_sentence,
            used_from=since,
            used_until=effective_on,
            renamed_at=now,
        )
    )


def save_organisation(
    session: Session,
    *,
    kind: str,
    org_id: int | None = None,
    values: dict[str, Any],
    seen_version: int | None = None,
    effective_on: date | None = None,
    actor: Actor,
    now: datetime,
) -> int:
    """Add an organisation (org_id None) or change one; every field is checked first.

    `values` has the keys of COMMON_FIELDS and CITY_FIELDS or BODY_FIELDS. A change of name
    keeps the name it replaces, used up to `effective_on` (default: today). A refused form
    raises FieldErrors and writes nothing; a form opened before someone else saved raises
    EditConflict. Returns the id.
    """
    require_organisation_editor(actor)
    model = model_for(kind)
    # Names must stay unique across cities and bodies: two workstations take turns.
    take_turn(session, TURN)
    org = organisation(session, kind, org_id, lock=True) if org_id is not None else None
    today = south_african_day(now)
    if org is not None:
        check_version(session, org, seen=seen_version, entity=kind, name=org.short_name)
    errors = check_organisation(session, kind=kind, org_id=org_id, values=values, today=today)
    if effective_on is not None and effective_on > today:
        errors["effective_on"] = "A new name takes effect today or on a day before."
    if errors:
        raise FieldErrors(errors)
    clean = _clean(kind, values)
    if org is None:
        org = model(**clean, active=True)
        session.add(org)
        session.flush()
        audit(
            session,
            actor=actor,
            now=now,
            entity=kind,
            entity_id=org.id,
            action="create",
            detail=f"{org.short_name} ({org.official_name})",
        )
        return org.id
    changed = changed_keys(org, clean)
    if not changed:
        # Nothing changed: the version counted by check_version is given back.
        org.version -= 1
        return org.id
    renamed = [key for key in NAME_COLUMNS if key in changed]
    if renamed:
        _keep_old_name(session, org, kind=kind, effective_on=effective_on or today, now=now)
    before = f"{org.short_name} ({org.official_name})"
    for key in changed:
        setattr(org, key, clean[key])
    session.flush()
    words = change_words(changed, {"kind": "kind of body"})
    if renamed:
        audit(
            session,
            actor=actor,
            now=now,
            entity=kind,
            entity_id=org.id,
            action="rename",
            detail=f"was {before}; now {org.short_name} ({org.official_name}) from "
            f"{(effective_on or today).isoformat()}",
        )
    others = [key for key in changed if key not in NAME_COLUMNS]
    if others or not renamed:
        audit(
            session,
            actor=actor,
            now=now,
            entity=kind,
            entity_id=org.id,
            action="update",
            detail=words,
        )
    return org.id


def rename_organisation(
    session: Session,
    *,
    kind: str,
    org_id: int,
    official_name: str,
    short_name: str,
    name_in_sentence: str = "",
    effective_on: date | None = None,
    seen_version: int | None = None,
    actor: Actor,
    now: datetime,
) -> int:
    """Give an organisation new names from `effective_on` (default today), keeping the old ones
    in its history. An empty name in a sentence is made from the official name."""
    require_organisation_editor(actor)
    take_turn(session, TURN)
    # Locked before reading: the other fields are saved back as another workstation left them.
    current = organisation(session, kind, org_id, lock=True)
    values = organisation_fields(session, kind, org_id)
    values.pop("seen_version")
    if (
        " ".join(official_name.split()) == current.official_name
        and " ".join(short_name.split()) == current.short_name
        and (
            not name_in_sentence.strip()
            or " ".join(name_in_sentence.split()) == current.name_in_sentence
        )
    ):
        raise FieldErrors({"official_name": "The new names are the same as the present ones."})
    values.update(
        official_name=official_name, short_name=short_name, name_in_sentence=name_in_sentence
    )
    return save_organisation(
        session,
        kind=kind,
        org_id=org_id,
        values=values,
        seen_version=seen_version,
        effective_on=effective_on,
        actor=actor,
        now=now,
    )


def set_organisation_active(
    session: Session, *, kind: str, org_id: int, active: bool, actor: Actor, now: datetime
) -> None:
    """Switch an organisation off (kept with its history, no longer offered in new choices) or
    on again."""
    require_organisation_editor(actor)
    org = organisation(session, kind, org_id, lock=True)
    if org.active == active:
        state = "on" if active else "off"
        raise WorkflowError(f"{org.short_name} is already switched {state}.")
    org.active = active
    org.version = (org.version or 1) + 1
    audit(
        session,
        actor=actor,
        now=now,
        entity=kind,
        entity_id=org.id,
        action="switch_on" if active else "switch_off",
        detail=org.short_name,
    )
    session.flush()


def organisation_fields(session: Session, kind: str, org_id: int) -> dict[str, Any]:
    """An organisation's editable fields as save_organisation takes them, with `seen_version`."""
    org = organisation(session, kind, org_id)
    fields: dict[str, Any] = {key: getattr(org, key) for key in COMMON_FIELDS}
    if kind == "city":
        fields.update({key: getattr(org, key) for key in CITY_FIELDS})
    else:
        fields.update(body_kind=org.kind, role_in_usrg=org.role_in_usrg)
    fields["seen_version"] = org.version
    return fields


def past_names(session: Session, kind: str, org_id: int) -> list[dict[str, Any]]:
    """The names the organisation carried before, the latest first, with their days."""
    column = OrganisationName.city_id if kind == "city" else OrganisationName.body_id
    rows = session.scalars(
        select(OrganisationName)
        .where(column == org_id)
        .order_by(OrganisationName.used_until.desc(), OrganisationName.id.desc())
    ).all()
    return [
        {
            "official_name": row.official_name,
            "short_name": row.short_name,
            "name_in_sentence": row.name_in_sentence,
            "used_from": row.used_from,
            # The last day the name was used.
            "used_to": row.used_until - timedelta(days=1),
        }
        for row in rows
    ]


def organisation_detail(session: Session, kind: str, org_id: int) -> dict[str, Any]:
    """Everything the organisation's screen and `usrg organisations show` print."""
    from .organisation_merge import references

    org = organisation(session, kind, org_id)
    detail = organisation_fields(session, kind, org_id)
    contact = session.get(Person, org.main_contact_id) if org.main_contact_id else None
    detail.update(
        kind=kind,
        id=org.id,
        active=org.active,
        main_contact=contact.full_name if contact is not None else "",
        past_names=past_names(session, kind, org_id),
        references=references(session, kind, org_id),
    )
    return detail


def contact_choices(session: Session, kind: str, org_id: int | None) -> list[tuple[int, str]]:
    """Active people who may be the main contact, the organisation's own people first."""
    column = Person.city_id if kind == "city" else Person.body_id
    rows = session.execute(
        select(Person.id, Person.full_name, Person.email, column).where(
            Person.active.is_(True), Person.anonymised_at.is_(None)
        )
    ).all()
    ordered = sorted(rows, key=lambda r: (r[3] != org_id or org_id is None, r[1].casefold()))
    return [(pid, f"{name} <{email}>" if email else name) for pid, name, email, _org in ordered]


def active_choices(session: Session, kind: str) -> list[tuple[int, str]]:
    """The organisations of a kind that are switched on, as (id, short name), by name: what a
    new choice offers (a switched-off one stays on the records that name it)."""
    model = model_for(kind)
    rows = session.execute(select(model.id, model.short_name).where(model.active.is_(True))).all()
    return sorted(((int(i), name) for i, name in rows), key=lambda pair: pair[1].casefold())


def person_organisation_choices(
    session: Session, keep: tuple[str, int] | None = None
) -> list[tuple[str, int, str]]:
    """The member cities then the bodies a person can belong to, as (kind, id, official name):
    those switched on, and `keep` (the person's own, even when switched off)."""
    out: list[tuple[str, int, str]] = []
    for kind, model in MODELS.items():
        rows = session.execute(
            select(model.id, model.official_name, model.active).order_by(model.official_name)
        ).all()
        for org_id, name, active in rows:
            if active:
                out.append((kind, org_id, name))
            elif keep == (kind, org_id):
                out.append((kind, org_id, f"{name} (switched off)"))
    return out
