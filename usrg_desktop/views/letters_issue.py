"""Letters ▸ Issue letters: a round's award, decline and acknowledgement letters, shown first
(which applications, each ticked, with a preview), then issued with progress and Cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..storage import Database, StorageError
from ..workflows import WorkflowError
from ..workflows.letters import issuing as wl
from ..workflows.letters import letter_batch, letter_previews
from ..workflows.system.dates import utc_now
from .form_feedback import set_error
from .letter_register_view import reload_register
from .letters_common import documents_folder, open_pdf_file, selectable_error_label
from .operations import confirm as confirm_batch
from .operations import read
from .pdf_preview import PdfPreview
from .progress import Outcome, run_with_progress
from .round_choice import start_on_default_round

# The last report box of a batch, so tests (and a second look) can read it.
last_report: list[QMessageBox | None] = [None]


# -- issuing a round's letters ------------------------------------------------------------------
class IssueLettersDialog(QDialog):
    """Choose the round, the kind of letter and where the PDFs go, then issue them."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issueLettersDialog")
        self.setWindowTitle("Issue letters for a round")
        self.db = db
        self.round_box = QComboBox()
        self.round_box.setObjectName("roundBox")
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kindBox")
        for kind in ("award", "decline", "acknowledgement", "ineligible"):
            self.kind_box.addItem(wl.KIND_PLURALS[kind].capitalize(), kind)
        self.needed = QLabel()
        self.needed.setObjectName("neededLabel")
        # Which applications get a letter: every one the round needs, unless unticked here.
        self.chosen_list = QListWidget()
        self.chosen_list.setObjectName("chosenList")
        self.chosen_list.setAccessibleName("Applications that get a letter")
        self.chosen_list.itemChanged.connect(lambda _item: self._count_chosen())
        self.preview_button = QPushButton("&Preview letter")
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setToolTip("Show the selected application's letter before issuing")
        self.preview_button.clicked.connect(self.preview_current)
        self.preview_window: PdfPreview | None = None
        self.folder = QLineEdit()
        self.folder.setObjectName("folderEdit")
        self.folder.setPlaceholderText("Folder for one PDF per letter")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.folder_error = selectable_error_label()
        self.folder_error.setObjectName("folderError")
        self.merged = QCheckBox("Also make one PDF of all the letters, to print in one go")
        self.merged.setObjectName("mergedCheck")
        self.merged.setChecked(True)
        self.duplex = QCheckBox("Start each letter on a new sheet (for two-sided printing)")
        self.duplex.setObjectName("duplexCheck")
        self.duplex.setChecked(True)
        self.merged.toggled.connect(self.duplex.setEnabled)
        self.every_submitted = QCheckBox(
            "Also acknowledge applications screened or decided since they were submitted"
        )
        self.every_submitted.setObjectName("everySubmittedCheck")

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Round:", self.round_box)
        form.addRow("&Letters:", self.kind_box)
        form.addRow("", self.needed)
        form.addRow("", self.every_submitted)
        form.addRow("", self.chosen_list)
        form.addRow("", self.preview_button)
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.folder_error)
        form.addRow("", self.merged)
        form.addRow("", self.duplex)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.issue_button = self.buttons.addButton(
            "Issue letters", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.issue_button.setObjectName("issueButton")
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        for round_id, name in read(db, wl.round_choices):
            self.round_box.addItem(name, round_id)
        start_on_default_round(self.round_box, db)
        self.round_box.currentIndexChanged.connect(self._update_needed)
        self.kind_box.currentIndexChanged.connect(self._update_needed)
        self.every_submitted.toggled.connect(self._update_needed)
        self._update_needed()
        self.resize(760, self.sizeHint().height())  # room for the applications' titles

    def round_id(self) -> int | None:
        """The round chosen."""
        return self.round_box.currentData()

    def kind(self) -> str:
        """The kind of letter chosen."""
        return self.kind_box.currentData()

    def wants_every_submitted(self) -> bool:
        """Acknowledge applications already screened or decided too (asked for explicitly)."""
        return self.kind() == "acknowledgement" and self.every_submitted.isChecked()

    def merged_path(self) -> Path | None:
        """Where the merged PDF goes (in the folder, named after the round and kind), if asked."""
        if not self.merged.isChecked() or not self.folder.text().strip():
            return None
        name = f"{self.round_box.currentText()} - {wl.KIND_PLURALS[self.kind()]} (all).pdf"
        return Path(self.folder.text().strip()) / name.replace("/", "-")

    def _update_needed(self) -> None:
        round_id = self.round_id()
        if round_id is None:
            self.needed.setText("There are no rounds yet.")
            self.issue_button.setEnabled(False)
            return
        self.every_submitted.setVisible(self.kind() == "acknowledgement")
        rows = read(
            self.db,
            wl.letter_candidate_rows,
            round_id=round_id,
            kind=self.kind(),
            every_submitted=self.wants_every_submitted(),
        )
        self.chosen_list.blockSignals(True)
        self.chosen_list.clear()
        for app_id, text in rows:
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, app_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.chosen_list.addItem(item)
        self.chosen_list.blockSignals(False)
        if rows:
            self.chosen_list.setCurrentRow(0)
        self.chosen_list.setVisible(bool(rows))
        self.preview_button.setVisible(bool(rows))
        self._count_chosen()

    def chosen_ids(self) -> list[int]:
        """The applications ticked to get a letter."""
        return [
            int(self.chosen_list.item(n).data(Qt.ItemDataRole.UserRole))
            for n in range(self.chosen_list.count())
            if self.chosen_list.item(n).checkState() == Qt.CheckState.Checked
        ]

    def _count_chosen(self) -> None:
        n, chosen = self.chosen_list.count(), len(self.chosen_ids())
        if n == 1:
            label = wl.KIND_LABELS[self.kind()]
            needed = f"1 application needs {'an' if label[0] in 'aeiou' else 'a'} {label}"
        else:
            needed = f"{n} applications need {wl.KIND_PLURALS[self.kind()]}"
        self.needed.setText(f"{needed}; {chosen} ticked to issue now." if n else f"{needed}.")
        self.issue_button.setEnabled(chosen > 0)

    def preview_current(self) -> PdfPreview | None:
        """Show the letter the selected application would get, as printed now (nothing is
        issued or saved)."""
        item = self.chosen_list.currentItem()
        if item is None:
            return None
        app_id = int(item.data(Qt.ItemDataRole.UserRole))
        kind = self.kind()
        try:
            template = read(self.db, wl.current_template, kind)
            pdf = read(
                self.db,
                letter_previews.preview_pdf,
                kind=kind,
                subject=template.subject,
                body=template.body,
                today=clock.today(),
                application_id=app_id,
            )
        except (WorkflowError, StorageError) as exc:
            set_error(self.folder_error, str(exc))
            return None
        self.preview_window = PdfPreview()
        self.preview_window.setWindowTitle(f"Preview: {item.text()}")
        self.preview_window.set_pdf(pdf, file_name=f"{kind} letter preview.pdf")
        self.preview_window.show()
        return self.preview_window

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the letters", self.folder.text() or documents_folder()
        )
        if folder:
            self.folder.setText(folder)

    def _on_accept(self) -> None:
        if not self.folder.text().strip():
            set_error(self.folder_error, "Choose a folder for the letters.")
            self.folder.setFocus()
            return
        folder = Path(self.folder.text().strip())
        if folder.exists() and not folder.is_dir():
            set_error(self.folder_error, f"{folder} is a file, not a folder.")
            self.folder.setFocus()
            return
        set_error(self.folder_error, "")
        self.accept()


def run_batch(
    window: Any,
    *,
    round_id: int,
    kind: str,
    folder: Path,
    merged: Path | None,
    on_dialog: Any = None,
    every_submitted: bool = False,
    duplex: bool = True,
    only: list[int] | None = None,
) -> Outcome:
    """Issue the letters (to the applications in `only`, when chosen) off the GUI thread
    behind a progress dialog with Cancel; report it.

    A round that is decided already is asked about first; No issues nothing.
    """
    actor, db, now = window.actor, window.db, utc_now()
    question = read(
        db,
        wl.batch_question,
        round_id=round_id,
        kind=kind,
        every_submitted=every_submitted,
        count=None if only is None else len(only),
    )
    if question and not confirm_batch(window, "Issue letters", question, yes="Issue them"):
        return Outcome(cancelled=True)
    counted: dict[str, int] = {}

    def work() -> Any:
        # Counted on the worker thread, before and after (however the batch ends): the letters
        # really issued, whatever a cancel or a failed group left.
        counted["before"] = _needing(db, round_id, kind, every_submitted)
        try:
            return (
                yield from letter_batch.issue_letters_for_round(
                    db,
                    round_id=round_id,
                    kind=kind,
                    actor=actor,
                    now=now,
                    out_dir=folder,
                    merged=merged,
                    every_submitted=every_submitted,
                    confirmed=True,
                    duplex=duplex,
                    only=only,
                )
            )
        finally:
            counted["after"] = _needing(db, round_id, kind, every_submitted)

    outcome = run_with_progress(window, "Issuing letters", work, on_dialog=on_dialog)
    reload_register(window)
    done = counted.get("before", 0) - counted.get("after", counted.get("before", 0))
    _report(window, outcome, kind, folder, done)
    return outcome


def _needing(db: Database, round_id: int, kind: str, every_submitted: bool = False) -> int:
    candidates = read(
        db, wl.letter_candidates, round_id=round_id, kind=kind, every_submitted=every_submitted
    )
    return len(candidates)


def _report(window: Any, outcome: Outcome, kind: str, folder: Path, done: int) -> None:
    if outcome.error:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Letters not issued", outcome.error, parent=window
        )
    else:
        result = outcome.result
        if outcome.cancelled:
            text = (
                f"Cancelled. The {done} letter{'s' if done != 1 else ''} finished before Cancel "
                f"{'are' if done != 1 else 'is'} registered and in {folder}; the others were not "
                "issued."
            )
        else:
            n = len(result.files)
            noun = wl.KIND_PLURALS[kind] if n != 1 else wl.KIND_LABELS[kind]
            text = f"Issued {n} {noun} into {folder}."
            if result.merged is not None:
                text += f" All of them are in one file to print: {result.merged.name}."
        box = QMessageBox(QMessageBox.Icon.Information, "Letters issued", text, parent=window)
        if not outcome.cancelled and result.merged is not None:
            preview = box.addButton("Preview and print…", QMessageBox.ButtonRole.ActionRole)
            merged = result.merged
            preview.clicked.connect(lambda: open_pdf_file(window, merged))
        box.addButton(QMessageBox.StandardButton.Close)
    box.setObjectName("batchReport")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    last_report[0] = box
    box.open()


def issue_letters_for_round(window: Any) -> IssueLettersDialog | None:
    """Letters ▸ Issue letters for round…: choose, then issue with progress and Cancel."""
    if window.actor is None:
        window.show_error("Sign in first", "Issuing letters needs a signed-in user.")
        return None
    dialog = IssueLettersDialog(window.db, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        run_batch(
            window,
            round_id=dialog.round_id(),
            kind=dialog.kind(),
            folder=Path(dialog.folder.text().strip()),
            merged=dialog.merged_path(),
            every_submitted=dialog.wants_every_submitted(),
            duplex=dialog.duplex.isChecked(),
            only=dialog.chosen_ids(),
        )

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog
