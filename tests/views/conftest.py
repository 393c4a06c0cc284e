"""GUI fixtures: QSettings kept in the test's own folder, and a main window on the demo data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory) -> Iterator[None]:
    """Point every QSettings at a throwaway folder, so no test reads or leaves real settings."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)
    yield


@pytest.fixture(autouse=True)
def _unsaved_questions_answered_at_teardown() -> Iterator[None]:
    """A window closed at the end of a test with typing not saved asks Save / Discard / Cancel
    (views/unsaved.py) and stays open; answer Discard so it really closes and no question is
    left waiting for the next test."""
    yield
    from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

    for _ in range(5):
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "unsavedChanges" and w.isVisible()
        ]
        if not boxes:
            return
        for box in boxes:
            for button in box.findChildren(QAbstractButton):
                if button.text().replace("&", "") == "Discard":
                    button.click()
                    break
        QApplication.processEvents()


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """A settings file of this test only."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def main_window(qtbot, demo_db, settings):
    """The main window on a fresh copy of the demo database, shown offscreen, signed in as the
    demo's secretariat member, showing the Applications list (the window opens on Today; most
    tests start from the applications)."""
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.workflows.system.accounts import actor_named

    with demo_db.unit_of_work() as session:
        actor = actor_named(session, username="secretariat")
    window = MainWindow(demo_db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("Applications")
    return window


def answer_modal(button_text: str, *, delay_ms: int = 50, attempts: int = 600) -> list[str]:
    """Click `button_text` in the next modal dialog (QMessageBox.exec and the like).

    Call it just before the click that opens the dialog; returns a list that receives the
    dialog's text, so the test can check what the user was asked. A modal without that button
    (a progress dialog shown first, say) is waited out. If no dialog with the button comes
    within `attempts` tries, the modal left open is closed so the test fails instead of hanging,
    and the list receives "no button '…'".
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox

    seen: list[str] = []

    def matching(box) -> QAbstractButton | None:
        for button in box.findChildren(QAbstractButton):
            if button.text().replace("&", "") == button_text:
                return button
        return None

    def attempt(left: int) -> None:
        box = QApplication.activeModalWidget()
        button = matching(box) if box is not None else None
        if button is None:
            if left:
                QTimer.singleShot(delay_ms, lambda: attempt(left - 1))
            else:
                seen.append(f"no button '{button_text}'")
                if isinstance(box, QDialog):
                    box.reject()
            return
        if isinstance(box, QMessageBox):
            seen.append(box.text())
        button.click()

    QTimer.singleShot(delay_ms, lambda: attempt(attempts))
    return seen
