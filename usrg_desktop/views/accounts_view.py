"""Administration ▸ Users (accounts and roles, Verify records…) and File ▸ Change my password…."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.accounts import Role
from ..storage import Database, StorageError
from ..workflows import Actor
from ..workflows.directory.directory_people import person_choices
from ..workflows.system import accounts as accounts_flow
from ..workflows.system.accounts import MIN_PASSWORD_LENGTH
from ..workflows.system.dates import utc_now
from ..workflows.system.records import check_records, last_records_check, note_records_check
from .form_feedback import error_label, set_error
from .list_controller import ListController
from .modal_dialogs import ok_cancel_buttons, open_window_modal
from .operations import Refused, confirm, perform, read
from .unsaved import GuardedDialog


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _role_combo(current: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("role")
    for role in Role:
        combo.addItem(role.value.capitalize(), role.value)
    if current is not None:
        combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class _FormDialog(GuardedDialog):
    """A small form whose refusal is said under the fields; the dialog stays open."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = error_label()
        buttons, self.ok_button = ok_cancel_buttons(self, self._on_ok, ok_text)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(buttons)
        self.setMinimumWidth(420)

    def show_error(self, message: str) -> None:
        """Say what is wrong under the fields."""
        set_error(self.error, message)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to show every line of the wrapped texts (a shown dialog does not by itself)."""
        self.layout_.activate()
        wanted = self.layout_.heightForWidth(self.width())
        if wanted < 0:
            wanted = self.sizeHint().height()
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        """Fit the wrapped texts once the dialog has its width."""
        super().showEvent(event)
        self.fit_height()

    def run(self, db: Database, action: Any) -> bool:
        """Run one workflow quietly; a refusal is shown in the dialog. True when done."""
        try:
            perform(self, db, action, quiet=True)
        except Refused as exc:
            self.show_error(str(exc))
            return False
        return True

    def _on_ok(self) -> None:  # pragma: no cover - every subclass has its own
        self.accept()


class UserDialog(_FormDialog):
    """A new account: username, name, role, the holder's directory entry and a password."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("New user", "Add user", parent)
        self.setObjectName("userDialog")
        self.db = db
        self.actor = actor
        self.saved_username: str | None = None
        choices = read(db, person_choices)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayName")
        self.role = _role_combo(Role.SECRETARIAT.value)
        self.person = QComboBox()
        self.person.setObjectName("person")
        self.person.addItem("Not in the directory", None)
        for pid, label in choices:
            self.person.addItem(label, pid)
        self.person.setEditable(False)
        self.person.currentIndexChanged.connect(self._person_chosen)
        self.password = _password_edit("password")
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.repeat = _password_edit("repeat")
        self.form.addRow("&Username:", self.username)
        self.form.addRow("&Full name:", self.display_name)
        self.form.addRow("&Role:", self.role)
        self.form.addRow("&Directory entry:", self.person)
        self.form.addRow("&Password:", self.password)
        self.form.addRow("R&epeat password:", self.repeat)
        self.username.setFocus()

    def _person_chosen(self, _index: int) -> None:
        # The directory's spelling of the name, unless one was typed already.
        if self.person.currentData() is not None and not self.display_name.text().strip():
            self.display_name.setText(self.person.currentText().split(" <", 1)[0])

    def _on_ok(self) -> None:
        if self.password.text() != self.repeat.text():
            self.show_error("The two passwords are not the same.")
            self.repeat.setFocus()
            return
        username = self.username.text()
        done = self.run(
            self.db,
            lambda s: accounts_flow.add_user(
                s,
                username=username,
                display_name=self.display_name.text(),
                password=self.password.text(),
                role=self.role.currentData(),
                person_id=self.person.currentData(),
                actor=self.actor,
                now=utc_now(),
            ),
        )
        if done:
            self.saved_username = username.strip()
            self.accept()


class RoleDialog(_FormDialog):
    """Choose another role for one account."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        user_id: int,
        username: str,
        role: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Change the role of {username}", "Change role", parent)
        self.setObjectName("roleDialog")
        self.db, self.actor, self.user_id = db, actor, user_id
        self.role = _role_combo(role)
        intro = QLabel(
            "Administrators manage accounts and settings; the secretariat runs the fund; "
            "coordinators run the meetings; reviewers score applications in reviewer mode."
        )
        intro.setWordWrap(True)
        self.layout_.insertWidget(0, intro)
        self.form.addRow(f"Role of {username}:", self.role)

    def _on_ok(self) -> None:
        if self.run(
            self.db,
            lambda s: accounts_flow.change_role(
                s,
                user_id=self.user_id,
                role=self.role.currentData(),
                actor=self.actor,
                now=utc_now(),
            ),
        ):
            self.accept()


class ResetPasswordDialog(_FormDialog):
    """An administrator sets a new password for one account."""

    def __init__(
        self, db: Database, actor: Actor, *, user_id: int, username: str, parent: QWidget | None
    ) -> None:
        super().__init__(f"Reset the password of {username}", "Set password", parent)
        self.setObjectName("resetPasswordDialog")
        self.db, self.actor, self.user_id = db, actor, user_id
        self.password = _password_edit("password")
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.repeat = _password_edit("repeat")
        self.form.addRow("&New password:", self.password)
        self.form.addRow("&Repeat:", self.repeat)

    def _on_ok(self) -> None:
        if self.password.text() != self.repeat.text():
            self.show_error("The two passwords are not the same.")
            return
        if self.run(
            self.db,
            lambda s: accounts_flow.reset_password(
                s,
                user_id=self.user_id,
                new_password=self.password.text(),
                actor=self.actor,
                now=utc_now(),
            ),
        ):
            self.accept()


class ChangePasswordDialog(_FormDialog):
    """The signed-in user changes their own password."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Change my password", "Change password", parent)
        self.setObjectName("changePasswordDialog")
        self.db, self.actor = db, actor
        self.present = _password_edit("present")
        self.password = _password_edit("password")
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.repeat = _password_edit("repeat")
        self.form.addRow("&Present password:", self.present)
        self.form.addRow("&New password:", self.password)
        self.form.addRow("&Repeat new password:", self.repeat)
        self.present.setFocus()

    def _on_ok(self) -> None:
        if self.password.text() != self.repeat.text():
            self.show_error("The two new passwords are not the same.")
            self.repeat.setFocus()
            return
        if self.run(
            self.db,
            lambda s: accounts_flow.change_own_password(
                s,
                actor=self.actor,
                old_password=self.present.text(),
                new_password=self.password.text(),
                now=utc_now(),
            ),
        ):
            self.accept()


class UsersController(ListController[QDialog]):
    """Wires the Users list: New user…, Change role…, Reset password…, Switch off / on, Unlock,
    Verify records…."""

    sign_in_to = "manage accounts"

    def __init__(self, window: Any, page: Any) -> None:
        super().__init__(window, page)
        self.new_button = page.add_action(
            "New user…", self.new_user, shortcut="Ctrl+N", tip="Add an account"
        )
        self.role_button = page.add_action(
            "Change role…", self.change_role, tip="Give the selected account another role"
        )
        self.password_button = page.add_action(
            "Reset password…", self.reset_password, tip="Set a new password for the account"
        )
        self.off_button = page.add_action(
            "Switch off", self.switch_off, tip="The account can no longer sign in"
        )
        self.on_button = page.add_action(
            "Switch on", self.switch_on, tip="The account can sign in again"
        )
        self.unlock_button = page.add_action(
            "Unlock",
            self.unlock,
            tip="Let an account slowed down by failed sign-ins try again at once",
        )
        self.verify_button = page.add_action(
            "Verify records…",
            self.verify_records,
            tip="Check the database file and that the audit log is as it was written",
        )
        self._show_last_check()
        self.role_filter = page.add_column_filter("role", "Role", everything="Every role")
        page.item_activated.connect(lambda _id: self.change_role())
        self._follow_current_row()

    def _admin(self) -> bool:
        actor = self.window.actor
        return actor is not None and actor.role == Role.ADMINISTRATOR.value

    def update_buttons(self) -> None:
        """Enable the buttons an administrator can use on the current row."""
        admin, row = self._admin(), self._row()
        self.new_button.setEnabled(admin)
        for button in (self.role_button, self.password_button, self.unlock_button):
            button.setEnabled(admin and row is not None)
        self.off_button.setEnabled(admin and row is not None and bool(row["active"]))
        self.on_button.setEnabled(admin and row is not None and not row["active"])
        if not admin:
            for button in (
                self.new_button,
                self.role_button,
                self.password_button,
                self.off_button,
                self.on_button,
                self.unlock_button,
            ):
                button.setToolTip("Only an administrator may manage accounts")

    def _show(self, dialog: QDialog, done: Any) -> QDialog:
        self.dialog = dialog
        return open_window_modal(dialog, done)

    def unlock(self) -> bool:
        """Let the selected account, slowed down by failed sign-ins, try again at once."""
        user_id, row = self.page.current_id(), self._row()
        if not self._admin() or user_id is None or row is None:
            return False
        return self._apply(
            accounts_flow.unlock_account,
            user_id,
            title="Unlock: not done",
            done=f"Unlocked the account '{row['username']}': it may sign in again.",
        )

    def _apply(
        self, workflow: Callable[..., object], user_id: int, *, title: str, done: str
    ) -> bool:
        """Run one account action on `user_id` as the signed-in administrator; say it was done."""
        ok, _ = perform(
            self.window,
            self.window.db,
            lambda s: workflow(s, user_id=user_id, actor=self.window.actor, now=utc_now()),
            title=title,
        )
        if ok:
            self._after_change(done, user_id)
        return ok

    def verify_records(self) -> bool | None:
        """Check the database and the audit log's hash chain; show what was found and when the
        records were checked before. Returns whether they verify (None if the check failed)."""
        db = self.window.db
        try:
            before, check = read(db, lambda s: (last_records_check(s), check_records(s)))
        except StorageError as exc:
            self.window.show_error("The records could not be checked", str(exc))
            return None
        perform(
            self.window,
            db,
            lambda s: note_records_check(s, check=check, database=db.display_name, now=utc_now()),
            title="Verify records",
        )
        if before is None:
            earlier = "These records had not been checked before."
        else:
            earlier = f"Before this check: {before[0].lower()}{before[1:]}"
        self._show_last_check()
        text = f"{check.sentence(db.display_name)}\n\n{earlier}"
        if check.ok:
            QMessageBox.information(self.window, "Verify records", text)
        else:
            QMessageBox.warning(self.window, "Verify records", text)
        return check.ok

    def _show_last_check(self) -> None:
        try:
            last = read(self.window.db, last_records_check)
        except StorageError:
            return
        self.verify_button.setToolTip(
            "Check the database file and that the audit log is as it was written. "
            + (last or "The records have not been checked yet.")
        )

    def new_user(self) -> QDialog | None:
        """Open the form for a new account (Ctrl+N)."""
        if not self._admin():
            return None
        return self._open_form(
            "form",
            lambda actor: UserDialog(self.window.db, actor, parent=self.window),
            lambda d: self._after_change(f"Added the account '{d.saved_username}'."),
        )

    def change_role(self) -> QDialog | None:
        """Open the role chooser for the selected account."""
        user_id, row = self.page.current_id(), self._row()
        if not self._admin() or user_id is None or row is None:
            return None
        dialog = RoleDialog(
            self.window.db,
            self.window.actor,
            user_id=user_id,
            username=row["username"],
            role=row["role"],
            parent=self.window,
        )
        return self._show(
            dialog,
            lambda d=dialog: self._after_change(
                f"'{row['username']}' now has the role {d.role.currentData()}.", user_id
            ),
        )

    def reset_password(self) -> QDialog | None:
        """Ask for a new password for the selected account."""
        user_id, row = self.page.current_id(), self._row()
        if not self._admin() or user_id is None or row is None:
            return None
        dialog = ResetPasswordDialog(
            self.window.db,
            self.window.actor,
            user_id=user_id,
            username=row["username"],
            parent=self.window,
        )
        return self._show(
            dialog,
            lambda: self._after_change(f"Set a new password for '{row['username']}'.", user_id),
        )

    def switch_off(self) -> bool:
        """Switch the selected account off, after asking (the last administrator stays on)."""
        user_id, row = self.page.current_id(), self._row()
        if not self._admin() or user_id is None or row is None:
            return False
        if not confirm(
            self.window,
            "Switch off",
            f"Switch off the account '{row['username']}'? It can no longer sign in; what it "
            "did stays in the history.",
            yes="Switch off",
        ):
            return False
        return self._apply(
            accounts_flow.switch_off_user,
            user_id,
            title="Switch off: not done",
            done=f"Switched off the account '{row['username']}'.",
        )

    def switch_on(self) -> bool:
        """Switch the selected account on again."""
        user_id, row = self.page.current_id(), self._row()
        if not self._admin() or user_id is None or row is None:
            return False
        return self._apply(
            accounts_flow.switch_on_user,
            user_id,
            title="Switch on: not done",
            done=f"Switched on the account '{row['username']}'.",
        )


def setup_users_page(window: Any, page: Any) -> None:
    """Add the Users list's actions (called by the main window when it builds the page)."""
    page.users_controller = UsersController(window, page)


def change_my_password(window: Any) -> QDialog | None:
    """File ▸ Change my password…: the signed-in user sets a new password."""
    if window.actor is None or window.actor.user_id is None:
        window.show_error("Nobody is signed in", "Sign in to change your password.")
        return None
    dialog = ChangePasswordDialog(window.db, window.actor, parent=window)
    window.change_password_dialog = dialog
    return open_window_modal(
        dialog, lambda: window.statusBar().showMessage("Your password is changed.", 8000)
    )
