"""The Rounds list's actions (new, edit, next status), the round form, and the applications import.

The form shows each refused field's sentence in red right under the field; a refused form saves
nothing. The import dialog runs a dry run first and lists every bad row; its Import button is
enabled only when the whole sheet is good.
"""

from __future__ import annotations

from typing import Any

from ..workflows.grants import rounds
from ..workflows.system.dates import utc_now
from .applications_import_view import ImportDialog, import_applications
from .list_controller import ListController
from .operations import confirm, perform
from .round_dialog import RoundDialog

__all__ = [
    "ImportDialog",
    "RoundDialog",
    "RoundsController",
    "import_applications",
    "setup_rounds_page",
]


# -- the Rounds list ------------------------------------------------------------------------------
class RoundsController(ListController[RoundDialog]):
    """Wires the Rounds list's buttons: New round…, Edit…, and the current round's next move."""

    sign_in_to = "change rounds"

    def __init__(self, window: Any, page: Any) -> None:
        super().__init__(window, page)
        self.new_button = page.add_action(
            "New round…", self.new_round, shortcut="Ctrl+N", tip="Set up a new funding round"
        )
        self.edit_button = page.add_action(
            "Edit…", self.edit_round, shortcut="Ctrl+Return", tip="Edit the selected round"
        )
        self.move_button = page.add_action(
            "Next step", self.move_round, tip="Move the selected round to its next status"
        )
        self.move_button.setObjectName("action_MoveRound")
        page.item_activated.connect(lambda _id: self.edit_round())
        self._follow_current_row()

    def current_status(self) -> str | None:
        """The status of the round in the current row."""
        row = self._row()
        return None if row is None else row["status"]

    def update_buttons(self) -> None:
        """Enable Edit and name the next move after the current round's status."""
        status = self.current_status()
        self.edit_button.setEnabled(status is not None)
        moves = rounds.next_moves(status) if status else []
        if moves:
            self.move_button.setText(moves[0].label + "…")
            self.move_button.setEnabled(True)
            self.move_button.setToolTip(f"Move the round from {status} to {moves[0].target.value}")
        else:
            self.move_button.setText("Next step")
            self.move_button.setEnabled(False)
            self.move_button.setToolTip(
                "Select a round" if status is None else f"An {status} round has no next step"
            )

    def _open_dialog(self, round_id: int | None) -> RoundDialog | None:
        return self._open_form(
            "round",
            lambda actor: RoundDialog(
                self.window.db,
                actor,
                round_id=round_id,
                today=self.window.today,
                parent=self.window,
            ),
            self._saved,
        )

    def new_round(self) -> RoundDialog | None:
        """Open the form for a new round (Ctrl+N)."""
        return self._open_dialog(None)

    def edit_round(self) -> RoundDialog | None:
        """Open the form of the selected round."""
        round_id = self.page.current_id()
        if round_id is None:
            return None
        return self._open_dialog(round_id)

    def _saved(self, dialog: RoundDialog) -> None:
        self._after_change(f"Saved the round '{dialog.name_edit.text()}'.", dialog.saved_id)

    def move_round(self) -> bool:
        """Move the selected round to its next status, after asking."""
        round_id, status = self.page.current_id(), self.current_status()
        moves = rounds.next_moves(status) if status else []
        if round_id is None or not moves:
            return False
        actor = self._actor()
        if actor is None:
            return False
        move = moves[0]
        name = self.page.model.row_values(self.page.table.currentIndex().row())[0]
        if not confirm(
            self.window,
            move.label,
            f"Move the round '{name}' from {status} to {move.target.value}? "
            "This cannot be undone here.",
            yes=move.label,
        ):
            return False
        ok, _status = perform(
            self.window,
            self.window.db,
            lambda s: rounds.MOVE_FUNCTIONS[move.action](
                s, round_id=round_id, actor=actor, now=utc_now()
            ),
            title=f"{move.label}: not done",
        )
        if ok:
            self._after_change(f"The round '{name}' is now {move.target}.", round_id)
        else:
            self.update_buttons()
        return ok


def setup_rounds_page(window: Any, page: Any) -> None:
    """Add the Rounds list's actions (called by the main window when it builds the page)."""
    page.rounds_controller = RoundsController(window, page)
