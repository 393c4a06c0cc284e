"""Every kind of transition, raced by two real processes: one is kept, the other is told.

A tranche paid twice at once, a meeting confirmed while it is cancelled, and the same award
letter issued at two desks: on SQLite and PostgreSQL exactly one succeeds, the other gets a
sentence (never a driver error), and the audit shows only what happened.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import Award, IssuedLetter, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.awards import award_tracking as at
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.meetings import meeting_plans as mp

from ..concurrency import Outcome, race

NOW = datetime(2026, 11, 25, 8, 0)
STAFF = Actor(None, "Thandi Nkosi", "secretariat")
COORDINATOR = Actor(None, "Anél Coetzée", "coordinator")


def one_kept(outcomes: list[Outcome]) -> str:
    """Exactly one process succeeded; returns the other's refusal (a sentence)."""
    losers = [o for o in outcomes if not o.ok]
    assert len(losers) == 1 and sum(o.ok for o in outcomes) == 1, outcomes
    kind, _, sentence = losers[0].message.partition(": ")
    assert kind in ("WorkflowError", "UniqueClash", "FieldErrors"), losers[0].message
    assert "Traceback" not in sentence and "sqlite3" not in sentence and "psycopg" not in sentence
    return sentence


def audited(db: Database, entity: str, entity_id: int, action: str) -> int:
    with db.unit_of_work() as s:
        return s.scalar(
            select(func.count()).where(
                AuditEvent.entity == entity,
                AuditEvent.entity_id == entity_id,
                AuditEvent.action == action,
            )
        )


# -- a tranche paid twice ----------------------------------------------------------------------
def pay(barrier, url: str, tranche_id: int, reference: str) -> None:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            at.record_tranche_payment(
                s,
                tranche_id=tranche_id,
                paid_on=date(2026, 11, 24),
                reference=reference,
                actor=STAFF,
                now=NOW,
            )
    finally:
        db.dispose()


def test_a_tranche_paid_at_two_desks_at_once_is_paid_once(any_demo_db):
    db = any_demo_db
    with db.unit_of_work() as s:
        award = s.scalars(
            select(Award)
            .join(Application, Application.id == Award.application_id)
            .where(Application.state == "awarded")
            .order_by(Award.id)
        ).first()
        at.record_agreement_signed(
            s, award_id=award.id, signed_on=date(2026, 11, 20), actor=STAFF, now=NOW
        )
        tranche_id = s.scalar(
            select(Tranche.id).where(Tranche.award_id == award.id, Tranche.position == 1)
        )
    sentence = one_kept(
        race(
            (pay, (db.url, tranche_id, "EFT 1001")),
            (pay, (db.url, tranche_id, "EFT 1002")),
        )
    )
    # The loser hears who paid it, a moment ago.
    assert f"already paid on 2026-11-24 (by {STAFF.name} at " in sentence, sentence
    assert audited(db, "award", award.id, "pay_tranche") == 1


# -- a meeting marked held while it is cancelled ---------------------------------------------
def settle_meeting(barrier, url: str, meeting_id: int, how: str, when: str) -> str:
    db = Database(url)
    now = datetime.fromisoformat(when)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            if how == "held":
                return mp.mark_meeting_held(s, meeting_id=meeting_id, actor=COORDINATOR, now=now)
            return mp.cancel_meeting(
                s, meeting_id=meeting_id, reason="The host withdrew.", actor=COORDINATOR, now=now
            )
    finally:
        db.dispose()


def test_a_meeting_marked_held_and_cancelled_at_once_has_one_fate(any_demo_db):
    db = any_demo_db
    planned = db.rows(
        "SELECT id, ends_on FROM meetings WHERE status = 'planned' ORDER BY number LIMIT 2"
    )
    for meeting_id, ends_on in planned:
        with db.unit_of_work() as s:
            mp.confirm_meeting(s, meeting_id=meeting_id, actor=COORDINATOR, now=NOW)
        after = f"{str(ends_on)[:10]}T16:00:00"  # the afternoon of its last day
        outcomes = race(
            (settle_meeting, (db.url, meeting_id, "held", after)),
            (settle_meeting, (db.url, meeting_id, "cancel", after)),
        )
        sentence = one_kept(outcomes)
        kept = next(o.value for o in outcomes if o.ok)
        status = db.rows("SELECT status FROM meetings WHERE id = :i", {"i": meeting_id})[0][0]
        assert status == kept
        assert f"is {kept} (by {COORDINATOR.name} at " in sentence, sentence
        assert "), so it cannot be" in sentence, sentence
        moves = db.rows(
            "SELECT COUNT(*) FROM audit_events WHERE entity = 'meeting' AND entity_id = :i "
            "AND from_state = 'confirmed'",
            {"i": meeting_id},
        )[0][0]
        assert moves == 1


# -- the same letter issued at two desks ------------------------------------------------------
def issue(barrier, url: str, application_id: int) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        with db.unit_of_work() as s:
            return wl.issue_letter(
                s, application_id=application_id, kind="award", actor=STAFF, now=NOW
            )
    finally:
        db.dispose()


def test_an_award_letter_issued_at_two_desks_at_once_is_issued_once(any_demo_db):
    db = any_demo_db
    app_id = db.rows(
        "SELECT id FROM applications WHERE state = 'approved' ORDER BY reference LIMIT 1"
    )[0][0]
    sentence = one_kept(race((issue, (db.url, app_id)), (issue, (db.url, app_id))))
    # The second desk finds the application awarded with its letter in the register.
    assert " was issued already as " in sentence, sentence
    assert sentence.endswith("; re-print it from the letter register."), sentence
    with db.unit_of_work() as s:
        letters = s.scalar(
            select(func.count()).where(
                IssuedLetter.application_id == app_id, IssuedLetter.kind == "award"
            )
        )
        assert letters == 1
        assert s.get(Application, app_id).state == "awarded"
    assert audited(db, "application", app_id, "mark_awarded") == 1
