"""Two people editing the same record: the second save is refused, never silently lost.

Forms hand back the version they opened (`seen_version`); a save over a newer version raises
EditConflict with who saved and when, and writes nothing. Raced in two real processes on
SQLite and PostgreSQL, and checked one after the other.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor, EditConflict
from usrg_desktop.workflows.grants import applications as wf

from ..concurrency import race
from .test_applications import STAFF, make_application, make_round

NOW = datetime(2026, 11, 25, 8, 0)


def form_values(db: Database, app_id: int) -> dict:
    """What an edit form opened on the application holds, ready to save."""
    with db.unit_of_work() as s:
        d = wf.application_details(s, app_id)
    return dict(
        application_id=app_id,
        round_id=d.round_id,
        applicant_city_id=d.applicant_city_id,
        applicant_body_id=d.applicant_body_id,
        title=d.title,
        summary=d.summary,
        problem=d.problem,
        intervention=d.intervention,
        requested_cents=d.requested_cents,
        starts_on=d.starts_on,
        ends_on=d.ends_on,
        contact_name=d.contact_name,
        contact_email=d.contact_email,
        contact_phone=d.contact_phone,
        contact_person_id=d.contact_person_id,
        budget_lines=[(line.description, line.amount_cents) for line in d.budget_lines],
        seen_version=d.version,
    )


def draft(db: Database) -> int:
    with db.unit_of_work() as s:
        return make_application(s, make_round(s))


def edits_of(db: Database, app_id: int) -> int:
    with db.unit_of_work() as s:
        return s.scalar(
            select(func.count()).where(
                AuditEvent.entity == "application",
                AuditEvent.entity_id == app_id,
                AuditEvent.action == "edit",
            )
        )


def test_a_save_from_a_form_opened_before_another_save_is_refused(any_db):
    app_id = draft(any_db)
    mine, theirs = form_values(any_db, app_id), form_values(any_db, app_id)
    other = Actor(STAFF.user_id, "Thandi Nkosi", STAFF.role)
    with any_db.unit_of_work() as s:
        wf.save_application(s, **{**theirs, "summary": "Theirs."}, actor=other, now=NOW)
    with pytest.raises(EditConflict) as refused, any_db.unit_of_work() as s:
        wf.save_application(s, **{**mine, "title": "Mine"}, actor=STAFF, now=NOW)
    assert str(refused.value).startswith("Thandi Nkosi saved the draft 'Safe routes to school' ")
    assert str(refused.value).endswith(", after you opened it; nothing of yours was saved.")
    with any_db.unit_of_work() as s:
        kept = wf.application_details(s, app_id)
    assert (kept.title, kept.summary, kept.version) == ("Safe routes to school", "Theirs.", 2)
    assert edits_of(any_db, app_id) == 1
    # Reopened on the new version, the same change saves.
    again = form_values(any_db, app_id)
    with any_db.unit_of_work() as s:
        wf.save_application(s, **{**again, "title": "Mine"}, actor=STAFF, now=NOW)
    with any_db.unit_of_work() as s:
        assert wf.application_details(s, app_id).version == 3


def save_form(barrier, url: str, values: dict, name: str) -> str:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            wf.save_application(s, **values, actor=Actor(None, name, "secretariat"), now=NOW)
        return name
    finally:
        db.dispose()


def test_two_workstations_saving_the_same_form_at_once_keep_one(any_db):
    for _ in range(3):
        app_id = draft(any_db)
        opened = form_values(any_db, app_id)
        outcomes = race(
            (save_form, (any_db.url, {**opened, "title": "From desk A"}, "Desk A")),
            (save_form, (any_db.url, {**opened, "title": "From desk B"}, "Desk B")),
        )
        winners = [o.value for o in outcomes if o.ok]
        losers = [o.message for o in outcomes if not o.ok]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert losers[0].startswith(f"EditConflict: {winners[0]} saved the draft "), losers
        with any_db.unit_of_work() as s:
            assert wf.application_details(s, app_id).title == f"From desk {winners[0][-1]}"
        assert edits_of(any_db, app_id) == 1
