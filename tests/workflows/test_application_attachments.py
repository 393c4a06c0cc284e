"""An application's attachments: stored with their SHA-256, checked by name, content and
size, never written outside their folder, audited, and kept by history and audit replay."""

from __future__ import annotations

import hashlib
import io

import pytest
from openpyxl import Workbook

from tests.workflows.test_application_forms import (
    JPEG,
    PDF,
    PNG,
    counts,
    office_file,
    open_round,
    save,
)
from tests.workflows.test_applications import COORD, NOW, STAFF, ensure_users, tick_all
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants import applications as wf

__all__ = ["open_round"]  # the fixture the tests below build on


# -- attachments --------------------------------------------------------------------------------
@pytest.fixture
def draft_app(open_round):
    db, round_id = open_round
    with db.unit_of_work() as s:
        app_id = save(s, round_id)
    return db, app_id


def attach(db, app_id, path, kind="proposal", actor=STAFF) -> int:
    with db.unit_of_work() as s:
        return wf.add_attachment(
            s, application_id=app_id, path=path, kind=kind, actor=actor, now=NOW
        )


def refused_attach(db, app_id, path, kind="proposal") -> str:
    before = counts(db)
    with pytest.raises(WorkflowError) as caught:
        attach(db, app_id, path, kind)
    assert counts(db) == before
    return str(caught.value)


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Item", "Amount"])
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "media"),
    [
        ("proposal.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("site.jpeg", JPEG, "image/jpeg"),
        ("site.jpg", JPEG + b"1", "image/jpeg"),
        (
            "letter.docx",
            office_file("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            None,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_attachments_round_trip_with_their_sha256(draft_app, tmp_path, name, content, media):
    db, app_id = draft_app
    content = content if content is not None else xlsx_bytes()
    path = tmp_path / name
    path.write_bytes(content)
    attachment_id = attach(db, app_id, path)
    with db.unit_of_work() as s:
        [info] = wf.attachment_listing(s, app_id)
        written = wf.attachment_to_file(s, attachment_id=attachment_id)
    assert (info.filename, info.media_type, info.size_bytes) == (name, media, len(content))
    assert info.sha256 == hashlib.sha256(content).hexdigest()
    stored = db.rows("SELECT sha256 FROM attachments WHERE id = :i", {"i": attachment_id})
    assert stored[0][0] == hashlib.sha256(content).hexdigest()
    assert written.name == name and written.read_bytes() == content
    assert written.parent != tmp_path


def test_wrong_types_are_refused_by_name_and_by_content(draft_app, tmp_path):
    db, app_id = draft_app
    (tmp_path / "notes.txt").write_text("hello")
    assert "notes.txt cannot be attached: only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG" in (
        refused_attach(db, app_id, tmp_path / "notes.txt")
    )
    (tmp_path / "fake.pdf").write_bytes(b"MZ\x90\x00 an executable")
    assert refused_attach(db, app_id, tmp_path / "fake.pdf").startswith(
        "fake.pdf is not a real PDF file, whatever its name says"
    )
    (tmp_path / "sheet.docx").write_bytes(xlsx_bytes())  # a zip, but a spreadsheet
    assert "sheet.docx is not a real Word (.docx) file" in refused_attach(
        db, app_id, tmp_path / "sheet.docx"
    )
    (tmp_path / "photo.png").write_bytes(JPEG)
    assert "photo.png is not a real PNG image file" in refused_attach(
        db, app_id, tmp_path / "photo.png"
    )
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert refused_attach(db, app_id, tmp_path / "empty.pdf") == "empty.pdf is empty."
    assert "missing.pdf cannot be read" in refused_attach(db, app_id, tmp_path / "missing.pdf")
    (tmp_path / "ok.pdf").write_bytes(PDF)
    assert "'budget sheet' is not a kind of attachment" in refused_attach(
        db, app_id, tmp_path / "ok.pdf", kind="budget sheet"
    )


def test_size_limit_names_the_file_and_the_limit(draft_app, tmp_path):
    db, app_id = draft_app
    big = tmp_path / "scan.pdf"
    with big.open("wb") as f:
        f.write(PDF)
        f.truncate(wf.MAX_ATTACHMENT_BYTES + 1)
    assert refused_attach(db, app_id, big) == (
        "scan.pdf is 20.1 MB; an attachment may be at most 20 MB."
    )
    with big.open("r+b") as f:
        f.truncate(wf.MAX_ATTACHMENT_BYTES + 3 * 1024 * 1024)
    assert refused_attach(db, app_id, big) == (
        "scan.pdf is 23 MB; an attachment may be at most 20 MB."
    )
    with big.open("r+b") as f:
        f.truncate(wf.MAX_ATTACHMENT_BYTES)
    attach(db, app_id, big)  # exactly at the limit is fine


def test_duplicate_content_is_refused_and_removal_is_audited(draft_app, tmp_path):
    db, app_id = draft_app
    (tmp_path / "proposal.pdf").write_bytes(PDF)
    (tmp_path / "copy.pdf").write_bytes(PDF)
    attachment_id = attach(db, app_id, tmp_path / "proposal.pdf")
    assert refused_attach(db, app_id, tmp_path / "copy.pdf") == (
        "copy.pdf is already attached to the draft 'Safer taxi ranks in Durban' as proposal.pdf."
    )
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        wf.remove_attachment(s, attachment_id=attachment_id, actor=COORD, now=NOW)
    with db.unit_of_work() as s:
        assert wf.remove_attachment(s, attachment_id=attachment_id, actor=STAFF, now=NOW) == (
            "proposal.pdf"
        )
    with db.unit_of_work() as s:
        assert wf.attachment_listing(s, app_id) == []
        history = wf.application_history(s, app_id)
    assert [h.action for h in history[:2]] == ["remove_attachment", "attach"]
    assert history[0].detail.startswith("proposal.pdf (proposal, sha256 ")
    attach(db, app_id, tmp_path / "copy.pdf")  # gone, so the same content may come back


def test_a_stored_name_cannot_write_outside_the_folder(draft_app, tmp_path):
    db, app_id = draft_app
    (tmp_path / "proposal.pdf").write_bytes(PDF)
    attachment_id = attach(db, app_id, tmp_path / "proposal.pdf")
    with db.unit_of_work() as s:
        s.execute(
            wf.Attachment.__table__.update()
            .where(wf.Attachment.id == attachment_id)
            .values(filename="../../evil.pdf")
        )
    folder = tmp_path / "out"
    folder.mkdir()
    with db.unit_of_work() as s:
        written = wf.attachment_to_file(s, attachment_id=attachment_id, folder=folder)
    assert written == folder / "evil.pdf"


def test_history_and_audit_replay_still_hold_with_attachments_and_edits(draft_app, tmp_path):
    """Edits, attachments and screening ticks keep the state: the trail still replays."""
    db, app_id = draft_app
    (tmp_path / "proposal.pdf").write_bytes(PDF)
    attach(db, app_id, tmp_path / "proposal.pdf")
    with db.unit_of_work() as s:
        ensure_users(s)
        wf.submit(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
        tick_all(s, app_id)
    trail = db.rows(
        "SELECT from_state, to_state FROM audit_events WHERE entity = 'application' "
        "AND entity_id = :i ORDER BY id",
        {"i": app_id},
    )
    state = None
    for source, target in trail:
        assert source == state
        state = target
    assert state == "screening"


def test_attach_needs_staff(draft_app, tmp_path):
    db, app_id = draft_app
    (tmp_path / "proposal.pdf").write_bytes(PDF)
    with pytest.raises(PermissionDenied):
        attach(db, app_id, tmp_path / "proposal.pdf", actor=COORD)
