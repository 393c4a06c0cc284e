"""The application form, the screen's actions, history and screening checklist (attachments:
test_application_attachments.py)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.workflows.test_applications import (
    ADMIN,
    COORD,
    NOW,
    STAFF,
    add_scored_reviews,
    make_round,
    tick_all,
)
from usrg_desktop.domain.directory import Body, City, Person
from usrg_desktop.domain.grants import Application, RoundAdmittedBody
from usrg_desktop.workflows import FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants import applications as wf

# -- helpers ------------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office_file(part: str) -> bytes:
    """A zip archive holding `part`, the way .docx and .xlsx files are made."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def city_id(session, short_name="eThekwini") -> int:
    return session.scalar(select(City.id).where(City.short_name == short_name))


def body_id(session, short_name) -> int:
    return session.scalar(select(Body.id).where(Body.short_name == short_name))


def form(session, for_round, /, **changes):
    """A complete, valid form for a round (R 250 000 in two lines), with `changes` applied."""
    values = dict(
        round_id=for_round,
        applicant_city_id=city_id(session),
        applicant_body_id=None,
        title="Safer taxi ranks in Durban",
        summary="Marshals and lighting at three ranks.",
        problem="Robberies at night at the ranks.",
        intervention="Trained marshals, lighting and a reporting line.",
        requested_cents=250_000_00,
        starts_on=date(2027, 2, 1),
        ends_on=date(2028, 1, 31),
        contact_name="Ṱhalitshani Nemaṱhaṋi",
        contact_email="t.nemathani@durban.gov.za",
        contact_phone="+27 31 311 1111",
        budget_lines=[("Marshals", 150_000_00), ("Lighting", 100_000_00)],
    )
    values.update(changes)
    return values


def save(session, for_round, /, actor=STAFF, **changes) -> int:
    return wf.save_application(session, **form(session, for_round, **changes), actor=actor, now=NOW)


def counts(db) -> tuple[int, ...]:
    return tuple(
        db.rows(f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("applications", "budget_lines", "people", "audit_events", "attachments")
    )


def field_errors(db, for_round, /, **changes) -> dict[str, str]:
    """The errors of a refused save, checking that the refusal wrote nothing."""
    before = counts(db)
    with pytest.raises(FieldErrors) as caught, db.unit_of_work() as s:
        save(s, for_round, **changes)
    assert counts(db) == before
    return caught.value.errors


@pytest.fixture
def open_round(any_db):
    with any_db.unit_of_work() as s:
        round_id = make_round(s)
    return any_db, round_id


# -- the form -----------------------------------------------------------------------------------
def test_a_valid_form_saves_a_draft_with_lines_contact_and_audit(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
    with db.unit_of_work() as s:
        details = wf.application_details(s, app_id)
        history = wf.application_history(s, app_id)
    assert details.state == "draft" and details.reference is None
    assert details.applicant == "eThekwini"
    assert [(line.description, line.amount_cents) for line in details.budget_lines] == [
        ("Marshals", 150_000_00),
        ("Lighting", 100_000_00),
    ]
    assert details.contact_name == "Ṱhalitshani Nemaṱhaṋi"
    assert details.contact_email == "t.nemathani@durban.gov.za"
    assert [(h.action, h.from_state, h.to_state, h.who) for h in history] == [
        ("create", "", "draft", STAFF.name)
    ]
    # A second application with the same contact email reuses the directory entry.
    with db.unit_of_work() as s:
        people = s.scalar(select(Person.id).where(Person.email == "t.nemathani@durban.gov.za"))
        other = save(s, round_id, title="Second", contact_email="T.Nemathani@durban.gov.za")
        assert s.get(Application, other).contact_person_id == people


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "  "}, "title", "Title is required."),
        ({"summary": ""}, "summary", "Summary is required."),
        ({"problem": ""}, "problem", "Problem addressed is required."),
        ({"intervention": ""}, "intervention", "Intervention is required."),
        ({"title": "x" * 301}, "title", "at most 300 characters"),
        ({"round_id": None}, "round", "Choose the round"),
        ({"round_id": 999_999}, "round", "There is no round with id 999999."),
        (
            {"applicant_city_id": None},
            "applicant",
            "Choose one applicant: a member city or an admitted body.",
        ),
        ({"requested_cents": None}, "requested", "Requested amount is required."),
        ({"requested_cents": 0}, "requested", "must be more than R 0,00"),
        ({"starts_on": None}, "starts_on", "Start date is required."),
        ({"ends_on": None}, "ends_on", "End date is required."),
        ({"ends_on": date(2027, 1, 31)}, "ends_on", "End date must not be before the start date."),
        ({"budget_lines": []}, "budget_lines", "Add at least one budget line."),
        (
            {"budget_lines": [("Marshals", 150_000_00), ("", 100_000_00)]},
            "budget_lines",
            "Budget line 2 needs a description.",
        ),
        (
            {"budget_lines": [("Marshals", 150_000_00), ("Lighting", 0)]},
            "budget_lines",
            "Budget line 2 ('Lighting') needs an amount.",
        ),
        (
            {"budget_lines": [("Marshals", 150_000_00), ("Lighting", 90_000_00)]},
            "budget_lines",
            "Budget lines add up to R 240 000,00, not the R 250 000,00 requested.",
        ),
        ({"contact_name": ""}, "contact_name", "Contact person is required."),
        ({"contact_email": ""}, "contact_email", "Contact email is required."),
        ({"contact_email": "not-an-address"}, "contact_email", "is not an email address"),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_written(open_round, changes, field, words):
    db, round_id = open_round
    errors = field_errors(db, round_id, **changes)
    assert set(errors) == {field}
    assert words in errors[field]


def test_request_over_the_cap_is_refused_with_the_cap(open_round):
    db, round_id = open_round
    errors = field_errors(
        db,
        round_id,
        requested_cents=450_000_00,
        budget_lines=[("Everything", 450_000_00)],
    )
    assert errors == {
        "requested": "Requested amount R 450 000,00 is over the round's cap of R 400 000,00."
    }


def test_several_mistakes_are_reported_together(open_round):
    db, round_id = open_round
    errors = field_errors(db, round_id, title="", ends_on=date(2026, 1, 1), contact_email="x")
    assert set(errors) == {"title", "ends_on", "contact_email"}


def test_applicant_must_be_an_active_city_or_a_body_the_round_admits(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        salga, csps = body_id(s, "SALGA"), body_id(s, "CSPS")
        s.add(RoundAdmittedBody(round_id=round_id, body_id=salga))
        msunduzi = city_id(s, "Msunduzi")
        s.get(City, msunduzi).active = False
    errors = field_errors(db, round_id, applicant_city_id=None, applicant_body_id=csps)
    assert errors["applicant"].startswith("The round 'Innovation Fund test round")
    assert errors["applicant"].endswith("does not admit CSPS.")
    errors = field_errors(db, round_id, applicant_city_id=msunduzi)
    assert errors == {"applicant": "Msunduzi is not an active member city."}
    with db.unit_of_work() as s:
        app_id = save(s, round_id, applicant_city_id=None, applicant_body_id=salga)
        assert wf.application_details(s, app_id).applicant == "SALGA"


@pytest.mark.parametrize("status", ["closed", "reviewing", "decided", "archived"])
def test_a_closed_round_takes_no_new_application(any_db, status):
    with any_db.unit_of_work() as s:
        round_id = make_round(s, status=status)
    errors = field_errors(any_db, round_id)
    assert errors["round"].startswith("The round 'Innovation Fund test round")
    assert errors["round"].endswith(", so it takes no new applications.")
    assert status.replace("reviewing", "in review") in errors["round"]


def test_editing_replaces_lines_and_audits_what_changed(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
    with db.unit_of_work() as s:
        wf.save_application(
            s,
            application_id=app_id,
            **form(
                s,
                round_id,
                title="Safer taxi ranks in eThekwini",
                requested_cents=300_000_00,
                budget_lines=[("Marshals", 200_000_00), ("Lighting", 100_000_00)],
            ),
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as s:
        details = wf.application_details(s, app_id)
        history = wf.application_history(s, app_id)
    assert details.title == "Safer taxi ranks in eThekwini"
    assert sum(line.amount_cents for line in details.budget_lines) == 300_000_00
    assert len(details.budget_lines) == 2
    assert history[0].action == "edit"
    assert history[0].detail == "changed: title, requested amount, budget lines"
    assert (
        db.rows("SELECT COUNT(*) FROM budget_lines WHERE application_id = :i", {"i": app_id})[0][0]
        == 2
    )


def test_a_refused_edit_changes_nothing(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
    before = counts(db)
    with pytest.raises(FieldErrors), db.unit_of_work() as s:
        wf.save_application(
            s,
            application_id=app_id,
            **form(s, round_id, title="", budget_lines=[("One", 1_00)]),
            actor=STAFF,
            now=NOW,
        )
    assert counts(db) == before
    with db.unit_of_work() as s:
        assert wf.application_details(s, app_id).title == "Safer taxi ranks in Durban"


def test_only_drafts_and_submitted_applications_can_be_edited(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        # Still editable once submitted, but not into another round.
        other = make_round(s)
        wf.save_application(
            s, application_id=app_id, **form(s, round_id, title="New"), actor=STAFF, now=NOW
        )
        with pytest.raises(FieldErrors) as caught:
            wf.save_application(s, application_id=app_id, **form(s, other), actor=STAFF, now=NOW)
        assert "its round cannot change" in caught.value.errors["round"]
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
    with pytest.raises(WorkflowError) as caught, db.unit_of_work() as s:
        wf.save_application(s, application_id=app_id, **form(s, round_id), actor=STAFF, now=NOW)
    assert "is screening; only drafts and submitted applications" in str(caught.value)


def test_only_staff_capture_applications(open_round):
    db, round_id = open_round
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        save(s, round_id, actor=COORD)


def test_a_saved_draft_is_complete_enough_to_submit(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
        ref = wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
    assert ref.endswith("-001")


# -- available actions --------------------------------------------------------------------------
def _options(db, app_id, actor=STAFF) -> dict[str, wf.ActionOption]:
    with db.unit_of_work() as s:
        return {o.action: o for o in wf.available_actions(s, application_id=app_id, actor=actor)}


def _state_and_audit(db, app_id):
    return (
        db.rows("SELECT state, reference FROM applications WHERE id = :i", {"i": app_id})[0],
        db.rows("SELECT COUNT(*) FROM audit_events")[0][0],
        db.rows("SELECT last_sequence FROM rounds")[0:],
    )


def test_available_actions_follow_the_state_machine_and_write_nothing(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)

    def check(expected_state, enabled, disabled, actor=STAFF):
        before = _state_and_audit(db, app_id)
        options = _options(db, app_id, actor)
        assert _state_and_audit(db, app_id) == before  # trying the guards wrote nothing
        assert before[0][0] == expected_state
        wanted = {t.action for t in wf.TRANSITIONS.values() if wf.S(expected_state) in t.sources}
        assert set(options) == wanted
        assert {a for a, o in options.items() if o.enabled} == set(enabled)
        for action, words in disabled.items():
            assert not options[action].enabled
            assert words in options[action].reason_if_disabled
        return options

    options = check("draft", {"submit", "withdraw"}, {})
    assert options["withdraw"].needs_reason and not options["submit"].needs_reason
    assert options["submit"].label == "Submit" and options["submit"].target == "submitted"
    check(
        "draft",
        set(),
        {
            "submit": "Only the secretariat or an administrator may submit",
            "withdraw": "Only the secretariat or an administrator may withdraw",
        },
        actor=COORD,
    )
    with db.unit_of_work() as s:
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
    check("submitted", {"start_screening", "withdraw"}, {})
    with db.unit_of_work() as s:
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
    check(
        "screening",
        {"mark_ineligible", "withdraw"},
        {"mark_eligible": "not yet ticked in screening: Check 1; Check 2; Check 3"},
    )
    with db.unit_of_work() as s:
        tick_all(s, app_id)
    check("screening", {"mark_eligible", "mark_ineligible", "withdraw"}, {})
    with db.unit_of_work() as s:
        wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
    check(
        "in_review",
        {"withdraw"},
        {
            "complete_review": "has 0 of the 3 reviews it needs",
            "reopen_screening": "Only an administrator may re-open screening",
        },
    )
    check("in_review", {"withdraw", "reopen_screening"}, {"complete_review": "0 of the 3"}, ADMIN)
    with db.unit_of_work() as s:
        add_scored_reviews(s, app_id)
        wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)
    check("reviewed", {"approve", "decline", "withdraw"}, {})
    with db.unit_of_work() as s:
        wf.approve(s, application_id=app_id, actor=STAFF, now=NOW, amount_cents=200_000_00)
    check(
        "approved",
        {"withdraw"},
        {
            "mark_awarded": "has no award on record yet",
            "reverse_decision": "Only an administrator may reverse decision",
        },
    )
    check("approved", {"withdraw", "reverse_decision"}, {"mark_awarded": "no award"}, ADMIN)


def test_approve_is_disabled_when_the_budget_is_spent(any_db):
    with any_db.unit_of_work() as s:
        round_id = make_round(s, budget=300_000_00, cap=300_000_00)
        first = save(s, round_id, requested_cents=300_000_00, budget_lines=[("All", 300_000_00)])
        second = save(s, round_id, title="Second")
        for app_id in (first, second):
            wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
            wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
            tick_all(s, app_id)
            wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
            add_scored_reviews(s, app_id)
            wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.approve(s, application_id=first, actor=STAFF, now=NOW, amount_cents=300_000_00)
    approve = _options(any_db, second)["approve"]
    assert not approve.enabled
    assert "would exceed the round's budget: only R 0,00 is uncommitted" in (
        approve.reason_if_disabled
    )


def test_terminal_states_offer_nothing(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
        wf.withdraw(s, application_id=app_id, actor=STAFF, now=NOW, reason="Applicant asked")
    assert _options(db, app_id) == {}


# -- history ------------------------------------------------------------------------------------
def test_history_is_newest_first_in_south_african_time_with_reasons(open_round):
    db, round_id = open_round
    later = replace_hour(NOW, 10)
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
        wf.submit(s, application_id=app_id, actor=STAFF, now=later)
        wf.withdraw(
            s, application_id=app_id, actor=ADMIN, now=replace_hour(NOW, 12), reason="Merged"
        )
    with db.unit_of_work() as s:
        history = wf.application_history(s, app_id)
    assert [(h.when, h.who, h.what, h.from_state, h.to_state, h.reason) for h in history] == [
        ("2026-11-25 14:00", ADMIN.name, "Withdraw", "submitted", "withdrawn", "Merged"),
        ("2026-11-25 12:00", STAFF.name, "Submit", "draft", "submitted", ""),
        ("2026-11-25 10:00", STAFF.name, "Created", "", "draft", ""),
    ]


def replace_hour(moment, hour):
    return moment.replace(hour=hour)


# -- screening ----------------------------------------------------------------------------------
def test_screening_checklist_lists_the_rounds_checks_with_results(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
        items = wf.screening_checklist(s, app_id)
        assert [(i.position, i.label, i.passed) for i in items] == [
            (1, "Check 1", None),
            (2, "Check 2", None),
            (3, "Check 3", None),
        ]
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.record_screening(
            s,
            application_id=app_id,
            check_id=items[1].check_id,
            passed=False,
            note="No council resolution",
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as s:
        items = wf.screening_checklist(s, app_id)
    assert [(i.passed, i.note, i.checked_by, i.checked_at) for i in items] == [
        (None, "", "", ""),
        (False, "No council resolution", STAFF.name, "2026-11-25 10:00"),
        (None, "", "", ""),
    ]


def test_form_choices_offer_rounds_with_their_admitted_bodies(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        s.add(RoundAdmittedBody(round_id=round_id, body_id=body_id(s, "SALGA")))
        s.flush()
        closed = make_round(s, status="closed")
        choices = wf.form_choices(s)
    by_id = {r.id: r for r in choices.rounds}
    assert [name for _id, name in by_id[round_id].admitted_bodies] == ["SALGA"]
    assert by_id[round_id].takes_applications and not by_id[closed].takes_applications
    assert "eThekwini" in [name for _id, name in choices.cities]
    assert replace(by_id[round_id]) == by_id[round_id]


def test_a_switched_off_body_is_neither_offered_nor_taken_as_applicant(open_round):
    from usrg_desktop.workflows.directory import organisations as org

    db, round_id = open_round
    with db.unit_of_work() as s:
        salga = body_id(s, "SALGA")
        s.add(RoundAdmittedBody(round_id=round_id, body_id=salga))
        s.flush()
        org.set_organisation_active(
            s, kind="body", org_id=salga, active=False, actor=STAFF, now=NOW
        )
    with db.reading() as s:
        offered = {r.id: r for r in wf.form_choices(s).rounds}[round_id].admitted_bodies
    assert offered == ()
    before = db.rows("SELECT COUNT(*) FROM applications")[0][0]
    with pytest.raises(FieldErrors) as refused, db.unit_of_work() as s:
        save(s, round_id, applicant_city_id=None, applicant_body_id=salga)
    assert refused.value.errors["applicant"] == "SALGA is switched off in the directory."
    assert db.rows("SELECT COUNT(*) FROM applications")[0][0] == before
    with db.unit_of_work() as s:
        org.set_organisation_active(s, kind="body", org_id=salga, active=True, actor=STAFF, now=NOW)
        assert save(s, round_id, applicant_city_id=None, applicant_body_id=salga)


def test_every_state_of_the_demo_offers_exactly_its_moves_for_every_role(any_demo_db):
    """For one application in each state: the moves out of it, and who may make them."""
    db = any_demo_db
    picked = db.rows("SELECT state, MIN(id) FROM applications GROUP BY state ORDER BY state")
    assert {s for s, _ in picked} == {s.value for s in wf.S}
    actors = {
        role: wf.Actor(uid, name, role)
        for uid, name, role in db.rows("SELECT id, display_name, role FROM users")
    }
    assert set(actors) == {"administrator", "secretariat", "coordinator"}
    before = db.rows("SELECT COUNT(*) FROM audit_events")[0][0]
    for state_value, app_id in picked:
        expected = {t.action for t in wf.TRANSITIONS.values() if wf.S(state_value) in t.sources}
        for role, actor in actors.items():
            options = _options(db, app_id, actor)
            assert set(options) == expected, (state_value, role)
            for option in options.values():
                transition = wf.TRANSITIONS[option.action]
                if actor.role not in transition.roles:
                    assert not option.enabled
                    assert option.reason_if_disabled.startswith("Only ")
                elif option.enabled:
                    assert option.reason_if_disabled == ""
                else:
                    assert option.reason_if_disabled.endswith(".")
        assert db.rows("SELECT state FROM applications WHERE id = :i", {"i": app_id}) == [
            (state_value,)
        ]
    assert db.rows("SELECT COUNT(*) FROM audit_events")[0][0] == before
