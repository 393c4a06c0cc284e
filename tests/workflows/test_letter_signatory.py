"""Who signs the letters: set by an administrator, printed under "Yours sincerely" with the
signature image, kept in each letter's register entry so its re-print does not change when the
signatory does; and the command line that shows and sets it and the report offsets."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from usrg_desktop import cli
from usrg_desktop.domain.accounts import Setting
from usrg_desktop.domain.awards import IssuedLetter
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.letters import letter_signatory as ls

from .test_applications import ADMIN, STAFF, make_round
from .test_letters import text_of, to_state

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def png(width: int = 120, height: int = 40, noise: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (255, 255, 255))
    if noise:
        import random

        rng = random.Random(7)
        image.putdata(
            [
                (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                for _ in range(width * height)
            ]
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_the_signatory_signs_new_letters_and_old_ones_reprint_as_issued(any_db):
    signature = png(noise=True)  # large: kept in several settings rows
    assert len(signature) > 3 * 3_900
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        first, second = to_state(s, rnd, "submitted"), to_state(s, rnd, "submitted")
        before = wl.issue_letter(
            s, application_id=first, kind="acknowledgement", actor=STAFF, now=NOW
        )
    with any_db.unit_of_work() as s:
        ls.set_signatory(
            s,
            actor=ADMIN,
            now=NOW,
            name="Nomvula Dlamini",
            designation="USRG Coordinator",
            on_behalf_of="the South African Cities Network",
            signature_png=signature,
        )
    with any_db.unit_of_work() as s:
        assert ls.current_signatory(s).signature_png == signature
        pieces = s.query(Setting).filter(Setting.key.like("letters.signatory.signature_png.%"))
        assert pieces.count() > 3
        after = wl.issue_letter(
            s, application_id=second, kind="acknowledgement", actor=STAFF, now=NOW
        )
        signed = wl.reprint(s, after)
        unsigned = wl.reprint(s, before)
    text = text_of(signed)
    assert "Yours sincerely" in text
    assert "Nomvula Dlamini USRG Coordinator For and on behalf of the South African Cities" in text
    assert "Nomvula" not in text_of(unsigned)
    page = PdfReader(io.BytesIO(signed)).pages[-1]
    assert any(
        x.get_object()["/Subtype"] == "/Image" for x in page["/Resources"]["/XObject"].values()
    )
    # A later change of signatory does not change the letters already issued.
    with any_db.unit_of_work() as s:
        ls.set_signatory(s, actor=ADMIN, now=NOW, name="Someone Else", remove_signature=True)
        assert wl.reprint(s, after) == signed
        payload = json.loads(s.get(IssuedLetter, after).payload)
    assert payload["letter"]["header"]["signatory"]["name"] == "Nomvula Dlamini"
    detail = any_db.rows("SELECT detail FROM audit_events WHERE action = 'set_signatory'")
    assert [d for (d,) in detail] == [
        "name, designation, 'on behalf of', signature image",
        "name, signature image removed",
    ]


def test_only_an_administrator_sets_the_signatory_and_bad_input_is_one_sentence(any_db):
    with any_db.unit_of_work() as s, pytest.raises(PermissionDenied):
        ls.set_signatory(s, actor=STAFF, now=NOW, name="Me")
    cases = [
        ({"name": "x" * 121}, "The signatory's name is longer than 120 characters."),
        ({"name": "A\nB"}, "The signatory's name must be one line."),
        ({"name": "A", "signature_png": b"GIF89a"}, "must be a PNG or JPEG image."),
        ({"name": "A", "signature_png": b"\x89PNG\r\n\x1a\nbroken"}, "is damaged"),
        ({"name": "", "designation": "Coordinator"}, "Give the signatory's name"),
    ]
    for changes, message in cases:
        with any_db.unit_of_work() as s, pytest.raises(WorkflowError, match=message):
            ls.set_signatory(s, actor=ADMIN, now=NOW, **changes)
    with any_db.unit_of_work() as s:
        assert ls.current_signatory(s) is None


def test_the_command_line_shows_and_sets_the_signatory_and_the_dates(
    demo_db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    image = tmp_path / "signature.png"
    image.write_bytes(png())

    def run(*args):
        return cli.main(["--database", str(demo_db.path), *args])

    assert run("letters", "signatory") == 0
    assert "No signatory is set" in capsys.readouterr().out
    assert run("--user", "admin", "letters", "signatory", "--name", "Nomvula Dlamini",
               "--designation", "USRG Coordinator", "--signature", str(image)) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Nomvula Dlamini", "Designation: USRG Coordinator"]
    assert out[-1].startswith("Signature image: ") and out[-1].endswith(" bytes")
    assert run("--user", "secretariat", "letters", "signatory", "--name", "X") == 1
    assert "Only an administrator" in capsys.readouterr().err
    assert run("--user", "admin", "letters", "dates", "--final-offset", "45") == 0
    assert "final report: the project's end + 45 days" in capsys.readouterr().out
    assert run("--user", "admin", "letters", "dates", "--final-offset", "0") == 1
    assert capsys.readouterr().err.startswith("usrg: The final report's offset must be between")
