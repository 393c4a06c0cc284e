"""`usrg meetings pack` and `usrg meetings agenda` write PDFs that read back whole."""

from __future__ import annotations

from pypdf import PdfReader
from sqlalchemy import select

from usrg_desktop import cli
from usrg_desktop.domain.meetings import Meeting


def next_meeting_number(db) -> int:
    with db.unit_of_work() as s:
        return s.scalars(
            select(Meeting.number).where(Meeting.status == "planned").order_by(Meeting.starts_on)
        ).first()


def test_pack_and_agenda(demo_db, tmp_path, capsys):
    number = next_meeting_number(demo_db)
    pack, agenda = tmp_path / "pack.pdf", tmp_path / "agenda.pdf"
    common = ["--database", str(demo_db.path), "--meeting", str(number), "--today", "2026-11-25"]
    assert cli.main(["meetings", "pack", *common, "--out", str(pack), "--quiet"]) == 0
    reader = PdfReader(pack)
    out = capsys.readouterr().out
    assert out.startswith(f"Wrote {pack}: meeting {number}, {len(reader.pages)} pages")
    assert [item.title for item in reader.outline] == [
        "Agenda",
        "Minutes of the previous meeting",
        "Action-item tracker",
        "Exposure-visit brief",
        "Attendance register",
    ]
    assert cli.main(["meetings", "agenda", *common, "--out", str(agenda)]) == 0
    assert 1 <= len(PdfReader(agenda).pages) <= 2


def test_an_unknown_meeting_or_folder_is_one_sentence(demo_db, tmp_path, capsys):
    base = ["meetings", "pack", "--database", str(demo_db.path)]
    assert cli.main([*base, "--meeting", "999", "--out", str(tmp_path / "p.pdf")]) == 1
    assert capsys.readouterr().err == "usrg: There is no meeting number 999.\n"
    number = str(next_meeting_number(demo_db))
    missing = tmp_path / "no-such-folder" / "p.pdf"
    assert cli.main([*base, "--meeting", number, "--out", str(missing), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"usrg: The file {missing} could not be written")
    assert not missing.parent.exists()
