"""Windows and splitters remember where the user left them (issue 16, "a window that fits the
desk"): one watcher on the application restores each window's geometry and each splitter's
position when it is first shown, and keeps them when it is hidden or closed.

Only the program's own windows are remembered (classes defined under `usrg_desktop`), never
Qt's message boxes, file or print dialogs. The main window keeps its own geometry
(`MainWindow.save_settings`); its splitters are remembered here like any other. A list's
column widths, once the user sizes one by hand, are kept here too (`remember_widths`, used by
views/list_page_columns.py). The settings
are the ones the program was started with (the user's, or a scratch folder for the self-test
and the tests), so a test never writes the real user's settings.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from .window_size import available_size

_PREFIX = "remembered"
_SHOW = QEvent.Type.Show
_HIDE = QEvent.Type.Hide
_DONE = "_usrg_remembered"
_OWN_GEOMETRY = {"MainWindow"}


def _ours(widget: QWidget) -> bool:
    return type(widget).__module__.startswith("usrg_desktop.")


def window_key(window: QWidget) -> str:
    """Where a window's geometry is kept: by its kind (class and object name), so the next
    window of that kind opens where the last one was left."""
    name = type(window).__name__
    if window.objectName():
        name += "." + window.objectName()
    return f"{_PREFIX}/{name}"


def splitter_key(splitter: QSplitter) -> str | None:
    """Where a splitter's position is kept, or None for a splitter of a window not ours."""
    window = splitter.window()
    if window is None or not _ours(window):
        return None
    splitters = window.findChildren(QSplitter)
    label = splitter.objectName() or str(splitters.index(splitter))
    return f"{window_key(window)}/splitter-{label}"


class GeometryKeeper(QObject):
    """Restores and keeps window geometry and splitter positions in `store`."""

    def __init__(self, store: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """On a first Show, restore; on Hide, keep. Never consumes the event."""
        kind = event.type()
        if kind != _SHOW and kind != _HIDE:  # noqa: PLR1714 (two enum values, fastest path)
            return False
        if isinstance(watched, QSplitter):
            key = splitter_key(watched)
            if key is not None:
                if kind == _SHOW:
                    self._restore_splitter(watched, key)
                else:
                    self.store.setValue(key, watched.saveState())
        elif isinstance(watched, QWidget) and watched.isWindow() and _ours(watched):
            if type(watched).__name__ in _OWN_GEOMETRY:
                return False
            key = window_key(watched)
            if kind == _SHOW:
                self._restore_window(watched, key)
            elif watched.property(_DONE):
                self.store.setValue(key, watched.saveGeometry())
        return False

    def _restore_window(self, window: QWidget, key: str) -> None:
        if window.property(_DONE):
            return
        window.setProperty(_DONE, True)
        geometry = self.store.value(key)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
            # Left on a larger screen than this one: never bigger than the screen now.
            room_w, room_h = available_size(window)
            if window.width() > room_w or window.height() > room_h:
                window.resize(min(window.width(), room_w), min(window.height(), room_h))

    def _restore_splitter(self, splitter: QSplitter, key: str) -> None:
        if splitter.property(_DONE):
            return
        splitter.setProperty(_DONE, True)
        state = self.store.value(key)
        if isinstance(state, QByteArray) and not state.isEmpty():
            splitter.restoreState(state)


def remember_geometry(store: QSettings | None) -> GeometryKeeper | None:
    """Start remembering every window and splitter in `store` (nothing when it is None);
    returns the keeper (it lives as long as the application)."""
    app = QApplication.instance()
    if store is None or app is None:
        return None
    for child in app.findChildren(GeometryKeeper):
        app.removeEventFilter(child)
        child.deleteLater()
    keeper = GeometryKeeper(store, parent=app)
    app.installEventFilter(keeper)
    return keeper


def forget_geometry(keeper: GeometryKeeper | None) -> None:
    """Stop remembering (the program is ending, or a test is done): later windows of this
    process are neither restored from nor kept in that keeper's settings."""
    app = QApplication.instance()
    if keeper is None or app is None:
        return
    app.removeEventFilter(keeper)
    keeper.setParent(None)


def current_store() -> QSettings | None:
    """The settings the program remembers geometry in, or None (nothing is remembered: a
    test or a tool that did not ask for it)."""
    app = QApplication.instance()
    keepers = app.findChildren(GeometryKeeper) if app is not None else []
    return keepers[-1].store if keepers else None


def column_key(list_name: str) -> str:
    """Where a list's column widths are kept."""
    return f"{_PREFIX}/columns/{list_name}"


def remembered_widths(list_name: str, keys: list[str]) -> dict[str, int] | None:
    """The widths the user gave this list's columns by hand, when they are for these columns
    (a list whose columns changed since starts afresh); None when there are none."""
    store = current_store()
    if store is None:
        return None
    text = store.value(column_key(list_name))
    try:
        widths = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(widths, dict) or set(widths) != set(keys):
        return None
    if not all(isinstance(w, int) and w >= 0 for w in widths.values()):
        return None
    return widths


def remember_widths(list_name: str, widths: dict[str, int] | None) -> None:
    """Keep the widths the user gave a list's columns (None: forget them, fit again)."""
    store = current_store()
    if store is None:
        return
    if widths is None:
        store.remove(column_key(list_name))
    else:
        store.setValue(column_key(list_name), json.dumps(widths, sort_keys=True))
