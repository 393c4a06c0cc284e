"""Seeing other workstations' changes: poll the change counter while idle, tell the window.

One indexed query every couple of seconds (workflows/system/changes.py) finds whether anything was
committed since the last look, on SQLite (another program on the same file) and PostgreSQL
(another workstation) alike. The window reloads the lists and open screens that show the
changed records; a screen with unsaved edits is not reloaded under the user but told that
its record changed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ..storage import Database, StorageError
from ..workflows.system.changes import Change, changes_since, latest_change_id

POLL_INTERVAL_MS = 2000


class ChangeWatcher(QObject):
    """Emits `changed` with the changes committed elsewhere since it last looked."""

    changed = Signal(list)  # list[Change]

    def __init__(
        self,
        db: Database,
        *,
        own_user_id: int | None,
        interval_ms: int = POLL_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.own_user_id = own_user_id
        self.seen = self._latest()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Start looking every interval."""
        self.timer.start()

    def restart(self) -> None:
        """Look from the database's latest change on (after a restore replaced the records)."""
        self.seen = self._latest()

    def _latest(self) -> int:
        try:
            return latest_change_id(self.db)
        except StorageError:
            return 0

    def poll(self) -> list[Change]:
        """Look now: emit and return what was committed since the last look."""
        try:
            if latest_change_id(self.db) <= self.seen:
                return []
            news = changes_since(self.db, self.seen)
        except StorageError:
            return []  # the database is away for a moment; look again next time
        if not news:
            return []
        self.seen = news[-1].event_id
        self.changed.emit(news)
        return news

    def own_changes_made(self) -> None:
        """This window has just changed data and refreshed what it shows: skip its own events,
        but still report any other workstation's committed in the meantime."""
        try:
            news = changes_since(self.db, self.seen)
        except StorageError:
            return
        if not news:
            return
        self.seen = news[-1].event_id
        others = [c for c in news if c.actor_user_id != self.own_user_id]
        if others:
            self.changed.emit(others)
