"""Merging one organisation into another: every reference moves, the merged one is switched off.

A city merges only into a city and a body only into a body (the references of one cannot point
at the other). What moves, in one transaction with its audit events:

- a city: its people, the applications it made, the meetings it hosted, its offers to host
  (an offer for a quarter the other city also offered for is dropped), the periods it cannot
  host, and reviewers' affiliations with it;
- a body: its people, the applications it made, the rounds that admitted it (a round that
  admitted both keeps one), and reviewers' affiliations with it.

The merged organisation keeps its names and history and is switched off. Records people edit in
forms (people, applications) count a new version, so a form opened before the merge is refused
instead of putting the old organisation back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from ...counting import counted
from ...domain.directory import Person
from ...domain.grants import Application, RoundAdmittedBody
from ...domain.meetings import HostUnavailability, HostVolunteer, Meeting
from ...domain.reviews import ReviewerAffiliation
from .. import Actor, WorkflowError, take_turn
from ..system.audit_trail import audit
from .organisations import KIND_WORDS, TURN, organisation, require_organisation_editor

# (what it is called, model, column) of each reference that moves, per kind.
REFERENCES: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    "city": (
        ("person", Person, Person.city_id),
        ("application", Application, Application.applicant_city_id),
        ("hosted meeting", Meeting, Meeting.host_city_id),
        ("offer to host", HostVolunteer, HostVolunteer.city_id),
        ("period it cannot host", HostUnavailability, HostUnavailability.city_id),
        ("reviewer affiliation", ReviewerAffiliation, ReviewerAffiliation.city_id),
    ),
    "body": (
        ("person", Person, Person.body_id),
        ("application", Application, Application.applicant_body_id),
        ("round that admits it", RoundAdmittedBody, RoundAdmittedBody.body_id),
        ("reviewer affiliation", ReviewerAffiliation, ReviewerAffiliation.body_id),
    ),
}
_PLURALS = {
    "person": "people",
    "offer to host": "offers to host",
    "period it cannot host": "periods it cannot host",
    "round that admits it": "rounds that admit it",
}


def references(session: Session, kind: str, org_id: int) -> list[tuple[str, int]]:
    """(what, how many) of each kind of record that refers to the organisation."""
    out = []
    for label, model, column in REFERENCES[kind]:
        n = session.scalar(select(func.count()).select_from(model).where(column == org_id)) or 0
        out.append((label, int(n)))
    return out


def describe_references(counts: list[tuple[str, int]]) -> str:
    """'3 people, 2 applications and 1 hosted meeting' (only the kinds there are), or
    'nothing'."""
    words = [counted(n, label, _PLURALS.get(label, label + "s")) for label, n in counts if n]
    if not words:
        return "nothing"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def merge_problem(
    session: Session, *, kind: str, org_id: int, into_kind: str, into_id: int
) -> str | None:
    """Why merging this organisation into that one makes no sense, or None."""
    source = organisation(session, kind, org_id)
    target = organisation(session, into_kind, into_id)
    if kind != into_kind:
        return (
            f"{source.short_name} is a {KIND_WORDS[kind]} and {target.short_name} is a "
            f"{KIND_WORDS[into_kind]}: a {KIND_WORDS[kind]} can be merged only into another "
            f"{KIND_WORDS[kind]}."
        )
    if org_id == into_id:
        return f"{source.short_name} cannot be merged into itself."
    if not target.active:
        return (
            f"{target.short_name} is switched off; switch it on first, or merge "
            f"{source.short_name} into an organisation that is on."
        )
    return None


def merge_question(
    session: Session, *, kind: str, org_id: int, into_kind: str, into_id: int
) -> str:
    """The question to ask before merging, naming both and what moves (refused when the merge
    makes no sense)."""
    problem = merge_problem(session, kind=kind, org_id=org_id, into_kind=into_kind, into_id=into_id)
    if problem:
        raise WorkflowError(problem)
    source = organisation(session, kind, org_id)
    target = organisation(session, into_kind, into_id)
    moving = describe_references(references(session, kind, org_id))
    return (
        f"Merge {source.short_name} ({source.official_name}) into {target.short_name} "
        f"({target.official_name})? {moving[0].upper() + moving[1:]} will move to "
        f"{target.short_name}, and {source.short_name} will be switched off (its names and "
        "history stay). This cannot be undone."
    )


def merge_organisations(
    session: Session,
    *,
    kind: str,
    org_id: int,
    into_kind: str,
    into_id: int,
    actor: Actor,
    now: datetime,
) -> list[tuple[str, int]]:
    """Move every reference from one organisation to the other and switch the first one off.
    Returns what moved, as (what, how many)."""
    require_organisation_editor(actor)
    take_turn(session, TURN)
    source = organisation(session, kind, org_id, lock=True)
    target = organisation(session, into_kind, into_id, lock=True)
    problem = merge_problem(session, kind=kind, org_id=org_id, into_kind=into_kind, into_id=into_id)
    if problem:
        raise WorkflowError(problem)
    if not source.active and not any(n for _label, n in references(session, kind, org_id)):
        raise WorkflowError(
            f"{source.short_name} is switched off and nothing refers to it any more; "
            "there is nothing to merge."
        )
    _drop_duplicates(session, kind, org_id, into_id)
    moved = references(session, kind, org_id)
    for _label, model, column in REFERENCES[kind]:
        values: dict[Any, Any] = {column: into_id}
        if hasattr(model, "version"):
            # Forms opened before the merge are refused rather than restoring the old one.
            values[model.version] = model.version + 1
        session.execute(
            update(model).where(column == org_id).values(values),
            execution_options={"synchronize_session": False},
        )
    source.active = False
    source.version = (source.version or 1) + 1
    what = describe_references(moved)
    audit(
        session,
        actor=actor,
        now=now,
        entity=kind,
        entity_id=source.id,
        action="merge_into",
        detail=f"merged into {target.short_name} (id {target.id}); moved {what}",
    )
    audit(
        session,
        actor=actor,
        now=now,
        entity=into_kind,
        entity_id=target.id,
        action="merge_from",
        detail=f"took in {source.short_name} (id {source.id}): {what}",
    )
    session.flush()
    session.expire_all()
    return moved


def _drop_duplicates(session: Session, kind: str, org_id: int, into_id: int) -> None:
    """Remove the references that would say twice what the other organisation already says."""
    if kind == "city":
        other = aliased(HostVolunteer)
        session.execute(
            delete(HostVolunteer).where(
                HostVolunteer.city_id == org_id,
                exists().where(
                    and_(
                        other.city_id == into_id,
                        other.year == HostVolunteer.year,
                        other.quarter == HostVolunteer.quarter,
                    )
                ),
            ),
            execution_options={"synchronize_session": False},
        )
        affiliation = ReviewerAffiliation.city_id
    else:
        other_round = aliased(RoundAdmittedBody)
        session.execute(
            delete(RoundAdmittedBody).where(
                RoundAdmittedBody.body_id == org_id,
                exists().where(
                    and_(
                        other_round.body_id == into_id,
                        other_round.round_id == RoundAdmittedBody.round_id,
                    )
                ),
            ),
            execution_options={"synchronize_session": False},
        )
        affiliation = ReviewerAffiliation.body_id
    other_aff = aliased(ReviewerAffiliation)
    other_column = other_aff.city_id if kind == "city" else other_aff.body_id
    session.execute(
        delete(ReviewerAffiliation).where(
            affiliation == org_id,
            exists().where(
                and_(
                    other_column == into_id,
                    other_aff.reviewer_id == ReviewerAffiliation.reviewer_id,
                )
            ),
        ),
        execution_options={"synchronize_session": False},
    )
