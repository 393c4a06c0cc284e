"""Opening a form over its window: window-modal, so the rest of the program stays usable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

D = TypeVar("D", bound=QDialog)


def open_window_modal(dialog: D, on_accepted: Callable[..., Any] | None = None) -> D:
    """Open a dialog modal to its window only, calling on_accepted when it is accepted."""
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    if on_accepted is not None:
        dialog.accepted.connect(on_accepted)
    dialog.open()
    return dialog
