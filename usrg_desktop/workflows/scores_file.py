"""Scores files: what a reviewer sends back, signed, and their all-or-nothing import.

A scores file (`.usrgscores`) is one JSON document in canonical form (keys sorted, no spaces,
UTF-8): `{"payload": {...}, "signature": "<hex>"}`. The signature is HMAC-SHA256 of the
canonical bytes of the payload under the secret in the reviewer's packet. A file must be
byte for byte the canonical form of what it says, so one changed byte anywhere (a score, a
comment, the signature, even a space) is refused.

The payload: format and version, the packet's id, round id, reviewer id, `written_at` (UTC,
microseconds: which of two files is newer), and per application either a declared conflict
(kind, reason) or the scores per criterion with comments, the overall recommendation and
comment. A file holds the applications the reviewer finished; a newer file replaces the older
file's review of each application it holds (the others keep what the older file said).

Import checks, in this order, and writes nothing unless every check passes: size, JSON shape,
the packet is one this database issued, signature, reviewer, round, the round's review is
still open, same file again (unchanged), older than a file already imported (refused), each
application assigned to this reviewer and still under review, each score on its criterion's
scale, every required criterion scored, a recommendation for each scored application.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import settings
from ..domain.directory import Person
from ..domain.grants import Application, Round
from ..domain.reviews import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictKind,
    Criterion,
    Recommendation,
    Reviewer,
    ReviewPacket,
    Score,
    ScoresImport,
)
from ..steps import drain
from ..storage import UniqueClash
from . import Actor, WorkflowError
from .audit_trail import record
from .dates import sast_minutes, sast_seconds
from .review_packets import REVIEWABLE
from .roles import require_staff

if TYPE_CHECKING:
    from ..storage import Database

SCORES_SUFFIX = ".usrgscores"
SCORES_FORMAT = "usrg-scores"
SCORES_VERSION = 1
MAX_SCORES_BYTES = 4 * 1024 * 1024
MAX_TEXT = 20_000
# Ids in a file are record numbers: above zero and within the database's integer columns.
MAX_ID = 2**31 - 1
# How far a reviewer's computer clock may be off: a file "written" later than this after the
# import, or earlier than this before its packet was issued, has a wrong date and is refused.
CLOCK_SKEW = timedelta(days=1)
# The review is open for imports while the round is closed (packets out) or reviewing.
IMPORTABLE_ROUNDS = frozenset({"closed", "reviewing"})
RECOMMENDATIONS = tuple(r.value for r in Recommendation)
CONFLICT_KINDS = tuple(k.value for k in ConflictKind)


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
_IMPORTS = ScoresImport.__table__
_SUPERSEDE = (
    update(_IMPORTS).where(_IMPORTS.c.packet_id == bindparam("packet")).values(superseded=True)
)
_INSERT_IMPORT = _IMPORTS.insert().returning(_IMPORTS.c.id)
_DELETE_SCORES = delete(Score.__table__).where(
    Score.__table__.c.assignment_id.in_(bindparam("ids", expanding=True))
)
_ASSIGNMENTS = Assignment.__table__
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
_INSERT_SCORES = Score.__table__.insert()


class ScoresFileError(WorkflowError):
    """A scores file that is refused; the message says why in one sentence."""


# -- the file format (pure) --------------------------------------------------------------------
def canonical(value: Any) -> bytes:
    """The canonical bytes of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign(payload: dict[str, Any], secret_hex: str) -> str:
    """The HMAC-SHA256 of the payload's canonical bytes, as lowercase hex."""
    return hmac.new(bytes.fromhex(secret_hex), canonical(payload), hashlib.sha256).hexdigest()


def encode_scores(payload: dict[str, Any], secret_hex: str) -> bytes:
    """The bytes of a signed scores file."""
    return canonical({"payload": payload, "signature": sign(payload, secret_hex)})


def timestamp(moment: datetime) -> str:
    """A moment as the file writes it: UTC ISO text with microseconds and a Z."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class ReviewEntry:
    """One application's review in a scores file."""

    application_id: int
    reference: str
    conflict: bool
    conflict_kind: str
    conflict_reason: str
    scores: dict[str, tuple[int, str]]  # criterion code -> (score, comment)
    recommendation: str | None
    comment: str


@dataclass(frozen=True)
class ScoresPayload:
    """A scores file's content, its shape checked (not yet its signature)."""

    packet_uid: str
    round_id: int
    reviewer_id: int
    written_at: datetime  # naive UTC
    entries: list[ReviewEntry]
    payload: dict[str, Any]
    signature: str
    payload_bytes: bytes = b""  # the canonical bytes the signature covers


def parse_scores(data: bytes, name: str = "The scores file") -> ScoresPayload:
    """Check a scores file's bytes are canonical JSON of the right shape; ScoresFileError if not."""
    if len(data) > MAX_SCORES_BYTES:
        raise ScoresFileError(_too_big(name, len(data)))
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ScoresFileError(
            f"{name} is not a scores file, or it is damaged or cut short."
        ) from None
    if not isinstance(document, dict) or set(document) != {"payload", "signature"}:
        raise ScoresFileError(f"{name} is not a scores file.")
    payload, signature = document["payload"], document["signature"]
    if not isinstance(payload, dict) or payload.get("format") != SCORES_FORMAT:
        raise ScoresFileError(f"{name} is not a scores file.")
    if payload.get("version") != SCORES_VERSION:
        raise ScoresFileError(
            f"{name} is a scores file of format version {payload.get('version')}; this program "
            f"reads version {SCORES_VERSION}."
        )
    if canonical(document) != data:
        raise ScoresFileError(
            f"{name} has been changed since it was written (it is not byte for byte what the "
            "program writes); nothing was imported."
        )
    try:
        written_at = _moment(payload["written_at"])
    except (KeyError, TypeError, ValueError):
        raise ScoresFileError(
            f"{name} is damaged: its time of writing is not a UTC time like "
            "2026-11-25T09:30:00.000000Z; nothing was imported."
        ) from None
    try:
        entries = [_entry(e) for e in payload["applications"]]
        parsed = ScoresPayload(
            packet_uid=_text(payload["packet_id"], 64),
            round_id=_id(payload["round_id"]),
            reviewer_id=_id(payload["reviewer_id"]),
            written_at=written_at,
            entries=entries,
            payload=payload,
            signature=_text(signature, 64),
            # The file is canonical, so the payload's canonical bytes are a slice of it.
            payload_bytes=_payload_slice(data, signature),
        )
    except _OutOfRange as exc:
        raise ScoresFileError(
            f"{name} is damaged: it holds {exc} where a record number belongs; nothing was "
            "imported."
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ScoresFileError(f"{name} is damaged: some of its content is missing.") from None
    if not parsed.entries:
        raise ScoresFileError(f"{name} holds no reviews.")
    ids = [e.application_id for e in parsed.entries]
    if len(set(ids)) != len(ids):
        raise ScoresFileError(f"{name} holds the same application twice.")
    return parsed


_PREFIX = b'{"payload":'


def _payload_slice(data: bytes, signature: Any) -> bytes:
    """The payload's canonical bytes, cut from a canonical file (keys sort: payload first)."""
    suffix = b',"signature":' + canonical(signature) + b"}"
    if not (data.startswith(_PREFIX) and data.endswith(suffix)):
        raise ValueError("not canonical")
    return data[len(_PREFIX) : len(data) - len(suffix)]


def verify(parsed: ScoresPayload, secret_hex: str) -> bool:
    """Whether the signature was made with this secret over exactly this payload."""
    signed = parsed.payload_bytes or canonical(parsed.payload)
    expected = hmac.new(bytes.fromhex(secret_hex), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parsed.signature)


def _entry(e: dict[str, Any]) -> ReviewEntry:
    conflict = e["conflict"]
    declared = conflict["declared"]
    if not isinstance(declared, bool):
        raise TypeError("declared")
    scores: dict[str, tuple[int, str]] = {}
    for s in e["scores"]:
        code = _text(s["criterion"], 40)
        if code in scores:
            raise ValueError("criterion twice")
        scores[code] = (_int(s["score"]), _text(s["comment"]))
    recommendation = e["recommendation"]
    if recommendation is not None:
        recommendation = _text(recommendation, 40)
    return ReviewEntry(
        application_id=_id(e["application_id"]),
        reference=_text(e["reference"], 40),
        conflict=declared,
        conflict_kind=_text(conflict["kind"], 20) if declared else "",
        conflict_reason=_text(conflict["reason"]) if declared else "",
        scores=scores,
        recommendation=recommendation,
        comment=_text(e["comment"]),
    )


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise TypeError("not text")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not an integer")
    return value


class _OutOfRange(ValueError):
    """An id in a scores file that cannot be a record number (its str() is the number)."""


def _id(value: Any) -> int:
    number = _int(value)
    if not 0 < number <= MAX_ID:
        raise _OutOfRange(str(number) if len(str(number)) <= 30 else f"{str(number)[:27]}...")
    return number


def _moment(value: Any) -> datetime:
    text = _text(value, 40)
    if not text.endswith("Z"):
        raise ValueError("not UTC")
    moment = datetime.fromisoformat(text[:-1])
    if moment.tzinfo is not None:
        raise ValueError("a time zone beside the Z")
    return moment


def check_written_at(name: str, written_at: datetime, issued_at: datetime, now: datetime) -> None:
    """Refuse a file whose time of writing cannot be true: ahead of now, or before its packet.

    A reviewer's computer with a wrong clock writes such dates. Refusing the file (rather than
    taking it) keeps it from counting as "newer" than the reviewer's later, rightly dated files.
    """
    written, issued, now = _naive(written_at), _naive(issued_at), _naive(now)
    when = f"{sast_minutes(written)} SAST"
    fix = (
        "the reviewer's computer clock is wrong: ask them to set it right and write the file "
        "again. Nothing was imported."
    )
    if written > now + CLOCK_SKEW:
        raise ScoresFileError(
            f"{name} says it was written on {when}, more than a day from now; {fix}"
        )
    if written < issued - CLOCK_SKEW:
        raise ScoresFileError(
            f"{name} says it was written on {when}, before its review packet was issued "
            f"({sast_minutes(issued)} SAST); {fix}"
        )


def _too_big(name: str, size: int) -> str:
    return (
        f"{name} is {size / (1024 * 1024):.1f} MB, larger than a scores file can be "
        f"({MAX_SCORES_BYTES // (1024 * 1024)} MB); it was not read."
    )


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


def _naive(moment: datetime | str) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


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
