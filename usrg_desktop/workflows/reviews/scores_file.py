"""Importing scores files, all or nothing (the file's format is `scores_format.py`).

Import checks, in this order, and writes nothing unless every check passes: size, JSON shape,
the packet is one this database issued, signature, reviewer, round, the round's review is
still open, same file again (unchanged), older than a file already imported (refused), each
application assigned to this reviewer and still under review, each score on its criterion's
scale, every required criterion scored, a recommendation for each scored application.

The format's names are importable from here too, as they were before it had its own module.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ... import settings
from ...domain.directory import Person
from ...domain.grants import Application, Round
from ...domain.reviews import (
    Assignment,
    AssignmentStatus,
    Conflict,
    Criterion,
    Reviewer,
    ReviewPacket,
    Score,
    ScoresImport,
)
from ...steps import drain
from ...storage import UniqueClash
from .. import Actor, WorkflowError
from ..system.audit_trail import record
from ..system.dates import sast_minutes, sast_seconds
from ..system.roles import require_staff
from .review_packets import REVIEWABLE
from .scores_format import (
    CLOCK_SKEW,
    CONFLICT_KINDS,
    MAX_ID,
    MAX_SCORES_BYTES,
    MAX_TEXT,
    RECOMMENDATIONS,
    SCORES_FORMAT,
    SCORES_SUFFIX,
    SCORES_VERSION,
    ReviewEntry,
    ScoresFileError,
    ScoresPayload,
    _naive,
    _too_big,
    canonical,
    check_written_at,
    encode_scores,
    parse_scores,
    sign,
    timestamp,
    verify,
)

if TYPE_CHECKING:
    from ...storage import Database

__all__ = [
    "CLOCK_SKEW",
    "CONFLICT_KINDS",
    "IMPORTABLE_ROUNDS",
    "IMPORTED",
    "ImportReport",
    "ImportResult",
    "MAX_ID",
    "MAX_SCORES_BYTES",
    "MAX_TEXT",
    "RECOMMENDATIONS",
    "REJECTED",
    "REPLACED",
    "ReviewEntry",
    "SCORES_FORMAT",
    "SCORES_SUFFIX",
    "SCORES_VERSION",
    "ScoresFileError",
    "ScoresPayload",
    "UNCHANGED",
    "canonical",
    "check_written_at",
    "encode_scores",
    "import_many",
    "import_many_now",
    "import_scores",
    "parse_scores",
    "sign",
    "timestamp",
    "verify",
]

# The review is open for imports while the round is closed (packets out) or reviewing.
IMPORTABLE_ROUNDS = frozenset({"closed", "reviewing"})


# Statements built once: an import runs a dozen per file, and building them each time costs
# more than running them (bench/scores_import.py).
_PACKET_Q = (
    select(
        ReviewPacket.id,
        ReviewPacket.reviewer_id,
        ReviewPacket.round_id,
        ReviewPacket.signing_secret,
        ReviewPacket.issued_at,
        Person.full_name.label("reviewer_name"),
        Round.name.label("round_name"),
        Round.status.label("round_status"),
        Round.rubric_id,
    )
    .join(Reviewer, Reviewer.id == ReviewPacket.reviewer_id)
    .join(Person, Person.id == Reviewer.person_id)
    .join(Round, Round.id == ReviewPacket.round_id)
    .where(ReviewPacket.packet_uid == bindparam("uid"))
)
_EARLIER_Q = select(ScoresImport.imported_at).where(ScoresImport.file_sha256 == bindparam("sha"))
_NEWEST_Q = (
    select(ScoresImport.exported_at, ScoresImport.imported_at)
    .where(ScoresImport.packet_id == bindparam("packet"))
    .order_by(ScoresImport.exported_at.desc(), ScoresImport.id.desc())
    .limit(1)
)
_CRITERIA_Q = (
    select(
        Criterion.id,
        Criterion.code,
        Criterion.name,
        Criterion.scale_min,
        Criterion.scale_max,
        Criterion.required,
    )
    .where(Criterion.rubric_id == bindparam("rubric"))
    .order_by(Criterion.position)
)
_FOUND_Q = (
    select(
        Application.id.label("application_id"),
        Application.reference,
        Application.round_id,
        Application.state,
        Assignment.id,
        Assignment.reviewer_id,
        Assignment.status,
    )
    .outerjoin(
        Assignment,
        (Assignment.application_id == Application.id)
        & (Assignment.reviewer_id == bindparam("reviewer")),
    )
    .where(Application.id.in_(bindparam("ids", expanding=True)))
)
# A model's __table__ is typed as any FromClause (a model may map a join); these are tables.
_IMPORTS = cast(Table, ScoresImport.__table__)
_SCORES = cast(Table, Score.__table__)
_ASSIGNMENTS = cast(Table, Assignment.__table__)
_SUPERSEDE = (
    update(_IMPORTS).where(_IMPORTS.c.packet_id == bindparam("packet")).values(superseded=True)
)
_INSERT_IMPORT = _IMPORTS.insert().returning(_IMPORTS.c.id)
_DELETE_SCORES = delete(_SCORES).where(
    _SCORES.c.assignment_id.in_(bindparam("ids", expanding=True))
)
_UPDATE_ASSIGNMENTS = (
    _ASSIGNMENTS.update()
    .where(_ASSIGNMENTS.c.id == bindparam("assignment"))
    .values(
        status=bindparam("status"),
        recommendation=bindparam("recommendation"),
        overall_comment=bindparam("overall_comment"),
        scored_at=bindparam("scored_at"),
        scores_import_id=bindparam("import_id"),
    )
)
_INSERT_SCORES = _SCORES.insert()


# -- importing ---------------------------------------------------------------------------------
IMPORTED, UNCHANGED, REPLACED, REJECTED = "imported", "unchanged", "replaced", "rejected"


@dataclass(frozen=True)
class ImportResult:
    """How one scores file was taken: imported, unchanged, replaced or rejected, and why."""

    file: str
    status: str
    sentence: str

    @property
    def line(self) -> str:
        """One report line: file, outcome, why."""
        return f"{self.file}: {self.status}: {self.sentence}"


@dataclass
class ImportReport:
    """The outcome of importing many files, one result per file in the order given."""

    results: list[ImportResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with this status."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def any_rejected(self) -> bool:
        """Whether at least one file was refused."""
        return self.count(REJECTED) > 0

    def summary(self) -> str:
        """The counts in one line."""
        parts = [
            f"{self.count(s)} {s}"
            for s in (IMPORTED, REPLACED, UNCHANGED, REJECTED)
            if self.count(s)
        ]
        return ", ".join(parts) or "no files"


def import_scores(
    session: Session, path: str | Path, *, actor: Actor, now: datetime
) -> ImportResult:
    """Import one scores file in the caller's unit of work: all of it or, if refused, none."""
    require_staff(actor, "import scores")
    source = Path(path)
    try:
        return _import(session, source, actor, now)
    except ScoresFileError as exc:
        return ImportResult(source.name, REJECTED, str(exc))


def _read(source: Path) -> bytes:
    name = source.name
    try:
        size = source.stat().st_size
        if size > MAX_SCORES_BYTES:
            raise ScoresFileError(_too_big(name, size))
        with source.open("rb") as handle:
            data = handle.read(MAX_SCORES_BYTES + 1)
    except FileNotFoundError:
        raise ScoresFileError(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise ScoresFileError(f"{name} is a folder, not a scores file.") from None
    except OSError as exc:
        raise ScoresFileError(f"{name} cannot be read: {exc.strerror}.") from None
    if len(data) > MAX_SCORES_BYTES:
        raise ScoresFileError(_too_big(name, len(data)))
    return data


def _import(session: Session, source: Path, actor: Actor, now: datetime) -> ImportResult:
    name = source.name
    data = _read(source)
    parsed = parse_scores(data, name)
    conn = session.connection()
    packet = conn.execute(_PACKET_Q, {"uid": parsed.packet_uid}).first()
    if packet is None:
        raise ScoresFileError(
            f"{name} was not made from a review packet this database issued; nothing was imported."
        )
    if not verify(parsed, packet.signing_secret):
        raise ScoresFileError(
            f"{name} does not carry a valid signature for its packet: it was changed after it "
            "was written or made with another packet; nothing was imported."
        )
    reviewer_name = packet.reviewer_name
    check_written_at(name, parsed.written_at, packet.issued_at, now)
    if parsed.reviewer_id != packet.reviewer_id:
        other = _reviewer_name(session, parsed.reviewer_id)
        raise ScoresFileError(
            f"{name} names the reviewer {other} but was signed with the packet of "
            f"{reviewer_name}; nothing was imported."
        )
    if parsed.round_id != packet.round_id:
        other_round = session.get(Round, parsed.round_id)
        other_name = other_round.name if other_round else f"round {parsed.round_id}"
        raise ScoresFileError(
            f"{name} is for '{other_name}' but its packet is for '{packet.round_name}'; "
            "nothing was imported."
        )
    if packet.round_status not in IMPORTABLE_ROUNDS:
        raise ScoresFileError(
            f"The review of '{packet.round_name}' is closed (the round is "
            f"{packet.round_status}), so {name} "
            f"from {reviewer_name} was not imported."
        )
    digest = hashlib.sha256(data).hexdigest()
    earlier = conn.execute(_EARLIER_Q, {"sha": digest}).first()
    if earlier is not None:
        return ImportResult(
            name,
            UNCHANGED,
            f"This file from {reviewer_name} was already imported on "
            f"{sast_minutes(earlier.imported_at)} SAST; nothing changed.",
        )
    newest = conn.execute(_NEWEST_Q, {"packet": packet.id}).first()
    # A file imported before dates were checked, from a clock running ahead, orders nothing:
    # the reviewer's later files are not held back by its date.
    if (
        newest is not None
        and _naive(newest.exported_at) >= parsed.written_at
        and _naive(newest.exported_at) <= _naive(newest.imported_at) + CLOCK_SKEW
    ):
        same = _naive(newest.exported_at) == parsed.written_at
        raise ScoresFileError(
            f"{name} was written {sast_seconds(parsed.written_at)} SAST, "
            + ("at the same moment as" if same else "before")
            + f" the file from {reviewer_name} imported on "
            f"{sast_minutes(newest.imported_at)} SAST; an older file never replaces a newer one."
        )
    plan = _check_entries(conn, name, parsed, packet)

    # Every check passed: write it all.
    replaced = newest is not None
    if replaced:
        conn.execute(_SUPERSEDE, {"packet": packet.id})
    record_id = conn.execute(
        _INSERT_IMPORT,
        {
            "packet_id": packet.id,
            "file_sha256": digest,
            "exported_at": parsed.written_at,
            "imported_at": now,
            "imported_by_user_id": actor.user_id,
            "superseded": False,
        },
    ).scalar_one()
    conn.execute(_DELETE_SCORES, {"ids": [a.id for a, _, _ in plan]})
    score_rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    conflicts = 0
    for assignment, entry, resolved in plan:
        if entry.conflict:
            conflicts += 1
            _declare_conflict(session, assignment, entry, parsed.written_at)
            changes.append(
                {
                    "assignment": assignment.id,
                    "status": AssignmentStatus.CONFLICT.value,
                    "recommendation": None,
                    "overall_comment": "",
                    "scored_at": None,
                    "import_id": record_id,
                }
            )
            continue
        changes.append(
            {
                "assignment": assignment.id,
                "status": AssignmentStatus.SCORED.value,
                "recommendation": entry.recommendation,
                "overall_comment": entry.comment,
                "scored_at": parsed.written_at,
                "import_id": record_id,
            }
        )
        for criterion_id, (score, comment) in resolved.items():
            score_rows.append(
                {
                    "assignment_id": assignment.id,
                    "criterion_id": criterion_id,
                    "score": score,
                    "comment": comment,
                }
            )
    conn.execute(_UPDATE_ASSIGNMENTS, changes)
    if score_rows:
        conn.execute(_INSERT_SCORES, score_rows)
    reviews = len(plan) - conflicts
    said = f"{reviews} review{'s' if reviews != 1 else ''}"
    if conflicts:
        said += f" and {conflicts} declared conflict{'s' if conflicts != 1 else ''}"
    record(
        session,
        {
            "occurred_at": now,
            "actor_user_id": actor.user_id,
            "actor_name": actor.name,
            "entity": "scores_import",
            "entity_id": record_id,
            "action": "replace_scores" if replaced else "import_scores",
            "from_state": None,
            "to_state": None,
            "reason": "",
            "detail": f"{said} from {reviewer_name} for {packet.round_name} ({name}, "
            f"SHA-256 {digest})",
        },
    )
    if replaced:
        return ImportResult(
            name, REPLACED, f"{said.capitalize()} from {reviewer_name} replace their earlier file."
        )
    return ImportResult(name, IMPORTED, f"{said.capitalize()} from {reviewer_name} imported.")


def _check_entries(
    conn: Any,
    name: str,
    parsed: ScoresPayload,
    packet: Any,
) -> list[tuple[Any, ReviewEntry, dict[int, tuple[int, str]]]]:
    criteria = conn.execute(_CRITERIA_Q, {"rubric": packet.rubric_id}).all()
    by_code = {c.code: c for c in criteria}
    ids = [e.application_id for e in parsed.entries]
    found = conn.execute(_FOUND_Q, {"reviewer": packet.reviewer_id, "ids": ids}).all()
    apps = {a.application_id: a for a in found}
    assignments = {a.application_id: a for a in found if a.id is not None}
    reviewer_name = packet.reviewer_name
    rnd_id = packet.round_id
    plan: list[tuple[Any, ReviewEntry, dict[int, tuple[int, str]]]] = []
    for entry in parsed.entries:
        app = apps.get(entry.application_id)
        label = app.reference if app is not None and app.reference else entry.reference
        assignment = assignments.get(entry.application_id)
        if app is None or app.round_id != rnd_id or assignment is None:
            raise ScoresFileError(
                f"{name} scores {label}, which is not assigned to {reviewer_name}; nothing "
                "was imported."
            )
        if app.state not in REVIEWABLE:
            raise ScoresFileError(
                f"{name} scores {label}, which is {app.state.replace('_', ' ')} and no longer "
                "under review; nothing was imported."
            )
        resolved: dict[int, tuple[int, str]] = {}
        if entry.conflict:
            if entry.conflict_kind not in CONFLICT_KINDS:
                raise ScoresFileError(
                    f"{name} declares a conflict on {label} of an unknown kind "
                    f"'{entry.conflict_kind}'; nothing was imported."
                )
            if entry.scores:
                raise ScoresFileError(
                    f"{name} declares a conflict on {label} and also scores it; nothing was "
                    "imported."
                )
            plan.append((assignment, entry, resolved))
            continue
        if assignment.status == AssignmentStatus.CONFLICT.value:
            raise ScoresFileError(
                f"{name} scores {label}, but a conflict of interest of {reviewer_name} on it "
                "is recorded; the secretariat must remove that conflict first. Nothing was "
                "imported."
            )
        for code, (score, comment) in entry.scores.items():
            criterion = by_code.get(code)
            if criterion is None:
                raise ScoresFileError(
                    f"{name} scores {label} on '{code}', which is not a criterion of the "
                    "round's rubric; nothing was imported."
                )
            if not criterion.scale_min <= score <= criterion.scale_max:
                raise ScoresFileError(
                    f"{name} gives {label} {score} for '{criterion.name}', outside its scale "
                    f"of {criterion.scale_min} to {criterion.scale_max}; nothing was imported."
                )
            resolved[criterion.id] = (score, comment)
        missing = [c.name for c in criteria if c.required and c.code not in entry.scores]
        if missing:
            raise ScoresFileError(
                f"{name} does not score {label} on '{missing[0]}'"
                + (f" and {len(missing) - 1} more criteria" if len(missing) > 1 else "")
                + "; every required criterion needs a score, so nothing was imported."
            )
        if entry.recommendation not in RECOMMENDATIONS:
            raise ScoresFileError(
                f"{name} has no valid overall recommendation for {label} (fund, fund with "
                "conditions or do not fund); nothing was imported."
            )
        plan.append((assignment, entry, resolved))
    return plan


def _declare_conflict(
    session: Session, assignment: Any, entry: ReviewEntry, declared_at: datetime
) -> None:
    existing = session.scalar(
        select(Conflict).where(
            Conflict.reviewer_id == assignment.reviewer_id,
            Conflict.application_id == assignment.application_id,
        )
    )
    if existing is None:
        session.add(
            Conflict(
                reviewer_id=assignment.reviewer_id,
                application_id=assignment.application_id,
                kind=entry.conflict_kind,
                reason=entry.conflict_reason,
                declared_at=declared_at,
            )
        )
    else:
        existing.kind = entry.conflict_kind
        existing.reason = entry.conflict_reason


def _reviewer_name(session: Session, reviewer_id: int) -> str:
    name = session.scalar(
        select(Person.full_name)
        .join(Reviewer, Reviewer.person_id == Person.id)
        .where(Reviewer.id == reviewer_id)
    )
    return name or f"reviewer {reviewer_id}"


def import_many(
    db: Database, paths: Sequence[str | Path], *, actor: Actor, now: datetime
) -> Generator[tuple[int, int, str], None, ImportReport]:
    """Import scores files one unit of work each; yields progress, returns the report."""
    require_staff(actor, "import scores")
    report = ImportReport()
    total = len(paths)
    for n, path in enumerate(paths, start=1):
        try:
            with db.unit_of_work() as session:
                result = import_scores(session, path, actor=actor, now=now)
                if result.status == REJECTED:
                    session.rollback()
        except WorkflowError as exc:
            result = ImportResult(Path(path).name, REJECTED, str(exc))
        except (IntegrityError, UniqueClash):
            result = ImportResult(
                Path(path).name,
                REJECTED,
                "The file was being imported at the same moment elsewhere; import it again.",
            )
        except Exception as exc:  # noqa: BLE001  (one file's bug must not stop the batch)
            # The unit of work rolled this file back; the others are still imported, and the
            # report names this one. The traceback goes to the log, not to the user.
            logging.getLogger(__name__).exception("Importing the scores file %s failed", path)
            result = ImportResult(
                Path(path).name,
                REJECTED,
                f"An unexpected error stopped this file ({type(exc).__name__}); nothing of it was "
                f"imported. The details are in the program's log file ({settings.log_file()}).",
            )
        report.results.append(result)
        yield n, total, f"{result.file}: {result.status}"
    return report


def import_many_now(db: Database, paths: Sequence[str | Path], **kwargs: Any) -> ImportReport:
    """Run `import_many` to the end (for the command line and tests)."""
    return drain(import_many(db, paths, **kwargs))
