"""A round's rubric: the shipped default, edits that copy a shared rubric, validation, locking."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.grants import Round
from usrg_desktop.domain.reviews import Criterion, CriterionLevel, ReviewPacket, Rubric
from usrg_desktop.workflows import FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.reviews import rubrics as wf
from usrg_desktop.workflows.reviews.rubrics import CriterionDraft

from .test_applications import COORD, STAFF, make_round

NOW = datetime(2026, 11, 25, 8, 0)


def _levels(lo: int = 1, hi: int = 5) -> dict[int, str]:
    return {n: f"Level {n} means something." for n in range(lo, hi + 1)}


TWO = [
    CriterionDraft("safety", "Safety outcomes", 70, 1, 5, True, _levels()),
    CriterionDraft("cost", "Cost per participant", 30, 0, 3, True, _levels(0, 3)),
]


def test_the_shipped_default_rubric(any_db) -> None:
    with any_db.unit_of_work() as session:
        round_id = make_round(session)
        rubric = wf.round_rubric(session, round_id=round_id)
    assert rubric.shared and rubric.locked is None
    assert [(c.name, c.weight_percent) for c in rubric.criteria] == [
        ("Relevance to urban safety", 25),
        ("Innovation", 20),
        ("Feasibility", 20),
        ("Value for money", 15),
        ("Sustainability and learning", 20),
    ]
    assert all((c.scale_min, c.scale_max) == (1, 5) for c in rubric.criteria)
    assert all(sorted(c.levels) == [1, 2, 3, 4, 5] for c in rubric.criteria)
    assert rubric.criteria[0].levels[1] == "No clear link to urban safety or violence prevention."


def test_editing_a_shared_rubric_gives_the_round_its_own(any_db) -> None:
    with any_db.unit_of_work() as session:
        mine, other = make_round(session), make_round(session)
        rubric_id = wf.edit_round_rubric(session, round_id=mine, criteria=TWO, actor=STAFF, now=NOW)
    with any_db.unit_of_work() as session:
        assert session.get(Round, mine).rubric_id == rubric_id != 1
        assert session.get(Round, other).rubric_id == 1  # the other round keeps the default
        assert len(wf.round_rubric(session, round_id=other).criteria) == 5
        edited = wf.round_rubric(session, round_id=mine)
        assert not edited.shared
        assert [(c.code, c.weight_percent, c.scale_min, c.scale_max) for c in edited.criteria] == [
            ("safety", 70, 1, 5),
            ("cost", 30, 0, 3),
        ]
        assert edited.criteria[1].levels[0] == "Level 0 means something."
        # A second edit changes the round's own rubric in place: no third rubric.
        again = [replace(TWO[0], weight_percent=60), replace(TWO[1], weight_percent=40)]
        assert (
            wf.edit_round_rubric(session, round_id=mine, criteria=again, actor=STAFF, now=NOW)
            == rubric_id
        )
        assert session.scalar(select(func.count()).select_from(Rubric)) == 2
        assert (
            session.scalar(
                select(func.count()).select_from(Criterion).where(Criterion.rubric_id == rubric_id)
            )
            == 2
        )
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "edit_rubric")).all()
        assert [a.detail for a in audit][-1] == "Safety outcomes 60 %; Cost per participant 40 %"


def test_copy_default_starts_again_from_the_shipped_rubric(any_db) -> None:
    with any_db.unit_of_work() as session:
        round_id = make_round(session)
        wf.edit_round_rubric(session, round_id=round_id, criteria=TWO, actor=STAFF, now=NOW)
        wf.copy_default_rubric(session, round_id=round_id, actor=STAFF, now=NOW)
        rubric = wf.round_rubric(session, round_id=round_id)
    assert rubric.rubric_id != 1 and not rubric.shared
    assert [c.weight_percent for c in rubric.criteria] == [25, 20, 20, 15, 20]


def test_every_mistake_is_named_by_field() -> None:
    problems = wf.rubric_problems(
        [
            CriterionDraft("a", "", 50, 1, 5, True, _levels()),
            CriterionDraft("A", "Second", 0, 3, 3, True, {}),
            CriterionDraft("c", "Third", 30, 1, 5, True, {1: "x", 2: "y", 3: " "}),
        ]
    )
    assert problems == {
        "criteria.1.name": "Criterion 1 needs a name.",
        "criteria.2.code": "Criterion 2's code 'A' is used twice.",
        "criteria.2.weight": "Criterion 2's weight must be between 1 and 100 %.",
        "criteria.2.scale": (
            "Criterion 2's scale must run from a lower to a higher number, such as 1 to 5."
        ),
        "criteria.3.levels": "Criterion 3 needs a descriptor for levels 3, 4, 5.",
        "weights": "The weights add up to 80 %, not 100 %.",
    }
    assert wf.rubric_problems([]) == {"criteria": "A rubric needs at least one criterion."}
    assert wf.rubric_problems(TWO) == {}


def test_a_refused_edit_changes_nothing(any_db) -> None:
    bad = [replace(TWO[0], weight_percent=75), TWO[1]]
    with pytest.raises(FieldErrors) as refused, any_db.unit_of_work() as session:
        round_id = make_round(session)
        wf.edit_round_rubric(session, round_id=round_id, criteria=bad, actor=STAFF, now=NOW)
    assert refused.value.errors == {"weights": "The weights add up to 105 %, not 100 %."}
    with pytest.raises(PermissionDenied), any_db.unit_of_work() as session:
        round_id = make_round(session)
        wf.edit_round_rubric(session, round_id=round_id, criteria=TWO, actor=COORD, now=NOW)
    with any_db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Rubric)) == 1
        assert session.scalar(select(func.count()).select_from(CriterionLevel)) == 25


def test_no_change_after_the_first_score(any_demo_db) -> None:
    with any_demo_db.unit_of_work() as session:
        current = session.scalar(select(Round).where(Round.status == "reviewing"))
        round_id, name = current.id, current.name
        assert wf.round_rubric(session, round_id=round_id).locked is not None
    with pytest.raises(WorkflowError) as refused, any_demo_db.unit_of_work() as session:
        wf.edit_round_rubric(session, round_id=round_id, criteria=TWO, actor=STAFF, now=NOW)
    assert str(refused.value).startswith(f"Reviewing has started in '{name}' (")
    assert str(refused.value).endswith("scores on record), so its rubric can no longer change.")
    with any_demo_db.unit_of_work() as session:
        assert session.get(Round, round_id).rubric_id == 1


def test_no_change_once_packets_went_out(any_db) -> None:
    from usrg_desktop.domain.directory import Person
    from usrg_desktop.domain.reviews import Reviewer

    with any_db.unit_of_work() as session:
        round_id = make_round(session, status="reviewing")
        person = Person(full_name="Lindiwe Sisulu", role="reviewer", consent_basis="consent")
        session.add(person)
        session.flush()
        reviewer = Reviewer(person_id=person.id)
        session.add(reviewer)
        session.flush()
        session.add(
            ReviewPacket(
                round_id=round_id,
                reviewer_id=reviewer.id,
                packet_uid="p1",
                signing_secret="s",
                issued_at=NOW,
            )
        )
    refused = pytest.raises(WorkflowError, match="Review packets for .* went out")
    with refused, any_db.unit_of_work() as session:
        wf.copy_default_rubric(session, round_id=round_id, actor=STAFF, now=NOW)
