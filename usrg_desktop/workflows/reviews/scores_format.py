"""The scores file's format (pure): what a reviewer sends back, signed.

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

Importing a file into the database is `scores_file.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ...domain.reviews import ConflictKind, Recommendation
from .. import WorkflowError
from ..system.dates import sast_minutes

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
RECOMMENDATIONS = tuple(r.value for r in Recommendation)
CONFLICT_KINDS = tuple(k.value for k in ConflictKind)


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


def _naive(moment: datetime | str) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
