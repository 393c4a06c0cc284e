"""Awards ▸ Report to the funder…: the figures, charts and tables on screen for a period, ticked
rounds narrow it, a reversed period is a sentence, and Export writes the PDF and workbook."""

from __future__ import annotations

from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt

from usrg_desktop.money import format_zar
from usrg_desktop.views.fund_report_view import open_fund_report


def _report_window(qtbot, main_window):
    screen = open_fund_report(main_window)
    screen.period_from.setDate(QDate(2025, 1, 1))
    screen.period_to.setDate(QDate(2026, 11, 30))
    qtbot.mouseClick(screen.show_button, Qt.MouseButton.LeftButton)
    return screen


def test_the_report_on_screen_and_exported(qtbot, main_window, tmp_path):
    db = main_window.db
    screen = _report_window(qtbot, main_window)
    committed = db.rows("SELECT SUM(amount_cents) FROM awards")[0][0]
    received = db.rows("SELECT COUNT(*) FROM applications WHERE state <> 'draft'")[0][0]
    assert f"{received} applications received" in screen.summary.text()
    assert f"committed {format_zar(committed)}" in screen.summary.text()
    assert screen.models["rounds"].rowCount() == 2
    assert screen.money_chart.chart().series()[0].count() == 3  # budget, committed, disbursed
    screen.grab().save(str(tmp_path / "fund-report.png"))
    screen.export_to(tmp_path / "fund.pdf")
    assert format_zar(committed) in PdfReader(tmp_path / "fund.pdf").pages[0].extract_text()
    screen.export_to(tmp_path / "fund.xlsx")
    assert "Grants" in load_workbook(tmp_path / "fund.xlsx").sheetnames
    # Ticking one round narrows the report to it.
    for n in range(screen.rounds.count()):
        item = screen.rounds.item(n)
        if item.text() == "Innovation Fund 2026 Round 1":
            item.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(screen.show_button, Qt.MouseButton.LeftButton)
    assert screen.models["rounds"].rowCount() == 1
    assert screen.report.round_names == ["Innovation Fund 2026 Round 1"]


def test_a_reversed_period_is_a_sentence_and_nothing_to_export(qtbot, main_window):
    screen = _report_window(qtbot, main_window)
    screen.period_from.setDate(QDate(2026, 12, 31))
    qtbot.mouseClick(screen.show_button, Qt.MouseButton.LeftButton)
    assert "before it starts" in screen.problem.text()
    assert not screen.export_button.isEnabled() and screen.models["grants"].rowCount() == 0
