"""The screens' settings (window geometry, last area, last user): the user's own file at a real
start, and never the user's file in a test or in the self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from usrg_desktop import APP_NAME, app, settings
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.sign_in import SignInDialog
from usrg_desktop.workflows.demo import DEMO_PASSWORD


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_tests_never_see_the_real_users_settings():
    # Every test runs with its own config folder (tests/conftest.py), so the file a real start
    # would write, and Qt's own store, are both outside the home folder.
    home = Path.home()
    assert not settings.gui_settings_file().is_relative_to(home)
    assert not Path(QSettings(app.ORGANISATION, APP_NAME).fileName()).is_relative_to(home)


def test_the_self_test_leaves_the_users_settings_alone(demo_db, tmp_path):
    # A child process with a home and a config folder of its own: after a self-test that opened
    # and closed the main window, neither holds a file.
    home, config = tmp_path / "home", tmp_path / "config"
    home.mkdir()
    config.mkdir()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(config),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "usrg_desktop", "--self-test", "--database", str(demo_db.path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files_under(config) == []
    assert _files_under(home) == []


def _sign_in_as(username: str, seen: dict, earlier: set[int]) -> None:
    """Sign in at the start-up dialog, then close the new main window as the user does.

    Windows of earlier tests may still exist: only the new ones are touched, and since one of
    them may keep "the last window closed" from ending the program, the program is ended once
    the new window has closed. Whatever happens, it is ended after 30 s, so a failure fails
    instead of hanging the run (that guard is stopped as soon as this start is over)."""
    guard = QTimer(QApplication.instance())
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(1))
    guard.start(30_000)

    def new(kind):  # noqa: ANN001, ANN202
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, kind) and w.isVisible() and id(w) not in earlier
        ]

    def sign_in() -> None:
        dialogs = new(SignInDialog)
        if not dialogs:
            QTimer.singleShot(20, sign_in)
            return
        dialog = dialogs[0]
        seen["prefilled"] = dialog.username.text()
        dialog.username.setText(username)
        dialog.password.setText(DEMO_PASSWORD)
        dialog.sign_in_button.click()
        QTimer.singleShot(50, close_the_window)

    def close_the_window() -> None:
        windows = new(MainWindow)
        if not windows:
            QTimer.singleShot(20, close_the_window)
            return
        windows[0].resize(1000, 640)
        windows[0].close()  # as the user does
        guard.stop()
        # The last window closed ends the program; a window an earlier test left open would
        # keep it running, so end it then (never after this start is over: seen["over"]).
        QTimer.singleShot(300, lambda: None if seen.get("over") else QApplication.quit())

    sign_in()


def _windows_now() -> set[int]:
    return {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}


def test_a_real_start_remembers_size_and_user_in_the_users_own_file(qapp, demo_db):
    seen: dict = {}
    earlier = _windows_now()
    QTimer.singleShot(20, lambda: _sign_in_as("coordinator", seen, earlier))
    code = app.main(["--database", str(demo_db.path)])
    seen["over"] = True
    assert code == 0
    path = settings.gui_settings_file()
    stored = QSettings(str(path), QSettings.Format.IniFormat)
    assert stored.value("sign_in/last_user") == "coordinator"
    assert stored.value("main_window/geometry")
    # The next start offers the same user.
    again: dict = {}
    earlier = _windows_now()
    QTimer.singleShot(20, lambda: _sign_in_as("coordinator", again, earlier))
    code = app.main(["--database", str(demo_db.path)])
    again["over"] = True
    assert code == 0
    assert again["prefilled"] == "coordinator"


def test_the_first_start_after_0_1_0_brings_the_old_settings_over(qapp):
    earlier = QSettings(app.ORGANISATION, APP_NAME)
    earlier.setValue("sign_in/last_user", "admin")
    earlier.sync()
    assert not settings.gui_settings_file().exists()
    assert app.user_settings().value("sign_in/last_user") == "admin"
    assert settings.gui_settings_file().exists()
