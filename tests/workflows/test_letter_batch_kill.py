"""A letter batch killed with SIGKILL at random points, many times: the database, the letter
register and the output folder always agree. No letter file the register does not know (or whose
bytes differ from the registered SHA-256), and the next batch into the folder finishes what a
kill between the commit and the renames left, so in the end the folder holds exactly the
registered letters."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from usrg_desktop import storage
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.letters import letter_batch

from .test_applications import STAFF, make_round
from .test_letters import to_state

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
KILLS = 50
pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="kills a forked child process",
)


def _issue(path: str, round_id: int, out: str) -> None:
    """The child: issue the round's acknowledgements, three letters per commit."""
    letter_batch.LETTERS_PER_COMMIT = 3
    db = storage.Database(path)
    for _step in letter_batch.issue_letters_for_round(
        db, round_id=round_id, kind="acknowledgement", actor=STAFF, now=NOW, out_dir=out
    ):
        pass


def _registered(db) -> dict[str, str]:
    rows = db.rows("SELECT reference, sha256 FROM issued_letters")
    return {letter_batch._file_name(ref): sha for ref, sha in rows}


def _check_agree(db, out: Path) -> None:
    registered = _registered(db)
    for pdf in out.glob("*.pdf"):
        assert pdf.name in registered, f"{pdf.name} is in the folder but not in the register"
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == registered[pdf.name]
    assert db.rows("PRAGMA integrity_check") == [("ok",)]
    events = db.rows("SELECT COUNT(*) FROM audit_events WHERE action = 'issue_letter'")[0][0]
    assert events == len(registered)
    states = db.rows(
        "SELECT DISTINCT a.state FROM applications a JOIN issued_letters l "
        "ON l.application_id = a.id"
    )
    assert states in ([], [("submitted",)])


def test_killed_batches_leave_nothing_the_register_does_not_know(db, tmp_path):
    rng = random.Random(14)
    out = tmp_path / "letters"
    out.mkdir()
    context = multiprocessing.get_context("fork")
    kills = 0
    started = time.monotonic()
    rnd = None
    while kills < KILLS:
        with db.unit_of_work() as s:
            if rnd is None or not wl.letter_candidates(s, round_id=rnd, kind="acknowledgement"):
                rnd = make_round(s, budget=9_000_000_00)
                for _n in range(30):
                    to_state(s, rnd, "submitted")
        db.dispose()  # the child opens its own connections
        child = context.Process(target=_issue, args=(str(db.path), rnd, str(out)))
        child.start()
        # Most kills land while letters are being made, committed or renamed.
        time.sleep(rng.uniform(0.0, 0.4))
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        child.join()
        _check_agree(db, out)
    # A last batch (or the clean-up alone, when nothing is left to issue) finishes the letters
    # a kill stopped between their commit and their rename: the folder is the register.
    letter_batch.finish_interrupted(db, out)
    assert not list(out.glob("*.part"))
    _check_agree(db, out)
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(_registered(db))
    assert time.monotonic() - started < 120  # keeps the suite's cost in bounds


def test_a_letter_registered_before_the_kill_is_moved_into_place_by_the_next_batch(db, tmp_path):
    with db.unit_of_work() as s:
        rnd = make_round(s)
        first = to_state(s, rnd, "submitted")
        to_state(s, rnd, "submitted")
        letter_id = wl.issue_letter(
            s, application_id=first, kind="acknowledgement", actor=STAFF, now=NOW
        )
        reference = s.get(wl.IssuedLetter, letter_id).reference
        pdf = wl.reprint(s, letter_id)
    out = tmp_path / "letters"
    out.mkdir()
    part = out / (letter_batch._file_name(reference) + ".part")
    part.write_bytes(pdf)  # as a kill after the commit, before the rename, leaves it
    (out / "USRG-NOT-REGISTERED-ACK.pdf.part").write_bytes(b"%PDF-1.4 half")
    result = list(
        letter_batch.issue_letters_for_round(
            db, round_id=rnd, kind="acknowledgement", actor=STAFF, now=NOW, out_dir=out
        )
    )
    assert result
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(_registered(db)) and len(names) == 2
    assert (out / letter_batch._file_name(reference)).read_bytes() == pdf
