"""`usrg ranking`, `usrg assign`, `usrg conflict` and `usrg rubric` on the demo database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from usrg_desktop import cli
from usrg_desktop.domain.directory import Person
from usrg_desktop.domain.grants import Application
from usrg_desktop.domain.reviews import Assignment, Conflict, Reviewer, ReviewerAffiliation

ROUND = "Innovation Fund 2026 Round 1"


@pytest.fixture
def signed_in(monkeypatch):
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")


def run(db, *args: str) -> int:
    return cli.main([*args, "--database", db.url])


def test_ranking_json_is_sorted_with_the_funding_line(any_demo_db, capsys) -> None:
    assert run(any_demo_db, "ranking", "--round", ROUND, "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    scores = [r["score"] for r in rows if r["score"] is not None]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 10
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert any(r["above_line"] for r in rows) and any(not r["above_line"] for r in rows)
    assert set(rows[0]) >= {"reference", "score", "standardised", "spread", "disagreement"}


def test_severity_table(any_demo_db, capsys) -> None:
    assert run(any_demo_db, "ranking", "--round", ROUND, "--severity") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["Reviewer", "Reviews"]
    assert len(out.splitlines()) == 2 + 8


def test_conflict_and_manual_assignment_refusals(any_demo_db, capsys, signed_in) -> None:
    with any_demo_db.unit_of_work() as session:
        app = session.scalar(
            select(Application).where(Application.state == "in_review").order_by(Application.id)
        )
        ref = app.reference
        applicant_city = app.applicant_city_id
        assigned = set(
            session.scalars(
                select(Assignment.reviewer_id).where(Assignment.application_id == app.id)
            )
        )
        free = session.execute(
            select(Reviewer.id, Person.email).join(Person, Person.id == Reviewer.person_id)
        ).all()
        affiliated = {
            r
            for r, c in session.execute(
                select(ReviewerAffiliation.reviewer_id, ReviewerAffiliation.city_id)
            )
            if c == applicant_city
        }
        reviewer_id, email = next(
            (r, e) for r, e in free if r not in assigned and r not in affiliated
        )
    assert (
        run(
            any_demo_db,
            "conflict",
            "--application",
            ref,
            "--reviewer",
            email,
            "--type",
            "personal",
            "--reason",
            "Brother works for the project",
        )
        == 0
    )
    assert run(any_demo_db, "assign", "add", "--application", ref, "--reviewer", email) == 1
    err = capsys.readouterr().err
    assert err.strip().endswith(f"declared a personal conflict on {ref}.")
    assert "Traceback" not in err
    with any_demo_db.unit_of_work() as session:
        assert (
            session.scalar(
                select(Conflict.kind).where(
                    Conflict.reviewer_id == reviewer_id, Conflict.application_id == app.id
                )
            )
            == "personal"
        )
        assert (
            session.scalar(
                select(Assignment.id).where(
                    Assignment.reviewer_id == reviewer_id, Assignment.application_id == app.id
                )
            )
            is None
        )


def test_assign_propose_apply_and_remove(any_demo_db, capsys, signed_in) -> None:
    # Take one review away from an application in review: the proposal puts one back.
    with any_demo_db.unit_of_work() as session:
        row = session.execute(
            select(Assignment.id, Application.reference, Person.email)
            .join(Application, Application.id == Assignment.application_id)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .join(Person, Person.id == Reviewer.person_id)
            .where(Application.state == "in_review", Assignment.status == "assigned")
        ).first()
    assignment_id, ref, email = row
    assert run(any_demo_db, "assign", "remove", "--application", ref, "--reviewer", email) == 0
    capsys.readouterr()
    assert run(any_demo_db, "assign", "propose", "--round", ROUND, "--format", "json") == 0
    proposal = json.loads(capsys.readouterr().out)
    assert [a["application"] for a in proposal["assignments"]] == [ref]
    assert run(any_demo_db, "assign", "propose", "--round", ROUND, "--apply") == 0
    assert "1 assignment written." in capsys.readouterr().out
    with any_demo_db.unit_of_work() as session:
        assert session.get(Assignment, assignment_id) is None
        assert (
            session.scalar(
                select(Assignment.method)
                .join(Application, Application.id == Assignment.application_id)
                .where(Application.reference == ref)
                .order_by(Assignment.id.desc())
            )
            == "automatic"
        )


def test_rubric_show_json_and_lock(any_demo_db, capsys, signed_in) -> None:
    assert run(any_demo_db, "rubric", "show", "--round", ROUND, "--format", "json") == 0
    rubric = json.loads(capsys.readouterr().out)
    assert sum(c["weight_percent"] for c in rubric["criteria"]) == 100
    assert rubric["locked"].startswith("Reviewing has started")
    assert run(any_demo_db, "rubric", "copy-default", "--round", ROUND) == 1
    assert "can no longer change" in capsys.readouterr().err
