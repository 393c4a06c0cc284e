"""What every part of the rounds workflow shares: the statuses and moves of a round, the
form's values, loading a round and auditing what is done to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ...domain.grants import ApplicationState, Round, RoundStatus
from .. import Actor, WorkflowError
from ..system.audit_trail import audit

R = RoundStatus
S = ApplicationState
NAME_LIMIT = 200
CHECK_LIMIT = 300
# Rounds in these states take new applications (drafts while in draft, submissions when open).
TAKES_APPLICATIONS = frozenset({R.DRAFT, R.OPEN})
# Application states that still wait for a decision (a draft never submitted does not count).
UNDECIDED = frozenset({S.SUBMITTED, S.SCREENING, S.IN_REVIEW, S.REVIEWED})
# Application states of a grant still running.
RUNNING = frozenset({S.APPROVED, S.AWARDED, S.ACTIVE})


@dataclass(frozen=True)
class RoundMove:
    """One step of a round's life: its action name (as audited), label, source and target."""

    action: str
    label: str
    source: RoundStatus
    target: RoundStatus


MOVES: dict[str, RoundMove] = {
    m.action: m
    for m in (
        RoundMove("open", "Open for applications", R.DRAFT, R.OPEN),
        RoundMove("close", "Close to applications", R.OPEN, R.CLOSED),
        RoundMove("start_review", "Start review", R.CLOSED, R.REVIEWING),
        RoundMove("decide", "Mark decided", R.REVIEWING, R.DECIDED),
        RoundMove("archive", "Archive", R.DECIDED, R.ARCHIVED),
    )
}


def status_words(status: str) -> str:
    """A round's status as it reads after 'the round is': 'a draft', 'open', 'in review'…"""
    return {"draft": "a draft", "reviewing": "in review"}.get(status, status)


def next_moves(status: str) -> list[RoundMove]:
    """The moves a round in this status can make (the buttons a screen offers)."""
    return [m for m in MOVES.values() if m.source.value == status]


@dataclass
class RoundForm:
    """What the round form holds. Money in cents; None where the user left a field empty."""

    name: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    budget_cents: int | None = None
    cap_cents: int | None = None
    reviews_needed: int = 3
    review_deadline: date | None = None
    # None: the default rubric the program ships.
    rubric_id: int | None = None
    admitted_body_ids: Sequence[int] = ()
    screening_checks: Sequence[str] = ()
    # The call's themes, in order; applications name one (see round_themes.py).
    themes: Sequence[str] = ()


@dataclass(frozen=True)
class RoundDetails:
    """A round as the form shows it, with its status and how many applications it has."""

    id: int
    form: RoundForm
    status: str
    applications: int
    reference_prefix: str
    committed_cents: int = 0
    moves: list[RoundMove] = field(default_factory=list)
    version: int = 1  # handed back by the form when it saves


def load_round(session: Session, round_id: int, *, lock: bool = False) -> Round:
    rnd = session.get(Round, round_id, with_for_update=lock)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    return rnd


def audit_round(
    session: Session,
    rnd: Round,
    actor: Actor,
    now: datetime,
    action: str,
    source: str | None,
    target: str | None,
    *,
    reason: str = "",
    detail: str = "",
) -> None:
    audit(
        session,
        actor=actor,
        now=now,
        entity="round",
        entity_id=rnd.id,
        action=action,
        from_state=source,
        to_state=target,
        reason=reason,
        detail=detail,
    )
