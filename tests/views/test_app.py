"""`usrg-desktop` itself: the self-test, a damaged database, the version, and a real start."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from usrg_desktop import __version__, app, settings
from usrg_desktop.views.main_window import AREA_NAMES
from usrg_desktop.views.sign_in import SignInDialog
from usrg_desktop.workflows.demo import DEMO_PASSWORD


def test_self_test_passes_on_the_demo_database(demo_db, capsys):
    assert app.main(["--self-test", "--database", str(demo_db.path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for name in AREA_NAMES:
        (line,) = [line for line in lines if line.startswith(f"{name}:")]
        # Every list has rows on the demo data, but for the backups of a copy made a moment ago
        # and the outbox (the demo e-mails nobody).
        shown = line.replace(", 0 backups", "").replace(", 0 messages", "")
        assert " 0 " not in f" {shown} ", f"an empty list on the demo data: {line}"
    assert "Self-test passed" in out


def test_self_test_on_a_new_database_needs_only_the_reference_lists(db, capsys):
    assert app.main(["--self-test", "--database", str(db.path)]) == 0
    out = capsys.readouterr().out
    assert "9 cities" in out and "Applications:   0 applications" in out


def test_self_test_fails_with_the_reason_on_a_damaged_file(tmp_path, capsys):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(range(256)) * 64)
    assert app.main(["--self-test", "--database", str(damaged)]) != 0
    err = capsys.readouterr().err
    assert "damaged" in err and str(damaged) in err
    assert "Traceback" not in err


def test_self_test_fails_when_a_screen_raises_while_shown(demo_db, capsys, monkeypatch):
    # A screen that raises in a slot (here: the second area, after its list is shown) must fail
    # the self-test, not leave it "passed".
    from usrg_desktop.storage import StorageError
    from usrg_desktop.views.main_window import MainWindow

    shown = MainWindow.show_page

    def show_page(self, area, page):
        def busy() -> None:
            raise StorageError("The database is busy: another USRG Desktop is writing to it.")

        if area == 1 and page == 0:
            QTimer.singleShot(0, busy)
        return shown(self, area, page)

    monkeypatch.setattr(MainWindow, "show_page", show_page)
    assert app.main(["--self-test", "--database", str(demo_db.path)]) == 1
    err = capsys.readouterr().err
    assert f"Self-test failed: {AREA_NAMES[1]} ▸ " in err
    assert "the screen raised StorageError: The database is busy" in err
    assert "Traceback" not in err
    # Without the raising screen the same database passes.
    monkeypatch.setattr(MainWindow, "show_page", shown)
    assert app.main(["--self-test", "--database", str(demo_db.path)]) == 0


def test_python_m_usrg_desktop_self_test_in_a_child_process(demo_db, tmp_path):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"\x00garbage" * 1000)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "usrg_desktop", "--self-test", "--database"]
    good = subprocess.run(
        [*command, str(demo_db.path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("\n") >= len(AREA_NAMES)
    bad = subprocess.run(
        [*command, str(damaged)], capture_output=True, text=True, env=env, timeout=120
    )
    assert bad.returncode == 1
    assert "damaged" in bad.stderr and "Traceback" not in bad.stderr


def test_version(capsys):
    assert app.main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_start_shows_the_window_then_makes_the_daily_backup(qapp, demo_db):
    seen = {}

    def look_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        seen["titles"] = [w.windowTitle() for w in windows]
        seen["status"] = [label.text() for w in windows for label in w.findChildren(QLabel)]
        QApplication.exit(0)  # not quit(): Qt 6 posts a Quit event that a later loop would get

    def sign_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(20, sign_in)
            return
        dialog.username.setText("coordinator")
        dialog.password.setText(DEMO_PASSWORD)
        dialog.sign_in_button.click()
        # The backup is queued behind the first paint; look after it had its turn.
        QTimer.singleShot(300, look_and_quit)

    QTimer.singleShot(20, sign_in)
    assert app.main(["--database", str(demo_db.path)]) == 0
    assert any("Anél Coetzée" in text for text in seen["status"])
    assert any(str(demo_db.path) in title for title in seen["titles"])
    backups = list(settings.backups_dir().glob(f"{demo_db.path.stem}-*-daily.sqlite3"))
    assert len(backups) == 1


def test_start_on_a_damaged_file_says_so_and_exits_1(qapp, tmp_path):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not sqlite" * 500)
    seen = {}

    def answer_the_message() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        if boxes and boxes[0].isVisible():
            seen["text"] = boxes[0].text()
            boxes[0].accept()
        else:
            QTimer.singleShot(50, answer_the_message)

    QTimer.singleShot(50, answer_the_message)
    assert app.main(["--database", str(damaged)]) == 1
    assert "damaged" in seen["text"]


def test_start_up_shows_the_first_list_without_loading_sqlalchemy(demo_db):
    """The first paint needs only the stdlib sqlite3 path; the ORM loads with the first action.

    (How fast start-up is, is measured in bench/; this keeps the reason it is fast.)
    """
    code = (
        "import sys\n"
        "from usrg_desktop import app\n"
        f"code = app.main(['--database', {str(demo_db.path)!r}, '--exit-after-start'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'reportlab'}))\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
