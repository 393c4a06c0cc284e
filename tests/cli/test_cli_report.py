"""`usrg report fund`: the PDF and the workbook from the command line, and its refusals."""

from __future__ import annotations

from openpyxl import load_workbook
from pypdf import PdfReader

from usrg_desktop import cli
from usrg_desktop.money import format_zar


def run(db, *args: str) -> int:
    return cli.main(["--database", str(db.path), "--user", "secretariat", *args])


def test_report_fund_as_pdf_and_xlsx(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    committed = demo_db.rows("SELECT SUM(amount_cents) FROM awards")[0][0]
    pdf = tmp_path / "fund.pdf"
    code = run(demo_db, "report", "fund", "--from", "2025-01-01", "--to", "2026-11-30",
               "--out", str(pdf), "--today", "2026-11-25")  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0 and f"committed {format_zar(committed)}" in printed
    assert format_zar(committed) in PdfReader(pdf).pages[0].extract_text()
    book = tmp_path / "fund.xlsx"
    code = run(demo_db, "report", "fund", "--from", "2025-01-01", "--to", "2026-11-30",
               "--round", "Innovation Fund 2025 Round 1", "--out", str(book))  # fmt: skip
    assert code == 0
    rounds = list(load_workbook(book)["By round"].iter_rows(values_only=True))
    assert [r[0] for r in rounds] == ["Round", "Innovation Fund 2025 Round 1"]


def test_report_fund_refusals_are_one_sentence(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    out = str(tmp_path / "fund.odt")
    assert run(demo_db, "report", "fund", "--from", "2025-01-01", "--to", "2026-01-01",
               "--out", out) == 1  # fmt: skip
    assert "a .pdf or an .xlsx file" in capsys.readouterr().err
    assert run(demo_db, "report", "fund", "--from", "2026-01-01", "--to", "2025-01-01",
               "--out", str(tmp_path / "x.pdf")) == 1  # fmt: skip
    assert "before it starts" in capsys.readouterr().err
    assert not list(tmp_path.glob("x.pdf*")) and not list(tmp_path.glob("fund.*"))
