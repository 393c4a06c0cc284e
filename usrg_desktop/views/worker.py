"""Screens' database reads off the GUI thread: one worker thread, a queue, results posted back.

A screen gives `Worker.submit` a job (a function that reads: a `…_listing(db)`, or
`operations.read(...)`, each opening and closing its own session, so on the worker thread) and
what to do with its result on the GUI thread. The worker runs one job at a time, in the order
they came. The `Ticket` that `submit` returns can be cancelled: a job not started yet is
skipped, a finished one's result is dropped; so is a result whose owner widget was deleted
meanwhile (a window closed during its load). A newer reload cancels the older one's ticket, so
only the newest result is shown.

A job never touches a widget: it returns plain data, and the result is delivered by a queued
signal in the GUI thread. `Worker.wait(ticket)` runs the event loop until a ticket is done, for
the few callers (and tests) that need the result before going on. `stop()` ends the thread
after the job it runs (SQLite cannot be interrupted mid-query); `submit` after `stop` starts a
new thread.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot

from ..storage import StorageError
from ..workflows import WorkflowError

# The sentences of these reach the screen (a list says it could not be loaded); anything else
# is a bug and reaches sys.excepthook in the GUI thread, as an exception in a slot would.
EXPECTED = (StorageError, WorkflowError)


class Ticket:
    """One job handed to the worker: cancel it, or ask whether it is done."""

    def __init__(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None,
        owner: QObject | None,
    ) -> None:
        self.job = job
        self.on_done = on_done
        self.on_error = on_error
        self.owner = owner
        self.cancelled = False
        # Set in the GUI thread once the result was handed over (or dropped).
        self.delivered = False

    def cancel(self) -> None:
        """Skip the job if it has not started; drop its result if it has."""
        self.cancelled = True

    @property
    def done(self) -> bool:
        """Delivered, or cancelled (nothing more will happen)."""
        return self.delivered or self.cancelled


class Worker(QObject):
    """One thread that runs screens' reads in turn and posts each result to the GUI thread."""

    # (ticket, result, error): emitted in the worker thread, received in the GUI thread.
    _posted = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None, *, name: str = "usrg-reads") -> None:
        super().__init__(parent)
        self._name = name
        self._queue: queue.SimpleQueue[Ticket | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending: set[Ticket] = set()
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # Deleted with its window without stop(): the thread still ends (after its job).
        jobs = self._queue
        self.destroyed.connect(lambda *_: jobs.put(None))

    # -- the GUI thread's side ----------------------------------------------------------------
    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        *,
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> Ticket:
        """Run `job()` on the worker thread; `on_done(result)` (or `on_error(exc)` for a
        StorageError or WorkflowError) is then called in the GUI thread, unless the ticket was
        cancelled or `owner` deleted by then."""
        ticket = Ticket(job, on_done, on_error, owner)
        with self._lock:
            self._pending = {t for t in self._pending if not t.done}
            self._pending.add(ticket)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._queue.put(ticket)
        return ticket

    def wait(self, ticket: Ticket, timeout_ms: int = 60_000) -> bool:
        """Run the event loop until the ticket is done; False if the timeout came first."""
        end = time.monotonic() + timeout_ms / 1000
        while not ticket.done:
            left = end - time.monotonic()
            if left <= 0:
                return False
            loop = QEventLoop()
            timer = QTimer()
            timer.setSingleShot(True)
            timer.timeout.connect(loop.quit)
            self._posted.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
            timer.start(int(min(left, 0.05) * 1000) + 1)
            loop.exec()
            self._posted.disconnect(loop.quit)
            timer.stop()
        return True

    @property
    def busy(self) -> bool:
        """Whether a job is queued, running, or waiting to be delivered."""
        with self._lock:
            return any(not t.done for t in self._pending)

    @property
    def thread(self) -> threading.Thread | None:
        """The worker's thread (None before the first job); a new one after `stop`."""
        return self._thread

    def stop(self, wait_s: float = 0.0) -> bool:
        """Cancel what is queued and end the thread after the job it runs; with `wait_s`, wait
        that long for it to end. True when no thread is left running."""
        with self._lock:
            for ticket in self._pending:
                ticket.cancel()
            self._pending.clear()
            thread = self._thread
            if thread is not None and thread.is_alive():
                self._queue.put(None)
        if thread is not None and wait_s > 0:
            thread.join(wait_s)
        return thread is None or not thread.is_alive()

    @Slot(object, object, object)
    def _deliver(self, ticket: Ticket, result: Any, error: BaseException | None) -> None:
        with self._lock:
            self._pending.discard(ticket)
        if ticket.cancelled or ticket.delivered:
            return
        ticket.delivered = True
        if ticket.owner is not None and not shiboken6.isValid(ticket.owner):
            return  # the screen that asked was closed meanwhile
        if error is None:
            ticket.on_done(result)
        elif isinstance(error, EXPECTED) and ticket.on_error is not None:
            ticket.on_error(error)
        else:
            raise error

    # -- the worker thread's side -------------------------------------------------------------
    def _run(self) -> None:
        while True:
            ticket = self._queue.get()
            if ticket is None:
                return
            if ticket.cancelled:
                continue
            result, error = None, None
            try:
                result = ticket.job()
            except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, see _deliver
                error = exc
            if not shiboken6.isValid(self):
                return  # the window went: nobody is left to take results
            if ticket.cancelled:
                continue
            try:
                self._posted.emit(ticket, result, error)
            except RuntimeError:  # the window (and this worker) was deleted meanwhile
                return
