"""Unsaved changes: the one way every editor keeps what was typed.

An editor is any widget with `has_unsaved_changes() -> bool` and `save() -> bool` (True when
saved; a refusal is shown in its own place and returns False), and optionally
`unsaved_what() -> str` naming what is unsaved ("the details (venue, times, exposure visit)")
and `discard_changes()` for an editor that would otherwise save by itself as it goes away.

`UnsavedGuard` watches a window: closing it (the title bar's ×, Escape, Ctrl+W, Close, the
program's Quit) with an editor holding unsaved changes does not close it but asks
Save / Discard / Cancel. Save saves every editor that has changes and closes only if all were
saved; Discard closes without saving; Cancel (and Escape) goes back to the typing. The same
question guards switching to another record inside a window: `guard.attempt(go_on)`.

The question is a window-modal box opened without a nested event loop (`QMessageBox.open`),
so a close that waits for the answer never blocks the program or a test's teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)


class Editor(Protocol):
    """What the guard needs from an editor."""

    def has_unsaved_changes(self) -> bool:
        """Whether anything typed has not been saved."""
        ...

    def save(self) -> bool:
        """Save; True when saved (a refusal is shown by the editor itself)."""
        ...


def unsaved_editors(editors: Iterable[Any]) -> list[Any]:
    """The editors among `editors` that hold unsaved changes."""
    return [e for e in editors if e is not None and e.has_unsaved_changes()]


def describe(editors: Sequence[Any]) -> str:
    """What is unsaved, in words: each editor's `unsaved_what()`, joined."""
    parts = [getattr(e, "unsaved_what", lambda: "")() for e in editors]
    parts = [p for p in parts if p]
    if not parts:
        return "what you typed"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


class UnsavedGuard(QObject):
    """Asks Save / Discard / Cancel before `window` closes or moves on with unsaved changes.

    `editors` is called each time to list the window's editors (tabs built later count too);
    `title` names the record for the question ("Meeting 12").
    """

    # True when the user went on (saved or discarded), False when they went back (Cancel, or
    # a save that was refused).
    answered = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        editors: Callable[[], Iterable[Any]],
        title: Callable[[], str] | str,
    ) -> None:
        super().__init__(window)
        self.setObjectName("unsavedGuard")
        self.window_ = window
        self._editors = editors
        self._title = title
        self._closing_allowed = False
        self.box: QMessageBox | None = None
        window.installEventFilter(self)

    # -- what is unsaved ------------------------------------------------------------------------
    def dirty(self) -> list[Any]:
        """The window's editors that hold unsaved changes now."""
        return unsaved_editors(self._editors())

    def title(self) -> str:
        """The record the window shows, for the question's title."""
        return self._title() if callable(self._title) else self._title

    # -- asking ---------------------------------------------------------------------------------
    def attempt(self, go_on: Callable[[], Any], *, action: str = "closing") -> bool:
        """Run `go_on` now if nothing is unsaved (returns True); otherwise ask, and run it
        after Save (when every editor saved) or Discard (returns False: not yet)."""
        dirty = [] if self._closing_allowed else self.dirty()
        if not dirty:
            go_on()
            return True
        if self.box is not None and self.box.isVisible():
            self.box.raise_()
            return False
        box = QMessageBox(self.window_)
        box.setObjectName("unsavedChanges")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(f"{self.title()}: not saved")
        what = describe(dirty)
        box.setText(f"Not saved yet: {what}.")
        box.setInformativeText(f"Save before {action}, discard what was typed, or go back to it?")
        save = box.addButton("&Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)

        def finished() -> None:
            clicked = box.clickedButton()
            self.box = None
            if clicked is save:
                # Each editor shows its own refusal; the window stays on the first that failed.
                if not all(_saved(editor) for editor in dirty):
                    self.answered.emit(False)
                    return
            elif clicked is discard:
                for editor in dirty:
                    drop = getattr(editor, "discard_changes", None)
                    if callable(drop):
                        drop()
            else:
                self.answered.emit(False)
                return
            go_on()
            self.answered.emit(True)

        box.finished.connect(lambda _result: finished())
        self.box = box
        box.open()
        return False

    def close_window(self) -> None:
        """Close the window without asking again (after Save or Discard)."""
        self._closing_allowed = True
        try:
            self.window_.close()  # a dialog's close goes through its reject(), let through too
        finally:
            self._closing_allowed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Hold a Close of the watched window while something is unsaved, and ask."""
        if (
            watched is self.window_
            and event.type() == QEvent.Type.Close
            and not self._closing_allowed
            and self.dirty()
        ):
            event.ignore()
            self.attempt(self.close_window)
            return True
        return False


def _saved(editor: Any) -> bool:
    """Save one editor; a save that returns nothing counts as done when nothing is left unsaved
    (or its window has closed, as a dialog's OK does)."""
    result = editor.save()
    if result is None:
        window = editor.window() if isinstance(editor, QWidget) else None
        return (window is not None and not window.isVisible()) or not editor.has_unsaved_changes()
    return bool(result)


def form_state(root: QWidget) -> tuple[Any, ...]:
    """Everything that can be typed or chosen under `root`, in a comparable tuple: what a form
    holds, to tell whether it changed since it was opened."""
    values: list[Any] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            if not widget.isReadOnly() and not isinstance(
                widget.parent(), QAbstractSpinBox | QComboBox
            ):
                values.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            if not widget.isReadOnly():
                values.append(widget.toPlainText())
        elif isinstance(widget, QDateTimeEdit):
            values.append(widget.dateTime().toString("yyyy-MM-dd HH:mm"))
        elif isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QComboBox):
            values.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(widget.isChecked())
        elif isinstance(widget, QTableWidget):
            values.append(
                tuple(
                    (item.text(), int(item.checkState().value)) if item is not None else None
                    for r in range(widget.rowCount())
                    for c in range(widget.columnCount())
                    for item in (widget.item(r, c),)
                )
            )
    return tuple(values)


class GuardedDialog(QDialog):
    """A dialog that asks Save / Discard / Cancel before Cancel, Escape or × drop its typing.

    Subclasses call `self.guard_unsaved(title)` in their `__init__`. By default what the
    dialog holds when first shown is remembered (`form_state`), a change from it is unsaved,
    and Save presses the dialog's own OK button; a subclass may provide `has_unsaved_changes()`,
    `save()` and `unsaved_what()` of its own."""

    guard: UnsavedGuard | None = None
    _opened_state: tuple[Any, ...] | None = None

    def guard_unsaved(self, title: Callable[[], str] | str) -> UnsavedGuard:
        """Start asking before unsaved changes are dropped."""
        self.guard = UnsavedGuard(self, lambda: [self], title)
        return self.guard

    def showEvent(self, event: Any) -> None:  # noqa: N802
        """Remember what the form holds as it first shows (its fields are filled by then)."""
        super().showEvent(event)
        if self._opened_state is None:
            self._opened_state = form_state(self)

    def has_unsaved_changes(self) -> bool:
        """Whether anything was typed or chosen since the dialog showed."""
        return self._opened_state is not None and form_state(self) != self._opened_state

    def unsaved_what(self) -> str:
        """What is unsaved, for the question (the dialog's title)."""
        title = self.windowTitle()
        return f"“{title}”" if title else "what you typed"

    def save(self) -> bool:
        """Press the dialog's OK (accept) button; True when the dialog was accepted."""
        for box in self.findChildren(QDialogButtonBox):
            for button in box.buttons():
                if box.buttonRole(button) == QDialogButtonBox.ButtonRole.AcceptRole:
                    button.click()
                    return self.result() == QDialog.DialogCode.Accepted
        return False

    def reject(self) -> None:
        """Cancel, Escape or ×: ask first when something typed is not saved."""
        if self.guard is None:
            super().reject()
            return
        self.guard.attempt(self._drop)

    def _drop(self) -> None:
        # After Save the dialog may have closed itself (accepted): nothing left to drop.
        if self.isVisible():
            QDialog.reject(self)


def guard_of(window: QWidget) -> UnsavedGuard | None:
    """The guard watching `window`, if it has one."""
    return window.findChild(UnsavedGuard, "unsavedGuard")


def install_guard(
    window: QWidget, editors: Callable[[], Iterable[Any]], title: Callable[[], str] | str
) -> UnsavedGuard:
    """Watch `window`: closing it with unsaved changes asks first (see the module's text)."""
    return UnsavedGuard(window, editors, title)
