"""A first start makes a database only when the user says so; a database on a network share is
warned about (GUI and command line); `usrg db create` is the command line's explicit way."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from usrg_desktop import app, cli, locations, settings, storage
from usrg_desktop.views.first_run import FirstRunDialog
from usrg_desktop.views.sign_in import FirstAdministratorDialog


def _when_shown(kind: type, act, *, attempts: int = 500) -> None:
    """Run `act(widget)` on the modal `kind` window about to open (it runs its own loop);
    gives up after `attempts` looks 20 ms apart, so no look outlives its test."""

    def look(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)
        elif left > 0:
            QTimer.singleShot(20, lambda: look(left - 1))

    QTimer.singleShot(0, lambda: look(attempts))


def test_quitting_the_first_start_makes_no_database(qtbot):
    default = settings.default_database_path()
    assert not default.exists()
    seen = {}

    def quit_(dialog: FirstRunDialog) -> None:
        seen["text"] = dialog.findChild(QLabel, "newDatabasePath").text()
        dialog.quit_button.click()

    _when_shown(FirstRunDialog, quit_)
    assert app.main([]) == 0
    assert str(default) in seen["text"]
    assert not default.exists()


def test_creating_at_the_first_start_makes_the_database_then_asks_who_is_acting(qtbot):
    default = settings.default_database_path()
    asked: list[str] = []

    def create(dialog: FirstRunDialog) -> None:
        # Then the new database asks for its first administrator: cancelled here.
        _when_shown(FirstAdministratorDialog, lambda d: (asked.append("admin"), d.reject()))
        dialog.create_button.click()

    _when_shown(FirstRunDialog, create)
    assert app.main([]) == 0
    assert asked == ["admin"]
    db = storage.Database(str(default))
    assert db.current_revision() == storage.head_revision()
    db.dispose()


def test_opening_a_file_needs_a_file_that_is_there(qtbot, demo_db, tmp_path):
    dialog = FirstRunDialog(tmp_path / "usrg.sqlite3")
    qtbot.addWidget(dialog)
    assert not dialog.choose_file(str(tmp_path / "missing.sqlite3"))
    assert dialog.error.text().startswith("There is no file at ")
    assert dialog.choose_file(str(demo_db.path))
    assert (dialog.chosen, dialog.create) == (demo_db.path, False)


def test_the_self_test_never_makes_a_database(capsys):
    default = settings.default_database_path()
    assert app.main(["--self-test"]) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not default.exists()


# -- network shares ------------------------------------------------------------------------------
MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
95 27 0:52 / /mnt/sacn\\040share rw,relatime - cifs //fs01/usrg rw,vers=3.1.1
96 27 0:53 / /srv/nfs rw,relatime - nfs4 fs02:/export rw
"""
MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
//thandi@fs01/usrg on /Volumes/usrg (smbfs, nodev, nosuid, mounted by thandi)
"""


def test_network_shares_are_recognised_from_the_mount_table():
    linux = locations.mounts_from_mountinfo(MOUNTINFO)
    assert ("/mnt/sacn share", "cifs") in linux
    assert locations.network_share("/mnt/sacn share/usrg.sqlite3", linux) == "network share (cifs)"
    assert locations.network_share("/srv/nfs/a/b.sqlite3", linux) == "network share (nfs4)"
    assert locations.network_share("/home/thandi/usrg.sqlite3", linux) is None
    assert locations.network_share("/mnt/sacn shared/usrg.sqlite3", linux) is None  # not a prefix
    mac = locations.mounts_from_mount_command(MAC_MOUNT)
    assert locations.network_share("/Volumes/usrg/usrg.sqlite3", mac) == "network share (smbfs)"
    assert locations.network_share(r"\\fs01\usrg\data\usrg.sqlite3") == r"network share \\fs01\usrg"
    warning = locations.network_share_warning("/srv/nfs/usrg.sqlite3", linux)
    assert warning.startswith("The database /srv/nfs/usrg.sqlite3 is on a network share (nfs4).")
    assert "PostgreSQL" in warning
    assert locations.network_share_warning("/home/thandi/usrg.sqlite3", linux) == ""


@pytest.fixture
def on_a_share(monkeypatch, demo_db):
    """The demo database's folder mounted from a file server (the machine's mount table as it
    would read with a CIFS share there)."""
    table = [("/", "ext4"), (str(Path(demo_db.path).parent), "cifs")]
    monkeypatch.setattr(locations, "_mounts", lambda: table)
    return demo_db


def test_the_window_warns_about_a_database_on_a_network_share(qtbot, main_window, on_a_share):
    app.warn_about_network_share(main_window, on_a_share)
    box = main_window.findChild(QMessageBox, "networkShareWarningBox")
    assert box is not None and box.isVisible()
    assert "is on a network share (cifs)" in box.text()
    box.close()
    label = main_window.statusBar().findChild(QLabel, "networkShareWarning")
    assert label is not None and "PostgreSQL" in label.text()


def test_the_command_line_warns_about_a_database_on_a_network_share(on_a_share):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["--database", str(on_a_share.path), "meetings", "list"]) == 0
    assert err.getvalue().startswith("usrg: warning: The database ")
    assert "network share (cifs)" in err.getvalue()


# -- usrg db create ---------------------------------------------------------------------------
def _usrg(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_db_create_makes_a_new_database_and_refuses_to_make_it_twice(tmp_path):
    target = tmp_path / "fund.sqlite3"
    status, out, _ = _usrg("db", "create", "--database", str(target))
    assert status == 0 and out.startswith(f"Created {target}: a new database at schema ")
    status, _, err = _usrg("db", "create", "--database", str(target))
    assert (status, err) == (1, f"usrg: {target} already exists; nothing was changed.\n")
    missing = tmp_path / "no such folder" / "fund.sqlite3"
    status, _, err = _usrg("db", "create", "--database", str(missing))
    assert status == 1 and f"The folder {missing.parent} does not exist" in err
    assert not missing.parent.exists()
    # Opening a path that is not there creates nothing and says how to make one.
    status, _, err = _usrg("meetings", "list", "--database", str(tmp_path / "typo.sqlite3"))
    assert status == 1 and "usrg db create --database" in err
    assert not (tmp_path / "typo.sqlite3").exists()
