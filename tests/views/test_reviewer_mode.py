"""Reviewer mode driven like a reviewer: export → packet window by keyboard and mouse → import."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from tests.views.conftest import answer_modal
from tests.workflows.review_exchange_support import export_all, staff
from usrg_desktop.views.reviewer_mode import ReviewerWindow
from usrg_desktop.workflows.reviews.review_packets import read_packet
from usrg_desktop.workflows.reviews.reviewer_session import COMPLETE, CONFLICT, ReviewerSession
from usrg_desktop.workflows.reviews.scores_file import import_scores

EMAIL = "divhani.malaba@csps.gov.za"


@pytest.fixture
def packet_path(demo_db, tmp_path):
    """The packet of one demo reviewer, exported from the demo database."""
    return export_all(demo_db, tmp_path / "packets")[EMAIL]


@pytest.fixture
def window(qtbot, packet_path, tmp_path):
    """The reviewer's window on the packet, shown offscreen."""
    session = ReviewerSession.open(packet_path, autosave_dir=tmp_path / "autosave")
    win = ReviewerWindow(session)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _key(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, key, modifier)
    QApplication.processEvents()


def _score_by_keyboard(qtbot, win, level: int, comment: str) -> None:
    """Answer "no conflict", pick a level for each criterion and a recommendation by keyboard."""
    _key(qtbot, win, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # the Review tab
    assert win.tabs.currentIndex() == 1
    _key(qtbot, win, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "No conflict"
    qtbot.waitUntil(win.no_conflict.isChecked)  # a mnemonic clicks after a short animation
    assert win.scoring.isEnabled()
    for box in win.criterion_boxes.values():
        first = box.levels.buttons()[0]
        first.setFocus()
        qtbot.keyClick(first, Qt.Key.Key_0 + level)  # the digit picks the level
        qtbot.keyClicks(box.comment, comment)
    _key(qtbot, win, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Fund with conditions
    qtbot.waitUntil(win.recommendation_buttons["fund with conditions"].isChecked)
    qtbot.keyClicks(win.overall_comment, "Fund once the budget is itemised.")


def test_round_trip_export_review_by_keyboard_and_mouse_import(
    qtbot, window, demo_db, tmp_path, monkeypatch
):
    win = window
    packet = win.packet
    assert win.applications.count() == len(packet.applications) == 5
    assert win.progress_label.text() == "0 of 5 applications finished"
    assert not win.scoring.isEnabled()  # scoring is locked until the conflict is answered
    assert packet.applications[0].reference in win.text.toPlainText()
    assert "Budget" in win.text.toPlainText()

    # Four applications scored by keyboard, moving on with Ctrl+PgDown.
    for n in range(4):
        _score_by_keyboard(qtbot, win, level=n + 2, comment=f"Point {n}")
        assert win.session.status(win.current_id) == COMPLETE
        assert "Saved" in win.statusBar().currentMessage()
        _key(qtbot, win, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert win.applications.currentRow() == 4
    # The last one: a conflict, declared with the mouse and the kind chosen by keyboard.
    last = win.current_id
    _click(qtbot, win.yes_conflict)
    assert not win.scoring.isEnabled() and win.conflict_kind.isEnabled()
    win.conflict_kind.setFocus()
    _key(qtbot, win.conflict_kind, Qt.Key.Key_Down)
    _key(qtbot, win.conflict_kind, Qt.Key.Key_Down)  # Financial
    qtbot.keyClicks(win.conflict_reason, "I sit on the board of the applicant's partner.")
    assert win.session.status(last) == CONFLICT
    assert win.progress_label.text() == "5 of 5 applications finished"
    # Ctrl+PgUp goes back and shows what was entered.
    _key(qtbot, win, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert win.criterion_boxes["relevance"].level() == 5
    assert win.criterion_boxes["innovation"].comment.toPlainText() == "Point 3"

    # File → Export scores… (Ctrl+E) writes the signed file.
    target = tmp_path / "returned" / "scores.usrgscores"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    seen = answer_modal("OK")
    _key(qtbot, win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    assert "holds 5 of 5 applications" in seen[0]
    assert target.exists()

    # The secretariat imports it.
    with demo_db.unit_of_work() as uow:
        result = import_scores(uow, target, actor=staff(demo_db), now=win_now())
    assert result.status in ("imported", "replaced"), result.sentence
    assert "4 reviews and 1 declared conflict" in result.sentence
    stored = demo_db.rows(
        "SELECT app.reference, a.status, a.recommendation, MIN(s.score), MAX(s.score), "
        "COUNT(s.id) FROM assignments a JOIN applications app ON app.id = a.application_id "
        "LEFT JOIN scores s ON s.assignment_id = a.id WHERE a.reviewer_id = :r AND app.id IN ("
        + ",".join(str(a.id) for a in packet.applications)
        + ") GROUP BY app.reference, a.status, a.recommendation ORDER BY app.reference",
        {"r": packet.reviewer_id},
    )
    assert [tuple(r) for r in stored] == [
        (packet.applications[0].reference, "scored", "fund with conditions", 2, 2, 5),
        (packet.applications[1].reference, "scored", "fund with conditions", 3, 3, 5),
        (packet.applications[2].reference, "scored", "fund with conditions", 4, 4, 5),
        (packet.applications[3].reference, "scored", "fund with conditions", 5, 5, 5),
        (packet.applications[4].reference, "conflict", None, None, None, 0),
    ]
    assert demo_db.rows(
        "SELECT kind, reason FROM conflicts WHERE reviewer_id = :r AND application_id = :a",
        {"r": packet.reviewer_id, "a": last},
    ) == [("financial", "I sit on the board of the applicant's partner.")]


def _click(qtbot, button) -> None:
    """Click a radio button on its indicator, as a person does (not the empty middle)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def win_now():
    from datetime import datetime

    return datetime(2026, 11, 25, 15, 0)


def test_autosave_keeps_every_change_for_the_next_opening(qtbot, window, packet_path, tmp_path):
    win = window
    first = win.current_id
    _click(qtbot, win.no_conflict)
    _click(qtbot, win.criterion_boxes["feasibility"].levels.button(3))
    comment = win.criterion_boxes["feasibility"].comment
    comment.insertPlainText("Ṱ")  # as typed with an input method (QTest types Latin-1 only)
    qtbot.keyClicks(comment, "halitshani's team can do it")
    saved = json.loads(win.session.autosave_path.read_text(encoding="utf-8"))
    work = saved["applications"][str(first)]
    assert work["conflict"] == "no" and work["scores"] == {"feasibility": 3}
    assert work["comments"]["feasibility"] == "Ṱhalitshani's team can do it"
    assert not list(win.session.autosave_path.parent.glob("*.tmp"))
    win.close()  # as if the laptop died now: nothing else is written on close

    again = ReviewerWindow(ReviewerSession.open(packet_path, autosave_dir=tmp_path / "autosave"))
    qtbot.addWidget(again)
    assert again.current_id == first
    assert again.no_conflict.isChecked() and again.scoring.isEnabled()
    assert again.criterion_boxes["feasibility"].level() == 3
    assert again.criterion_boxes["feasibility"].comment.toPlainText().startswith("Ṱhalitshani")


def test_a_damaged_autosave_is_put_aside_and_said(qtbot, packet_path, tmp_path):
    packet = read_packet(packet_path)
    folder = tmp_path / "autosave"
    folder.mkdir()
    (folder / f"{packet.packet_uid}.json").write_text("{half a file")
    win = ReviewerWindow(ReviewerSession.open(packet_path, autosave_dir=folder))
    qtbot.addWidget(win)
    assert "could not be read and was put aside" in win.statusBar().currentMessage()
    assert (folder / f"{packet.packet_uid}.damaged.json").exists()


def test_scoring_sheet_saved_and_loaded_from_the_window(qtbot, window, tmp_path, monkeypatch):
    win = window
    sheet = tmp_path / "sheet.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(sheet), ""))
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(sheet), ""))
    )
    _key(
        qtbot,
        win,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert sheet.exists()
    book = load_workbook(sheet)
    ws = book["Scores"]
    names = {c.name for c in win.packet.criteria}
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "conflict of interest":
            row[2].value = "no"
        elif row[1].value in names:
            row[2].value = 3
        elif row[1].value == "overall recommendation":
            row[2].value = "do not fund"
    book.save(sheet)
    _key(qtbot, win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert win.progress_label.text() == "5 of 5 applications finished"
    assert win.criterion_boxes["value"].level() == 3
    assert win.recommendation_buttons["do not fund"].isChecked()

    # A sheet with a mistake changes nothing and names the row.
    ws["C3"] = 7
    book.save(sheet)
    before = json.loads(win.session.autosave_path.read_text(encoding="utf-8"))
    seen = answer_modal("OK")
    _key(qtbot, win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    assert "nothing changed" in seen[0] and "Row 3: the score of" in seen[0]
    after = json.loads(win.session.autosave_path.read_text(encoding="utf-8"))
    assert after["applications"] == before["applications"]


def test_nothing_to_export_is_said_not_written(qtbot, window, tmp_path):
    seen = answer_modal("OK")
    _key(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    assert "No application is finished yet" in seen[0]
    first = window.packet.applications[0]
    assert f"{first.reference}: Answer the conflict-of-interest question first." in seen[0]


def test_attachments_are_extracted_for_the_system_viewer(window):
    app = window.packet.applications[0]
    att = app.attachments[0]
    path = window.extract_attachment(att.sha256)
    assert path.name == att.filename and path.stat().st_size == att.size_bytes


def test_usrg_desktop_with_a_packet_opens_reviewer_mode_without_a_database(packet_path, tmp_path):
    """In its own process: app.exec() ends Qt's event loops for good, so not in this one."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))
    env["USRG_DATABASE"] = str(tmp_path / "must-not-exist.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "usrg_desktop", str(packet_path), "--exit-after-start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "review of Ḓivhani Maḽaba" in done.stdout
    assert "0 of 5 applications finished" in done.stdout
    assert not (tmp_path / "must-not-exist.sqlite3").exists()
    assert not list((tmp_path / "data").rglob("*.sqlite3"))
    assert list((tmp_path / "data").rglob("reviews"))  # where the autosave goes


def test_ctrl_s_saves_the_scores_file_and_names_what_is_left(qtbot, window, tmp_path, monkeypatch):
    win = window
    target = tmp_path / "scores.usrgscores"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    # One application scored except one criterion: that criterion is named.
    _score_by_keyboard(qtbot, win, level=4, comment="Clear")
    _key(qtbot, win, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    _score_by_keyboard(qtbot, win, level=3, comment="Fair")
    missing = win.packet.criteria[-1]
    win.session.set_score(win.current_id, missing.code, None)
    seen = answer_modal("OK")
    _key(qtbot, win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    second = win.packet.applications[1]
    assert "holds 1 of 5 applications" in seen[0]
    assert f"{second.reference}: Score '{missing.name}'." in seen[0]
    third = win.packet.applications[2]
    assert f"{third.reference}: Answer the conflict-of-interest question first." in seen[0]
    assert target.exists()


def test_the_form_ends_with_the_button_that_saves_the_scores_file(
    qtbot, window, tmp_path, monkeypatch
):
    win = window
    target = tmp_path / "scores.usrgscores"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _score_by_keyboard(qtbot, win, level=4, comment="Clear")
    win.review_scroll.ensureWidgetVisible(win.send_button)
    seen = answer_modal("OK")
    _click(qtbot, win.send_button)
    qtbot.waitUntil(lambda: bool(seen))
    assert "holds 1 of 5 applications" in seen[0] and target.exists()
    form = win.review_scroll.widget()
    below = [
        w
        for w in form.findChildren(QWidget)
        if w.isVisible()
        and w.mapTo(form, QPoint(0, 0)).y() > win.send_button.mapTo(form, QPoint(0, 0)).y()
    ]
    assert below == []  # nothing after it: it ends the form


def test_every_alt_letter_is_used_once_and_the_window_fits_a_laptop(window):
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel, QTabWidget

    win = window
    used: list[str] = []
    for menu_action in win.menuBar().actions():
        used.append(menu_action.text())
    for button in win.findChildren(QAbstractButton):
        if button.text():
            used.append(button.text())
    for label in win.findChildren(QLabel):
        if label.buddy() is not None:
            used.append(label.text())
    for tabs in win.findChildren(QTabWidget):
        used.extend(tabs.tabText(i) for i in range(tabs.count()))
    letters = [m.group(1).lower() for t in used if (m := re.search(r"&([^&])", t))]
    duplicates = {x for x in letters if letters.count(x) > 1}
    assert not duplicates, [t for t in used if re.search(rf"&{'|&'.join(duplicates)}", t, re.I)]
    assert win.sizeHint().width() <= 1366 and win.sizeHint().height() <= 768 - 60
    assert win.minimumSizeHint().height() <= 768 - 60


def test_a_pdf_attachment_opens_in_the_programs_preview(qtbot, window):
    from usrg_desktop.views.pdf_preview import PdfPreview

    app = next(a for a in window.packet.applications if a.attachments)
    att = next(t for t in app.attachments if t.filename.lower().endswith(".pdf"))
    preview = window.open_attachment(att.sha256)
    assert isinstance(preview, PdfPreview) and preview.isVisible()
    assert preview.page_label.text().startswith("Page 1 of ")
    assert preview.windowTitle() == att.filename
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    qtbot.keyClick(preview, Qt.Key.Key_Escape)  # Escape closes the preview
    qtbot.waitUntil(lambda: not window.previews)
