"""The longest GUI-thread stall: how long the window stops painting while the user works.

A 10 ms heartbeat timer runs on the GUI thread; whatever holds that thread (a query run on it,
a model filled, a PDF rendered) delays the next tick. The stall of a step is the longest gap
between two ticks minus the 10 ms interval, measured from the click until the screen has its
rows and 300 ms more (the work a screen schedules just after showing counts too).

The steps, on one main window on a copy of the large demo (the writes never touch the original):
every list of every area of the navigation, the Ranking screen, the letter register, the
screen of an application, of an award and of a meeting; then importing 200 scores files
through the Import scores dialog, issuing 500 award letters through the letters' batch, and
building a meeting's pack, each as the menu command runs them.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HEARTBEAT_MS = 10
TARGET_SECONDS = 0.1
SETTLE_MS = 300
# A step that has not finished after this long is reported as such, never waited for forever.
STEP_TIMEOUT_S = 600
# While the GUI thread has not ticked for this long, a watchdog notes where it is (our code's
# innermost line), so a stall over the target names what to move off the GUI thread.
WATCH_AFTER_S = 0.05


class Heartbeat:
    """A 10 ms timer on the GUI thread that remembers the longest gap between its ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self._last = 0.0
        self.where: Counter[str] = Counter()
        self._gui = threading.get_ident()
        self._watching = threading.Event()

    def _watch(self) -> None:
        while self._watching.is_set():
            time.sleep(0.01)
            if time.perf_counter() - self._last > WATCH_AFTER_S:
                frame = sys._current_frames().get(self._gui)
                self.where[_our_line(frame)] += 1

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def measure(
        self, action: Callable[[], object], done: Callable[[], bool] | None = None
    ) -> float:
        """Seconds of the longest stall while `action` runs and until `done()` (then a little
        more); the heartbeat's own interval is taken off."""
        self.longest = 0.0
        self.where.clear()
        self._last = time.perf_counter()
        self.timer.start()
        self._watching.set()
        watchdog = threading.Thread(target=self._watch, daemon=True)
        watchdog.start()
        try:
            action()
            pump(done or (lambda: True))
            pump(lambda: False, SETTLE_MS / 1000)
            self._tick()  # a stall that ends just as the step does counts too
        finally:
            self.timer.stop()
            self._watching.clear()
            watchdog.join()
        return max(0.0, self.longest - HEARTBEAT_MS / 1000)


def _our_line(frame) -> str:
    """The innermost line of USRG Desktop's own code in a stack (else the innermost line)."""
    innermost = None
    while frame is not None:
        code = frame.f_code
        here = f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}"
        innermost = innermost or here
        if "usrg_desktop" in code.co_filename:
            return here
        frame = frame.f_back
    return innermost or "?"


def pump(done: Callable[[], bool], timeout_s: float = STEP_TIMEOUT_S) -> bool:
    """Run the event loop until `done()` or the timeout; True when done."""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() >= end:
            return False
        loop = QEventLoop()
        QTimer.singleShot(5, loop.quit)
        loop.exec()
    return True


def answer_questions(button_text: str) -> Callable[[], None]:
    """Click `button_text` in any modal box that asks (confirm() uses exec()); returns stop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QAbstractButton, QApplication

    def look() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            return
        for button in box.findChildren(QAbstractButton):
            if button.text().replace("&", "") == button_text:
                button.click()
                return

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(look)
    timer.start()
    return timer.stop


def _add_letters_round(scene: Path, letters: int) -> int:
    """A decided round with `letters` approved applications in the scene; its id."""
    from bench.letters import _approved_round
    from usrg_desktop.storage import Database

    db = Database(scene)
    try:
        with db.unit_of_work() as session:
            return _approved_round(session, 9, letters)
    finally:
        db.dispose()


def _ids(scene: Path) -> dict[str, int]:
    with sqlite3.connect(scene) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "award": one("SELECT MAX(id) FROM awards"),
            "application": one("SELECT application_id FROM awards ORDER BY id DESC LIMIT 1"),
            # The meeting with the most on its agenda: the biggest pack.
            "meeting": one(
                "SELECT meeting_id FROM agenda_items GROUP BY meeting_id "
                "ORDER BY COUNT(*) DESC, meeting_id DESC LIMIT 1"
            ),
        }


def _page_ready(page) -> Callable[[], bool]:
    return lambda: page.loaded and not getattr(page, "is_loading", False)


def _screens(
    window, heartbeat: Heartbeat, ids: dict[str, int]
) -> list[tuple[str, float | str, list[str]]]:
    from usrg_desktop.views.awards_view import open_award
    from usrg_desktop.views.letters_view import letter_register
    from usrg_desktop.views.main_window import AREAS
    from usrg_desktop.views.meeting_screen import open_meeting
    from usrg_desktop.views.ranking_view import open_ranking

    figures = []
    for a, area in enumerate(AREAS):
        for p, spec in enumerate(area.lists):
            page = window.pages(a)[p]
            name = area.name if len(area.lists) == 1 else f"{area.name} ▸ {spec.title}"
            figures.append(
                (
                    name,
                    *attempt(
                        lambda a=a, p=p, page=page: heartbeat.measure(
                            lambda: window.show_page(a, p), _page_ready(page)
                        )
                    ),
                )
            )
    shown: list = []

    def opened(open_screen: Callable[[], object]) -> Callable[[], None]:
        return lambda: shown.append(open_screen())

    for name, open_screen in (
        ("Ranking", lambda: open_ranking(window)),
        ("Letter register", lambda: letter_register(window)),
        ("Application screen", lambda: _open_application(window, ids["application"])),
        ("Award screen", lambda: open_award(window, ids["award"])),
        ("Meeting screen", lambda: open_meeting(window, ids["meeting"])),
    ):
        shown.clear()
        figures.append((name, *attempt(lambda o=open_screen: heartbeat.measure(opened(o)))))
        for screen in shown:
            screen.close()
        pump(lambda: False, 0.05)
    return figures


def attempt(step: Callable[[], float]) -> tuple[float | str, list[str]]:
    """The step's stall, or the sentence of what went wrong (one broken screen does not stop
    the others being measured); and where the GUI thread was while it stalled, most seen
    first."""
    try:
        seconds = step()
    except Exception as exc:  # noqa: BLE001 - reported in the results, not hidden
        return f"failed: {type(exc).__name__}: {exc}", []
    return seconds, [f"{where} ({n}×)" for where, n in _HEARTBEAT[0].where.most_common(3)]


_HEARTBEAT: list[Heartbeat] = []


def _open_application(window, application_id: int):
    from usrg_desktop.views.applications_view import open_application

    return open_application(window, application_id)


def _import_scores(window, heartbeat: Heartbeat, files: list[Path]) -> float:
    from usrg_desktop.views.review_exchange import ImportScoresDialog

    dialog = ImportScoresDialog(window.db, window.actor, window)
    dialog.add_paths(files)
    dialog.show()
    outcomes: list = []
    stall = heartbeat.measure(lambda: outcomes.append(dialog.run_import()))
    dialog.close()
    report = outcomes[0].result if outcomes and outcomes[0] is not None else None
    if report is None or any(r.status == "rejected" for r in report.results):
        raise RuntimeError("the scores files were not all imported")
    return stall


def _issue_letters(window, heartbeat: Heartbeat, round_id: int, folder: Path) -> float:
    from usrg_desktop.views import letters_view

    stop = answer_questions("Issue them")
    outcomes: list = []
    try:
        stall = heartbeat.measure(
            lambda: outcomes.append(
                letters_view.run_batch(
                    window, round_id=round_id, kind="award", folder=folder, merged=None
                )
            )
        )
    finally:
        stop()
    report = letters_view.last_report[0]
    if report is not None:
        report.close()
    if not outcomes or not outcomes[0].ok:
        raise RuntimeError(f"the letters were not issued: {outcomes and outcomes[0].error}")
    return stall


def _meeting_pack(window, heartbeat: Heartbeat, meeting_id: int) -> float:
    from usrg_desktop.views.meeting_print import print_meeting_pack

    shown: list = []
    stall = heartbeat.measure(
        lambda: shown.append(print_meeting_pack(window, meeting_id=meeting_id))
    )
    if not shown or shown[0] is None:
        raise RuntimeError("the meeting pack was not made")
    shown[0].close()
    return stall


def run(database: Path, letters: int = 500) -> list[tuple[str, float | str, list[str]]]:
    """(step, seconds of the longest stall or what went wrong, where the GUI thread was held)
    for every step, in order."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bench.scores_import import build_scene
    from usrg_desktop.storage import Database, open_database
    from usrg_desktop.views.collector import freeze_long_lived
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.workflows.system.accounts import actor_named

    app = QApplication.instance() or QApplication([])
    heartbeat = Heartbeat()
    _HEARTBEAT[:] = [heartbeat]
    with tempfile.TemporaryDirectory(prefix="usrg-bench-stall-") as tmp:
        folder = Path(tmp)
        scene, files = build_scene(database, folder)  # a copy of the demo with 200 files
        # A demo made before the newest migration is brought up to it, as the program would.
        open_database(scene, create=False, backups=folder / "backups").dispose()
        round_id = _add_letters_round(scene, letters)
        ids = _ids(scene)
        db = Database(scene)
        with db.unit_of_work() as session:
            actor = actor_named(session, username="secretariat")
        made: list = []

        def open_main_window() -> None:
            # As the program makes it (app.py): lists are read on the window's worker thread.
            window = MainWindow(db, actor=actor, background_reads=True)
            window.resize(1366, 768)
            window.show()
            # As app.py does once the window is up: its objects out of the collector's reach.
            QTimer.singleShot(0, freeze_long_lived)
            made.append(window)

        # The window opens on Today: making it (its widgets, on the GUI thread) until Today's
        # lines are shown. Showing Today again later is the step named "Today".
        opening = attempt(
            lambda: heartbeat.measure(
                open_main_window, lambda: bool(made) and _page_ready(made[0].current_page())()
            )
        )
        window = made[0]
        figures = [("Main window (opens on Today)", *opening)]
        figures += _screens(window, heartbeat, ids)
        figures.append(
            ("Import 200 scores files", *attempt(lambda: _import_scores(window, heartbeat, files)))
        )
        figures.append(
            (
                f"Issue {letters} letters",
                *attempt(lambda: _issue_letters(window, heartbeat, round_id, folder / "letters")),
            )
        )
        figures.append(
            ("Meeting pack", *attempt(lambda: _meeting_pack(window, heartbeat, ids["meeting"])))
        )
        window.close()
        pump(lambda: False, 0.2)
        window.deleteLater()
        app.processEvents()
        db.dispose()
        shutil.rmtree(folder / "letters", ignore_errors=True)
    return figures
