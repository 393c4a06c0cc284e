"""A round's themes: listed on the round, named by its applications, kept when renamed in place,
refused when removed while applications name them, and counted by the funder's report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.workflows.review_exchange_support import staff
from tests.workflows.test_rounds import NOW, STAFF, _add_application, create, good_form
from usrg_desktop.domain.grants import Application
from usrg_desktop.workflows import FieldErrors
from usrg_desktop.workflows.grants import rounds as wf
from usrg_desktop.workflows.grants.fund_report import fund_report
from usrg_desktop.workflows.grants.round_themes import (
    NO_THEME,
    current_themes,
    suggested_themes,
    theme_choices,
    theme_id_named,
)

THEMES = ("Youth and gang violence prevention", "Safer public spaces", "Gender-based violence")


def _themed_round(db) -> int:
    return create(db, good_form(themes=THEMES))


def _update(db, round_id: int, themes) -> list[str]:
    with db.unit_of_work() as s:
        form = replace(wf.round_details(s, round_id).form, themes=tuple(themes))
        return wf.update_round(s, round_id=round_id, form=form, actor=STAFF, now=NOW)


def test_a_round_keeps_its_themes_in_order_and_a_new_round_starts_with_them(any_db):
    round_id = _themed_round(any_db)
    with any_db.reading() as s:
        assert current_themes(s, round_id) == list(THEMES)
        assert [label for _id, label in theme_choices(s, round_id)] == list(THEMES)
        assert suggested_themes(s) == list(THEMES)
        assert (
            theme_id_named(s, round_id, "safer PUBLIC spaces") == theme_choices(s, round_id)[1][0]
        )
        opening = wf.round_form_opening(s, round_id=None, today=date(2026, 12, 7))
        assert opening.form.themes == THEMES


@pytest.mark.parametrize(
    ("themes", "sentence"),
    [
        (
            ("Safer public spaces", "safer public spaces"),
            "The theme 'safer public spaces' is listed twice.",
        ),
        (("x" * 121,), "The theme '" + "x" * 40 + "…' has more than 120 characters."),
    ],
)
def test_bad_themes_are_refused_with_a_sentence_and_nothing_saved(db, themes, sentence):
    before = db.rows("SELECT COUNT(*) FROM rounds")[0][0]
    with pytest.raises(FieldErrors) as refused:
        create(db, good_form(themes=themes))
    assert refused.value.errors == {"themes": sentence}
    assert db.rows("SELECT COUNT(*) FROM rounds")[0][0] == before
    assert db.rows("SELECT COUNT(*) FROM round_themes")[0][0] == 0


def test_a_theme_renamed_in_place_keeps_its_applications_and_a_used_one_cannot_go(any_db):
    round_id = _themed_round(any_db)
    with any_db.unit_of_work() as s:
        app_id = _add_application(s, round_id)
        spaces = theme_id_named(s, round_id, "Safer public spaces")
        s.get(Application, app_id).theme_id = spaces
    # Renamed in its place (and a theme no application names removed): the application keeps it.
    changes = _update(
        any_db, round_id, ["Youth and gang violence prevention", "Safer streets and public spaces"]
    )
    assert changes == ["themes"]
    with any_db.reading() as s:
        assert s.get(Application, app_id).theme_id == spaces
        assert current_themes(s, round_id) == [
            "Youth and gang violence prevention",
            "Safer streets and public spaces",
        ]
    # Removing it while the application names it is refused, and nothing changes.
    with pytest.raises(FieldErrors) as refused:
        _update(any_db, round_id, ["Youth and gang violence prevention"])
    assert refused.value.errors == {
        "themes": "The theme 'Safer streets and public spaces' is the theme of 1 application, "
        "so it cannot be removed."
    }
    with any_db.reading() as s:
        assert len(current_themes(s, round_id)) == 2


def test_the_funders_report_counts_applications_by_theme(demo_db):
    db = demo_db
    # One application of the latest round loses its theme: it is counted as given none.
    latest = db.rows("SELECT id FROM rounds ORDER BY opens_on DESC LIMIT 1")[0][0]
    with db.unit_of_work() as s:
        app_id = s.scalar(
            select(Application.id)
            .where(Application.round_id == latest, Application.state != "draft")
            .order_by(Application.id)
        )
        s.get(Application, app_id).theme_id = None
    with db.reading() as s:
        report = fund_report(
            s,
            period_from=date(2020, 1, 1),
            period_to=date(2030, 12, 31),
            today=date(2026, 11, 25),
            actor=staff(db),
        )
    expected = dict(
        db.rows(
            "SELECT COALESCE(t.label, :none), COUNT(*) FROM applications a "
            "LEFT JOIN round_themes t ON t.id = a.theme_id WHERE a.state <> 'draft' "
            "GROUP BY COALESCE(t.label, :none)",
            {"none": NO_THEME},
        )
    )
    rows = {row[0]: row for row in report.tables["themes"].rows}
    assert {theme: row[1] for theme, row in rows.items()} == expected
    assert len(expected) >= 3 and expected[NO_THEME] == 1
    assert list(rows)[-1] == NO_THEME
    assert sum(row[1] for row in rows.values()) == report.received
    awarded = db.rows(
        "SELECT COALESCE(SUM(w.amount_cents), 0) FROM awards w "
        "JOIN applications a ON a.id = w.application_id "
        "JOIN round_themes t ON t.id = a.theme_id WHERE t.label = :t",
        {"t": "Children and youth"},
    )[0][0]
    assert rows["Children and youth"][5] == awarded
