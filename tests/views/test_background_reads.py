"""Lists read on the main window's worker thread (views/worker.py): the rows arrive by signal,
only the newest of two reloads is shown, and closing the window during a load is safe."""

from __future__ import annotations

import threading

import pytest

from usrg_desktop.storage import StorageError
from usrg_desktop.views.list_page import ListPage
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.worker import Worker
from usrg_desktop.workflows.grants import listings as grants
from usrg_desktop.workflows.system.accounts import actor_named

WAIT_MS = 20_000


def _window(qtbot, db, settings, *, keep: bool = True) -> MainWindow:
    with db.unit_of_work() as session:
        actor = actor_named(session, username="secretariat")
    window = MainWindow(db, settings=settings, actor=actor, background_reads=True)
    if keep:  # qtbot closes it at the end (a test that deletes it itself says keep=False)
        qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _blocked(loader, gate: threading.Event, threads: list[str]):
    """A loader that waits for the gate (on the worker thread) before it reads."""

    def load():
        threads.append(threading.current_thread().name)
        assert gate.wait(WAIT_MS / 1000), "the test never opened the gate"
        return loader()

    return load


def test_a_list_loads_on_the_worker_thread_and_arrives_by_signal(qtbot, any_demo_db, settings):
    window = _window(qtbot, any_demo_db, settings)
    page = window.show_page("Applications", 0)
    threads: list[str] = []
    gate = threading.Event()
    page.set_loader(_blocked(lambda: grants.application_listing(any_demo_db), gate, threads))
    page.reload()
    # The reload returned at once: the rows are read elsewhere while the window paints.
    assert page.is_loading
    with qtbot.waitSignal(page.rows_loaded, timeout=WAIT_MS):
        gate.set()
    assert not page.is_loading and page.error is None
    assert threads and threads[0] != threading.main_thread().name
    expected = grants.application_listing(any_demo_db)
    assert page.model.rowCount() == len(expected.rows) > 0
    assert page.model.row_values(0) == expected.rows[0]
    # The filter's haystacks came with the rows: the first keystroke needs no preparing.
    assert page.model.filter_prepared
    page.filter_edit.setText(str(expected.rows[0][0]))
    assert 1 <= page.model.rowCount() < len(expected.rows)


def test_a_reload_during_a_load_shows_only_the_newest_rows(qtbot, demo_db):
    worker = Worker()
    page = ListPage("Applications", "applications", lambda: None, worker=worker)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    gate, threads = threading.Event(), []
    page.set_loader(_blocked(lambda: grants.application_listing(demo_db), gate, threads))
    page.reload()
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)  # the first read has started
    page.set_loader(lambda: grants.round_listing(demo_db))
    page.reload()
    shown: list[str] = []
    page.rows_loaded.connect(lambda: shown.append(page.model.title))
    gate.set()
    qtbot.waitUntil(lambda: not worker.busy, timeout=WAIT_MS)
    rounds = grants.round_listing(demo_db)
    # The first read finished after the second was asked for: its rows were dropped.
    assert shown == [rounds.title]
    assert page.model.rowCount() == len(rounds.rows)
    assert worker.stop(wait_s=WAIT_MS / 1000)


def test_select_id_during_a_load_selects_the_row_once_it_is_shown(qtbot, demo_db):
    worker = Worker()
    listing = grants.application_listing(demo_db)
    page = ListPage("Applications", "applications", lambda: listing, worker=worker)
    qtbot.addWidget(page)
    gate, threads = threading.Event(), []
    page.set_loader(_blocked(lambda: listing, gate, threads))
    page.reload()
    wanted = listing.ids[3]
    assert page.select_id(wanted)
    assert page.current_id() is None  # nothing shown yet
    with qtbot.waitSignal(page.rows_loaded, timeout=WAIT_MS):
        gate.set()
    assert page.current_id() == wanted
    assert worker.stop(wait_s=WAIT_MS / 1000)


def test_a_load_that_fails_says_so_under_the_list(qtbot, demo_db):
    worker = Worker()

    def broken():
        raise StorageError("The database is locked by another program.")

    page = ListPage("Applications", "applications", broken, worker=worker)
    qtbot.addWidget(page)
    failures: list[str] = []
    page.load_failed.connect(failures.append)
    with qtbot.waitSignal(page.rows_loaded, timeout=WAIT_MS):
        page.reload()
    assert failures == ["The database is locked by another program."]
    assert "could not be loaded: The database is locked" in page.count_label.text()
    assert worker.stop(wait_s=WAIT_MS / 1000)


@pytest.mark.parametrize("delete", [False, True])
def test_closing_the_window_during_a_load_neither_crashes_nor_leaks_a_thread(
    qtbot, demo_db, settings, delete
):
    window = _window(qtbot, demo_db, settings, keep=not delete)
    page = window.show_page("Applications", 0)
    worker = window.worker
    assert worker is not None
    gate, threads = threading.Event(), []
    page.set_loader(_blocked(lambda: grants.application_listing(demo_db), gate, threads))
    page.reload()
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)
    thread = worker.thread
    assert thread is not None and thread.is_alive()
    assert window.close()
    if delete:
        window.deleteLater()
        qtbot.waitUntil(lambda: not _alive(window), timeout=WAIT_MS)
    gate.set()  # the read finishes after its window went away: its rows go nowhere
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=WAIT_MS)
    qtbot.wait(50)  # a result posted by then would be delivered now, and must be dropped
    assert thread not in threading.enumerate()
    if not delete:  # the closed window's list never received the rows read for it
        assert not page.loaded and page.model.rowCount() == 0


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_today_and_its_chart_arrive_from_the_worker(qtbot, demo_db, settings):
    window = _window(qtbot, demo_db, settings)
    page = window.show_page("Today", 0)
    chart = page.today_controller.chart
    qtbot.waitUntil(lambda: page.loaded and bool(chart.budgets), timeout=WAIT_MS)
    keys = [c.key for c in page.model.columns]
    assert page.table.isColumnHidden(keys.index("opens"))
    assert page.model.rowCount() > 0 and "committed" in chart.toolTip()


def test_a_reload_from_elsewhere_keeps_the_current_row_once_the_rows_are_back(
    qtbot, demo_db, settings
):
    window = _window(qtbot, demo_db, settings)
    page = window.show_page("Applications", 0)
    qtbot.waitUntil(lambda: page.loaded and not page.is_loading, timeout=WAIT_MS)
    page.table.selectRow(5)
    wanted = page.current_id()
    assert wanted is not None
    page.table.sortByColumn(1, page.table.horizontalHeader().sortIndicatorOrder())
    row_before = page.model.row_of_id(wanted)
    with qtbot.waitSignal(page.rows_loaded, timeout=WAIT_MS):
        page.reload_keeping_place()
    assert page.current_id() == wanted
    assert page.model.row_of_id(wanted) == row_before


def test_a_worker_deleted_without_stop_ends_its_thread(qtbot, demo_db):
    worker = Worker()
    done: list[object] = []
    ticket = worker.submit(lambda: grants.round_listing(demo_db), done.append)
    assert worker.wait(ticket, WAIT_MS) and done
    thread = worker.thread
    assert thread is not None and thread.is_alive()  # idle, waiting for the next job
    worker.deleteLater()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=WAIT_MS)


def test_the_application_screen_reads_on_the_worker_and_shows_it_when_it_comes(
    qtbot, any_demo_db, settings, monkeypatch
):
    from usrg_desktop.views import applications_view
    from usrg_desktop.views.applications_view import ApplicationScreen, open_application
    from usrg_desktop.workflows.grants import detail_screens

    window = _window(qtbot, any_demo_db, settings)
    expected = grants.application_listing(any_demo_db)
    app_id = expected.ids[0]
    threads: list[str] = []
    gate = threading.Event()
    real = detail_screens.application_screen

    def held(session, *args, **kwargs):
        threads.append(threading.current_thread().name)
        assert gate.wait(WAIT_MS / 1000), "the test never opened the gate"
        return real(session, *args, **kwargs)

    monkeypatch.setattr(applications_view.screens, "application_screen", held)
    screen = open_application(window, app_id)
    assert isinstance(screen, ApplicationScreen)
    # The screen is up and paints while its read waits on the worker thread.
    assert screen.details is None and screen.reference_label.text() == ""
    gate.set()
    qtbot.waitUntil(lambda: screen.details is not None, timeout=WAIT_MS)
    assert threads and threads[0] != threading.main_thread().name
    with any_demo_db.reading() as session:
        shown = real(session, app_id, actor=screen.actor)
    assert screen.reference_label.text() == shown.heading
    assert screen.facts_label.text() == shown.facts_html


def test_a_failed_application_read_on_the_worker_says_so_on_the_screen(
    qtbot, demo_db, settings, monkeypatch
):
    from usrg_desktop.views import applications_view
    from usrg_desktop.views.applications_view import open_application
    from usrg_desktop.workflows import WorkflowError

    window = _window(qtbot, demo_db, settings)
    app_id = grants.application_listing(demo_db).ids[0]

    def gone(session, *args, **kwargs):
        raise WorkflowError("There is no application with id 999999.")

    monkeypatch.setattr(applications_view.screens, "application_screen", gone)
    screen = open_application(window, app_id)
    qtbot.waitUntil(lambda: "There is no application" in screen.facts_label.text(), timeout=WAIT_MS)


def test_the_ranking_reads_on_the_worker_and_holds_decisions_until_it_comes(
    qtbot, demo_db, settings, monkeypatch
):
    from usrg_desktop.views.ranking_view import open_ranking
    from usrg_desktop.workflows.reviews import scoring

    window = _window(qtbot, demo_db, settings)
    threads: list[str] = []
    gate = threading.Event()
    real = scoring.round_ranking

    def held(session, *args, **kwargs):
        threads.append(threading.current_thread().name)
        assert gate.wait(WAIT_MS / 1000), "the test never opened the gate"
        return real(session, *args, **kwargs)

    monkeypatch.setattr(scoring, "round_ranking", held)
    screen = open_ranking(window)
    round_id = screen.round_combo.currentData()
    assert round_id is not None
    # Up and painting while the read waits; nothing to decide on yet.
    assert screen.ranking is None and screen.table.rowCount() == 0
    assert not screen.table.isEnabled() and not screen.record_button.isEnabled()
    assert "reading" in screen.windowTitle()
    gate.set()
    qtbot.waitUntil(lambda: screen.ranking is not None, timeout=WAIT_MS)
    assert threads and threads[0] != threading.main_thread().name
    assert screen.table.isEnabled()
    with demo_db.reading() as session:
        expected = real(session, round_id)
    assert screen.windowTitle() == f"Ranking and decisions — {expected.round_name}"
    assert len(screen.rows) == len(expected.ranked(standardised=False)) > 0
    screen.close()


def test_a_failed_ranking_read_says_so_on_the_screen(qtbot, demo_db, settings, monkeypatch):
    from usrg_desktop.storage import StorageError
    from usrg_desktop.views.ranking_view import open_ranking
    from usrg_desktop.workflows.reviews import scoring

    window = _window(qtbot, demo_db, settings)

    def unreachable(session, *args, **kwargs):
        raise StorageError("The database server did not answer.")

    monkeypatch.setattr(scoring, "round_ranking", unreachable)
    screen = open_ranking(window)
    qtbot.waitUntil(lambda: "could not be read" in screen.problems.text(), timeout=WAIT_MS)
    assert "did not answer" in screen.problems.text()
    assert screen.ranking is None and not screen.record_button.isEnabled()
    screen.close()
