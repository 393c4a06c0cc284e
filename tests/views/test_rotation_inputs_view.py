"""The Rotation area's inputs tab: volunteers, unavailable periods and blackouts, by clicking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from tests.views.conftest import answer_modal
from usrg_desktop.views.rotation_view import RotationPanel
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.meetings.rotation import Quarter

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def rotation(qtbot, main_window, demo_db) -> RotationPanel:
    """The Rotation area shown on its inputs tab, signed in as the demo's coordinator."""
    ((user_id, name),) = demo_db.rows(
        "SELECT id, display_name FROM users WHERE role = 'coordinator'"
    )
    main_window.actor = Actor(user_id, name, "coordinator")
    panel = main_window.show_page("Rotation", 0).rotation_panel
    panel.side.setCurrentWidget(panel.inputs)
    assert panel.inputs.isVisible()
    return panel


def proposal(panel: RotationPanel, quarter: Quarter):
    return next(p for p in panel.proposals if p.quarter == quarter)


def table_texts(table) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def counts(db) -> tuple[int, int, int]:
    return db.rows(
        "SELECT (SELECT COUNT(*) FROM host_volunteers), (SELECT COUNT(*) FROM "
        "host_unavailability), (SELECT COUNT(*) FROM audit_events)"
    )[0]


def test_a_volunteer_typed_in_moves_the_proposal_to_that_city(qtbot, rotation, demo_db):
    q3 = Quarter(2028, 3)
    assert proposal(rotation, q3).host != "Mangaung"
    inputs = rotation.inputs
    qtbot.mouseClick(inputs.add_volunteer_button, LEFT)
    dialog = inputs.dialog
    assert dialog.isVisible()
    dialog.city.setFocus()
    qtbot.keyClicks(dialog.city, "Mang")
    assert dialog.city.currentText() == "Mangaung"
    # A quarter that is not one: the sentence next to the field, nothing written.
    before = counts(demo_db)
    qtbot.keyClicks(dialog.quarter, "Q3 2028")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible() and dialog.errors["quarter"].isVisible()
    assert dialog.errors["quarter"].text() == "'Q3 2028' is not a quarter; write it like 2027Q1."
    assert counts(demo_db) == before
    dialog.quarter.clear()
    qtbot.keyClicks(dialog.quarter, "2028Q3")
    qtbot.keyClicks(dialog.note, "Offered by the city manager")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    after = proposal(rotation, q3)
    assert after.host == "Mangaung"
    assert "Mangaung volunteered for 2028 Q3" in after.reason
    assert rotation.current_proposal().quarter == q3  # the quarter changed is shown
    assert rotation.reason.text() == after.reason
    assert ("2028 Q3", "Mangaung", "Offered by the city manager") in table_texts(inputs.volunteers)
    assert demo_db.rows("SELECT action, actor_name FROM audit_events ORDER BY id DESC LIMIT 1") == [
        ("record_volunteer", rotation.window_.actor.name)
    ]
    # The same offer again is refused next to the quarter.
    qtbot.mouseClick(inputs.add_volunteer_button, LEFT)
    again = inputs.dialog
    again.city.setCurrentIndex(again.city.findText("Mangaung"))
    qtbot.keyClicks(again.quarter, "2028Q3")
    qtbot.mouseClick(again.ok_button, LEFT)
    assert again.isVisible()
    assert again.errors["quarter"].text() == "Mangaung has already volunteered for 2028 Q3."
    again.reject()
    # Withdrawn after confirming: the proposal goes back.
    row = table_texts(inputs.volunteers).index(
        ("2028 Q3", "Mangaung", "Offered by the city manager")
    )
    inputs.volunteers.setCurrentCell(row, 0)
    asked = answer_modal("Withdraw")
    qtbot.mouseClick(inputs.remove_volunteer_button, LEFT)
    assert asked and asked[0].startswith("Withdraw Mangaung's offer to host 2028 Q3?")
    assert proposal(rotation, q3).host != "Mangaung"
    assert ("2028 Q3", "Mangaung", "Offered by the city manager") not in table_texts(
        inputs.volunteers
    )


def test_cancelling_the_confirmation_keeps_the_offer(qtbot, rotation, demo_db):
    inputs = rotation.inputs
    assert inputs.volunteers.rowCount() > 0
    inputs.volunteers.setCurrentCell(0, 0)
    before = counts(demo_db)
    answer_modal("Cancel")
    qtbot.mouseClick(inputs.remove_volunteer_button, LEFT)
    assert counts(demo_db) == before


def test_an_unavailable_city_is_deferred_and_bad_dates_are_refused_by_the_field(
    qtbot, rotation, demo_db
):
    q1 = Quarter(2028, 1)
    assert proposal(rotation, q1).host == "City of Johannesburg"
    inputs = rotation.inputs
    qtbot.mouseClick(inputs.add_unavailable_button, LEFT)
    dialog = inputs.dialog
    dialog.city.setCurrentIndex(dialog.city.findText("City of Johannesburg"))
    dialog.first.setDate(QDate(2028, 3, 31))
    dialog.last.setDate(QDate(2028, 1, 1))
    before = counts(demo_db)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible()
    assert dialog.errors["ends_on"].isVisible()
    assert dialog.errors["ends_on"].text() == (
        "The last day (01 Jan 2028) is before the first day (31 Mar 2028)."
    )
    assert dialog.errors["reason"].text() == "Say why the city cannot host in this period."
    assert not dialog.errors["starts_on"].isVisible()
    assert counts(demo_db) == before
    dialog.first.setDate(QDate(2028, 1, 1))
    dialog.last.setDate(QDate(2028, 3, 31))
    qtbot.keyClicks(dialog.reason, "Council elections")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    now = proposal(rotation, q1)
    assert now.host != "City of Johannesburg"
    assert "City of Johannesburg is unavailable from 01 Jan 2028 to 31 Mar 2028" in now.reason
    assert rotation.current_proposal().quarter == q1
    assert ("City of Johannesburg", "2028-01-01", "2028-03-31", "Council elections") in (
        table_texts(inputs.unavailable)
    )
    # Removed with the Delete key and a confirmation: Johannesburg is proposed again.
    row = [t[0] for t in table_texts(inputs.unavailable)].index("City of Johannesburg")
    inputs.unavailable.setCurrentCell(row, 0)
    inputs.unavailable.setFocus()
    answer_modal("Remove")
    qtbot.keyClick(inputs.unavailable, Qt.Key.Key_Delete)
    assert proposal(rotation, q1).host == "City of Johannesburg"


def test_blackout_periods_are_checked_in_the_dialog_then_move_the_dates(qtbot, rotation, demo_db):
    q2 = Quarter(2028, 2)
    first = proposal(rotation, q2).starts_on
    assert (first.month, first.day) <= (5, 12) and first.month == 5
    inputs = rotation.inputs
    assert inputs.blackouts_label.text() == (
        "No meetings in: Year-end holidays: 15 December – 15 January."
    )
    qtbot.mouseClick(inputs.blackouts_button, LEFT)
    dialog = inputs.dialog
    assert dialog.table.rowCount() == 1
    qtbot.mouseClick(dialog.add_button, LEFT)
    for column, text in enumerate(("Budget vote", "05-01", "05-32")):
        dialog.table.item(1, column).setText(text)
    before = counts(demo_db)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible()
    assert dialog.errors["periods"].text() == (
        "The end of 'Budget vote' is wrong: May has no day 32 (it has 31 days)."
    )
    # Over the planned meeting of 13–14 May 2027: refused, that meeting named.
    dialog.table.item(1, 2).setText("5-31")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible()
    (number,) = demo_db.rows(
        "SELECT number FROM meetings WHERE year = 2027 AND quarter = 2 AND status = 'planned'"
    )[0]
    assert dialog.errors["periods"].text() == (
        f"Meeting {number} (13 May and 14 May 2027) falls in 'Budget vote'; "
        "move that meeting first."
    )
    assert counts(demo_db) == before
    dialog.table.item(1, 2).setText("05-12")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    assert counts(demo_db)[2] == before[2] + 1
    assert demo_db.rows(
        "SELECT label, start_month, start_day, end_month, end_day FROM blackout_periods ORDER BY id"
    ) == [("Year-end holidays", 12, 15, 1, 15), ("Budget vote", 5, 1, 5, 12)]
    moved = proposal(rotation, q2).starts_on
    assert (moved.month, moved.day) > (5, 12)
    assert "Budget vote: 1 May – 12 May" in inputs.blackouts_label.text()


def test_the_lists_export_as_shown_in_the_database(rotation, demo_db, tmp_path):
    import csv

    written = rotation.inputs.export("unavailability", tmp_path / "unavailable.csv")
    with written.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    expected = demo_db.rows(
        "SELECT c.official_name, u.starts_on, u.ends_on FROM host_unavailability u "
        "JOIN cities c ON c.id = u.city_id ORDER BY u.starts_on"
    )
    assert len(rows) == 1 + len(expected) and expected
    assert [(r[1], r[2][:10], r[3][:10]) for r in rows[1:]] == [
        (name, str(first)[:10], str(last)[:10]) for name, first, last in expected
    ]
    written = rotation.inputs.export("volunteers", tmp_path / "volunteers.csv")
    with written.open(newline="", encoding="utf-8-sig") as handle:
        offers = list(csv.reader(handle))
    assert len(offers) - 1 == rotation.inputs.volunteers.rowCount()
