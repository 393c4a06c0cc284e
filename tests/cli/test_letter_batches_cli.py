"""`usrg letters` batches that ask first: a decided round needs --yes, acknowledgements of
applications screened since need --every-submitted, and --no-duplex merges back to back."""

from __future__ import annotations

from pypdf import PdfReader

from usrg_desktop import cli


def run(db, *args: str) -> int:
    return cli.main(["--database", str(db.path), "--user", "secretariat", *args])


def test_a_decided_round_needs_yes(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    rnd = str(demo_db.rows("SELECT id FROM rounds WHERE status = 'decided'")[0][0])
    out = tmp_path / "letters"
    args = ("letters", "--round", rnd, "--kind", "award", "--out", str(out))
    assert run(demo_db, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith("usrg: Innovation Fund 2025 Round 1 is decided already; issue ")
    assert err.endswith("award letters dated today for it anyway? Add --yes to issue them.\n")
    assert demo_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0] == 0
    assert not out.exists() or not list(out.iterdir())
    merged = tmp_path / "all.pdf"
    assert run(demo_db, *args, "--yes", "--merged", str(merged)) == 0
    issued = demo_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0]
    assert issued > 0
    reader = PdfReader(merged)
    assert len(reader.outline) == issued
    assert all(reader.get_destination_page_number(o) % 2 == 0 for o in reader.outline)


def test_acknowledgements_only_for_applications_not_yet_screened(
    demo_db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    rnd = str(demo_db.rows("SELECT round_id FROM applications WHERE state = 'submitted'")[0][0])
    submitted = demo_db.rows(
        "SELECT COUNT(*) FROM applications WHERE state = 'submitted' AND round_id = :r",
        {"r": int(rnd)},
    )[0][0]
    merged = tmp_path / "ack.pdf"
    args = ("letters", "--round", rnd, "--kind", "acknowledgement", "--out", str(tmp_path / "a"))
    assert run(demo_db, *args, "--merged", str(merged), "--no-duplex") == 0
    assert f"Issued {submitted} acknowledgements of receipt" in capsys.readouterr().out
    assert len(PdfReader(merged).pages) == submitted  # one page each, back to back
    states = demo_db.rows(
        "SELECT DISTINCT a.state FROM applications a JOIN issued_letters l "
        "ON l.application_id = a.id"
    )
    assert states == [("submitted",)]
    assert run(demo_db, *args, "--every-submitted") == 0
    assert demo_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0] > submitted
    assert run(demo_db, "letters", "--round", rnd, "--kind", "award", "--out", str(tmp_path),
               "--every-submitted") == 1  # fmt: skip
    assert capsys.readouterr().err == "usrg: --every-submitted is for acknowledgements only.\n"
