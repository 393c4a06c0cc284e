"""Keyboard and size: Tab goes filter → results → actions on every list page, Down from the
filter enters the results, Escape and Ctrl+W close secondary windows, and no window opens
larger than a 1366×768 laptop shows."""

from __future__ import annotations

import warnings

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton

from usrg_desktop.views.main_window import AREAS


def activate(qtbot, widget) -> None:
    widget.activateWindow()
    if not widget.isActiveWindow():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            QApplication.setActiveWindow(widget)
    qtbot.waitUntil(widget.isActiveWindow)


def tab_chain(qtbot, start, steps: int) -> list:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen = [QApplication.focusWidget()]
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_on_the_applications_list_goes_filter_filters_results_buttons_export(
    qtbot, main_window
):
    activate(qtbot, main_window)
    page = main_window.show_page("Applications", 0)
    combos = list(page.column_filters.values())
    buttons = [page.actions_layout.itemAt(n).widget() for n in range(page.actions_layout.count())]
    assert combos and all(isinstance(c, QComboBox) for c in combos)
    assert buttons and all(isinstance(b, QPushButton) for b in buttons)
    expected = [page.filter_edit, *combos, page.table, *buttons, page.export_button]
    seen = tab_chain(qtbot, page.filter_edit, len(expected) - 1)
    assert seen == expected
    # And back again with Shift+Tab from the results to the last column filter.
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is combos[-1]


def test_every_list_page_tabs_from_the_table_to_its_buttons(qtbot, main_window):
    activate(qtbot, main_window)
    for a, area in enumerate(AREAS):
        for p, _spec in enumerate(area.lists):
            page = main_window.show_page(a, p)
            buttons = [
                page.actions_layout.itemAt(n).widget() for n in range(page.actions_layout.count())
            ]
            usable = [b for b in buttons if b is not None and b.isEnabled() and b.isVisible()]
            first_button = usable[0] if usable else page.export_button
            # From the results Tab reaches the list's buttons (through a side panel beside the
            # results, where a page has one), never back to the filter first.
            seen = tab_chain(qtbot, page.table, 12)
            assert first_button in seen, f"{area.name} ▸ {_spec.title}: {seen}"
            assert page.filter_edit not in seen[: seen.index(first_button)]


def test_down_from_the_filter_goes_into_the_results(qtbot, main_window):
    activate(qtbot, main_window)
    page = main_window.show_page("Applications", 0)
    page.focus_filter()
    qtbot.keyClicks(page.filter_edit, "Msunduzi")
    shown = page.model.rowCount()
    assert shown > 0
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    assert page.table.currentIndex().row() == 0
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == min(1, shown - 1)


def _escape_closes(qtbot, window, key=Qt.Key.Key_Escape, modifier=Qt.KeyboardModifier.NoModifier):
    from shiboken6 import isValid

    activate(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)
    qtbot.waitUntil(lambda: not isValid(window) or not window.isVisible())


def test_escape_and_ctrl_w_close_the_award_window_and_a_pdf_preview(
    qtbot, main_window, demo_db, tmp_path
):
    from pypdf import PdfWriter

    from usrg_desktop.views import letters_view as lv
    from usrg_desktop.views.awards_view import open_award

    award_id = demo_db.rows("SELECT id FROM awards ORDER BY id LIMIT 1")[0][0]
    _escape_closes(qtbot, open_award(main_window, award_id))
    _escape_closes(
        qtbot,
        open_award(main_window, award_id),
        Qt.Key.Key_W,
        Qt.KeyboardModifier.ControlModifier,
    )
    pdf = tmp_path / "agenda.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with pdf.open("wb") as f:
        writer.write(f)
    _escape_closes(qtbot, lv.open_pdf_file(main_window, pdf))
    _escape_closes(
        qtbot, lv.open_pdf_file(main_window, pdf), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
    )


def test_every_window_fits_a_1366_by_768_laptop(demo_db, tmp_path):
    """On a 1366×768 screen (the offscreen platform given that screen), each window opens
    no larger than the screen, task bar and title bar allowed for."""
    import json
    import os
    import subprocess
    import sys

    from tests.workflows.review_exchange_support import export_all

    packet = next(iter(export_all(demo_db, tmp_path / "packets").values()))
    screens = tmp_path / "laptop.json"
    screens.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
                ]
            }
        )
    )  # fmt: skip
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}")
    done = subprocess.run(
        [sys.executable, "-m", "tests.views.window_sizes_probe", str(demo_db.path), str(packet)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    sizes = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(sizes) == 11
    too_big = {n: s for n, s in sizes.items() if s[0] > 1366 or s[1] > 768 - 40}
    assert not too_big, too_big


def test_escape_in_a_screens_filter_clears_it_first_then_closes_the_screen(qtbot, main_window):
    from shiboken6 import isValid

    main_window.command_actions["letter_register"].trigger()
    register = main_window.open_windows()["letter_register"]
    activate(qtbot, register)
    register.filter_edit.setFocus()
    qtbot.keyClicks(register.filter_edit, "award")
    qtbot.keyClick(register.filter_edit, Qt.Key.Key_Escape)
    assert register.isVisible() and register.filter_edit.text() == ""
    qtbot.keyClick(register.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not isValid(register) or not register.isVisible())
