"""Batches that refuse the wrong letter, and a merged file a duplex printer can take: each kind
of letter goes only to the applications it is for, a decided round asks first, awards recorded
without letters can still get theirs, and the merged PDF starts every letter on a front page,
has a title, a bookmark per letter, the issue date as its date and only embedded fonts."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from usrg_desktop.domain.awards import IssuedLetter
from usrg_desktop.domain.grants import Round
from usrg_desktop.printing import letters_v1
from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.letters import letter_batch
from usrg_desktop.workflows.letters.letter_rules import ConfirmationNeeded

from .test_applications import STAFF, make_round
from .test_letters import text_of, to_state

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def issue(db, rnd, kind, tmp_path, **kw):
    work = letter_batch.issue_letters_for_round(
        db, round_id=rnd, kind=kind, actor=STAFF, now=NOW, out_dir=tmp_path / kind, **kw
    )
    try:
        while True:
            next(work)
    except StopIteration as stop:
        return stop.value


def font_problems(pdf: bytes) -> list[str]:
    """Every font of the PDF that is not embedded (or a standard 14 font), by name."""
    problems = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                problems.append(name)
    return problems


@pytest.fixture
def mixed_round(any_db):
    """One round: two applications submitted, one in screening, one approved."""
    with any_db.unit_of_work() as s:
        rnd = make_round(s, budget=3_000_000_00)
        apps = {
            "submitted": [to_state(s, rnd, "submitted") for _ in range(2)],
            "approved": to_state(s, rnd, "approved"),
        }
        screening = to_state(s, rnd, "submitted")
        wf.start_screening(s, application_id=screening, actor=STAFF, now=NOW)
        apps["screening"] = screening
    return any_db, rnd, apps


def test_acknowledgements_go_to_applications_not_yet_screened_unless_asked(mixed_round, tmp_path):
    db, rnd, apps = mixed_round
    with db.unit_of_work() as s:
        plain = wl.letter_candidates(s, round_id=rnd, kind="acknowledgement")
        every = wl.letter_candidates(s, round_id=rnd, kind="acknowledgement", every_submitted=True)
    assert plain == apps["submitted"]
    assert set(every) >= {*apps["submitted"], apps["screening"], apps["approved"]}
    result = issue(db, rnd, "acknowledgement", tmp_path)
    assert len(result.references) == 2
    assert "will now be screened" in text_of(result.files[0].read_bytes())
    with pytest.raises(WorkflowError) as refused:
        issue(db, rnd, "acknowledgement", tmp_path)
    assert str(refused.value) == (
        f"No application of {db.rows('SELECT name FROM rounds WHERE id = :r', {'r': rnd})[0][0]} "
        "needs an acknowledgement of receipt: every one it is for (2) has had one already."
    )


def test_a_decline_without_feedback_leaves_the_feedback_paragraph_out(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        with_feedback = to_state(s, rnd, "declined")
        app_id = to_state(s, rnd, "submitted")
        wf.start_screening(s, application_id=app_id, actor=STAFF, now=NOW)
    with any_db.unit_of_work() as s:
        from .test_applications import add_scored_reviews, tick_all

        tick_all(s, app_id)
        wf.mark_eligible(s, application_id=app_id, actor=STAFF, now=NOW)
        add_scored_reviews(s, app_id)
        wf.complete_review(s, application_id=app_id, actor=STAFF, now=NOW)
        wf.decline(s, application_id=app_id, actor=STAFF, now=NOW, reason="Below the line.")
    with any_db.unit_of_work() as s:
        bare = wl.reprint(
            s, wl.issue_letter(s, application_id=app_id, kind="decline", actor=STAFF, now=NOW)
        )
        full = wl.reprint(
            s,
            wl.issue_letter(s, application_id=with_feedback, kind="decline", actor=STAFF, now=NOW),
        )
    assert "The panel\u2019s feedback" in text_of(full)  # one quote style: curly
    assert "sustain the marshals" in text_of(full)
    assert "feedback" not in text_of(bare)
    assert "We hope this helps" in text_of(bare)


def test_a_decided_round_asks_first(any_db, tmp_path):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        to_state(s, rnd, "ineligible")
    with any_db.unit_of_work() as s:
        s.get(Round, rnd).status = "decided"
    with pytest.raises(ConfirmationNeeded, match="is decided already; issue 1 ineligibility"):
        issue(any_db, rnd, "ineligible", tmp_path)
    assert any_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0] == 0
    assert not list((tmp_path / "ineligible").glob("*"))
    with any_db.unit_of_work() as s:
        assert "decided already" in wl.batch_question(s, round_id=rnd, kind="ineligible")
    result = issue(any_db, rnd, "ineligible", tmp_path, confirmed=True)
    assert len(result.files) == 1


def test_awards_recorded_without_letters_can_get_their_letters(any_demo_db, tmp_path):
    db = any_demo_db
    rnd = db.rows("SELECT id FROM rounds WHERE status = 'decided'")[0][0]
    without = db.rows(
        "SELECT COUNT(*) FROM applications a JOIN awards w ON w.application_id = a.id "
        "WHERE a.round_id = :r AND a.state IN ('awarded', 'active')",
        {"r": rnd},
    )[0][0]
    assert without > 0
    result = issue(db, rnd, "award", tmp_path, confirmed=True)
    assert len(result.files) == without
    states = db.rows(
        "SELECT DISTINCT a.state FROM applications a JOIN issued_letters l "
        "ON l.application_id = a.id WHERE a.round_id = :r",
        {"r": rnd},
    )
    assert {s for (s,) in states} <= {"awarded", "active"}  # no state moved
    with pytest.raises(WorkflowError, match=r"has had one already"):
        issue(db, rnd, "award", tmp_path, confirmed=True)


def test_the_merged_file_is_duplex_safe_titled_bookmarked_and_dated(any_db, tmp_path):
    with any_db.unit_of_work() as s:
        rnd = make_round(s, budget=3_000_000_00)
        for _ in range(3):
            to_state(s, rnd, "submitted")
    merged = tmp_path / "all.pdf"
    result = issue(any_db, rnd, "acknowledgement", tmp_path, merged=merged)
    reader = PdfReader(merged)
    counts = [len(PdfReader(f).pages) for f in result.files]
    assert counts == [1, 1, 1]
    # Every one-page letter is followed by a blank back: six pages, letters on 1, 3 and 5.
    assert len(reader.pages) == 6
    starts = [reader.get_destination_page_number(o) for o in reader.outline]
    assert starts == [0, 2, 4]
    assert all(not reader.pages[i].extract_text().strip() for i in (1, 3, 5))
    assert [o.title for o in reader.outline][0].startswith(result.references[0])
    assert reader.metadata.title.startswith("Acknowledgements of receipt, ")
    assert reader.metadata["/CreationDate"].startswith("D:20261207")
    assert font_problems(merged.read_bytes()) == []
    for path in result.files:
        letter = PdfReader(path)
        assert letter.metadata["/CreationDate"].startswith("D:20261207")
        assert font_problems(path.read_bytes()) == []
        assert b"Helvetica" not in path.read_bytes()
    # Without duplex: back to back.
    again = tmp_path / "plain.pdf"
    letter_batch.merge_pdfs(result.files, again, duplex=False)
    assert len(PdfReader(again).pages) == 3
    # The same letters merged again give the same bytes.
    twice = tmp_path / "twice.pdf"
    letter_batch.merge_pdfs(result.files, twice, title=reader.metadata.title, created_on=NOW.date())
    letter_batch.merge_pdfs(result.files, again, title=reader.metadata.title, created_on=NOW.date())
    assert twice.read_bytes() == again.read_bytes()


def test_no_part_files_are_left_and_no_letter_file_without_its_registration(any_db, tmp_path):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        to_state(s, rnd, "submitted")
    folder = tmp_path / "acknowledgement"
    folder.mkdir()
    (folder / "USRG-STALE-ACK.pdf.part").write_bytes(b"%PDF-half")
    result = issue(any_db, rnd, "acknowledgement", tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in result.files]


def test_letters_of_the_first_layout_still_reprint_identically(any_db):
    """A letter registered before layout 2 (no layout in its payload) re-prints as it was."""
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        app_id = to_state(s, rnd, "submitted")
        letter_id = wl.issue_letter(
            s, application_id=app_id, kind="acknowledgement", actor=STAFF, now=NOW
        )
    with any_db.unit_of_work() as s:
        row = s.get(IssuedLetter, letter_id)
        payload = json.loads(row.payload)
        assert payload.pop("layout") == wl.LAYOUT
        template = wl.current_template(s, "acknowledgement")
        head = payload["letterhead"]
        # What a letter of the first layout kept: none of the later fields.
        payload["letter"]["header"].pop("signatory")
        for key in ("honorific", "postal_address", "applicant_in_sentence"):
            payload["letter"]["header"]["addressee"].pop(key)
        old = letters_v1.letter_pdf(
            letters_v1.letter_from_data(payload["letter"]),
            letters_v1.TemplateText("acknowledgement", 1, template.subject, template.body),
            letters_v1.Letterhead(head["name"], head["address"], head["footer"], None),
        )
        row.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        row.sha256 = hashlib.sha256(old).hexdigest()
    with any_db.unit_of_work() as s:
        assert wl.reprint(s, letter_id) == old
    assert b"D:20000101" in old  # the old layout's date, kept for its re-prints
    with any_db.unit_of_work() as s:
        assert s.scalar(select(IssuedLetter.kind).where(IssuedLetter.id == letter_id))
