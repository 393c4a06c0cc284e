"""A round's rubric: read it, edit it before reviewing starts, or start again from the default.

Rounds share the shipped default rubric until one is edited; editing a shared rubric gives the
round its own copy, so other rounds keep theirs. Once a score is on record for the round (or its
review packets went out with the rubric, or the round is decided) the rubric cannot change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...domain.grants import Application, Round, RoundStatus
from ...domain.reviews import Assignment, Criterion, CriterionLevel, ReviewPacket, Rubric, Score
from .. import Actor, FieldErrors, WorkflowError, edit_conflict, get_for_update
from ..system.audit_trail import audit
from ..system.roles import require_staff

# Scales longer than this would need more level descriptors than a reviewer reads.
LONGEST_SCALE = 10


@dataclass(frozen=True)
class CriterionDraft:
    """One criterion as the editor holds it: code, name, weight, scale and a text per level."""

    code: str
    name: str
    weight_percent: int
    scale_min: int = 1
    scale_max: int = 5
    required: bool = True
    levels: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RoundRubric:
    """A round's rubric with whether it is shared and, when it may not change, why."""

    round_id: int
    round_name: str
    rubric_id: int | None
    rubric_name: str
    shared: bool
    locked: str | None
    criteria: tuple[CriterionDraft, ...]


def _drafts(session: Session, rubric_id: int) -> tuple[CriterionDraft, ...]:
    criteria = session.scalars(
        select(Criterion).where(Criterion.rubric_id == rubric_id).order_by(Criterion.position)
    ).all()
    levels: dict[int, dict[int, str]] = {c.id: {} for c in criteria}
    for criterion_id, level, text in session.execute(
        select(CriterionLevel.criterion_id, CriterionLevel.level, CriterionLevel.descriptor).where(
            CriterionLevel.criterion_id.in_([c.id for c in criteria])
        )
    ):
        levels[criterion_id][level] = text
    return tuple(
        CriterionDraft(
            c.code,
            c.name,
            c.weight_percent,
            c.scale_min,
            c.scale_max,
            c.required,
            dict(sorted(levels[c.id].items())),
        )
        for c in criteria
    )


def _round(session: Session, round_id: int) -> Round:
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    return rnd


def _default_rubric_id(session: Session) -> int:
    rubric_id = session.scalar(select(Rubric.id).where(Rubric.is_default).order_by(Rubric.id))
    if rubric_id is None:
        raise WorkflowError("The default USRG rubric is missing from this database.")
    return rubric_id


def lock_reason(session: Session, rnd: Round) -> str | None:
    """Why a round's rubric may no longer change, or None while it may."""
    if rnd.status in (RoundStatus.DECIDED.value, RoundStatus.ARCHIVED.value):
        return f"The round '{rnd.name}' is {rnd.status}, so its rubric can no longer change."
    scores = session.scalar(
        select(func.count())
        .select_from(Score)
        .join(Assignment, Assignment.id == Score.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == rnd.id)
    )
    if scores:
        return (
            f"Reviewing has started in '{rnd.name}' ({scores} score{'s' if scores != 1 else ''} "
            "on record), so its rubric can no longer change."
        )
    packets = session.scalar(
        select(func.count()).select_from(ReviewPacket).where(ReviewPacket.round_id == rnd.id)
    )
    if packets:
        return (
            f"Review packets for '{rnd.name}' went out with its rubric, so the rubric can no "
            "longer change."
        )
    return None


def round_rubric(session: Session, *, round_id: int) -> RoundRubric:
    """The rubric a round scores with (the default when it has none of its own)."""
    rnd = _round(session, round_id)
    rubric_id = rnd.rubric_id or _default_rubric_id(session)
    rubric = session.get(Rubric, rubric_id)
    assert rubric is not None
    users = session.scalar(
        select(func.count()).select_from(Round).where(Round.rubric_id == rubric_id)
    )
    return RoundRubric(
        round_id=rnd.id,
        round_name=rnd.name,
        rubric_id=rubric_id,
        rubric_name=rubric.name,
        shared=bool(rubric.is_default or (users or 0) > 1 or rnd.rubric_id is None),
        locked=lock_reason(session, rnd),
        criteria=_drafts(session, rubric_id),
    )


def rubric_problems(criteria: Sequence[CriterionDraft]) -> dict[str, str]:
    """Every mistake in a rubric, as field key -> one sentence (empty when it is right)."""
    problems: dict[str, str] = {}
    if not criteria:
        return {"criteria": "A rubric needs at least one criterion."}
    codes: set[str] = set()
    for i, c in enumerate(criteria, start=1):
        key = f"criteria.{i}"
        code = c.code.strip()
        if not c.name.strip():
            problems[f"{key}.name"] = f"Criterion {i} needs a name."
        if not code:
            problems[f"{key}.code"] = f"Criterion {i} needs a short code."
        elif len(code) > 40:
            problems[f"{key}.code"] = f"Criterion {i}'s code is longer than 40 characters."
        elif code.lower() in codes:
            problems[f"{key}.code"] = f"Criterion {i}'s code '{code}' is used twice."
        codes.add(code.lower())
        if not 1 <= c.weight_percent <= 100:
            problems[f"{key}.weight"] = f"Criterion {i}'s weight must be between 1 and 100 %."
        if c.scale_min < 0 or c.scale_max <= c.scale_min:
            problems[f"{key}.scale"] = (
                f"Criterion {i}'s scale must run from a lower to a higher number, such as 1 to 5."
            )
        elif c.scale_max - c.scale_min > LONGEST_SCALE:
            problems[f"{key}.scale"] = (
                f"Criterion {i}'s scale has more than {LONGEST_SCALE + 1} levels."
            )
        else:
            missing = [
                str(level)
                for level in range(c.scale_min, c.scale_max + 1)
                if not c.levels.get(level, "").strip()
            ]
            if missing:
                problems[f"{key}.levels"] = (
                    f"Criterion {i} needs a descriptor for level{'s' if len(missing) > 1 else ''}"
                    f" {', '.join(missing)}."
                )
    total = sum(c.weight_percent for c in criteria)
    if total != 100:
        problems["weights"] = f"The weights add up to {total} %, not 100 %."
    return problems


def _unique_name(session: Session, base: str) -> str:
    name, n = base, 1
    while session.scalar(select(Rubric.id).where(Rubric.name == name)) is not None:
        n += 1
        name = f"{base} ({n})"
    return name


def _write_criteria(session: Session, rubric_id: int, criteria: Sequence[CriterionDraft]) -> None:
    old = select(Criterion.id).where(Criterion.rubric_id == rubric_id).scalar_subquery()
    session.execute(delete(CriterionLevel).where(CriterionLevel.criterion_id.in_(old)))
    session.execute(delete(Criterion).where(Criterion.rubric_id == rubric_id))
    for position, c in enumerate(criteria, start=1):
        criterion = Criterion(
            rubric_id=rubric_id,
            position=position,
            code=c.code.strip(),
            name=c.name.strip(),
            weight_percent=c.weight_percent,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            required=c.required,
        )
        session.add(criterion)
        session.flush()
        for level in range(c.scale_min, c.scale_max + 1):
            session.add(
                CriterionLevel(
                    criterion_id=criterion.id, level=level, descriptor=c.levels[level].strip()
                )
            )
    session.flush()


def edit_round_rubric(
    session: Session,
    *,
    round_id: int,
    criteria: Sequence[CriterionDraft],
    actor: Actor,
    now: datetime,
    seen: Sequence[CriterionDraft] | None = None,
) -> int:
    """Replace a round's criteria (a copy when the rubric is shared); returns the rubric id.

    `seen` is the criteria the editor opened with: when someone saved the round's rubric
    since, EditConflict names them and nothing is written.
    """
    require_staff(actor, "edit a rubric")
    rnd = get_for_update(session, Round, round_id)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    locked = lock_reason(session, rnd)
    if locked:
        raise WorkflowError(locked)
    problems = rubric_problems(criteria)
    if problems:
        raise FieldErrors(problems)
    current = round_rubric(session, round_id=round_id)
    if seen is not None and tuple(seen) != current.criteria:
        raise edit_conflict(
            session,
            entity="round",
            entity_id=rnd.id,
            name=f"the rubric of '{rnd.name}'",
            actions=("edit_rubric",),
        )
    if current.shared:
        rubric = Rubric(
            name=_unique_name(session, f"{rnd.name} rubric"),
            description=f"The rubric of {rnd.name}.",
            is_default=False,
        )
        session.add(rubric)
        session.flush()
        rnd.rubric_id = rubric.id
    else:
        assert current.rubric_id is not None
        rubric = session.get(Rubric, current.rubric_id)
        assert rubric is not None
    _write_criteria(session, rubric.id, criteria)
    audit(
        session,
        actor=actor,
        now=now,
        entity="round",
        entity_id=rnd.id,
        action="edit_rubric",
        detail="; ".join(f"{c.name.strip()} {c.weight_percent} %" for c in criteria),
    )
    session.flush()
    return rubric.id


def copy_default_rubric(session: Session, *, round_id: int, actor: Actor, now: datetime) -> int:
    """Give a round its own copy of the shipped default rubric, to edit from there."""
    default = _drafts(session, _default_rubric_id(session))
    return edit_round_rubric(session, round_id=round_id, criteria=default, actor=actor, now=now)
