"""`usrg review`: export packets, sheet → fill → import, with refusals as sentences and exit 1."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from usrg_desktop import cli
from usrg_desktop.workflows.reviews.review_packets import read_packet
from usrg_desktop.workflows.reviews.reviewer_session import CONFLICT_ROW, RECOMMENDATION_ROW

ROUND = "Innovation Fund 2026 Round 1"


@pytest.fixture
def signed_in(monkeypatch):
    """The demo's secretariat user acts."""
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _export(demo_db, tmp_path, capsys, *extra: str):
    code, out, err = _run(
        capsys,
        "review",
        "export",
        "--database",
        str(demo_db.path),
        "--round",
        ROUND,
        "--out",
        str(tmp_path / "packets"),
        *extra,
    )
    assert code == 0, err
    return out


def _fill_sheet(path, packet, *, conflict_on=None, level=4):
    """Fill a saved scoring sheet as a reviewer would in a spreadsheet program."""
    book = load_workbook(path)
    sheet = book["Scores"]
    names = {c.name for c in packet.criteria}
    for row in sheet.iter_rows(min_row=2):
        reference, criterion = row[0].value, row[1].value
        declared = reference == conflict_on
        if criterion == CONFLICT_ROW:
            row[2].value = "yes" if declared else "no"
            row[3].value = "professional: I advised this project last year." if declared else ""
        elif criterion in names and not declared:
            row[2].value = level
            row[3].value = f"Scored {level} in the sheet."
        elif criterion == RECOMMENDATION_ROW and not declared:
            row[2].value = "fund with conditions"
            row[3].value = "Fund if the budget for lighting is itemised."
    book.save(path)


def test_sheet_fill_import_round_trip(demo_db, tmp_path, capsys, signed_in):
    out = _export(demo_db, tmp_path, capsys, "--reviewer", "divhani.malaba@csps.gov.za")
    assert "1 packet written" in out and "Ḓivhani Maḽaba" in out
    packet_path = next((tmp_path / "packets").glob("*.usrgpacket"))
    packet = read_packet(packet_path)
    sheet = tmp_path / "sheet.xlsx"
    code, out, err = _run(capsys, "review", "sheet", str(packet_path), "--out", str(sheet))
    assert code == 0, err
    rows = list(load_workbook(sheet)["Scores"].iter_rows(values_only=True))
    assert rows[0] == ("reference", "criterion", "score", "comment")
    assert len(rows) == 1 + len(packet.applications) * (len(packet.criteria) + 2)
    assert {r[1] for r in rows[1:]} == {c.name for c in packet.criteria} | {
        CONFLICT_ROW,
        RECOMMENDATION_ROW,
    }
    conflicted = packet.applications[0].reference
    _fill_sheet(sheet, packet, conflict_on=conflicted)
    scores = tmp_path / "divhani.usrgscores"
    code, out, err = _run(
        capsys, "review", "fill", str(packet_path), "--sheet", str(sheet), "--out", str(scores)
    )
    assert code == 0, err
    total = len(packet.applications)
    assert f"{total} of {total} applications finished" in out
    code, out, err = _run(capsys, "review", "import", "--database", str(demo_db.path), str(scores))
    assert code == 0, err
    assert out.startswith("divhani.usrgscores: ") and "1 declared conflict" in out
    stored = demo_db.rows(
        "SELECT app.reference, a.status, a.recommendation, COUNT(s.id) FROM assignments a "
        "JOIN applications app ON app.id = a.application_id "
        "LEFT JOIN scores s ON s.assignment_id = a.id WHERE a.reviewer_id = :r "
        "AND app.id IN (" + ",".join(str(a.id) for a in packet.applications) + ") "
        "GROUP BY app.reference, a.status, a.recommendation",
        {"r": packet.reviewer_id},
    )
    by_ref = {r[0]: r[1:] for r in stored}
    assert by_ref.pop(conflicted) == ("conflict", None, 0)
    assert set(by_ref.values()) == {("scored", "fund with conditions", len(packet.criteria))}
    assert demo_db.rows(
        "SELECT kind, reason FROM conflicts c JOIN applications app ON app.id = c.application_id "
        "WHERE app.reference = :ref AND c.reviewer_id = :r",
        {"ref": conflicted, "r": packet.reviewer_id},
    ) == [("professional", "I advised this project last year.")]
    # The same file again: unchanged, exit 0.
    code, out, _ = _run(capsys, "review", "import", "--database", str(demo_db.path), str(scores))
    assert code == 0 and ": unchanged: " in out and "1 unchanged" in out


def test_a_sheet_with_mistakes_names_its_rows(demo_db, tmp_path, capsys, signed_in):
    _export(demo_db, tmp_path, capsys, "--reviewer", "divhani.malaba@csps.gov.za")
    packet_path = next((tmp_path / "packets").glob("*.usrgpacket"))
    packet = read_packet(packet_path)
    sheet = tmp_path / "sheet.xlsx"
    _run(capsys, "review", "sheet", str(packet_path), "--out", str(sheet))
    _fill_sheet(sheet, packet)
    book = load_workbook(sheet)
    ws = book["Scores"]
    ws["C3"] = 9  # row 3: the first criterion of the first application
    ws["A5"] = "USRG-IF-1999-1-001"
    book.save(sheet)
    scores = tmp_path / "x.usrgscores"
    code, out, err = _run(
        capsys, "review", "fill", str(packet_path), "--sheet", str(sheet), "--out", str(scores)
    )
    assert code == 1 and out == ""
    assert err.startswith("usrg: Row 3: the score of ")
    assert "from 1 to 5, not '9'" in err and "(and 1 more mistake)" in err
    assert not scores.exists()
    # Scores without the conflict question answered are refused, naming the rows.
    _run(capsys, "review", "sheet", str(packet_path), "--out", str(sheet))
    book = load_workbook(sheet)
    book["Scores"]["C3"] = 4
    book.save(sheet)
    code, _, err = _run(
        capsys, "review", "fill", str(packet_path), "--sheet", str(sheet), "--out", str(scores)
    )
    assert code == 1
    assert "Row 3: answer the conflict of interest for" in err and "(row 2)" in err
    # An empty sheet: nothing finished, nothing written.
    _run(capsys, "review", "sheet", str(packet_path), "--out", str(sheet))
    code, _, err = _run(
        capsys, "review", "fill", str(packet_path), "--sheet", str(sheet), "--out", str(scores)
    )
    assert code == 1 and "No application is finished yet" in err and not scores.exists()


def test_import_exits_1_when_any_file_is_rejected(demo_db, tmp_path, capsys, signed_in):
    _export(demo_db, tmp_path, capsys)
    packet_path = sorted((tmp_path / "packets").glob("*.usrgpacket"))[0]
    packet = read_packet(packet_path)
    sheet = tmp_path / "sheet.xlsx"
    _run(capsys, "review", "sheet", str(packet_path), "--out", str(sheet))
    _fill_sheet(sheet, packet)
    good = tmp_path / "good.usrgscores"
    _run(capsys, "review", "fill", str(packet_path), "--sheet", str(sheet), "--out", str(good))
    bad = tmp_path / "bad.usrgscores"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x04
    bad.write_bytes(bytes(data))
    before = demo_db.rows("SELECT COUNT(*) FROM scores_imports")
    code, out, _ = _run(
        capsys, "review", "import", "--database", str(demo_db.path), str(bad), str(good)
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("bad.usrgscores: rejected: ")
    assert lines[1].startswith("good.usrgscores: ") and ": rejected" not in lines[1]
    assert lines[2] in (
        "Scores files: 1 imported, 1 rejected.",
        "Scores files: 1 replaced, 1 rejected.",
    )
    assert demo_db.rows("SELECT COUNT(*) FROM scores_imports")[0][0] == before[0][0] + 1


def test_refusals_are_one_sentence(demo_db, tmp_path, capsys, signed_in, monkeypatch):
    code, _, err = _run(
        capsys,
        "review",
        "export",
        "--database",
        str(demo_db.path),
        "--round",
        "No such round",
        "--out",
        str(tmp_path),
    )
    assert code == 1 and err.startswith("usrg: There is no round 'No such round'.")
    garbage = tmp_path / "x.usrgpacket"
    garbage.write_bytes(b"garbage")
    code, _, err = _run(capsys, "review", "sheet", str(garbage), "--out", str(tmp_path / "s"))
    assert (
        code == 1
        and err
        == "usrg: x.usrgpacket is not a review packet: it is not a packet file or it is damaged.\n"
    )
    monkeypatch.setenv("USRG_USER", "coordinator")
    code, _, err = _run(
        capsys,
        "review",
        "export",
        "--database",
        str(demo_db.path),
        "--round",
        ROUND,
        "--out",
        str(tmp_path / "p"),
    )
    assert code == 1 and "Only the secretariat or an administrator may export" in err
