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
