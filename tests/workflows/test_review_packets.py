"""Review packets: only the reviewer's own applications, the rubric and their secret; zip tricks."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.workflows.review_exchange_support import (
    EXPORTED_AT,
    current_round_id,
    export_all,
    staff,
)
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.reviews import review_packets as rp
from usrg_desktop.workflows.reviews.review_packets import (
    PacketError,
    export_packets,
    export_packets_now,
    read_attachment,
    read_packet,
)


def _assigned(db, reviewer_id: int, round_id: int) -> set[str]:
    return {
        r[0]
        for r in db.rows(
            "SELECT app.reference FROM assignments a JOIN applications app "
            "ON app.id = a.application_id WHERE a.reviewer_id = :r AND app.round_id = :rd "
            "AND a.status <> 'conflict' AND app.state IN ('in_review', 'reviewed')",
            {"r": reviewer_id, "rd": round_id},
        )
    }


def test_each_packet_holds_only_its_reviewers_applications(any_demo_db, tmp_path):
    db = any_demo_db
    round_id = current_round_id(db)
    packets = export_all(db, tmp_path / "out")
    reviewers = db.rows(
        "SELECT rv.id, p.full_name, p.email FROM reviewers rv JOIN people p ON p.id = rv.person_id"
    )
    secrets = dict(
        db.rows(
            "SELECT reviewer_id, signing_secret FROM review_packets WHERE round_id = :r",
            {"r": round_id},
        )
    )
    score_comments = {r[0] for r in db.rows("SELECT comment FROM scores WHERE comment <> ''")}
    assert len(packets) >= 6
    for email, path in packets.items():
        packet = read_packet(path)
        assert packet.reviewer_email == email
        assert {a.reference for a in packet.applications} == _assigned(
            db, packet.reviewer_id, round_id
        )
        assert packet.signing_secret == secrets[packet.reviewer_id]
        assert [c.weight_percent for c in packet.criteria] == [25, 20, 20, 15, 20]
        assert all(len(c.levels) == 5 and all(c.levels.values()) for c in packet.criteria)
        assert packet.deadline is not None
        with zipfile.ZipFile(path) as zf:
            text = zf.read("packet.json").decode("utf-8")
        for rid, name, other_email in reviewers:
            if rid != packet.reviewer_id:
                assert name not in text and other_email not in text
                if rid in secrets:
                    assert secrets[rid] not in text
        # No scores, comments of reviews or conflicts of anyone.
        document = json.loads(text)
        assert "scores" not in text and "conflict" not in text
        assert not any(comment in text for comment in score_comments)
        assert set(document) == {
            "format",
            "version",
            "packet_id",
            "round",
            "reviewer",
            "deadline",
            "issued_at",
            "rubric",
            "applications",
            "signing",
        }


def test_attachments_travel_with_their_bytes_and_budget_lines_add_up(demo_db, tmp_path):
    packets = export_all(demo_db, tmp_path)
    packet = read_packet(next(iter(packets.values())))
    app = packet.applications[0]
    assert app.attachments
    for att in app.attachments:
        content = read_attachment(packet, att.sha256)
        assert hashlib.sha256(content).hexdigest() == att.sha256
        stored = demo_db.rows(
            "SELECT sha256, size_bytes FROM attachments WHERE application_id = :a "
            "AND filename = :f",
            {"a": app.id, "f": att.filename},
        )
        assert (att.sha256, att.size_bytes) in [tuple(r) for r in stored]
    assert sum(c for _, c in app.budget_lines) == app.requested_cents


def test_export_again_keeps_the_secret_and_one_packet_per_reviewer(demo_db, tmp_path):
    first = export_all(demo_db, tmp_path / "a")
    before = demo_db.rows("SELECT reviewer_id, packet_uid, signing_secret FROM review_packets")
    second = export_all(demo_db, tmp_path / "b")
    assert (
        demo_db.rows("SELECT reviewer_id, packet_uid, signing_secret FROM review_packets") == before
    )
    email = sorted(first)[0]
    assert read_packet(first[email]).signing_secret == read_packet(second[email]).signing_secret
    events = demo_db.rows(
        "SELECT action, COUNT(*) FROM audit_events WHERE entity = 'review_packet' GROUP BY action"
    )
    assert dict(events) == {"reissue_packet": 2 * len(first)}


def test_a_new_packet_gets_a_fresh_secret(demo_db, tmp_path):
    from sqlalchemy import text

    round_id = current_round_id(demo_db)
    email = "divhani.malaba@csps.gov.za"
    rid = demo_db.rows(
        "SELECT rv.id FROM reviewers rv JOIN people p ON p.id = rv.person_id WHERE p.email = :e",
        {"e": email},
    )[0][0]
    old = demo_db.rows(
        "SELECT signing_secret FROM review_packets WHERE reviewer_id = :r AND round_id = :rd",
        {"r": rid, "rd": round_id},
    )
    # Forget this reviewer's packet (and what came back with it), as if never exported.
    with demo_db.unit_of_work() as session:
        params = {"r": rid, "rd": round_id}
        packet = "SELECT id FROM review_packets WHERE reviewer_id = :r AND round_id = :rd"
        session.execute(
            text(
                "UPDATE assignments SET scores_import_id = NULL WHERE scores_import_id IN "
                f"(SELECT id FROM scores_imports WHERE packet_id IN ({packet}))"
            ),
            params,
        )
        session.execute(text(f"DELETE FROM scores_imports WHERE packet_id IN ({packet})"), params)
        session.execute(
            text("DELETE FROM review_packets WHERE reviewer_id = :r AND round_id = :rd"), params
        )
    written = export_packets_now(
        demo_db,
        round_id=round_id,
        reviewer_email=email.upper(),
        out_dir=tmp_path,
        actor=staff(demo_db),
        now=EXPORTED_AT,
    )
    assert [p.reviewer_email for p in written] == [email]
    assert len(list(tmp_path.glob("*.usrgpacket"))) == 1
    secret = demo_db.rows(
        "SELECT signing_secret FROM review_packets WHERE reviewer_id = :r AND round_id = :rd",
        {"r": rid, "rd": round_id},
    )[0][0]
    assert len(bytes.fromhex(secret)) == 32 and [(secret,)] != old
    assert read_packet(written[0].path).signing_secret == secret


def test_refusals_name_the_problem_and_write_nothing(demo_db, tmp_path):
    round_id = current_round_id(demo_db)
    packets_before = demo_db.rows("SELECT COUNT(*) FROM review_packets")
    with pytest.raises(PermissionDenied, match="secretariat"):
        export_packets_now(
            demo_db,
            round_id=round_id,
            out_dir=tmp_path,
            actor=staff(demo_db, "coordinator"),
            now=EXPORTED_AT,
        )
    with pytest.raises(WorkflowError, match="No reviewer has the email address nobody@x.org"):
        export_packets_now(
            demo_db,
            round_id=round_id,
            reviewer_email="nobody@x.org",
            out_dir=tmp_path,
            actor=staff(demo_db),
            now=EXPORTED_AT,
        )
    past = demo_db.rows("SELECT id FROM rounds WHERE status = 'decided'")[0][0]
    with pytest.raises(WorkflowError, match="is decided"):
        export_packets_now(
            demo_db, round_id=past, out_dir=tmp_path, actor=staff(demo_db), now=EXPORTED_AT
        )
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(WorkflowError, match="is a file, not a folder"):
        export_packets_now(
            demo_db, round_id=round_id, out_dir=blocker, actor=staff(demo_db), now=EXPORTED_AT
        )
    assert demo_db.rows("SELECT COUNT(*) FROM review_packets") == packets_before
    assert list(tmp_path.glob("*.usrgpacket")) == []


def test_export_reports_progress_per_packet(demo_db, tmp_path):
    work = export_packets(
        demo_db,
        round_id=current_round_id(demo_db),
        out_dir=tmp_path,
        actor=staff(demo_db),
        now=EXPORTED_AT,
    )
    steps = []
    try:
        while True:
            steps.append(next(work))
    except StopIteration as stop:
        written = stop.value
    assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1] == len(written)
    assert [s[0] for s in steps] == list(range(len(written) + 1))


# -- reading defends against zip tricks -----------------------------------------------------------
def _good_packet(demo_db, tmp_path) -> Path:
    packets = export_all(demo_db, tmp_path / "good")
    return next(iter(packets.values()))


def _rezip(source: Path, target: Path, extra: dict[str, bytes] | None = None, **drop) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            if info.filename not in drop.get("without", ()):
                zout.writestr(info.filename, zin.read(info.filename))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return target


@pytest.mark.parametrize(
    "member",
    [
        "../evil.sh",
        "attachments/../../evil.sh",
        "/etc/passwd",
        "C:/Windows/evil.dll",
        "attachments\\..\\evil.sh",
    ],
)
def test_paths_outside_the_packet_are_refused(demo_db, tmp_path, member):
    bad = _rezip(_good_packet(demo_db, tmp_path), tmp_path / "bad.usrgpacket", {member: b"x"})
    with pytest.raises(PacketError, match="points outside the packet"):
        read_packet(bad)


def test_unexpected_members_and_missing_parts_are_refused(demo_db, tmp_path):
    good = _good_packet(demo_db, tmp_path)
    extra = _rezip(good, tmp_path / "extra.usrgpacket", {"notes.txt": b"hello"})
    with pytest.raises(PacketError, match="unexpected file 'notes.txt'"):
        read_packet(extra)
    no_json = _rezip(good, tmp_path / "nojson.usrgpacket", without=("packet.json",))
    with pytest.raises(PacketError, match="has no packet.json"):
        read_packet(no_json)
    with zipfile.ZipFile(good) as zf:
        first_attachment = next(n for n in zf.namelist() if n.startswith("attachments/"))
    missing = _rezip(good, tmp_path / "missing.usrgpacket", without=(first_attachment,))
    with pytest.raises(PacketError, match="attachment"):
        read_packet(missing)
    swapped = _rezip(good, tmp_path / "swapped.usrgpacket", without=(first_attachment,))
    with zipfile.ZipFile(swapped, "a") as zf:
        zf.writestr(first_attachment, b"not what the checksum says")
    with pytest.raises(PacketError, match="does not match its checksum"):
        read_packet(swapped)


def test_garbage_empty_and_damaged_files_are_refused(demo_db, tmp_path):
    garbage = tmp_path / "garbage.usrgpacket"
    garbage.write_bytes(b"\x00\xffnot a zip at all" * 100)
    with pytest.raises(PacketError, match="garbage.usrgpacket is not a review packet"):
        read_packet(garbage)
    empty = tmp_path / "empty.usrgpacket"
    empty.write_bytes(b"")
    with pytest.raises(PacketError, match="is not a review packet"):
        read_packet(empty)
    with pytest.raises(PacketError, match="does not exist"):
        read_packet(tmp_path / "nowhere.usrgpacket")
    good = _good_packet(demo_db, tmp_path)
    truncated = tmp_path / "truncated.usrgpacket"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(PacketError, match="not a review packet"):
        read_packet(truncated)
    bad_json = _rezip(good, tmp_path / "badjson.usrgpacket", without=("packet.json",))
    with zipfile.ZipFile(bad_json, "a") as zf:
        zf.writestr("packet.json", b"{not json")
    with pytest.raises(PacketError, match="is not readable"):
        read_packet(bad_json)
    with zipfile.ZipFile(good) as zf:
        data = json.loads(zf.read("packet.json"))
    del data["rubric"]
    shape = _rezip(good, tmp_path / "shape.usrgpacket", without=("packet.json",))
    with zipfile.ZipFile(shape, "a") as zf:
        zf.writestr("packet.json", json.dumps(data))
    with pytest.raises(PacketError, match="is incomplete"):
        read_packet(shape)


def test_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(rp, "MAX_MEMBERS", 50)
    many = tmp_path / "many.usrgpacket"
    with zipfile.ZipFile(many, "w") as zf:
        for n in range(51):
            zf.writestr(f"attachments/{n:064x}", b"")
    with pytest.raises(PacketError, match="holds 51 files, more than a review packet can"):
        read_packet(many)


def test_a_zip_bomb_is_stopped_while_expanding(demo_db, tmp_path, monkeypatch):
    good = _good_packet(demo_db, tmp_path)
    monkeypatch.setattr(rp, "MAX_MEMBER_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(rp, "MAX_JSON_BYTES", 2 * 1024 * 1024)
    zeros = b"\0" * (3 * 1024 * 1024)  # compresses to a few kilobytes
    digest = hashlib.sha256(zeros).hexdigest()
    bomb = tmp_path / "bomb.usrgpacket"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr(f"attachments/{digest}", zeros)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(PacketError, match="expands to more than a review packet may hold"):
        read_packet(bomb)
    # A header that lies about the size is caught while reading, not trusted.
    liar = _lying_header(bomb, digest)
    with pytest.raises(PacketError, match="bomb-liar.usrgpacket (is damaged|holds)"):
        read_packet(liar)


def test_total_expansion_is_limited(demo_db, tmp_path, monkeypatch):
    good = _good_packet(demo_db, tmp_path)
    monkeypatch.setattr(rp, "MAX_TOTAL_BYTES", good.stat().st_size // 4)
    with pytest.raises(PacketError, match="expands to more than a review packet may hold"):
        read_packet(good)


def _lying_header(source: Path, digest: str) -> Path:
    """A copy whose central directory says the big member holds 10 bytes."""
    data = bytearray(source.read_bytes())
    name = f"attachments/{digest}".encode()
    at = data.rfind(name)  # the last occurrence is the central directory's
    central = at - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    target = source.with_name("bomb-liar.usrgpacket")
    target.write_bytes(bytes(data))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        assert zf.getinfo(f"attachments/{digest}").file_size == 10
    return target
