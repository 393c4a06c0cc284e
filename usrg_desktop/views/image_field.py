"""An image chosen from a file for printing (the letterhead's logo, the signatory's scanned
signature): shown small beside its buttons, read with a sentence when the file cannot be, and
chosen from the Documents folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from .form_feedback import set_error

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg)"


def show_image(label: QLabel, data: bytes | None, *, height: int, empty: str) -> None:
    """Show the image at `height` pixels in `label`, or the sentence `empty` when there is none
    (and say so when the bytes are not an image Qt can show)."""
    if not data:
        label.setText(empty)
        return
    pixmap = QPixmap()
    pixmap.loadFromData(data)
    if pixmap.isNull():
        label.setText("(the image cannot be shown)")
    else:
        label.setPixmap(pixmap.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation))


def read_image(path: str | Path, *, what: str, error: QLabel) -> bytes | None:
    """The bytes of the image file, or None with "The `what` file … cannot be read" under the
    fields (what the image is, the workflow checks when it is saved)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        set_error(error, f"The {what} file {path} cannot be read ({exc.strerror}).")
        return None


def choose_image_file(parent: QWidget, title: str) -> str:
    """Ask for an image file, starting in the Documents folder; '' when cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, IMAGE_FILTER)
    return path
