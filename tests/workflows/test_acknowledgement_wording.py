"""Letters' wording and previews: an acknowledgement says what really comes next (screening
ahead, under way, or already done), and an award letter is previewed for its own application
before its award exists, leaving nothing behind."""

from __future__ import annotations

from sqlalchemy import text

from usrg_desktop.printing.letters import SCREENING_AHEAD, SCREENING_DONE, SCREENING_UNDER_WAY
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.letters import issuing as wl
from usrg_desktop.workflows.letters import letter_previews

from .test_applications import STAFF, make_round
from .test_letters import NOW, text_of, to_state


def _acknowledged(db, app_id: int) -> str:
    with db.unit_of_work() as s:
        letter_id = wl.issue_letter(
            s, application_id=app_id, kind="acknowledgement", actor=STAFF, now=NOW
        )
    with db.reading() as s:
        _reference, pdf = wl.issued_pdf(s, letter_id)
    return text_of(pdf)


def test_the_acknowledgement_follows_where_the_application_stands(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        submitted = to_state(s, rnd, "submitted")
        in_screening = to_state(s, rnd, "submitted", city_id=4)
        wf.start_screening(s, application_id=in_screening, actor=STAFF, now=NOW)
        approved = to_state(s, rnd, "approved", city_id=5)
    for app_id, sentence in (
        (submitted, SCREENING_AHEAD),
        (in_screening, SCREENING_UNDER_WAY),
        (approved, SCREENING_DONE),
    ):
        text = _acknowledged(any_db, app_id)
        assert sentence in text, text
        others = {SCREENING_AHEAD, SCREENING_UNDER_WAY, SCREENING_DONE} - {sentence}
        assert not any(other in text for other in others)


def test_an_award_letter_is_previewed_for_its_application_and_nothing_is_kept(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        approved = to_state(s, rnd, "approved")
    template = wl.default_template("award")
    with any_db.reading() as s:
        reference = s.scalar(
            text("SELECT reference FROM applications WHERE id = :i"), {"i": approved}
        )
        pdf = letter_previews.preview_pdf(
            s,
            kind="award",
            subject=template.subject,
            body=template.body,
            today=NOW.date(),
            application_id=approved,
        )
    shown = text_of(pdf).replace("\\u2011", "-")
    assert reference in shown and "USRG-AW-" in shown  # its own letter, with its award's number
    assert any_db.rows("SELECT COUNT(*) FROM awards") == [(0,)]  # made for the preview only
    assert any_db.rows("SELECT COUNT(*) FROM audit_events WHERE entity = 'award'") == [(0,)]
