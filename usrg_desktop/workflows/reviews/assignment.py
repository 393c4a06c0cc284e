"""Reviewer assignment: conflicts, the automatic proposal (pure), applying it, and manual changes.

A reviewer never reviews an application from a city or body they are affiliated with, nor one
they declared a conflict on. `propose_assignment` is a pure function: it gives every
application the round's number of reviewers where it can, keeps the load balanced (no new
assignment could move from a reviewer to one with at least two fewer), and explains every
application it could not fully staff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, Person
from ...domain.grants import Application, ApplicationState, Round
from ...domain.reviews import (
    Assignment,
    AssignmentMethod,
    AssignmentStatus,
    Conflict,
    ConflictKind,
    Reviewer,
    ReviewerAffiliation,
    Score,
)
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from ..system.roles import require_staff

# Reviewers are assigned to applications that passed screening and are being reviewed.
ASSIGNABLE_STATES = frozenset({ApplicationState.IN_REVIEW.value})


@dataclass(frozen=True)
class ApplicationToStaff:
    """An application to give reviewers: its applicant (city or body) and how it is named."""

    id: int
    reference: str
    applicant: str
    city_id: int | None = None
    body_id: int | None = None


@dataclass(frozen=True)
class ReviewerAvailable:
    """A reviewer: their affiliations (cities, bodies) and the applications they declared."""

    id: int
    name: str
    city_ids: frozenset[int] = frozenset()
    body_ids: frozenset[int] = frozenset()
    declared: frozenset[int] = frozenset()

    def affiliated_with(self, app: ApplicationToStaff) -> bool:
        """Whether the application comes from a city or body this reviewer is affiliated with."""
        return (app.city_id is not None and app.city_id in self.city_ids) or (
            app.body_id is not None and app.body_id in self.body_ids
        )

    def may_review(self, app: ApplicationToStaff) -> bool:
        """No affiliation with the applicant and no declared conflict."""
        return not self.affiliated_with(app) and app.id not in self.declared


@dataclass
class Proposal:
    """New (application id, reviewer id) pairs and a sentence for every shortfall."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)
    load: dict[int, int] = field(default_factory=dict)  # reviewer id -> total after the proposal


def _shortfall(
    app: ApplicationToStaff, have: int, needed: int, reviewers: Sequence[ReviewerAvailable]
) -> str:
    if not reviewers:
        return f"{app.reference} has {have} of {needed} reviewers: there are no active reviewers."
    affiliated = any(r.affiliated_with(app) for r in reviewers)
    declared = any(app.id in r.declared and not r.affiliated_with(app) for r in reviewers)
    reasons = []
    if affiliated:
        reasons.append(f"is affiliated with {app.applicant}")
    if declared:
        reasons.append("declared a conflict")
    if not reasons:
        n = len(reviewers)
        return (
            f"{app.reference} has {have} of {needed} reviewers: there "
            f"{'is' if n == 1 else 'are'} only {n} active reviewer{'' if n == 1 else 's'}."
        )
    why = " or ".join(reasons)
    return f"{app.reference} has {have} of {needed} reviewers: every other reviewer {why}."


def propose_assignment(
    applications: Sequence[ApplicationToStaff],
    reviewers: Sequence[ReviewerAvailable],
    reviews_needed: int,
    existing: Iterable[tuple[int, int]] = (),
) -> Proposal:
    """Give each application min(needed, eligible) reviewers, never a conflict, load balanced.

    `existing` are (application id, reviewer id) pairs already assigned (not in conflict):
    they count towards each application's number and each reviewer's load and are kept.
    """
    by_id = {r.id: r for r in reviewers}
    load = {r.id: 0 for r in reviewers}
    assigned: dict[int, set[int]] = defaultdict(set)
    for app_id, reviewer_id in existing:
        assigned[app_id].add(reviewer_id)
        if reviewer_id in load:
            load[reviewer_id] += 1
    eligible = {a.id: [r.id for r in reviewers if r.may_review(a)] for a in applications}
    new: dict[int, set[int]] = defaultdict(set)
    # The hardest to staff first, so the few reviewers they may have are not used up elsewhere.
    for app in sorted(applications, key=lambda a: (len(eligible[a.id]), a.reference)):
        while len(assigned[app.id]) < reviews_needed:
            free = [r for r in eligible[app.id] if r not in assigned[app.id]]
            if not free:
                break
            choice = min(free, key=lambda r: (load[r], by_id[r].name, r))
            assigned[app.id].add(choice)
            new[app.id].add(choice)
            load[choice] += 1
    _balance(applications, eligible, assigned, new, load)
    proposal = Proposal(load=load)
    for app in sorted(applications, key=lambda a: a.reference):
        proposal.pairs.extend((app.id, r) for r in sorted(new[app.id]))
        have = len(assigned[app.id])
        if have < reviews_needed:
            proposal.shortfalls.append(_shortfall(app, have, reviews_needed, reviewers))
    return proposal


def _balance(
    applications: Sequence[ApplicationToStaff],
    eligible: dict[int, list[int]],
    assigned: dict[int, set[int]],
    new: dict[int, set[int]],
    load: dict[int, int],
) -> None:
    """Move new assignments from busier reviewers to ones with two fewer, while one can move.

    Each move lowers the sum of squared loads, so this ends; when it does, no new assignment
    can go to a reviewer with at least two fewer than its holder.
    """
    moved = True
    while moved:
        moved = False
        for app in applications:
            for holder in sorted(new[app.id], key=lambda r: -load[r]):
                takers = [
                    r
                    for r in eligible[app.id]
                    if r not in assigned[app.id] and load[r] <= load[holder] - 2
                ]
                if takers:
                    taker = min(takers, key=lambda r: (load[r], r))
                    for group in (assigned[app.id], new[app.id]):
                        group.discard(holder)
                        group.add(taker)
                    load[holder] -= 1
                    load[taker] += 1
                    moved = True


# -- the database side ------------------------------------------------------------------------
def _audit(
    session: Session, actor: Actor, now: datetime, entity: str, entity_id: int, action: str, detail
) -> None:
    audit(
        session,
        actor=actor,
        now=now,
        entity=entity,
        entity_id=entity_id,
        action=action,
        detail=detail,
    )


def reviewer_affiliations(
    session: Session, reviewer_id: int | None = None
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Each reviewer's affiliated cities and bodies: those recorded, and their own organisation.

    A reviewer's organisation in the directory (the person's city or body) counts as an
    affiliation even when it was not entered again as one.
    """
    cities: dict[int, set[int]] = defaultdict(set)
    bodies: dict[int, set[int]] = defaultdict(set)
    recorded = select(
        ReviewerAffiliation.reviewer_id, ReviewerAffiliation.city_id, ReviewerAffiliation.body_id
    )
    own = select(Reviewer.id, Person.city_id, Person.body_id).join(
        Person, Person.id == Reviewer.person_id
    )
    if reviewer_id is not None:
        recorded = recorded.where(ReviewerAffiliation.reviewer_id == reviewer_id)
        own = own.where(Reviewer.id == reviewer_id)
    conn = session.connection()
    for query in (recorded, own):
        for rid, city_id, body_id in conn.execute(query).all():
            if city_id is not None:
                cities[rid].add(city_id)
            if body_id is not None:
                bodies[rid].add(body_id)
    return cities, bodies


def reviewers_available(session: Session) -> list[ReviewerAvailable]:
    """Every active reviewer with their affiliations and declared conflicts."""
    cities, bodies = reviewer_affiliations(session)
    declared: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, app_id in session.execute(
        select(Conflict.reviewer_id, Conflict.application_id).union(
            select(Assignment.reviewer_id, Assignment.application_id).where(
                Assignment.status == AssignmentStatus.CONFLICT.value
            )
        )
    ):
        declared[reviewer_id].add(app_id)
    return [
        ReviewerAvailable(
            rid,
            name,
            frozenset(cities[rid]),
            frozenset(bodies[rid]),
            frozenset(declared[rid]),
        )
        for rid, name in session.execute(
            select(Reviewer.id, Person.full_name)
            .join(Person, Person.id == Reviewer.person_id)
            .where(Reviewer.active.is_(True))
            .order_by(Reviewer.id)
        )
    ]


def _applications(session: Session, round_id: int) -> list[ApplicationToStaff]:
    return [
        ApplicationToStaff(app_id, ref or f"#{app_id}", applicant or "", city_id, body_id)
        for app_id, ref, applicant, city_id, body_id in session.execute(
            select(
                Application.id,
                Application.reference,
                func.coalesce(City.short_name, Body.short_name),
                Application.applicant_city_id,
                Application.applicant_body_id,
            )
            .outerjoin(City, City.id == Application.applicant_city_id)
            .outerjoin(Body, Body.id == Application.applicant_body_id)
            .where(Application.round_id == round_id, Application.state.in_(ASSIGNABLE_STATES))
            .order_by(Application.reference)
        )
    ]


@dataclass(frozen=True)
class ProposedPair:
    """One proposed assignment as the preview shows it."""

    application_id: int
    reviewer_id: int
    reference: str
    applicant: str
    reviewer: str


@dataclass(frozen=True)
class RoundProposal:
    """A round's proposal ready to preview and apply."""

    round_id: int
    round_name: str
    reviews_needed: int
    pairs: tuple[ProposedPair, ...]
    shortfalls: tuple[str, ...]
    load: dict[str, int]  # reviewer name -> assignments in the round after applying


def propose_for_round(session: Session, *, round_id: int) -> RoundProposal:
    """The automatic proposal for a round's applications in review, with its explanations."""
    rnd = session.get(Round, round_id)
    if rnd is None:
        raise WorkflowError(f"There is no round with id {round_id}.")
    apps = _applications(session, round_id)
    reviewers = reviewers_available(session)
    existing = session.execute(
        select(Assignment.application_id, Assignment.reviewer_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.round_id == round_id,
            Assignment.status != AssignmentStatus.CONFLICT.value,
        )
    ).all()
    staffed = {a.id for a in apps}
    proposal = propose_assignment(
        apps,
        reviewers,
        rnd.reviews_needed,
        [(a, r) for a, r in existing if a in staffed],
    )
    apps_by_id = {a.id: a for a in apps}
    names = {r.id: r.name for r in reviewers}
    return RoundProposal(
        round_id=rnd.id,
        round_name=rnd.name,
        reviews_needed=rnd.reviews_needed,
        pairs=tuple(
            ProposedPair(
                a, r, apps_by_id[a].reference, apps_by_id[a].applicant, names.get(r, f"#{r}")
            )
            for a, r in proposal.pairs
        ),
        shortfalls=tuple(proposal.shortfalls),
        load={names[r]: n for r, n in proposal.load.items()},
    )


def _check_may_assign(session: Session, app: Application, reviewer: Reviewer) -> None:
    """Refuse, with a sentence, a pair that breaks a rule of assignment."""
    person = session.get(Person, reviewer.person_id)
    name = person.full_name if person else f"Reviewer #{reviewer.id}"
    ref = app.reference or f"the draft '{app.title}'"
    if app.state not in ASSIGNABLE_STATES:
        raise WorkflowError(
            f"{ref} is {app.state.replace('_', ' ')}; reviewers are assigned to applications "
            "in review."
        )
    if not reviewer.active:
        raise WorkflowError(f"{name} is not an active reviewer.")
    cities, bodies = reviewer_affiliations(session, reviewer.id)
    affiliation = None
    if app.applicant_city_id is not None and app.applicant_city_id in cities[reviewer.id]:
        affiliation = session.scalar(
            select(City.short_name).where(City.id == app.applicant_city_id)
        )
    elif app.applicant_body_id is not None and app.applicant_body_id in bodies[reviewer.id]:
        affiliation = session.scalar(
            select(Body.short_name).where(Body.id == app.applicant_body_id)
        )
    if affiliation is not None:
        raise WorkflowError(
            f"{name} is affiliated with {affiliation}, the applicant of {ref}, and may not "
            "review it."
        )
    conflict = session.scalar(
        select(Conflict).where(
            Conflict.reviewer_id == reviewer.id, Conflict.application_id == app.id
        )
    )
    if conflict is not None:
        raise WorkflowError(f"{name} declared a {conflict.kind} conflict on {ref}.")
    if session.scalar(
        select(Assignment.id).where(
            Assignment.reviewer_id == reviewer.id, Assignment.application_id == app.id
        )
    ):
        raise WorkflowError(f"{name} is already assigned to {ref}.")


def _add_assignment(
    session: Session,
    app: Application,
    reviewer: Reviewer,
    method: AssignmentMethod,
    actor: Actor,
    now: datetime,
) -> Assignment:
    _check_may_assign(session, app, reviewer)
    assignment = Assignment(
        application_id=app.id,
        reviewer_id=reviewer.id,
        method=method.value,
        status=AssignmentStatus.ASSIGNED.value,
        assigned_at=now,
    )
    session.add(assignment)
    session.flush()
    _audit(
        session,
        actor,
        now,
        "application",
        app.id,
        "assign_reviewer",
        f"{method.value}: reviewer {reviewer.id}",
    )
    return assignment


def _load_pair(session: Session, application_id: int, reviewer_id: int):
    app = session.get(Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None:
        raise WorkflowError(f"There is no reviewer with id {reviewer_id}.")
    return app, reviewer


def apply_assignment(
    session: Session,
    *,
    round_id: int,
    pairs: Iterable[tuple[int, int]],
    actor: Actor,
    now: datetime,
) -> int:
    """Write a proposal's pairs (all or none); each is checked again as a manual one would be."""
    require_staff(actor, "assign reviewers")
    count = 0
    for application_id, reviewer_id in pairs:
        app, reviewer = _load_pair(session, application_id, reviewer_id)
        if app.round_id != round_id:
            raise WorkflowError(f"{app.reference} is not in this round.")
        _add_assignment(session, app, reviewer, AssignmentMethod.AUTOMATIC, actor, now)
        count += 1
    if count:
        _audit(
            session,
            actor,
            now,
            "round",
            round_id,
            "assign_automatically",
            f"{count} assignment{'s' if count != 1 else ''}",
        )
    session.flush()
    return count


def assign(
    session: Session, *, application_id: int, reviewer_id: int, actor: Actor, now: datetime
) -> int:
    """Assign a reviewer to an application by hand, with the same checks as the automatic way."""
    require_staff(actor, "assign reviewers")
    app, reviewer = _load_pair(session, application_id, reviewer_id)
    return _add_assignment(session, app, reviewer, AssignmentMethod.MANUAL, actor, now).id


def unassign(session: Session, *, assignment_id: int, actor: Actor, now: datetime) -> None:
    """Remove an assignment that has no scores yet; a scored review stays on record."""
    require_staff(actor, "remove assignments")
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise WorkflowError(f"There is no assignment with id {assignment_id}.")
    app = session.get(Application, assignment.application_id)
    person = session.scalar(
        select(Person.full_name)
        .join(Reviewer, Reviewer.person_id == Person.id)
        .where(Reviewer.id == assignment.reviewer_id)
    )
    has_scores = session.scalar(
        select(func.count()).select_from(Score).where(Score.assignment_id == assignment.id)
    )
    if has_scores or assignment.status == AssignmentStatus.SCORED.value:
        raise WorkflowError(
            f"{person} has already scored {app.reference if app else 'this application'}; "
            "a scored review cannot be removed (declare a conflict to set it aside)."
        )
    session.delete(assignment)
    _audit(
        session,
        actor,
        now,
        "application",
        assignment.application_id,
        "unassign_reviewer",
        f"reviewer {assignment.reviewer_id}",
    )
    session.flush()


def declare_conflict(
    session: Session,
    *,
    reviewer_id: int,
    application_id: int,
    kind: str,
    reason: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Record a reviewer's conflict on an application; an assignment to it is set aside."""
    require_staff(actor, "record conflicts of interest")
    app, reviewer = _load_pair(session, application_id, reviewer_id)
    kinds = [k.value for k in ConflictKind]
    if kind not in kinds:
        raise WorkflowError(f"Conflict type must be one of: {', '.join(kinds)}.")
    if not reason.strip():
        raise WorkflowError("Give the reason for the conflict of interest.")
    person = session.get(Person, reviewer.person_id)
    name = person.full_name if person else f"Reviewer #{reviewer.id}"
    if session.scalar(
        select(Conflict.id).where(
            Conflict.reviewer_id == reviewer_id, Conflict.application_id == application_id
        )
    ):
        raise WorkflowError(f"{name} already has a conflict on record for {app.reference}.")
    conflict = Conflict(
        reviewer_id=reviewer_id,
        application_id=application_id,
        kind=kind,
        reason=reason.strip(),
        declared_at=now,
    )
    session.add(conflict)
    assignment = session.scalar(
        select(Assignment).where(
            Assignment.reviewer_id == reviewer_id, Assignment.application_id == application_id
        )
    )
    if assignment is not None:
        assignment.status = AssignmentStatus.CONFLICT.value
    session.flush()
    _audit(
        session,
        actor,
        now,
        "application",
        application_id,
        "declare_conflict",
        f"reviewer {reviewer_id}: {kind}: {reason.strip()}",
    )
    session.flush()
    return conflict.id
