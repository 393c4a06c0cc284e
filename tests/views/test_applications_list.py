"""The applications list as a secretariat member filters it: by round, state and applicant,
with the text filter, and the table model's exact column filters; filters survive a reload."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.views.test_applications_view import applications_page, open_round, user, window
from usrg_desktop.domain.directory import City
from usrg_desktop.domain.grants import Round
from usrg_desktop.workflows.grants import applications as wf

__all__ = ["open_round", "window"]  # the fixtures the tests below build on


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
