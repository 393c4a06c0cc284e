"""`usrg meetings annex add|list|remove`: annexes attached on the command line land in the pack."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A3, landscape

from tests.printing.test_pack_pages import edge_to_edge
from usrg_desktop import cli
from usrg_desktop.workflows.demo import DEMO_PASSWORD

NOW = datetime(2026, 11, 25, 9, 0)


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


def test_an_annex_as_the_papers_of_an_agenda_item(demo_db, tmp_path, capsys):
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(edge_to_edge((595, 842), "BUDGET"))
    add = ["add", "--meeting", "53", str(budget), "--title", "Fund budget", "--item", "12"]
    assert run(demo_db, *add) == 0
    [row] = listed(demo_db, capsys)
    assert row["item"] == "12 Innovation fund update"

    pack, agenda = tmp_path / "pack.pdf", tmp_path / "agenda.pdf"
    base = ["--database", str(demo_db.path), "--meeting", "53", "--today", "2026-11-25"]
    assert cli.main(["meetings", "pack", *base, "--out", str(pack), "--quiet"]) == 0
    assert cli.main(["meetings", "agenda", *base, "--out", str(agenda)]) == 0
    reader = PdfReader(pack)
    annex_page = len(reader.pages)  # the only annex, one page, last
    contents = " ".join(reader.pages[1].extract_text().split())
    assert f"12 Innovation fund update (Annex A) {annex_page}" in contents
    agenda_text = " ".join(p.extract_text() for p in PdfReader(agenda).pages)
    assert "Papers: Annex A" in " ".join(agenda_text.split())

    assert run(demo_db, "add", "--meeting", "53", str(budget), "--item", "99") == 1
    assert capsys.readouterr().err == (
        "usrg: The agenda has no item 99; its items are numbered 1 to 14.\n"
    )


def test_an_agenda_item_taken_off_leaves_its_annex_as_a_general_one(demo_db, tmp_path, capsys):
    from tests.workflows.meeting_helpers import demo_actor
    from usrg_desktop.workflows.meetings.agenda import remove_agenda_item
    from usrg_desktop.workflows.meetings.annex_items import item_for_number
    from usrg_desktop.workflows.meetings.meeting_plans import meeting_id_for_number

    paper = tmp_path / "paper.pdf"
    paper.write_bytes(edge_to_edge((595, 842), "PAPER"))
    assert run(demo_db, "add", "--meeting", "53", str(paper), "--item", "11") == 0
    actor = demo_actor(demo_db)
    with demo_db.unit_of_work() as s:
        meeting_id = meeting_id_for_number(s, number=53)
        item_id = item_for_number(s, meeting_id, 11)
        remove_agenda_item(s, item_id=item_id, actor=actor, now=NOW)
    [row] = listed(demo_db, capsys)
    assert (row["annex"], row["item"]) == ("A", "")


def test_an_attached_annex_is_tied_to_an_item_and_let_go_from_the_command_line(
    demo_db, tmp_path, capsys
):
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(edge_to_edge((595, 842), "PAPER"))
    assert run(demo_db, "add", "--meeting", "53", str(paper), "--title", "Notes") == 0
    capsys.readouterr()
    assert run(demo_db, "item", "--meeting", "53", "--annex", "A", "--item", "12") == 0
    assert capsys.readouterr().out == (
        "Annex A (Notes) of meeting 53 is the papers of item 12 Innovation fund update.\n"
    )
    assert run(demo_db, "item", "--meeting", "53", "--annex", "A", "--none") == 0
    assert capsys.readouterr().out == "Annex A (Notes) of meeting 53 is a general annex.\n"
    assert run(demo_db, "item", "--meeting", "53", "--annex", "B", "--item", "1") == 1
    assert capsys.readouterr().err == "usrg: Meeting 53 has no Annex B (its annexes: A).\n"
