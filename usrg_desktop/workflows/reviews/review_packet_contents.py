"""What a review packet holds: the rubric, the reviewer's applications and their attachments.

`Packet.to_json` is the content of the packet's `packet.json`; `review_packet_export` writes
it into the `.usrgpacket` zip file and `review_packet_reading` reads it back. The signing
secret in it signs the reviewer's scores file (HMAC-SHA256, see `scores_format.sign`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import WorkflowError

PACKET_SUFFIX = ".usrgpacket"
PACKET_FORMAT = "usrg-review-packet"
PACKET_VERSION = 1
PACKET_JSON = "packet.json"


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
