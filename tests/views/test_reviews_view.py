"""The Reviews area in the GUI: assignment by hand and automatically, ranking and decisions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from sqlalchemy import select

from tests.views.conftest import answer_modal
from usrg_desktop.domain.directory import Person
from usrg_desktop.domain.grants import Application, Round
from usrg_desktop.domain.reviews import Assignment, Reviewer, ReviewerAffiliation
from usrg_desktop.money import format_zar
from usrg_desktop.views import reviews_view
from usrg_desktop.views.reviews_view import COL_AMOUNT, COL_NOTES, COL_REFERENCE


def _assignments_page(window):
    window.show_area("Reviews")
    page = window.show_page("Reviews", 1)
    page.ensure_loaded()
    return page


def _button(page, text: str) -> QPushButton:
    name = "action_" + "".join(ch for ch in text if ch.isalnum())
    return page.findChild(QPushButton, name)


def test_remove_then_assign_automatically_and_apply(qtbot, main_window) -> None:
    db = main_window.db
    with db.unit_of_work() as session:
        assignment_id, ref = session.execute(
            select(Assignment.id, Application.reference)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.state == "in_review", Assignment.status == "assigned")
            .order_by(Assignment.id)
        ).first()
    page = _assignments_page(main_window)
    total = page.model.rowCount()
    assert page.select_id(assignment_id)
    asked = answer_modal("Remove")
    qtbot.mouseClick(_button(page, "Remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == total - 1)
    assert asked and asked[0].startswith("Remove 1 assignment?")

    qtbot.mouseClick(_button(page, "Assign automatically…"), Qt.MouseButton.LeftButton)
    dialog = main_window.last_dialog
    assert isinstance(dialog, reviews_view.AutoAssignDialog)
    assert dialog.round_combo.currentText().startswith("Innovation Fund 2026 Round 1")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.table.item(0, 0).text() == ref
    assert "1 new assignment for the applications in review" in dialog.summary.text()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == total)
    with db.unit_of_work() as session:
        method = session.scalar(
            select(Assignment.method)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.reference == ref)
            .order_by(Assignment.id.desc())
        )
    assert method == "automatic"


def test_a_scored_assignment_is_kept_with_a_sentence(qtbot, main_window) -> None:
    from usrg_desktop.views import operations

    db = main_window.db
    with db.unit_of_work() as session:
        scored = session.scalar(select(Assignment.id).where(Assignment.status == "scored"))
    page = _assignments_page(main_window)
    total = page.model.rowCount()
    assert page.select_id(scored)
    answer_modal("Remove")
    qtbot.mouseClick(_button(page, "Remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: operations.last_refusal[0] is not None)
    box = operations.last_refusal[0]
    assert "has already scored" in box.text()
    box.close()
    assert page.model.rowCount() == total


def test_assign_by_hand_refuses_an_affiliated_reviewer_next_to_the_field(
    qtbot, main_window
) -> None:
    db = main_window.db
    with db.unit_of_work() as session:
        app_id, city_id, ref = session.execute(
            select(Application.id, Application.applicant_city_id, Application.reference)
            .join(ReviewerAffiliation, ReviewerAffiliation.city_id == Application.applicant_city_id)
            .where(Application.state == "in_review")
        ).first()
        reviewer_id, name = session.execute(
            select(Reviewer.id, Person.full_name)
            .join(Person, Person.id == Reviewer.person_id)
            .join(ReviewerAffiliation, ReviewerAffiliation.reviewer_id == Reviewer.id)
            .where(ReviewerAffiliation.city_id == city_id)
        ).first()
        before = len(session.scalars(select(Assignment.id)).all())
    page = _assignments_page(main_window)
    qtbot.mouseClick(_button(page, "Assign…"), Qt.MouseButton.LeftButton)
    dialog = main_window.last_dialog
    app_combo = dialog.findChild(QComboBox, "application")
    reviewer_combo = dialog.findChild(QComboBox, "reviewer")
    app_combo.setCurrentIndex(app_combo.findData(app_id))
    reviewer_combo.setCurrentIndex(reviewer_combo.findData(reviewer_id))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    error = dialog.findChild(QLabel, "error")
    assert error.isVisible()
    assert error.text().startswith(f"{name} is affiliated with ")
    assert ref in error.text()
    with db.unit_of_work() as session:
        assert len(session.scalars(select(Assignment.id)).all()) == before
    dialog.reject()


def test_declare_conflict_from_the_assignments_list(qtbot, main_window) -> None:
    db = main_window.db
    with db.unit_of_work() as session:
        assignment_id = session.scalar(
            select(Assignment.id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.state == "in_review", Assignment.status == "assigned")
        )
    page = _assignments_page(main_window)
    assert page.select_id(assignment_id)
    qtbot.mouseClick(_button(page, "Declare conflict…"), Qt.MouseButton.LeftButton)
    dialog = main_window.last_dialog
    assert dialog.objectName() == "conflictDialog"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.reason_error.text() == "Give the reason for the conflict of interest."
    qtbot.keyClicks(dialog.reason, "Chairs the project's steering committee")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with db.unit_of_work() as session:
        assert session.get(Assignment, assignment_id).status == "conflict"


def _open_ranking(qtbot, window, *, budget_cents: int | None = None):
    if budget_cents is not None:
        with window.db.unit_of_work() as session:
            rnd = session.scalar(select(Round).where(Round.status == "reviewing"))
            rnd.budget_cents = budget_cents
    window.command_actions["open_ranking"].trigger()
    screen = window.open_windows()[("ranking",)]
    qtbot.waitExposed(screen)
    return screen


def test_ranking_screen_draws_the_funding_line(qtbot, main_window) -> None:
    # R 1 200 000: the line falls in the middle of the demo round's ranking.
    screen = _open_ranking(qtbot, main_window, budget_cents=1_200_000_00)
    table, rows = screen.table, screen.rows
    line = screen.funding_line_row
    assert line is not None and 0 < line < len(rows)
    text = table.item(line, 0).text()
    above = [r for r in rows if r.above_line]
    assert text.startswith(f"Funding line: {len(above)} applications above it use ")
    # The rows above the line are the funded ones and the declined ones, and it says so.
    declined = sum(1 for r in rows[:line] if r.candidate.state == "declined")
    assert len(above) + declined == line
    budget = "of the R 1 200 000,00 budget"
    if declined:
        one = "declined one" if declined == 1 else "declined ones"
        assert text.endswith(f"{budget}; the {declined} {one} above it use none")
    else:
        assert text.endswith(budget)
    assert table.columnSpan(line, 0) == table.columnCount()
    # Everything above the line fits the budget; the first application below it does not.
    assert all(r.above_line or r.candidate.state == "declined" for r in rows[:line])
    first_below = rows[line]
    assert not first_below.above_line
    amount = first_below.candidate.approved_cents or first_below.candidate.requested_cents
    assert above[-1].cumulative_cents + amount > 1_200_000_00
    assert table.item(line + 1, COL_REFERENCE).text() == first_below.candidate.reference
    # Scores run from highest to lowest, and the raw score stays when standardising.
    scores = [r.score.score for r in rows if r.score.score is not None]
    assert scores == sorted(scores, reverse=True)
    assert table.isColumnHidden(reviews_view.COL_STANDARDISED)
    qtbot.mouseClick(screen.standardised, Qt.MouseButton.LeftButton)
    assert not table.isColumnHidden(reviews_view.COL_STANDARDISED)
    assert not table.isColumnHidden(reviews_view.COL_SCORE)
    standardised = [r.score.standardised for r in screen.rows if r.score.standardised]
    assert standardised == sorted(standardised, reverse=True)
    assert screen.severity.rowCount() == 8


def test_tentative_decisions_update_the_remaining_budget(qtbot, main_window) -> None:
    screen = _open_ranking(qtbot, main_window)
    ranking = screen.ranking
    labels = screen.budget_labels
    start = ranking.budget_cents - ranking.recorded_cents
    assert labels["remaining"].text() == format_zar(start)
    reviewed = [r.candidate for r in screen.rows if r.candidate.state == "reviewed"]
    first, second = reviewed[0], reviewed[1]
    row = screen.row_of(first.application_id)
    # Choose the row, then decide in the panel beside the ranking, which names it.
    rect = screen.table.visualItemRect(screen.table.item(row, COL_REFERENCE))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    panel = screen.panel
    assert panel.reference.text() == first.reference
    combo = panel.decision
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # "—" → "Approve"
    assert combo.currentData() == "approve"
    default = min(first.requested_cents, ranking.cap_cents)
    assert panel.amount.text() == format_zar(default)
    assert screen.table.item(row, COL_AMOUNT).text() == format_zar(default)
    assert screen.table.item(row, reviews_view.COL_DECISION).text() == "Approve"
    assert labels["tentative"].text() == format_zar(default)
    assert labels["remaining"].text() == format_zar(start - default)
    # A smaller amount typed in the panel.
    panel.amount.selectAll()
    qtbot.keyClicks(panel.amount, "R 50 000,00")
    assert screen.table.item(row, COL_AMOUNT).text() == "R 50 000,00"
    assert labels["remaining"].text() == format_zar(start - 50_000_00)
    assert labels["committed"].text() == format_zar(ranking.recorded_cents + 50_000_00)
    # Not an amount: a sentence, and nothing can be recorded until it is put right.
    panel.amount.setText("fifty thousand")
    assert screen.problems.isVisible()
    assert screen.problems.text().startswith(f"Amount for {first.reference}:")
    panel.amount.setText("R 50 000,00")
    assert not screen.problems.isVisible()
    # A decline takes nothing from the budget.
    screen.set_tentative(second.application_id, "decline")
    assert labels["remaining"].text() == format_zar(start - 50_000_00)


def test_over_budget_is_shown_and_not_recorded(qtbot, main_window) -> None:
    screen = _open_ranking(qtbot, main_window, budget_cents=1_000_000_00)
    ranking = screen.ranking
    reviewed = [r.candidate for r in screen.rows if r.candidate.state == "reviewed"]
    for c in reviewed:
        screen.set_tentative(c.application_id, "approve")
    result = screen.update_budget()
    assert result.over_budget
    assert screen.problems.text().startswith(
        f"The tentative approvals are {format_zar(-result.remaining_cents)} over"
    )
    assert "font-weight: bold" in screen.budget_labels["remaining"].styleSheet()
    answer_modal("OK")
    qtbot.mouseClick(screen.record_button, Qt.MouseButton.LeftButton)
    with main_window.db.unit_of_work() as session:
        states = set(
            session.scalars(
                select(Application.state).where(
                    Application.id.in_([c.application_id for c in reviewed])
                )
            )
        )
    assert states == {"reviewed"}
    assert ranking.recorded_cents > 0


def test_record_decisions_moves_applications_to_approved_and_declined(qtbot, main_window) -> None:
    screen = _open_ranking(qtbot, main_window)
    reviewed = [r.candidate for r in screen.rows if r.candidate.state == "reviewed"]
    first, second, third = reviewed[:3]
    recorded_before = screen.ranking.recorded_cents
    screen.set_tentative(first.application_id, "approve", "R 90 000,00", "Quarterly reports")
    screen.set_tentative(second.application_id, "decline", notes="The plan is not feasible")
    screen.set_tentative(third.application_id, "decline")
    # A decline needs its reasons before anything is recorded.
    assert screen.problems.text() == (
        f"Give the reasons to decline {third.reference} under 'Conditions or reasons'."
    )
    screen.set_tentative(third.application_id, "decline", notes="Duplicates funded work")
    assert not screen.problems.isVisible()
    # Meanwhile someone else withdraws the third application: the state machine refuses it.
    with main_window.db.unit_of_work() as session:
        session.get(Application, third.application_id).state = "withdrawn"
    asked = answer_modal("Record decisions")
    qtbot.mouseClick(screen.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.last_report is not None)
    assert asked and asked[0].startswith("Record 1 approval (R 90 000,00) and 2 declines")
    report = screen.last_report
    assert report.text() == "2 recorded, 1 not recorded."
    assert (
        f"{third.reference}: not recorded. {third.reference} is withdrawn, so it cannot be "
        "moved to declined; nothing was changed."
    ) in report.informativeText()
    report.close()
    with main_window.db.unit_of_work() as session:
        states = {
            app_id: state
            for app_id, state in session.execute(
                select(Application.id, Application.state).where(
                    Application.id.in_(
                        [first.application_id, second.application_id, third.application_id]
                    )
                )
            )
        }
    assert states == {
        first.application_id: "approved",
        second.application_id: "declined",
        third.application_id: "withdrawn",
    }
    # The screen shows the new figures; the withdrawn application has left the ranking.
    assert screen.ranking.recorded_cents == recorded_before + 90_000_00
    assert screen.row_of(third.application_id) is None
    assert screen.tentative == {} and not screen.problems.isVisible()
    assert not screen.record_button.isEnabled()
    assert screen.table.item(screen.row_of(first.application_id), COL_NOTES).text() == ""


def test_export_writes_the_ranking_as_shown(qtbot, main_window, tmp_path) -> None:
    import csv

    screen = _open_ranking(qtbot, main_window)
    path = tmp_path / "ranking.csv"
    n = screen.export_to(str(path))
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert n == len(rows) == len(screen.rows)
    assert [r["Application"] for r in rows] == [r.candidate.reference for r in screen.rows]
