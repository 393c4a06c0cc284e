"""Recording a panel's decisions: each through the state machine, refusals as sentences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from usrg_desktop.domain.accounts import Role, User
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import Decision
from usrg_desktop.domain.grants import Application, Round
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.reviews import listings as reviews
from usrg_desktop.workflows.reviews import scoring
from usrg_desktop.workflows.reviews.listings import DecisionRequest

NOW = datetime(2026, 11, 25, 9, 30)


def _staff(session) -> Actor:
    user = session.scalar(select(User).where(User.role == Role.SECRETARIAT.value))
    return Actor(user.id, user.display_name, user.role)


def test_record_decisions_approves_declines_and_reports_refusals(any_demo_db) -> None:
    with any_demo_db.unit_of_work() as session:
        actor = _staff(session)
        round_id = session.scalar(select(Round.id).where(Round.status == "reviewing"))
        ranking = scoring.round_ranking(session, round_id)
    reviewed = [c for c in ranking.candidates if c.state == "reviewed"]
    assert len(reviewed) >= 3
    remaining = ranking.budget_cents - ranking.recorded_cents
    first, second, third = reviewed[:3]
    amount = min(first.requested_cents, ranking.cap_cents, remaining)
    results = reviews.record_decisions(
        any_demo_db,
        [
            DecisionRequest(second.application_id, False, reasons="Weak theory of change"),
            DecisionRequest(first.application_id, True, amount, conditions="Quarterly reports"),
            DecisionRequest(third.application_id, True, third.requested_cents + 1),
        ],
        actor=actor,
        now=NOW,
    )
    by_id = {r.application_id: r for r in results}
    assert by_id[first.application_id].recorded
    assert by_id[second.application_id].recorded
    refused = by_id[third.application_id]
    assert not refused.recorded and "requested" in refused.refusal
    assert refused.reference == third.reference
    with any_demo_db.unit_of_work() as session:
        states = {
            a.id: a.state
            for a in session.scalars(
                select(Application).where(
                    Application.id.in_([c.application_id for c in (first, second, third)])
                )
            )
        }
        assert states == {
            first.application_id: "approved",
            second.application_id: "declined",
            third.application_id: "reviewed",
        }
        decision = session.scalar(
            select(Decision).where(Decision.application_id == first.application_id)
        )
        assert (decision.amount_cents, decision.conditions) == (amount, "Quarterly reports")
        assert session.scalar(
            select(AuditEvent.action).where(
                AuditEvent.entity_id == second.application_id, AuditEvent.action == "decline"
            )
        )
        after = scoring.round_ranking(session, round_id)
    assert after.recorded_cents == ranking.recorded_cents + amount


def test_a_decision_over_the_remaining_budget_is_refused(any_demo_db) -> None:
    with any_demo_db.unit_of_work() as session:
        actor = _staff(session)
        rnd = session.scalar(select(Round).where(Round.status == "reviewing"))
        rnd.budget_cents = rnd.cap_cents  # little room left beyond what is committed
        round_id = rnd.id
    with any_demo_db.unit_of_work() as session:
        ranking = scoring.round_ranking(session, round_id)
    candidate = next(
        c for c in ranking.candidates if c.state == "reviewed" and c.requested_cents > 0
    )
    results = reviews.record_decisions(
        any_demo_db,
        [DecisionRequest(candidate.application_id, True, candidate.requested_cents)],
        actor=actor,
        now=NOW,
    )
    assert not results[0].recorded
    assert "would exceed the round's budget" in results[0].refusal
