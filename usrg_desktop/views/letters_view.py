"""Letters in the program: issue a round's letters with progress and Cancel, edit the letter
templates with a live preview, and open registered letters from the register list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..printing.letters import PLACEHOLDERS
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError, letter_batch
from ..workflows import letters as wl
from ..workflows.dates import utc_now
from .award_dates_panel import AwardDatesPanel
from .form_feedback import error_label, set_error
from .list_page import ListPage
from .operations import Refused, perform, read
from .operations import confirm as confirm_batch
from .pdf_preview import PdfPreview
from .progress import Outcome, run_with_progress
from .round_choice import start_on_default_round
from .signatory_panel import SignatoryPanel
from .unsaved import install_guard
from .window_size import close_keys, fit_on_screen

# The last report box of a batch, so tests (and a second look) can read it.
last_report: list[QMessageBox | None] = [None]


def _error_label() -> QLabel:
    label = error_label("")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


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
        self.folder_error = _error_label()
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

        with db.reading() as session:
            for round_id, name in wl.round_choices(session):
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
                wl.preview_pdf,
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
            self, "Folder for the letters", self.folder.text() or _documents_folder()
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
    before = _needing(db, round_id, kind, every_submitted)
    outcome = run_with_progress(
        window,
        "Issuing letters",
        lambda: letter_batch.issue_letters_for_round(
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
        ),
        on_dialog=on_dialog,
    )
    window.data_changed("Applications", "Awards")
    _reload_register(window)
    _report(window, outcome, kind, folder, before - _needing(db, round_id, kind, every_submitted))
    return outcome


def _needing(db: Database, round_id: int, kind: str, every_submitted: bool = False) -> int:
    with db.reading() as session:
        return len(
            wl.letter_candidates(
                session, round_id=round_id, kind=kind, every_submitted=every_submitted
            )
        )


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


# -- previewing PDFs ----------------------------------------------------------------------------
def open_pdf_file(window: Any, path: Path) -> PdfPreview | None:
    """Show a PDF file in its own preview window."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        window.show_error("The PDF could not be opened", f"{path}: {exc.strerror}.")
        return None
    return window.open_window(
        ("pdf", str(path)),
        lambda: PdfPreview(data, title=Path(path).name, file_name=Path(path).name),
    )


def open_letter(window: Any, letter_id: int) -> PdfPreview | None:
    """Re-print a registered letter (identical to the one issued) and show it to print."""
    ok, found = perform(window, window.db, wl.issued_pdf, letter_id, title="Not re-printed")
    if not ok or found is None:
        return None
    reference, pdf = found
    name = reference.replace("/", "-") + ".pdf"
    return window.open_window(
        ("letter", letter_id),
        lambda: PdfPreview(pdf, title=f"Letter {reference}", file_name=name),
    )


def letter_register(window: Any) -> ListPage:
    """Letters ▸ Letter register…: every issued letter; Enter or Re-print… shows one to print."""

    def make() -> ListPage:
        page = ListPage("Letter register", "letters", lambda: wl.letter_register_listing(window.db))
        page.setWindowTitle("Letter register")
        page.resize(1100, 600)
        setup_register(window, page)
        return page

    page = window.open_window("letter_register", make)
    page.ensure_loaded()
    return page


def _reload_register(window: Any) -> None:
    page = window.open_windows().get("letter_register")
    if page is not None:
        page.reload()


def setup_register(window: Any, page: Any) -> None:
    """The letter register list: open (re-print) a letter, issue a batch, edit templates."""

    def open_current() -> None:
        letter_id = page.current_id()
        if letter_id is not None:
            open_letter(window, letter_id)

    page.add_action(
        "Re-print…", open_current, shortcut="Ctrl+Shift+R", tip="Show the letter to print again"
    )
    page.add_action("Issue letters for round…", lambda: issue_letters_for_round(window))
    page.add_action("Letter templates…", lambda: letter_templates(window))
    page.add_action(
        "E-mail…",
        lambda: email_letters(window, page.selected_ids()),
        tip="E-mail the chosen letters (or a round's) to the people they are addressed to",
    )
    page.item_activated.connect(lambda letter_id: open_letter(window, letter_id))


def email_letters(window: Any, letter_ids: list[int]) -> QWidget:
    """The E-mail… dialog for the letters chosen in the register (a round's when none is)."""
    from .mail_dialog import open_mail_dialog

    return open_mail_dialog(window, kind="letter", letter_ids=letter_ids or None)


# -- the template editor ------------------------------------------------------------------------
class TemplateEditor(QWidget):
    """Edit a kind's letter template with its placeholders, a live preview and its versions."""

    def __init__(
        self, db: Database, actor: Actor | None, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templateEditor")
        self.setWindowTitle("Letter templates")
        self.db, self.actor, self.today = db, actor, today
        self._loaded: tuple[str, str] = ("", "")
        self._opened_version: int | None = None
        self._last_focus: QWidget | None = None

        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kindBox")
        for kind in ("award", "decline", "acknowledgement", "ineligible"):
            self.kind_box.addItem(wl.KIND_LABELS[kind].capitalize(), kind)
        self.version_label = QLabel()
        self.version_label.setObjectName("versionLabel")
        self.subject = QLineEdit()
        self.subject.setObjectName("subjectEdit")
        self.body = QPlainTextEdit()
        self.body.setObjectName("bodyEdit")
        self.body.setTabChangesFocus(True)
        font = self.body.font()
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.body.setFont(font)
        self.error = _error_label()
        self.error.setObjectName("templateError")
        self.status = QLabel()
        self.status.setObjectName("templateStatus")

        self.placeholders = QListWidget()
        self.placeholders.setObjectName("placeholderList")
        self.placeholders.setToolTip("Double-click (or Enter) to insert at the cursor")
        self.placeholders.itemActivated.connect(self._insert_placeholder)

        self.save_button = QPushButton("&Save as new version")
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        save_action = QAction(self)
        save_action.setShortcut(QKeySequence.StandardKey.Save)
        save_action.triggered.connect(self.save)
        self.addAction(save_action)
        revert = QPushButton("Revert")
        revert.setToolTip("Back to the saved version")
        revert.clicked.connect(self._revert)
        shipped = QPushButton("Shipped text")
        shipped.setToolTip("Put the text that ships with the program in the editor")
        shipped.clicked.connect(self._load_shipped)

        self.history = QTreeWidget()
        self.history.setObjectName("versionHistory")
        self.history.setHeaderLabels(["Version", "Saved", "By", "Subject", "Letters"])
        self.history.setRootIsDecorated(False)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.itemActivated.connect(self._load_version)
        self.history.setToolTip("Double-click a version to load its text into the editor")

        self.preview = PdfPreview(file_name="template preview.pdf")
        self.preview.setObjectName("templatePreview")
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(350)
        self._preview_timer.timeout.connect(self.refresh_preview)

        top = QHBoxLayout()
        top.addWidget(QLabel("&Letter:"))
        top.itemAt(0).widget().setBuddy(self.kind_box)
        top.addWidget(self.kind_box)
        top.addWidget(self.version_label, 1)
        form = QFormLayout()
        form.addRow("S&ubject:", self.subject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(shipped)
        buttons.addWidget(revert)
        buttons.addWidget(self.save_button)
        editor = QWidget()
        left = QVBoxLayout(editor)
        left.addLayout(top)
        left.addLayout(form)
        left.addWidget(self.body, 3)
        left.addWidget(self.error)
        left.addLayout(buttons)
        side = QSplitter(Qt.Orientation.Vertical)
        places = QGroupBox("Placeholders")
        QVBoxLayout(places).addWidget(self.placeholders)
        versions = QGroupBox("Versions")
        QVBoxLayout(versions).addWidget(self.history)
        side.addWidget(places)
        side.addWidget(versions)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(editor)
        middle.addWidget(side)
        middle.setSizes([520, 260])
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(middle)
        outer.addWidget(self.preview)
        outer.setSizes([780, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(outer)

        self.kind_box.currentIndexChanged.connect(self._on_kind_changed)
        self.subject.textChanged.connect(self._on_edited)
        self.body.textChanged.connect(self._on_edited)
        self.subject.installEventFilter(self)
        self.body.installEventFilter(self)
        self._current_kind = self.kind()
        self.load_kind(self.kind())
        fit_on_screen(self, 1360, 820, grow=0.85)
        close_keys(self)
        # Closing, or showing another kind, with the text not saved asks Save / Discard / Cancel.
        self.guard = install_guard(self, lambda: [self], "Letter templates")

    def kind(self) -> str:
        """The kind of letter being edited."""
        return self.kind_box.currentData()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
        """Remember whether the subject or the body had the cursor last (for inserting)."""
        if event.type() == event.Type.FocusIn:
            self._last_focus = watched
        return super().eventFilter(watched, event)

    def is_dirty(self) -> bool:
        """Whether the editor holds changes not saved."""
        return (self.subject.text(), self.body.toPlainText()) != self._loaded

    def has_unsaved_changes(self) -> bool:
        """The editor's text differs from the version shown (see views/unsaved.py)."""
        return self.is_dirty()

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return f"the {wl.KIND_LABELS[self._current_kind]} template"

    def load_kind(self, kind: str) -> None:
        """Show the newest version of a kind's template, its placeholders and its history."""
        with self.db.reading() as session:
            template = wl.current_template(session, kind)
            history = wl.template_history(session, kind)
        self._set_text(template.subject, template.body)
        self._loaded = (self.subject.text(), self.body.toPlainText())
        self._opened_version = template.version
        self.version_label.setText(
            f"version {template.version}"
            if template.version
            else "the text shipped with the program (not saved yet)"
        )
        self.placeholders.clear()
        for name, meaning in PLACEHOLDERS[kind].items():
            item = QListWidgetItem(f"{{{name}}}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(meaning)
            self.placeholders.addItem(item)
        self.history.clear()
        for row in history.rows:
            version, saved, by, subject, letters = row
            item = QTreeWidgetItem([str(version), saved or "", by, subject, str(letters)])
            item.setData(0, Qt.ItemDataRole.UserRole, version)
            self.history.addTopLevelItem(item)
        for column in range(5):
            self.history.resizeColumnToContents(column)
        self._show_problems()
        self.refresh_preview()

    def _set_text(self, subject: str, body: str) -> None:
        self.subject.setText(subject)
        self.body.setPlainText(body)

    def _on_kind_changed(self) -> None:
        kind = self.kind()
        if kind == self._current_kind:
            return
        # The kind being edited stays shown until the question is answered.
        self._show_kind_box(self._current_kind)

        def show_other() -> None:
            self._current_kind = kind
            self._show_kind_box(kind)
            self.status.clear()
            self.load_kind(kind)

        self.guard.attempt(show_other, action="showing another letter")

    def _show_kind_box(self, kind: str) -> None:
        self.kind_box.blockSignals(True)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        self.kind_box.blockSignals(False)

    def _on_edited(self) -> None:
        self._show_problems()
        self._preview_timer.start()

    def _show_problems(self) -> None:
        problems = wl.template_problems(self.kind(), self.subject.text(), self.body.toPlainText())
        set_error(self.error, problems[0] if problems else "")

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        text = f"{{{item.data(Qt.ItemDataRole.UserRole)}}}"
        if self._last_focus is self.subject:
            self.subject.insert(text)
            self.subject.setFocus()
        else:
            self.body.insertPlainText(text)
            self.body.setFocus()

    def _revert(self) -> None:
        self._set_text(*self._loaded)
        self.status.setText("Back to the saved text.")

    def _load_shipped(self) -> None:
        shipped = wl.default_template(self.kind())
        self._set_text(shipped.subject, shipped.body)
        self.status.setText("The shipped text is in the editor; save it to use it.")

    def _load_version(self, item: QTreeWidgetItem) -> None:
        version = item.data(0, Qt.ItemDataRole.UserRole)
        with self.db.reading() as session:
            template = wl.template_version(session, self.kind(), version)
        self._set_text(template.subject, template.body)
        self.status.setText(f"The text of version {version} is in the editor.")

    def refresh_preview(self) -> None:
        """Print the text in the editor for a sample application and show it."""
        self._preview_timer.stop()
        try:
            with self.db.reading() as session:
                pdf = wl.preview_pdf(
                    session,
                    kind=self.kind(),
                    subject=self.subject.text(),
                    body=self.body.toPlainText(),
                    today=self.today,
                )
        except (WorkflowError, StorageError) as exc:
            set_error(self.error, str(exc))
            return
        self.preview.set_pdf(pdf, file_name=f"{self.kind()} letter preview.pdf")

    def save(self) -> bool:
        """Save the text as a new version; a refusal is shown under the text, naming the fault."""
        if self.actor is None:
            set_error(self.error, "Sign in to save letter templates.")
            return False
        try:
            _ok, version = perform(
                self,
                self.db,
                wl.save_template,
                kind=self.kind(),
                subject=self.subject.text(),
                body=self.body.toPlainText(),
                actor=self.actor,
                now=utc_now(),
                seen_version=self._opened_version,
                quiet=True,
            )
        except Refused as refused:
            if refused.conflict is not None:
                # The text typed here stays; the next Save makes it the newest version.
                self._opened_version = read(self.db, wl.current_template, self.kind()).version
                set_error(
                    self.error,
                    f"{refused} Save again to make your text the newest version, or open their "
                    "version from the history below.",
                )
                return False
            set_error(self.error, str(refused))
            return False
        self.load_kind(self.kind())
        self.status.setText(f"Saved as version {version}.")
        return True


def letter_templates(window: Any) -> TemplateEditor:
    """Letters ▸ Letter templates…: the template editor, in its own window."""
    return window.open_window(
        "letter_templates", lambda: TemplateEditor(window.db, window.actor, window.today)
    )


# -- the letterhead -----------------------------------------------------------------------------
class LetterheadEditor(QWidget):
    """The letterhead letters are printed on: name, address, footer and logo, with a preview."""

    def __init__(
        self, db: Database, actor: Actor | None, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("letterheadEditor")
        self.setWindowTitle("Letterhead")
        self.db, self.actor, self.today = db, actor, today
        with db.reading() as session:
            current = wl.current_letterhead(session)
        self._logo: bytes | None = current.logo_png
        self._logo_changed = False
        self.name = QLineEdit(current.name)
        self.name.setObjectName("nameEdit")
        self.address = QPlainTextEdit(current.address)
        self.address.setObjectName("addressEdit")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.footer = QPlainTextEdit(current.footer)
        self.footer.setObjectName("footerEdit")
        self.footer.setTabChangesFocus(True)
        self.footer.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.logo_label = QLabel()
        self.logo_label.setObjectName("logoLabel")
        choose = QPushButton("Choose logo…")
        choose.clicked.connect(self._choose_logo)
        remove = QPushButton("No logo")
        remove.clicked.connect(self._remove_logo)
        self.error = _error_label()
        self.error.setObjectName("letterheadError")
        self.status = QLabel()
        self.save_button = QPushButton("&Save letterhead")
        self.save_button.setObjectName("saveLetterhead")
        self.save_button.clicked.connect(self.save)
        if actor is None or actor.role != "administrator":
            self.save_button.setEnabled(False)
            self.status.setText("Only an administrator may change the letterhead.")
        self.preview = PdfPreview(file_name="letterhead preview.pdf")
        self._saved = self._fields()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self.refresh_preview)
        for edit in (self.name,):
            edit.textChanged.connect(self._timer.start)
        for edit in (self.address, self.footer):
            edit.textChanged.connect(self._timer.start)

        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Address (up to 5 lines):", self.address)
        form.addRow("&Footer (up to 2 lines):", self.footer)
        form.addRow("Logo:", logo_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addLayout(buttons)
        self.signatory = SignatoryPanel(db, actor, on_saved=self.refresh_preview)
        column.addWidget(self.signatory)
        self.award_dates = AwardDatesPanel(db, actor)
        column.addWidget(self.award_dates)
        column.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setSizes([520, 560])
        QVBoxLayout(self).addWidget(split)
        self._show_logo()
        self.refresh_preview()
        fit_on_screen(self, 1120, 760)
        close_keys(self)
        # Closing with edits not saved asks Save / Discard / Cancel (views/unsaved.py).
        self.guard = install_guard(self, lambda: [self], "Letterhead")

    def _fields(self) -> tuple[str, str, str]:
        return (self.name.text(), self.address.toPlainText(), self.footer.toPlainText())

    def has_unsaved_changes(self) -> bool:
        """Name, address, footer or logo changed since shown or saved (for an administrator,
        the only one who may save them)."""
        if not self.save_button.isEnabled():
            return False
        letterhead_changed = self._logo_changed or self._fields() != self._saved
        return (
            letterhead_changed
            or self.signatory.has_unsaved_changes()
            or self.award_dates.has_unsaved_changes()
        )

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "the letterhead"

    def letterhead(self) -> Any:
        """The letterhead as edited (not saved)."""
        from ..printing.styles import Letterhead

        return Letterhead(
            self.name.text().strip(),
            self.address.toPlainText().strip(),
            self.footer.toPlainText().strip(),
            self._logo,
        )

    def _show_logo(self) -> None:
        if not self._logo:
            self.logo_label.setText("No logo")
            return
        from PySide6.QtGui import QPixmap

        pixmap = QPixmap()
        pixmap.loadFromData(self._logo)
        if pixmap.isNull():
            self.logo_label.setText("(the image cannot be shown)")
        else:
            self.logo_label.setPixmap(
                pixmap.scaledToHeight(40, Qt.TransformationMode.SmoothTransformation)
            )

    def set_logo_file(self, path: str | Path) -> bool:
        """Use the image in `path` as the logo (checked when saved)."""
        try:
            self._logo = Path(path).read_bytes()
        except OSError as exc:
            set_error(self.error, f"The logo file {path} cannot be read ({exc.strerror}).")
            return False
        self._logo_changed = True
        self._show_logo()
        self.refresh_preview()
        return True

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a logo", _documents_folder(), "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.set_logo_file(path)

    def _remove_logo(self) -> None:
        self._logo = None
        self._logo_changed = True
        self._show_logo()
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Print a sample award letter on the letterhead as edited."""
        self._timer.stop()
        try:
            with self.db.reading() as session:
                pdf = wl.preview_letterhead_pdf(
                    session, letterhead=self.letterhead(), today=self.today
                )
        except (WorkflowError, StorageError) as exc:
            set_error(self.error, str(exc))
            return
        self.preview.set_pdf(pdf)

    def save(self) -> bool:
        """Save the letterhead (and the signatory, if changed); a refusal shows as its sentence
        under the fields."""
        if self.actor is None:
            return False
        if self.signatory.has_unsaved_changes() and not self.signatory.save():
            return False
        if self.award_dates.has_unsaved_changes() and not self.award_dates.save():
            return False
        changes: dict[str, Any] = {
            "name": self.name.text(),
            "address": self.address.toPlainText(),
            "footer": self.footer.toPlainText(),
        }
        if self._logo_changed:
            changes["logo_png" if self._logo else "remove_logo"] = self._logo or True
        try:
            perform(
                self,
                self.db,
                wl.set_letterhead,
                actor=self.actor,
                now=utc_now(),
                quiet=True,
                **changes,
            )
        except Refused as refused:
            set_error(self.error, str(refused))
            return False
        set_error(self.error, "")
        self._logo_changed = False
        self._saved = self._fields()
        self.status.setText("Saved. New letters are printed on this letterhead.")
        return True


def letterhead(window: Any) -> LetterheadEditor:
    """Letters ▸ Letterhead…: the letterhead letters are printed on (administrators change it)."""
    return window.open_window(
        "letterhead", lambda: LetterheadEditor(window.db, window.actor, window.today)
    )
