"""Long work off the GUI thread: run a workflow's generator with a progress dialog and Cancel.

A long workflow is a generator that yields `(done, total, label)` between steps and returns its
result (docs/architecture.md, "Long work"). `run_with_progress` runs it on a worker thread; the
worker never touches a widget, it reports by signal. Cancel is checked between steps: the
generator is closed there, so a workflow that commits each step keeps the steps it finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..storage import StorageError
from ..workflows import WorkflowError
from .collector import no_full_collections

Progress = tuple[int, int, str]
LongWork = Generator[Progress, None, Any]


@dataclass
class Outcome:
    """How long work ended: its result, or cancelled, or the sentence of a refusal."""

    result: Any = None
    cancelled: bool = False
    error: str | None = None
    steps: int = 0

    @property
    def ok(self) -> bool:
        """Finished without cancel or error."""
        return not self.cancelled and self.error is None


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal()

    def __init__(self, make_work: Callable[[], LongWork]) -> None:
        super().__init__()
        self._make_work = make_work
        self.cancel_requested = threading.Event()
        self.outcome = Outcome()

    def run(self) -> None:
        outcome = self.outcome
        try:
            work = self._make_work()
            try:
                while True:
                    if self.cancel_requested.is_set():
                        work.close()
                        outcome.cancelled = True
                        break
                    done, total, label = next(work)
                    outcome.steps += 1
                    self.progressed.emit(done, total, label)
            except StopIteration as stop:
                outcome.result = stop.value
        except (WorkflowError, StorageError, OSError) as exc:
            outcome.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the dialog hanging
            outcome.error = f"The work stopped because of an unexpected problem: {exc!r}"
        finally:
            self.finished.emit()


class _Relay(QObject):
    """Made in the GUI thread: the worker's progress signal reaches the dialog there (queued);
    a plain function as the slot would run in the worker's thread and touch the dialog."""

    def __init__(self, target: Callable[[int, int, str], None]) -> None:
        super().__init__()
        self._target = target

    @Slot(int, int, str)
    def relay(self, done: int, total: int, label: str) -> None:
        self._target(done, total, label)


def run_with_progress(
    parent: QWidget | None,
    title: str,
    make_work: Callable[[], LongWork],
    *,
    on_dialog: Callable[[QProgressDialog], None] | None = None,
) -> Outcome:
    """Run long work on a worker thread behind a modal progress dialog; returns how it ended.

    `make_work` is called on the worker thread (so a unit of work opened inside belongs to it).
    `on_dialog` receives the dialog once it exists (tests use it to press Cancel).
    No full garbage collection runs meanwhile (views/collector.py): one would hold the GIL,
    and so the window, for as long as it walks the program's every object.
    """
    with no_full_collections():
        return _run(parent, title, make_work, on_dialog)


def _run(
    parent: QWidget | None,
    title: str,
    make_work: Callable[[], LongWork],
    on_dialog: Callable[[QProgressDialog], None] | None,
) -> Outcome:
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    worker = _Worker(make_work)
    thread = QThread()
    worker.moveToThread(thread)
    loop = QEventLoop()

    def show_progress(done: int, total: int, label: str) -> None:
        if dialog.wasCanceled():
            worker.cancel_requested.set()
            return
        if dialog.maximum() != total:
            dialog.setMaximum(max(total, 0))
        dialog.setValue(done)
        dialog.setLabelText(label)

    relay = _Relay(show_progress)
    worker.progressed.connect(relay.relay)
    worker.finished.connect(loop.quit)
    dialog.canceled.connect(worker.cancel_requested.set)
    thread.started.connect(worker.run)
    if on_dialog is not None:
        on_dialog(dialog)
    thread.start()
    if thread.isRunning() or not worker.outcome.steps:
        loop.exec()
    # The thread still lets go of what the work held (sessions, a batch's PDFs): wait for it in
    # the event loop, not in thread.wait(), so the window keeps painting meanwhile.
    ended = QEventLoop()
    thread.finished.connect(ended.quit, Qt.ConnectionType.QueuedConnection)
    thread.quit()
    if not thread.isFinished():
        ended.exec()
    thread.wait()  # finished: returns at once
    dialog.close()
    dialog.deleteLater()
    # Whatever the work committed (all of it, or the steps done before Cancel) is announced.
    from .operations import announcer

    announcer.made.emit()
    return worker.outcome
