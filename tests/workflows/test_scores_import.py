"""Scores files: round trip, every refusal writing nothing, idempotence, newer and older files."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

import pytest

from tests.workflows.review_exchange_support import (
    busiest_packet,
    current_round_id,
    export_all,
    filled_session,
    snapshot,
    staff,
    write_signed,
)
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.reviews.reviewer_session import ReviewerSession
from usrg_desktop.workflows.reviews.scores_file import (
    IMPORTED,
    MAX_SCORES_BYTES,
    REJECTED,
    REPLACED,
    UNCHANGED,
    ScoresFileError,
    import_many,
    import_many_now,
    import_scores,
    parse_scores,
    verify,
)

WRITTEN = datetime(2026, 11, 25, 9, 30, 0, 123456)
IMPORTED_AT = datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def exchange(any_demo_db, tmp_path):
    """The demo's current round exported; the busiest reviewer's work filled in and written."""
    db = any_demo_db
    packets = export_all(db, tmp_path / "packets")
    packet = busiest_packet(packets)
    session = filled_session(packet, tmp_path / "autosave")
    path, done, total = session.write_scores_file(tmp_path / "scores", now=WRITTEN)
    assert done == total == len(packet.applications) >= 5
    return db, packets, packet, session, path


def _import(db, path, **kw):
    with db.unit_of_work() as uow:
        return import_scores(uow, path, actor=staff(db), now=kw.get("now", IMPORTED_AT))


def _scores_of(db, reviewer_id):
    return db.rows(
        "SELECT app.reference, c.code, s.score, s.comment FROM scores s "
        "JOIN assignments a ON a.id = s.assignment_id "
        "JOIN applications app ON app.id = a.application_id "
        "JOIN criteria c ON c.id = s.criterion_id WHERE a.reviewer_id = :r "
        "AND app.round_id = 2 ORDER BY 1, 2",
        {"r": reviewer_id},
    )


def test_round_trip_imports_every_score_once(exchange):
    db, _, packet, _, path = exchange
    result = _import(db, path)
    assert result.status in (IMPORTED, REPLACED), result.sentence
    assert packet.reviewer_name in result.sentence
    rows = _scores_of(db, packet.reviewer_id)
    refs = {a.reference for a in packet.applications}
    got = [r for r in rows if r[0] in refs]
    assert len(got) == len(refs) * len(packet.criteria)
    assert {r[2] for r in got} == {4}
    assert any(r[3] == "Innovation: level 4" for r in got)
    assignments = db.rows(
        "SELECT a.status, a.recommendation, a.overall_comment, a.scored_at FROM assignments a "
        "JOIN applications app ON app.id = a.application_id "
        "WHERE a.reviewer_id = :r AND app.round_id = 2 AND a.status <> 'conflict' "
        "AND app.state IN ('in_review', 'reviewed')",
        {"r": packet.reviewer_id},
    )
    assert {(s, r, c) for s, r, c, _ in assignments} == {
        ("scored", "fund", "Überzeugend — Ṱhalitshani agrees.")
    }
    assert {str(t)[:26] for *_, t in assignments} == {"2026-11-25 09:30:00.123456"}
    record = db.rows(
        "SELECT si.superseded, si.exported_at FROM scores_imports si "
        "JOIN review_packets rp ON rp.id = si.packet_id WHERE rp.packet_uid = :u "
        "ORDER BY si.exported_at DESC",
        {"u": packet.packet_uid},
    )
    assert not record[0][0] and str(record[0][1])[:26] == "2026-11-25 09:30:00.123456"
    assert all(r[0] for r in record[1:])  # earlier imports of this packet are superseded
    audit = db.rows(
        "SELECT action, detail FROM audit_events WHERE entity = 'scores_import' ORDER BY id DESC"
    )
    assert audit[0][0] in ("import_scores", "replace_scores")
    assert packet.reviewer_name in audit[0][1]


def test_the_same_file_again_changes_nothing_and_says_so(exchange):
    db, _, _, _, path = exchange
    _import(db, path)
    before = snapshot(db)
    again = _import(db, path, now=IMPORTED_AT + timedelta(hours=1))
    assert again.status == UNCHANGED
    assert "already imported" in again.sentence and "nothing changed" in again.sentence
    # Times are said in South African time, as everywhere on screen: 12:00 UTC is 14:00 SAST.
    assert "imported on 2026-11-25 14:00 SAST" in again.sentence
    assert snapshot(db) == before


def _refused(db, path, fragment):
    before = snapshot(db)
    result = _import(db, path)
    assert result.status == REJECTED, result
    assert fragment in result.sentence, result.sentence
    assert snapshot(db) == before
    return result


def test_one_flipped_byte_is_refused_wherever_it_is(exchange, tmp_path):
    db, _, _, _, path = exchange
    data = path.read_bytes()
    text = data.decode()
    positions = {
        0,
        len(data) // 3,
        len(data) // 2,
        text.index('"score":4') + 8,
        text.index('"signature":"') + 20,
        text.index("Überzeugend".encode().decode()),
        len(data) - 1,
    }
    for at in sorted(positions):
        bad = bytearray(data)
        bad[at] ^= 0x01
        flipped = tmp_path / f"flipped-{at}.usrgscores"
        flipped.write_bytes(bytes(bad))
        before = snapshot(db)
        result = _import(db, flipped)
        assert result.status == REJECTED, (at, result)
        assert "flipped-" in result.sentence
        assert snapshot(db) == before


def test_every_single_bit_change_fails_the_check(exchange):
    """Without a database: each byte of a real file, changed, fails parsing or the signature."""
    _, _, packet, _, path = exchange
    data = path.read_bytes()
    parse_scores(data)  # the good file passes
    assert verify(parse_scores(data), packet.signing_secret)
    for at in range(len(data)):
        for bit in (0x01, 0x20):
            bad = bytearray(data)
            bad[at] ^= bit
            try:
                parsed = parse_scores(bytes(bad))
            except ScoresFileError:
                continue
            assert not verify(parsed, packet.signing_secret), at


def _payload(path):
    return json.loads(path.read_bytes())["payload"]


def test_another_reviewers_file_is_refused(exchange, tmp_path):
    db, packets, packet, _, path = exchange
    other = next(p for p in map(_open, packets.values()) if p.reviewer_id != packet.reviewer_id)
    # Signed with the other reviewer's secret but claiming this packet: the signature fails.
    payload = _payload(path)
    forged = write_signed(tmp_path / "forged.usrgscores", payload, other.signing_secret)
    _refused(db, forged, "does not carry a valid signature")
    # Signed with this packet's secret but naming another reviewer.
    payload = _payload(path)
    payload["reviewer_id"] = other.reviewer_id
    named = write_signed(tmp_path / "named.usrgscores", payload, packet.signing_secret)
    result = _refused(db, named, f"names the reviewer {other.reviewer_name}")
    assert packet.reviewer_name in result.sentence
    # A packet this database never issued.
    payload = _payload(path)
    payload["packet_id"] = "0" * 32
    unknown = write_signed(tmp_path / "unknown.usrgscores", payload, packet.signing_secret)
    _refused(db, unknown, "not made from a review packet this database issued")


def _open(path):
    from usrg_desktop.workflows.reviews.review_packets import read_packet

    return read_packet(path)


def test_another_round_is_refused(exchange, tmp_path):
    db, _, packet, _, path = exchange
    payload = _payload(path)
    payload["round_id"] = 1
    other_round = write_signed(tmp_path / "round.usrgscores", payload, packet.signing_secret)
    _refused(db, other_round, "is for 'Innovation Fund 2025 Round 1'")
    # A genuine file for the earlier round (signed with that round's packet): review closed.
    uid, secret, reviewer_id = db.rows(
        "SELECT packet_uid, signing_secret, reviewer_id FROM review_packets "
        "WHERE round_id = 1 ORDER BY id"
    )[0]
    payload = _payload(path)
    payload.update(packet_id=uid, round_id=1, reviewer_id=reviewer_id)
    old_round = write_signed(tmp_path / "old-round.usrgscores", payload, secret)
    _refused(db, old_round, "review of 'Innovation Fund 2025 Round 1' is closed")


def test_an_unassigned_application_is_refused(exchange, tmp_path):
    db, _, packet, _, path = exchange
    mine = {a.id for a in packet.applications}
    other_id, other_ref = next(
        (i, r)
        for i, r in db.rows(
            "SELECT id, reference FROM applications WHERE round_id = 2 AND state = 'in_review' "
            "ORDER BY id"
        )
        if i not in mine
    )
    payload = _payload(path)
    entry = copy.deepcopy(payload["applications"][0])
    entry.update(application_id=other_id, reference=other_ref)
    payload["applications"].append(entry)
    bad = write_signed(tmp_path / "unassigned.usrgscores", payload, packet.signing_secret)
    _refused(db, bad, f"scores {other_ref}, which is not assigned to {packet.reviewer_name}")


@pytest.mark.parametrize("score", [0, 6, -3, 100])
def test_a_score_off_the_scale_is_refused(exchange, tmp_path, score):
    db, _, packet, _, path = exchange
    payload = _payload(path)
    payload["applications"][-1]["scores"][2]["score"] = score
    bad = write_signed(tmp_path / "scale.usrgscores", payload, packet.signing_secret)
    _refused(db, bad, f"{score} for 'Feasibility', outside its scale of 1 to 5")


def test_a_missing_criterion_and_a_missing_recommendation_are_refused(exchange, tmp_path):
    db, _, packet, _, path = exchange
    payload = _payload(path)
    del payload["applications"][1]["scores"][4]
    bad = write_signed(tmp_path / "missing.usrgscores", payload, packet.signing_secret)
    _refused(db, bad, "on 'Sustainability and learning'; every required criterion needs a score")
    payload = _payload(path)
    payload["applications"][0]["recommendation"] = "maybe"
    bad = write_signed(tmp_path / "recommend.usrgscores", payload, packet.signing_secret)
    _refused(db, bad, "no valid overall recommendation")
    payload = _payload(path)
    payload["applications"][0]["scores"][0]["criterion"] = "charisma"
    bad = write_signed(tmp_path / "charisma.usrgscores", payload, packet.signing_secret)
    _refused(db, bad, "'charisma', which is not a criterion")


def test_truncated_huge_empty_and_foreign_files_are_refused(exchange, tmp_path):
    db, _, _, _, path = exchange
    data = path.read_bytes()
    truncated = tmp_path / "truncated.usrgscores"
    truncated.write_bytes(data[: len(data) // 2])
    _refused(db, truncated, "damaged or cut short")
    huge = tmp_path / "huge.usrgscores"
    with huge.open("wb") as out:
        out.write(data[:-2])
        out.write(b" " * (MAX_SCORES_BYTES + 10))
        out.write(data[-2:])
    _refused(db, huge, "larger than a scores file can be (4 MB); it was not read")
    empty = tmp_path / "empty.usrgscores"
    empty.write_bytes(b"")
    _refused(db, empty, "is not a scores file")
    pretty = tmp_path / "pretty.usrgscores"
    pretty.write_text(json.dumps(json.loads(data), indent=2, sort_keys=True))
    _refused(db, pretty, "has been changed since it was written")
    _refused(db, tmp_path / "absent.usrgscores", "absent.usrgscores does not exist")
    _refused(db, tmp_path, "is a folder")
    garbage = tmp_path / "garbage.usrgscores"
    garbage.write_bytes(b"\xff\xfe\x00garbage")
    _refused(db, garbage, "is not a scores file")
    other = tmp_path / "other.usrgscores"
    other.write_text('{"payload":{"format":"something-else"},"signature":"00"}')
    _refused(db, other, "is not a scores file")


def test_a_newer_file_replaces_the_older(exchange, tmp_path):
    db, _, packet, session, path = exchange
    assert _import(db, path).status in (IMPORTED, REPLACED)
    first = packet.applications[0]
    session.set_score(first.id, "relevance", 2)
    session.set_recommendation(first.id, "do not fund", "Weak link to safety.")
    newer, _, _ = session.write_scores_file(tmp_path / "newer", now=WRITTEN + timedelta(days=1))
    result = _import(db, newer)
    assert result.status == REPLACED and "replace their earlier file" in result.sentence
    rows = {(r[0], r[1]): r[2] for r in _scores_of(db, packet.reviewer_id)}
    assert rows[first.reference, "relevance"] == 2
    assert rows[packet.applications[1].reference, "relevance"] == 4
    assert len([k for k in rows if k[0] == first.reference]) == len(packet.criteria)
    flags = db.rows(
        "SELECT si.superseded FROM scores_imports si JOIN review_packets rp "
        "ON rp.id = si.packet_id WHERE rp.packet_uid = :u ORDER BY si.exported_at DESC",
        {"u": packet.packet_uid},
    )
    assert not flags[0][0] and all(f[0] for f in flags[1:])


def test_an_older_file_never_replaces_a_newer_one(exchange, tmp_path):
    db, _, packet, session, older = exchange
    session.set_score(packet.applications[0].id, "relevance", 1)
    newer, _, _ = session.write_scores_file(tmp_path / "newer", now=WRITTEN + timedelta(minutes=5))
    assert _import(db, newer).status in (IMPORTED, REPLACED)
    result = _refused(db, older, "an older file never replaces a newer one")
    assert "written 2026-11-25 11:30:00 SAST" in result.sentence  # 09:30:00 UTC


def test_after_the_review_closed_nothing_is_imported(exchange):
    db, _, _, _, path = exchange
    with db.unit_of_work() as uow:
        from sqlalchemy import text

        uow.execute(
            text("UPDATE rounds SET status = 'decided' WHERE id = :r"), {"r": current_round_id(db)}
        )
    _refused(db, path, "review of 'Innovation Fund 2026 Round 1' is closed (the round is decided)")


def test_a_declared_conflict_is_recorded_and_unscored(exchange, tmp_path):
    db, _, packet, session, _ = exchange
    app = packet.applications[-1]
    session.set_conflict(app.id, "yes", kind="personal", reason="My cousin leads this project.")
    path, done, _ = session.write_scores_file(tmp_path / "conflict", now=WRITTEN)
    result = _import(db, path)
    assert result.status in (IMPORTED, REPLACED) and "1 declared conflict" in result.sentence
    assert db.rows(
        "SELECT kind, reason FROM conflicts WHERE reviewer_id = :r AND application_id = :a",
        {"r": packet.reviewer_id, "a": app.id},
    ) == [("personal", "My cousin leads this project.")]
    assert db.rows(
        "SELECT a.status, (SELECT COUNT(*) FROM scores s WHERE s.assignment_id = a.id) "
        "FROM assignments a WHERE reviewer_id = :r AND application_id = :a",
        {"r": packet.reviewer_id, "a": app.id},
    ) == [("conflict", 0)]
    # A newer file scoring it after all is refused while the conflict stands.
    session.set_conflict(app.id, "no")
    for c in packet.criteria:
        session.set_score(app.id, c.code, 3)
    session.set_recommendation(app.id, "fund")
    later, _, _ = session.write_scores_file(tmp_path / "later", now=WRITTEN + timedelta(hours=1))
    _refused(db, later, "the secretariat must remove that conflict first")


def test_only_staff_may_import(exchange):
    db, _, _, _, path = exchange
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        import_scores(uow, path, actor=staff(db, "coordinator"), now=IMPORTED_AT)
    with pytest.raises(PermissionDenied):
        import_many_now(db, [path], actor=staff(db, "coordinator"), now=IMPORTED_AT)


def test_import_many_reports_each_file_in_its_own_unit_of_work(exchange, tmp_path):
    db, packets, packet, _, good = exchange
    other = next(p for p in map(_open, packets.values()) if p.reviewer_id != packet.reviewer_id)
    second = filled_session(other, tmp_path / "autosave2", level=3)
    other_file, _, _ = second.write_scores_file(tmp_path / "other", now=WRITTEN)
    bad = tmp_path / "bad.usrgscores"
    bad.write_bytes(good.read_bytes()[:-5])
    work = import_many(db, [good, bad, other_file, good], actor=staff(db), now=IMPORTED_AT)
    steps = []
    try:
        while True:
            steps.append(next(work))
    except StopIteration as stop:
        report = stop.value
    assert [s[:2] for s in steps] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    statuses = [r.status for r in report.results]
    assert statuses[1] == REJECTED and statuses[3] == UNCHANGED
    assert statuses[0] in (IMPORTED, REPLACED) and statuses[2] in (IMPORTED, REPLACED)
    assert report.any_rejected and "1 rejected" in report.summary()
    assert report.results[1].line.startswith("bad.usrgscores: rejected: ")
    assert {
        r[2]
        for r in _scores_of(db, other.reviewer_id)
        if r[0] in {a.reference for a in other.applications}
    } == {3}


def test_a_cancelled_import_keeps_the_files_already_done(exchange, tmp_path):
    db, packets, packet, _, good = exchange
    other = next(p for p in map(_open, packets.values()) if p.reviewer_id != packet.reviewer_id)
    second, _, _ = filled_session(other, tmp_path / "autosave2").write_scores_file(
        tmp_path / "second", now=WRITTEN
    )
    before = db.rows("SELECT COUNT(*) FROM scores_imports")[0][0]
    work = import_many(db, [good, second], actor=staff(db), now=IMPORTED_AT)
    next(work)
    work.close()  # the user pressed Cancel after the first file
    assert db.rows("SELECT COUNT(*) FROM scores_imports")[0][0] == before + 1


def test_the_reviewer_session_refuses_scores_before_the_conflict_answer(exchange, tmp_path):
    _, _, packet, _, _ = exchange
    fresh = ReviewerSession.open(packet.path, autosave_dir=tmp_path / "fresh")
    app = packet.applications[0]
    with pytest.raises(WorkflowError, match="conflict-of-interest question"):
        fresh.set_score(app.id, "relevance", 3)
    with pytest.raises(WorkflowError, match="No application is finished yet"):
        fresh.write_scores_file(tmp_path / "nothing", now=WRITTEN)
