"""The "Who signs the letters" part of the letterhead screen: name, designation, on whose behalf
and an optional signature image (administrators change it; letter_signatory does the work)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ..workflows import Actor
from ..workflows.letters import letter_signatory as ls
from ..workflows.system.dates import utc_now
from .form_feedback import error_label
from .image_field import choose_image_file, read_image, show_image
from .operations import perform_showing, read


class SignatoryPanel(QGroupBox):
    """Who signs the letters: shown to everyone, changed by an administrator."""

    def __init__(
        self,
        db: Any,
        actor: Actor | None,
        on_saved: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Who signs the letters", parent)
        self.setObjectName("signatoryPanel")
        self.db, self.actor, self.on_saved = db, actor, on_saved
        current = read(db, ls.current_signatory)
        self._image: bytes | None = current.signature_png if current else None
        self._image_changed = False
        self.name = QLineEdit(current.name if current else "")
        self.name.setObjectName("signatoryName")
        self.name.setPlaceholderText("Nobody: letters end with the template's lines")
        self.designation = QLineEdit(current.designation if current else "")
        self.designation.setObjectName("signatoryDesignation")
        self.designation.setPlaceholderText("USRG Coordinator")
        self.on_behalf_of = QLineEdit(current.on_behalf_of if current else "")
        self.on_behalf_of.setObjectName("signatoryOnBehalfOf")
        self.on_behalf_of.setPlaceholderText("the South African Cities Network")
        self.image_label = QLabel()
        self.image_label.setObjectName("signatureLabel")
        choose = QPushButton("Choose signature…")
        choose.clicked.connect(self._choose_image)
        remove = QPushButton("No signature image")
        remove.clicked.connect(self.remove_image)
        self.error = error_label()
        self.error.setObjectName("signatoryError")
        self.save_button = QPushButton("Save si&gnatory")
        self.save_button.setObjectName("saveSignatory")
        self.save_button.clicked.connect(self.save)
        allowed = actor is not None and actor.role == "administrator"
        for widget in (self.name, self.designation, self.on_behalf_of, choose, remove):
            widget.setEnabled(allowed)
        self.save_button.setEnabled(allowed)
        image_row = QHBoxLayout()
        image_row.addWidget(self.image_label, 1)
        image_row.addWidget(choose)
        image_row.addWidget(remove)
        form = QFormLayout(self)
        form.addRow("Na&me:", self.name)
        form.addRow("&Designation:", self.designation)
        form.addRow("On &behalf of:", self.on_behalf_of)
        form.addRow("Signature:", image_row)
        form.addRow("", self.error)
        form.addRow("", self.save_button)
        self._saved = self._fields()
        self._show_image()

    def _fields(self) -> tuple[str, str, str]:
        return (self.name.text(), self.designation.text(), self.on_behalf_of.text())

    def has_unsaved_changes(self) -> bool:
        """Something typed or chosen here is not saved yet (administrators only)."""
        return self.save_button.isEnabled() and (
            self._image_changed or self._fields() != self._saved
        )

    def _show_image(self) -> None:
        show_image(
            self.image_label,
            self._image,
            height=36,
            empty="No signature image: room to sign by hand",
        )

    def set_image_file(self, path: str | Path) -> bool:
        """Use the image in `path` as the signature (checked when saved)."""
        image = read_image(path, what="signature", error=self.error)
        if image is None:
            return False
        self._image = image
        self._image_changed = True
        self._show_image()
        return True

    def _choose_image(self) -> None:
        path = choose_image_file(self, "Choose a signature image")
        if path:
            self.set_image_file(path)

    def remove_image(self) -> None:
        """Print without a signature image (room to sign by hand)."""
        self._image = None
        self._image_changed = True
        self._show_image()

    def save(self) -> bool:
        """Save the signatory; a refusal shows as its sentence under the fields."""
        if self.actor is None:
            return False
        changes: dict[str, Any] = {
            "name": self.name.text(),
            "designation": self.designation.text(),
            "on_behalf_of": self.on_behalf_of.text(),
        }
        if self._image_changed:
            changes["signature_png" if self._image else "remove_signature"] = self._image or True
        saved = perform_showing(
            self.error, self, self.db, ls.set_signatory, actor=self.actor, now=utc_now(), **changes
        )
        if not saved:
            return False
        self._image_changed = False
        self._saved = self._fields()
        if self.on_saved is not None:
            self.on_saved()
        return True
