"""Directory ▸ Cities and Bodies: the list pages' actions — New…, Edit…, Rename…, Merge into…,
Switch off and Switch on — and the Merge into… chooser."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout, QWidget

from ..domain.accounts import Role
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError
from ..workflows.directory import organisation_merge as om
from ..workflows.directory import organisations as org
from ..workflows.system.dates import utc_now
from .list_controller import ListController
from .modal_dialogs import ok_cancel_buttons, open_window_modal
from .operations import confirm, perform, read
from .organisation_form import OrganisationDialog, RenameDialog

EDITORS = frozenset({Role.ADMINISTRATOR.value, Role.SECRETARIAT.value})


class MergeDialog(QDialog):
    """Choose the organisation that takes everything of this one (same kind, switched on)."""

    def __init__(
        self, db: Database, *, kind: str, org_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(f"Merge {name} into…")
        word = org.KIND_WORDS[kind]
        intro = QLabel(
            f"Everything that refers to {name} — its people, applications and more — moves to "
            f"the {word} chosen here, and {name} is switched off. You are asked once more, "
            "with what will move."
        )
        intro.setWordWrap(True)
        self.target_combo = QComboBox(objectName="mergeTarget")
        for target_id, label in read(db, org.active_choices, kind):
            if target_id != org_id:
                self.target_combo.addItem(label, target_id)
        buttons, self.ok_button = ok_cancel_buttons(self, self.accept, "&Merge…")
        self.ok_button.setEnabled(self.target_combo.count() > 0)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        label = QLabel(f"&Into the {word}:")
        label.setBuddy(self.target_combo)
        layout.addWidget(label)
        layout.addWidget(self.target_combo)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.target_combo.setFocus()

    def target_id(self) -> int | None:
        """The organisation chosen to take everything."""
        return self.target_combo.currentData()


class OrganisationsController(ListController[OrganisationDialog]):
    """Wires a Cities or Bodies list: its rows open the organisation form."""

    sign_in_to = "change the directory"

    def __init__(self, window: Any, page: Any, kind: str) -> None:
        super().__init__(window, page)
        self.kind = kind
        word = org.KIND_WORDS[kind]
        self.rename_dialog: RenameDialog | None = None
        self.merge_dialog: MergeDialog | None = None
        self.new_button = page.add_action(
            f"New {'city' if kind == 'city' else 'body'}…",
            self.new_organisation,
            shortcut="Ctrl+N",
            tip=f"Add a {word} to the directory",
        )
        self.edit_button = page.add_action(
            "Edit…", self.edit_organisation, tip=f"Open the selected {word} (Enter)"
        )
        self.rename_button = page.add_action(
            "Rename…", self.rename, tip="New names from a day; the old ones are kept"
        )
        self.merge_button = page.add_action(
            "Merge into…", self.merge_into, tip=f"Move everything to another {word}"
        )
        self.off_button = page.add_action(
            "Switch off", self.switch_off, tip="Keep it for history but stop offering it"
        )
        self.on_button = page.add_action("Switch on", self.switch_on, tip="Offer it again")
        page.item_activated.connect(lambda _id: self.edit_organisation())
        self._follow_current_row()

    def update_buttons(self) -> None:
        """Enable what makes sense for the current row and the signed-in role."""
        row = self._row()
        actor = self.window.actor
        editor = actor is not None and actor.role in EDITORS
        self.new_button.setEnabled(editor)
        for button in (self.edit_button, self.rename_button):
            button.setEnabled(editor and row is not None)
        active = row is not None and bool(row["active"])
        self.merge_button.setEnabled(editor and row is not None)
        self.off_button.setEnabled(editor and active)
        self.on_button.setEnabled(editor and row is not None and not active)
        if not editor:
            self.new_button.setToolTip("Only the secretariat or an administrator may do this")

    def _open(self, org_id: int | None) -> OrganisationDialog | None:
        dialog = self._open_form(
            "organisation",
            lambda actor: OrganisationDialog(
                self.window.db,
                actor,
                kind=self.kind,
                org_id=org_id,
                today=self.window.today,
                parent=self.window,
            ),
        )
        if dialog is not None:
            dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        return dialog

    def new_organisation(self) -> OrganisationDialog | None:
        """Open an empty form (Ctrl+N)."""
        return self._open(None)

    def edit_organisation(self) -> OrganisationDialog | None:
        """Open the selected organisation's form (Enter or double-click)."""
        org_id = self.page.current_id()
        if org_id is None or not self.edit_button.isEnabled():
            return None
        return self._open(org_id)

    def _closed(self, dialog: OrganisationDialog) -> None:
        # A rename inside the form is saved even when the form itself is then cancelled.
        if dialog.saved_id is None and not dialog.renamed:
            return
        shown = dialog.saved_id or dialog.org_id
        self._after_change(f"Saved {dialog.short_edit.text().strip()}.", shown)

    def rename(self) -> RenameDialog | None:
        """Open Rename… for the selected organisation."""
        org_id, actor = self.page.current_id(), None
        if org_id is not None and self.rename_button.isEnabled():
            actor = self._actor()
        if actor is None or org_id is None:
            return None
        dialog = RenameDialog(
            self.window.db,
            actor,
            kind=self.kind,
            org_id=org_id,
            today=self.window.today,
            parent=self.window,
        )
        self.rename_dialog = dialog
        return open_window_modal(
            dialog,
            lambda: self._after_change("Renamed; the old names are kept in its history.", org_id),
        )

    def merge_into(self) -> MergeDialog | None:
        """Choose what the selected organisation merges into; then ask, naming what moves."""
        chosen = self._chosen() if self.merge_button.isEnabled() else None
        if chosen is None:
            return None
        org_id, row, actor = chosen
        name = str(row["short_name"])
        dialog = MergeDialog(
            self.window.db, kind=self.kind, org_id=org_id, name=name, parent=self.window
        )
        self.merge_dialog = dialog
        return open_window_modal(dialog, lambda: self.merge(org_id, dialog.target_id(), actor))

    def merge(self, org_id: int, into_id: int | None, actor: Actor) -> bool:
        """Ask once more, naming both and what moves, then merge."""
        if into_id is None:
            return False
        db = self.window.db
        try:
            question = read(
                db,
                om.merge_question,
                kind=self.kind,
                org_id=org_id,
                into_kind=self.kind,
                into_id=into_id,
            )
        except (WorkflowError, StorageError) as exc:
            self.window.show_error("Merge: not done", str(exc))
            return False
        if not confirm(self.window, "Merge organisations", question, yes="Merge"):
            return False
        ok, _moved = perform(
            self.window,
            db,
            lambda s: om.merge_organisations(
                s,
                kind=self.kind,
                org_id=org_id,
                into_kind=self.kind,
                into_id=into_id,
                actor=actor,
                now=utc_now(),
            ),
            title="Merge: not done",
        )
        if ok:
            self._after_change("Merged; the merged organisation is switched off.", into_id)
            self.window.changes_made()
        return ok

    def _switch(self, active: bool) -> bool:
        chosen = self._chosen()
        if chosen is None:
            return False
        org_id, row, actor = chosen
        name = row["short_name"]
        question = (
            f"Switch {name} on again? It is then offered again wherever an organisation is chosen."
            if active
            else f"Switch {name} off? It stays on every record that names it, with its "
            "history, but is no longer offered when people, applications, rounds or meetings "
            "choose an organisation."
        )
        yes = f"Switch {'on' if active else 'off'}"
        if not confirm(self.window, yes, question, yes=yes):
            return False
        ok, _ = perform(
            self.window,
            self.window.db,
            lambda s: org.set_organisation_active(
                s, kind=self.kind, org_id=org_id, active=active, actor=actor, now=utc_now()
            ),
            title=f"Switch {'on' if active else 'off'}: not done",
        )
        if ok:
            self._after_change(f"Switched {'on' if active else 'off'} {name}.", org_id)
        return ok

    def switch_off(self) -> bool:
        """Switch the selected organisation off, after asking."""
        return self._switch(False)

    def switch_on(self) -> bool:
        """Switch the selected organisation on again, after asking."""
        return self._switch(True)


def setup_cities_page(window: Any, page: Any) -> None:
    """Add the Cities list's actions (called by the main window when it builds the page)."""
    page.organisations_controller = OrganisationsController(window, page, "city")


def setup_bodies_page(window: Any, page: Any) -> None:
    """Add the Bodies list's actions (called by the main window when it builds the page)."""
    page.organisations_controller = OrganisationsController(window, page, "body")
