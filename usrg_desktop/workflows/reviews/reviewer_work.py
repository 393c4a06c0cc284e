"""A reviewer's answers on one application, and where they stand with it.

Scoring an application unlocks only once its conflict-of-interest question is answered "no";
an application is complete with every required criterion scored and a recommendation, or with
a declared conflict whose kind and reason are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .review_packet_contents import RubricCriterion
from .scores_file import CONFLICT_KINDS, RECOMMENDATIONS

NOT_STARTED, CONFLICT, IN_PROGRESS, COMPLETE = (
    "not started",
    "conflict declared",
    "in progress",
    "complete",
)


@dataclass
class ApplicationWork:
    """A reviewer's answers on one application."""

    conflict: str | None = None  # None: not answered; "yes" or "no"
    conflict_kind: str = ""
    conflict_reason: str = ""
    scores: dict[str, int] = field(default_factory=dict)  # criterion code -> level
    comments: dict[str, str] = field(default_factory=dict)
    recommendation: str | None = None
    overall_comment: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApplicationWork:
        """Back from the autosave file's JSON."""
        return cls(
            conflict=data.get("conflict"),
            conflict_kind=str(data.get("conflict_kind", "")),
            conflict_reason=str(data.get("conflict_reason", "")),
            scores={str(k): int(v) for k, v in dict(data.get("scores", {})).items()},
            comments={str(k): str(v) for k, v in dict(data.get("comments", {})).items()},
            recommendation=data.get("recommendation"),
            overall_comment=str(data.get("overall_comment", "")),
        )


def status_of(work: ApplicationWork, criteria: list[RubricCriterion]) -> str:
    """Where the reviewer is with one application: not started, conflict, in progress, complete."""
    if work.conflict == "yes":
        return CONFLICT if work.conflict_kind and work.conflict_reason.strip() else IN_PROGRESS
    if work.conflict is None:
        return NOT_STARTED
    required = [c.code for c in criteria if c.required]
    if all(code in work.scores for code in required) and work.recommendation in RECOMMENDATIONS:
        return COMPLETE
    return IN_PROGRESS


def problems_of(work: ApplicationWork, criteria: list[RubricCriterion]) -> list[str]:
    """What is still missing before an application is finished, one sentence each."""
    if work.conflict is None:
        return ["Answer the conflict-of-interest question first."]
    if work.conflict == "yes":
        found = []
        if work.conflict_kind not in CONFLICT_KINDS:
            found.append("Choose the kind of conflict.")
        if not work.conflict_reason.strip():
            found.append("Say in a few words what the conflict is.")
        return found
    found = [f"Score '{c.name}'." for c in criteria if c.required and c.code not in work.scores]
    if work.recommendation not in RECOMMENDATIONS:
        found.append("Choose an overall recommendation.")
    return found
