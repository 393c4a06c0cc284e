"""The Rounds list's actions and forms, clicked and typed like a person would."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import text

from tests.views.conftest import answer_modal
from usrg_desktop.views.rounds_view import ImportDialog, RoundDialog, import_applications
from usrg_desktop.workflows.grants import rounds
from usrg_desktop.workflows.system.accounts import actor_named

NEW = "Innovation Fund 2027 Round 1"


@pytest.fixture
def window(main_window):
    """The main window with the demo's secretariat user signed in."""
    with main_window.db.unit_of_work() as s:
        main_window.actor = actor_named(s, username="secretariat")
    return main_window


@pytest.fixture
def rounds_page(window):
    return window.show_page("Rounds", 0)


def count_rows(db, table: str) -> int:
    return db.rows(f"SELECT COUNT(*) FROM {table}")[0][0]


def open_new_round_dialog(qtbot, page) -> RoundDialog:
    controller = page.rounds_controller
    qtbot.mouseClick(controller.new_button, Qt.MouseButton.LeftButton)
    dialog = controller.dialog
    assert isinstance(dialog, RoundDialog) and dialog.isVisible()
    return dialog


def test_create_a_round_by_typing_into_the_form(qtbot, window, rounds_page):
    dialog = open_new_round_dialog(qtbot, rounds_page)
    # A new round starts with the latest round's screening checklist and the default rubric.
    assert dialog.check_labels() and dialog.rubric_combo.currentText() == (
        "USRG innovation fund rubric"
    )
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.name_edit, NEW)
    dialog.budget_edit.setFocus()
    qtbot.keyClicks(dialog.budget_edit, "2500000")
    qtbot.keyClick(dialog.budget_edit, Qt.Key.Key_Tab)
    assert dialog.budget_edit.text() == "R 2 500 000,00"  # tidied as rand when left
    qtbot.keyClicks(dialog.cap_edit, "R 300 000,00")
    dialog.reviews_spin.clear()
    qtbot.keyClicks(dialog.reviews_spin, "4")
    dialog.set_body_checked("SALGA")
    qtbot.mouseClick(dialog.add_check_button, Qt.MouseButton.LeftButton)
    # The new item opens for typing, as after a double-click.
    editor = dialog.checks_list.viewport().findChild(QLineEdit)
    assert editor is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    qtbot.keyClicks(editor, "Ward councillor informed")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits the typed text on the next turn of the event loop.
    qtbot.waitUntil(lambda: dialog.check_labels()[-1] == "Ward councillor informed")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    row = window.db.rows(
        "SELECT id, status, budget_cents, cap_cents, reviews_needed, opens_on, closes_on "
        "FROM rounds WHERE name = :n",
        {"n": NEW},
    )
    assert len(row) == 1
    rid, status, budget, cap, reviews, opens, closes = row[0]
    assert (status, budget, cap, reviews) == ("draft", 2_500_000_00, 300_000_00, 4)
    assert str(opens)[:10] == "2026-12-09" and str(closes)[:10] == "2027-02-07"
    with window.db.unit_of_work() as s:
        details = rounds.round_details(s, rid)
        assert details.form.screening_checks[-1] == "Ward councillor informed"
        assert len(details.form.admitted_body_ids) == 1
    # The list shows the new round, selected, and offers to open it.
    assert rounds_page.current_id() == rid
    assert rounds_page.rounds_controller.move_button.text() == "Open for applications…"


def test_bad_values_show_their_sentence_under_the_field_and_save_nothing(
    qtbot, window, rounds_page
):
    before = count_rows(window.db, "rounds"), count_rows(window.db, "audit_events")
    dialog = open_new_round_dialog(qtbot, rounds_page)
    dialog.name_edit.clear()  # no name at all (one is suggested)
    qtbot.keyClicks(dialog.budget_edit, "lots")
    qtbot.keyClicks(dialog.cap_edit, "500000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_text("name") == "Give the round a name."
    assert dialog.error_text("budget") == (
        "The budget 'lots' is not an amount in rand (R 250 000,00)."
    )
    assert dialog.error_text("closes_on") == ""
    assert dialog.errors["name"].isVisible()

    qtbot.keyClicks(dialog.name_edit, NEW)
    dialog.budget_edit.clear()
    qtbot.keyClicks(dialog.budget_edit, "400000")
    qtbot.keyClicks(dialog.cap_edit, "")  # cap stays R 500 000: over the budget
    dialog.closes_edit.setDate(dialog.opens_edit.date().addDays(-1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_text("name") == ""
    assert dialog.error_text("cap") == (
        "The cap per grant (R 500 000,00) cannot be more than the budget (R 400 000,00)."
    )
    assert dialog.error_text("closes_on") == "The close date must be after the open date."
    assert (count_rows(window.db, "rounds"), count_rows(window.db, "audit_events")) == before
    dialog.reject()


def test_edit_locks_the_rubric_once_there_are_applications_and_saves_a_change(
    qtbot, window, rounds_page
):
    rid, name = window.db.rows("SELECT id, name FROM rounds ORDER BY opens_on DESC LIMIT 1")[0]
    assert rounds_page.select_id(rid)
    qtbot.mouseClick(rounds_page.rounds_controller.edit_button, Qt.MouseButton.LeftButton)
    dialog = rounds_page.rounds_controller.dialog
    assert dialog.name_edit.text() == name
    assert not dialog.rubric_combo.isEnabled()
    assert dialog.rubric_note.text() == (
        "The round has 25 applications, so its rubric cannot change."
    )
    dialog.deadline_edit.setDate(dialog.deadline_edit.date().addDays(7))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.db.rows(
        "SELECT action, detail FROM audit_events WHERE entity = 'round' AND entity_id = :i "
        "ORDER BY id DESC LIMIT 1",
        {"i": rid},
    ) == [("update", "review deadline")]
    assert (
        str(window.db.rows("SELECT review_deadline FROM rounds WHERE id = :i", {"i": rid})[0][0])[
            :10
        ]
        == "2026-12-23"
    )


def test_an_archived_round_opens_read_only(qtbot, window, rounds_page):
    rid = window.db.rows("SELECT id FROM rounds WHERE status = 'decided'")[0][0]
    with window.db.unit_of_work() as s:
        s.execute(
            text(
                "UPDATE applications SET state = 'closed' "
                "WHERE round_id = :i AND state IN ('approved', 'awarded', 'active')"
            ),
            {"i": rid},
        )
        rounds.archive_round(s, round_id=rid, actor=window.actor, now=datetime(2026, 11, 25, 9))
    window.data_changed("Rounds")
    assert rounds_page.select_id(rid)
    assert not rounds_page.rounds_controller.move_button.isEnabled()
    dialog = rounds_page.rounds_controller.edit_round()
    assert not dialog.save_button.isEnabled()
    assert dialog.error_text("form") == "This round is archived: it can be read but not changed."
    dialog.reject()


def _draft_round(window) -> int:
    with window.db.unit_of_work() as s:
        return rounds.create_round(
            s,
            form=rounds.RoundForm(
                name=NEW,
                opens_on=date(2027, 1, 11),
                closes_on=date(2027, 3, 12),
                budget_cents=3_000_000_00,
                cap_cents=400_000_00,
                screening_checks=("Eligible applicant",),
            ),
            actor=window.actor,
            now=datetime(2026, 11, 25, 8),
        )


def test_the_next_step_button_moves_the_round_after_asking(qtbot, window, rounds_page):
    rid = _draft_round(window)
    window.data_changed("Rounds")
    assert rounds_page.select_id(rid)
    button = rounds_page.rounds_controller.move_button
    assert button.isEnabled() and button.text() == "Open for applications…"
    # Cancel first: nothing moves.
    answer_modal("Cancel")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.db.rows("SELECT status FROM rounds WHERE id = :i", {"i": rid}) == [("draft",)]
    seen = answer_modal("Open for applications")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].startswith(f"Move the round '{NEW}' from draft to open?")
    assert window.db.rows("SELECT status FROM rounds WHERE id = :i", {"i": rid}) == [("open",)]
    assert window.db.rows(
        "SELECT action, from_state, to_state, actor_name FROM audit_events "
        "WHERE entity = 'round' AND entity_id = :i ORDER BY id DESC LIMIT 1",
        {"i": rid},
    ) == [("open", "draft", "open", window.actor.name)]
    # The list shows the new status and the button the next step.
    row = rounds_page.model.row_values(rounds_page.table.currentIndex().row())
    assert row[1] == "open" and button.text() == "Close to applications…"


def _write_sheet(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "round",
                "applicant",
                "title",
                "summary",
                "problem",
                "intervention",
                "requested",
                "start",
                "end",
                "contact name",
                "contact email",
                "budget",
            ]
        )
        writer.writerows(rows)
    return path


def _sheet_row(round_name: str, title: str, **changes) -> list[str]:
    values = {
        "applicant": "Msunduzi",
        "requested": "150000",
        "start": "2027-04-01",
        "end": "2028-03-31",
        "email": "naledi.khumalo@msunduzi.gov.za",
        "budget": "Wardens: 100000; Lights: 50000",
    }
    values.update(changes)
    return [
        round_name,
        values["applicant"],
        title,
        "Summary.",
        "Problem.",
        "Intervention.",
        values["requested"],
        values["start"],
        values["end"],
        "Naledi Khumalo",
        values["email"],
        values["budget"],
    ]


def test_import_dialog_lists_bad_rows_and_imports_only_a_good_sheet(qtbot, window, tmp_path):
    rid = _draft_round(window)
    with window.db.unit_of_work() as s:
        rounds.open_round(s, round_id=rid, actor=window.actor, now=datetime(2026, 11, 25, 9))
    bad = _write_sheet(
        tmp_path / "bad.csv",
        [
            _sheet_row(NEW, "Safe parks"),
            _sheet_row("Innovation Fund 2025 Round 1", "Late entry"),
            _sheet_row(NEW, "Too much", requested="500000", budget="All: 500000"),
        ],
    )
    before = count_rows(window.db, "applications")
    dialog = import_applications(window, bad)
    assert isinstance(dialog, ImportDialog)
    assert dialog.problems() == [
        (3, "The round 'Innovation Fund 2025 Round 1' is decided, not open for applications."),
        (4, "The request of R 500 000,00 is over the round's cap of R 400 000,00."),
    ]
    assert (
        dialog.summary_label.text() == "bad.csv: 2 of 3 rows have problems; nothing was imported."
    )
    assert not dialog.import_button.isEnabled()
    dialog.reject()
    assert count_rows(window.db, "applications") == before

    good = _write_sheet(tmp_path / "good.csv", [_sheet_row(NEW, "Safe parks")])
    dialog = import_applications(window, good)
    assert dialog.problems() == [] and dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.summary_label.text() == "good.csv: imported 1 submitted application."
    assert not dialog.import_button.isEnabled()
    assert window.db.rows(
        "SELECT reference, state FROM applications WHERE title = 'Safe parks'"
    ) == [("USRG-IF-2027-1-001", "submitted")]


def test_import_dialog_names_a_file_it_cannot_read(window, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    dialog = import_applications(window, path)
    assert dialog.summary_label.text() == "The file notes.txt is not a CSV or XLSX sheet."
    assert not dialog.import_button.isEnabled() and dialog.problems() == []


def test_file_menu_import_asks_for_the_sheet_then_checks_it(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    sheet = _write_sheet(tmp_path / "form.csv", [_sheet_row(NEW, "Safe parks")])
    asked: list[str] = []

    def choose(parent, caption, folder, filters):
        asked.append(filters)
        return str(sheet), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    action = window.command_actions["import_applications"]
    assert action.shortcut().toString() == "Ctrl+I"
    action.trigger()
    assert asked and "*.xlsx" in asked[0]
    dialog = window.import_dialog
    # No round is open in the demo: the one row is refused and Import stays off.
    assert dialog.problems() == [(2, f"There is no round '{NEW}'.")]
    assert not dialog.import_button.isEnabled()


def test_a_round_saved_elsewhere_meanwhile_is_not_overwritten_unasked(qtbot, window, rounds_page):
    from usrg_desktop.workflows import Actor

    rid, name = window.db.rows("SELECT id, name FROM rounds ORDER BY opens_on DESC LIMIT 1")[0]
    assert rounds_page.select_id(rid)
    qtbot.mouseClick(rounds_page.rounds_controller.edit_button, Qt.MouseButton.LeftButton)
    dialog = rounds_page.rounds_controller.dialog
    # Another desk moves the review deadline after this form opened.
    with window.db.unit_of_work() as s:
        details = rounds.round_details(s, rid)
        moved = details.form.review_deadline.replace(day=28)
        rounds.update_round(
            s,
            round_id=rid,
            form=rounds.RoundForm(**{**details.form.__dict__, "review_deadline": moved}),
            actor=Actor(None, "Sipho Mthembu", "secretariat"),
            now=datetime(2026, 11, 25, 9, 4),
            seen_version=details.version,
        )
    dialog.name_edit.setText(name + " (revised)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "refused: the form stays open with what was typed"
    assert dialog.form_error.text() == (
        f"Sipho Mthembu saved the round '{name}' at 2026-11-25 11:04, after you opened it; "
        "nothing of yours was saved. Save again to keep what is in this form over theirs, or "
        "cancel and open the round again to see theirs."
    )
    assert window.db.rows("SELECT name FROM rounds WHERE id = :i", {"i": rid}) == [(name,)]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.db.rows("SELECT name FROM rounds WHERE id = :i", {"i": rid}) == [
        (name + " (revised)",)
    ]


def test_the_suggested_name_and_the_references_share_year_and_number(qtbot, window, rounds_page):
    from PySide6.QtCore import QDate

    dialog = open_new_round_dialog(qtbot, rounds_page)
    years = {r[0] for r in window.db.rows("SELECT year FROM rounds")}
    opens = dialog.opens_edit.date().toPython()
    taken = window.db.rows("SELECT MAX(number) FROM rounds WHERE year = :y", {"y": opens.year})
    number = (taken[0][0] or 0) + 1
    assert dialog.name_edit.text() == f"Innovation Fund {opens.year} Round {number}"
    assert f"USRG-IF-{opens.year}-{number}-001" in dialog.identity_note.text()
    assert f"review-{opens.year}-{number}-" in dialog.identity_note.text()
    # Opening in a year with no round yet: round 1 of that year, in the name and the references.
    free = max(years | {opens.year}) + 1
    dialog.opens_edit.setDate(QDate(free, 2, 1))
    dialog.closes_edit.setDate(QDate(free, 3, 31))
    dialog.deadline_edit.setDate(QDate(free, 5, 15))
    assert dialog.name_edit.text() == f"Innovation Fund {free} Round 1"
    assert f"USRG-IF-{free}-1-001" in dialog.identity_note.text()
    qtbot.keyClicks(dialog.budget_edit, "2500000")
    qtbot.keyClicks(dialog.cap_edit, "300000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), {k: dialog.error_text(k) for k in dialog.errors}
    assert window.db.rows(
        "SELECT name, year, number FROM rounds WHERE id = :i", {"i": dialog.saved_id}
    ) == [(f"Innovation Fund {free} Round 1", free, 1)]
    # A name typed by the user is kept when the date changes.
    again = open_new_round_dialog(qtbot, rounds_page)
    again.name_edit.setText("Safer cities special round")
    again.opens_edit.setDate(QDate(free, 6, 1))
    assert again.name_edit.text() == "Safer cities special round"
    assert f"USRG-IF-{free}-2-001" in again.identity_note.text()


def test_the_round_form_takes_its_themes_one_per_line(qtbot, window, rounds_page):
    dialog = open_new_round_dialog(qtbot, rounds_page)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.budget_edit, "2500000")
    qtbot.keyClicks(dialog.cap_edit, "300000")
    # A new round starts with the latest round's themes; this one has its own.
    assert dialog.themes_edit.toPlainText().splitlines()[0] == "Children and youth"
    dialog.themes_edit.setFocus()
    dialog.themes_edit.selectAll()
    qtbot.keyClick(dialog.themes_edit, Qt.Key.Key_Delete)
    for n, theme in enumerate(("Safer public spaces", "Youth", "safer public spaces")):
        if n:
            qtbot.keyClick(dialog.themes_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.themes_edit, theme)
    before = count_rows(window.db, "rounds")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_text("themes") == "The theme 'safer public spaces' is listed twice."
    assert count_rows(window.db, "rounds") == before
    # Take the last line back out, then save.
    for _ in range(len("safer public spaces") + 1):
        qtbot.keyClick(dialog.themes_edit, Qt.Key.Key_Backspace)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with window.db.unit_of_work() as s:
        details = rounds.round_details(s, rounds_page.current_id())
    assert details.form.themes == ("Safer public spaces", "Youth")
