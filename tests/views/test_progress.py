"""Long work runs on a worker thread behind a progress dialog; Cancel stops it between steps."""

import time

from usrg_desktop.views.progress import run_with_progress
from usrg_desktop.workflows import WorkflowError


def work(n, fail_at=None):
    for i in range(n):
        if i == fail_at:
            raise WorkflowError("Row 3 is bad.")
        time.sleep(0.01)
        yield i + 1, n, f"step {i + 1}"
    return "all done"


def test_finishes(qtbot):
    out = run_with_progress(None, "Working", lambda: work(5))
    assert out.ok and out.result == "all done" and out.steps == 5


def test_error(qtbot):
    out = run_with_progress(None, "Working", lambda: work(5, fail_at=3))
    assert out.error == "Row 3 is bad." and not out.ok


def test_cancel(qtbot):
    from PySide6.QtCore import QTimer

    def press(dialog):
        dialog.setMinimumDuration(0)
        from PySide6.QtWidgets import QPushButton

        QTimer.singleShot(150, lambda: dialog.findChild(QPushButton).click())

    out = run_with_progress(None, "Working", lambda: work(1000), on_dialog=press)
    assert out.cancelled and 0 < out.steps < 1000


def _seen_thresholds(n, seen, fail=False):
    """Long work that notes the collector's thresholds at each step (in the worker thread)."""
    import gc

    for i in range(n):
        seen.append(gc.get_threshold())
        if fail and i == 1:
            raise WorkflowError("Row 2 is bad.")
        yield i + 1, n, f"step {i + 1}"
    return "done"


def test_no_full_collection_while_long_work_runs_and_thresholds_come_back(qtbot):
    # A full collection walks every object and holds the GIL, so the window, meanwhile:
    # none starts while the worker runs; the young generations are still collected.
    import gc

    before = gc.get_threshold()
    seen: list = []
    out = run_with_progress(None, "Working", lambda: _seen_thresholds(3, seen))
    assert out.ok and len(seen) == 3
    for young0, young1, full in seen:
        assert (young0, young1) == before[:2] and full > 1_000_000
    assert gc.get_threshold() == before


def test_thresholds_come_back_after_an_error_and_a_cancel(qtbot):
    import gc

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QPushButton

    before = gc.get_threshold()
    out = run_with_progress(None, "Working", lambda: _seen_thresholds(5, [], fail=True))
    assert out.error == "Row 2 is bad." and gc.get_threshold() == before

    def press(dialog):
        dialog.setMinimumDuration(0)
        QTimer.singleShot(150, lambda: dialog.findChild(QPushButton).click())

    out = run_with_progress(None, "Working", lambda: work(1000), on_dialog=press)
    assert out.cancelled and gc.get_threshold() == before
