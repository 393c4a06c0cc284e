"""Small pieces the letter screens share: a selectable error label, the Documents folder, and
showing a PDF file in the program's preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QLabel,
)

from .form_feedback import error_label
from .pdf_preview import PdfPreview


def selectable_error_label() -> QLabel:
    """An error label whose sentence can be selected and copied."""
    label = error_label("")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def documents_folder() -> str:
    """The user's Documents folder (where files are saved first)."""
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


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
