"""Administration ▸ Backups: this database's backups with their check, Back up now, Restore…
(an administrator only, after a question), and the folder they are kept in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from .. import clock
from ..domain.accounts import Role
from ..settings import backups_dir
from ..storage import StorageError
from ..workflows import WorkflowError
from ..workflows.system import backups as wb
from .list_controller import current_row
from .operations import confirm


class BackupsController:
    """Wires the Backups list: Back up now, Restore…, Open folder."""

    def __init__(self, window: Any, page: Any) -> None:
        self.window = window
        self.page = page
        self.message: QMessageBox | None = None
        local = window.db.path is not None
        self.backup_button = page.add_action(
            "Back up now",
            self.back_up_now,
            tip="Copy the database into the backups folder now",
        )
        self.restore_button = page.add_action(
            "Restore…",
            self.restore_selected,
            tip="Replace the records by the selected backup (an administrator only)",
        )
        self.folder_button = page.add_action(
            "Open folder", self.open_folder, tip="Show the backups folder"
        )
        if not local:
            for button in (self.backup_button, self.restore_button, self.folder_button):
                button.setEnabled(False)
                button.setToolTip(
                    "A shared PostgreSQL database is backed up on its server (pg_dump)."
                )
        page.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        page.model.modelReset.connect(self.update_buttons)
        self.update_buttons()

    def _admin(self) -> bool:
        actor = self.window.actor
        return actor is not None and actor.role == Role.ADMINISTRATOR.value

    def selected_file(self) -> Path | None:
        """The backup file of the current row."""
        row = current_row(self.page)
        return None if row is None else backups_dir() / str(row["file"])

    def update_buttons(self) -> None:
        """Restore needs an administrator and a backup chosen; the reason is in the tip."""
        if self.window.db.path is None:
            return
        chosen = self.selected_file() is not None
        self.restore_button.setEnabled(self._admin() and chosen)
        self.restore_button.setToolTip(
            "Replace the records by the selected backup"
            if self._admin()
            else "Only an administrator may restore a backup."
        )

    def _tell(self, title: str, text: str, *, warning: bool = False) -> None:
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        self.message = QMessageBox(icon, title, text, parent=self.window)
        self.message.setObjectName("backupMessage")
        self.message.open()

    def back_up_now(self) -> Path | None:
        """Copy the database into the backups folder and show it at the top of the list."""
        try:
            made = wb.make_backup(self.window.db, backups_dir(), reason="manual")
        except (StorageError, OSError) as exc:
            self._tell("Backup not made", f"The backup could not be made: {exc}", warning=True)
            return None
        self.page.reload()
        self.window.statusBar().showMessage(f"Backup saved to {made}", 10_000)
        return made

    def restore_selected(self, *, ask: bool = True) -> bool:
        """Replace the records by the selected backup, after asking; every list and screen then
        shows the restored records."""
        backup = self.selected_file()
        if backup is None or not self._admin():
            return False
        index = self.page.table.currentIndex()
        made = self.page.model.row_values(index.row())[0]
        if ask and not confirm(
            self.window,
            "Restore a backup",
            f"Replace every record by the backup made {made} ({backup.name})? What was entered "
            "since then is kept only in a backup of the database as it is now, made first.",
            yes="Restore",
        ):
            return False
        if not self.window.close_screens():
            return False  # a screen with unsaved typing asked first; nothing was restored
        try:
            kept = wb.restore_backup(
                self.window.db,
                backup,
                folder=backups_dir(),
                actor=self.window.actor,
                now=clock.local_now(),
            )
        except (WorkflowError, StorageError, OSError) as exc:
            self._tell("Backup not restored", str(exc), warning=True)
            return False
        self.window.data_changed()
        if self.window.change_watcher is not None:
            self.window.change_watcher.restart()
        self._tell(
            "Backup restored",
            f"The records are now as they were when the backup was made ({made}). The database "
            f"as it was before the restore is kept as {kept.name}.",
        )
        return True

    def open_folder(self) -> None:
        """Show the backups folder in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(backups_dir())))


def setup_backups_page(window: Any, page: Any) -> None:
    """Add the Backups list's actions (called by the main window when it builds the page)."""
    page.backups_controller = BackupsController(window, page)
