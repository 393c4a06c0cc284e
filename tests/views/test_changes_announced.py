"""Changes are announced, not guessed: whatever a screen's action commits is read from the
audit log afterwards, and only the lists that show the changed records reload."""

from __future__ import annotations

from sqlalchemy import text

from usrg_desktop.views.operations import perform
from usrg_desktop.views.progress import run_with_progress
from usrg_desktop.workflows.grants.application_states import withdraw
from usrg_desktop.workflows.system.accounts import actor_named
from usrg_desktop.workflows.system.changes import areas_of
from usrg_desktop.workflows.system.dates import utc_now


def _state_shown(page, app_id: int) -> str:
    keys = [c.key for c in page.model.columns]
    return page.model.row_values(page.model.row_of_id(app_id))[keys.index("state")]


def _names(page) -> list[str]:
    column = [c.key for c in page.model.columns].index("name")
    return [page.model.row_values(r)[column] for r in range(page.model.rowCount())]


def _signed_in(window):
    with window.db.unit_of_work() as s:
        window.actor = actor_named(s, username="secretariat")
    return window


def test_an_action_reloads_the_lists_of_its_records_and_no_others(main_window):
    window = _signed_in(main_window)
    db = window.db
    app_id = db.rows("SELECT id FROM applications WHERE state = 'submitted' ORDER BY id")[0][0]
    applications = window.show_page("Applications", 0)
    people = window.show_page("Directory", 0)
    names_before = _names(people)
    assert _state_shown(applications, app_id) == "submitted"
    # A change that writes no audit event (so no screen announced it) stays unseen...
    with db.unit_of_work() as session:
        session.execute(
            text("UPDATE people SET full_name = 'Zanele Unseen' WHERE id = :i"),
            {"i": people.model.row_id(0)},
        )
    # ...until its own list reloads; the withdrawal below is the application's, not a person's.
    done, _ = perform(
        window,
        db,
        withdraw,
        application_id=app_id,
        actor=window.actor,
        now=utc_now(),
        reason="The city asked to withdraw.",
    )
    assert done
    assert _state_shown(applications, app_id) == "withdrawn"  # reloaded, nobody asked it to
    assert _names(people) == names_before  # not reloaded: no person changed by the action
    assert "Zanele Unseen" not in names_before
    people.reload()
    assert "Zanele Unseen" in _names(people)


def test_long_work_is_announced_too(qtbot, main_window):
    window = _signed_in(main_window)
    db = window.db
    app_id = db.rows("SELECT id FROM applications WHERE state = 'submitted' ORDER BY id")[0][0]
    applications = window.show_page("Applications", 0)

    def work():
        yield 0, 1, "Withdrawing"
        with db.unit_of_work() as session:
            withdraw(
                session,
                application_id=app_id,
                actor=window.actor,
                now=utc_now(),
                reason="Withdrawn in a batch.",
            )
        yield 1, 1, "Done"

    outcome = run_with_progress(window, "Batch", work)
    assert outcome.error is None
    assert _state_shown(applications, app_id) == "withdrawn"


def test_each_kind_of_record_reaches_the_areas_that_show_it():
    assert areas_of(set()) == set()
    assert areas_of({("application", "withdraw")}) == {
        "Applications",
        "Reviews",
        "Awards",
        "Rounds",
        "Today",
    }
    assert areas_of({("person", "update")}) == {"Directory", "Reviews", "Today"}
    assert "Administration" in areas_of({("application", "email_sent")})
    assert "Applications" in areas_of({("city", "rename")})
