"""Today's list: one line per thing to do, each naming the record it opens, on both engines;
lines come and go as the records change."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.conftest import TODAY
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.system import today as wt
from usrg_desktop.workflows.system.accounts import actor_named

NOW = datetime(2026, 11, 25, 8, 0)


def _lines(db, today: date = TODAY, role: str | None = None) -> list[dict]:
    listing = wt.today_listing(db, today=today, role=role)
    keys = listing.keys()
    return [dict(zip(keys, row, strict=True)) for row in listing.rows]


def _state_refs(db, state: str) -> set[str]:
    return {
        r[0] for r in db.rows("SELECT reference FROM applications WHERE state = :s", {"s": state})
    }


def test_every_application_waiting_for_the_secretariat_has_its_line(any_demo_db):
    db = any_demo_db
    lines = _lines(db)
    screening = {line["record"] for line in lines if line["section"] == "Screening"}
    assert screening == _state_refs(db, "submitted") and screening
    decisions = [line for line in lines if line["section"] == "Decisions"]
    assert {line["record"] for line in decisions if "needs a decision" in line["what"]} == (
        _state_refs(db, "reviewed")
    )
    # Approved without an award letter: exactly those with no letter of kind award.
    without = {
        r[0]
        for r in db.rows(
            "SELECT reference FROM applications a WHERE state = 'approved' AND NOT EXISTS "
            "(SELECT 1 FROM issued_letters l WHERE l.application_id = a.id AND l.kind = 'award')"
        )
    }
    assert {line["record"] for line in decisions if "award letter" in line["what"]} == without
    for line in lines:
        kind, _, ident = line["opens"].partition(":")
        assert kind in {"application", "award", "meeting", "round", "person"} and ident.isdigit()


def test_reviews_outstanding_by_reviewer_and_scores_files_by_round(any_demo_db):
    db = any_demo_db
    lines = [line for line in _lines(db) if line["section"] == "Reviews"]
    outstanding = db.rows(
        "SELECT p.full_name, COUNT(*) FROM assignments a "
        "JOIN applications app ON app.id = a.application_id "
        "JOIN rounds r ON r.id = app.round_id JOIN reviewers rv ON rv.id = a.reviewer_id "
        "JOIN people p ON p.id = rv.person_id "
        "WHERE a.status = 'assigned' AND r.status = 'reviewing' GROUP BY p.full_name"
    )
    assert outstanding, "the demo has reviews outstanding"
    for name, count in outstanding:
        [line] = [line for line in lines if line["what"].startswith(f"{name}: ")]
        assert f"{count} review" in line["what"] and line["opens"].startswith("person:")
    rounds = [line for line in lines if line["opens"].startswith("round:")]
    assert rounds and all("scores files received from" in line["what"] for line in rounds)


def test_overdue_tranches_and_reports_count_down_below_zero(any_demo_db):
    lines = [line for line in _lines(any_demo_db) if line["section"] == "Awards"]
    assert lines
    for line in lines:
        due = date.fromisoformat(line["due"])
        assert line["days"] == (due - TODAY).days
        assert ("is overdue" in line["what"]) == (due < TODAY)
        assert due <= TODAY + timedelta(days=wt.SOON_DAYS)


def test_the_next_meeting_has_its_checklist_and_overdue_actions_follow(any_demo_db):
    lines = _lines(any_demo_db)
    meeting = [line for line in lines if line["section"] == "Meetings"]
    assert len(meeting) == 6 and len({line["opens"] for line in meeting}) == 1
    assert all(line["what"][:2] in ("✓ ", "✗ ") for line in meeting)
    actions = [line for line in lines if line["section"] == "Action items"]
    assert actions and all(line["days"] < 0 for line in actions)


def test_the_coordinator_sees_the_meetings_first(any_demo_db):
    sections = [line["section"] for line in _lines(any_demo_db, role="coordinator")]
    assert sections[0] == "Meetings"
    assert [line["section"] for line in _lines(any_demo_db)][0] == "Screening"


def test_a_line_goes_when_its_work_is_done(any_demo_db):
    db = any_demo_db
    app_id, ref = db.rows(
        "SELECT id, reference FROM applications WHERE state = 'submitted' ORDER BY reference"
    )[0]
    assert ref in {line["record"] for line in _lines(db) if line["section"] == "Screening"}
    with db.unit_of_work() as s:
        actor = actor_named(s, username="secretariat")
        wf.start_screening(s, application_id=app_id, actor=actor, now=NOW)
    assert ref not in {line["record"] for line in _lines(db) if line["section"] == "Screening"}


def test_round_budgets_add_up(any_demo_db):
    budgets = wt.round_budgets(any_demo_db)
    assert budgets
    for b in budgets:
        assert 0 <= b.paid_cents <= b.committed_cents <= b.budget_cents
        assert b.remaining_cents == b.budget_cents - b.committed_cents
