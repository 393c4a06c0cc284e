"""Review packets: one file per reviewer with their applications, the rubric and their signing key.

A packet is a zip file with the extension `.usrgpacket` holding

- `packet.json`: the format and version, the packet's id, the round, the reviewer (id, name,
  email), the review deadline, the rubric (criteria, weights, scales, level descriptors), the
  reviewer's assigned applications (text, amounts, budget lines, dates, attachment names) and
  the secret that signs the reviewer's scores file (HMAC-SHA256, see scores_file.py);
- `attachments/<sha256>`: each attachment's bytes, named by their SHA-256.

Nothing else goes in: no other reviewer, no scores, no conflicts.

The signing secret: one per reviewer and round (the `review_packets` table keeps one row per
pair). It is made with `secrets.token_bytes(32)` the first time a reviewer's packet is exported
and kept when the packet is exported again (for example after an assignment changed), so a
reviewer who already scored with an earlier packet can still send their file back. Which
applications a file may score is checked against the assignments at import, not the packet.

Reading a packet never trusts the file: it must be a zip, with at most MAX_MEMBERS members, no
member name outside the packet (`..`, absolute paths, drive letters, backslashes), no member
larger than MAX_MEMBER_BYTES once expanded (counted while reading, not taken from the header)
and no more than MAX_TOTAL_BYTES in all; every attachment must match its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, Person
from ...domain.grants import Application, ApplicationState, Attachment, BudgetLine, Round
from ...domain.reviews import (
    Assignment,
    AssignmentStatus,
    Criterion,
    CriterionLevel,
    Reviewer,
    ReviewPacket,
    Rubric,
)
from ...steps import drain
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from ..system.roles import require_staff

if TYPE_CHECKING:
    from ...storage import Database

PACKET_SUFFIX = ".usrgpacket"
PACKET_FORMAT = "usrg-review-packet"
PACKET_VERSION = 1
PACKET_JSON = "packet.json"
MAX_MEMBERS = 1_000
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
# Rounds whose packets may be exported: applications are assigned once the call has closed.
EXPORTABLE_ROUNDS = frozenset({"closed", "reviewing"})
# Applications a reviewer can still review.
REVIEWABLE = frozenset({ApplicationState.IN_REVIEW.value, ApplicationState.REVIEWED.value})
_ATTACHMENT_MEMBER = re.compile(r"^attachments/([0-9a-f]{64})$")
_CHUNK = 1024 * 1024


class PacketError(WorkflowError):
    """A packet file that cannot be opened; the message says which file and what is wrong."""


# -- what a packet holds ----------------------------------------------------------------------
@dataclass(frozen=True)
class RubricCriterion:
    """One criterion of the packet's rubric, with the descriptor of each level."""

    code: str
    name: str
    weight_percent: int
    scale_min: int
    scale_max: int
    required: bool
    levels: dict[int, str]

    def levels_in_order(self) -> list[tuple[int, str]]:
        """Each level of the scale with its descriptor (empty when the rubric has none)."""
        return [
            (level, self.levels.get(level, ""))
            for level in range(self.scale_min, self.scale_max + 1)
        ]


@dataclass(frozen=True)
class PacketAttachment:
    """An attachment of an application, stored in the packet under its SHA-256."""

    sha256: str
    filename: str
    kind: str
    media_type: str
    size_bytes: int


@dataclass(frozen=True)
class PacketApplication:
    """An application as the reviewer sees it."""

    id: int
    reference: str
    title: str
    applicant: str
    summary: str
    problem: str
    intervention: str
    requested_cents: int
    budget_lines: list[tuple[str, int]]
    starts_on: date | None
    ends_on: date | None
    attachments: list[PacketAttachment] = field(default_factory=list)


@dataclass
class Packet:
    """A review packet as read from its file (or about to be written)."""

    packet_uid: str
    round_id: int
    round_name: str
    round_year: int
    round_number: int
    reviewer_id: int
    reviewer_name: str
    reviewer_email: str
    deadline: date | None
    issued_at: datetime
    rubric_name: str
    criteria: list[RubricCriterion]
    applications: list[PacketApplication]
    signing_secret: str  # hex
    path: Path | None = None

    def application(self, application_id: int) -> PacketApplication:
        """The packet's application with this id."""
        for app in self.applications:
            if app.id == application_id:
                return app
        raise KeyError(application_id)

    def by_reference(self, reference: str) -> PacketApplication | None:
        """The packet's application with this reference, if there is one."""
        wanted = reference.strip().casefold()
        for app in self.applications:
            if app.reference.casefold() == wanted:
                return app
        return None

    def to_json(self) -> dict[str, Any]:
        """The content of packet.json."""
        return {
            "format": PACKET_FORMAT,
            "version": PACKET_VERSION,
            "packet_id": self.packet_uid,
            "round": {
                "id": self.round_id,
                "name": self.round_name,
                "year": self.round_year,
                "number": self.round_number,
            },
            "reviewer": {
                "id": self.reviewer_id,
                "name": self.reviewer_name,
                "email": self.reviewer_email,
            },
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "issued_at": self.issued_at.isoformat(),
            "rubric": {
                "name": self.rubric_name,
                "criteria": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "weight_percent": c.weight_percent,
                        "scale_min": c.scale_min,
                        "scale_max": c.scale_max,
                        "required": c.required,
                        "levels": [
                            {"level": level, "descriptor": text}
                            for level, text in sorted(c.levels.items())
                        ],
                    }
                    for c in self.criteria
                ],
                "recommendations": ["fund", "fund with conditions", "do not fund"],
            },
            "applications": [
                {
                    "id": a.id,
                    "reference": a.reference,
                    "title": a.title,
                    "applicant": a.applicant,
                    "summary": a.summary,
                    "problem": a.problem,
                    "intervention": a.intervention,
                    "requested_cents": a.requested_cents,
                    "budget_lines": [
                        {"description": d, "amount_cents": c} for d, c in a.budget_lines
                    ],
                    "starts_on": a.starts_on.isoformat() if a.starts_on else None,
                    "ends_on": a.ends_on.isoformat() if a.ends_on else None,
                    "attachments": [
                        {
                            "sha256": t.sha256,
                            "filename": t.filename,
                            "kind": t.kind,
                            "media_type": t.media_type,
                            "size_bytes": t.size_bytes,
                        }
                        for t in a.attachments
                    ],
                }
                for a in self.applications
            ],
            "signing": {"algorithm": "HMAC-SHA256", "secret": self.signing_secret},
        }


@dataclass(frozen=True)
class ExportedPacket:
    """One packet written by `export_packets`."""

    reviewer_name: str
    reviewer_email: str
    path: Path
    applications: int
    attachments: int


# -- exporting ---------------------------------------------------------------------------------
def export_packets(
    db: Database,
    *,
    round_id: int,
    reviewer_email: str | None = None,
    out_dir: str | Path,
    actor: Actor,
    now: datetime,
) -> Generator[tuple[int, int, str], None, list[ExportedPacket]]:
    """Write one packet per reviewer with work in the round (or only the one named by email).

    Yields (done, total, label) after each packet; returns what was written. The packet rows
    (and their secrets) are made in one unit of work before any file is written.
    """
    require_staff(actor, "export packets")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise WorkflowError(f"The output folder {out} is a file, not a folder.")
    with db.unit_of_work() as session:
        plan = _issue_packets(session, round_id, reviewer_email, actor, now)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkflowError(f"The output folder {out} cannot be made: {exc.strerror}.") from None
    written: list[ExportedPacket] = []
    total = len(plan)
    yield 0, total, f"Writing {total} packet{'s' if total != 1 else ''}"
    for n, packet_id in enumerate(plan, start=1):
        with db.unit_of_work() as session:
            packet, blobs = _packet_contents(session, packet_id)
        path = out / packet_file_name(packet)
        write_packet(packet, blobs, path)
        written.append(
            ExportedPacket(
                packet.reviewer_name,
                packet.reviewer_email,
                path,
                len(packet.applications),
                len(blobs),
            )
        )
        yield n, total, f"Wrote the packet of {packet.reviewer_name}"
    return written


def export_packets_now(db: Database, **kwargs: Any) -> list[ExportedPacket]:
    """Run `export_packets` to the end (for the command line and tests)."""
    return drain(export_packets(db, **kwargs))


def _issue_packets(
    session: Session, round_id: int, reviewer_email: str | None, actor: Actor, now: datetime
) -> list[int]:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    if rnd.status not in EXPORTABLE_ROUNDS:
        raise WorkflowError(
            f"The round '{rnd.name}' is {rnd.status}; packets can be exported only once the "
            "call has closed and until the review closes."
        )
    if rnd.rubric_id is None:
        raise WorkflowError(f"The round '{rnd.name}' has no rubric to score against.")
    query = (
        select(Reviewer.id, Person.full_name, Person.email)
        .join(Person, Person.id == Reviewer.person_id)
        .join(Assignment, Assignment.reviewer_id == Reviewer.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.round_id == round_id,
            Application.state.in_(REVIEWABLE),
            Assignment.status != AssignmentStatus.CONFLICT.value,
        )
        .distinct()
        .order_by(Reviewer.id)
    )
    reviewers = session.execute(query).all()
    if reviewer_email:
        wanted = reviewer_email.strip().casefold()
        reviewers = [r for r in reviewers if (r.email or "").casefold() == wanted]
        if not reviewers:
            known = session.scalar(
                select(Reviewer.id)
                .join(Person, Person.id == Reviewer.person_id)
                .where(Person.email.is_not(None))
                .where(Person.email.ilike(reviewer_email.strip()))
            )
            if known is None:
                raise WorkflowError(f"No reviewer has the email address {reviewer_email}.")
            raise WorkflowError(
                f"The reviewer {reviewer_email} has no applications to review in '{rnd.name}'."
            )
    if not reviewers:
        raise WorkflowError(f"No reviewer has applications to review in '{rnd.name}' yet.")
    ids = []
    for reviewer_id, name, _email in reviewers:
        packet = session.scalar(
            select(ReviewPacket).where(
                ReviewPacket.round_id == round_id, ReviewPacket.reviewer_id == reviewer_id
            )
        )
        action = "reissue_packet"
        if packet is None:
            action = "issue_packet"
            packet = ReviewPacket(
                round_id=round_id,
                reviewer_id=reviewer_id,
                packet_uid=secrets.token_hex(16),
                signing_secret=secrets.token_bytes(32).hex(),
                issued_at=now,
            )
            session.add(packet)
        else:
            packet.issued_at = now
        session.flush()
        audit(
            session,
            actor=actor,
            now=now,
            entity="review_packet",
            entity_id=packet.id,
            action=action,
            detail=f"Review packet of {name} for {rnd.name}",
        )
        ids.append(packet.id)
    return ids


def _applicant_names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
    cities = dict([(i, n) for i, n in session.execute(select(City.id, City.official_name))])
    bodies = dict([(i, n) for i, n in session.execute(select(Body.id, Body.official_name))])
    return cities, bodies


def _packet_contents(session: Session, packet_id: int) -> tuple[Packet, dict[str, bytes]]:
    """The packet's data and its attachments' bytes, read in the caller's session."""
    row = session.get(ReviewPacket, packet_id)
    assert row is not None
    rnd = session.get(Round, row.round_id)
    reviewer = session.get(Reviewer, row.reviewer_id)
    assert rnd is not None and reviewer is not None
    person = session.get(Person, reviewer.person_id)
    assert person is not None
    rubric = session.get(Rubric, rnd.rubric_id)
    assert rubric is not None
    criteria_rows = session.scalars(
        select(Criterion).where(Criterion.rubric_id == rubric.id).order_by(Criterion.position)
    ).all()
    levels: dict[int, dict[int, str]] = {}
    for level in session.scalars(
        select(CriterionLevel).where(CriterionLevel.criterion_id.in_([c.id for c in criteria_rows]))
    ):
        levels.setdefault(level.criterion_id, {})[level.level] = level.descriptor
    criteria = [
        RubricCriterion(
            c.code,
            c.name,
            c.weight_percent,
            c.scale_min,
            c.scale_max,
            bool(c.required),
            levels.get(c.id, {}),
        )
        for c in criteria_rows
    ]
    apps = session.scalars(
        select(Application)
        .join(Assignment, Assignment.application_id == Application.id)
        .where(
            Assignment.reviewer_id == row.reviewer_id,
            Application.round_id == row.round_id,
            Application.state.in_(REVIEWABLE),
            Assignment.status != AssignmentStatus.CONFLICT.value,
        )
        .order_by(Application.reference, Application.id)
    ).all()
    cities, bodies = _applicant_names(session)
    app_ids = [a.id for a in apps]
    lines: dict[int, list[tuple[str, int]]] = {}
    for line in session.scalars(
        select(BudgetLine)
        .where(BudgetLine.application_id.in_(app_ids))
        .order_by(BudgetLine.application_id, BudgetLine.position)
    ):
        lines.setdefault(line.application_id, []).append((line.description, line.amount_cents))
    attachments: dict[int, list[PacketAttachment]] = {}
    blobs: dict[str, bytes] = {}
    for att in session.scalars(
        select(Attachment)
        .where(Attachment.application_id.in_(app_ids))
        .order_by(Attachment.application_id, Attachment.id)
    ):
        content = bytes(att.content)
        digest = hashlib.sha256(content).hexdigest()
        blobs[digest] = content
        attachments.setdefault(att.application_id, []).append(
            PacketAttachment(digest, att.filename, att.kind, att.media_type, len(content))
        )
    applications = [
        PacketApplication(
            id=a.id,
            reference=a.reference or f"application {a.id}",
            title=a.title,
            applicant=(
                cities.get(a.applicant_city_id, "")
                if a.applicant_city_id is not None
                else bodies.get(a.applicant_body_id or 0, "")
            ),
            summary=a.summary,
            problem=a.problem,
            intervention=a.intervention,
            requested_cents=a.requested_cents,
            budget_lines=lines.get(a.id, []),
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            attachments=attachments.get(a.id, []),
        )
        for a in apps
    ]
    packet = Packet(
        packet_uid=row.packet_uid,
        round_id=rnd.id,
        round_name=rnd.name,
        round_year=rnd.year,
        round_number=rnd.number,
        reviewer_id=reviewer.id,
        reviewer_name=person.full_name,
        reviewer_email=person.email or "",
        deadline=rnd.review_deadline,
        issued_at=row.issued_at,
        rubric_name=rubric.name,
        criteria=criteria,
        applications=applications,
        signing_secret=row.signing_secret,
    )
    return packet, blobs


def packet_file_name(packet: Packet) -> str:
    """A portable file name for a packet: round and reviewer, in plain letters."""
    plain = unicodedata.normalize("NFKD", packet.reviewer_name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or f"r{packet.reviewer_id}"
    return f"review-{packet.round_year}-{packet.round_number}-{slug}{PACKET_SUFFIX}"


def write_packet(packet: Packet, blobs: dict[str, bytes], path: str | Path) -> Path:
    """Write a packet file atomically (a temporary file renamed over the target)."""
    target = Path(path)
    text = json.dumps(packet.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
    handle, temp = tempfile.mkstemp(prefix=".packet-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
            zf.writestr(_member(PACKET_JSON), text, compress_type=zipfile.ZIP_DEFLATED)
            for digest, content in sorted(blobs.items()):
                zf.writestr(
                    _member(f"attachments/{digest}"), content, compress_type=zipfile.ZIP_DEFLATED
                )
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    return info


# -- reading -----------------------------------------------------------------------------------
def read_packet(path: str | Path) -> Packet:
    """Open a packet file, checking everything about it; a bad file raises PacketError."""
    source = Path(path)
    name = source.name
    try:
        if not source.is_file():
            raise PacketError(f"The packet file {name} does not exist.")
        zf = zipfile.ZipFile(source)
    except PacketError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise PacketError(
            f"{name} is not a review packet: it is not a packet file or it is damaged."
        ) from None
    except OSError as exc:
        raise PacketError(f"The packet file {name} cannot be read: {exc.strerror}.") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PacketError(
                f"{name} holds {len(infos)} files, more than a review packet can "
                f"({MAX_MEMBERS}); it was not opened."
            )
        seen: set[str] = set()
        for info in infos:
            _check_member_name(name, info.filename)
            if info.filename in seen:
                raise PacketError(f"{name} holds '{info.filename}' twice; it was not opened.")
            seen.add(info.filename)
        if PACKET_JSON not in seen:
            raise PacketError(f"{name} is not a review packet: it has no {PACKET_JSON}.")
        budget = [MAX_TOTAL_BYTES]
        raw = _read_member(zf, name, zf.getinfo(PACKET_JSON), MAX_JSON_BYTES, budget)
        packet = _packet_from_json(name, raw)
        wanted = {t.sha256 for a in packet.applications for t in a.attachments}
        present = {m.group(1) for n in seen if (m := _ATTACHMENT_MEMBER.match(n))}
        missing = wanted - present
        if missing:
            raise PacketError(f"{name} is incomplete: {len(missing)} attachment(s) are missing.")
        for digest in sorted(present):
            content = _read_member(
                zf, name, zf.getinfo(f"attachments/{digest}"), MAX_MEMBER_BYTES, budget
            )
            if hashlib.sha256(content).hexdigest() != digest:
                raise PacketError(f"{name} is damaged: an attachment does not match its checksum.")
    packet.path = source
    return packet


def read_attachment(packet: Packet, sha256: str) -> bytes:
    """The bytes of one attachment of an opened packet, checked against its SHA-256."""
    if packet.path is None:
        raise PacketError("This packet was not read from a file.")
    name = packet.path.name
    member = f"attachments/{sha256}"
    try:
        with zipfile.ZipFile(packet.path) as zf:
            content = _read_member(
                zf, name, zf.getinfo(member), MAX_MEMBER_BYTES, [MAX_TOTAL_BYTES]
            )
    except KeyError:
        raise PacketError(f"{name} has no such attachment.") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise PacketError(f"The packet file {name} cannot be read any more: {exc}.") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise PacketError(f"{name} is damaged: an attachment does not match its checksum.")
    return content


def safe_file_name(name: str, fallback: str = "attachment") -> str:
    """A file name that stays inside the folder it is written to (no folders, no dots only)."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r'[\x00-\x1f<>:"|?*]', "_", base).strip(" .")
    return base[:150] or fallback


def _check_member_name(name: str, member: str) -> None:
    parts = re.split(r"[\\/]", member)
    if (
        member.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", member)
        or ".." in parts
        or "\\" in member
        or "\x00" in member
    ):
        raise PacketError(
            f"{name} holds a file named '{member}' that points outside the packet; "
            "it was not opened."
        )
    if member != PACKET_JSON and not _ATTACHMENT_MEMBER.match(member):
        raise PacketError(
            f"{name} holds an unexpected file '{member}'; it is not a packet this program made."
        )


def _read_member(
    zf: zipfile.ZipFile, name: str, info: zipfile.ZipInfo, limit: int, budget: list[int]
) -> bytes:
    """A member's bytes, counting what is really expanded, not what the header claims."""
    if info.file_size > limit or info.file_size > budget[0]:
        raise _too_big(name, info.filename, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limit or size > budget[0]:
                    raise _too_big(name, info.filename, limit)
                chunks.append(chunk)
    except PacketError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise PacketError(f"{name} is damaged ({info.filename}: {exc}).") from None
    except NotImplementedError:
        raise PacketError(
            f"{name} uses a kind of compression this program does not read."
        ) from None
    budget[0] -= size
    return b"".join(chunks)


def _too_big(name: str, member: str, limit: int) -> PacketError:
    return PacketError(
        f"{name} holds '{member}', which expands to more than a review packet may hold "
        f"({limit // (1024 * 1024)} MB); it was not opened."
    )


def _packet_from_json(name: str, raw: bytes) -> Packet:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PacketError(f"{name} is damaged: its {PACKET_JSON} is not readable.") from None
    if not isinstance(data, dict) or data.get("format") != PACKET_FORMAT:
        raise PacketError(f"{name} is not a review packet.")
    if data.get("version") != PACKET_VERSION:
        raise PacketError(
            f"{name} is a packet of format version {data.get('version')}; this program reads "
            f"version {PACKET_VERSION}. Install the program's current version."
        )
    try:
        rnd, reviewer, rubric = data["round"], data["reviewer"], data["rubric"]
        criteria = [
            RubricCriterion(
                code=_text(c["code"]),
                name=_text(c["name"]),
                weight_percent=_int(c["weight_percent"]),
                scale_min=_int(c["scale_min"]),
                scale_max=_int(c["scale_max"]),
                required=bool(c["required"]),
                levels={_int(lv["level"]): _text(lv["descriptor"]) for lv in c["levels"]},
            )
            for c in rubric["criteria"]
        ]
        applications = [
            PacketApplication(
                id=_int(a["id"]),
                reference=_text(a["reference"]),
                title=_text(a["title"]),
                applicant=_text(a["applicant"]),
                summary=_text(a["summary"]),
                problem=_text(a["problem"]),
                intervention=_text(a["intervention"]),
                requested_cents=_int(a["requested_cents"]),
                budget_lines=[
                    (_text(b["description"]), _int(b["amount_cents"])) for b in a["budget_lines"]
                ],
                starts_on=date.fromisoformat(a["starts_on"]) if a["starts_on"] else None,
                ends_on=date.fromisoformat(a["ends_on"]) if a["ends_on"] else None,
                attachments=[
                    PacketAttachment(
                        sha256=_text(t["sha256"]),
                        filename=_text(t["filename"]),
                        kind=_text(t["kind"]),
                        media_type=_text(t["media_type"]),
                        size_bytes=_int(t["size_bytes"]),
                    )
                    for t in a["attachments"]
                ],
            )
            for a in data["applications"]
        ]
        secret = _text(data["signing"]["secret"])
        bytes.fromhex(secret)
        packet = Packet(
            packet_uid=_text(data["packet_id"]),
            round_id=_int(rnd["id"]),
            round_name=_text(rnd["name"]),
            round_year=_int(rnd["year"]),
            round_number=_int(rnd["number"]),
            reviewer_id=_int(reviewer["id"]),
            reviewer_name=_text(reviewer["name"]),
            reviewer_email=_text(reviewer["email"]),
            deadline=date.fromisoformat(data["deadline"]) if data["deadline"] else None,
            issued_at=datetime.fromisoformat(data["issued_at"]),
            rubric_name=_text(rubric["name"]),
            criteria=criteria,
            applications=applications,
            signing_secret=secret,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PacketError(f"{name} is damaged: its {PACKET_JSON} is incomplete.") from None
    if not packet.criteria:
        raise PacketError(f"{name} is damaged: its rubric has no criteria.")
    for c in packet.criteria:
        if c.scale_min >= c.scale_max:
            raise PacketError(f"{name} is damaged: the scale of '{c.name}' is wrong.")
    return packet


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not an integer")
    return value


# -- choices for the export form ---------------------------------------------------------------
def exportable_rounds(db: Database) -> list[tuple[int, str, str]]:
    """Rounds whose packets can be exported now: (id, name, status), newest first."""
    return [
        (int(i), name, status)
        for i, name, status in db.rows(
            "SELECT id, name, status FROM rounds WHERE status IN ('closed', 'reviewing') "
            "ORDER BY opens_on DESC, id DESC"
        )
    ]


def why_rounds_are_not_offered(db: Database) -> str:
    """Why the rounds still open (or in draft) are not offered for packets, in one sentence
    ('' when there are none): packets go out once a round has closed for applications."""
    waiting = [
        f"{name} ({status})"
        for name, status in db.rows(
            "SELECT name, status FROM rounds WHERE status IN ('draft', 'open') "
            "ORDER BY opens_on DESC, id DESC"
        )
    ]
    if not waiting:
        return ""
    return (
        f"Not offered: {', '.join(waiting)}. Packets go out once a round has closed for "
        "applications (Rounds ▸ Next step), so that every application is in them; "
        "reviewers may be assigned before that."
    )


def reviewers_with_work(db: Database, round_id: int) -> list[tuple[str, str, int]]:
    """Reviewers with applications to review in a round: (email, name, applications)."""
    rows = db.rows(
        """
        SELECT p.email, p.full_name, COUNT(*)
        FROM assignments a
        JOIN applications app ON app.id = a.application_id
        JOIN reviewers rv ON rv.id = a.reviewer_id
        JOIN people p ON p.id = rv.person_id
        WHERE app.round_id = :round AND app.state IN ('in_review', 'reviewed')
          AND a.status <> 'conflict' AND p.email IS NOT NULL
        GROUP BY p.email, p.full_name
        """,
        {"round": round_id},
    )
    return sorted(((email, name, int(n)) for email, name, n in rows), key=lambda r: r[1].casefold())
