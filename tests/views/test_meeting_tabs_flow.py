"""From the Meetings list to a meeting's agenda, attendance and minutes tabs, as a coordinator."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.conftest import TODAY
from tests.views.test_agenda_editor import column, drag_row
from tests.workflows.meeting_helpers import demo_actor, new_meeting
from usrg_desktop.views.agenda_editor import AgendaDayModel, AgendaEditor
from usrg_desktop.views.attendance_panel import AttendancePanel
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.minutes_panel import MinutesPanel
from usrg_desktop.workflows.meetings import agenda as agenda_wf


def test_build_agenda_record_attendance_and_see_the_action_return(qtbot, demo_db, settings):
    window = MainWindow(demo_db, settings=settings, actor=demo_actor(demo_db))
    qtbot.addWidget(window)
    window.show()
    # A meeting held last week (so attendance can be ticked), with nothing recorded yet.
    meeting_id = new_meeting(demo_db, number=90, starts_on=date(2026, 11, 18))
    page = window.show_page("Meetings", 0)
    page.reload()
    assert page.select_id(meeting_id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    screen = window.open_windows()[("meeting", meeting_id)]
    assert screen.tab_errors == []

    editor = screen.tab_widget("Agenda")
    assert isinstance(editor, AgendaEditor)
    qtbot.mouseClick(editor.template_button, Qt.MouseButton.LeftButton)
    titles = column(editor, 1, AgendaDayModel.COL_TITLE)
    tea = titles.index("Tea")
    drag_row(editor.tables[0], tea, editor.tables[0], 1)
    qtbot.waitUntil(lambda: column(editor, 1, AgendaDayModel.COL_TITLE)[1] == "Tea")
    assert column(editor, 1, AgendaDayModel.COL_START)[1] == "09:15"

    panel = screen.tab_widget("Attendance")
    assert isinstance(panel, AttendancePanel)
    qtbot.mouseClick(panel.invite_button, Qt.MouseButton.LeftButton)
    cities = {}
    for invitee in panel.invitees:
        if invitee.group_kind == 0:
            cities.setdefault(invitee.group, invitee.id)
    for invitation_id in list(cities.values())[: panel.quorum.needed]:
        box = panel.checks[(invitation_id, "day1")]
        panel.tree.scrollToItem(panel.rows[invitation_id])
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.width() // 2, 5))
    assert panel.quorum.met and panel.quorum_label.text().startswith("Quorum met")

    minutes = screen.tab_widget("Minutes and actions")
    assert isinstance(minutes, MinutesPanel)
    qtbot.mouseClick(minutes.add_action_button, Qt.MouseButton.LeftButton)
    dialog = minutes.action_dialog
    qtbot.keyClicks(dialog.description_edit, "Share the safety audit tool with every city")
    qtbot.keyClicks(dialog.owner_edit, "eThekwini")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    number = minutes.current_action().number

    # The next meeting lists it under matters arising, by itself.
    later = new_meeting(demo_db, number=91, starts_on=date(2027, 3, 10))
    with demo_db.unit_of_work() as session:
        arising = agenda_wf.meeting_agenda(session, meeting_id=later, today=TODAY)
    assert number in [m.number for m in arising.matters_arising]
    # And the Action items list shows it, open.
    actions = window.show_page("Meetings", 1)
    actions.reload()
    status = [c.key for c in actions.model.columns].index("status")
    rows = actions.model.visible_rows()
    assert any(row[0] == number and row[status] == "open" for row in rows)
