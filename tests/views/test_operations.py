"""The one door from screens to workflows: a quiet refusal carries its field errors and its edit
conflict, so no screen digs in the exception's cause; nothing of a refused action is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from usrg_desktop.views.operations import Refused, perform, read
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.grants import rounds as wf

NOW = datetime(2026, 11, 25, 8, 0)
ADMIN = Actor(None, "Pieter van Wyk", "administrator")
FORM = wf.RoundForm(
    name="Innovation Fund 2027 Round 1",
    opens_on=date(2027, 2, 1),
    closes_on=date(2027, 3, 31),
    budget_cents=2_000_000_00,
    cap_cents=400_000_00,
    reviews_needed=3,
    review_deadline=date(2027, 5, 15),
    admitted_body_ids=(2,),
    screening_checks=("Budget adds up",),
)


def _new_round(db) -> int:
    ok, round_id = perform(None, db, lambda s: wf.create_round(s, form=FORM, actor=ADMIN, now=NOW))
    assert ok and round_id is not None
    return round_id


def _update(db, round_id: int, form: wf.RoundForm, seen: int) -> None:
    perform(
        None,
        db,
        lambda s: wf.update_round(
            s, round_id=round_id, form=form, actor=ADMIN, now=NOW, seen_version=seen
        ),
        quiet=True,
    )


def test_a_refused_form_carries_its_field_errors_and_writes_nothing(qapp, any_db):
    round_id = _new_round(any_db)
    seen = read(any_db, wf.round_details, round_id).version
    bad = replace(FORM, name="", closes_on=date(2027, 1, 1))
    with pytest.raises(Refused) as refused:
        _update(any_db, round_id, bad, seen)
    assert set(refused.value.errors) >= {"name", "closes_on"}
    assert refused.value.conflict is None
    assert str(refused.value)  # the sentence a box would show
    # The workflow's own refusal stays reachable, for code written before errors/conflict.
    assert refused.value.__cause__ is refused.value.refusal
    assert refused.value.refusal.errors == refused.value.errors
    assert refused.value.field_errors("name") == refused.value.errors
    after = read(any_db, wf.round_details, round_id)
    assert after.form.name == FORM.name and after.version == seen


def test_a_save_over_a_newer_one_carries_the_conflict(qapp, any_db):
    round_id = _new_round(any_db)
    seen = read(any_db, wf.round_details, round_id).version
    _update(any_db, round_id, replace(FORM, name="Theirs"), seen)
    with pytest.raises(Refused) as refused:
        _update(any_db, round_id, replace(FORM, name="Mine"), seen)
    assert refused.value.conflict is not None
    assert str(refused.value) == str(refused.value.conflict)
    assert "nothing of yours was saved" in str(refused.value)
    assert refused.value.errors == {}
    # A refusal not about fields puts its sentence under the field the screen names.
    assert refused.value.field_errors("name") == {"name": str(refused.value)}
    assert read(any_db, wf.round_details, round_id).form.name == "Theirs"
