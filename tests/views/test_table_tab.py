"""Tab never traps the keyboard in a table: read-only tables pass it on, tables one types into
keep it between cells but leave at the last cell (and on Ctrl+Tab from any)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from usrg_desktop.views.window_size import tab_leaves_tables


def _screen(qtbot, *, editable: bool):
    screen = QWidget()
    before, after = QLineEdit(objectName="before"), QLineEdit(objectName="after")
    table = QTableWidget(2, 2)
    for row in range(2):
        for column in range(2):
            table.setItem(row, column, QTableWidgetItem(f"{row}{column}"))
    if not editable:
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    layout = QVBoxLayout(screen)
    for widget in (before, table, after):
        layout.addWidget(widget)
    tab_leaves_tables(screen)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    return screen, before, table, after


def test_tab_walks_the_cells_of_an_editable_table_and_leaves_at_the_last(qtbot):
    screen, _before, table, after = _screen(qtbot, editable=True)
    table.setFocus()
    table.setCurrentCell(0, 0)
    visited = []
    for _ in range(3):
        qtbot.keyClick(table, Qt.Key.Key_Tab)
        visited.append((table.currentRow(), table.currentColumn()))
    assert visited == [(0, 1), (1, 0), (1, 1)]
    assert screen.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert screen.focusWidget() is after


def test_shift_tab_leaves_at_the_first_cell_and_ctrl_tab_from_any(qtbot):
    screen, before, table, after = _screen(qtbot, editable=True)
    table.setFocus()
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert screen.focusWidget() is table and (table.currentRow(), table.currentColumn()) == (0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert screen.focusWidget() is before
    table.setFocus()
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert screen.focusWidget() is after


def test_a_read_only_table_passes_tab_on_at_once(qtbot):
    screen, _before, table, after = _screen(qtbot, editable=False)
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert screen.focusWidget() is after
