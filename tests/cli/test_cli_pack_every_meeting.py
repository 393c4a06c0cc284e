"""Every planned meeting of the demo, with mixed annexes attached from the command line: its
pack and agenda read back with no text over text, a footer on every page, working contents."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.printing.pdf_geometry import glyphs_over_glyphs, page_fills, page_glyphs
from tests.printing.test_pack_pages import MIXED
from usrg_desktop import cli
from usrg_desktop.domain.meetings import Meeting
from usrg_desktop.workflows.demo import DEMO_PASSWORD

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(autouse=True)
def signed_in(monkeypatch):
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", DEMO_PASSWORD)


def test_every_planned_meeting_prints_a_pack_and_agenda_that_can_be_handed_out(demo_db, tmp_path):
    with demo_db.unit_of_work() as s:
        numbers = s.scalars(
            select(Meeting.number).where(Meeting.status == "planned").order_by(Meeting.number)
        ).all()
    assert numbers
    files = []
    for annex in MIXED:
        path = tmp_path / f"{annex.title}.pdf"
        path.write_bytes(annex.pdf)
        files.append(path)
    base = ["--database", str(demo_db.path), "--today", "2026-11-25"]
    for number in numbers:
        meeting = ["--meeting", str(number)]
        for path in files:
            add = ["meetings", "annex", "add", "--database", str(demo_db.path), *meeting]
            assert cli.main([*add, str(path)]) == 0
        pack, agenda = tmp_path / f"pack-{number}.pdf", tmp_path / f"agenda-{number}.pdf"
        assert cli.main(["meetings", "pack", *base, *meeting, "--out", str(pack), "--quiet"]) == 0
        assert cli.main(["meetings", "agenda", *base, *meeting, "--out", str(agenda)]) == 0
        for pdf in (pack, agenda):
            content = pdf.read_bytes()
            reader = PdfReader(pdf)
            total = len(reader.pages)
            for n, (page, glyphs) in enumerate(
                zip(reader.pages, page_glyphs(content), strict=True), start=1
            ):
                assert not glyphs_over_glyphs(glyphs), (pdf.name, n)
                text = page.extract_text()
                assert f"Page {n} of {total}" in text, (pdf.name, n)
                assert not ISO_DATE.search(text), (pdf.name, n)  # dates are in words
        reader = PdfReader(pack)
        fills = page_fills(pack.read_bytes())
        assert all(not f for f in fills[-len(MIXED) :]), number  # nothing over the annexes
        for link in (a.get_object() for a in reader.pages[1]["/Annots"]):
            target = link["/Dest"][0]
            assert any(p.indirect_reference == target for p in reader.pages), number
