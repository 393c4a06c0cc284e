"""The Awards list and the award screen, clicked and typed like a person on the demo data."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QLineEdit, QPlainTextEdit
from sqlalchemy import select

from tests.conftest import TODAY
from tests.views.conftest import answer_modal
from usrg_desktop.domain.audit import AuditEvent
from usrg_desktop.domain.awards import Award, Milestone, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.views.awards_view import AwardScreen
from usrg_desktop.workflows.awards import award_tracking as at
from usrg_desktop.workflows.awards.project_dates import next_working_day
from usrg_desktop.workflows.system.dates import utc_now


def awards_page(window):
    return window.show_page("Awards", 0)


def award_in_state(db, state: str) -> int:
    with db.unit_of_work() as s:
        return s.scalars(
            select(Award.id)
            .join(Application, Application.id == Award.application_id)
            .where(Application.state == state)
            .order_by(Award.id)
        ).first()


def open_screen(qtbot, window, award_id) -> AwardScreen:
    page = awards_page(window)
    assert page.select_id(award_id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    screen = window.open_windows()[("award", award_id)]
    assert isinstance(screen, AwardScreen)
    qtbot.waitExposed(screen)
    return screen


def click_ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_overdue_only_switch_and_highlighted_rows(qtbot, main_window, demo_db):
    page = awards_page(main_window)
    total = page.model.rowCount()
    with demo_db.unit_of_work() as s:
        overdue = {i.award_id for i in at.overdue_items(s, TODAY)}
    assert 0 < len(overdue) < total
    switch = page.overdue_switch
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert switch.isChecked()
    assert {page.model.row_id(r) for r in range(page.model.rowCount())} == overdue
    assert page.count_label.text() == f"{len(overdue)} of {len(overdue)} awards"
    # Overdue rows are painted in the warning colour by the delegate.
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    page.table.itemDelegate().initStyleOption(option, page.model.index(0, 0))
    assert option.backgroundBrush.color().name() == "#fde2e1"
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == total
    # Awards → Overdue tranches and reports shows the same, from anywhere.
    main_window.show_area("Meetings")
    main_window.command_actions["show_overdue"].trigger()
    assert main_window.current_area() == "Awards" and switch.isChecked()
    assert page.model.rowCount() == len(overdue)


def test_record_signature_and_a_payment_by_clicking(qtbot, main_window, demo_db):
    award_id = award_in_state(demo_db, "awarded")
    screen = open_screen(qtbot, main_window, award_id)
    assert screen.heading.text().startswith("USRG-AW-")

    qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    day = dialog.findChild(QDateEdit, "day")
    assert day.date() == QDate(2026, 11, 25) and day.maximumDate() == QDate(2026, 11, 25)
    day.setDate(QDate(2026, 11, 22))
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert screen.detail.state == "active"
    assert screen.detail.agreement_signed_on == date(2026, 11, 22)

    screen.tranches.selectRow(0)
    qtbot.mouseClick(screen.pay_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    # No reference: the sentence shows in the dialog, which stays open, and nothing is written.
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert dialog.error.text().startswith("Give the payment reference for Tranche 1")
    with demo_db.unit_of_work() as s:
        assert (
            s.scalars(
                select(Tranche.paid_on).where(Tranche.award_id == award_id, Tranche.position == 1)
            ).one()
            is None
        )
    qtbot.keyClicks(dialog.findChild(QLineEdit, "reference"), "EFT 2026/1187")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert screen.tranches.item(0, 4).text() == TODAY.isoformat()
    assert screen.tranches.item(0, 5).text() == "paid"
    with demo_db.unit_of_work() as s:
        paid = s.scalars(
            select(Tranche).where(Tranche.award_id == award_id, Tranche.position == 1)
        ).one()
        assert paid.paid_on == TODAY and paid.paid_cents == paid.amount_cents
        detail = s.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "pay_tranche")
        ).one()
        assert "reference EFT 2026/1187" in detail
    # The Awards list was reloaded: the payment shows in "Paid so far".
    page = awards_page(main_window)
    row = page.model.row_of_id(award_id)
    keys = [c.key for c in page.model.columns]
    assert page.model.row_values(row)[keys.index("paid")] == paid.amount_cents
    # Once paid, the schedule is fixed.
    assert not screen.schedule_button.isEnabled()


def test_schedule_that_does_not_add_up_shows_the_sentence_and_writes_nothing(
    qtbot, main_window, demo_db
):
    award_id = award_in_state(demo_db, "awarded")
    screen = open_screen(qtbot, main_window, award_id)
    with demo_db.unit_of_work() as s:
        before = [(t.amount_cents, t.due_on) for t in at._tranches(s, award_id)]
        events = len(s.scalars(select(AuditEvent.id)).all())
    qtbot.mouseClick(screen.schedule_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert dialog.total.text().startswith("Adds up to R ")
    first = dialog.share_edits()[0]
    first.clear()
    qtbot.keyClicks(first, "45 %")
    assert dialog.total.text() == "The tranches add up to 95 %, 5 % short of the whole award."
    assert not dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    # An amount beside percents: the difference is named in rand.
    first.clear()
    qtbot.keyClicks(first, "R 1 000,00")
    assert "short of the award of" in dialog.total.text()
    with demo_db.unit_of_work() as s:
        assert [(t.amount_cents, t.due_on) for t in at._tranches(s, award_id)] == before
        assert len(s.scalars(select(AuditEvent.id)).all()) == events
    # Two equal halves: accepted, written, shown.
    qtbot.mouseClick(dialog.grid.itemAtPosition(3, 3).widget(), Qt.MouseButton.LeftButton)
    for edit in dialog.share_edits():
        edit.clear()
        qtbot.keyClicks(edit, "50 %")
    assert dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert screen.tranches.rowCount() == 2
    with demo_db.unit_of_work() as s:
        amounts = [t.amount_cents for t in at._tranches(s, award_id)]
        award = s.get(Award, award_id)
        assert sum(amounts) == award.amount_cents and len(amounts) == 2


def test_cancel_report_and_close_a_grant_by_clicking(qtbot, main_window, demo_db):
    award_id = award_in_state(demo_db, "active")
    screen = open_screen(qtbot, main_window, award_id)
    # Settle everything the way the secretariat would: reports in and accepted, tranches
    # paid or cancelled with a reason.
    for row, report in enumerate(screen.detail.milestones):
        screen.reports.selectRow(row)
        if report.received_on is None:
            qtbot.mouseClick(screen.received_button, Qt.MouseButton.LeftButton)
            click_ok(qtbot, screen.dialog)
        if screen.detail.milestones[row].accepted_on is None:
            qtbot.mouseClick(screen.accept_button, Qt.MouseButton.LeftButton)
            click_ok(qtbot, screen.dialog)
    for row, tranche in enumerate(screen.detail.tranches):
        if tranche.status in ("due", "overdue"):
            screen.tranches.selectRow(row)
            qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
            click_ok(qtbot, screen.dialog)
            assert screen.dialog.error.text().startswith("Give a reason to cancel")
            qtbot.keyClicks(
                screen.dialog.findChild(QPlainTextEdit, "reason"), "Project ended early"
            )
            click_ok(qtbot, screen.dialog)
    assert screen.close_button.isEnabled()
    asked = answer_modal("Close grant")
    qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    assert asked and "Close USRG-AW-" in asked[0]
    assert screen.detail.state == "closed" and screen.detail.closed_on == TODAY
    with demo_db.unit_of_work() as s:
        assert all(
            m.accepted_on
            for m in s.scalars(select(Milestone).where(Milestone.award_id == award_id))
        )
    assert not screen.pay_button.isEnabled() and not screen.close_button.isEnabled()


def test_open_application_from_the_award(qtbot, main_window, demo_db):
    pytest.importorskip("usrg_desktop.views.applications_view")
    award_id = award_in_state(demo_db, "active")
    screen = open_screen(qtbot, main_window, award_id)
    qtbot.mouseClick(screen.application_button, Qt.MouseButton.LeftButton)
    assert ("application", screen.detail.application_id) in main_window.open_windows()


def test_schedule_in_rand_is_edited_as_rand(qtbot, main_window, demo_db):
    award_id = award_in_state(demo_db, "awarded")
    with demo_db.unit_of_work() as s:
        amount = s.get(Award, award_id).amount_cents
        # Due dates are working days (the letter promises them).
        awarded_on = next_working_day(s.get(Award, award_id).awarded_on)
        third = amount // 3
        rows = [
            ("signature", third, awarded_on),
            ("other", third, awarded_on),
            ("final report", amount - 2 * third, awarded_on),
        ]
        at.set_tranche_schedule(
            s, award_id=award_id, tranches=rows, actor=main_window.actor, now=utc_now()
        )
    screen = open_screen(qtbot, main_window, award_id)
    qtbot.mouseClick(screen.schedule_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    from usrg_desktop.money import format_zar

    assert [e.text() for e in dialog.share_edits()] == [
        format_zar(third),
        format_zar(third),
        format_zar(amount - 2 * third),
    ]
    assert dialog.ok_button.isEnabled() and dialog.total.text().startswith("Adds up to")


def test_agreement_signed_on_the_application_leads_to_the_award_s_form(qtbot, main_window, demo_db):
    """No dead end: the application's "Agreement signed" asks for the day on the award."""
    from usrg_desktop.views.applications_view import open_application

    award_id = award_in_state(demo_db, "awarded")
    (app_id,) = demo_db.rows("SELECT application_id FROM awards WHERE id = :i", {"i": award_id})[0]
    screen = open_application(main_window, app_id)
    qtbot.waitExposed(screen)
    assert "sign_agreement" in {o.action for o in screen.options}
    dialog = screen.move("sign_agreement")
    award_screen = main_window.open_windows()[("award", award_id)]
    assert dialog is award_screen.dialog and dialog.isVisible()
    dialog.findChild(QDateEdit, "day").setDate(QDate(2026, 11, 23))
    click_ok(qtbot, dialog)
    assert award_screen.detail.state == "active"
    qtbot.waitUntil(lambda: "active" in screen.facts_label.text())


def test_a_tranche_not_yet_payable_says_why_before_any_form(qtbot, main_window, demo_db):
    award_id = award_in_state(demo_db, "awarded")  # the agreement is not signed yet
    screen = open_screen(qtbot, main_window, award_id)
    screen.tranches.selectRow(0)
    assert not screen.pay_button.isEnabled()
    assert screen.pay_button.toolTip().endswith("is paid once the grant agreement is signed.")
    assert screen.cancel_button.isEnabled()  # cancelling it stays possible
