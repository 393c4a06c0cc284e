"""Optimistic locking beyond the application form: agenda items, minutes, rubrics, letter
templates and tranche schedules. A save from an editor opened before someone else's save is
refused with a sentence naming them, and nothing is written; two workstations saving from the
same opened version at the same moment (two real processes) keep exactly one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.storage import Database
from usrg_desktop.workflows import Actor, EditConflict
from usrg_desktop.workflows.awards import award_tracking as at
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.meetings import agenda as wa
from usrg_desktop.workflows.meetings import minutes as wm
from usrg_desktop.workflows.reviews import rubrics as wr
from usrg_desktop.workflows.reviews.rubrics import CriterionDraft

from ..concurrency import race
from .meeting_helpers import demo_actor, new_meeting
from .test_applications import STAFF, make_round
from .test_award_tracking import awarded

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 25, 8, 7, tzinfo=UTC)
THANDI = Actor(None, "Thandi Nkosi", STAFF.role)
NOMSA = Actor(None, "Nomsa Dlamini", STAFF.role)
CONFLICT_END = ", after you opened it; nothing of yours was saved."


def events(db: Database, action: str) -> int:
    with db.reading() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


# -- agenda items ---------------------------------------------------------------------------------
def _agenda_item(db: Database) -> tuple[int, int, Actor]:
    meeting_id = new_meeting(db)
    actor = demo_actor(db)
    with db.unit_of_work() as s:
        item_id = wa.add_agenda_item(
            s,
            meeting_id=meeting_id,
            actor=actor,
            now=NOW,
            day=1,
            kind="presentation",
            title="SAPS crime statistics",
            presenter="CSPS",
            duration_minutes=20,
            purpose="information",
        )
    return meeting_id, item_id, actor


def _item_row(db: Database, meeting_id: int, item_id: int):
    with db.reading() as s:
        agenda = wa.meeting_agenda(s, meeting_id=meeting_id, today=NOW.date())
    return next(i for d in agenda.days for i in d.items if i.id == item_id)


def _edit_item(db, item_id, actor, title, seen, now=LATER):
    with db.unit_of_work() as s:
        wa.edit_agenda_item(
            s,
            item_id=item_id,
            actor=actor,
            now=now,
            kind="presentation",
            title=title,
            presenter="CSPS",
            duration_minutes=20,
            purpose="information",
            seen_version=seen,
        )


def test_an_agenda_item_saved_elsewhere_is_not_overwritten(any_demo_db):
    db = any_demo_db
    meeting_id, item_id, actor = _agenda_item(db)
    opened = _item_row(db, meeting_id, item_id)
    _edit_item(
        db, item_id, Actor(actor.user_id, "Thandi Nkosi", actor.role), "Theirs", opened.version
    )
    with pytest.raises(EditConflict) as refused:
        _edit_item(db, item_id, actor, "Mine", opened.version)
    assert str(refused.value) == (
        "Thandi Nkosi saved the agenda item 'Theirs' at 2026-11-25 10:07" + CONFLICT_END
    )
    now = _item_row(db, meeting_id, item_id)
    assert (now.title, now.version) == ("Theirs", opened.version + 1)
    # Reopened on the new version, the same change saves.
    _edit_item(db, item_id, actor, "Mine", now.version)
    assert _item_row(db, meeting_id, item_id).title == "Mine"
    assert events(db, "agenda_edit") == 2


def _race_item(barrier, url: str, item_id: int, seen: int, desk: str) -> str:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        _edit_item(db, item_id, Actor(None, desk, "coordinator"), f"From {desk}, v{seen}", seen)
        return desk
    finally:
        db.dispose()


def test_two_workstations_editing_one_agenda_item_at_once_keep_one(any_demo_db):
    db = any_demo_db
    meeting_id, item_id, _actor = _agenda_item(db)
    for _ in range(2):
        seen = _item_row(db, meeting_id, item_id).version
        outcomes = race(
            (_race_item, (db.url, item_id, seen, "Desk A")),
            (_race_item, (db.url, item_id, seen, "Desk B")),
        )
        winners = [o.value for o in outcomes if o.ok]
        losers = [o.message for o in outcomes if not o.ok]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert losers[0].startswith(f"EditConflict: {winners[0]} saved the agenda item"), losers
        assert _item_row(db, meeting_id, item_id).title == f"From {winners[0]}, v{seen}"


# -- minutes --------------------------------------------------------------------------------------
def _minutes_text(db, meeting_id, item_id):
    with db.reading() as s:
        rows = wm.meeting_minutes(s, meeting_id=meeting_id)
    return next(r.text for r in rows if r.agenda_item_id == item_id)


def test_minutes_recorded_elsewhere_are_not_overwritten(any_demo_db):
    db = any_demo_db
    meeting_id, item_id, actor = _agenda_item(db)
    opened = _minutes_text(db, meeting_id, item_id)
    other = Actor(actor.user_id, "Thandi Nkosi", actor.role)
    with db.unit_of_work() as s:
        wm.record_minutes(
            s,
            meeting_id=meeting_id,
            agenda_item_id=item_id,
            text="Theirs.",
            actor=other,
            now=NOW,
            seen_text=opened,
        )
    with (
        pytest.raises(EditConflict, match="^Thandi Nkosi saved the minutes of 'SAPS"),
        db.unit_of_work() as s,
    ):
        wm.record_minutes(
            s,
            meeting_id=meeting_id,
            agenda_item_id=item_id,
            text="Mine.",
            actor=actor,
            now=LATER,
            seen_text=opened,
        )
    assert _minutes_text(db, meeting_id, item_id) == "Theirs."
    assert events(db, "minutes") == 1
    # Saving on purpose over theirs (the editor now knows their text) keeps mine.
    with db.unit_of_work() as s:
        wm.record_minutes(
            s,
            meeting_id=meeting_id,
            agenda_item_id=item_id,
            text="Mine.",
            actor=actor,
            now=LATER,
            seen_text="Theirs.",
        )
    assert _minutes_text(db, meeting_id, item_id) == "Mine."


# -- rubrics --------------------------------------------------------------------------------------
def _levels(lo: int = 1, hi: int = 5) -> dict[int, str]:
    return {n: f"Level {n} means something." for n in range(lo, hi + 1)}


TWO = [
    CriterionDraft("safety", "Safety outcomes", 70, 1, 5, True, _levels()),
    CriterionDraft("cost", "Cost per participant", 30, 1, 5, True, _levels()),
]
OTHER = [
    CriterionDraft("safety", "Safety outcomes", 60, 1, 5, True, _levels()),
    CriterionDraft("cost", "Cost per participant", 40, 1, 5, True, _levels()),
]


def test_a_rubric_saved_elsewhere_is_not_overwritten(any_db):
    db = any_db
    with db.unit_of_work() as s:
        round_id = make_round(s)
    with db.reading() as s:
        opened = wr.round_rubric(s, round_id=round_id).criteria
    with db.unit_of_work() as s:
        wr.edit_round_rubric(s, round_id=round_id, criteria=TWO, actor=THANDI, now=NOW, seen=opened)
    with pytest.raises(EditConflict) as refused, db.unit_of_work() as s:
        wr.edit_round_rubric(
            s, round_id=round_id, criteria=OTHER, actor=STAFF, now=LATER, seen=opened
        )
    assert str(refused.value).startswith("Thandi Nkosi saved the rubric of ")
    with db.reading() as s:
        assert [c.weight_percent for c in wr.round_rubric(s, round_id=round_id).criteria] == [
            70,
            30,
        ]
    assert events(db, "edit_rubric") == 1


# -- letter templates -----------------------------------------------------------------------------
def _template_version(db) -> int:
    with db.reading() as s:
        return wl.current_template(s, "decline").version


def _save_template(db, actor, body_line, seen, now=LATER):
    body = wl.default_template("decline").body + "\n\n" + body_line
    with db.unit_of_work() as s:
        return wl.save_template(
            s,
            kind="decline",
            subject="Your application",
            body=body,
            actor=actor,
            now=now,
            seen_version=seen,
        )


def test_a_letter_template_saved_elsewhere_is_not_overwritten(any_db):
    db = any_db
    opened = _template_version(db)
    assert opened == 0  # the shipped text
    assert _save_template(db, THANDI, "Theirs.", opened, now=NOW) == 1
    with pytest.raises(EditConflict) as refused:
        _save_template(db, NOMSA, "Mine.", opened)
    assert str(refused.value).startswith("Thandi Nkosi saved version 1 of the ")
    assert _template_version(db) == 1
    assert _save_template(db, NOMSA, "Mine.", 1) == 2


def _race_template(barrier, url: str, seen: int, desk: str) -> int:
    db = Database(url)
    try:
        barrier.wait(timeout=60)
        return _save_template(db, Actor(None, desk, "secretariat"), f"From {desk}.", seen)
    finally:
        db.dispose()


def test_two_workstations_saving_a_template_at_once_keep_one(any_db):
    db = any_db
    seen = _template_version(db)
    outcomes = race(
        (_race_template, (db.url, seen, "Desk A")),
        (_race_template, (db.url, seen, "Desk B")),
    )
    assert sorted(o.ok for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if not o.ok)
    assert loser.message.startswith("EditConflict: Desk "), loser
    assert _template_version(db) == seen + 1
    assert events(db, "save_template") == 1


# -- tranche schedules ----------------------------------------------------------------------------
SCHEDULE_A = [("signature", "50 %", "2026-04-01"), ("final report", "50 %", "2027-03-02")]
SCHEDULE_B = [("signature", "30 %", "2026-04-01"), ("final report", "70 %", "2027-03-02")]


def test_a_tranche_schedule_changed_elsewhere_is_not_overwritten(any_db):
    db = any_db
    _app_id, award_id = awarded(db)
    with db.reading() as s:
        opened = at.award_detail(s, award_id, NOW.date()).version
    with db.unit_of_work() as s:
        at.set_tranche_schedule(
            s, award_id=award_id, tranches=SCHEDULE_A, actor=THANDI, now=NOW, seen_version=opened
        )
    with pytest.raises(EditConflict) as refused, db.unit_of_work() as s:
        at.set_tranche_schedule(
            s, award_id=award_id, tranches=SCHEDULE_B, actor=STAFF, now=LATER, seen_version=opened
        )
    assert str(refused.value).startswith("Thandi Nkosi saved the tranche schedule of USRG-AW-")
    with db.reading() as s:
        detail = at.award_detail(s, award_id, NOW.date())
    assert [t.percent for t in detail.tranches] == [50, 50]
    assert detail.version == opened + 1
    assert events(db, "set_schedule") == 1
