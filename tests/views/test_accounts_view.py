"""Administration ▸ Users and File ▸ Change my password…, clicked and typed like a person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.views.conftest import answer_modal
from usrg_desktop.domain.accounts import User
from usrg_desktop.views import operations
from usrg_desktop.views.sign_in import SignInDialog
from usrg_desktop.workflows.demo import DEMO_PASSWORD


@pytest.fixture
def admin_window(qtbot, demo_db, settings):
    """The main window on the demo data, signed in as the demo's administrator."""
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.workflows.system.accounts import actor_named

    with demo_db.unit_of_work() as session:
        actor = actor_named(session, username="admin")
    window = MainWindow(demo_db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _users_page(window):
    return window.show_page("Administration", 0)


def _select(page, username: str) -> int:
    for row in range(page.model.rowCount()):
        if page.model.row_values(row)[0] == username:
            page.table.selectRow(row)
            return page.model.row_id(row)
    raise AssertionError(f"{username} is not in the list")


def _user(db, username: str) -> User:
    with db.unit_of_work() as session:
        return session.scalars(select(User).where(User.username == username)).one()


def _sign_in(qtbot, db, settings, username: str, password: str) -> SignInDialog:
    dialog = SignInDialog(db, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    return dialog


def test_add_a_user_then_sign_in_with_it(qtbot, admin_window, settings):
    page = _users_page(admin_window)
    controller = page.users_controller
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = controller.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.username, "nomsa")
    dialog.role.setCurrentIndex(dialog.role.findData("coordinator"))
    index = next(
        i for i in range(dialog.person.count()) if dialog.person.itemText(i).startswith("Deon ")
    )
    dialog.person.setCurrentIndex(index)
    assert dialog.display_name.text().startswith("Deon ")  # the directory's spelling
    dialog.display_name.clear()
    qtbot.keyClicks(dialog.display_name, "Nomsa Dlamini")
    qtbot.keyClicks(dialog.password, "nomsa-secret-1")
    qtbot.keyClicks(dialog.repeat, "nomsa-secret-2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.text() == "The two passwords are not the same."
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "nomsa-secret-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    user = _user(admin_window.db, "nomsa")
    assert (user.display_name, user.role, user.person_id is not None) == (
        "Nomsa Dlamini",
        "coordinator",
        True,
    )
    assert page.model.rowCount() == 4
    signed = _sign_in(qtbot, admin_window.db, settings, "nomsa", "nomsa-secret-1")
    assert signed.result() == signed.DialogCode.Accepted
    assert signed.actor.role == "coordinator" and signed.actor.name == "Nomsa Dlamini"


def test_a_taken_username_is_said_in_the_form_and_nothing_is_added(qtbot, admin_window):
    page = _users_page(admin_window)
    dialog = page.users_controller.new_user()
    qtbot.keyClicks(dialog.username, "Secretariat")
    qtbot.keyClicks(dialog.display_name, "Someone")
    qtbot.keyClicks(dialog.password, "long-enough-1")
    qtbot.keyClicks(dialog.repeat, "long-enough-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.text() == "The username 'Secretariat' is already taken."
    page.reload()
    assert page.model.rowCount() == 3


def test_the_last_administrator_cannot_be_switched_off(qtbot, admin_window):
    page = _users_page(admin_window)
    _select(page, "admin")
    seen = answer_modal("Switch off")
    assert page.users_controller.switch_off() is False
    assert "Switch off the account 'admin'?" in seen[0]
    box = operations.last_refusal[0]
    assert box is not None
    assert box.text().startswith("'admin' is the last active administrator;")
    box.close()
    assert _user(admin_window.db, "admin").active


def test_change_role_and_the_last_administrator_sentence_in_the_dialog(qtbot, admin_window):
    page = _users_page(admin_window)
    controller = page.users_controller
    _select(page, "admin")
    dialog = controller.change_role()
    dialog.role.setCurrentIndex(dialog.role.findData("secretariat"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "'admin' is the last active administrator" in dialog.error.text()
    dialog.reject()
    uid = _select(page, "coordinator")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter opens the role chooser
    dialog = controller.dialog
    dialog.role.setCurrentIndex(dialog.role.findData("administrator"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _user(admin_window.db, "coordinator").role == "administrator"
    assert page.current_id() == uid
    keys = [c.key for c in page.model.columns]
    assert page.model.row_values(page.table.currentIndex().row())[keys.index("role")] == (
        "administrator"
    )


def test_switch_off_and_on_then_reset_password_and_sign_in(qtbot, admin_window, settings):
    page = _users_page(admin_window)
    controller = page.users_controller
    _select(page, "secretariat")
    answer_modal("Switch off")
    assert controller.switch_off() is True
    assert not _user(admin_window.db, "secretariat").active
    refused = _sign_in(qtbot, admin_window.db, settings, "secretariat", DEMO_PASSWORD)
    assert refused.error.text().startswith("The account 'secretariat' is switched off")
    assert controller.on_button.isEnabled()
    assert controller.switch_on() is True
    dialog = controller.reset_password()
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeat, "short")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "The new password must be at least 8 characters long."
    dialog.password.clear()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.password, "brand-new-pass")
    qtbot.keyClicks(dialog.repeat, "brand-new-pass")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    signed = _sign_in(qtbot, admin_window.db, settings, "secretariat", "brand-new-pass")
    assert signed.actor is not None and signed.actor.role == "secretariat"


def test_change_my_password_from_the_file_menu(qtbot, main_window, settings):
    action = main_window.command_actions["change_my_password"]
    assert action.text() == "Change my pass&word…"
    action.trigger()
    dialog = main_window.change_password_dialog
    qtbot.keyClicks(dialog.present, "not-it")
    qtbot.keyClicks(dialog.password, "my-new-password")
    qtbot.keyClicks(dialog.repeat, "my-new-password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error.text() == "The present password is not right."
    dialog.present.clear()
    qtbot.keyClicks(dialog.present, DEMO_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    signed = _sign_in(qtbot, main_window.db, settings, "secretariat", "my-new-password")
    assert signed.actor is not None


def test_the_secretariat_sees_the_account_buttons_switched_off(main_window):
    page = _users_page(main_window)
    controller = page.users_controller
    _select(page, "coordinator")
    for button in (
        controller.new_button,
        controller.role_button,
        controller.password_button,
        controller.off_button,
    ):
        assert not button.isEnabled()
        assert button.toolTip() == "Only an administrator may manage accounts"
    assert controller.new_user() is None
