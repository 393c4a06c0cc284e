"""Letters in the database: templates with checked placeholders and versions, the register with
SHA-256 and identical re-prints, award letters moving the state machine, and round batches."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from usrg_desktop.domain.awards import Award, IssuedLetter, LetterTemplate, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.money import format_zar
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.letters import letter_batch, letter_previews

from .test_applications import (
    ADMIN,
    COORD,
    STAFF,
    add_scored_reviews,
    ensure_users,
    make_application,
    make_round,
    state_of,
    tick_all,
)

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def to_state(session, rnd: int, target: str, *, amount: int = 333_333_33, city_id: int = 3) -> int:
    """A new application of round `rnd` taken to `target` through the state machine."""
    app_id = make_application(session, rnd, requested=400_000_00, city_id=city_id)
    wf.submit(session, application_id=app_id, actor=STAFF, now=NOW)
    if target == "submitted":
        return app_id
    wf.start_screening(session, application_id=app_id, actor=STAFF, now=NOW)
    if target == "ineligible":
        wf.mark_ineligible(
            session,
            application_id=app_id,
            actor=STAFF,
            now=NOW,
            reason="The budget was not signed by the chief financial officer.",
        )
        return app_id
    tick_all(session, app_id)
    wf.mark_eligible(session, application_id=app_id, actor=STAFF, now=NOW)
    add_scored_reviews(session, app_id)
    wf.complete_review(session, application_id=app_id, actor=STAFF, now=NOW)
    if target == "declined":
        wf.decline(
            session,
            application_id=app_id,
            actor=STAFF,
            now=NOW,
            reason="Ranked below the funding line.",
            feedback="Say more about how the city will sustain the marshals after the grant.",
        )
    elif target == "approved":
        wf.approve(
            session,
            application_id=app_id,
            actor=STAFF,
            now=NOW,
            amount_cents=amount,
            conditions="Submit a revised monitoring plan within 30 days.",
        )
    return app_id


@pytest.fixture
def fund(any_db):
    """A round with one application in each state a letter goes to."""
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        apps = {
            state: to_state(s, rnd, state)
            for state in ("submitted", "ineligible", "declined", "approved")
        }
    return any_db, rnd, apps


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def count(db, table: str) -> int:
    return db.rows(f"SELECT COUNT(*) FROM {table}")[0][0]


# -- templates ----------------------------------------------------------------------------------
def test_unknown_placeholder_is_refused_naming_it_and_nothing_is_saved(any_db):
    body = "Dear {contact_name}\n\nWe award {amuont} to {applicant_name}."
    with pytest.raises(WorkflowError) as refused, any_db.unit_of_work() as s:
        wl.save_template(s, kind="award", subject="Award", body=body, actor=STAFF, now=NOW)
    message = str(refused.value)
    assert message.startswith("The placeholder {amuont} is not known; known placeholders: ")
    assert "{amount}" in message and "{amount_in_words}" in message
    assert "{feedback}" not in message  # a decline letter's placeholder, not an award letter's
    assert count(any_db, "letter_templates") == 0


def test_placeholder_of_another_kind_and_stray_braces_are_refused(any_db):
    with any_db.unit_of_work() as s:
        problems = wl.template_problems("acknowledgement", "Receipt {reference}", "{feedback}")
        assert problems[0].startswith("The placeholder {feedback} is not known")
        assert wl.template_problems("decline", "Outcome", "Dear {contact_name") == [
            "The letter text has a brace that does not make a placeholder; write placeholders "
            "like {reference}."
        ]
        assert wl.template_problems("decline", " ", "") == [
            "The subject is empty.",
            "The letter text is empty.",
        ]
        with pytest.raises(WorkflowError, match="'memo' is not a kind of letter"):
            wl.save_template(s, kind="memo", subject="x", body="y", actor=STAFF, now=NOW)
        with pytest.raises(PermissionDenied):
            wl.save_template(
                s,
                kind="decline",
                subject="Outcome",
                body="Dear {contact_name}",
                actor=COORD,
                now=NOW,
            )


def test_templates_are_versioned_and_the_default_comes_from_resources(any_db):
    with any_db.unit_of_work() as s:
        ensure_users(s)
        shipped = wl.current_template(s, "decline")
        assert shipped.version == 0
        assert "{feedback}" in shipped.body
        v1 = wl.save_template(
            s, kind="decline", subject=shipped.subject, body=shipped.body, actor=STAFF, now=NOW
        )
        v2 = wl.save_template(
            s,
            kind="decline",
            subject="Outcome of {reference}",
            body=shipped.body + "\n\nP.S. {round_name}",
            actor=STAFF,
            now=NOW,
        )
        assert (v1, v2) == (1, 2)
        with pytest.raises(WorkflowError, match="same as version 2; nothing to save"):
            wl.save_template(
                s,
                kind="decline",
                subject="Outcome of {reference}",
                body=shipped.body + "\n\nP.S. {round_name}",
                actor=STAFF,
                now=NOW,
            )
        assert wl.current_template(s, "decline").subject == "Outcome of {reference}"
        assert wl.template_version(s, "decline", 1).subject == shipped.subject
        history = wl.template_history(s, "decline")
        assert [row[0] for row in history.rows] == [2, 1]
        assert history.rows[0][2] == STAFF.name


# -- issuing, the register, re-prints ------------------------------------------------------------
def test_issued_letter_is_registered_with_its_hash_and_reprints_identically(fund):
    db, _rnd, apps = fund
    with db.unit_of_work() as s:
        letter_id = wl.issue_letter(
            s, application_id=apps["declined"], kind="decline", actor=STAFF, now=NOW
        )
    with db.unit_of_work() as s:
        row = s.get(IssuedLetter, letter_id)
        app = s.get(Application, apps["declined"])
        assert row.reference == f"{app.reference}/DEC"
        assert row.kind == "decline"
        assert str(row.issued_on)[:10] == "2026-11-25"
        template = s.get(LetterTemplate, row.template_id)
        assert (template.kind, template.version) == ("decline", 1)
        payload = json.loads(row.payload)
        assert payload["letter"]["feedback"].startswith("Say more about how the city")
        first = wl.reprint(s, letter_id)
        assert hashlib.sha256(first).hexdigest() == row.sha256
        text = text_of(first)
        assert "Ḓivhani Maḽaba" in text
        assert "Say more about how the city will sustain the marshals after the grant." in text
        # The application changes later, the template gets a new version: the re-print does not.
        app.title = "Another title altogether"
        wl.save_template(
            s,
            kind="decline",
            subject="New subject {reference}",
            body="Dear {contact_name}\n\n{feedback}",
            actor=STAFF,
            now=NOW,
        )
    with db.unit_of_work() as s:
        assert wl.reprint(s, letter_id) == first
        assert wl.find_letter(s, f" {row.reference} ") == letter_id
    listing = wl.letter_register_listing(db)
    assert listing.ids == [letter_id]
    assert listing.rows[0][:2] == (row.reference, "decline")
    assert listing.rows[0][5] == 1  # the template version the letter used
    assert listing.rows[0][7] == row.sha256


def test_a_register_entry_that_no_longer_matches_its_hash_is_not_reprinted(fund):
    db, _rnd, apps = fund
    with db.unit_of_work() as s:
        letter_id = wl.issue_letter(
            s, application_id=apps["ineligible"], kind="ineligible", actor=STAFF, now=NOW
        )
        row = s.get(IssuedLetter, letter_id)
        text = text_of(wl.reprint(s, letter_id))
        assert "The budget was not signed by the chief financial officer." in text
        payload = json.loads(row.payload)
        payload["letter"]["reasons"] = "Something else"
        row.payload = json.dumps(payload)
    with (
        pytest.raises(WorkflowError, match="does not match the letter that was issued"),
        db.unit_of_work() as s,
    ):
        wl.reprint(s, letter_id)


def test_award_letter_creates_the_award_and_moves_approved_to_awarded(fund):
    db, _rnd, apps = fund
    app_id = apps["approved"]
    assert state_of(db, app_id) == "approved"
    with db.unit_of_work() as s:
        letter_id = wl.issue_letter(s, application_id=app_id, kind="award", actor=STAFF, now=NOW)
    assert state_of(db, app_id) == "awarded"
    with db.unit_of_work() as s:
        award = s.scalar(select(Award).where(Award.application_id == app_id))
        tranches = s.scalars(
            select(Tranche).where(Tranche.award_id == award.id).order_by(Tranche.position)
        ).all()
        pdf = wl.reprint(s, letter_id)
    assert sum(t.amount_cents for t in tranches) == award.amount_cents == 333_333_33
    text = text_of(pdf)
    assert award.number in text
    assert "R 333 333,33" in text
    assert (
        "Three hundred and thirty-three thousand three hundred and thirty-three rand and "
        "thirty-three cents" in text
    )
    for t in tranches:
        assert format_zar(t.amount_cents) in text
    assert "R 166 666,67" in text and "R 133 333,33" in text and "R 33 333,33" in text
    assert "Submit a revised monitoring plan within 30 days." in text
    events = db.rows(
        "SELECT action, to_state FROM audit_events WHERE entity = 'application' "
        "AND entity_id = :i ORDER BY id",
        {"i": app_id},
    )
    assert ("issue_letter", None) in events and events[-1] == ("mark_awarded", "awarded")


def test_wrong_state_duplicate_and_role_are_refused_and_change_nothing(fund):
    db, _rnd, apps = fund
    before = (count(db, "issued_letters"), count(db, "audit_events"), count(db, "awards"))
    with (
        pytest.raises(WorkflowError, match="is declined; an award letter needs an application"),
        db.unit_of_work() as s,
    ):
        wl.issue_letter(s, application_id=apps["declined"], kind="award", actor=STAFF, now=NOW)
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        wl.issue_letter(s, application_id=apps["approved"], kind="award", actor=COORD, now=NOW)
    assert (count(db, "issued_letters"), count(db, "audit_events"), count(db, "awards")) == before
    assert state_of(db, apps["approved"]) == "approved"
    with db.unit_of_work() as s:
        wl.issue_letter(
            s, application_id=apps["submitted"], kind="acknowledgement", actor=ADMIN, now=NOW
        )
    with (
        pytest.raises(WorkflowError, match="was issued already as .*/ACK on 2026-11-25"),
        db.unit_of_work() as s,
    ):
        wl.issue_letter(
            s, application_id=apps["submitted"], kind="acknowledgement", actor=STAFF, now=NOW
        )


def test_preview_fills_a_template_for_an_application_or_a_sample(fund):
    db, _rnd, apps = fund
    with db.unit_of_work() as s:
        pdf = letter_previews.preview_pdf(
            s,
            kind="decline",
            subject="Outcome {reference}",
            body="Dear {contact_name}\n\n{feedback}",
            today=NOW.date(),
            application_id=apps["declined"],
        )
        assert "Say more about how the city" in text_of(pdf)
        sample = text_of(
            letter_previews.preview_pdf(
                s, kind="award", subject="Award", body="{amount_in_words}", today=NOW.date()
            )
        )
        assert "Ms Ṱhalitshani Ṋemaṅḽa" in sample and "Three hundred and thirty-three" in sample
    assert count(db, "issued_letters") == 0


# -- batches ------------------------------------------------------------------------------------
@pytest.fixture
def approved_round(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s, budget=3_000_000_00)
        ids = [to_state(s, rnd, "approved", amount=100_000_00 + n) for n in range(5)]
    return any_db, rnd, ids


def test_batch_writes_one_pdf_per_letter_and_a_merged_pdf(approved_round, tmp_path):
    db, rnd, ids = approved_round
    steps = []
    work = letter_batch.issue_letters_for_round(
        db,
        round_id=rnd,
        kind="award",
        actor=STAFF,
        now=NOW,
        out_dir=tmp_path / "letters",
        merged=tmp_path / "all.pdf",
    )
    try:
        while True:
            steps.append(next(work))
    except StopIteration as stop:
        result = stop.value
    assert [s[0] for s in steps[:6]] == [0, 1, 2, 3, 4, 5] and steps[-1][:2] == (5, 5)
    assert len(result.files) == 5 and all(p.exists() for p in result.files)
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == sorted(
        r.replace("/", "-") + ".pdf" for r in result.references
    )
    pages = sum(len(PdfReader(p).pages) for p in result.files)
    merged = PdfReader(result.merged)
    # Duplex-safe: each letter starts on a front page (a blank back after an odd letter).
    assert len(merged.pages) == sum(
        len(PdfReader(p).pages) + len(PdfReader(p).pages) % 2 for p in result.files
    )
    assert pages <= len(merged.pages)
    assert "R 100 000,04" in re.sub(r"\s+", " ", " ".join(p.extract_text() for p in merged.pages))
    assert [state_of(db, i) for i in ids] == ["awarded"] * 5
    with db.unit_of_work() as s:
        for letter_id, path in zip(
            wl.letter_register_listing(db).ids[::-1], result.files, strict=True
        ):
            assert wl.reprint(s, letter_id) == path.read_bytes()
    with pytest.raises(WorkflowError, match="needs an award letter"):
        next(
            letter_batch.issue_letters_for_round(
                db, round_id=rnd, kind="award", actor=STAFF, now=NOW, out_dir=tmp_path
            )
        )


def test_batch_cancelled_halfway_keeps_only_the_finished_letters(approved_round, tmp_path):
    db, rnd, ids = approved_round
    out = tmp_path / "letters"
    work = letter_batch.issue_letters_for_round(
        db, round_id=rnd, kind="award", actor=STAFF, now=NOW, out_dir=out, merged=tmp_path / "m.pdf"
    )
    assert next(work)[0] == 0
    assert next(work)[0] == 1
    assert next(work)[0] == 2
    work.close()  # what Cancel does between steps
    assert count(db, "issued_letters") == 2
    assert len(list(out.iterdir())) == 2
    assert not (tmp_path / "m.pdf").exists()
    assert [state_of(db, i) for i in ids] == ["awarded"] * 2 + ["approved"] * 3
    # Running the batch again issues the rest only.
    rest = list(
        letter_batch.issue_letters_for_round(
            db, round_id=rnd, kind="award", actor=STAFF, now=NOW, out_dir=out
        )
    )
    assert rest[0][:2] == (0, 3)
    assert count(db, "issued_letters") == 5 and len(list(out.iterdir())) == 5


def test_a_letter_that_fails_undoes_only_its_unfinished_group(
    approved_round, tmp_path, monkeypatch
):
    """Letters commit in groups; a failure undoes its group, files too, and keeps earlier ones."""
    db, rnd, ids = approved_round
    monkeypatch.setattr(letter_batch, "LETTERS_PER_COMMIT", 2)
    out = tmp_path / "letters"
    out.mkdir()
    with db.unit_of_work() as s:
        references = [s.get(Application, i).reference for i in ids]
    # The fourth letter's file name is taken by a folder: writing it fails.
    (out / (references[3].replace("/", "-") + "-AWD.pdf")).mkdir()
    work = letter_batch.issue_letters_for_round(
        db, round_id=rnd, kind="award", actor=STAFF, now=NOW, out_dir=out
    )
    with pytest.raises(WorkflowError, match="cannot be written"):
        list(work)
    assert count(db, "issued_letters") == 2  # the first group; the second is undone
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(
        r.replace("/", "-") + "-AWD.pdf" for r in references[:2]
    )
    assert [state_of(db, i) for i in ids] == ["awarded"] * 2 + ["approved"] * 3


def test_batch_refuses_bad_output_before_issuing_anything(approved_round, tmp_path):
    db, rnd, _ids = approved_round
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(WorkflowError, match="is a file, not a folder"):
        list(
            letter_batch.issue_letters_for_round(
                db, round_id=rnd, kind="award", actor=STAFF, now=NOW, out_dir=a_file
            )
        )
    with pytest.raises(WorkflowError, match="must end in .pdf"):
        list(
            letter_batch.issue_letters_for_round(
                db,
                round_id=rnd,
                kind="award",
                actor=STAFF,
                now=NOW,
                out_dir=tmp_path,
                merged=tmp_path / "all.txt",
            )
        )
    with pytest.raises(PermissionDenied):
        list(
            letter_batch.issue_letters_for_round(
                db, round_id=rnd, kind="award", actor=COORD, now=NOW, out_dir=tmp_path
            )
        )
    assert count(db, "issued_letters") == 0 and count(db, "awards") == 0


def test_default_template_is_saved_as_version_one_on_first_issue(fund):
    db, _rnd, apps = fund
    with db.unit_of_work() as s:
        wl.issue_letter(
            s, application_id=apps["submitted"], kind="acknowledgement", actor=STAFF, now=NOW
        )
        rows = s.scalars(
            select(LetterTemplate).where(LetterTemplate.kind == "acknowledgement")
        ).all()
        assert [(r.version, r.body) for r in rows] == [
            (1, wl.default_template("acknowledgement").body)
        ]
        assert s.scalar(select(func.count()).select_from(LetterTemplate)) == 1


# -- the letterhead -----------------------------------------------------------------------------
def png_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 90), (0, 96, 107)).save(buffer, "PNG")
    return buffer.getvalue()


def test_letterhead_changes_apply_to_new_letters_and_old_ones_reprint_as_issued(fund):
    db, _rnd, apps = fund
    with db.unit_of_work() as s:
        old_id = wl.issue_letter(
            s, application_id=apps["declined"], kind="decline", actor=STAFF, now=NOW
        )
        old_pdf = wl.reprint(s, old_id)
    with db.unit_of_work() as s:
        letterhead = wl.set_letterhead(
            s,
            actor=ADMIN,
            now=NOW,
            name="SACN Urban Safety Reference Group (eThekwini office)",
            address="South African Cities Network\nJoburg Metro Building, 16th floor\nBraamfontein",
            logo_png=png_logo(),
        )
        assert letterhead.logo_png is not None
    with db.unit_of_work() as s:
        new_id = wl.issue_letter(
            s, application_id=apps["submitted"], kind="acknowledgement", actor=STAFF, now=NOW
        )
        new_pdf = wl.reprint(s, new_id)
        assert wl.reprint(s, old_id) == old_pdf  # printed on the letterhead of its day
    reader = PdfReader(io.BytesIO(new_pdf))
    assert len(reader.pages[0].images) == 1
    assert "(eThekwini office)" in text_of(new_pdf)
    assert "(eThekwini office)" not in text_of(old_pdf)
    assert len(PdfReader(io.BytesIO(old_pdf)).pages[0].images) == 0
    with db.unit_of_work() as s:
        wl.set_letterhead(s, actor=ADMIN, now=NOW, remove_logo=True)
        assert wl.current_letterhead(s).logo_png is None


def test_letterhead_refusals_change_nothing(any_db):
    with any_db.unit_of_work() as s:
        ensure_users(s)
        before = wl.current_letterhead(s)
    cases = [
        (STAFF, {"name": "X"}, PermissionDenied, "Only an administrator"),
        (ADMIN, {"logo_png": b"GIF89a not a png"}, WorkflowError, "must be a PNG or JPEG image"),
        (ADMIN, {"logo_png": b"\x89PNG\r\n\x1a\nbroken"}, WorkflowError, "damaged"),
        (ADMIN, {"address": "1\n2\n3\n4\n5\n6"}, WorkflowError, "more than 5 lines"),
        (ADMIN, {"name": "  "}, WorkflowError, "name cannot be empty"),
    ]
    for actor, change, error, words in cases:
        with pytest.raises(error, match=words), any_db.unit_of_work() as s:
            wl.set_letterhead(s, actor=actor, now=NOW, **change)
    with any_db.unit_of_work() as s:
        assert wl.current_letterhead(s) == before
