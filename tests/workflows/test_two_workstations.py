"""Two workstations deciding the same application at the same moment: exactly one decision.

Real processes with a synchronised start (tests/concurrency.py), on SQLite and PostgreSQL:
the one that comes second is refused with a sentence naming what the other did, and the audit
shows only the decision that was kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.grants import Application
from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.system.accounts import create_user

from ..concurrency import Outcome, race, usrg_command
from .test_applications import (
    STAFF,
    add_scored_reviews,
    make_application,
    make_round,
    tick_all,
)

NOW = datetime(2026, 11, 25, 8, 0)
PASSWORD = "a-long-secretariat-password"
ROUNDS = 4  # races per test and engine: each is two fresh processes


def reviewed_applications(db: Database, count: int) -> list[tuple[int, str]]:
    """`count` applications taken to reviewed, as (id, reference)."""
    made = []
    with db.unit_of_work() as s:
        rnd = make_round(s)
        for _ in range(count):
            app_id = make_application(s, rnd, requested=100_000_00)
            wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
            wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
            tick_all(s, app_id)
            wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
            add_scored_reviews(s, app_id)
            wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)
            made.append((app_id, s.get(Application, app_id).reference))
    return made


def two_accounts(db: Database) -> None:
    with db.unit_of_work() as s:
        for username, name in (("thandi", "Thandi Nkosi"), ("sipho", "Sipho Mthembu")):
            create_user(
                s,
                username=username,
                display_name=name,
                password=PASSWORD,
                role="secretariat",
                now=NOW,
            )


def decisions_out_of_reviewed(db: Database, app_id: int) -> list[tuple[str, str]]:
    with db.unit_of_work() as s:
        return [
            (e.actor_name, e.to_state)
            for e in s.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.entity == "application",
                    AuditEvent.entity_id == app_id,
                    AuditEvent.from_state == "reviewed",
                )
                .order_by(AuditEvent.id)
            )
        ]


def state(db: Database, app_id: int) -> str:
    with db.unit_of_work() as s:
        return s.get(Application, app_id).state


def one_winner(
    db: Database, app_id: int, reference: str, outcomes: list[Outcome], *, prefix: str
) -> None:
    """Exactly one process succeeded; the other was refused with a sentence (after `prefix`)
    naming the winner; the application and its audit show the winner's decision only."""
    winners = [o for o in outcomes if o.ok]
    losers = [o for o in outcomes if not o.ok]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    decisions = decisions_out_of_reviewed(db, app_id)
    assert len(decisions) == 1, decisions
    who, kept = decisions[0]
    assert state(db, app_id) == kept
    assert losers[0].message.startswith(prefix), losers[0].message
    sentence = losers[0].message.removeprefix(prefix)
    assert "Traceback" not in sentence and "Error" not in sentence, sentence
    assert reference in sentence and f"is {kept}" in sentence, sentence
    assert f"moved there by {who}" in sentence and "nothing was changed" in sentence, sentence


# -- through the command line, as two people at two workstations would -----------------------
def test_approve_and_decline_from_two_command_lines_keep_exactly_one(any_db):
    two_accounts(any_db)
    env = {"USRG_PASSWORD": PASSWORD}
    for app_id, reference in reviewed_applications(any_db, ROUNDS):
        common = ["--database", any_db.url]
        approve = [
            *common,
            "--user",
            "thandi",
            "applications",
            "move",
            reference,
            "--to",
            "approved",
            "--amount",
            "90000",
        ]
        decline = [
            *common,
            "--user",
            "sipho",
            "applications",
            "move",
            reference,
            "--to",
            "declined",
            "--reason",
            "Below the funding line.",
            "--feedback",
            "Say more about how the city will sustain it.",
        ]
        outcomes = race((usrg_command, (approve, env)), (usrg_command, (decline, env)))
        one_winner(any_db, app_id, reference, outcomes, prefix="usrg: ")


# -- the worst interleaving, forced: both read the application before either locks it --------
def decide_after_reading(barrier, url: str, app_id: int, decision: str, name: str) -> str:
    """Read the application (no lock), wait for the other workstation, then decide on it.

    On SQLite the unit of work holds the write lock from its first statement, so the other
    process cannot read in between; the barrier comes before it there.
    """
    db = Database(url)
    actor = Actor(None, name, "secretariat")
    try:
        if db.is_sqlite:
            barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            seen = s.get(Application, app_id).state  # what the form showed
            if not db.is_sqlite:
                barrier.wait(timeout=60)
            if decision == "approve":
                wf.approve(s, application_id=app_id, actor=actor, now=NOW, amount_cents=90_000_00)
            else:
                wf.decline(s, application_id=app_id, actor=actor, now=NOW, reason="Below the line.")
        return seen
    finally:
        db.dispose()


def test_a_decision_read_before_the_other_commits_is_refused_not_overwritten(any_db):
    for app_id, reference in reviewed_applications(any_db, ROUNDS):
        outcomes = race(
            (decide_after_reading, (any_db.url, app_id, "approve", "Thandi Nkosi")),
            (decide_after_reading, (any_db.url, app_id, "decline", "Sipho Mthembu")),
        )
        one_winner(any_db, app_id, reference, outcomes, prefix="WorkflowError: ")
