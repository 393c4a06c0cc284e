"""Letters ▸ Letter templates: each kind's template with a live preview; each save is a new
version."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..printing.letters import PLACEHOLDERS
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError
from ..workflows.letters import issuing as wl
from ..workflows.letters import letter_previews
from ..workflows.system.dates import utc_now
from .form_feedback import set_error
from .letters_common import selectable_error_label
from .operations import Refused, perform, read
from .pdf_preview import PdfPreview
from .unsaved import install_guard
from .window_size import close_keys, fit_on_screen


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
        self.error = selectable_error_label()
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
        template = read(self.db, wl.current_template, kind)
        history = read(self.db, wl.template_history, kind)
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
        template = read(self.db, wl.template_version, self.kind(), version)
        self._set_text(template.subject, template.body)
        self.status.setText(f"The text of version {version} is in the editor.")

    def refresh_preview(self) -> None:
        """Print the text in the editor for a sample application and show it."""
        self._preview_timer.stop()
        try:
            pdf = read(
                self.db,
                letter_previews.preview_pdf,
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
