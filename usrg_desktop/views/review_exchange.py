"""The secretariat's side of offline reviewing: File → Export review packets… and Import scores….

Both run their workflow's generator behind a progress dialog with Cancel
(views/progress.py); the dialogs hold only ids, paths and plain rows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..counting import counted
from ..storage import Database
from ..workflows import Actor, Column
from ..workflows.reviews.review_packets import (
    ExportedPacket,
    export_packets,
    exportable_rounds,
    reviewers_with_work,
    why_rounds_are_not_offered,
)
from ..workflows.reviews.scores_file import REJECTED, SCORES_SUFFIX, ImportReport, import_many
from .modal_dialogs import ok_cancel_buttons
from .progress import Outcome, run_with_progress
from .round_choice import start_on_default_round

if TYPE_CHECKING:
    from .main_window import MainWindow

REPORT_COLUMNS = [Column("file", "File"), Column("outcome", "Outcome"), Column("why", "Why")]


def _utc_now() -> datetime:
    return clock.utc_now()


# -- export ----------------------------------------------------------------------------------------
class ExportPacketsDialog(QDialog):
    """Choose the round, all reviewers or one, and the folder; then write the packets."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.written: list[ExportedPacket] = []
        self.setObjectName("exportPacketsDialog")
        self.setWindowTitle("Export review packets")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.round_box = QComboBox()
        self.round_box.setObjectName("roundBox")
        for round_id, name, status in exportable_rounds(db):
            self.round_box.addItem(f"{name} ({status})", round_id)
        start_on_default_round(self.round_box, db)
        self.round_box.currentIndexChanged.connect(self._fill_reviewers)
        self.reviewer_box = QComboBox()
        self.reviewer_box.setObjectName("reviewerBox")
        folder_row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setObjectName("folder")
        self.folder.setPlaceholderText("Folder for the packet files")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.folder_error = QLabel()
        self.folder_error.setObjectName("folderError")
        self.folder_error.setStyleSheet("color: #b00020")
        self.folder_error.hide()
        round_label = QLabel("&Round:")
        round_label.setBuddy(self.round_box)
        reviewer_label = QLabel("Re&viewers:")
        reviewer_label.setBuddy(self.reviewer_box)
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder)
        for label in (round_label, reviewer_label, folder_label):
            label.setMinimumWidth(label.sizeHint().width())
        form.addRow(round_label, self.round_box)
        form.addRow(reviewer_label, self.reviewer_box)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.folder_error)
        layout.addLayout(form)
        self.note = QLabel(
            "Each reviewer gets one file with only their applications, the rubric and the key "
            "that signs their scores file. Send each file to its reviewer only."
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.not_offered = QLabel(why_rounds_are_not_offered(db))
        self.not_offered.setObjectName("roundsNotOffered")
        self.not_offered.setWordWrap(True)
        self.not_offered.setVisible(bool(self.not_offered.text()))
        layout.addWidget(self.not_offered)
        self.buttons, self.export_button = ok_cancel_buttons(self, self.export, "&Export")
        self.export_button.setObjectName("exportButton")
        layout.addWidget(self.buttons)
        self._fill_reviewers()
        if self.round_box.count() == 0:
            self.export_button.setEnabled(False)
            self.note.setText(
                "No round is ready for review packets: a round's packets can be exported once "
                "its call has closed, until its review closes."
            )

    def _fill_reviewers(self) -> None:
        self.reviewer_box.clear()
        round_id = self.round_box.currentData()
        if round_id is None:
            return
        reviewers = reviewers_with_work(self.db, round_id)
        self.reviewer_box.addItem(f"All {len(reviewers)} reviewers with applications", None)
        for email, name, count in reviewers:
            self.reviewer_box.addItem(f"{name} <{email}>, {counted(count, 'application')}", email)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the packets", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def export(self) -> None:
        """Check the folder, then write the packets behind a progress dialog."""
        text = self.folder.text().strip()
        problem = ""
        if not text:
            problem = "Choose the folder the packets go to."
        elif Path(text).exists() and not Path(text).is_dir():
            problem = f"{text} is a file, not a folder."
        if problem:
            self.folder_error.setText(problem)
            self.folder_error.show()
            self.folder.setFocus()
            return
        self.folder_error.hide()
        round_id = self.round_box.currentData()
        email = self.reviewer_box.currentData()
        outcome = run_with_progress(
            self,
            "Exporting review packets",
            lambda: export_packets(
                self.db,
                round_id=round_id,
                reviewer_email=email,
                out_dir=Path(text),
                actor=self.actor,
                now=_utc_now(),
            ),
        )
        if outcome.error:
            QMessageBox.warning(self, "Export review packets", outcome.error)
            return
        if outcome.cancelled:
            QMessageBox.information(
                self, "Export review packets", "Cancelled; the packets written so far stay."
            )
            return
        self.written = outcome.result or []
        names = "\n".join(
            f"• {p.path.name} — {p.reviewer_name}, {counted(p.applications, 'application')}"
            for p in self.written
        )
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Export review packets",
            f"{len(self.written)} packet{'s' if len(self.written) != 1 else ''} written to "
            f"{text}:\n\n{names}",
            parent=self,
        )
        box.setObjectName("exportDone")
        box.exec()
        self.accept()


def export_review_packets(window: MainWindow) -> None:
    """File → Export review packets…: the export dialog."""
    if window.actor is None:
        window.show_error("Export review packets", "Sign in to export review packets.")
        return
    dialog = ExportPacketsDialog(window.db, window.actor, window)
    dialog.exec()


# -- import ----------------------------------------------------------------------------------------
class ImportScoresDialog(QDialog):
    """Collect scores files (Add files… or drag and drop), import them, show the report."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.report: ImportReport | None = None
        self.setObjectName("importScoresDialog")
        self.setWindowTitle("Import scores files")
        self.setAcceptDrops(True)
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Add the scores files reviewers sent back (.usrgscores), or drop them here. Each file "
            "is checked and imported whole, or not at all."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.files = QListWidget()
        self.files.setObjectName("fileList")
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.files, 1)
        row = QHBoxLayout()
        add = QPushButton("&Add files…")
        add.setObjectName("addFiles")
        add.clicked.connect(self._browse)
        remove = QPushButton("&Remove")
        remove.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence.StandardKey.Delete, self.files, activated=self.remove_selected)
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self._browse)
        self.import_button = QPushButton("&Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(self.import_button)
        layout.addLayout(row)

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(REPORT_COLUMNS))
        self.table.setObjectName("report")
        self.table.setHorizontalHeaderLabels([c.label for c in REPORT_COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setSortingEnabled(True)
        self.table.hide()
        layout.addWidget(self.table, 2)
        bottom = QDialogButtonBox()
        self.save_button = bottom.addButton("&Save report…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_report)
        close = bottom.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        layout.addWidget(bottom)

    # -- the file list -----------------------------------------------------------------------
    def paths(self) -> list[Path]:
        """The files to import, in the order shown."""
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def add_paths(self, paths: list[str | Path]) -> None:
        """Add files to the list (each once)."""
        known = {str(p) for p in self.paths()}
        for path in paths:
            text = str(Path(path))
            if text not in known:
                self.files.addItem(text)
                known.add(text)
        self.import_button.setEnabled(self.files.count() > 0)

    def remove_selected(self) -> None:
        """Take the selected files off the list."""
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self.import_button.setEnabled(self.files.count() > 0)

    def _browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Scores files", "", f"Scores files (*{SCORES_SUFFIX});;All files (*)"
        )
        self.add_paths(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """Accept files dragged from the file manager or a mail program."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Add the dropped files."""
        local = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_paths([p for p in local if p and not Path(p).is_dir()])
        event.acceptProposedAction()

    # -- importing ---------------------------------------------------------------------------
    def run_import(self) -> Outcome | None:
        """Import every listed file (each in its own unit of work) and show the report."""
        paths = self.paths()
        if not paths:
            return None
        outcome = run_with_progress(
            self,
            "Importing scores files",
            lambda: import_many(self.db, paths, actor=self.actor, now=_utc_now()),
        )
        if outcome.error:
            QMessageBox.warning(self, "Import scores", outcome.error)
            return outcome
        if outcome.cancelled:
            self.summary.setText(
                f"Cancelled after {outcome.steps} of {len(paths)} files; the files imported "
                "before Cancel stay imported."
            )
            return outcome
        self.show_report(outcome.result)
        self.files.clear()
        self.import_button.setEnabled(False)
        parent = self.parent()
        if parent is not None and hasattr(parent, "changes_made"):
            parent.changes_made()
        return outcome

    def show_report(self, report: ImportReport) -> None:
        """One row per file: its name, what happened and why."""
        self.report = report
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(report.results))
        for row, result in enumerate(report.results):
            for col, value in enumerate((result.file, result.status, result.sentence)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if result.status == REJECTED:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)
        # In the order the files were imported until the user sorts by a column.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.show()
        self.summary.setText(f"Scores files: {report.summary()}.")
        self.save_button.setEnabled(True)

    def report_rows(self) -> list[tuple[str, str, str]]:
        """The report as shown (in the table's current order)."""
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]

    def save_report(self) -> None:
        """Export the report as shown, to CSV or XLSX."""
        from ..workflows.system.export import write_listing_file

        path, _ = QFileDialog.getSaveFileName(
            self, "Save report", "scores-import-report.csv", "CSV (*.csv);;Excel workbook (*.xlsx)"
        )
        if not path:
            return
        try:
            write_listing_file(path, REPORT_COLUMNS, self.report_rows(), title="Scores import")
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Save report", str(exc))


def import_scores_files(window: MainWindow) -> None:
    """File → Import scores…: the import dialog."""
    if window.actor is None:
        window.show_error("Import scores", "Sign in to import scores files.")
        return
    dialog = ImportScoresDialog(window.db, window.actor, window)
    dialog.exec()
