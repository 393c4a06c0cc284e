"""The attendance panel as a coordinator uses it: invite, RSVP, tick attendance, see quorum."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.views.conftest import answer_modal
from tests.workflows.meeting_helpers import demo_actor, new_meeting
from usrg_desktop.views import operations
from usrg_desktop.views.attendance_panel import AttendancePanel
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.workflows.meetings import attendance as wf


@pytest.fixture
def window(qtbot, demo_db, settings):
    main = MainWindow(demo_db, settings=settings, actor=demo_actor(demo_db))
    qtbot.addWidget(main)
    return main


def make_panel(qtbot, window, meeting_id) -> AttendancePanel:
    panel = AttendancePanel(window, meeting_id)
    qtbot.addWidget(panel)
    panel.resize(1300, 800)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def click_check(qtbot, panel, invitation_id: int, part: str) -> None:
    """Click an attendance check box where a person would: on the box itself."""
    box = panel.checks[(invitation_id, part)]
    panel.tree.scrollToItem(panel.rows[invitation_id])
    qtbot.mouseClick(
        box, Qt.MouseButton.LeftButton, pos=QPoint(box.width() // 2, box.height() // 2)
    )


def test_invite_then_tick_day_one_until_quorum(qtbot, window, demo_db, tmp_path):
    meeting_id = new_meeting(demo_db, starts_on=date(2026, 11, 16))
    panel = make_panel(qtbot, window, meeting_id)
    assert panel.tree.topLevelItemCount() == 0
    assert panel.quorum_label.text().startswith("No quorum: 0 of 9 member cities")

    qtbot.mouseClick(panel.invite_button, Qt.MouseButton.LeftButton)
    invited = wf.invitees(demo_db, meeting_id)
    assert len(panel.rows) == len(invited) > 0
    groups = [panel.tree.topLevelItem(n).text(0) for n in range(panel.tree.topLevelItemCount())]
    assert groups[0].startswith("Buffalo City — ")
    assert any(g.startswith("CSPS — ") for g in groups)
    told = window.statusBar().currentMessage()
    assert f"{len(invited)} focal persons recorded as invited; nothing was sent" in told

    # Tick day 1 for one person per member city, one city at a time; the quorum line follows.
    first_per_city: dict[str, int] = {}
    for person in invited:
        if person.group_kind == 0:
            first_per_city.setdefault(person.group, person.id)
    needed = wf.quorum_needed("majority", len(first_per_city))
    for n, (_city, invitation_id) in enumerate(sorted(first_per_city.items()), start=1):
        click_check(qtbot, panel, invitation_id, "day1")
        assert panel.checks[(invitation_id, "day1")].isChecked()
        assert panel.quorum.present == n
        if n < needed:
            assert panel.quorum_label.text().startswith(f"No quorum: {n} of 9")
            assert "b00020" in panel.quorum_label.styleSheet()
        if n == needed:
            assert panel.quorum_label.text().startswith(f"Quorum met: {n} of 9")
            assert "1b5e20" in panel.quorum_label.styleSheet()
            break
    stored = {i.id: i for i in wf.invitees(demo_db, meeting_id)}
    ticked = [i for i in stored.values() if i.day1]
    assert len(ticked) == needed and all(i.rsvp == "accepted" for i in ticked)

    # Untick one: no quorum again.
    click_check(qtbot, panel, ticked[0].id, "day1")
    assert not panel.checks[(ticked[0].id, "day1")].isChecked()
    assert panel.quorum_label.text().startswith(f"No quorum: {needed - 1} of 9")
    assert not {i.id: i for i in wf.invitees(demo_db, meeting_id)}[ticked[0].id].day1

    # The visit and day 2 are recorded too.
    click_check(qtbot, panel, ticked[1].id, "visit")
    click_check(qtbot, panel, ticked[1].id, "day2")
    after = {i.id: i for i in wf.invitees(demo_db, meeting_id)}[ticked[1].id]
    assert after.visit and after.day2

    # Export what is on screen.
    target = tmp_path / "attendance.csv"
    assert panel.export_to(str(target)) == len(invited)
    with target.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["City or body", "Name"]
    assert len(rows) == len(invited) + 1


def test_rsvp_with_apology_note_by_keyboard(qtbot, window, demo_db):
    meeting_id = new_meeting(demo_db, starts_on=date(2027, 3, 10))
    panel = make_panel(qtbot, window, meeting_id)
    qtbot.mouseClick(panel.invite_button, Qt.MouseButton.LeftButton)
    invitation_id = next(iter(panel.rows))
    combo = panel.rsvp_boxes[invitation_id]
    assert combo.currentData() == "pending"
    assert not panel.note_edits[invitation_id].isEnabled()
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # accepted
    assert wf.invitees(demo_db, meeting_id)[0].rsvp == "accepted"
    assert panel.quorum.expected == 1
    combo = panel.rsvp_boxes[invitation_id]
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # apology
    note = panel.note_edits[invitation_id]
    assert note.isEnabled()
    qtbot.keyClicks(note, "Council sitting on the same day.")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    saved = {i.id: i for i in wf.invitees(demo_db, meeting_id)}[invitation_id]
    assert (saved.rsvp, saved.note) == ("apology", "Council sitting on the same day.")
    assert panel.quorum.expected == 0


def test_a_refused_tick_goes_back_and_says_why(qtbot, window, demo_db):
    meeting_id = new_meeting(demo_db, starts_on=date(2027, 3, 10))
    panel = make_panel(qtbot, window, meeting_id)
    qtbot.mouseClick(panel.invite_button, Qt.MouseButton.LeftButton)
    invitation_id = next(iter(panel.rows))
    click_check(qtbot, panel, invitation_id, "day1")
    assert not panel.checks[(invitation_id, "day1")].isChecked()
    box = operations.last_refusal[0]
    assert box is not None and "can be recorded from 2027-03-10" in box.text()
    box.close()
    assert not wf.invitees(demo_db, meeting_id)[0].day1


def test_invite_one_person_and_remove_after_asking(qtbot, window, demo_db):
    meeting_id = new_meeting(demo_db, starts_on=date(2027, 3, 10))
    panel = make_panel(qtbot, window, meeting_id)
    combo = panel.person_combo
    assert combo.count() > 0
    # Type part of an ASCII name (QTest types Latin-1 only), then take the first match.
    index = next(n for n in range(combo.count()) if combo.itemText(n).isascii())
    name = combo.itemText(index)
    combo.setFocus()
    qtbot.keyClicks(combo.lineEdit(), name)
    assert combo.currentIndex() == index or combo.findText(combo.currentText()) == index
    combo.setCurrentIndex(index)
    qtbot.mouseClick(panel.add_person_button, Qt.MouseButton.LeftButton)
    assert len(panel.rows) == 1
    assert panel.person_combo.findText(name) == -1, "an invited person leaves the box"
    invitation_id = next(iter(panel.rows))
    panel.select_invitation(invitation_id)
    assert panel.remove_button.isEnabled()
    asked = answer_modal("Remove")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert "off the invitation list" in asked[0]
    assert panel.rows == {} and wf.invitees(demo_db, meeting_id) == []


def test_a_long_apology_note_shows_its_start_and_the_whole_in_the_tip(qtbot, window, demo_db):
    meeting_id = new_meeting(demo_db, starts_on=date(2027, 3, 10))
    panel = make_panel(qtbot, window, meeting_id)
    qtbot.mouseClick(panel.invite_button, Qt.MouseButton.LeftButton)
    invitation_id = next(iter(panel.rows))
    combo = panel.rsvp_boxes[invitation_id]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # accepted
    combo = panel.rsvp_boxes[invitation_id]
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # apology
    long_note = (
        "Council sitting on the same day; the deputy mayor asked that the city's focal person "
        "stay for the budget vote, and the acting director travels to Gqeberha that week."
    )
    note = panel.note_edits[invitation_id]
    qtbot.keyClicks(note, long_note)
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert {i.id: i.note for i in wf.invitees(demo_db, meeting_id)}[invitation_id] == long_note

    def shows_the_start(edit) -> bool:
        # Position 0 is inside the box: the note is read from its first word, cut at the right.
        return (
            edit.cursorPosition() == 0 and 0 <= edit.cursorRect().center().x() < edit.width() // 4
        )

    panel.tree.setFocus()
    note = panel.note_edits[invitation_id]
    assert note.fontMetrics().horizontalAdvance(long_note) > note.width(), "the note is long"
    assert shows_the_start(note) and note.toolTip() == long_note

    # Opened afresh (the panel of another screen, say), it shows the start too.
    again = make_panel(qtbot, window, meeting_id)
    note = again.note_edits[invitation_id]
    assert note.text() == long_note
    assert shows_the_start(note) and note.toolTip() == long_note
