"""Annexes are attached by dropping PDFs on the meeting's tab; the pack prints from the menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from reportlab.pdfgen import canvas
from sqlalchemy import select

from tests.views.conftest import answer_modal
from usrg_desktop.domain.meetings import Meeting, MeetingAnnex
from usrg_desktop.views import operations
from usrg_desktop.views.meeting_print import AnnexesPanel


def pdf_file(path: Path, pages: int = 1) -> Path:
    c = canvas.Canvas(str(path))
    for n in range(pages):
        c.drawString(72, 700, f"{path.stem} page {n + 1}")
        c.showPage()
    c.save()
    return path


def next_meeting_id(db) -> int:
    with db.unit_of_work() as s:
        return s.scalars(
            select(Meeting.id).where(Meeting.status == "planned").order_by(Meeting.starts_on)
        ).first()


def drop(widget, paths: list[Path]) -> None:
    """Drag files over the widget and drop them (Qt delivers a drop to the drag's target)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(10, 10), *args)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(QPointF(10, 10), *args))


def test_dropped_pdfs_become_annexes_in_order_and_a_word_file_is_refused(
    qtbot, main_window, tmp_path
):
    meeting_id = next_meeting_id(main_window.db)
    panel = AnnexesPanel(main_window, meeting_id)
    qtbot.addWidget(panel)
    panel.show()
    word = tmp_path / "notes.docx"
    word.write_bytes(b"PK\x03\x04")
    drop(
        panel, [pdf_file(tmp_path / "Fund report.pdf", 2), word, pdf_file(tmp_path / "By-law.pdf")]
    )
    box = operations.last_refusal[0]
    assert box is not None and box.text() == (
        "The file notes.docx is not a PDF; annexes must be PDF files."
    )
    box.close()
    shown = [
        (panel.table.item(r, 0).text(), panel.table.item(r, 1).text())
        for r in range(panel.table.rowCount())
    ]
    assert shown == [("Annex A", "Fund report"), ("Annex B", "By-law")]

    panel.table.selectRow(0)
    asked = answer_modal("Remove")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert asked == ["Take 'Fund report' out of this meeting's annexes?"]
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 0).text() == "Annex A"
    with main_window.db.unit_of_work() as s:
        assert s.scalars(select(MeetingAnnex.title)).all() == ["By-law"]


def test_print_meeting_pack_shows_the_pack_first_and_saving_it_goes_on_the_history(
    qtbot, main_window, tmp_path, monkeypatch
):
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    from usrg_desktop.views.pdf_preview import PdfPreview
    from usrg_desktop.workflows.system.today import next_meeting_checklist

    asked: list[str] = []
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def save_as(_parent, title, suggested, _filter):
        asked.append(suggested)
        return str(out_dir / "pack"), "PDF"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    meeting_id = next_meeting_id(main_window.db)
    page = main_window.show_page("Meetings", 0)
    assert page.select_id(meeting_id)

    def pack_ticked() -> bool:
        meeting = main_window.db.rows(
            "SELECT id, number, status, venue, starts_on, '' FROM meetings WHERE id = :m",
            {"m": meeting_id},
        )[0]
        lines = next_meeting_checklist(main_window.db, tuple(meeting))
        return next(done for done, text in lines if "pack" in text)

    assert not pack_ticked()
    main_window.command_actions["print_meeting_pack"].trigger()
    # The pack is on screen and nothing was asked or written yet.
    assert asked == [] and list(out_dir.iterdir()) == []
    previews = [w for w in main_window.open_windows().values() if isinstance(w, PdfPreview)]
    assert len(previews) == 1
    preview = previews[0]
    number = main_window.db.rows("SELECT number FROM meetings WHERE id = :m", {"m": meeting_id})
    assert preview.windowTitle() == f"USRG Meeting {number[0][0]} pack"
    assert "ready" in main_window.statusBar().currentMessage()
    assert not pack_ticked()

    preview.save_with_dialog()
    assert asked and asked[0].endswith(f"USRG Meeting {number[0][0]} pack.pdf")
    reader = PdfReader(out_dir / "pack.pdf")
    assert [item.title for item in reader.outline][0] == "Agenda"
    assert preview.page_count() == len(reader.pages)
    assert pack_ticked()
    detail = main_window.db.rows(
        "SELECT detail FROM audit_events WHERE entity = 'meeting' AND entity_id = :m "
        "AND action = 'pack_printed'",
        {"m": meeting_id},
    )
    assert detail == [(f"Meeting pack of Meeting {number[0][0]} saved to {out_dir / 'pack.pdf'}",)]


def test_the_meeting_chooser_offers_every_meeting_and_starts_at_the_next_one(main_window):
    from usrg_desktop.views.meeting_print import _meeting_choices

    choices, upcoming = _meeting_choices(main_window)
    assert len(choices) == len(main_window.db.rows("SELECT id FROM meetings"))
    meeting_id, label = choices[upcoming]
    assert meeting_id == next_meeting_id(main_window.db)
    assert label.startswith("Meeting ") and "2027 Q1" in label


def test_an_annex_is_made_the_papers_of_an_agenda_item_from_the_annexes_tab(
    qtbot, main_window, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    meeting_id = next_meeting_id(main_window.db)
    panel = AnnexesPanel(main_window, meeting_id)
    qtbot.addWidget(panel)
    panel.show()
    panel.add_files([pdf_file(tmp_path / "Fund report.pdf")])
    assert not panel.item_button.isEnabled()
    panel.table.selectRow(0)
    assert panel.item_button.isEnabled()
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, choices, _current, _editable):
        offered.append(list(choices))
        return next(c for c in choices if c.startswith("12 ")), True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    qtbot.mouseClick(panel.item_button, Qt.MouseButton.LeftButton)
    assert offered[0][0] == "None: a general annex" and "12 Innovation fund update" in offered[0]
    assert panel.table.item(0, 3).text() == "12 Innovation fund update"
    with main_window.db.unit_of_work() as s:
        annex = s.scalars(select(MeetingAnnex).where(MeetingAnnex.meeting_id == meeting_id)).one()
        assert annex.agenda_item_id is not None

    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("None: a general annex", True))
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.item_button, Qt.MouseButton.LeftButton)
    assert panel.table.item(0, 3).text() == ""
