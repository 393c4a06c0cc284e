"""An acknowledgement says what really comes next: screening ahead for a submitted application,
under way for one in screening, already done for one past it (when asked for explicitly)."""

from __future__ import annotations

from usrg_desktop.printing.letters import SCREENING_AHEAD, SCREENING_DONE, SCREENING_UNDER_WAY
from usrg_desktop.workflows import applications as wf
from usrg_desktop.workflows import letters as wl

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
