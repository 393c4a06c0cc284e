"""Funding rounds: field validation, saving, the guards, and each move with its audit event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.grants import (
    Application,
    Round,
    RoundAdmittedBody,
    ScreeningCheck,
    ScreeningResult,
)
from usrg_desktop.workflows import Actor, FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants import rounds as wf
from usrg_desktop.workflows.grants.listings import round_listing
from usrg_desktop.workflows.system.accounts import actor_named

NOW = datetime(2026, 11, 25, 8, 0)
STAFF = Actor(None, "Nomsa Dlamini", "secretariat")
ADMIN = Actor(None, "Pieter van Wyk", "administrator")
COORD = Actor(None, "Ṱhalitshani Nemaṱhaṋi", "coordinator")


def good_form(**changes) -> wf.RoundForm:
    form = wf.RoundForm(
        name="Innovation Fund 2027 Round 1",
        opens_on=date(2027, 2, 1),
        closes_on=date(2027, 3, 31),
        budget_cents=2_000_000_00,
        cap_cents=400_000_00,
        reviews_needed=3,
        review_deadline=date(2027, 5, 15),
        admitted_body_ids=(2,),
        screening_checks=("Applicant is an SACN member city", "Budget adds up"),
    )
    return replace(form, **changes)


def counts(db) -> tuple[int, int, int, int]:
    return tuple(
        db.rows(f"SELECT COUNT(*) FROM {t}")[0][0]
        for t in ("rounds", "screening_checks", "round_admitted_bodies", "audit_events")
    )


def create(db, form=None, actor=STAFF) -> int:
    with db.unit_of_work() as s:
        return wf.create_round(s, form=form or good_form(), actor=actor, now=NOW)


def test_create_round_saves_every_field_with_defaults_and_audit(any_db):
    rid = create(any_db)
    with any_db.unit_of_work() as s:
        rnd = s.get(Round, rid)
        assert (rnd.name, rnd.status, rnd.year, rnd.number) == (
            "Innovation Fund 2027 Round 1",
            "draft",
            2027,
            1,
        )
        assert rnd.rubric_id == wf.default_rubric_id(s) == 1
        assert (rnd.budget_cents, rnd.cap_cents, rnd.reviews_needed) == (
            2_000_000_00,
            400_000_00,
            3,
        )
        checks = s.scalars(
            select(ScreeningCheck.label)
            .where(ScreeningCheck.round_id == rid)
            .order_by(ScreeningCheck.position)
        ).all()
        assert checks == ["Applicant is an SACN member city", "Budget adds up"]
        assert s.scalars(select(RoundAdmittedBody.body_id)).all() == [2]
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "round")).one()
        assert (event.action, event.from_state, event.to_state, event.entity_id) == (
            "create",
            None,
            "draft",
            rid,
        )
    second = create(any_db, good_form(name="Innovation Fund 2027 Round 2"))
    with any_db.unit_of_work() as s:
        assert s.get(Round, second).number == 2
    listing = round_listing(any_db)
    assert listing.ids is not None and set(listing.ids) == {rid, second}


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"name": "  "}, "name", "Give the round a name."),
        ({"name": "x" * 201}, "name", "The name is 201 characters long; at most 200 fit."),
        ({"opens_on": None}, "opens_on", "Give the date the round opens."),
        (
            {"closes_on": date(2027, 1, 31)},
            "closes_on",
            "The close date must be after the open date.",
        ),
        (
            {"closes_on": date(2027, 2, 1)},
            "closes_on",
            "The close date must be after the open date.",
        ),
        (
            {"review_deadline": date(2027, 3, 1)},
            "review_deadline",
            "The review deadline must be after the close date.",
        ),
        ({"budget_cents": None}, "budget", "Give the round's total budget."),
        ({"budget_cents": 0}, "budget", "The budget must be more than R 0,00."),
        ({"cap_cents": -5}, "cap", "The cap per grant must be more than R 0,00."),
        (
            {"cap_cents": 2_000_000_01},
            "cap",
            "The cap per grant (R 2 000 000,01) cannot be more than the budget (R 2 000 000,00).",
        ),
        (
            {"reviews_needed": 0},
            "reviews_needed",
            "Each application needs between 1 and 10 reviews.",
        ),
        ({"rubric_id": 999}, "rubric", "Choose the rubric the reviewers will score with."),
        (
            {"admitted_body_ids": (999,)},
            "admitted_bodies",
            "One of the admitted bodies is not in the directory.",
        ),
        (
            {"screening_checks": ("Budget adds up", "budget adds up")},
            "screening_checks",
            "The screening check 'budget adds up' is listed twice.",
        ),
        (
            {"screening_checks": ("Budget adds up", " ")},
            "screening_checks",
            "A screening check cannot be empty; remove it or write it.",
        ),
    ],
)
def test_each_bad_field_is_refused_with_its_sentence_and_nothing_saved(
    db, changes, field, sentence
):
    before = counts(db)
    with pytest.raises(FieldErrors) as refused:
        create(db, good_form(**changes))
    assert refused.value.errors == {field: sentence}
    assert str(refused.value) == sentence
    assert counts(db) == before


def test_several_mistakes_are_reported_together(db):
    with pytest.raises(FieldErrors) as refused:
        create(db, good_form(name="", budget_cents=None, cap_cents=0))
    assert set(refused.value.errors) == {"name", "budget", "cap"}
    assert str(refused.value) == "Give the round a name (and 2 more fields to correct)."


def test_name_is_unique_whatever_the_case(any_db):
    create(any_db)
    before = counts(any_db)
    with pytest.raises(FieldErrors) as refused:
        create(any_db, good_form(name="innovation fund 2027 round 1 "))
    assert refused.value.errors == {
        "name": "There is already a round named 'innovation fund 2027 round 1'."
    }
    assert counts(any_db) == before


def test_only_staff_set_up_or_change_rounds(db):
    with pytest.raises(PermissionDenied, match="Only the secretariat or an administrator"):
        create(db, actor=COORD)
    rid = create(db)
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        wf.update_round(s, round_id=rid, form=good_form(name="Other"), actor=COORD, now=NOW)
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        wf.open_round(s, round_id=rid, actor=COORD, now=NOW)
    assert db.rows("SELECT name, status FROM rounds") == [("Innovation Fund 2027 Round 1", "draft")]


def test_update_changes_fields_keeps_used_checks_and_audits_what_changed(any_db):
    rid = create(any_db)
    form = good_form(
        name="Innovation Fund 2027 Round 1 (extended)",
        closes_on=date(2027, 4, 15),
        budget_cents=2_500_000_00,
        admitted_body_ids=(2, 3),
        screening_checks=("Budget adds up", "Letter of support attached"),
    )
    with any_db.unit_of_work() as s:
        kept = s.scalar(select(ScreeningCheck.id).where(ScreeningCheck.label == "Budget adds up"))
        changed = wf.update_round(s, round_id=rid, form=form, actor=ADMIN, now=NOW)
    assert changed == [
        "name",
        "close date",
        "budget",
        "admitted bodies",
        "screening checklist",
    ]
    with any_db.unit_of_work() as s:
        details = wf.round_details(s, rid)
        assert details.form.screening_checks == ("Budget adds up", "Letter of support attached")
        assert details.form.admitted_body_ids == (2, 3)
        assert details.form.budget_cents == 2_500_000_00
        # The kept check is the same row, so screening results that point at it stay valid.
        assert (
            s.scalar(select(ScreeningCheck.id).where(ScreeningCheck.label == "Budget adds up"))
            == kept
        )
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert event.detail == "name, close date, budget, admitted bodies, screening checklist"
    with any_db.unit_of_work() as s:
        assert wf.update_round(s, round_id=rid, form=form, actor=ADMIN, now=NOW) == []


def _add_application(session, round_id: int, state: str = "draft") -> int:
    app = Application(
        round_id=round_id,
        applicant_city_id=1,
        title="Safer taxi ranks",
        requested_cents=100_000_00,
        state=state,
        state_changed_at=NOW,
        created_at=NOW,
    )
    session.add(app)
    session.flush()
    return app.id


def _second_rubric(session) -> int:
    from usrg_desktop.domain.reviews import Rubric

    rubric = Rubric(name="Short rubric", description="", is_default=False)
    session.add(rubric)
    session.flush()
    return rubric.id


def test_a_round_with_applications_keeps_its_rubric(any_db):
    rid = create(any_db)
    with any_db.unit_of_work() as s:
        other = _second_rubric(s)
    # Without applications the rubric may change.
    with any_db.unit_of_work() as s:
        wf.update_round(s, round_id=rid, form=good_form(rubric_id=other), actor=STAFF, now=NOW)
        assert s.get(Round, rid).rubric_id == other
    with any_db.unit_of_work() as s:
        _add_application(s, rid)
    before = counts(any_db)
    with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as s:
        wf.update_round(
            s, round_id=rid, form=good_form(rubric_id=1, name="Renamed"), actor=STAFF, now=NOW
        )
    assert refused.value.errors == {
        "rubric": "The round has 1 application, so its rubric cannot change."
    }
    assert counts(any_db) == before
    assert any_db.rows("SELECT name, rubric_id FROM rounds") == [
        ("Innovation Fund 2027 Round 1", other)
    ]


def test_a_used_screening_check_cannot_be_removed(db):
    rid = create(db)
    with db.unit_of_work() as s:
        app_id = _add_application(s, rid, "screening")
        check = s.scalar(select(ScreeningCheck.id).where(ScreeningCheck.label == "Budget adds up"))
        s.add(ScreeningResult(application_id=app_id, check_id=check, passed=True, checked_at=NOW))
    with pytest.raises(FieldErrors) as refused, db.unit_of_work() as s:
        wf.update_round(
            s,
            round_id=rid,
            form=good_form(screening_checks=("Applicant is an SACN member city",)),
            actor=STAFF,
            now=NOW,
        )
    assert refused.value.errors["screening_checks"] == (
        "The screening check 'Budget adds up' has been used in screening and cannot be removed."
    )
    assert db.rows("SELECT COUNT(*) FROM screening_checks")[0][0] == 2


def test_rounds_move_through_their_states_each_move_audited(any_db):
    rid = create(any_db)
    with any_db.unit_of_work() as s:
        assert [m.action for m in wf.round_details(s, rid).moves] == ["open"]
    for fn, status in (
        (wf.open_round, "open"),
        (wf.close_round, "closed"),
        (wf.start_review, "reviewing"),
        (wf.decide_round, "decided"),
        (wf.archive_round, "archived"),
    ):
        with any_db.unit_of_work() as s:
            assert fn(s, round_id=rid, actor=STAFF, now=NOW) == status
    events = any_db.rows(
        "SELECT action, from_state, to_state FROM audit_events WHERE entity = 'round' "
        "AND entity_id = :id ORDER BY id",
        {"id": rid},
    )
    assert events == [
        ("create", None, "draft"),
        ("open", "draft", "open"),
        ("close", "open", "closed"),
        ("start_review", "closed", "reviewing"),
        ("decide", "reviewing", "decided"),
        ("archive", "decided", "archived"),
    ]
    with (
        pytest.raises(WorkflowError, match="is archived and cannot be changed"),
        any_db.unit_of_work() as s,
    ):
        wf.update_round(s, round_id=rid, form=good_form(name="X"), actor=STAFF, now=NOW)


def test_a_move_out_of_order_is_refused_and_changes_nothing(any_db):
    rid = create(any_db)
    before = counts(any_db)
    with pytest.raises(WorkflowError) as refused, any_db.unit_of_work() as s:
        wf.close_round(s, round_id=rid, actor=STAFF, now=NOW)
    assert str(refused.value) == (
        "The round 'Innovation Fund 2027 Round 1' is a draft, so it cannot be moved to closed."
    )
    assert counts(any_db) == before
    with (
        pytest.raises(WorkflowError, match="cannot be moved to decided"),
        any_db.unit_of_work() as s,
    ):
        wf.move_round(s, round_id=rid, target="decided", actor=STAFF, now=NOW)
    with (
        pytest.raises(WorkflowError, match="'nearly' is not a round status"),
        any_db.unit_of_work() as s,
    ):
        wf.move_round(s, round_id=rid, target="nearly", actor=STAFF, now=NOW)


def test_opening_needs_a_screening_checklist(db):
    rid = create(db, good_form(screening_checks=()))
    with pytest.raises(WorkflowError) as refused, db.unit_of_work() as s:
        wf.open_round(s, round_id=rid, actor=STAFF, now=NOW)
    assert str(refused.value) == (
        "Write the screening checklist of 'Innovation Fund 2027 Round 1' before opening it."
    )
    assert db.rows("SELECT status FROM rounds") == [("draft",)]


def test_decided_needs_every_application_decided_and_archive_every_grant_closed(db):
    rid = create(db)
    for fn in (wf.open_round, wf.close_round, wf.start_review):
        with db.unit_of_work() as s:
            fn(s, round_id=rid, actor=STAFF, now=NOW)
    with db.unit_of_work() as s:
        waiting = _add_application(s, rid, "in_review")
        _add_application(s, rid, "draft")  # never submitted: does not hold the round up
    with pytest.raises(WorkflowError) as refused, db.unit_of_work() as s:
        wf.decide_round(s, round_id=rid, actor=STAFF, now=NOW)
    assert str(refused.value) == (
        "The round 'Innovation Fund 2027 Round 1' still has 1 application without a decision."
    )
    with db.unit_of_work() as s:
        s.get(Application, waiting).state = "active"
    with db.unit_of_work() as s:
        wf.decide_round(s, round_id=rid, actor=STAFF, now=NOW)
    with (
        pytest.raises(WorkflowError, match="still has 1 grant approved, awarded or active"),
        db.unit_of_work() as s,
    ):
        wf.archive_round(s, round_id=rid, actor=STAFF, now=NOW)
    assert db.rows("SELECT status FROM rounds") == [("decided",)]


def test_closed_round_takes_no_new_applications(any_db):
    rid = create(any_db)
    with any_db.unit_of_work() as s:
        wf.ensure_round_takes_applications(s, rid)  # draft: drafts may be captured
        wf.open_round(s, round_id=rid, actor=STAFF, now=NOW)
        wf.ensure_round_takes_applications(s, rid)
        wf.close_round(s, round_id=rid, actor=STAFF, now=NOW)
    with pytest.raises(WorkflowError) as refused, any_db.unit_of_work() as s:
        wf.ensure_round_takes_applications(s, rid)
    assert str(refused.value) == (
        "The round 'Innovation Fund 2027 Round 1' is closed, so it takes no new applications."
    )


def test_budget_cannot_drop_below_what_is_committed_on_the_demo(any_demo_db):
    with any_demo_db.unit_of_work() as s:
        actor = actor_named(s, username="secretariat")
        rid, committed = next(
            (r, c)
            for r, c in (
                (r, wf.round_details(s, r).committed_cents)
                for r in s.scalars(select(Round.id).order_by(Round.id))
            )
            if c > 0
        )
        form = wf.round_details(s, rid).form
    before = any_demo_db.rows("SELECT budget_cents FROM rounds WHERE id = :id", {"id": rid})
    with pytest.raises(FieldErrors) as refused, any_demo_db.unit_of_work() as s:
        wf.update_round(
            s,
            round_id=rid,
            form=replace(form, budget_cents=committed - 1, cap_cents=1),
            actor=actor,
            now=NOW,
        )
    assert "already committed" in refused.value.errors["budget"]
    assert any_demo_db.rows("SELECT budget_cents FROM rounds WHERE id = :id", {"id": rid}) == before


def test_find_round_by_id_or_name(any_demo_db):
    with any_demo_db.unit_of_work() as s:
        rid, name = s.execute(select(Round.id, Round.name).limit(1)).one()
        assert wf.find_round(s, str(rid)) == rid
        assert wf.find_round(s, name.upper()) == rid
        with pytest.raises(WorkflowError, match="There is no round 'Nope'. The rounds are: "):
            wf.find_round(s, "Nope")
        assert s.scalar(select(func.count()).select_from(Round)) >= 2


def test_a_new_round_starts_from_the_latest_checklist_or_the_default(db):
    with db.unit_of_work() as s:
        assert wf.suggested_screening_checks(s) == list(wf.DEFAULT_SCREENING_CHECKS)
    create(db)
    create(
        db,
        good_form(
            name="Later",
            opens_on=date(2027, 6, 1),
            closes_on=date(2027, 7, 1),
            review_deadline=None,
            screening_checks=("Only this",),
        ),
    )
    with db.unit_of_work() as s:
        assert wf.suggested_screening_checks(s) == ["Only this"]


def test_the_identity_suggested_is_the_one_a_round_gets(any_db):
    form = good_form()
    with any_db.reading() as s:
        first = wf.round_identity(s, opens_on=form.opens_on)
    round_id = create(any_db, replace(form, name=first.name))
    with any_db.reading() as s:
        details = wf.round_details(s, round_id)
        second = wf.round_identity(s, opens_on=form.opens_on)
    assert details.reference_prefix == first.reference_prefix
    assert first.name == f"Innovation Fund {form.opens_on.year} Round {first.number}"
    assert (second.year, second.number) == (first.year, first.number + 1)
