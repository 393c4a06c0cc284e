"""Signing in with a real account; a new database makes its first administrator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from usrg_desktop.domain.accounts import User
from usrg_desktop.views.sign_in import FirstAdministratorDialog, SignInDialog
from usrg_desktop.workflows.demo import DEMO_PASSWORD


def test_wrong_password_is_said_under_the_fields_and_the_dialog_stays(qtbot, demo_db, settings):
    dialog = SignInDialog(demo_db, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "secretariat")
    qtbot.keyClicks(dialog.password, "not-the-password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.actor is None
    assert dialog.error.text() == "The username or the password is not right."


def test_right_password_signs_in_and_is_remembered(qtbot, demo_db, settings):
    dialog = SignInDialog(demo_db, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "Secretariat")  # case-blind
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.role == "secretariat"
    with demo_db.unit_of_work() as session:
        user = session.scalar(select(User).where(User.username == "secretariat"))
        assert user.last_login_at is not None
    again = SignInDialog(demo_db, settings=settings)
    qtbot.addWidget(again)
    assert again.username.text() == "Secretariat"


def test_a_new_database_makes_its_first_administrator(qtbot, db):
    dialog = FirstAdministratorDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "thandi")
    qtbot.keyClicks(dialog.display_name, "Thandi Nkosi")
    qtbot.keyClicks(dialog.password, "long-enough-1")
    qtbot.keyClicks(dialog.repeat, "long-enough-2")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "The two passwords are not the same."
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "long-enough-1")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.role == "administrator"
    with db.unit_of_work() as session:
        assert session.scalars(select(User.username)).all() == ["thandi"]
