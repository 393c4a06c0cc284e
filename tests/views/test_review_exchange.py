"""File → Export review packets… and File → Import scores…, clicked like the secretariat does."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.views.conftest import answer_modal
from tests.workflows.review_exchange_support import filled_session, staff
from usrg_desktop.views.review_exchange import ExportPacketsDialog, ImportScoresDialog
from usrg_desktop.workflows.reviews.review_packets import read_packet

EMAIL = "divhani.malaba@csps.gov.za"


@pytest.fixture
def window(qtbot, demo_db, settings):
    """The main window on the demo data, signed in as the secretariat."""
    from usrg_desktop.views.main_window import MainWindow

    win = MainWindow(demo_db, settings=settings, actor=staff(demo_db))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_file_menu_has_both_commands_with_shortcuts(window):
    export = window.command_actions["export_review_packets"]
    imp = window.command_actions["import_scores_files"]
    assert export.shortcut().toString() == "Ctrl+Shift+E"
    assert imp.shortcut().toString() == "Ctrl+Shift+O"
    assert export in window.menu("File").actions() and imp in window.menu("File").actions()
    seen = answer_modal("Cancel")
    export.trigger()  # opens the dialog; Cancel closes it
    assert seen == [] and QApplication.activeModalWidget() is None


def _export_dialog(qtbot, window) -> ExportPacketsDialog:
    dialog = ExportPacketsDialog(window.db, window.actor, window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_export_dialog_writes_the_chosen_reviewers_packet(qtbot, window, tmp_path):
    dialog = _export_dialog(qtbot, window)
    assert dialog.round_box.count() == 1
    assert dialog.round_box.currentText() == "Innovation Fund 2026 Round 1 (reviewing)"
    assert dialog.reviewer_box.itemText(0).startswith("All 8 reviewers")
    # Export without a folder: the sentence shows next to the field, nothing is written.
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.folder_error.isVisible()
    assert dialog.folder_error.text() == "Choose the folder the packets go to."
    assert dialog.isVisible()
    index = dialog.reviewer_box.findData(EMAIL)
    dialog.reviewer_box.setCurrentIndex(index)
    qtbot.keyClicks(dialog.folder, str(tmp_path / "out"))
    seen = answer_modal("OK")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert seen and "1 packet written" in seen[0] and "Ḓivhani Maḽaba" in seen[0]
    files = list((tmp_path / "out").glob("*.usrgpacket"))
    assert len(files) == 1 and read_packet(files[0]).reviewer_email == EMAIL
    assert not dialog.isVisible()


def test_export_all_reviewers(qtbot, window, tmp_path):
    dialog = _export_dialog(qtbot, window)
    dialog.folder.setText(str(tmp_path))
    seen = answer_modal("OK")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "8 packets written" in seen[0]
    assert len(list(tmp_path.glob("*.usrgpacket"))) == 8


def _drop(dialog, paths) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(dialog, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(dialog, drop)


def test_import_dialog_takes_dropped_files_and_reports_each(
    qtbot, window, demo_db, tmp_path, monkeypatch
):
    from tests.workflows.review_exchange_support import export_all

    packets = export_all(demo_db, tmp_path / "packets")
    good, _, _ = filled_session(read_packet(packets[EMAIL]), tmp_path / "auto").write_scores_file(
        tmp_path / "divhani", now=datetime(2026, 11, 25, 9)
    )
    bad = tmp_path / "tampered.usrgscores"
    bad.write_bytes(good.read_bytes().replace(b'"score":4', b'"score":5', 1))
    before = demo_db.rows("SELECT COUNT(*) FROM scores_imports")[0][0]

    dialog = ImportScoresDialog(demo_db, window.actor, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()
    _drop(dialog, [good, bad])
    _drop(dialog, [good])  # the same file twice is listed once
    assert [p.name for p in dialog.paths()] == ["divhani.usrgscores", "tampered.usrgscores"]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.table.isVisible)
    rows = dialog.report_rows()
    assert rows[0][0] == "divhani.usrgscores" and rows[0][1] in ("imported", "replaced")
    assert "Ḓivhani Maḽaba" in rows[0][2]
    assert rows[1][:2] == ("tampered.usrgscores", "rejected")
    assert "does not carry a valid signature" in rows[1][2]
    assert "1 rejected" in dialog.summary.text()
    assert dialog.files.count() == 0
    assert demo_db.rows("SELECT COUNT(*) FROM scores_imports")[0][0] == before + 1

    # The report as shown can be saved.
    target = tmp_path / "report.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with open(target, encoding="utf-8-sig", newline="") as handle:
        saved = list(csv.reader(handle))
    assert saved[0] == ["File", "Outcome", "Why"] and [tuple(r) for r in saved[1:]] == rows

    # Again: the good file is unchanged, and says so.
    dialog.add_paths([good])
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report_rows()[0][1] == "unchanged")
    assert "nothing changed" in dialog.report_rows()[0][2]


def test_import_files_added_with_the_file_dialog_and_removed_with_delete(
    qtbot, window, tmp_path, monkeypatch
):
    files = [tmp_path / "a.usrgscores", tmp_path / "b.usrgscores"]
    for f in files:
        f.write_text("{}")
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *a, **k: ([str(f) for f in files], "")),
    )
    dialog = ImportScoresDialog(window.db, window.actor, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert dialog.files.count() == 2
    dialog.files.setCurrentRow(0)
    dialog.files.setFocus()
    qtbot.keyClick(dialog.files, Qt.Key.Key_Delete)
    assert [p.name for p in dialog.paths()] == ["b.usrgscores"]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.table.isVisible)
    assert dialog.report_rows() == [
        ("b.usrgscores", "rejected", "b.usrgscores is not a scores file.")
    ]


def test_a_round_still_open_is_named_with_why_it_is_not_offered(qtbot, window, demo_db):
    from sqlalchemy import text

    dialog = _export_dialog(qtbot, window)
    assert not dialog.not_offered.isVisible()  # the demo has no round still open
    with demo_db.unit_of_work() as session:
        session.execute(
            text(
                "UPDATE rounds SET status = 'open' WHERE id = "
                "(SELECT id FROM rounds ORDER BY opens_on DESC LIMIT 1)"
            )
        )
    name = demo_db.rows("SELECT name FROM rounds WHERE status = 'open'")[0][0]
    dialog = _export_dialog(qtbot, window)
    offered = [dialog.round_box.itemText(n) for n in range(dialog.round_box.count())]
    assert not any(item.startswith(name) for item in offered)
    assert dialog.not_offered.isVisible()
    assert dialog.not_offered.text().startswith(f"Not offered: {name} (open). Packets go out")
