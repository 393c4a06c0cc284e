"""Finding an application by what a person types, and a reviewer by e-mail address: the one
lookup the command line's commands share (usrg applications, assign, conflict)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from usrg_desktop.domain.directory import Person
from usrg_desktop.domain.grants import Application
from usrg_desktop.domain.reviews import Reviewer
from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.system.lookups import find_application_id, find_reviewer_id


def test_an_application_by_reference_in_any_case_or_by_id(any_demo_db):
    with any_demo_db.reading() as s:
        app_id, reference = s.execute(
            select(Application.id, Application.reference)
            .where(Application.reference.is_not(None))
            .order_by(Application.id)
        ).first()
        assert find_application_id(s, f"  {reference.lower()} ") == app_id
        assert find_application_id(s, f"#{app_id}") == app_id == find_application_id(s, str(app_id))
        for typed in ("USRG-IF-1999-1-001", "#9223372036854775808", "nonsense"):
            with pytest.raises(WorkflowError) as refused:
                find_application_id(s, typed)
            assert str(refused.value).startswith(f"There is no application '{typed}'; give its")


def test_a_reviewer_by_email_in_any_case(any_demo_db):
    with any_demo_db.reading() as s:
        reviewer_id, email = s.execute(
            select(Reviewer.id, Person.email)
            .join(Person, Person.id == Reviewer.person_id)
            .order_by(Reviewer.id)
        ).first()
        assert find_reviewer_id(s, f" {email.upper()} ") == reviewer_id
        with pytest.raises(WorkflowError, match="no reviewer with the email address 'x@y.za'"):
            find_reviewer_id(s, "x@y.za")
