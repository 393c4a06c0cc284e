"""What the controllers of the lists share: the signed-in actor, the current row, opening a form
over the window and saying what was done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QDialog

from ..storage import StorageError
from ..workflows import Actor, WorkflowError
from .modal_dialogs import open_window_modal

D = TypeVar("D", bound=QDialog)


def current_row(page: Any) -> dict[str, Any] | None:
    """The current row of a list page as a dict of its model's column keys (None if none)."""
    index = page.table.currentIndex()
    if not index.isValid():
        return None
    keys = [c.key for c in page.model.columns]
    return dict(zip(keys, page.model.row_values(index.row()), strict=True))


class ListController(Generic[D]):
    """The base of a list's controller: `window` and `page`, and the form it opened (`dialog`).

    `sign_in_to` ends the sentence shown when nobody is signed in ("Sign in to …").
    """

    sign_in_to = "make changes"

    def __init__(self, window: Any, page: Any) -> None:
        self.window = window
        self.page = page
        self.dialog: D | None = None

    def update_buttons(self) -> None:
        """Enable what makes sense for the current row (each list says what)."""

    def _follow_current_row(self) -> None:
        """Update the buttons whenever the current row or the rows change, and now."""
        self.page.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        self.page.model.modelReset.connect(self.update_buttons)
        self.page.model.layoutChanged.connect(self.update_buttons)
        self.update_buttons()

    def _actor(self) -> Actor | None:
        """The signed-in actor; None, after saying so, when nobody is signed in."""
        actor = self.window.actor
        if actor is None:
            self.window.show_error("Nobody is signed in", f"Sign in to {self.sign_in_to}.")
        return actor

    def _row(self) -> dict[str, Any] | None:
        return current_row(self.page)

    def _chosen(self) -> tuple[int, dict[str, Any], Actor] | None:
        """The current row's id and values with the signed-in actor; None when no row is
        chosen, or nobody is signed in (which is said)."""
        row_id, row = self.page.current_id(), self._row()
        actor = self._actor() if row_id is not None else None
        if actor is None or row is None or row_id is None:
            return None
        return row_id, row, actor

    def _open_form(
        self,
        what: str,
        make: Callable[[Actor], D],
        on_accepted: Callable[[D], None] | None = None,
    ) -> D | None:
        """Make a form for the signed-in actor and open it window-modal, kept as `dialog`.

        A refusal or a database problem while reading it is shown as "The `what` could not be
        opened"; `on_accepted` gets the form when it is saved.
        """
        actor = self._actor()
        if actor is None:
            return None
        try:
            dialog = make(actor)
        except (WorkflowError, StorageError) as exc:
            self.window.show_error(f"The {what} could not be opened", str(exc))
            return None
        self.dialog = dialog
        if on_accepted is None:
            return open_window_modal(dialog)
        return open_window_modal(dialog, lambda: on_accepted(dialog))

    def _after_change(self, message: str, row_id: int | None = None) -> None:
        """Reload what changed, select `row_id` (if any), say `message` and update the buttons."""
        self.window.changes_made()
        if row_id is not None:
            self.page.select_id(row_id)
        self.window.statusBar().showMessage(message, 8000)
        self.update_buttons()
