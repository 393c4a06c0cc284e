"""What the Reviews screens offer to choose from: rounds, applications in review, active
reviewers, and the reviewer and application of one assignment. Read-only; plain tuples."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.directory import Body, City, Person
from ...domain.grants import Application, Round
from ...domain.reviews import Assignment, Reviewer

# The states in which an application can be given a reviewer or a conflict.
ASSIGNABLE_STATES = ("in_review", "reviewed", "screening")


def round_choices(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, status) of every round, newest first."""
    return [
        (rid, name, status)
        for rid, name, status in session.execute(
            select(Round.id, Round.name, Round.status).order_by(Round.opens_on.desc())
        )
    ]


def assignment_pair(session: Session, assignment_id: int) -> tuple[int, int] | None:
    """(reviewer id, application id) of one assignment; None when it is gone."""
    a = session.get(Assignment, assignment_id)
    return (a.reviewer_id, a.application_id) if a is not None else None


def in_review_application_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "reference — applicant — title") of every application that can be assigned a
    reviewer, in reference order."""
    return [
        (app_id, f"{ref} — {applicant} — {title}")
        for app_id, ref, applicant, title in session.execute(
            select(
                Application.id,
                Application.reference,
                func.coalesce(City.short_name, Body.short_name),
                Application.title,
            )
            .outerjoin(City, City.id == Application.applicant_city_id)
            .outerjoin(Body, Body.id == Application.applicant_body_id)
            .where(Application.reference.is_not(None))
            .where(Application.state.in_(ASSIGNABLE_STATES))
            .order_by(Application.reference)
        )
    ]


def active_reviewer_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "name — city or body") of every active reviewer, by name."""
    return [
        (rid, f"{name} — {org}" if org else name)
        for rid, name, org in session.execute(
            select(Reviewer.id, Person.full_name, func.coalesce(City.short_name, Body.short_name))
            .join(Person, Person.id == Reviewer.person_id)
            .outerjoin(City, City.id == Person.city_id)
            .outerjoin(Body, Body.id == Person.body_id)
            .where(Reviewer.active.is_(True))
            .order_by(Person.full_name)
        )
    ]
