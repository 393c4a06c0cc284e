"""Running one workflow from a screen: one unit of work, and a refusal shown as its sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from ..storage import Database, StorageError
from ..workflows import WorkflowError

T = TypeVar("T")


class Refused(Exception):
    """Raised by `perform(..., quiet=True)` instead of showing a box (for forms and tests)."""


def perform(
    parent: QWidget | None,
    db: Database,
    action: Callable[..., T],
    /,
    *args: Any,
    title: str = "Not done",
    quiet: bool = False,
    **kwargs: Any,
) -> tuple[bool, T | None]:
    """Run `action(session, *args, **kwargs)` in one unit of work.

    Returns (True, result) when it committed; PostgreSQL's contention is retried a few times.
    A WorkflowError or StorageError rolls the unit of work back (nothing changed) and is shown
    to the user as its sentence in a warning box; then (False, None) is returned. With
    quiet=True the box is not shown and `Refused` carries the sentence instead, for screens
    that show it next to a field.
    """
    try:
        # A unit of work PostgreSQL rolled back for contention runs again, from the start.
        return True, db.retrying(lambda session: action(session, *args, **kwargs))
    except (WorkflowError, StorageError) as exc:
        if quiet:
            raise Refused(str(exc)) from exc
        box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), parent=parent)
        box.setObjectName("refusal")
        box.open() if parent is not None else box.exec()
        last_refusal[0] = box
        return False, None


def read(db: Database, query: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run the read-only `query(session, *args, **kwargs)` in a reading session (it never
    waits behind another workstation's write) and return its plain result."""
    with db.reading() as session:
        return query(session, *args, **kwargs)


# The last refusal box, so tests can read and close it without searching for top-level widgets.
last_refusal: list[QMessageBox | None] = [None]


def confirm(parent: QWidget | None, title: str, question: str, *, yes: str = "Yes") -> bool:
    """Ask before a destructive or irreversible action; the default answer is No."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
