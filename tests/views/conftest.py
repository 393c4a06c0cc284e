"""GUI fixtures: QSettings kept in the test's own folder, and a main window on the demo data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import TODAY


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory) -> Iterator[None]:
    """Point every QSettings at a throwaway folder, so no test reads or leaves real settings."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)
    yield


@pytest.fixture
def settings(tmp_path) -> QSettings:
    """A settings file of this test only."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def main_window(qtbot, demo_db, settings):
    """The main window on a fresh copy of the demo database, shown offscreen."""
    from usrg_desktop.views.main_window import MainWindow

    window = MainWindow(demo_db, settings=settings, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
