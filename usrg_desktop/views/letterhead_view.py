"""Letters ▸ Letterhead: the name, address, footer and logo printed on every letter and pack, and
the signatory, with a preview of a letter as printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError
from ..workflows.letters import issuing as wl
from ..workflows.letters import letter_previews
from ..workflows.system.dates import utc_now
from .award_dates_panel import AwardDatesPanel
from .form_feedback import set_error
from .image_field import choose_image_file, read_image, show_image
from .letters_common import selectable_error_label
from .operations import perform_showing, read
from .pdf_preview import PdfPreview
from .signatory_panel import SignatoryPanel
from .unsaved import install_guard
from .window_size import close_keys, fit_on_screen


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
        current = read(db, wl.current_letterhead)
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
        self.error = selectable_error_label()
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
        show_image(self.logo_label, self._logo, height=40, empty="No logo")

    def set_logo_file(self, path: str | Path) -> bool:
        """Use the image in `path` as the logo (checked when saved)."""
        logo = read_image(path, what="logo", error=self.error)
        if logo is None:
            return False
        self._logo = logo
        self._logo_changed = True
        self._show_logo()
        self.refresh_preview()
        return True

    def _choose_logo(self) -> None:
        path = choose_image_file(self, "Choose a logo")
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
            pdf = read(
                self.db,
                letter_previews.preview_letterhead_pdf,
                letterhead=self.letterhead(),
                today=self.today,
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
        saved = perform_showing(
            self.error, self, self.db, wl.set_letterhead, actor=self.actor, now=utc_now(), **changes
        )
        if not saved:
            return False
        self._logo_changed = False
        self._saved = self._fields()
        self.status.setText("Saved. New letters are printed on this letterhead.")
        return True


def letterhead(window: Any) -> LetterheadEditor:
    """Letters ▸ Letterhead…: the letterhead letters are printed on (administrators change it)."""
    return window.open_window(
        "letterhead", lambda: LetterheadEditor(window.db, window.actor, window.today)
    )
