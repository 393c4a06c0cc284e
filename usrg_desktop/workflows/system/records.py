"""Records that can be trusted: checking the database file and the audit log's hash chain.

`check_records` reads (SQLite's integrity and foreign-key checks, then
`audit_trail.verify_chain`); `note_records_check` keeps the outcome of the latest check in the
settings table, so the Administration area can say when the records were last verified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...domain.accounts import Setting
from .audit_trail import ChainCheck, verify_chain
from .dates import sast_minutes

LAST_CHECK_SETTING = "records.last_check"


@dataclass(frozen=True)
class RecordsCheck:
    """The outcome of checking the database: the file's integrity and the audit chain."""

    chain: ChainCheck
    # None when the engine keeps its own integrity (PostgreSQL) and the check was skipped.
    integrity_problem: str | None = None
    integrity_checked: bool = True

    @property
    def ok(self) -> bool:
        """True when the file is sound and every audit event verifies."""
        return self.integrity_problem is None and self.chain.ok

    def sentence(self, database: str) -> str:
        """One sentence saying what was found, naming the database."""
        if self.integrity_problem is not None:
            return f"The database {database} fails its integrity check: {self.integrity_problem}"
        if not self.chain.ok:
            return self.chain.sentence
        n = self.chain.events
        events = f"{n:,} audit event{'s' if n != 1 else ''} chained".replace(",", " ")
        if self.chain.redacted:
            events += f" ({self.chain.redacted} with names taken out by an anonymisation)"
        if not self.integrity_checked:
            return (
                f"The database {database} verifies: {events} (the integrity check is left to "
                "the PostgreSQL server)."
            )
        return f"The database {database} verifies: {events}, integrity check ok."


def check_records(session: Session) -> RecordsCheck:
    """Run SQLite's integrity and foreign-key checks (not on PostgreSQL) and verify the chain."""
    if session.get_bind().dialect.name != "sqlite":
        return RecordsCheck(verify_chain(session), integrity_checked=False)
    problems = [r[0] for r in session.execute(text("PRAGMA integrity_check")).all()]
    if problems != ["ok"]:
        return RecordsCheck(ChainCheck(0), integrity_problem=f"{problems[0]}.")
    orphans = session.execute(text("PRAGMA foreign_key_check")).all()
    if orphans:
        table, rowid, parent = orphans[0][0], orphans[0][1], orphans[0][2]
        more = f" (and {len(orphans) - 1} more)" if len(orphans) > 1 else ""
        return RecordsCheck(
            ChainCheck(0),
            integrity_problem=f"row {rowid} of {table} refers to a missing row of {parent}{more}.",
        )
    return RecordsCheck(verify_chain(session))


def note_records_check(
    session: Session, *, check: RecordsCheck, database: str, now: datetime
) -> None:
    """Keep when the records were last checked and what was found (for the Administration area)."""
    value = json.dumps(
        {
            "at": now.isoformat(timespec="seconds"),
            "ok": check.ok,
            "events": check.chain.events,
            "sentence": check.sentence(database),
        }
    )
    setting = session.get(Setting, LAST_CHECK_SETTING)
    if setting is None:
        session.add(Setting(key=LAST_CHECK_SETTING, value=value[:4000]))
    else:
        setting.value = value[:4000]


def last_records_check(session: Session) -> str | None:
    """A sentence saying when the records were last checked and with what result, or None."""
    setting = session.get(Setting, LAST_CHECK_SETTING)
    if setting is None:
        return None
    try:
        noted = json.loads(setting.value)
        when = sast_minutes(datetime.fromisoformat(noted["at"]))
        outcome = "all verified" if noted["ok"] else "a problem was found"
    except (ValueError, KeyError, TypeError):
        return None
    return f"Last checked {when}: {outcome}."
