"""The application screen's dialogs and tabs: the reason a move needs, the attachments (added by
dialog or drop, opened in the preview) and the screening checklist."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.grants import AttachmentKind
from ..money import format_zar
from ..storage import StorageError
from ..workflows import WorkflowError
from ..workflows.grants import applications as wf
from ..workflows.system.dates import utc_now
from .push_buttons import push_button

if TYPE_CHECKING:
    from .applications_view import ApplicationScreen

from .application_common import MUTED_STYLE, SHA_SHOWN
from .form_feedback import error_label, set_error
from .operations import Refused, confirm, perform, read


# -- the screen ---------------------------------------------------------------------------------
class ReasonDialog(QDialog):
    """Ask for the reason a move needs (and, to approve, the amount and conditions)."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        question: str,
        *,
        amount_cents: int | None = None,
        reason_required: bool = True,
        feedback: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reasonDialog")
        self.reason_required = reason_required
        self.amount_edit: QLineEdit | None = None
        self.conditions_edit: QPlainTextEdit | None = None
        self.feedback_edit: QPlainTextEdit | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(question)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        if amount_cents is not None:
            self.amount_edit = QLineEdit(format_zar(amount_cents, symbol=False))
            self.amount_edit.setObjectName("amount")
            form.addRow("&Amount (R)", self.amount_edit)
            self.conditions_edit = QPlainTextEdit()
            self.conditions_edit.setObjectName("conditions")
            self.conditions_edit.setFixedHeight(
                self.conditions_edit.fontMetrics().lineSpacing() * 3 + 12
            )
            form.addRow("&Conditions", self.conditions_edit)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(self.reason_edit.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow("&Reasons" if amount_cents is not None else "&Reason", self.reason_edit)
        if feedback:
            self.feedback_edit = QPlainTextEdit()
            self.feedback_edit.setObjectName("feedback")
            self.feedback_edit.setTabChangesFocus(True)
            self.feedback_edit.setPlaceholderText("The panel's advice to the applicant")
            self.feedback_edit.setFixedHeight(
                self.feedback_edit.fontMetrics().lineSpacing() * 4 + 12
            )
            form.addRow("Panel's &feedback", self.feedback_edit)
        layout.addLayout(form)
        self.error = error_label("error_reason")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(title, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("ok")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.on_ok: Callable[[ReasonDialog], str | None] | None = None
        self.resize(460, self.sizeHint().height())

    @property
    def reason(self) -> str:
        """The reason typed."""
        return self.reason_edit.toPlainText().strip()

    def show_error(self, text: str) -> None:
        """Show why the move was refused, keeping the dialog open."""
        set_error(self.error, text)

    def _on_ok(self) -> None:
        if self.reason_required and not self.reason:
            self.show_error("Give a reason.")
            self.reason_edit.setFocus()
            return
        problem = self.on_ok(self) if self.on_ok is not None else None
        if problem:
            self.show_error(problem)
        else:
            self.accept()


class AttachmentsTab(QWidget):
    """The attachments: add by file dialog or by dropping files, open, remove."""

    def __init__(self, screen: ApplicationScreen) -> None:
        super().__init__()
        self.screen = screen
        self.setAcceptDrops(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("attachments")
        self.table.setHorizontalHeaderLabels(["File", "Kind", "Size", "Added", "SHA-256"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("attachmentKind")
        for kind in AttachmentKind:
            self.kind_combo.addItem(kind.value.capitalize(), kind.value)
        self.add_button = push_button("Add files…", "addAttachment")
        self.add_button.clicked.connect(self.add_with_dialog)
        self.open_button = push_button(
            "Open", "openAttachment", "Open in the program your computer uses for this kind of file"
        )
        self.open_button.clicked.connect(self.open_current)
        self.remove_button = push_button("Remove…", "removeAttachment")
        self.remove_button.clicked.connect(self.remove_current)
        hint = QLabel(
            f"PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, at most "
            f"{wf.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB each. Drop files here to attach them."
        )
        hint.setStyleSheet(MUTED_STYLE)
        self.error = error_label("error_attachments")
        row = QHBoxLayout()
        row.addWidget(QLabel("Kind:"))
        row.addWidget(self.kind_combo)
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        self.rows: list[wf.AttachmentInfo] = []
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def show_rows(self, rows: list[wf.AttachmentInfo]) -> None:
        """Show the attachments."""
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, a in enumerate(rows):
            size = (
                f"{a.size_bytes} bytes"
                if a.size_bytes < 1024
                else f"{a.size_bytes / 1024:,.0f} KB".replace(",", " ")
            )
            for col, text in enumerate(
                (a.filename, a.kind, size, a.added_at, a.sha256[:SHA_SHOWN] + "…")
            ):
                item = QTableWidgetItem(text)
                if col == 4:
                    item.setToolTip(a.sha256)
                if col == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(n, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and self.screen.may_change)
        self.add_button.setEnabled(self.screen.may_change)

    def current(self) -> wf.AttachmentInfo | None:
        """The attachment of the selected row."""
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def add_files(self, paths: list[str]) -> int:
        """Attach each file; refusals are shown under the table. Returns how many were added."""
        added, problems = 0, []
        for path in paths:
            try:
                perform(
                    self,
                    self.screen.db,
                    wf.add_attachment,
                    application_id=self.screen.application_id,
                    path=path,
                    kind=self.kind_combo.currentData(),
                    actor=self.screen.actor,
                    now=utc_now(),
                    quiet=True,
                )
                added += 1
            except Refused as exc:
                problems.append(str(exc))
        set_error(self.error, " ".join(problems))
        if added:
            self.screen.refresh()
        return added

    def add_with_dialog(self) -> None:
        """Choose files to attach."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Attach files",
            "",
            f"Attachments ({wf.ATTACHMENT_PATTERNS});;All files (*)",
        )
        if paths:
            self.add_files(paths)

    def open_current(self) -> Path | None:
        """Write the selected attachment to a temporary file and open it in the system viewer."""
        chosen = self.current()
        if chosen is None:
            return None
        try:
            path = read(self.screen.db, lambda s: wf.attachment_to_file(s, attachment_id=chosen.id))
        except (WorkflowError, StorageError) as exc:
            set_error(self.error, str(exc))
            return None
        if not self.screen.open_url(QUrl.fromLocalFile(str(path))):
            set_error(
                self.error,
                f"No program on this computer opens {path.name}; it is in {path.parent}.",
            )
        return path

    def remove_current(self) -> bool:
        """Remove the selected attachment, after asking."""
        chosen = self.current()
        if chosen is None:
            return False
        if not confirm(
            self,
            "Remove attachment",
            f"Remove {chosen.filename} from this application? The history keeps its name.",
            yes="Remove",
        ):
            return False
        done, _ = perform(
            self,
            self.screen.db,
            wf.remove_attachment,
            attachment_id=chosen.id,
            actor=self.screen.actor,
            now=utc_now(),
        )
        if done:
            self.screen.refresh()
        return done

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept local files dragged in."""
        if self.screen.may_change and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Attach the files dropped."""
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)


class ScreeningTab(QWidget):
    """The round's screening checks, ticked with a note each (only while in screening)."""

    def __init__(self, screen: ApplicationScreen) -> None:
        super().__init__()
        self.screen = screen
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.error = error_label("error_screening")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.grid)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.boxes: dict[int, QCheckBox] = {}
        self.notes: dict[int, QLineEdit] = {}
        self.items: list[wf.ScreeningItem] = []

    def show_items(self, items: list[wf.ScreeningItem], state: str) -> None:
        """Show the checks with their results; editable only in screening."""
        self.items = items
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.boxes.clear()
        self.notes.clear()
        editable = state == "screening" and self.screen.may_change
        if not items:
            self.intro.setText("The round has no screening checklist; add one under Rounds.")
        elif state == "screening":
            self.intro.setText(
                "Tick each check the application passes; a note says why one fails. "
                "Every check must be ticked to mark it Eligible."
            )
        else:
            self.intro.setText(
                "Screening happens in the screening state; the checks below show the results."
            )
        for col, heading in enumerate(("", "Check", "Note", "Checked by")):
            label = QLabel(f"<b>{heading}</b>")
            self.grid.addWidget(label, 0, col)
        for row, item in enumerate(items, start=1):
            box = QCheckBox(f"{item.position}.")
            box.setObjectName(f"check{item.check_id}")
            box.setChecked(bool(item.passed))
            box.setEnabled(editable)
            box.setAccessibleName(item.label)
            label = QLabel(item.label)
            label.setWordWrap(True)
            label.setBuddy(box)
            note = QLineEdit(item.note)
            note.setObjectName(f"note{item.check_id}")
            note.setPlaceholderText("Note (why it fails, what was seen)")
            note.setEnabled(editable)
            who = QLabel(f"{item.checked_by}, {item.checked_at}" if item.checked_by else "")
            who.setStyleSheet(MUTED_STYLE)
            self.grid.addWidget(box, row, 0)
            self.grid.addWidget(label, row, 1)
            self.grid.addWidget(note, row, 2)
            self.grid.addWidget(who, row, 3)
            for widget in (box, label, note, who):
                widget.setVisible(True)
            self.boxes[item.check_id] = box
            self.notes[item.check_id] = note
            box.toggled.connect(lambda _on, c=item.check_id: self.record(c))
            note.editingFinished.connect(lambda c=item.check_id: self._note_changed(c))

    def _note_changed(self, check_id: int) -> None:
        item = next((i for i in self.items if i.check_id == check_id), None)
        note = self.notes[check_id].text().strip()
        if item is not None and note != item.note:
            self.record(check_id)

    def record(self, check_id: int) -> bool:
        """Save one check's tick and note."""
        done = self._record(
            check_id, self.boxes[check_id].isChecked(), self.notes[check_id].text().strip()
        )
        if done:
            self.screen.refresh()
        return done

    def _record(self, check_id: int, passed: bool, note: str) -> bool:
        try:
            perform(
                self,
                self.screen.db,
                wf.record_screening,
                application_id=self.screen.application_id,
                check_id=check_id,
                passed=passed,
                note=note,
                actor=self.screen.actor,
                now=utc_now(),
                quiet=True,
            )
        except Refused as exc:
            set_error(self.error, str(exc))
            return False
        set_error(self.error, "")
        return True

    def _typed_notes(self) -> dict[int, tuple[bool, str]]:
        """The checks whose note was typed and not saved yet (a note is saved as its field is
        left; closing the window does not leave it)."""
        typed = {}
        for item in self.items:
            note = self.notes.get(item.check_id)
            if note is not None and note.isEnabled() and note.text().strip() != item.note:
                typed[item.check_id] = (self.boxes[item.check_id].isChecked(), note.text().strip())
        return typed

    def has_unsaved_changes(self) -> bool:
        """A screening note typed and not saved (see views/unsaved.py)."""
        return bool(self._typed_notes())

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "a screening note"

    def save(self) -> bool:
        """Save every note typed (with its tick as shown)."""
        typed = self._typed_notes()
        done = all(self._record(c, passed, note) for c, (passed, note) in typed.items())
        self.screen.refresh()
        return done
