"""The application form and screen as a secretariat member uses them: typing, clicking, moving."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QPushButton
from shiboken6 import isValid
from sqlalchemy import select

from tests.views.conftest import answer_modal
from usrg_desktop.domain.directory import City
from usrg_desktop.domain.grants import Application, Round, ScreeningCheck
from usrg_desktop.domain.reviews import Assignment, Reviewer, Rubric
from usrg_desktop.money import format_zar
from usrg_desktop.views.applications_view import ApplicationForm, ApplicationScreen
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.grants import applications as wf

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CHECKS = ("Signed by the accounting officer", "Budget adds up", "Letter of support")
LEFT = Qt.MouseButton.LeftButton


def user(db, username: str) -> Actor:
    uid, name, role = db.rows(
        "SELECT id, display_name, role FROM users WHERE username = :u", {"u": username}
    )[0]
    return Actor(uid, name, role)


@pytest.fixture
def open_round(demo_db) -> int:
    """An open round of the demo with a three-item screening checklist."""
    with demo_db.unit_of_work() as s:
        rnd = Round(
            name="Innovation Fund 2026 Round 2",
            year=2026,
            number=2,
            opens_on=date(2026, 11, 1),
            closes_on=date(2027, 1, 31),
            budget_cents=2_000_000_00,
            cap_cents=400_000_00,
            reviews_needed=3,
            status="open",
            rubric_id=s.scalar(select(Rubric.id).order_by(Rubric.id)),
            created_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
        s.add(rnd)
        s.flush()
        for n, label in enumerate(CHECKS, start=1):
            s.add(ScreeningCheck(round_id=rnd.id, position=n, label=label))
        return rnd.id


def make_window(qtbot, db, settings, username="secretariat") -> MainWindow:
    window = MainWindow(db, settings=settings, actor=user(db, username))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, demo_db, settings, open_round) -> MainWindow:
    return make_window(qtbot, demo_db, settings)


def activate(qtbot, widget) -> None:
    """Make a screen the active window, as a click on it would (shortcuts need that)."""
    from PySide6.QtWidgets import QApplication

    widget.activateWindow()
    widget.windowHandle().requestActivate()
    if not widget.isActiveWindow():  # the offscreen platform does not activate child windows
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            QApplication.setActiveWindow(widget)
    qtbot.waitUntil(widget.isActiveWindow)


def click(qtbot, button: QPushButton) -> None:
    assert button.isVisible(), button.text()
    assert button.isEnabled(), f"{button.text()}: {button.toolTip()}"
    qtbot.mouseClick(button, LEFT)


def applications_page(window):
    return window.show_page("Applications", 0)


def new_form(qtbot, window) -> ApplicationForm:
    page = applications_page(window)
    click(qtbot, page.findChild(QPushButton, "action_Newapplication"))
    form = window.open_windows()[("application-form", None)]
    qtbot.waitExposed(form)
    return form


def screen_of(window, app_id) -> ApplicationScreen:
    return window.open_windows()[("application", app_id)]


def type_text(qtbot, widget, text: str) -> None:
    """Type text with the keyboard; letters outside ASCII arrive as an input method sends them."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
                )


def fill_form(qtbot, form: ApplicationForm) -> None:
    """Type a complete application like a person would."""
    # Only the open round takes applications, so it is the one choice (typing a space into a
    # combo box would open its list).
    assert form.round_combo.count() == 1
    qtbot.keyClicks(form.applicant_combo, "eThekwini")
    qtbot.keyClicks(form.title_edit, "Safer taxi ranks in Durban")
    qtbot.keyClicks(form.summary_edit, "Marshals and lighting at three ranks.")
    qtbot.keyClicks(form.problem_edit, "Robberies at night at the ranks.")
    qtbot.keyClicks(form.intervention_edit, "Trained marshals, lighting and a reporting line.")
    qtbot.keyClicks(form.requested_edit, "250 000")
    type_text(qtbot, form.contact_name_edit, "Ṱhalitshani Nemaṱhaṋi")
    qtbot.keyClicks(form.contact_email_edit, "t.nemathani@durban.gov.za")
    qtbot.keyClicks(form.contact_phone_edit, "+27 31 311 1111")
    what, amount = form.budget.line_edits()[0]
    qtbot.keyClicks(what, "Marshals")
    qtbot.keyClicks(amount, "150 000,00")
    click(qtbot, form.budget.add_button)
    what, amount = form.budget.line_edits()[1]
    qtbot.keyClicks(what, "Lighting")
    qtbot.keyClicks(amount, "90 000")


def app_count(db) -> int:
    return db.rows("SELECT COUNT(*) FROM applications")[0][0]


def state(db, app_id) -> str:
    return db.rows("SELECT state FROM applications WHERE id = :i", {"i": app_id})[0][0]


def add_scored_reviews(db, app_id, count=3) -> None:
    """What the review area would record: `count` reviewers who returned their scores."""
    with db.unit_of_work() as s:
        for reviewer_id in s.scalars(select(Reviewer.id).order_by(Reviewer.id).limit(count)):
            s.add(
                Assignment(
                    application_id=app_id,
                    reviewer_id=reviewer_id,
                    status="scored",
                    method="manual",
                    assigned_at=datetime(2026, 11, 25, 8, tzinfo=UTC),
                    scored_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
                )
            )


# -- the whole way, by typing and clicking ------------------------------------------------------
def test_capture_submit_screen_and_review_by_clicking(qtbot, window, demo_db):
    before = app_count(demo_db)
    form = new_form(qtbot, window)
    # Saving an empty form shows each mistake under its field and writes nothing.
    click(qtbot, form.save_button)
    assert form.error_text("title") == "Title is required."
    assert (
        form.error_text("applicant") == "Choose one applicant: a member city or an admitted body."
    )
    assert form.error_text("budget_lines") == "Add at least one budget line."
    assert form.error_text("requested") == "Requested amount is required."
    assert app_count(demo_db) == before

    fill_form(qtbot, form)
    assert form.round_combo.currentText() == "Innovation Fund 2026 Round 2"
    assert form.applicant_combo.currentText() == "eThekwini"
    # The live total says the lines are R 10 000 short, in red.
    assert "R 10 000,00 short of the R 250 000,00 requested" in form.budget.total_label.text()
    click(qtbot, form.save_button)
    assert form.error_text("budget_lines") == (
        "Budget lines add up to R 240 000,00, not the R 250 000,00 requested."
    )
    assert form.error_text("title") == ""
    assert app_count(demo_db) == before
    amount = form.budget.line_edits()[1][1]
    amount.selectAll()
    qtbot.keyClicks(amount, "100 000")
    assert "as requested" in form.budget.total_label.text()
    activate(qtbot, form)
    qtbot.keyClick(amount, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save (Ctrl+S)
    assert app_count(demo_db) == before + 1, (
        form.isVisible(),
        {k: form.error_text(k) for k in form.errors},
        form.message.text(),
    )
    app_id = form.saved_id
    assert app_id is not None
    assert not form.isVisible()
    qtbot.waitUntil(lambda: ("application-form", None) not in window.open_windows())

    screen = screen_of(window, app_id)
    qtbot.waitExposed(screen)
    assert screen.reference_label.text() == "Draft (no reference until submitted)"
    assert set(screen.buttons) == {"submit", "withdraw"}
    click(qtbot, screen.buttons["submit"])
    with demo_db.unit_of_work() as s:
        reference = s.get(Application, app_id).reference
    assert reference == "USRG-IF-2026-2-001"
    assert screen.reference_label.text() == reference
    assert state(demo_db, app_id) == "submitted"
    page = applications_page(window)
    assert page.select_id(app_id)  # the list was reloaded and shows it

    click(qtbot, screen.buttons["start_screening"])
    assert state(demo_db, app_id) == "screening"
    eligible = screen.buttons["mark_eligible"]
    assert not eligible.isEnabled()
    assert "not yet ticked in screening" in eligible.toolTip()
    assert "not yet ticked in screening" in screen.unavailable_label.text()
    assert screen.unavailable_label.isVisible()

    screen.tabs.setCurrentWidget(screen.screening_tab)
    check_ids = [item.check_id for item in screen.screening_tab.items]
    assert [item.label for item in screen.screening_tab.items] == list(CHECKS)
    for check_id in check_ids:
        box = screen.screening_tab.boxes[check_id]  # rebuilt after each tick
        qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))
    assert all(item.passed for item in screen.screening_tab.items)
    assert screen.tabs.tabText(3) == "&Screening (3/3)"

    click(qtbot, screen.buttons["mark_eligible"])
    assert state(demo_db, app_id) == "in_review"
    done = screen.buttons["complete_review"]
    assert not done.isEnabled() and "has 0 of the 3 reviews it needs" in done.toolTip()
    add_scored_reviews(demo_db, app_id)
    qtbot.keyClick(screen, Qt.Key.Key_F5)  # read it again
    click(qtbot, screen.buttons["complete_review"])
    assert state(demo_db, app_id) == "reviewed"
    assert set(screen.buttons) == {"approve", "decline", "withdraw"}
    assert "State:</b> reviewed" in screen.facts_label.text()

    history = screen.history_table
    whats = [history.item(r, 2).text() for r in range(history.rowCount())]
    assert whats == [
        "All reviews in",
        "Eligible",
        "Start screening",
        "Submit",
        "Created",
    ]
    row = page.model.row_of_id(app_id)
    assert page.model.row_values(row)[4] == "reviewed"


def test_withdraw_asks_a_reason_and_refuses_an_empty_one(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'submitted' LIMIT 1")[0][0]
    page = applications_page(window)
    page.select_id(app_id)
    click(qtbot, page.findChild(QPushButton, "action_Open"))
    screen = screen_of(window, app_id)
    click(qtbot, screen.buttons["withdraw"])
    dialog = screen.dialog
    assert dialog is not None and dialog.isVisible()
    click(qtbot, dialog.ok_button)
    assert dialog.error.text() == "Give a reason."
    assert state(demo_db, app_id) == "submitted"
    qtbot.keyClicks(dialog.reason_edit, "The city withdrew its proposal.")
    click(qtbot, dialog.ok_button)
    assert state(demo_db, app_id) == "withdrawn"
    assert screen.history_table.item(0, 5).text() == "The city withdrew its proposal."
    assert screen.buttons == {}
    assert "No moves are left" in screen.unavailable_label.text()


def test_approve_asks_the_amount_and_shows_a_refusal_in_the_dialog(qtbot, window, demo_db):
    app_id, requested = demo_db.rows(
        "SELECT id, requested_cents FROM applications WHERE state = 'reviewed' "
        "ORDER BY requested_cents LIMIT 1"
    )[0]
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    click(qtbot, screen.buttons["approve"])
    dialog = screen.dialog
    dialog.amount_edit.selectAll()
    qtbot.keyClicks(dialog.amount_edit, "R 450 000")
    click(qtbot, dialog.ok_button)
    assert dialog.error.text() == (
        f"The approved amount R 450 000,00 is more than the {format_zar(requested)} requested."
    )
    assert state(demo_db, app_id) == "reviewed"
    dialog.amount_edit.selectAll()
    qtbot.keyClicks(dialog.amount_edit, "50 000")
    qtbot.keyClicks(dialog.reason_edit, "Strong proposal.")
    click(qtbot, dialog.ok_button)
    assert state(demo_db, app_id) == "approved"
    assert demo_db.rows(
        "SELECT amount_cents FROM decisions WHERE application_id = :i", {"i": app_id}
    ) == [(50_000_00,)]
    assert requested < 450_000_00


def test_a_coordinator_sees_the_moves_disabled_with_the_reason(qtbot, demo_db, settings):
    window = make_window(qtbot, demo_db, settings, username="coordinator")
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'reviewed' LIMIT 1")[0][0]
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    assert set(screen.buttons) == {"approve", "decline", "withdraw"}
    for button in screen.buttons.values():
        assert not button.isEnabled()
        assert button.toolTip().startswith("Only the secretariat or an administrator may")
    assert "Only the secretariat or an administrator may approve" in (
        screen.unavailable_label.text()
    )
    assert not screen.attachments_tab.add_button.isEnabled()
    new = applications_page(window).findChild(QPushButton, "action_Newapplication")
    assert not new.isEnabled() and new.toolTip().startswith("Only the secretariat")


def test_editing_a_draft_from_its_screen(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'draft' LIMIT 1")[0][0]
    # The demo's drafts belong to a round now under review: still editable, round kept.
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    click(qtbot, screen.edit_button)
    form = window.open_windows()[("application-form", app_id)]
    with demo_db.unit_of_work() as s:
        original = wf.application_details(s, app_id)
    assert form.title_edit.text() == original.title
    assert len(form.budget.line_edits()) == len(original.budget_lines)
    form.title_edit.selectAll()
    qtbot.keyClicks(form.title_edit, "Alcohol outlet mapping, revised")
    click(qtbot, form.save_button)
    assert form.error_text("round") == "" and form.error_text("title") == ""
    assert form.saved_id == app_id, {k: form.error_text(k) for k in form.errors}
    assert screen.title_label.text() == "Alcohol outlet mapping, revised"
    assert screen.history_table.item(0, 2).text() == "Edited"
    assert screen.history_table.item(0, 5).text() == "changed: title"


def test_an_edited_draft_closed_with_escape_is_saved_on_save(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'draft' LIMIT 1")[0][0]
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    click(qtbot, screen.edit_button)
    form = window.open_windows()[("application-form", app_id)]
    form.title_edit.selectAll()
    qtbot.keyClicks(form.title_edit, "Alcohol outlet mapping, kept on close")
    asked = answer_modal("Save")
    activate(qtbot, form)
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: form.saved_id == app_id)
    assert asked and asked[0].startswith("Not saved yet: the changes to ")
    assert demo_db.rows("SELECT title FROM applications WHERE id = :i", {"i": app_id}) == [
        ("Alcohol outlet mapping, kept on close",)
    ]
    assert screen.title_label.text() == "Alcohol outlet mapping, kept on close"


def test_attachments_by_drop_open_and_remove(qtbot, window, demo_db, tmp_path):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'submitted' LIMIT 1")[0][0]
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    tab = screen.attachments_tab
    screen.tabs.setCurrentWidget(tab)
    start = len(tab.rows)
    pdf, txt = tmp_path / "site plan.pdf", tmp_path / "notes.txt"
    pdf.write_bytes(PDF)
    txt.write_text("not allowed")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(pdf)), QUrl.fromLocalFile(str(txt))])
    event = QDropEvent(
        tab.rect().center().toPointF(),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.dropEvent(event)
    assert [r.filename for r in tab.rows][start:] == ["site plan.pdf"]
    assert "notes.txt cannot be attached" in tab.error.text()
    assert screen.tabs.tabText(2) == f"&Attachments ({start + 1})"

    opened: list[QUrl] = []
    screen.open_url = lambda url: opened.append(url) or True
    tab.table.selectRow(start)
    click(qtbot, tab.open_button)
    assert opened and opened[0].toLocalFile().endswith("site plan.pdf")
    with open(opened[0].toLocalFile(), "rb") as f:
        assert f.read() == PDF

    answer_modal("Cancel")
    click(qtbot, tab.remove_button)
    assert len(tab.rows) == start + 1
    tab.table.selectRow(start)
    asked = answer_modal("Remove")
    click(qtbot, tab.remove_button)
    assert "Remove site plan.pdf from this application?" in asked[0]
    assert len(tab.rows) == start
    assert screen.history_table.item(0, 2).text() == "Removed a file"


# -- the list's filters -------------------------------------------------------------------------
def test_the_list_filters_by_round_state_and_applicant_with_the_text_filter(qtbot, window):
    page = applications_page(window)
    total = page.model.total_row_count()
    states = page.column_filters["state"]
    assert states.itemText(0) == "All states"
    qtbot.keyClicks(states, "screening")
    assert states.currentText() == "screening"
    shown = page.model.rowCount()
    assert 0 < shown < total
    assert all(page.model.row_values(r)[4] == "screening" for r in range(shown))
    assert page.count_label.text() == f"{shown} of {total} shown"
    applicants = page.column_filters["applicant"]
    first = page.model.row_values(0)[2]
    applicants.setCurrentIndex(applicants.findText(first))
    assert all(page.model.row_values(r)[2] == first for r in range(page.model.rowCount()))
    # Combined with the text filter, and undone by "All …".
    qtbot.keyClicks(page.filter_edit, "zzzz-nothing")
    assert page.model.rowCount() == 0
    page.filter_edit.clear()
    states.setCurrentIndex(0)
    applicants.setCurrentIndex(0)
    assert page.model.rowCount() == total
    assert page.count_label.text() == f"{total} of {total} applications"
    rounds = page.column_filters["round"]
    assert [rounds.itemText(i) for i in range(rounds.count())] == [
        "All rounds",
        "Innovation Fund 2025 Round 1",
        "Innovation Fund 2026 Round 1",
    ]


def test_the_filters_survive_a_reload(qtbot, window, demo_db):
    page = applications_page(window)
    states = page.column_filters["state"]
    states.setCurrentIndex(states.findText("draft"))
    drafts = page.model.rowCount()
    with demo_db.unit_of_work() as s:
        city = s.scalar(select(City.id).where(City.short_name == "Msunduzi"))
        round_id = s.scalar(select(Round.id).where(Round.status == "open"))
    with demo_db.unit_of_work() as s:
        wf.save_application(
            s,
            round_id=round_id,
            applicant_city_id=city,
            title="Youth league",
            summary="s",
            problem="p",
            intervention="i",
            requested_cents=100_00,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 6, 30),
            contact_name="A Person",
            contact_email="a.person@msunduzi.gov.za",
            budget_lines=[("All", 100_00)],
            actor=user(demo_db, "secretariat"),
            now=datetime(2026, 11, 25, 8),
        )
    window.data_changed("Applications")
    assert states.currentText() == "draft"
    assert page.model.rowCount() == drafts + 1


# -- the table model's column filters -----------------------------------------------------------
def test_column_filters_are_exact_combine_with_text_and_survive_a_new_listing(qapp):
    from usrg_desktop.views.table_model import ListingTableModel
    from usrg_desktop.workflows import Column, Listing

    columns = [Column("title", "Title"), Column("state", "State"), Column("n", "N", "int")]
    rows = [("Lights", "draft", 1), ("Lights 2", "submitted", 2), ("Parks", "draft", 3)]
    model = ListingTableModel()
    model.set_listing(Listing("T", columns, rows, ids=[10, 20, 30]))
    assert model.column_values(1) == ["draft", "submitted"]
    assert model.column_values(2) == [1, 2, 3]
    model.set_column_filter(1, "draft")
    assert [model.row_id(r) for r in range(model.rowCount())] == [10, 30]
    assert model.is_filtered and model.column_filters == {1: "draft"}
    model.set_filter_text("lights")
    assert [model.row_id(r) for r in range(model.rowCount())] == [10]
    model.set_filter_text("")
    model.set_column_filter(2, 3)
    assert [model.row_id(r) for r in range(model.rowCount())] == [30]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_listing(Listing("T", columns, [*rows, ("Parks 2", "draft", 3)], ids=[10, 20, 30, 40]))
    assert [model.row_id(r) for r in range(model.rowCount())] == [40, 30]
    model.set_column_filter(2, None)
    model.set_column_filter(1, "dra")  # exact, not a substring
    assert model.rowCount() == 0
    model.clear_column_filters()
    assert model.rowCount() == 4 and not model.is_filtered
    with pytest.raises(IndexError):
        model.set_column_filter(9, "x")


def test_closing_a_form_with_changes_asks_first(qtbot, window, demo_db):
    form = new_form(qtbot, window)
    qtbot.keyClicks(form.title_edit, "Half typed")
    asked = answer_modal("Cancel")
    form.close()
    qtbot.waitUntil(lambda: bool(asked))
    assert form.isVisible() and asked == ["Not saved yet: the new application."]
    answer_modal("Discard")
    form.close()
    qtbot.waitUntil(lambda: not isValid(form) or not form.isVisible())
    # An untouched form closes without a question.
    again = new_form(qtbot, window)
    again.close()
    assert not again.isVisible()


def test_enter_on_a_row_opens_its_screen_and_a_note_is_kept(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'screening' LIMIT 1")[0][0]
    page = applications_page(window)
    assert page.select_id(app_id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    screen = screen_of(window, app_id)
    screen.tabs.setCurrentWidget(screen.screening_tab)
    unticked = next(i for i in screen.screening_tab.items if not i.passed)
    note = screen.screening_tab.notes[unticked.check_id]
    qtbot.keyClicks(note, "No council resolution attached")
    qtbot.keyClick(note, Qt.Key.Key_Return)  # editing finished: saved
    stored = demo_db.rows(
        "SELECT passed, note FROM screening_results WHERE application_id = :a AND check_id = :c",
        {"a": app_id, "c": unticked.check_id},
    )
    assert [(bool(p), n) for p, n in stored] == [(False, "No council resolution attached")]
    item = next(i for i in screen.screening_tab.items if i.check_id == unticked.check_id)
    assert item.note == "No council resolution attached" and item.passed is False
    assert not screen.buttons["mark_eligible"].isEnabled()


def test_decline_asks_the_reason_and_the_panels_feedback(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'reviewed' LIMIT 1")[0][0]
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    click(qtbot, screen.buttons["decline"])
    dialog = screen.dialog
    qtbot.keyClicks(dialog.reason_edit, "Below the funding line.")
    qtbot.keyClicks(dialog.feedback_edit, "Show the baseline data.")
    click(qtbot, dialog.ok_button)
    assert state(demo_db, app_id) == "declined"
    assert demo_db.rows(
        "SELECT reasons, feedback FROM decisions WHERE application_id = :i", {"i": app_id}
    ) == [("Below the funding line.", "Show the baseline data.")]


# -- two people editing the same application --------------------------------------------------
def save_elsewhere(db, app_id: int, actor: Actor, **changes) -> None:
    """Another workstation opens the same draft, changes some fields and saves first."""
    from tests.workflows.test_edit_versions import form_values

    values = {**form_values(db, app_id), **changes}
    with db.unit_of_work() as s:
        wf.save_application(s, **values, actor=actor, now=datetime(2026, 11, 25, 9, 4))


def open_edit_form(qtbot, window, app_id) -> ApplicationForm:
    screen = window.open_window(("application", app_id), lambda: ApplicationScreen(window, app_id))
    click(qtbot, screen.edit_button)
    form = window.open_windows()[("application-form", app_id)]
    qtbot.waitExposed(form)
    return form


def test_a_save_over_another_workstations_save_is_refused_then_chosen(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'draft' LIMIT 1")[0][0]
    form = open_edit_form(qtbot, window, app_id)
    # Thandi, at another desk, saves a new summary after this form opened.
    other = user(demo_db, "admin")
    save_elsewhere(demo_db, app_id, other, summary="Ward committees map the outlets at night.")
    form.title_edit.selectAll()
    qtbot.keyClicks(form.title_edit, "My new title")
    click(qtbot, form.save_button)
    # Nothing was written; the sentence names who saved and the field they changed.
    assert form.saved_id is None
    with demo_db.unit_of_work() as s:
        now = wf.application_details(s, app_id)
    assert now.title != "My new title"
    assert now.summary == "Ward committees map the outlets at night."
    message = form.message.text()
    assert f"{other.name} saved " in message and "after you opened it" in message
    assert "They changed the summary." in message
    assert form.error_text("summary") == "Changed at another workstation since you opened the form."
    assert form.error_text("title") == ""
    # Load theirs: their summary is shown, what was typed here is kept to copy.
    click(qtbot, form.load_theirs_button)
    assert form.summary_edit.toPlainText() == "Ward committees map the outlets at night."
    assert "My new title" in form.mine_box.toPlainText()
    form.title_edit.selectAll()
    qtbot.keyClicks(form.title_edit, "My new title")
    click(qtbot, form.save_button)
    assert form.saved_id == app_id
    with demo_db.unit_of_work() as s:
        both = wf.application_details(s, app_id)
    assert (both.title, both.summary) == (
        "My new title",
        "Ward committees map the outlets at night.",
    )


def test_saving_mine_over_theirs_is_on_purpose(qtbot, window, demo_db):
    app_id = demo_db.rows("SELECT id FROM applications WHERE state = 'draft' LIMIT 1")[0][0]
    form = open_edit_form(qtbot, window, app_id)
    mine = form.summary_edit.toPlainText()
    save_elsewhere(demo_db, app_id, user(demo_db, "admin"), summary="Their summary.")
    form.title_edit.selectAll()
    qtbot.keyClicks(form.title_edit, "Mine")
    click(qtbot, form.save_button)
    assert form.saved_id is None
    click(qtbot, form.overwrite_button)
    assert form.saved_id == app_id
    with demo_db.unit_of_work() as s:
        kept = wf.application_details(s, app_id)
    assert (kept.title, kept.summary) == ("Mine", mine)


def test_tab_runs_down_the_new_form_through_the_budget_lines_to_save(qtbot, window):
    from PySide6.QtWidgets import QApplication

    form = new_form(qtbot, window)
    form.budget.add_line()
    activate(qtbot, form)
    form.round_combo.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is form.save_button:
            break
    assert seen[-1] is form.save_button, [w.objectName() for w in seen]
    names = [w.objectName() for w in seen]
    # Every budget line's fields come after the contact and before Add line and Save.
    assert names.index("contact_phone") < names.index("lineDescription0")
    assert names.index("lineAmount1") < names.index("addBudgetLine") < names.index("save")
    assert len(seen) < 30
