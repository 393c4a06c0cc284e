"""Administration ▸ Backups: Back up now adds the backup to the list with its check; only an
administrator can restore, after a question, and every list then shows the restored records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.storage.test_storage import _add_city
from tests.views.conftest import answer_modal
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.workflows.system.accounts import actor_named


def _window(qtbot, db, settings, username: str) -> MainWindow:
    with db.unit_of_work() as session:
        actor = actor_named(session, username=username)
    window = MainWindow(db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _backups_page(qtbot, window):
    page = window.show_page("Administration", 2)
    qtbot.waitUntil(lambda: page.loaded)
    return page


@pytest.fixture
def admin_window(qtbot, demo_db, settings):
    return _window(qtbot, demo_db, settings, "admin")


def test_back_up_now_then_restore_as_an_administrator(qtbot, admin_window, demo_db):
    window = admin_window
    page = _backups_page(qtbot, window)
    controller = page.backups_controller
    assert page.model.rowCount() == 0
    qtbot.mouseClick(controller.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = page.model.row_values(0)
    assert row[1] == "manual" and row[3].startswith("OK (schema ")
    assert "Backup saved to" in window.statusBar().currentMessage()

    with demo_db.unit_of_work() as session:
        _add_city(session, "NEW")
    cities = window.show_page("Directory", 1)
    qtbot.waitUntil(lambda: cities.loaded)
    window.show_page("Administration", 2)
    page.table.setFocus()
    page.table.selectRow(0)
    assert controller.restore_button.isEnabled()
    asked = answer_modal("Restore")
    qtbot.mouseClick(controller.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.message is not None and controller.message.isVisible())
    assert asked and asked[0].startswith("Replace every record by the backup made ")
    assert controller.message.windowTitle() == "Backup restored"
    assert "before-restore" in controller.message.text()
    controller.message.close()
    assert demo_db.rows("SELECT COUNT(*) FROM cities WHERE municipal_code = 'NEW'") == [(0,)]
    # The restored records show in the lists at once; the backup of what was replaced is listed.
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert "before restore" in [page.model.row_values(r)[1] for r in range(2)]


def test_a_restore_answered_with_cancel_changes_nothing(qtbot, admin_window, demo_db):
    page = _backups_page(qtbot, admin_window)
    controller = page.backups_controller
    controller.back_up_now()
    with demo_db.unit_of_work() as session:
        _add_city(session, "NEW")
    page.table.selectRow(0)
    answer_modal("Cancel")
    qtbot.mouseClick(controller.restore_button, Qt.MouseButton.LeftButton)
    assert demo_db.rows("SELECT COUNT(*) FROM cities WHERE municipal_code = 'NEW'") == [(1,)]


def test_the_secretariat_cannot_restore_and_is_told_why(qtbot, demo_db, settings):
    window = _window(qtbot, demo_db, settings, "secretariat")
    page = _backups_page(qtbot, window)
    controller = page.backups_controller
    controller.back_up_now()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.selectRow(0)
    assert controller.backup_button.isEnabled()
    assert not controller.restore_button.isEnabled()
    assert controller.restore_button.toolTip() == "Only an administrator may restore a backup."
