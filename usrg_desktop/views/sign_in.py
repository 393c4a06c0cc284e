"""Signing in: who is acting decides what the workflows allow (roles are checked there)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError
from ..workflows.system.accounts import MIN_PASSWORD_LENGTH, create_first_administrator, sign_in_to
from ..workflows.system.dates import utc_now
from .form_feedback import error_label, set_error
from .modal_dialogs import ok_cancel_buttons
from .operations import Refused, perform, read

_LAST_USER_KEY = "sign_in/last_user"


class _AccountForm(QDialog):
    """What the two dialogs share: the database, the actor they end with, and their layout: an
    intro, the fields, a red sentence under them (the dialog stays) and OK/Cancel."""

    def __init__(self, db: Database, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(title)
        self.error = error_label()

    def _lay_out(
        self, intro: QLabel, form: QFormLayout, ok_text: str, on_ok: Callable[[], None]
    ) -> QPushButton:
        """Stack the intro, the fields, the error and the buttons; returns the OK button."""
        buttons, ok_button = ok_cancel_buttons(self, on_ok, ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        return ok_button

    def _show(self, message: str) -> None:
        set_error(self.error, message)


class SignInDialog(_AccountForm):
    """Username and password; a wrong pair is said under the fields and the dialog stays."""

    def __init__(
        self, db: Database, *, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, f"Sign in — {APP_NAME}", parent)
        self._settings = settings
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        intro = QLabel(f"Database: {db.display_name}")
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("&Username:", self.username)
        form.addRow("&Password:", self.password)
        self.sign_in_button = self._lay_out(intro, form, "Sign in", self._on_sign_in)
        last = settings.value(_LAST_USER_KEY) if settings is not None else None
        if isinstance(last, str) and last:
            self.username.setText(last)
            self.password.setFocus()
        else:
            self.username.setFocus()
        self.setMinimumWidth(380)

    def _on_sign_in(self) -> None:
        username = self.username.text().strip()
        if not username:
            self._show("Type your username.")
            self.username.setFocus()
            return
        try:
            actor = sign_in_to(
                self.db, username=username, password=self.password.text(), now=utc_now()
            )
        except (WorkflowError, StorageError) as exc:
            self._show(str(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.actor = actor
        if self._settings is not None:
            self._settings.setValue(_LAST_USER_KEY, username)
        self.accept()


class FirstAdministratorDialog(_AccountForm):
    """A new database has no accounts: make the first one, an administrator."""

    def __init__(self, db: Database, *, parent: QWidget | None = None) -> None:
        super().__init__(db, f"First administrator — {APP_NAME}", parent)
        intro = QLabel(
            "This database has no user accounts yet. Make the first one: an administrator, "
            "who can then add the secretariat's and coordinators' accounts."
        )
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayName")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        form = QFormLayout()
        form.addRow("&Username:", self.username)
        form.addRow("&Full name:", self.display_name)
        form.addRow("&Password:", self.password)
        form.addRow("&Repeat password:", self.repeat)
        self.create_button = self._lay_out(intro, form, "Create and sign in", self._on_create)
        self.setMinimumWidth(420)

    def _on_create(self) -> None:
        if self.password.text() != self.repeat.text():
            self._show("The two passwords are not the same.")
            self.repeat.setFocus()
            return
        try:
            _ok, self.actor = perform(
                self,
                self.db,
                create_first_administrator,
                username=self.username.text(),
                display_name=self.display_name.text(),
                password=self.password.text(),
                now=utc_now(),
                quiet=True,
            )
        except Refused as exc:
            self._show(str(exc))
            return
        self.accept()


def ask_who_is_acting(db: Database, settings: QSettings | None) -> Actor | None:
    """Sign in (or make the first administrator of a new database); None when cancelled."""
    from ..workflows.system.accounts import has_users

    any_user = read(db, has_users)
    dialog: SignInDialog | FirstAdministratorDialog
    dialog = SignInDialog(db, settings=settings) if any_user else FirstAdministratorDialog(db)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor
