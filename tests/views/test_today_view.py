"""The main window opens on Today: what needs doing, a line per thing that opens its record,
the fund's budget per round as a chart above, and lines that go when their work is done."""

from __future__ import annotations

from PySide6.QtCore import Qt

from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.operations import perform
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.system.accounts import actor_named
from usrg_desktop.workflows.system.dates import utc_now


def _today_page(qtbot, window):
    window.show_area("Today")  # (the main_window fixture has moved on to the applications)
    page = window.current_page()
    qtbot.waitUntil(lambda: page.loaded)
    return page


def _rows(page) -> list[dict]:
    keys = [c.key for c in page.model.columns]
    return [
        dict(zip(keys, page.model.row_values(r), strict=True)) for r in range(page.model.rowCount())
    ]


def _activate(qtbot, page, row: int) -> None:
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)


def test_the_window_opens_on_today_with_the_budget_chart(qtbot, main_window):
    page = _today_page(qtbot, main_window)
    rows = _rows(page)
    assert rows and {r["section"] for r in rows} >= {"Screening", "Decisions", "Awards"}
    keys = [c.key for c in page.model.columns]
    assert page.table.isColumnHidden(keys.index("opens"))
    chart = page.today_controller.chart
    assert chart.isVisible() and chart.budgets
    assert "committed" in chart.toolTip() and "paid" in chart.toolTip()


def test_each_line_opens_the_record_it_names(qtbot, main_window):
    page = _today_page(qtbot, main_window)
    rows = _rows(page)
    for kind in ("application", "award", "meeting"):
        row = next(n for n, r in enumerate(rows) if r["opens"].startswith(f"{kind}:"))
        _activate(qtbot, page, row)
        key = (kind, int(rows[row]["opens"].split(":")[1]))
        qtbot.waitUntil(lambda key=key: key in main_window.open_windows())
        main_window.open_windows()[key].close()
    # An action item opens its meeting; a filter by area narrows the lines.
    combo = page.today_controller.area_filter
    combo.setCurrentIndex(combo.findText("Action items"))
    assert {r["section"] for r in _rows(page)} == {"Action items"}


def test_a_line_goes_when_its_work_is_done(qtbot, main_window):
    page = _today_page(qtbot, main_window)
    line = next(r for r in _rows(page) if r["section"] == "Screening")
    app_id = int(line["opens"].split(":")[1])
    done, _ = perform(
        main_window,
        main_window.db,
        wf.start_screening,
        application_id=app_id,
        actor=main_window.actor,
        now=utc_now(),
    )
    assert done
    main_window.data_changed("Applications")  # as every screen does after its action
    qtbot.waitUntil(lambda: line["record"] not in {r["record"] for r in _rows(page)})


def test_the_coordinator_starts_with_the_meeting(qtbot, demo_db, settings):
    with demo_db.unit_of_work() as session:
        actor = actor_named(session, username="coordinator")
    window = MainWindow(demo_db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.show()
    assert window.current_area() == "Today"  # where the window opens
    page = _today_page(qtbot, window)
    assert _rows(page)[0]["section"] == "Meetings"
