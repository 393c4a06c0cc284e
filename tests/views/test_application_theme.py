"""An application names one of its round's themes: chosen on the form from the round's list,
shown on its screen and by `usrg applications show`, refused when it is another round's."""

from __future__ import annotations

import pytest

from tests.views.test_applications_view import (
    click,
    fill_form,
    new_form,
    open_round,  # noqa: F401 (a fixture)
    screen_of,
    user,
    window,  # noqa: F401 (a fixture)
)
from usrg_desktop.domain.grants import RoundTheme
from usrg_desktop.views.applications_view import open_application
from usrg_desktop.workflows import FieldErrors
from usrg_desktop.workflows.grants.application_form import save_application
from usrg_desktop.workflows.system.dates import utc_now

THEMES = ("Youth and gang violence prevention", "Safer public spaces")


@pytest.fixture
def themed_round(demo_db, open_round):  # noqa: F811
    with demo_db.unit_of_work() as s:
        for n, label in enumerate(THEMES, start=1):
            s.add(RoundTheme(round_id=open_round, position=n, label=label))
    return open_round


def _theme_ids(db, round_id):
    rows = db.rows("SELECT id, label FROM round_themes WHERE round_id = :r", {"r": round_id})
    return {label: theme_id for theme_id, label in rows}


def test_the_form_offers_the_rounds_themes_and_saves_the_chosen_one(
    qtbot,
    demo_db,
    themed_round,
    window,  # noqa: F811
):
    form = new_form(qtbot, window)
    fill_form(qtbot, form)
    assert [form.theme_combo.itemText(i) for i in range(form.theme_combo.count())] == [
        "Choose the theme…",
        *THEMES,
    ]
    assert form.theme_combo.isEnabled()
    form.theme_combo.setFocus()
    qtbot.keyClicks(form.theme_combo, "Safer")
    assert form.theme_combo.currentText() == "Safer public spaces"
    amount = form.budget.line_edits()[1][1]
    amount.selectAll()
    qtbot.keyClicks(amount, "100 000")
    click(qtbot, form.save_button)
    saved = demo_db.rows(
        "SELECT id, theme_id FROM applications WHERE title = 'Safer taxi ranks in Durban'"
    )
    assert len(saved) == 1
    app_id, theme_id = saved[0]
    assert theme_id == _theme_ids(demo_db, themed_round)["Safer public spaces"]
    open_application(window, app_id)
    screen = screen_of(window, app_id)
    assert "Safer public spaces" in screen.details_view.toPlainText()


def test_a_round_without_themes_says_so_and_the_choice_is_off(
    qtbot,
    window,  # noqa: F811
):
    form = new_form(qtbot, window)
    assert form.theme_combo.currentText() == "The round lists no themes"
    assert not form.theme_combo.isEnabled()


def test_another_rounds_theme_is_refused_next_to_the_theme(demo_db, themed_round):
    other_round = demo_db.rows("SELECT id FROM rounds WHERE id <> :r LIMIT 1", {"r": themed_round})
    with demo_db.unit_of_work() as s:
        s.add(RoundTheme(round_id=other_round[0][0], position=99, label="Elsewhere"))
    foreign = _theme_ids(demo_db, other_round[0][0])["Elsewhere"]
    before = demo_db.rows("SELECT COUNT(*) FROM applications")[0][0]
    with demo_db.unit_of_work() as s, pytest.raises(FieldErrors) as refused:
        save_application(
            s,
            round_id=themed_round,
            applicant_city_id=1,
            title="Lights",
            summary="s",
            problem="p",
            intervention="i",
            requested_cents=1000_00,
            starts_on=None,
            ends_on=None,
            contact_name="Nomsa Dlamini",
            contact_email="nomsa@example.org",
            budget_lines=[("Lights", 1000_00)],
            theme_id=foreign,
            actor=user(demo_db, "secretariat"),
            now=utc_now(),
        )
    assert refused.value.errors["theme"] == (
        "Choose one of the themes of the round 'Innovation Fund 2026 Round 2'."
    )
    assert demo_db.rows("SELECT COUNT(*) FROM applications")[0][0] == before
