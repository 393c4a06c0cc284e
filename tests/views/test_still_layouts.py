"""Layouts that hold still: a message that appears, grows or goes never moves the controls the
user is about to click. Each test notes where the controls stood, then clicks those places as
the messages change, and checks the right control was hit."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox

from usrg_desktop.views.applications_view import ApplicationScreen

LEFT = Qt.MouseButton.LeftButton


def _screening_application(db) -> int:
    """An application in screening whose round has several checks, none ticked yet."""
    rows = db.rows(
        "SELECT a.id FROM applications a "
        "WHERE a.state = 'screening' AND "
        "(SELECT COUNT(*) FROM screening_checks c WHERE c.round_id = a.round_id) >= 3 "
        "ORDER BY a.id"
    )
    return rows[0][0]


def test_ticking_the_checklist_where_the_boxes_stood_ticks_every_box(qtbot, main_window, demo_db):
    app_id = _screening_application(demo_db)
    with demo_db.unit_of_work() as session:
        from sqlalchemy import text

        session.execute(
            text("DELETE FROM screening_results WHERE application_id = :a"), {"a": app_id}
        )
    screen = main_window.open_window(
        ("application", app_id), lambda: ApplicationScreen(main_window, app_id)
    )
    screen.resize(1000, 700)
    qtbot.waitExposed(screen)
    screen.tabs.setCurrentWidget(screen.screening_tab)
    tab = screen.screening_tab
    qtbot.waitUntil(lambda: all(box.isVisible() for box in tab.boxes.values()))
    assert screen.unavailable_label.isVisible()  # "cannot be marked eligible: …" is shown
    # Where each box stood before the first tick, in the screen's coordinates.
    places = {
        check_id: box.mapTo(screen, QPoint(8, box.height() // 2))
        for check_id, box in tab.boxes.items()
    }
    for check_id, place in places.items():
        hit = screen.childAt(place)
        assert isinstance(hit, QCheckBox), f"no box at {place} for check {check_id}"
        assert hit.objectName() == f"check{check_id}", "a box moved under the pointer"
        qtbot.mouseClick(hit, LEFT, pos=hit.mapFrom(screen, place))
        qtbot.wait(20)  # the checklist is rebuilt after each tick
    assert all(item.passed for item in tab.items)


def test_ranking_decline_message_moves_no_row_and_feedback_goes_to_the_row_shown(
    qtbot, main_window
):
    from usrg_desktop.views.ranking_view import RankingWindow
    from usrg_desktop.views.reviews_view import COL_REFERENCE

    main_window.command_actions["open_ranking"].trigger()
    screen = main_window.open_windows()[("ranking",)]
    assert isinstance(screen, RankingWindow)
    qtbot.waitExposed(screen)
    reviewed = [r.candidate for r in screen.rows if r.candidate.state == "reviewed"]
    first, second = reviewed[0], reviewed[1]
    table, panel = screen.table, screen.panel

    def place_of(app_id: int) -> QPoint:
        item = table.item(screen.row_of(app_id), COL_REFERENCE)
        return table.viewport().mapTo(screen, table.visualItemRect(item).center())

    def click_at(place: QPoint) -> None:
        viewport = table.viewport()
        qtbot.mouseClick(viewport, LEFT, pos=viewport.mapFrom(screen, place))

    second_place = place_of(second.application_id)
    reasons_place = panel.notes.mapTo(screen, QPoint(5, 5))
    click_at(place_of(first.application_id))
    assert panel.reference.text() == first.reference
    panel.decision.setCurrentIndex(panel.decision.findData("decline"))
    # The sentence asking for reasons appears, beside the table, below the panel's fields.
    assert screen.problems.isVisible()
    assert screen.problems.text().startswith(f"Give the reasons to decline {first.reference}")
    assert place_of(second.application_id) == second_place
    assert panel.notes.mapTo(screen, QPoint(5, 5)) == reasons_place
    qtbot.keyClicks(panel.notes, "Duplicates work already funded in Msunduzi")
    assert not screen.problems.isVisible()
    # Where the second application stood before the message came and went is still its row.
    click_at(second_place)
    assert screen.selected_id() == second.application_id
    assert panel.reference.text() == second.reference
    assert panel.notes.toPlainText() == ""  # the first application's reasons stay with it
    panel.decision.setCurrentIndex(panel.decision.findData("approve"))
    qtbot.keyClicks(panel.feedback, "Strong proposal; partner with the metro police.")
    assert screen.tentative[second.application_id]["feedback"].startswith("Strong proposal")
    assert "feedback" not in screen.tentative[first.application_id]
    assert screen.tentative[first.application_id]["notes"].startswith("Duplicates work")
