"""The agenda editor as a coordinator uses it: template, typing an item, dragging, warnings."""

from __future__ import annotations

import csv
from datetime import time

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.views.conftest import answer_modal
from tests.workflows.meeting_helpers import demo_actor, meeting_id_by_number, new_meeting
from usrg_desktop.domain.meetings import Meeting
from usrg_desktop.views.agenda_editor import AgendaDayModel, AgendaEditor
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.meeting_tabs import MEETING_TABS


@pytest.fixture
def window(qtbot, demo_db, settings):
    main = MainWindow(demo_db, settings=settings, actor=demo_actor(demo_db))
    qtbot.addWidget(main)
    return main


def make_editor(qtbot, window, meeting_id) -> AgendaEditor:
    editor = AgendaEditor(window, meeting_id)
    qtbot.addWidget(editor)
    editor.resize(1300, 800)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def column(editor, day: int, col: int) -> list[str]:
    model = editor.models[day - 1]
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def click_row(qtbot, editor, day: int, row: int) -> None:
    table = editor.tables[day - 1]
    rect = table.visualRect(table.model().index(row, AgendaDayModel.COL_TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def drag_row(table_from, row: int, table_to, to_row: int | None) -> None:
    """Drag a row of one day's table and drop it above `to_row` of a table (None: below all).

    The drag's payload comes from the source model as the view's startDrag makes it; the drop
    goes through the target view's own drag-enter, drag-move and drop handling.
    """
    source = table_from.model()
    payload = source.mimeData([source.index(row, 0)])
    if to_row is None:
        last = table_to.visualRect(table_to.model().index(table_to.model().rowCount() - 1, 0))
        point = QPoint(last.center().x(), last.bottom() + 8)
    else:
        rect = table_to.visualRect(table_to.model().index(to_row, 0))
        point = QPoint(rect.center().x(), rect.top() + 1)
    viewport = table_to.viewport()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = Qt.DropAction.MoveAction
    enter = QDragEnterEvent(point, move, payload, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(point, move, payload, buttons, mods))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), move, payload, buttons, mods))


def minutes_of(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def test_agenda_tab_is_registered_for_the_meeting_screen():
    titles = [title for title, _ in MEETING_TABS]
    assert titles[0] == "Agenda"
    assert MEETING_TABS[0][1].__name__ == "agenda_tab"
    assert all(callable(factory) for _title, factory in MEETING_TABS)


def test_template_typing_dragging_and_recomputed_times(qtbot, window, demo_db, tmp_path):
    meeting_id = new_meeting(demo_db)
    editor = make_editor(qtbot, window, meeting_id)
    assert editor.template_button.isEnabled()
    assert editor.models[0].rowCount() == 0

    # Use the standard template.
    qtbot.mouseClick(editor.template_button, Qt.MouseButton.LeftButton)
    titles = column(editor, 1, AgendaDayModel.COL_TITLE)
    assert titles[0] == "Welcome by the host city, eThekwini"
    assert column(editor, 1, AgendaDayModel.COL_START)[0] == "09:00"
    assert column(editor, 2, AgendaDayModel.COL_START)[0] == "08:30"
    assert not editor.template_button.isEnabled()
    assert not editor.warning_labels[0].isVisible() and not editor.warning_labels[1].isVisible()
    assert "Day 1: Monday 14 February 2028, 09:00 to 17:00" in editor.day_labels[0].text()
    editor.grab().save(str(tmp_path / "agenda.png"))

    # Add an item by typing, after selecting "Tea" on day 1: it goes just after Tea.
    click_row(qtbot, editor, 1, titles.index("Tea"))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    dialog = editor.item_dialog
    qtbot.waitExposed(dialog)
    assert dialog.day_combo.currentIndex() == 0
    # The day has its welcome already: a new item starts as a session, not another welcome.
    assert dialog.kind_combo.currentData() == "session"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    # Nothing typed: refused next to the title.
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors["title"].isVisible()
    assert dialog.errors["title"].text() == "Title is required."
    qtbot.keyClicks(dialog.title_edit, "Urban safety indicators")
    qtbot.keyClicks(dialog.presenter_edit, "Thabo Mokoena")
    dialog.minutes_spin.selectAll()
    qtbot.keyClicks(dialog.minutes_spin.lineEdit(), "20")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("discussion"))
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    day1 = column(editor, 1, AgendaDayModel.COL_TITLE)
    tea = titles.index("Tea")
    assert day1 == [*titles[: tea + 1], "Urban safety indicators", *titles[tea + 1 :]]
    starts = column(editor, 1, AgendaDayModel.COL_START)
    ends = column(editor, 1, AgendaDayModel.COL_END)
    new = tea + 1
    assert starts[new] == ends[tea]  # straight after Tea, 20 minutes long
    assert minutes_of(ends[new]) - minutes_of(starts[new]) == 20
    assert ends[-1] == "16:50"  # the day's items after it move down by its 20 minutes
    assert column(editor, 1, AgendaDayModel.COL_PRESENTER)[new] == "Thabo Mokoena"
    assert editor.current_item().title == "Urban safety indicators"

    # Drag "City updates" to the top of day 1: it starts at 09:00, the welcome moves down.
    row = day1.index("City updates")
    duration = int(column(editor, 1, AgendaDayModel.COL_MINUTES)[row])
    drag_row(editor.tables[0], row, editor.tables[0], 0)
    qtbot.waitUntil(lambda: column(editor, 1, AgendaDayModel.COL_TITLE)[0] == "City updates")
    assert column(editor, 1, AgendaDayModel.COL_TITLE)[1] == day1[0]
    assert column(editor, 1, AgendaDayModel.COL_START)[1] == f"{9 + duration // 60:02d}:" + (
        f"{duration % 60:02d}"
    )
    # Times are still back to back.
    s, e = column(editor, 1, AgendaDayModel.COL_START), column(editor, 1, AgendaDayModel.COL_END)
    assert all(e[i] == s[i + 1] for i in range(len(s) - 1))

    # Drag the new item from day 1 into day 2, above its second row.
    day2_before = column(editor, 2, AgendaDayModel.COL_TITLE)
    new = column(editor, 1, AgendaDayModel.COL_TITLE).index("Urban safety indicators")
    drag_row(editor.tables[0], new, editor.tables[1], 1)
    qtbot.waitUntil(
        lambda: column(editor, 2, AgendaDayModel.COL_TITLE)[1] == "Urban safety indicators"
    )
    assert "Urban safety indicators" not in column(editor, 1, AgendaDayModel.COL_TITLE)
    assert column(editor, 2, AgendaDayModel.COL_TITLE) == [
        day2_before[0],
        "Urban safety indicators",
        *day2_before[1:],
    ]
    assert column(editor, 2, AgendaDayModel.COL_START)[1] == "08:45"
    assert column(editor, 2, AgendaDayModel.COL_START)[2] == "09:05"
    # Day 2 now ends 12:35, still inside 13:00: no warning.
    assert column(editor, 2, AgendaDayModel.COL_END)[-1] == "12:35"
    assert not editor.warning_labels[1].isVisible()

    # Edit it to 60 minutes: day 2 runs over and says so in red under the day.
    editor.select_item(editor.models[1].items[1].id)
    qtbot.mouseClick(editor.edit_button, Qt.MouseButton.LeftButton)
    dialog = editor.item_dialog
    dialog.minutes_spin.selectAll()
    qtbot.keyClicks(dialog.minutes_spin.lineEdit(), "60")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert editor.warning_labels[1].isVisible()
    assert editor.warning_labels[1].text() == (
        "Day 2 (Tuesday 15 February 2028) runs until 13:15, 15 minutes past its planned end at "
        "13:00."
    )
    assert "b00020" in editor.warning_labels[1].styleSheet()

    # Ctrl+Down at the end of day 1 sends its last item to the top of day 2.
    editor.select_item(editor.models[0].items[-1].id)
    last_title = editor.models[0].items[-1].title
    editor.tables[0].setFocus()
    qtbot.keyClick(editor.tables[0], Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert column(editor, 2, AgendaDayModel.COL_TITLE)[0] == last_title

    # Remove asks first; Cancel keeps the item.
    count = editor.models[1].rowCount()
    editor.select_item(editor.models[1].items[0].id)
    answer_modal("Cancel")
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert editor.models[1].rowCount() == count
    asked = answer_modal("Remove")
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert editor.models[1].rowCount() == count - 1
    assert last_title in asked[0]


def test_demo_agenda_shows_matters_arising_with_overdue_in_red(qtbot, window, demo_db):
    meeting_id = meeting_id_by_number(demo_db, 53)
    editor = make_editor(qtbot, window, meeting_id)
    assert not editor.template_button.isEnabled()
    table = editor.matters_table
    assert table.rowCount() == len(editor.agenda.matters_arising) > 0
    overdue = [m for m in editor.agenda.matters_arising if m.overdue]
    assert overdue, "the demo has overdue actions on 2026-11-25"
    numbers = [table.item(r, 0).data(Qt.ItemDataRole.DisplayRole) for r in range(table.rowCount())]
    assert numbers == sorted(numbers)
    for r in range(table.rowCount()):
        status = table.item(r, 5).text()
        red = table.item(r, 2).foreground().color().name() == "#b00020"
        assert red == status.endswith("(overdue)")
    assert f"{len(overdue)} overdue" in editor.matters_label.text()


def test_export_what_is_on_screen(qtbot, window, demo_db, tmp_path):
    editor = make_editor(qtbot, window, meeting_id_by_number(demo_db, 53))
    target = tmp_path / "agenda.csv"
    shown = editor.models[0].rowCount() + editor.models[1].rowCount()
    assert editor.export_to(str(target)) == shown
    with target.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["Day", "No.", "Start", "End"]
    assert rows[1][2] == column(editor, 1, AgendaDayModel.COL_START)[0]
    assert [r[6] for r in rows[1:]] == column(editor, 1, AgendaDayModel.COL_TITLE) + column(
        editor, 2, AgendaDayModel.COL_TITLE
    )


def test_times_follow_the_day_start_when_the_tab_shows_again(qtbot, window, demo_db):
    meeting_id = meeting_id_by_number(demo_db, 53)
    editor = make_editor(qtbot, window, meeting_id)
    assert column(editor, 1, AgendaDayModel.COL_START)[0] == "09:00"
    editor.hide()
    # The Details tab (another screen) moves day 1 to 08:30.
    with demo_db.unit_of_work() as session:
        session.get(Meeting, meeting_id).day1_start = time(8, 30)
    editor.show()
    qtbot.waitExposed(editor)
    assert column(editor, 1, AgendaDayModel.COL_START)[0] == "08:30"
    assert "08:30 to 17:00" in editor.day_labels[0].text()
