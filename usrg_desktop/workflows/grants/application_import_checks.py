"""Checking one row of an applications sheet: each problem is a sentence naming its sheet row.

The rules per column are in `application_import`'s docstring; `_Lookup` reads the rounds,
applicants and people once per import so that checking a row asks the database nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, OrganisationName
from ...domain.grants import (
    Application,
    ApplicationState,
    Round,
    RoundAdmittedBody,
    RoundStatus,
    RoundTheme,
)
from ...money import cents_of, format_zar, parse_zar
from .application_import_sheet import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .rounds import status_words

TEXT_LIMITS = {"title": 300, "contact name": 200, "contact email": 254, "contact phone": 40}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in one row of the sheet (row numbers as the spreadsheet shows them)."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.reason}"


# -- checking one row ---------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cents(value: Any) -> int:
    """Rand in a cell (text or number) as cents; ValueError with a reason otherwise."""
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, int):
        return cents_of(Decimal(value), str(value))
    if isinstance(value, float):
        return cents_of(Decimal(repr(value)), repr(value))
    return parse_zar(_text(value))


# A sheet's dates come from outside: a year outside these is a typing slip (0202, 2207).
PROJECT_YEARS = (2000, 2099)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(_text(value))


@dataclass
class _Row:
    number: int
    round: Round
    city: City | None
    body: Body | None
    texts: dict[str, str]
    requested: int
    starts_on: date
    ends_on: date
    lines: list[tuple[str, int]]
    theme_id: int | None = None


class _Lookup:
    """The rounds, cities and bodies a sheet names, read once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rounds: dict[str, Round] = {}
        for rnd in session.scalars(select(Round)):
            self.rounds[rnd.name.casefold()] = rnd
            self.rounds[str(rnd.id)] = rnd
        self.applicants: dict[str, City | Body] = {}
        bodies = {b.id: b for b in session.scalars(select(Body))}
        cities = {c.id: c for c in session.scalars(select(City))}
        # A name an organisation carried before a rename still finds it (a sheet made from an
        # older list); its present names are read after, so they win where names collide.
        for past in session.scalars(select(OrganisationName).order_by(OrganisationName.used_until)):
            org = cities.get(past.city_id or 0) or bodies.get(past.body_id or 0)
            if org is not None:
                for key in (past.short_name, past.official_name):
                    self.applicants[key.casefold()] = org
        for body in bodies.values():
            for key in (body.short_name, body.official_name):
                self.applicants[key.casefold()] = body
        for city in cities.values():
            for key in (city.short_name, city.official_name, city.municipal_code):
                self.applicants[key.casefold()] = city
        self.admitted = {
            (r, b)
            for r, b in session.execute(
                select(RoundAdmittedBody.round_id, RoundAdmittedBody.body_id)
            )
        }
        self.themes: dict[int, dict[str, tuple[int, str]]] = {}
        for theme in session.scalars(select(RoundTheme).order_by(RoundTheme.position)):
            mine = self.themes.setdefault(theme.round_id, {})
            mine[theme.label.casefold()] = (theme.id, theme.label)
        self.existing: dict[tuple[int, str, str], str] = {}
        for rid, city_id, body_id, title, ref in session.execute(
            select(
                Application.round_id,
                Application.applicant_city_id,
                Application.applicant_body_id,
                Application.title,
                Application.reference,
            ).where(Application.state != ApplicationState.WITHDRAWN.value)
        ):
            key = (rid, f"c{city_id}" if city_id else f"b{body_id}", title.strip().casefold())
            self.existing[key] = ref or "a draft"


def _check_row(
    number: int, values: dict[str, Any], lookup: _Lookup, problems: list[RowProblem]
) -> _Row | None:
    found: list[str] = []
    texts = {k: _text(values.get(k)) for k in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    for column in ("round", "applicant", "title", "summary", "problem", "intervention"):
        if not texts[column]:
            found.append(f"'{column}' is empty.")
    for column in ("contact name", "contact email"):
        if not texts[column]:
            found.append(f"'{column}' is empty.")
    for column, limit in TEXT_LIMITS.items():
        if len(texts[column]) > limit:
            found.append(
                f"'{column}' is {len(texts[column])} characters long; at most {limit} fit."
            )
    if texts["contact email"] and not _EMAIL.match(texts["contact email"]):
        found.append(f"'{texts['contact email']}' is not an email address (name@example.org).")

    rnd = lookup.rounds.get(texts["round"].casefold()) if texts["round"] else None
    if texts["round"] and rnd is None:
        found.append(f"There is no round '{texts['round']}'.")
    elif rnd is not None and rnd.status != RoundStatus.OPEN.value:
        found.append(
            f"The round '{rnd.name}' is {status_words(rnd.status)}, not open for applications."
        )

    applicant = lookup.applicants.get(texts["applicant"].casefold()) if texts["applicant"] else None
    city = applicant if isinstance(applicant, City) else None
    body = applicant if isinstance(applicant, Body) else None
    if texts["applicant"] and applicant is None:
        found.append(f"'{texts['applicant']}' is not a member city or partner body.")
    elif city is not None and not city.active:
        found.append(f"{city.short_name} is not an active member city.")
    elif body is not None and not body.active:
        found.append(f"{body.short_name} is switched off in the directory.")
    elif body is not None and rnd is not None and (rnd.id, body.id) not in lookup.admitted:
        found.append(f"The round '{rnd.name}' does not admit {body.short_name} as an applicant.")

    requested: int | None = None
    raw_requested = values.get("requested")
    if _text(raw_requested) == "":
        found.append("'requested' is empty.")
    else:
        try:
            requested = _cents(raw_requested)
        except ValueError:
            found.append(f"'requested' ({_text(raw_requested)}) is not an amount in rand.")
        else:
            if requested <= 0:
                found.append("'requested' must be more than R 0,00.")
            elif rnd is not None and requested > rnd.cap_cents:
                found.append(
                    f"The request of {format_zar(requested)} is over the round's cap of "
                    f"{format_zar(rnd.cap_cents)}."
                )

    dates: dict[str, date | None] = {}
    for column in ("start", "end"):
        dates[column] = None
        raw = values.get(column)
        if _text(raw) == "":
            found.append(f"'{column}' is empty.")
            continue
        try:
            dates[column] = _date(raw)
        except ValueError:
            found.append(f"'{column}' ({_text(raw)}) is not a date like 2027-02-01.")
            continue
        if not PROJECT_YEARS[0] <= dates[column].year <= PROJECT_YEARS[1]:
            found.append(
                f"'{column}' ({dates[column].isoformat()}) cannot be a project's date: "
                f"it is not between {PROJECT_YEARS[0]} and {PROJECT_YEARS[1]}."
            )
            dates[column] = None
    if dates["start"] and dates["end"] and dates["end"] < dates["start"]:
        found.append(
            f"The end date {dates['end'].isoformat()} is before the start date "
            f"{dates['start'].isoformat()}."
        )

    theme_id: int | None = None
    if texts["theme"] and rnd is not None:
        themes = lookup.themes.get(rnd.id, {})
        found_theme = themes.get(texts["theme"].casefold())
        if found_theme is not None:
            theme_id = found_theme[0]
        elif themes:
            names = ", ".join(f"'{label}'" for _id, label in themes.values())
            found.append(
                f"'{texts['theme']}' is not a theme of the round '{rnd.name}'; its themes are "
                f"{names}."
            )
        else:
            found.append(
                f"The round '{rnd.name}' lists no themes, so 'theme' must be empty "
                f"('{texts['theme']}' was given)."
            )

    lines: list[tuple[str, int]] = []
    if texts["budget"]:
        lines = _budget_lines(texts["budget"], found)
        if lines and requested is not None and requested > 0:
            total = sum(c for _d, c in lines)
            if total != requested:
                found.append(
                    f"The budget lines add up to {format_zar(total)}, not the "
                    f"{format_zar(requested)} requested."
                )

    if rnd is not None and applicant is not None and texts["title"]:
        key = (rnd.id, f"c{city.id}" if city else f"b{body.id}", texts["title"].casefold())
        if key in lookup.existing:
            found.append(
                f"'{texts['title']}' from {applicant.short_name} is already in the round "
                f"({lookup.existing[key]})."
            )
        else:
            lookup.existing[key] = f"row {number} of this sheet"

    problems.extend(RowProblem(number, reason) for reason in found)
    if found:
        return None
    assert rnd and requested and dates["start"] and dates["end"]
    return _Row(
        number, rnd, city, body, texts, requested, dates["start"], dates["end"], lines, theme_id
    )


def _budget_lines(text: str, found: list[str]) -> list[tuple[str, int]]:
    lines: list[tuple[str, int]] = []
    parts = [p.strip() for p in text.split(";") if p.strip()]
    for n, part in enumerate(parts, start=1):
        description, colon, amount = part.rpartition(":")
        if not colon or not description.strip():
            found.append(f"Budget line {n} ('{part}') is not written as 'description: amount'.")
            return []
        try:
            cents = parse_zar(amount)
        except ValueError:
            found.append(f"Budget line {n} ('{part}') has no amount in rand after the colon.")
            return []
        if cents <= 0:
            found.append(f"Budget line {n} ('{description.strip()}') needs an amount above R 0,00.")
            return []
        if len(description.strip()) > 300:
            found.append(f"Budget line {n}'s description is over 300 characters.")
            return []
        lines.append((description.strip(), cents))
    return lines
