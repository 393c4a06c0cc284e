"""A round's moves: draft → open → closed → reviewing → decided → archived, each by the
secretariat or an administrator, guarded (a rubric and checklist to open, every application
decided to mark it decided, every grant closed to archive it) and audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.grants import Application, ApplicationState, Round, ScreeningCheck
from .. import Actor, WorkflowError
from ..system.roles import require_staff
from .round_common import (
    MOVES,
    RUNNING,
    UNDECIDED,
    R,
    RoundMove,
    audit_round,
    load_round,
    next_moves,
    status_words,
)


def _count_in(session: Session, round_id: int, states: frozenset[ApplicationState]) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Application)
            .where(
                Application.round_id == round_id,
                Application.state.in_([s.value for s in states]),
            )
        )
        or 0
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _move(session: Session, round_id: int, action: str, actor: Actor, now: datetime) -> str:
    move = MOVES[action]
    require_staff(actor, f"{move.label.lower()} a round")
    rnd = load_round(session, round_id, lock=True)
    if rnd.status != move.source.value:
        raise WorkflowError(
            f"The round '{rnd.name}' is {status_words(rnd.status)}, "
            f"so it cannot be moved to {move.target.value}."
        )
    problem = _move_problem(session, rnd, move)
    if problem:
        raise WorkflowError(problem)
    rnd.status = move.target.value
    audit_round(session, rnd, actor, now, move.action, move.source.value, move.target.value)
    session.flush()
    return rnd.status


def _move_problem(session: Session, rnd: Round, move: RoundMove) -> str:
    if move.target is R.OPEN:
        if rnd.rubric_id is None:
            return f"Choose a rubric for '{rnd.name}' before opening it."
        n_checks = session.scalar(
            select(func.count())
            .select_from(ScreeningCheck)
            .where(ScreeningCheck.round_id == rnd.id)
        )
        if not n_checks:
            return f"Write the screening checklist of '{rnd.name}' before opening it."
    if move.target is R.DECIDED:
        waiting = _count_in(session, rnd.id, UNDECIDED)
        if waiting:
            return (
                f"The round '{rnd.name}' still has {_plural(waiting, 'application')} "
                "without a decision."
            )
    if move.target is R.ARCHIVED:
        running = _count_in(session, rnd.id, RUNNING)
        if running:
            return (
                f"The round '{rnd.name}' still has {_plural(running, 'grant')} "
                "approved, awarded or active; archive it when they are closed."
            )
    return ""


def open_round(session: Session, *, round_id: int, actor: Actor, now: datetime) -> str:
    """Open a draft round for applications (it needs a rubric and a screening checklist)."""
    return _move(session, round_id, "open", actor, now)


def close_round(session: Session, *, round_id: int, actor: Actor, now: datetime) -> str:
    """Close an open round: it takes no more applications."""
    return _move(session, round_id, "close", actor, now)


def start_review(session: Session, *, round_id: int, actor: Actor, now: datetime) -> str:
    """Move a closed round into review."""
    return _move(session, round_id, "start_review", actor, now)


def decide_round(session: Session, *, round_id: int, actor: Actor, now: datetime) -> str:
    """Mark a round decided: every submitted application has its decision (or left the round)."""
    return _move(session, round_id, "decide", actor, now)


def archive_round(session: Session, *, round_id: int, actor: Actor, now: datetime) -> str:
    """Archive a decided round whose grants are all closed (it can no longer be changed)."""
    return _move(session, round_id, "archive", actor, now)


MOVE_FUNCTIONS = {
    "open": open_round,
    "close": close_round,
    "start_review": start_review,
    "decide": decide_round,
    "archive": archive_round,
}


def move_round(session: Session, *, round_id: int, target: str, actor: Actor, now: datetime) -> str:
    """Move a round to the status `target` (its next one), or a sentence why it cannot go there."""
    try:
        wanted = R(target.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in R)
        raise WorkflowError(
            f"'{target}' is not a round status; the statuses are {names}."
        ) from None
    rnd = load_round(session, round_id)
    for move in next_moves(rnd.status):
        if move.target is wanted:
            return MOVE_FUNCTIONS[move.action](session, round_id=round_id, actor=actor, now=now)
    raise WorkflowError(
        f"The round '{rnd.name}' is {status_words(rnd.status)}, "
        f"so it cannot be moved to {wanted.value}."
    )
