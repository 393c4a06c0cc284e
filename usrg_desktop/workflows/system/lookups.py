"""Finding a record by what a person types: an application by its reference, a reviewer by
their e-mail address. The one way for the command line and the screens alike; a sentence
saying what to give when nothing matches."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.directory import Person
from ...domain.grants import Application
from ...domain.reviews import Reviewer
from .. import WorkflowError

_LARGEST_ID = 2**63 - 1  # a database id is never larger (a larger number overflows PostgreSQL)


def find_application_id(session: Session, reference: str) -> int:
    """The id of the application with this reference (in any case), or given as '#id' (or
    'id') for a draft, which has no reference yet."""
    text = reference.strip()
    found = session.scalar(select(Application.id).where(Application.reference == text.upper()))
    if found is None and text.lstrip("#").isdigit() and int(text.lstrip("#")) <= _LARGEST_ID:
        found = session.scalar(
            select(Application.id).where(Application.id == int(text.lstrip("#")))
        )
    if found is None:
        raise WorkflowError(
            f"There is no application '{text}'; give its reference, like USRG-IF-2026-1-001 "
            "(or #id for a draft)."
        )
    return int(found)


def find_reviewer_id(session: Session, email: str) -> int:
    """The id of the reviewer whose directory entry has this e-mail address (in any case)."""
    found = session.scalar(
        select(Reviewer.id)
        .join(Person, Person.id == Reviewer.person_id)
        .where(Person.email == email.strip().lower())
    )
    if found is None:
        raise WorkflowError(f"There is no reviewer with the email address '{email.strip()}'.")
    return int(found)
