"""Opening a form over its window: window-modal, so the rest of the program stays usable; and
the OK (or Save) and Cancel buttons under a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

D = TypeVar("D", bound=QDialog)


def open_window_modal(dialog: D, on_accepted: Callable[..., Any] | None = None) -> D:
    """Open a dialog modal to its window only, calling on_accepted when it is accepted."""
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    if on_accepted is not None:
        dialog.accepted.connect(on_accepted)
    dialog.open()
    return dialog


def ok_cancel_buttons(
    dialog: QDialog, on_ok: Callable[[], Any], text: str | None = None, *, save: bool = False
) -> tuple[QDialogButtonBox, QPushButton]:
    """OK (Save with `save`) and Cancel: OK, named `text` if given, calls `on_ok`; Cancel
    rejects `dialog`. Returns the box and its OK (or Save) button."""
    ok = QDialogButtonBox.StandardButton.Save if save else QDialogButtonBox.StandardButton.Ok
    buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    ok_button = buttons.button(ok)
    if text is not None:
        ok_button.setText(text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button
