"""Scores files that are properly signed but cannot be true: wrong clocks, impossible ids, and a
batch in which one file meets an unexpected error. Each ends in a sentence, nothing written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.workflows.review_exchange_support import (
    EXPORTED_AT,
    busiest_packet,
    export_all,
    filled_session,
    snapshot,
    staff,
    write_signed,
)
from usrg_desktop.workflows.reviews import scores_file
from usrg_desktop.workflows.reviews.review_packets import read_packet
from usrg_desktop.workflows.reviews.scores_file import (
    IMPORTED,
    REJECTED,
    REPLACED,
    import_many_now,
    import_scores,
    timestamp,
)

WRITTEN = datetime(2026, 11, 25, 9, 30, 0, 123456)
IMPORTED_AT = datetime(2026, 11, 25, 12, 0)
# The demo has imported earlier files of some reviewers: a new file imports or replaces.
TAKEN = (IMPORTED, REPLACED)


@pytest.fixture
def exchange(any_demo_db, tmp_path):
    """The demo's current round exported, and the busiest reviewer's work filled in."""
    db = any_demo_db
    packets = export_all(db, tmp_path / "packets")
    packet = busiest_packet(packets)
    session = filled_session(packet, tmp_path / "autosave")
    return db, packets, packet, session


def _import(db, path, now=IMPORTED_AT):
    with db.unit_of_work() as uow:
        return import_scores(uow, path, actor=staff(db), now=now)


def _refused(db, path, fragment, now=IMPORTED_AT):
    before = snapshot(db)
    result = _import(db, path, now)
    assert result.status == REJECTED, result
    assert fragment in result.sentence, result.sentence
    assert result.sentence.count(". ") <= 2 and "Traceback" not in result.sentence
    assert snapshot(db) == before
    return result


def _signed(tmp_path, packet, name, change):
    """The reviewer's real file, its payload changed by `change`, signed with their secret."""
    good, _, _ = filled_session(packet, tmp_path / f"autosave-{name}").write_scores_file(
        tmp_path / f"real-{name}", now=WRITTEN
    )
    payload = json.loads(good.read_bytes())["payload"]
    change(payload)
    return write_signed(tmp_path / f"{name}.usrgscores", payload, packet.signing_secret)


def test_a_file_dated_years_ahead_is_refused_and_blocks_nothing(exchange, tmp_path):
    db, _, packet, session = exchange
    ahead = WRITTEN + timedelta(days=3 * 365)
    future, _, _ = session.write_scores_file(tmp_path / "future", now=ahead)
    result = _refused(db, future, "more than a day from now")
    assert "computer clock is wrong" in result.sentence and "2029-11-24" in result.sentence
    # The reviewer's real file, written after the wrong one, is taken as if it never came.
    real, _, _ = session.write_scores_file(tmp_path / "real", now=WRITTEN)
    assert _import(db, real).status in TAKEN


def test_a_clock_a_few_hours_ahead_is_still_taken(exchange, tmp_path):
    db, _, _, session = exchange
    soon, _, _ = session.write_scores_file(tmp_path / "soon", now=IMPORTED_AT + timedelta(hours=20))
    assert _import(db, soon).status in TAKEN


def test_a_file_dated_before_its_packet_was_issued_is_refused(exchange, tmp_path):
    db, _, _, session = exchange
    early, _, _ = session.write_scores_file(tmp_path / "early", now=EXPORTED_AT - timedelta(days=2))
    result = _refused(db, early, "before its review packet was issued")
    assert timestamp(EXPORTED_AT)[:10] in result.sentence


def test_a_future_file_imported_by_an_older_version_does_not_block_real_files(
    exchange, tmp_path, monkeypatch
):
    db, _, packet, session = exchange
    future, _, _ = session.write_scores_file(tmp_path / "future", now=WRITTEN.replace(year=2031))
    # As an older version did: no check of the date.
    with monkeypatch.context() as patched:
        patched.setattr(scores_file, "check_written_at", lambda *a: None)
        assert _import(db, future).status in TAKEN
    real, _, _ = session.write_scores_file(tmp_path / "real", now=WRITTEN + timedelta(hours=1))
    assert _import(db, real, now=IMPORTED_AT + timedelta(hours=1)).status == REPLACED


@pytest.mark.parametrize(
    ("field", "value"),
    [("round_id", 2**70), ("reviewer_id", 0), ("reviewer_id", -1), ("application_id", 2**63)],
)
def test_an_id_no_record_can_have_is_refused(exchange, tmp_path, field, value):
    db, _, packet, _ = exchange

    def change(payload):
        if field == "application_id":
            payload["applications"][0][field] = value
        else:
            payload[field] = value

    path = _signed(tmp_path, packet, field, change)
    _refused(db, path, f"is damaged: it holds {str(value)[:10]}")


@pytest.mark.parametrize(
    "written",
    ["2026-11-25T09:30:00.000000+02:00Z", "2026-11-25T09:30:00+00:00Z", "yesterdayZ", "2026"],
)
def test_a_time_of_writing_with_a_time_zone_or_none_is_refused(exchange, tmp_path, written):
    db, _, packet, _ = exchange
    path = _signed(tmp_path, packet, "zone", lambda p: p.update(written_at=written))
    _refused(db, path, "its time of writing is not a UTC time")


def test_an_unexpected_error_on_one_file_is_reported_and_the_rest_still_go(
    exchange, tmp_path, monkeypatch, caplog
):
    db, packets, packet, session = exchange
    first, _, _ = session.write_scores_file(tmp_path / "first", now=WRITTEN)
    others = [read_packet(p) for p in packets.values()]
    others = [p for p in others if p.reviewer_id != packet.reviewer_id][:2]
    files = [
        filled_session(p, tmp_path / f"auto{n}").write_scores_file(
            tmp_path / f"other{n}", now=WRITTEN
        )[0]
        for n, p in enumerate(others)
    ]
    broken = files[0].name
    real_check = scores_file._check_entries

    def failing(conn, name, parsed, packet_row):
        if name == broken:
            raise KeyError("a bug in the program")
        return real_check(conn, name, parsed, packet_row)

    monkeypatch.setattr(scores_file, "_check_entries", failing)
    before = db.rows("SELECT COUNT(*) FROM scores_imports")[0][0]
    report = import_many_now(db, [first, files[0], files[1]], actor=staff(db), now=IMPORTED_AT)
    statuses = [r.status for r in report.results]
    assert statuses[1] == REJECTED and statuses[0] in TAKEN and statuses[2] in TAKEN
    line = report.results[1].line
    assert line.startswith(f"{broken}: rejected: An unexpected error stopped this file (KeyError)")
    assert "log file" in line and "Traceback" not in line
    assert db.rows("SELECT COUNT(*) FROM scores_imports")[0][0] == before + 2
    assert "a bug in the program" in caplog.text
