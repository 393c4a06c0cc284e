"""Two people editing the same thing on two screens (two windows on one database file, as two
workstations would be): the second Save is refused with a sentence naming the first person,
what the second person typed stays on their screen, and a second Save replaces the first
person's text on purpose."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.workflows.meeting_helpers import meeting_id_by_number
from usrg_desktop.views import letters_view as lv
from usrg_desktop.views import operations
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.minutes_panel import MinutesPanel
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.meetings import minutes as wm


def _actor(db, username: str, name: str) -> Actor:
    user_id, role = db.rows("SELECT id, role FROM users WHERE username = :u", {"u": username})[0]
    return Actor(user_id, name, role)


@pytest.fixture
def two_windows(qtbot, demo_db, settings):
    """Thandi's and Lerato's main windows, each on the same database file."""
    windows = []
    for name in ("Thandi Nkosi", "Lerato Mofokeng"):
        main = MainWindow(demo_db, settings=settings, actor=_actor(demo_db, "secretariat", name))
        qtbot.addWidget(main)
        windows.append(main)
    return windows


def _minutes_panel(qtbot, window, meeting_id) -> MinutesPanel:
    panel = MinutesPanel(window, meeting_id)
    qtbot.addWidget(panel)
    panel.resize(1300, 700)
    panel.show()
    qtbot.waitExposed(panel)
    rect = panel.items_list.visualItemRect(panel.items_list.item(2))
    qtbot.mouseClick(panel.items_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return panel


def _stored(db, meeting_id) -> str:
    with db.reading() as session:
        return wm.meeting_minutes(session, meeting_id=meeting_id)[2].text


def test_minutes_typed_on_two_screens_are_never_silently_replaced(qtbot, two_windows, demo_db):
    meeting_id = meeting_id_by_number(demo_db, 53)
    thandi = _minutes_panel(qtbot, two_windows[0], meeting_id)
    lerato = _minutes_panel(qtbot, two_windows[1], meeting_id)
    before = _stored(demo_db, meeting_id)

    qtbot.keyClicks(thandi.text_edit, " Thandi's note.")
    thandi.save_minutes()
    assert _stored(demo_db, meeting_id) == (before + " Thandi's note.").strip()

    qtbot.keyClicks(lerato.text_edit, " Lerato's note.")
    lerato.save_minutes()
    box = operations.last_refusal[0]
    assert box is not None and box.isVisible()
    assert box.text().startswith("Thandi Nkosi saved the minutes of ")
    assert "Thandi's note." in box.text()  # their text, to compare
    box.close()
    # Nothing of Lerato's was written, and what she typed is still on her screen.
    assert _stored(demo_db, meeting_id) == (before + " Thandi's note.").strip()
    assert lerato.text_edit.toPlainText().endswith("Lerato's note.")
    assert lerato.saved_label.text() == "Not saved"

    # Saving again, having seen theirs, replaces it on purpose.
    lerato.save_minutes()
    assert _stored(demo_db, meeting_id).endswith("Lerato's note.")
    assert lerato.saved_label.text() == "Saved"


def test_a_letter_template_saved_on_another_screen_is_not_overwritten(qtbot, two_windows, demo_db):
    editors = []
    for window in two_windows:
        editor = lv.TemplateEditor(window.db, window.actor, window.today)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        editor.kind_box.setCurrentIndex(editor.kind_box.findData("decline"))
        editors.append(editor)
    thandi, lerato = editors

    def versions() -> list[int]:
        rows = demo_db.rows("SELECT version FROM letter_templates WHERE kind = 'decline'")
        return sorted(r[0] for r in rows)

    before = versions()
    for editor, words in ((thandi, "Thandi's paragraph."), (lerato, "Lerato's paragraph.")):
        editor.body.setFocus()
        editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
        qtbot.keyClick(editor.body, Qt.Key.Key_Return)
        qtbot.keyClicks(editor.body, words)
    qtbot.mouseClick(thandi.save_button, Qt.MouseButton.LeftButton)
    assert len(versions()) == len(before) + 1
    qtbot.mouseClick(lerato.save_button, Qt.MouseButton.LeftButton)
    assert lerato.error.isVisible()
    assert lerato.error.text().startswith("Thandi Nkosi saved version ")
    assert len(versions()) == len(before) + 1
    assert lerato.body.toPlainText().endswith("Lerato's paragraph.")
    # The second Save makes Lerato's text the newest version, on purpose.
    qtbot.mouseClick(lerato.save_button, Qt.MouseButton.LeftButton)
    assert len(versions()) == len(before) + 2
    assert not lerato.error.isVisible()
