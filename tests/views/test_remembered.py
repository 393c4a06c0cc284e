"""Windows and splitters open where the user left them; a larger screen is used."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMessageBox, QSplitter, QWidget

from usrg_desktop.views.outbox_view import MailTemplateEditor
from usrg_desktop.views.pdf_preview import PdfPreview
from usrg_desktop.views.remembered import (
    current_store,
    forget_geometry,
    remember_geometry,
    window_key,
)
from usrg_desktop.views.window_size import available_size, fit_on_screen


@pytest.fixture
def kept(tmp_path):
    """Remembering on, in this test's own settings; off again (and forgotten) after it, so no
    other test's windows or columns are restored from here."""
    store = QSettings(str(tmp_path / "remembered.ini"), QSettings.Format.IniFormat)
    keeper = remember_geometry(store)
    assert keeper is not None
    yield store
    forget_geometry(keeper)
    assert current_store() is None


def test_a_window_reopens_at_the_size_it_was_left(qtbot, kept):
    store = kept
    first = PdfPreview(title="First")
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 410)
    first.close()
    assert isinstance(store.value(window_key(first)), QByteArray)

    second = PdfPreview(title="Second")
    qtbot.addWidget(second)
    assert second.size().width() != 700
    second.show()
    assert (second.width(), second.height()) == (700, 410)


def test_a_splitter_reopens_where_it_was_dragged(qtbot, main_window, kept):
    editor = MailTemplateEditor(main_window)
    qtbot.addWidget(editor)
    editor.show()
    splitter = editor.findChild(QSplitter)
    total = sum(splitter.sizes())
    splitter.setSizes([total // 4, total - total // 4])
    dragged = splitter.sizes()
    editor.close()

    again = MailTemplateEditor(main_window)
    qtbot.addWidget(again)
    before_show = again.findChild(QSplitter).sizes()
    again.show()
    assert again.findChild(QSplitter).sizes() == dragged != before_show


def test_a_size_left_on_a_larger_screen_is_cut_to_this_one(qtbot, kept):
    big = PdfPreview(title="Big")
    qtbot.addWidget(big)
    big.show()
    room_w, room_h = available_size(big)
    big.resize(room_w + 600, room_h + 400)
    big.close()
    again = PdfPreview(title="Again")
    qtbot.addWidget(again)
    again.show()
    assert again.width() <= room_w and again.height() <= room_h


def test_qt_message_boxes_are_not_remembered(qtbot, kept):
    store = kept
    box = QMessageBox(QMessageBox.Icon.Information, "Title", "Text")
    qtbot.addWidget(box)
    box.show()
    box.close()
    assert store.allKeys() == []


def test_a_window_of_lists_grows_on_a_larger_screen_and_a_form_does_not(qtbot):
    lists, form = QWidget(), QWidget()
    qtbot.addWidget(lists)
    qtbot.addWidget(form)
    room_w, room_h = available_size(lists)
    fit_on_screen(lists, 200, 100, grow=0.9)
    fit_on_screen(form, 200, 100)
    assert (lists.width(), lists.height()) == (int(room_w * 0.9), int(room_h * 0.9))
    assert (form.width(), form.height()) == (200, 100)
    fit_on_screen(form, room_w + 50, room_h + 50)
    assert (form.width(), form.height()) == (room_w, room_h)


def test_a_list_keeps_the_column_widths_sized_by_hand_until_fitted_again(
    qtbot, demo_db, settings, kept
):
    from usrg_desktop.views.main_window import MainWindow

    store = kept
    first = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(first)
    first.show()
    page = first.show_page("Applications", 0)
    header = page.table.horizontalHeader()
    title = [c.key for c in page.model.columns].index("title")
    fitted = header.sectionSize(title)
    header.resizeSection(title, 150)  # the user drags the title's edge
    first.close()

    again = MainWindow(demo_db, settings=settings)
    qtbot.addWidget(again)
    again.show()
    page = again.show_page("Applications", 0)
    header = page.table.horizontalHeader()
    assert header.sectionSize(title) == 150 != fitted
    page.fit_columns_again()
    assert header.sectionSize(title) != 150
    assert not [k for k in store.allKeys() if "columns" in k]
