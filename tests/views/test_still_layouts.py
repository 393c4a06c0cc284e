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
