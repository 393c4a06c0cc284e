"""Window sizes that fit the screen they open on (a 1366×768 laptop as well as a large screen),
and the keys every secondary window shares."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QWidget

# The smallest screen the program is laid out for; a window's first size never exceeds it.
LAPTOP = (1366, 768)
# Room left for the title bar, the task bar and the window frame.
_FRAME = (16, 72)


def available_size(widget: QWidget | None = None) -> tuple[int, int]:
    """The width and height a window can take on the screen it opens on (at most 1366×768
    less the frame when no screen is known, as offscreen)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        return LAPTOP[0] - _FRAME[0], LAPTOP[1] - _FRAME[1]
    area = screen.availableGeometry()
    return area.width() - _FRAME[0], area.height() - _FRAME[1]


def fit_on_screen(widget: QWidget, width: int, height: int, *, grow: float = 0.0) -> None:
    """Give a window the size it wants, or as much as the screen has, and never more than
    fits a 1366×768 laptop's working area on a smaller or unknown screen.

    `grow` (0 to 1) lets a window of lists use a larger screen: it takes at least that share
    of the screen's room (a form keeps the size it wants: 0).
    """
    room_w, room_h = available_size(widget)
    room_w = max(room_w, 0) or LAPTOP[0] - _FRAME[0]
    room_h = max(room_h, 0) or LAPTOP[1] - _FRAME[1]
    width = max(width, int(room_w * grow))
    height = max(height, int(room_h * grow))
    widget.resize(min(width, room_w), min(height, room_h))


def close_keys(widget: QWidget) -> None:
    """Escape and Ctrl+W close a secondary window (its unsaved-changes guard still asks).

    A key the window already binds is left alone: two shortcuts on one key would both be
    ambiguous, and neither would work."""
    shortcuts = widget.findChildren(QShortcut)
    bound = {k.toString() for s in shortcuts for k in s.keys()}  # noqa: SIM118 (not a dict)
    for action in widget.actions():
        bound.update(k.toString() for k in action.shortcuts())
    for keys in ("Esc", "Ctrl+W"):
        sequence = QKeySequence(keys)
        if sequence.toString() not in bound:
            QShortcut(sequence, widget, widget.close)


class _EditableTableExit(QObject):
    """In a table one types into, Tab keeps moving from cell to cell (as in a spreadsheet),
    but it never traps the keyboard: Tab on the last cell and Shift+Tab on the first go on to
    the next or previous control, and Ctrl+Tab / Ctrl+Shift+Tab leave from any cell."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QAbstractItemView):
            return False
        assert isinstance(event, QKeyEvent)
        key, modifiers = event.key(), event.modifiers()
        if key not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            return False
        backwards = key == Qt.Key.Key_Backtab or bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        leave = bool(modifiers & Qt.KeyboardModifier.ControlModifier) or _at_edge(
            watched, last=not backwards
        )
        if not leave:
            return False
        target = _next_in_chain(watched, forward=not backwards)
        if target is not None:
            target.setFocus(
                Qt.FocusReason.BacktabFocusReason if backwards else Qt.FocusReason.TabFocusReason
            )
        return True


def _at_edge(view: QAbstractItemView, *, last: bool) -> bool:
    """Whether the current cell is the table's last (or first) one, or there is none."""
    model, current = view.model(), view.currentIndex()
    if model is None or not current.isValid():
        return True
    rows, columns = model.rowCount(current.parent()), model.columnCount(current.parent())
    if last:
        return current.row() >= rows - 1 and current.column() >= columns - 1
    return current.row() <= 0 and current.column() <= 0


def _next_in_chain(widget: QWidget, *, forward: bool) -> QWidget | None:
    """The next (or previous) control in the window's Tab chain that takes Tab focus, skipping
    the table's own children (its editors and scroll bars)."""
    step = widget
    for _ in range(500):
        step = step.nextInFocusChain() if forward else step.previousInFocusChain()
        if step is None or step is widget:
            return None
        if widget.isAncestorOf(step):
            continue
        if (
            step.isVisible()
            and step.isEnabled()
            and step.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        ):
            return step
    return None


_EXIT = _EditableTableExit()


def tab_leaves_tables(root: QWidget) -> None:
    """Tab moves on from every read-only table or tree under `root` (to the next control)
    instead of from cell to cell, where it would stay; the arrows still move inside. In a
    table one types into, Tab still moves between cells but leaves at the last one, and
    Ctrl+Tab leaves from any cell."""
    for view in root.findChildren(QAbstractItemView):
        if view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            view.setTabKeyNavigation(False)
        elif view.tabKeyNavigation():
            view.removeEventFilter(_EXIT)
            view.installEventFilter(_EXIT)
