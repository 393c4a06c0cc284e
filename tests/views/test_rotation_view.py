"""The Rotation area: chart, proposals, and accepting, editing and rejecting by clicking."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from tests.views.conftest import answer_modal
from usrg_desktop.views.rotation_view import HostingChart, RotationPanel
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.meetings.rotation import Quarter

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def rotation(qtbot, main_window, demo_db) -> RotationPanel:
    """The Rotation area shown, signed in as the demo's coordinator."""
    ((user_id, name),) = demo_db.rows(
        "SELECT id, display_name FROM users WHERE role = 'coordinator'"
    )
    main_window.actor = Actor(user_id, name, "coordinator")
    page = main_window.show_page("Rotation", 0)
    panel = page.rotation_panel
    assert panel.isVisible()
    return panel


def meetings_shown(window) -> list[tuple]:
    page = window.show_page("Meetings", 0)
    return [tuple(r) for r in page.model.visible_rows()]


def test_the_chart_counts_hosting_per_city_by_official_name(rotation, demo_db):
    chart = rotation.findChild(HostingChart)
    names = {row.name for row in chart.rows}
    assert "eThekwini Metropolitan Municipality" in names
    assert "Msunduzi Local Municipality" in names
    held = demo_db.rows("SELECT COUNT(*) FROM meetings WHERE status = 'held'")[0][0]
    planned = demo_db.rows("SELECT COUNT(*) FROM meetings WHERE status = 'planned'")[0][0]
    assert sum(r.held for r in chart.rows) == held
    assert sum(r.planned for r in chart.rows) == planned
    image = chart.grab().toImage()
    assert image.width() > 200 and image.height() >= chart.sizeHint().height() - 1


def test_proposals_follow_the_spin_box_and_show_the_reason(qtbot, rotation):
    assert rotation.table.rowCount() == 8
    assert rotation.proposals[0].quarter == Quarter(2027, 1)
    rotation.quarters.setValue(12)
    assert rotation.table.rowCount() == 12
    current = rotation.current_proposal()
    assert not current.planned  # the first open proposal is selected, not a planned quarter
    assert rotation.reason.text() == current.reason
    rotation.table.setCurrentCell(0, 0)
    assert rotation.proposals[0].planned and not rotation.accept_button.isEnabled()
    assert "(planned)" in rotation.table.item(0, 1).text()


def test_accepting_a_proposal_by_clicking_puts_it_in_the_meetings_list(
    qtbot, rotation, main_window, demo_db
):
    proposal = rotation.current_proposal()
    assert proposal.quarter == Quarter(2028, 1) and proposal.host == "City of Johannesburg"
    before = len(meetings_shown(main_window))
    main_window.show_page("Rotation", 0)
    asked = answer_modal("Plan the meeting")
    qtbot.mouseClick(rotation.accept_button, LEFT)
    assert asked and asked[0].startswith("Plan 2028 Q1's meeting in City of Johannesburg on ")
    rows = meetings_shown(main_window)
    assert len(rows) == before + 1
    number = demo_db.rows("SELECT MAX(number) FROM meetings")[0][0]
    assert (
        number,
        "2028 Q1",
        "City of Johannesburg",
        proposal.starts_on.isoformat(),
        proposal.ends_on.isoformat(),
        "",
        "planned",
    ) in rows
    assert demo_db.rows(
        "SELECT action, actor_name FROM audit_events WHERE entity = 'meeting' "
        "ORDER BY id DESC LIMIT 1"
    ) == [("accept_proposal", "Anél Coetzée")]
    # The quarter accepted stays selected, shown as planned, and Accept is off: a second
    # click accepts nothing. The ledger shows the city's next hosting.
    assert rotation.current_proposal().quarter == Quarter(2028, 1)
    assert rotation.current_proposal().planned
    assert not rotation.accept_button.isEnabled()
    qtbot.mouseClick(rotation.accept_button, LEFT)
    assert len(meetings_shown(main_window)) == before + 1
    ledger = main_window.pages("Rotation")[0]
    at = ledger.model.columns.index(next(c for c in ledger.model.columns if c.key == "city"))
    johannesburg = next(r for r in ledger.model.visible_rows() if r[at] == "City of Johannesburg")
    assert johannesburg[4] == "2028 Q1"


def test_editing_with_a_holiday_shows_the_sentence_and_writes_nothing(qtbot, rotation, demo_db):
    assert rotation.select_quarter(Quarter(2028, 2))
    count = demo_db.rows("SELECT COUNT(*) FROM meetings")[0][0]
    qtbot.mouseClick(rotation.edit_button, LEFT)
    dialog = rotation.dialog
    assert dialog.isVisible()
    assert not dialog.errors["starts_on"].isVisible()  # the proposal itself keeps the rules
    dialog.day1.setDate(QDate(2028, 4, 27))  # Freedom Day, a Thursday
    assert dialog.day2.date() == QDate(2028, 4, 28)  # day 2 follows day 1
    assert dialog.errors["starts_on"].isVisible()
    assert dialog.errors["starts_on"].text() == (
        "Day 1 cannot be used: Thu 27 Apr 2028 is Freedom Day."
    )
    qtbot.keyClicks(dialog.reason, "The host's council sits that week.")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible()
    assert dialog.errors["starts_on"].text().endswith("is Freedom Day.")
    assert demo_db.rows("SELECT COUNT(*) FROM meetings")[0][0] == count
    # A free Tuesday and another host: saved, with the reason in the audit log.
    dialog.day1.setDate(QDate(2028, 5, 16))
    dialog.host.setCurrentIndex(dialog.host.findText("Buffalo City"))
    assert not any(label.isVisible() for label in dialog.errors.values())
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    assert demo_db.rows(
        "SELECT c.short_name, m.starts_on, m.ends_on FROM meetings m "
        "JOIN cities c ON c.id = m.host_city_id WHERE m.year = 2028 AND m.quarter = 2"
    ) == [("Buffalo City", "2028-05-16", "2028-05-17")]
    assert demo_db.rows(
        "SELECT reason FROM audit_events WHERE action = 'accept_edited_proposal'"
    ) == [("The host's council sits that week.",)]


def test_editing_without_a_reason_is_refused_next_to_the_field(qtbot, rotation, demo_db):
    count = demo_db.rows("SELECT COUNT(*) FROM meetings")[0][0]
    qtbot.mouseClick(rotation.edit_button, LEFT)
    dialog = rotation.dialog
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible()
    assert dialog.errors["reason"].isVisible()
    assert dialog.errors["reason"].text() == "Say why the proposal was changed."
    assert demo_db.rows("SELECT COUNT(*) FROM meetings")[0][0] == count
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), LEFT)
    assert not dialog.isVisible()


def test_rejecting_a_proposal_proposes_another_city(qtbot, rotation, demo_db):
    proposal = rotation.current_proposal()
    rejected = proposal.host
    qtbot.mouseClick(rotation.reject_button, LEFT)
    dialog = rotation.dialog
    qtbot.mouseClick(dialog.ok_button, LEFT)  # no reason yet
    assert dialog.isVisible() and dialog.error.isVisible()
    assert (
        dialog.error.text() == f"Give a reason to reject the proposal for {proposal.quarter.label}."
    )
    assert demo_db.rows("SELECT COUNT(*) FROM audit_events WHERE action = 'reject_proposal'") == [
        (0,)
    ]
    qtbot.keyClicks(dialog.reason, "The mayoral committee has its strategic session then.")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible()
    assert rotation.select_quarter(proposal.quarter)
    again = rotation.current_proposal()
    assert again.host != rejected
    assert f"{rejected} is unavailable" in again.reason and "keeps its turn" in again.reason
    ((first, last, reason),) = demo_db.rows(
        "SELECT u.starts_on, u.ends_on, u.reason FROM host_unavailability u "
        "JOIN cities c ON c.id = u.city_id WHERE c.short_name = :n",
        {"n": rejected},
    )
    assert (first, last) == (
        proposal.quarter.first_day.isoformat(),
        proposal.quarter.last_day.isoformat(),
    )
    assert reason.endswith("The mayoral committee has its strategic session then.")
    assert date.fromisoformat(first) == date(2028, 1, 1)


def test_the_proposals_shown_export_with_their_reasons(rotation, tmp_path):
    import csv

    rotation.quarters.setValue(5)
    written = rotation.export_proposals(tmp_path / "proposals.csv")
    with written.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 5
    assert [row[0] for row in rows[1:]] == [str(p.quarter) for p in rotation.proposals]
    last = rotation.proposals[-1]
    assert rows[-1][1] == last.host_official_name and rows[-1][-1] == last.reason
    said = answer_modal("OK")
    assert rotation.export_proposals(tmp_path / "proposals.txt") is None
    assert said and said[0].startswith(f"The proposals could not be saved to {tmp_path}")
    assert not (tmp_path / "proposals.txt").exists()
