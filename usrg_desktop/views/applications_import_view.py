"""File ▸ Import applications…: choose a CSV or XLSX sheet, check it whole (a dry run that lists
every problem by row and column), then import it in one transaction, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..workflows import Actor
from ..workflows.system.dates import utc_now
from .modal_dialogs import open_window_modal
from .operations import Refused, perform
from .progress import run_with_progress


# -- import ---------------------------------------------------------------------------------------
class ImportDialog(QDialog):
    """Check a sheet of applications (dry run), list each bad row, and import it when all good."""

    def __init__(self, window: Any, path: str | Path, actor: Actor) -> None:
        super().__init__(window)
        self.setObjectName("importDialog")
        self.window_ = window
        self.path = Path(path)
        self.actor = actor
        self.imported = False
        self.setWindowTitle(f"Import applications — {self.path.name}")
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.problems_table = QTableWidget(0, 2)
        self.problems_table.setObjectName("importProblems")
        self.problems_table.setHorizontalHeaderLabels(["Row", "Problem"])
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.setWordWrap(True)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importButton")
        self.recheck_button = self.buttons.addButton(
            "Check again", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.recheck_button.setToolTip("Read the file again after correcting it (F5)")
        self.recheck_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.clicked.connect(self._on_import)
        self.recheck_button.clicked.connect(self.check)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"File: {self.path}"))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problems_table, 1)
        layout.addWidget(self.buttons)
        self.resize(760, 440)
        self.check()

    def check(self) -> None:
        """Run the dry run and show what it found; Import is enabled only for a good sheet."""
        self.problems_table.setRowCount(0)
        self.import_button.setEnabled(False)
        try:
            _ok, report = perform(
                self,
                self.window_.db,
                lambda s: _import(s, self.path, self.actor, dry_run=True),
                quiet=True,
            )
        except Refused as exc:
            self.summary_label.setText(str(exc))
            self.problems_table.hide()
            return
        assert report is not None
        self.summary_label.setText(report.summary())
        self.problems_table.setVisible(bool(report.problems))
        self.problems_table.setRowCount(len(report.problems))
        for n, problem in enumerate(report.problems):
            number = QTableWidgetItem(str(problem.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.problems_table.setItem(n, 0, number)
            self.problems_table.setItem(n, 1, QTableWidgetItem(problem.reason))
        self.problems_table.resizeRowsToContents()
        self.import_button.setEnabled(report.ok and not self.imported)

    def problems(self) -> list[tuple[int, str]]:
        """The rows listed as bad, as (row number, reason)."""
        return [
            (int(self.problems_table.item(n, 0).text()), self.problems_table.item(n, 1).text())
            for n in range(self.problems_table.rowCount())
        ]

    def _on_import(self) -> None:
        from ..workflows.grants.application_import import import_steps

        db, path, actor = self.window_.db, self.path, self.actor
        outcome = run_with_progress(
            self,
            f"Importing {path.name}",
            lambda: import_steps(db, path, actor=actor, now=utc_now()),
        )
        if outcome.cancelled:
            self.summary_label.setText(f"{path.name}: import cancelled; nothing was imported.")
            return
        if outcome.error is not None:
            self.check()  # the file may have changed since the check: show what it finds now
            self.summary_label.setText(outcome.error)
            return
        report = outcome.result
        self.imported = True
        self.import_button.setEnabled(False)
        self.summary_label.setText(report.summary())
        self.window_.changes_made()
        self.window_.statusBar().showMessage(report.summary(), 10_000)


def _import(session: Any, path: Path, actor: Actor, *, dry_run: bool) -> Any:
    from ..workflows.grants.application_import import import_applications

    return import_applications(session, path, actor=actor, now=utc_now(), dry_run=dry_run)


def import_applications(window: Any, path: str | Path | None = None) -> ImportDialog | None:
    """File ▸ Import applications…: choose a CSV/XLSX sheet, check it, then import it whole."""
    actor = window.actor
    if actor is None:
        window.show_error("Nobody is signed in", "Sign in to import applications.")
        return None
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            window,
            "Import applications",
            "",
            "Sheets (*.csv *.xlsx);;CSV (*.csv);;Excel workbook (*.xlsx)",
        )
        if not chosen:
            return None
        path = chosen
    dialog = ImportDialog(window, path, actor)
    window.import_dialog = dialog
    return open_window_modal(dialog)
