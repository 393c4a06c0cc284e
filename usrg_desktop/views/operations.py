"""Running one workflow from a screen: one unit of work, and a refusal shown as its sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..storage import Database, StorageError
from ..workflows import EditConflict, FieldErrors, WorkflowError

T = TypeVar("T")


class _Announcer(QObject):
    """Says that work just committed changes: the main window asks the audit log which records
    they were and reloads the lists that show them (changes are announced, not guessed)."""

    made = Signal()


# The one announcer: `perform` and `progress.run_with_progress` emit `made` after committing.
announcer = _Announcer()


class Refused(Exception):
    """Raised by `perform(..., quiet=True)` instead of showing a box (for forms and tests).

    `str(refused)` is the sentence; `errors` the field errors of a refused form (field name to
    sentence, empty when the refusal was not about fields); `conflict` the EditConflict when
    the form was saved over someone else's newer save (None otherwise); `refusal` the
    workflow's or storage's own exception. A screen reads these, never `__cause__`.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, str] | None = None,
        conflict: EditConflict | None = None,
        refusal: WorkflowError | StorageError | None = None,
    ) -> None:
        super().__init__(message)
        self.errors: dict[str, str] = dict(errors or {})
        self.conflict = conflict
        self.refusal = refusal

    @classmethod
    def of(cls, exc: WorkflowError | StorageError) -> Refused:
        """The refusal a screen sees for this workflow or storage refusal."""
        return cls(
            str(exc),
            errors=exc.errors if isinstance(exc, FieldErrors) else None,
            conflict=exc if isinstance(exc, EditConflict) else None,
            refusal=exc,
        )

    def field_errors(self, fallback_field: str | None = None) -> dict[str, str]:
        """The field errors, or, for a refusal not about fields, the sentence under
        `fallback_field` (nothing when it is None)."""
        if self.errors or fallback_field is None:
            return dict(self.errors)
        return {fallback_field: str(self)}


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
        result = db.retrying(lambda session: action(session, *args, **kwargs))
    except (WorkflowError, StorageError) as exc:
        if quiet:
            raise Refused.of(exc) from exc
        box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), parent=parent)
        box.setObjectName("refusal")
        box.open() if parent is not None else box.exec()
        last_refusal[0] = box
        return False, None
    announcer.made.emit()
    return True, result


def perform_showing(
    error: QLabel,
    parent: QWidget | None,
    db: Database,
    action: Callable[..., Any],
    /,
    **kwargs: Any,
) -> bool:
    """Save a small form: run the action quietly, put a refusal's sentence in the form's `error`
    label (or clear it), and say whether it was saved. The settings panels (letterhead,
    signatory, award dates) save this way."""
    try:
        perform(parent, db, action, quiet=True, **kwargs)
    except Refused as refused:
        error.setText(str(refused))
        error.setVisible(True)
        return False
    error.setText("")
    error.setVisible(False)
    return True


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
