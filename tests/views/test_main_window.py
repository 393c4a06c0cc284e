"""The main window as a user meets it: areas, lists, filter, sort, shortcuts, export, About."""

from __future__ import annotations

import csv
import html
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget

from usrg_desktop import __version__, clock, storage
from usrg_desktop import settings as usrg_settings
from usrg_desktop.counting import counted_plural
from usrg_desktop.views.list_page import FILTER_PLACEHOLDER
from usrg_desktop.views.main_window import AREA_NAMES, AREAS, MainWindow


def click_area(qtbot, window: MainWindow, name: str) -> None:
    """Click an area in the navigation like a person would."""
    nav = window.navigation
    item = nav.item(AREA_NAMES.index(name))
    qtbot.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center()
    )


def click_tab(qtbot, window: MainWindow, index: int) -> None:
    """Click a tab of the current area."""
    tabs = window.stack.currentWidget().findChild(QTabWidget)
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def click_header(qtbot, page, column: int) -> None:
    """Click a column heading of a list."""
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def shown(page, column: int, rows: int) -> list[str]:
    """The text of a column's first rows, as on screen."""
    model = page.model
    return [model.data(model.index(r, column)) for r in range(min(rows, model.rowCount()))]


def test_start_up_builds_and_fills_only_today(qtbot, demo_db, settings):
    from usrg_desktop.workflows.system.today import today_listing

    window = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(window)
    window.show()
    count = len(today_listing(demo_db, today=window.today).rows)
    page = window.current_page()
    assert window.current_area() == "Today"
    assert page.loaded and page.model.rowCount() == count > 0
    assert page.count_label.text() == f"{count} of {count} things to do"
    assert page.filter_edit.placeholderText() == FILTER_PLACEHOLDER == "Filter… (Ctrl+F)"
    assert [window.is_built(name) for name in AREA_NAMES] == [True] + [False] * 8
    assert demo_db.display_name in window.database_label.text()


def test_every_area_shows_its_rows(qtbot, main_window, tmp_path):
    from usrg_desktop.settings import backups_dir
    from usrg_desktop.workflows.system.backups import make_backup

    make_backup(main_window.db, backups_dir())  # a copy made a moment ago has none of its own
    _draft_reminders(main_window, tmp_path)  # and the demo has sent no e-mail
    for name, area in zip(AREA_NAMES, AREAS, strict=True):
        click_area(qtbot, main_window, name)
        assert main_window.current_area() == name
        for n, spec in enumerate(area.lists):
            if len(area.lists) > 1:
                click_tab(qtbot, main_window, n)
            page = main_window.current_page()
            assert page is main_window.pages(name)[n]
            assert page.error is None, page.error
            rows = page.model.rowCount()
            assert rows > 0, f"{name} ▸ {spec.title} is empty"
            assert page.count_label.text() == f"{rows} of {counted_plural(rows, spec.noun)}"
            assert page.table.isVisible()


def test_tabs_load_only_when_shown(qtbot, main_window):
    click_area(qtbot, main_window, "Directory")
    people, cities, bodies = main_window.pages("Directory")
    assert people.loaded and not cities.loaded and not bodies.loaded
    click_tab(qtbot, main_window, 2)
    assert bodies.loaded and not cities.loaded


def test_typing_in_the_filter_narrows_the_rows_and_says_so(qtbot, main_window):
    page = main_window.current_page()
    total = page.model.rowCount()
    reference = page.model.row_values(total - 1)[0]
    qtbot.keyClicks(page.filter_edit, reference.lower())
    assert page.model.rowCount() == 1
    assert page.model.row_values(0)[0] == reference
    assert page.count_label.text() == f"1 of {total} shown"

    page.filter_edit.clear()
    state = page.model.row_values(0)[page.model.columns.index(_col(page, "state"))]
    qtbot.keyClicks(page.filter_edit, state.upper())
    narrowed = page.model.rowCount()
    assert 0 < narrowed < total
    assert all(state in " ".join(map(str, row)) for row in page.model.visible_rows())
    assert page.count_label.text() == f"{narrowed} of {total} shown"

    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Escape)
    assert page.filter_edit.text() == ""
    assert page.count_label.text() == f"{total} of {total} applications"


def test_the_filter_is_prepared_soon_after_the_rows_show(qtbot, main_window):
    page = main_window.current_page()
    qtbot.waitUntil(lambda: page.model.filter_prepared, timeout=2000)


def _col(page, key):
    return next(c for c in page.model.columns if c.key == key)


def test_clicking_a_heading_sorts_and_clicking_again_reverses(qtbot, main_window):
    page = main_window.current_page()
    keys = [c.key for c in page.model.columns]
    requested = keys.index("requested")
    click_header(qtbot, page, requested)
    amounts = [row[requested] for row in page.model.visible_rows()]
    assert amounts == sorted(amounts)
    click_header(qtbot, page, requested)
    amounts = [row[requested] for row in page.model.visible_rows()]
    assert amounts == sorted(amounts, reverse=True)
    assert shown(page, requested, 1)[0].startswith("R ")

    score = keys.index("score")
    click_header(qtbot, page, score)
    scores = [row[score] for row in page.model.visible_rows()]
    present = [s for s in scores if s is not None]
    assert scores[: len(present)] == sorted(present)
    assert all(s is None for s in scores[len(present) :]), "unscored applications come last"
    assert page.table.horizontalHeader().sortIndicatorSection() == score


def test_ctrl_number_switches_area(qtbot, main_window):
    main_window.activateWindow()
    qtbot.waitActive(main_window)
    qtbot.keyClick(main_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_area() == "Rounds"
    assert main_window.navigation.currentRow() == 2
    assert main_window.current_page().model.rowCount() > 0
    qtbot.keyClick(main_window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_area() == "Administration"
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_area() == "Today"
    qtbot.keyClick(main_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page().filter_edit.hasFocus()


def test_export_writes_exactly_the_rows_shown_in_their_order(qtbot, main_window, tmp_path):
    from openpyxl import load_workbook

    page = main_window.current_page()
    keys = [c.key for c in page.model.columns]
    qtbot.keyClicks(page.filter_edit, "round")
    click_header(qtbot, page, keys.index("requested"))
    visible = page.model.visible_rows()
    assert len(visible) > 0

    assert page.export_to(tmp_path / "list.csv") == len(visible)
    with open(tmp_path / "list.csv", newline="", encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == [c.label for c in page.model.columns]
    on_screen = [
        [page.model.data(page.model.index(r, c)) for c in (0, 1, 2)]
        for r in range(page.model.rowCount())
    ]
    assert [line[:3] for line in lines[1:]] == on_screen

    assert page.export_to(tmp_path / "list.xlsx") == len(visible)
    sheet = load_workbook(tmp_path / "list.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    requested = keys.index("requested")
    assert [v[0] for v in values[1:]] == [row[0] for row in visible]
    assert [Decimal(str(v[requested])) for v in values[1:]] == [
        Decimal(row[requested]) / 100 for row in visible
    ]


def test_export_follows_columns_the_user_moved(qtbot, main_window, tmp_path):
    page = main_window.current_page()
    header = page.table.horizontalHeader()
    last = header.count() - 1
    header.moveSection(last, 0)  # drag "Last change" to the front
    page.export_to(tmp_path / "moved.csv")
    with open(tmp_path / "moved.csv", newline="", encoding="utf-8-sig") as handle:
        heading = next(csv.reader(handle))
    labels = [c.label for c in page.model.columns]
    assert heading == [labels[last], *labels[:last]]


def test_file_export_menu_asks_for_a_file_and_writes_it(qtbot, main_window, tmp_path, monkeypatch):
    target = tmp_path / "applications.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target.with_suffix("")), "CSV (*.csv)")
    )
    main_window.export_action.trigger()
    written = target.with_suffix(".csv")
    assert written.exists()
    assert "Exported" in main_window.statusBar().currentMessage()
    with open(written, newline="", encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == main_window.current_page().model.rowCount() + 1


def test_about_shows_version_database_and_secretariat(qtbot, main_window):
    main_window.about_action.trigger()
    box = main_window.about_box
    qtbot.waitUntil(box.isVisible)
    text = box.text()
    assert __version__ in text
    assert main_window.db.display_name in text
    assert f"schema {storage.head_revision()}" in text
    assert html.escape(str(usrg_settings.log_file())) in text
    assert "urbansafety@sacities.net" in text and "+27 (0)11 407 6471" in text
    box.close()
    qtbot.waitUntil(lambda: not box.isVisible())


def test_geometry_is_remembered_and_the_window_opens_on_today(qtbot, demo_db, settings):
    first = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(first)
    first.show()
    # Smaller than the offscreen platform's 800 x 600 screen, which a restore would clamp to.
    first.resize(760, 540)
    click_area(qtbot, first, "Awards")
    first.close()

    second = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(second)
    assert second.current_area() == "Today"  # what needs doing comes first every day
    assert (second.size().width(), second.size().height()) == (760, 540)
    assert not second.is_built("Awards") and not second.is_built("Applications")


def test_a_database_problem_while_loading_shows_a_message_not_a_traceback(qtbot, main_window):
    main_window.db.path.write_bytes(b"this is no longer a database" * 200)
    click_area(qtbot, main_window, "Rounds")
    box = main_window.error_box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert "rounds could not be loaded" in box.text()
    assert "damaged" in box.informativeText()
    page = main_window.current_page()
    assert page.error and "could not be loaded" in page.count_label.text()
    box.close()


@pytest.mark.parametrize("name", AREA_NAMES)
def test_view_menu_has_each_area_with_its_shortcut(main_window, name):
    n = AREA_NAMES.index(name)
    action = main_window.area_actions[n]
    assert action.text() == name
    assert action.shortcut().toString() == f"Ctrl+{n + 1}"


def test_a_list_read_before_the_window_is_used_once_then_queried_afresh(qtbot, demo_db, settings):
    from concurrent.futures import Future

    from usrg_desktop.workflows.system.today import today_listing

    early: Future = Future()
    listing = today_listing(demo_db, today=clock.today())
    listing.rows, listing.ids = listing.rows[:3], listing.ids[:3]  # told from a fresh query's
    early.set_result(listing)
    window = MainWindow(demo_db, settings=settings, prefetched={"Today": early})
    qtbot.addWidget(window)
    window.show()
    page = window.pages("Today")[0]
    assert page.model.rowCount() == 3
    page.reload()
    assert page.model.rowCount() == len(today_listing(demo_db, today=window.today).rows) > 3


def test_a_prefetch_that_failed_shows_a_message_not_a_traceback(qtbot, demo_db, settings):
    from concurrent.futures import Future

    from usrg_desktop.storage import StorageError

    early: Future = Future()
    early.set_exception(StorageError("The database is busy: try again in a moment."))
    window = MainWindow(demo_db, settings=settings, prefetched={"Today": early})
    qtbot.addWidget(window)
    window.show()
    page = window.pages("Today")[0]
    assert page.error == "The database is busy: try again in a moment."
    assert window.error_box is not None
    assert "busy" in window.error_box.informativeText()
    window.error_box.close()


def test_a_screen_closed_a_moment_ago_is_made_again(main_window, qtbot):
    from PySide6.QtWidgets import QLabel

    made = []

    def factory() -> QLabel:
        made.append(QLabel("screen"))
        return made[-1]

    first = main_window.open_window(("test", 1), factory)
    assert main_window.open_window(("test", 1), factory) is first
    first.close()  # deleted later, by the event loop
    second = main_window.open_window(("test", 1), factory)
    assert second is not first and second.isVisible()
    assert len(made) == 2


def _draft_reminders(window, folder) -> None:
    """Reminders to the reviewers, drafted, so that the Outbox has messages to show."""
    from usrg_desktop.clock import utc_now
    from usrg_desktop.workflows.mail.mail_messages import reminder_messages
    from usrg_desktop.workflows.mail.mail_server import MailServer
    from usrg_desktop.workflows.mail.outbox import write_drafts

    round_id = window.db.rows("SELECT id FROM rounds WHERE status = 'reviewing'")[0][0]
    with window.db.unit_of_work() as session:
        messages = reminder_messages(
            session, round_id=round_id, actor=window.actor, today=window.today
        )
    write_drafts(
        window.db, messages, out_dir=folder, server=MailServer(), actor=window.actor,
        now=utc_now(),
    )  # fmt: skip
