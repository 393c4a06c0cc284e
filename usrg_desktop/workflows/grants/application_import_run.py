"""Importing a checked applications sheet: the report, the dry run and the real import.

`import_applications(..., dry_run=True)` reads and checks the whole sheet and writes nothing.
A real run writes nothing unless every row is good (it raises `ImportRefused`, carrying the
report), so a sheet is imported whole or not at all, in the caller's one transaction; a row
with budget lines goes through the state machine's `submit`, a row without is a draft.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.directory import Person, PersonRole
from ...domain.grants import Application, ApplicationState
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from ..system.roles import require_staff
from .application_form import add_budget_lines, new_contact_person
from .application_import_checks import RowProblem, _check_row, _Lookup, _Row
from .application_import_sheet import read_sheet
from .applications import submit

if TYPE_CHECKING:
    from ...storage import Database


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
        person_id = new_contact_person(
            session,
            name=row.texts["contact name"],
            email=email,
            phone=row.texts["contact phone"],
            city_id=row.city.id if row.city else None,
            body_id=row.body.id if row.body else None,
            role=(PersonRole.OFFICIAL if row.city else PersonRole.PARTNER).value,
            now=now,
        ).id
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
    add_budget_lines(session, app.id, row.lines)
    audit(
        session,
        "application",
        app.id,
        "import",
        actor=actor,
        now=now,
        from_state=None,
        to_state=ApplicationState.DRAFT.value,
        reason="",
        detail=f"imported from {file_name}, row {row.number}",
    )
    session.flush()
    return app.id
