"""`usrg letters`: a round's letters in one batch with progress lines, re-print, register."""

from __future__ import annotations

import json

from pypdf import PdfReader

from usrg_desktop import cli


def run(db, *args: str) -> int:
    return cli.main(["--database", str(db.path), *args])


def approved_round(db) -> str:
    return str(db.rows("SELECT round_id FROM applications WHERE state = 'approved' LIMIT 1")[0][0])


def test_batch_reprint_and_register(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    rnd = approved_round(demo_db)
    approved = demo_db.rows(
        "SELECT COUNT(*) FROM applications WHERE state = 'approved' AND round_id = :r",
        {"r": int(rnd)},
    )[0][0]
    out, merged = tmp_path / "letters", tmp_path / "all.pdf"
    code = run(
        demo_db,
        "--user", "secretariat",
        "letters", "--round", rnd, "--kind", "award", "--out", str(out), "--merged", str(merged),
    )  # fmt: skip
    printed = capsys.readouterr().out.splitlines()
    assert code == 0
    assert printed[0].startswith(f"[0/{approved}] Issuing {approved} award letters for ")
    assert printed[approved].startswith(f"[{approved}/{approved}] USRG-IF-")
    assert printed[-2] == f"Issued {approved} award letters into {out}."
    files = sorted(out.iterdir())
    assert len(files) == approved
    assert len(PdfReader(merged).pages) == sum(len(PdfReader(f).pages) for f in files)

    assert run(demo_db, "letters", "register", "--format", "json") == 0
    register = json.loads(capsys.readouterr().out)
    assert len(register) == approved and {r["kind"] for r in register} == {"award"}
    reference = register[0]["reference"]

    again = tmp_path / "again.pdf"
    assert run(demo_db, "letters", "reprint", reference, "--out", str(again)) == 0
    assert again.read_bytes() == (out / (reference.replace("/", "-") + ".pdf")).read_bytes()


def test_refusals_are_one_sentence(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    assert run(demo_db, "letters", "reprint", "USRG-NOPE/AWD", "--out", str(tmp_path)) == 1
    assert (
        capsys.readouterr().err
        == "usrg: No letter with the reference USRG-NOPE/AWD is registered.\n"
    )
    code = run(
        demo_db,
        "--user", "coordinator",
        "letters", "--round", approved_round(demo_db), "--kind", "award", "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 1
    assert capsys.readouterr().err == (
        "usrg: Only the secretariat or an administrator may issue letters.\n"
    )
    assert run(demo_db, "--user", "secretariat", "letters", "--round", "Nope", "--kind", "award",
               "--out", str(tmp_path)) == 1  # fmt: skip
    assert capsys.readouterr().err.startswith("usrg: There is no round 'Nope'.")
    assert demo_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0] == 0


def test_letterhead_shown_and_changed_by_an_administrator(demo_db, tmp_path, capsys, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 90), (0, 96, 107)).save(logo)
    assert run(demo_db, "letters", "letterhead") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Logo: none"
    code = run(
        demo_db,
        "--user", "admin",
        "letters", "letterhead", "--logo", str(logo), "--footer", "www.sacities.net",
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["Footer: www.sacities.net", f"Logo: {logo.stat().st_size} bytes"]
    assert run(demo_db, "--user", "secretariat", "letters", "letterhead", "--no-logo") == 1
    assert capsys.readouterr().err == "usrg: Only an administrator may change the letterhead.\n"
