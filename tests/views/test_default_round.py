"""One default round everywhere: the round being reviewed, else the newest — the ranking, the
rubric editor, issuing letters and exporting review packets all start on it."""

from __future__ import annotations

from datetime import date, datetime

from usrg_desktop.domain.grants import Round
from usrg_desktop.views.letters_view import IssueLettersDialog
from usrg_desktop.views.ranking_view import RankingWindow
from usrg_desktop.views.review_exchange import ExportPacketsDialog
from usrg_desktop.views.rubric_editor import RubricEditor
from usrg_desktop.workflows.grants import rounds as wf


def _add_newer_round(db, status: str) -> int:
    with db.unit_of_work() as session:
        rnd = Round(
            name="Innovation Fund 2027 Round 1",
            year=2027,
            number=1,
            opens_on=date(2027, 2, 1),
            closes_on=date(2027, 3, 31),
            budget_cents=3_000_000_00,
            cap_cents=400_000_00,
            reviews_needed=3,
            status=status,
            rubric_id=1,
            created_at=datetime(2026, 11, 25, 8, 0),
        )
        session.add(rnd)
        session.flush()
        return rnd.id


def test_default_round_is_the_one_in_review_else_the_newest(any_demo_db):
    reviewing = any_demo_db.rows("SELECT id FROM rounds WHERE status = 'reviewing'")[0][0]
    newer = _add_newer_round(any_demo_db, "closed")
    with any_demo_db.reading() as s:
        assert wf.default_round_id(s) == reviewing
    with any_demo_db.unit_of_work() as s:
        s.get(Round, reviewing).status = "decided"
    with any_demo_db.reading() as s:
        assert wf.default_round_id(s) == newer


def test_every_round_chooser_starts_on_the_same_round(qtbot, main_window, demo_db):
    reviewing = demo_db.rows("SELECT id FROM rounds WHERE status = 'reviewing'")[0][0]
    _add_newer_round(demo_db, "closed")  # newer, but not the one in review
    ranking = RankingWindow(main_window)
    rubric = RubricEditor(main_window)
    letters = IssueLettersDialog(demo_db, main_window)
    packets = ExportPacketsDialog(demo_db, main_window.actor, main_window)
    for widget in (ranking, rubric, letters, packets):
        qtbot.addWidget(widget)
    assert ranking.round_combo.currentData() == reviewing
    assert rubric.round_combo.currentData() == reviewing
    assert letters.round_box.currentData() == reviewing
    assert packets.round_box.currentData() == reviewing
