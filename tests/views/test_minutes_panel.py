"""The minutes panel: typing minutes per agenda item, adding actions, marking them done."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from sqlalchemy import select

from tests.conftest import TODAY
from tests.workflows.meeting_helpers import demo_actor, meeting_id_by_number
from usrg_desktop.domain.meetings import ActionItem
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.minutes_panel import MinutesPanel
from usrg_desktop.workflows.meetings import minutes as wf


@pytest.fixture
def window(qtbot, demo_db, settings):
    main = MainWindow(demo_db, settings=settings, actor=demo_actor(demo_db))
    qtbot.addWidget(main)
    return main


def make_panel(qtbot, window, meeting_id) -> MinutesPanel:
    panel = MinutesPanel(window, meeting_id)
    qtbot.addWidget(panel)
    panel.resize(1300, 800)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def stored_minutes(db, meeting_id):
    with db.unit_of_work() as session:
        return wf.meeting_minutes(session, meeting_id=meeting_id)


def click_list_row(qtbot, panel, row: int) -> None:
    rect = panel.items_list.visualItemRect(panel.items_list.item(row))
    qtbot.mouseClick(panel.items_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_minutes_are_saved_when_moving_to_another_item(qtbot, window, demo_db):
    meeting_id = meeting_id_by_number(demo_db, 53)
    panel = make_panel(qtbot, window, meeting_id)
    assert panel.items_list.count() == len(stored_minutes(demo_db, meeting_id))
    click_list_row(qtbot, panel, 2)
    qtbot.keyClicks(panel.text_edit, "The minutes of meeting 52 were adopted.")
    assert panel.saved_label.text() == "Not saved yet"
    click_list_row(qtbot, panel, 3)
    assert stored_minutes(demo_db, meeting_id)[2].text == "The minutes of meeting 52 were adopted."
    assert panel.items_list.currentRow() == 3
    assert panel.items_list.item(2).text().startswith("✓ ")
    # Ctrl+S saves the item shown.
    qtbot.keyClicks(panel.text_edit, "Open actions were reviewed.")
    panel.text_edit.setFocus()
    panel.save_minutes()
    assert stored_minutes(demo_db, meeting_id)[3].text == "Open actions were reviewed."
    assert panel.saved_label.text() == "Saved"


def test_add_an_action_by_typing_then_mark_it_done(qtbot, window, demo_db):
    meeting_id = meeting_id_by_number(demo_db, 53)
    panel = make_panel(qtbot, window, meeting_id)
    carried_before = sum(a.carried for a in panel.actions)
    assert carried_before > 0
    # Overdue carried actions are red.
    table = panel.actions_table
    for r in range(table.rowCount()):
        red = table.item(r, panel.COL_ACTION).foreground().color().name() == "#b00020"
        assert red == table.item(r, panel.COL_STATUS).text().endswith("(overdue)")
    with demo_db.unit_of_work() as session:
        expected_number = wf.next_action_number(session)

    qtbot.mouseClick(panel.add_action_button, Qt.MouseButton.LeftButton)
    dialog = panel.action_dialog
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.errors["description"].isVisible()
    assert dialog.errors["owner"].isVisible()
    qtbot.keyClicks(dialog.description_edit, "Send the draft indicators to every city")
    qtbot.keyClicks(dialog.owner_edit, "SACN secretariat")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    action = panel.current_action()
    assert action is not None and action.number == expected_number and not action.carried
    assert action.due_on is not None and action.due_on > TODAY
    assert f"Action items: 1 raised here, {carried_before} carried forward" in (
        panel.actions_label.text()
    )

    # Mark a carried, overdue one done: it leaves this meeting's tracker.
    overdue = next(a for a in panel.actions if a.overdue)
    panel.select_action(overdue.id)
    assert panel.done_button.isEnabled()
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert overdue.id not in [a.id for a in panel.actions]
    # Mark the new one done: it stays (raised here), shown done today.
    panel.select_action(action.id)
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    mine = next(a for a in panel.actions if a.id == action.id)
    assert (mine.status, mine.done_on) == ("done", TODAY)
    assert panel.reopen_button.isEnabled() and not panel.done_button.isEnabled()


def test_action_items_list_marks_done_and_opens_the_meeting(qtbot, window, demo_db):
    window.show()
    page = window.show_page("Meetings", 1)
    keys = page.model.columns
    status_col = [c.key for c in keys].index("status")
    overdue_col = [c.key for c in keys].index("overdue")
    listing_rows = page.model.visible_rows()
    assert any(row[overdue_col] for row in listing_rows), "the demo has overdue actions"
    overdue_row = next(row for row in listing_rows if row[overdue_col])
    number = overdue_row[0]
    with demo_db.unit_of_work() as session:
        action = session.scalars(select(ActionItem).where(ActionItem.number == number)).one()
        action_id, meeting_id = action.id, action.meeting_id
    assert page.select_id(action_id)
    button = page.findChild(QPushButton, "action_Markdone")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with demo_db.unit_of_work() as session:
        stored = session.get(ActionItem, action_id)
        assert (stored.status, stored.done_on) == ("done", TODAY)
    assert page.select_id(action_id)
    shown = next(r for r in page.model.visible_rows() if r[0] == number)
    assert shown[status_col] == "done" and shown[overdue_col] is False

    # Enter on the row opens the meeting it was raised at, on its minutes and actions.
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    screen = window.open_windows()[("meeting", meeting_id)]
    panel = screen.tab_widget("Minutes and actions")
    assert isinstance(panel, MinutesPanel)
    assert screen.tabs.tabText(screen.tabs.currentIndex()) == "Minutes and actions"
    assert panel.current_action() is not None and panel.current_action().id == action_id


def test_minutes_being_typed_are_saved_when_the_tab_goes_away(qtbot, window, demo_db):
    meeting_id = meeting_id_by_number(demo_db, 53)
    panel = make_panel(qtbot, window, meeting_id)
    click_list_row(qtbot, panel, 1)
    qtbot.keyClicks(panel.text_edit, "Apologies from Msunduzi.")
    panel.hide()
    panel.show()
    qtbot.waitExposed(panel)
    assert stored_minutes(demo_db, meeting_id)[1].text == "Apologies from Msunduzi."
    assert panel.text_edit.toPlainText() == "Apologies from Msunduzi."
    assert not panel.has_unsaved_minutes()
