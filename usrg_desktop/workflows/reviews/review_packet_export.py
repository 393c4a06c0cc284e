"""Exporting review packets: one file per reviewer with work in a round, and the form's choices.

The signing secret: one per reviewer and round (the `review_packets` table keeps one row per
pair). It is made with `secrets.token_bytes(32)` the first time a reviewer's packet is exported
and kept when the packet is exported again (for example after an assignment changed), so a
reviewer who already scored with an earlier packet can still send their file back. Which
applications a file may score is checked against the assignments at import, not the packet.

Files are written atomically (a temporary file renamed over the target).
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
from dataclasses import dataclass
from datetime import datetime
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
from .review_packet_contents import (
    PACKET_JSON,
    PACKET_SUFFIX,
    Packet,
    PacketApplication,
    PacketAttachment,
    RubricCriterion,
)

if TYPE_CHECKING:
    from ...storage import Database

# Rounds whose packets may be exported: applications are assigned once the call has closed.
EXPORTABLE_ROUNDS = frozenset({"closed", "reviewing"})
# Applications a reviewer can still review.
REVIEWABLE = frozenset({ApplicationState.IN_REVIEW.value, ApplicationState.REVIEWED.value})


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
            "review_packet",
            packet.id,
            action,
            actor=actor,
            now=now,
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
