"""Shared helpers of the review packet and scores file tests (real databases, real files)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.reviews.review_packets import Packet, export_packets_now, read_packet
from usrg_desktop.workflows.reviews.reviewer_session import ReviewerSession
from usrg_desktop.workflows.reviews.scores_file import encode_scores

EXPORTED_AT = datetime(2026, 11, 25, 7, 0)
CURRENT_ROUND = "Innovation Fund 2026 Round 1"


def staff(db: Database, username: str = "secretariat") -> Actor:
    """A demo user (the secretariat by default) as an actor."""
    user_id, name, role = db.rows(
        "SELECT id, display_name, role FROM users WHERE username = :u", {"u": username}
    )[0]
    return Actor(user_id, name, role)


def current_round_id(db: Database) -> int:
    """The id of the demo's round under review."""
    return db.rows("SELECT id FROM rounds WHERE name = :n", {"n": CURRENT_ROUND})[0][0]


def export_all(db: Database, out: Path, actor: Actor | None = None) -> dict[str, Path]:
    """Export every packet of the current round; reviewer email -> packet file."""
    written = export_packets_now(
        db,
        round_id=current_round_id(db),
        out_dir=out,
        actor=actor or staff(db),
        now=EXPORTED_AT,
    )
    return {p.reviewer_email: p.path for p in written}


def busiest_packet(packets: dict[str, Path]) -> Packet:
    """The packet with the most applications (ties: by email)."""
    opened = [read_packet(p) for _, p in sorted(packets.items())]
    return max(opened, key=lambda p: len(p.applications))


def filled_session(
    packet: Packet, autosave_dir: Path, level: int = 4, recommendation: str = "fund"
) -> ReviewerSession:
    """A reviewer session with every application answered "no conflict" and scored."""
    assert packet.path is not None
    session = ReviewerSession.open(packet.path, autosave_dir=autosave_dir)
    for app in packet.applications:
        session.set_conflict(app.id, "no")
        for c in packet.criteria:
            session.set_score(app.id, c.code, level)
            session.set_comment(app.id, c.code, f"{c.name}: level {level}")
        session.set_recommendation(app.id, recommendation, "Überzeugend — Ṱhalitshani agrees.")
    return session


def write_signed(path: Path, payload: dict[str, Any], secret_hex: str) -> Path:
    """Write a payload as a signed scores file (for hand-made and tampered files)."""
    path.write_bytes(encode_scores(payload, secret_hex))
    return path


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row a scores import could touch, to prove a refused file changed nothing."""
    return {
        "scores": sorted(db.rows("SELECT assignment_id, criterion_id, score, comment FROM scores")),
        "assignments": sorted(
            tuple(str(v) for v in r)
            for r in db.rows(
                "SELECT id, status, recommendation, overall_comment, scored_at, scores_import_id "
                "FROM assignments"
            )
        ),
        "conflicts": sorted(
            db.rows("SELECT reviewer_id, application_id, kind, reason FROM conflicts")
        ),
        "scores_imports": sorted(
            tuple(str(v) for v in r)
            for r in db.rows("SELECT id, packet_id, file_sha256, superseded FROM scores_imports")
        ),
        "audit_events": db.rows("SELECT COUNT(*) FROM audit_events"),
    }
