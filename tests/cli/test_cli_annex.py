"""`usrg meetings annex add|list|remove`: annexes attached on the command line land in the pack."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A3, landscape

from tests.printing.test_pack_pages import edge_to_edge
from usrg_desktop import cli
from usrg_desktop.workflows.demo import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def signed_in(monkeypatch):
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", DEMO_PASSWORD)


def run(db, *args: str) -> int:
    return cli.main(["meetings", "annex", args[0], "--database", str(db.path), *args[1:]])


def listed(db, capsys) -> list[dict]:
    capsys.readouterr()
    assert run(db, "list", "--meeting", "53", "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_add_list_remove_and_print(demo_db, tmp_path, capsys):
    report, budget = tmp_path / "report.pdf", tmp_path / "budget.pdf"
    report.write_bytes(edge_to_edge((595, 842), "REPORT"))
    budget.write_bytes(edge_to_edge(landscape(A3), "BUDGET"))
    assert run(demo_db, "add", "--meeting", "53", str(report), "--title", "Fund report") == 0
    assert capsys.readouterr().out == (
        "Attached report.pdf to meeting 53 as Annex A: Fund report.\n"
    )
    assert run(demo_db, "add", "--meeting", "53", str(budget)) == 0
    assert [(a["annex"], a["title"], a["file"]) for a in listed(demo_db, capsys)] == [
        ("A", "Fund report", "report.pdf"),
        ("B", "budget", "budget.pdf"),
    ]

    pack = tmp_path / "pack.pdf"
    base = ["--database", str(demo_db.path), "--meeting", "53", "--today", "2026-11-25"]
    assert cli.main(["meetings", "pack", *base, "--out", str(pack), "--quiet"]) == 0
    titles = [item.title for item in PdfReader(pack).outline]
    assert titles[-2:] == ["Annex A: Fund report", "Annex B: budget"]
    assert "BUDGET body 5" in PdfReader(pack).pages[-1].extract_text()

    capsys.readouterr()
    assert run(demo_db, "remove", "--meeting", "53", "--annex", "a") == 0
    assert capsys.readouterr().out == "Removed Annex A (Fund report) from meeting 53.\n"
    assert [(a["annex"], a["title"]) for a in listed(demo_db, capsys)] == [("A", "budget")]


def test_refusals_are_one_sentence(demo_db, tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("not a pdf")
    assert run(demo_db, "add", "--meeting", "53", str(text)) == 1
    assert capsys.readouterr().err == (
        "usrg: The file notes.txt is not a PDF; annexes must be PDF files.\n"
    )
    assert run(demo_db, "remove", "--meeting", "53", "--annex", "C") == 1
    assert capsys.readouterr().err == "usrg: Meeting 53 has no Annex C (its annexes: none).\n"
    assert run(demo_db, "list", "--meeting", "999") == 1
    assert capsys.readouterr().err == "usrg: There is no meeting number 999.\n"
