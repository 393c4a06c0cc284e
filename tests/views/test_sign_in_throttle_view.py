"""The sign-in prompt slows down guessing; Administration ▸ Users ▸ Unlock lets an account in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from usrg_desktop.views.sign_in import SignInDialog
from usrg_desktop.workflows.demo import DEMO_PASSWORD


def _attempt(qtbot, db, password: str) -> SignInDialog:
    dialog = SignInDialog(db, settings=None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "secretariat")
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    return dialog


def test_five_wrong_passwords_then_wait_and_an_administrator_unlocks(qtbot, demo_db, settings):
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.workflows.system.accounts import actor_named

    db = demo_db
    with db.unit_of_work() as session:
        admin = actor_named(session, username="admin")
    main_window = MainWindow(db, settings=settings, actor=admin)
    qtbot.addWidget(main_window)
    main_window.show()
    for _ in range(5):
        dialog = _attempt(qtbot, db, "not the password")
    assert "wait until" in dialog.error.text() and dialog.actor is None
    dialog = _attempt(qtbot, db, DEMO_PASSWORD)
    assert dialog.error.text().startswith("Too many failed sign-ins for 'secretariat'")
    assert dialog.actor is None

    page = main_window.show_page("Administration", 0)
    controller = page.users_controller
    for row in range(page.model.rowCount()):
        if page.model.row_values(row)[0] == "secretariat":
            page.table.selectRow(row)
    assert controller.unlock_button.isEnabled()
    qtbot.mouseClick(controller.unlock_button, Qt.MouseButton.LeftButton)
    assert "Unlocked the account 'secretariat'" in main_window.statusBar().currentMessage()
    dialog = _attempt(qtbot, db, DEMO_PASSWORD)
    assert dialog.actor is not None and dialog.actor.name
