"""Import applications from a CSV or XLSX sheet, for calls run on an online form.

The sheet's first row names the columns (case, spaces and underscores aside); each later row is
one application. Columns:

=================  ========  ==============================================================
column             required  what it holds
=================  ========  ==============================================================
round              yes       the round's name (or its id); the round must be open
applicant          yes       a member city (official name, short name or municipal code,
                             e.g. "eThekwini", "ETH") or a partner body (short or official
                             name, e.g. "SALGA") that the round admits
title              yes       the project's title (at most 300 characters)
summary            yes       a short summary
problem            yes       the problem addressed
intervention       yes       the proposed intervention
requested          yes       the amount requested in rand: "250000", "250 000,00" or
                             "R 250 000,00"; within the round's cap
start, end         yes       the project's first and last day, 2027-02-01 (or a date cell)
contact name       yes       the applicant's contact person
contact email      yes       their email; someone already in the directory with that email
                             is used, otherwise they are added (consent: they gave it)
contact phone      no        their phone number
budget             no        the budget lines, "Item A: 100000; Item B: 150000"; they must
                             add up to the amount requested
theme              no        one of the round's themes (as the round's form lists them)
=================  ========  ==============================================================

A row with budget lines is imported as a submitted application through the state machine's
`submit`, so it gets its reference USRG-IF-<year>-<round>-<nnn> (in sheet order) and both steps
are audited. A row without budget lines is imported as a draft for the secretariat to complete.

`import_applications(..., dry_run=True)` reads and checks the whole sheet and writes nothing:
its report lists every bad row with its sheet row number and reason. A real run writes nothing
unless every row is good (it raises `ImportRefused`, carrying the same report), so a sheet is
imported whole or not at all, in the caller's one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.directory import Body, City, ConsentBasis, Person, PersonRole
from ...domain.grants import (
    Application,
    ApplicationState,
    BudgetLine,
    Round,
    RoundAdmittedBody,
    RoundStatus,
    RoundTheme,
)
from ...money import cents_of, format_zar, parse_zar
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from ..system.roles import require_staff
from .applications import submit
from .rounds import status_words

if TYPE_CHECKING:
    from ...storage import Database

REQUIRED_COLUMNS = (
    "round",
    "applicant",
    "title",
    "summary",
    "problem",
    "intervention",
    "requested",
    "start",
    "end",
    "contact name",
    "contact email",
)
OPTIONAL_COLUMNS = ("contact phone", "budget", "theme")
# Other headings an online form's export may use for the same columns.
ALIASES = {
    "round name": "round",
    "problem addressed": "problem",
    "requested amount": "requested",
    "amount requested": "requested",
    "start date": "start",
    "end date": "end",
    "contact": "contact name",
    "contact person": "contact name",
    "email": "contact email",
    "phone": "contact phone",
    "budget lines": "budget",
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
TEXT_LIMITS = {"title": 300, "contact name": 200, "contact email": 254, "contact phone": 40}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in one row of the sheet (row numbers as the spreadsheet shows them)."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    """What an import found (dry run) or did (real run)."""

    file_name: str
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # Rows that would be (or were) imported as submitted applications, and as drafts.
    submitted: int = 0
    drafts: int = 0
    references: list[str] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row is good (a real run then imports them all)."""
        return not self.problems

    @property
    def bad_rows(self) -> list[int]:
        """The sheet row numbers that have at least one problem."""
        return sorted({p.row for p in self.problems})

    def summary(self) -> str:
        """One sentence saying what was found or done."""
        if self.problems:
            n = len(self.bad_rows)
            return (
                f"{self.file_name}: {n} of {self.rows} row{'s' if self.rows != 1 else ''} "
                f"{'has' if n == 1 else 'have'} problems; nothing was imported."
            )
        drafts = ""
        if self.drafts:
            drafts = f" and {self.drafts} as drafts" if self.drafts > 1 else " and 1 as a draft"
        submitted = f"{self.submitted} submitted application{'s' if self.submitted != 1 else ''}"
        if self.dry_run:
            return (
                f"{self.file_name}: all {self.rows} row{'s are' if self.rows != 1 else ' is'} "
                f"good; {submitted} would be imported{drafts}."
            )
        return f"{self.file_name}: imported {submitted}{drafts}."


class ImportRefused(WorkflowError):
    """A real import refused because the sheet has bad rows; `report` lists each of them."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(report.summary())


# -- reading the file ---------------------------------------------------------------------------
def _heading(text: Any) -> str:
    words = re.sub(r"[_\-\s]+", " ", str(text or "")).strip().lower()
    return ALIASES.get(words, words)


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise WorkflowError(f"The file {path.name} is not text in UTF-8 or Windows encoding.")
    if "\x00" in text:
        raise WorkflowError(f"The file {path.name} is not a CSV text file.")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise WorkflowError(f"The file {path.name} is not a readable CSV file ({exc}).") from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, openpyxl's own: all mean "not a workbook"
        raise WorkflowError(f"The file {path.name} is not a readable XLSX workbook.") from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_sheet(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The sheet's headings and its non-blank rows as (row number, {column: value}).

    A file that is missing, not CSV/XLSX, unreadable, too big or missing a required column is
    refused with one sentence naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise WorkflowError(f"The file {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkflowError(f"The file {path.name} is not a CSV or XLSX sheet.")
    if path.stat().st_size > MAX_BYTES:
        raise WorkflowError(
            f"The file {path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split the sheet."
        )
    try:
        table = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except OSError as exc:
        raise WorkflowError(f"The file {path.name} could not be read ({exc.strerror}).") from None
    if not table or not any(str(c or "").strip() for c in table[0]):
        raise WorkflowError(f"The file {path.name} is empty; its first row must name the columns.")
    headings = [_heading(c) for c in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in headings]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise WorkflowError(
            f"The file {path.name} has no column{'s' if len(missing) > 1 else ''} {names}."
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        values = {}
        for heading, cell in zip(headings, cells, strict=False):
            if heading and heading not in values:
                values[heading] = cell
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise WorkflowError(
            f"The file {path.name} has {len(rows)} rows; at most {MAX_ROWS} go in one import."
        )
    return headings, rows


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
        for body in session.scalars(select(Body)):
            for key in (body.short_name, body.official_name):
                self.applicants[key.casefold()] = body
        for city in session.scalars(select(City)):
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


# -- the import ---------------------------------------------------------------------------------
def _checked(
    session: Session, path: Path, actor: Actor, dry_run: bool
) -> tuple[ImportReport, list[_Row]]:
    require_staff(actor, "import applications")
    _headings, table = read_sheet(path)
    report = ImportReport(file_name=path.name, dry_run=dry_run, rows=len(table))
    if not table:
        raise WorkflowError(f"The file {path.name} has no applications below its headings.")
    lookup = _Lookup(session)
    checked = [_check_row(n, values, lookup, report.problems) for n, values in table]
    good = [r for r in checked if r is not None]
    report.submitted = sum(1 for r in good if r.lines)
    report.drafts = len(good) - report.submitted
    if report.problems and not dry_run:
        raise ImportRefused(report)
    return report, good


def import_applications(
    session: Session, path: str | Path, *, actor: Actor, now: datetime, dry_run: bool = True
) -> ImportReport:
    """Check a sheet of applications (dry run) or import it whole (see the module docstring)."""
    report, good = _checked(session, Path(path), actor, dry_run)
    if dry_run:
        return report
    contacts: dict[str, int] = {}
    for row in good:
        _import_row(session, row, report, actor, now, contacts)
    return report


def import_steps(
    db: Database, path: str | Path, *, actor: Actor, now: datetime
) -> Generator[tuple[int, int, str], None, ImportReport]:
    """The real import as long work: yields (done, total, label) per row, returns the report.

    It runs in its own unit of work, committed only after the last row: closing the generator
    early (Cancel) rolls everything back, so a sheet is still imported whole or not at all.
    """
    path = Path(path)
    with db.unit_of_work() as session:
        report, good = _checked(session, path, actor, dry_run=False)
        contacts: dict[str, int] = {}
        for done, row in enumerate(good):
            yield done, len(good), f"Row {row.number}: {row.texts['title']}"
            _import_row(session, row, report, actor, now, contacts)
        yield len(good), len(good), f"Saving {len(good)} applications"
    return report


def _import_row(
    session: Session,
    row: _Row,
    report: ImportReport,
    actor: Actor,
    now: datetime,
    contacts: dict[str, int],
) -> None:
    app_id = _write(session, row, report.file_name, actor, now, contacts)
    report.application_ids.append(app_id)
    if row.lines:
        report.references.append(submit(session, application_id=app_id, actor=actor, now=now))


def _contact(session: Session, row: _Row, now: datetime, contacts: dict[str, int]) -> int:
    email = row.texts["contact email"]
    key = email.casefold()
    if key in contacts:
        return contacts[key]
    person_id = session.scalar(select(Person.id).where(func.lower(Person.email) == key))
    if person_id is None:
        person = Person(
            full_name=row.texts["contact name"],
            title="",
            city_id=row.city.id if row.city else None,
            body_id=row.body.id if row.body else None,
            role=(PersonRole.OFFICIAL if row.city else PersonRole.PARTNER).value,
            email=email,
            phone=row.texts["contact phone"],
            consent_basis=ConsentBasis.CONSENT.value,
            consent_recorded_on=south_african_day(now),
            active=True,
        )
        session.add(person)
        session.flush()
        person_id = person.id
    contacts[key] = person_id
    return person_id


def _write(
    session: Session,
    row: _Row,
    file_name: str,
    actor: Actor,
    now: datetime,
    contacts: dict[str, int],
) -> int:
    app = Application(
        round_id=row.round.id,
        applicant_city_id=row.city.id if row.city else None,
        applicant_body_id=row.body.id if row.body else None,
        title=row.texts["title"],
        summary=row.texts["summary"],
        problem=row.texts["problem"],
        intervention=row.texts["intervention"],
        requested_cents=row.requested,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        contact_person_id=_contact(session, row, now, contacts),
        theme_id=row.theme_id,
        state=ApplicationState.DRAFT.value,
        state_changed_at=now,
        created_at=now,
    )
    session.add(app)
    session.flush()
    for position, (description, cents) in enumerate(row.lines, start=1):
        session.add(
            BudgetLine(
                application_id=app.id,
                position=position,
                description=description,
                amount_cents=cents,
            )
        )
    audit(
        session,
        actor=actor,
        now=now,
        entity="application",
        entity_id=app.id,
        action="import",
        from_state=None,
        to_state=ApplicationState.DRAFT.value,
        reason="",
        detail=f"imported from {file_name}, row {row.number}",
    )
    session.flush()
    return app.id
