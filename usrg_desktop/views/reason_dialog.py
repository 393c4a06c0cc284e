"""The dialog that asks for a written reason before a step that cannot be taken back (cancel a
meeting, reject a host proposal): what will happen, the reason, a red sentence under it, OK and
Cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ..storage import Database
from .form_feedback import error_label, set_error
from .modal_dialogs import ok_cancel_buttons
from .operations import perform_showing
from .unsaved import GuardedDialog


class WrittenReasonDialog(GuardedDialog):
    """A window-modal dialog asking for a reason; OK calls `save()`, which each subclass writes.

    `intro` says what will happen, `ok_text` names the step on the OK button and `cancel_text`,
    when given, renames Cancel. Cancel, Escape or × with typing asks first.
    """

    def __init__(
        self,
        parent: QWidget,
        *,
        title: str,
        intro: str,
        ok_text: str,
        cancel_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.guard_unsaved(self.windowTitle)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(80)
        label = QLabel("&Reason:")
        label.setBuddy(self.reason)
        self.error = error_label("error_reason")
        self.buttons, self.ok_button = ok_cancel_buttons(self, self.save, ok_text)
        self.ok_button.setObjectName("ok")
        if cancel_text is not None:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        """Take the step with the reason typed; True when done (the subclass says how)."""
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        """Say under the reason why the step was not taken; the dialog stays open."""
        set_error(self.error, text)

    def commit(self, db: Database, workflow: Callable[..., Any], **values: Any) -> bool:
        """Run `workflow` with `values`; close when done, else show the refusal under the
        reason."""
        if not perform_showing(self.error, self, db, workflow, **values):
            return False
        self.accept()
        return True
