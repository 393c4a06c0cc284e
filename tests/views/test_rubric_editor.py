"""The rubric editor: weights and descriptors edited in place, mistakes listed, locks respected."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from usrg_desktop.domain.grants import Round
from usrg_desktop.views.rubric_editor import COL_WEIGHT, RubricEditor
from usrg_desktop.workflows.reviews import rubrics


def _new_round(db) -> int:
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
            status="draft",
            rubric_id=1,
            created_at=datetime(2026, 11, 25, 8, 0),
        )
        session.add(rnd)
        session.flush()
        return rnd.id


def _editor(qtbot, window) -> RubricEditor:
    window.command_actions["edit_round_rubric"].trigger()
    dialog = window.last_dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_a_round_being_scored_cannot_be_edited(qtbot, main_window) -> None:
    dialog = _editor(qtbot, main_window)
    assert dialog.round_combo.currentText().startswith("Innovation Fund 2026 Round 1")
    assert dialog.status.text().startswith("Reviewing has started in 'Innovation Fund 2026")
    assert not dialog.save_button.isEnabled()
    assert dialog.criteria.rowCount() == 5


def test_edit_weights_and_descriptors_then_save(qtbot, main_window) -> None:
    round_id = _new_round(main_window.db)
    dialog = _editor(qtbot, main_window)
    dialog.round_combo.setCurrentIndex(dialog.round_combo.findData(round_id))
    assert dialog.save_button.isEnabled()
    assert "shared with other rounds" in dialog.status.text()
    assert dialog.total.text() == "Total 100 %"
    dialog.criteria.item(0, COL_WEIGHT).setText("30")
    assert dialog.total.text() == "Total 105 %"
    assert not dialog.save()
    assert dialog.errors.text() == "The weights add up to 105 %, not 100 %."
    dialog.criteria.item(1, COL_WEIGHT).setText("15")
    dialog.criteria.setCurrentCell(1, 1)
    dialog.levels.item(4, 0).setText("Nobody has done this anywhere.")
    assert dialog.save(), dialog.errors.text()
    with main_window.db.unit_of_work() as session:
        rubric = rubrics.round_rubric(session, round_id=round_id)
        other = session.scalar(select(Round.rubric_id).where(Round.id != round_id))
    assert not rubric.shared and rubric.rubric_id != 1 and other == 1
    assert [c.weight_percent for c in rubric.criteria] == [30, 15, 20, 15, 20]
    assert rubric.criteria[1].levels[5] == "Nobody has done this anywhere."


def test_a_removed_level_descriptor_is_named(qtbot, main_window) -> None:
    round_id = _new_round(main_window.db)
    dialog = _editor(qtbot, main_window)
    dialog.round_combo.setCurrentIndex(dialog.round_combo.findData(round_id))
    dialog.criteria.setCurrentCell(2, 1)
    dialog.levels.item(0, 0).setText("  ")
    assert not dialog.save()
    assert dialog.errors.text() == "Criterion 3 needs a descriptor for level 1."
    with main_window.db.unit_of_work() as session:
        assert session.get(Round, round_id).rubric_id == 1
