"""ListingTableModel: display by column kind, sorting with empty values last, filtering, speed."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from usrg_desktop.views.table_model import ListingTableModel, display_text
from usrg_desktop.workflows import Column, Listing

COLUMNS = [
    Column("reference", "Reference"),
    Column("requested", "Requested", "money"),
    Column("score", "Score", "score"),
    Column("due_on", "Due", "date"),
    Column("changed", "Changed", "datetime"),
    Column("reviews", "Reviews", "int"),
    Column("overdue", "Overdue", "bool"),
]
ROWS = [
    ("USRG-IF-2026-1-001", 125_000_000, 72.25, "2027-01-15", "2026-11-25 12:15", 3, True),
    ("usrg-if-2026-1-002", 5_050, None, None, "2026-11-24 08:00", 0, False),
    ("USRG-IF-2026-1-003", 99_999_999, 40.0, "2026-12-01", None, 2, False),
    (None, 1_000_000, 72.25, "2026-12-01", "2026-11-20 09:30", 3, None),
]


@pytest.fixture
def model(qapp):
    m = ListingTableModel()
    m.set_listing(Listing("Applications", COLUMNS, list(ROWS)))
    return m


def _column(model, col):
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_cells_are_shown_by_column_kind(model):
    assert model.rowCount() == 4 and model.columnCount() == 7
    first = [model.data(model.index(0, c)) for c in range(7)]
    assert first == [
        "USRG-IF-2026-1-001",
        "R 1 250 000,00",
        "72.2",  # one decimal, rounding half to even
        "2027-01-15",
        "2026-11-25 12:15",
        "3",
        "Yes",
    ]
    assert [model.data(model.index(1, c)) for c in (2, 3, 6)] == ["", "", "No"]
    assert model.data(model.index(3, 0)) == ""
    assert model.data(model.index(0, 1), Qt.ItemDataRole.UserRole) == 125_000_000
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Requested"
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


@pytest.mark.parametrize("col", range(len(COLUMNS)))
def test_sorting_puts_empty_values_last_both_ways(model, col):
    model.sort(col, Qt.SortOrder.AscendingOrder)
    up = [row[col] for row in model.visible_rows()]
    present = [v for v in up if v is not None]
    assert up == present + [None] * (len(up) - len(present))
    model.sort(col, Qt.SortOrder.DescendingOrder)
    down = [row[col] for row in model.visible_rows()]
    assert down[: len(present)] == sorted(present, reverse=True, key=_key(COLUMNS[col]))
    assert all(v is None for v in down[len(present) :])


def _key(column):
    return (lambda v: v.casefold()) if column.kind == "text" else (lambda v: v)


def test_text_sorts_ignoring_case_and_minus_one_restores_the_listing_order(model):
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert _column(model, 0) == [
        "USRG-IF-2026-1-001",
        "usrg-if-2026-1-002",
        "USRG-IF-2026-1-003",
        "",
    ]
    model.sort(-1)
    assert model.visible_rows() == ROWS


def test_sorting_is_stable_so_earlier_sorts_break_ties(model):
    model.sort(1, Qt.SortOrder.DescendingOrder)  # requested, high to low
    model.sort(2, Qt.SortOrder.DescendingOrder)  # score: the two 72.25 keep requested order
    assert [row[1] for row in model.visible_rows()[:2]] == [125_000_000, 1_000_000]


def test_filter_is_a_case_insensitive_substring_of_any_shown_column(model):
    model.set_filter_text("IF-2026-1-00")
    assert model.rowCount() == 3
    model.set_filter_text("r 1 250 000")  # money as shown
    assert [r[0] for r in model.visible_rows()] == ["USRG-IF-2026-1-001"]
    model.set_filter_text("2026-12-01")
    assert model.rowCount() == 2
    model.set_filter_text("yes")
    assert model.rowCount() == 1
    model.set_filter_text("nothing like this")
    assert model.rowCount() == 0 and model.visible_rows() == []
    model.set_filter_text("")
    assert model.rowCount() == 4 and model.total_row_count() == 4


def test_filter_keeps_the_sort_and_a_new_listing_keeps_both(model):
    model.sort(1, Qt.SortOrder.AscendingOrder)
    model.set_filter_text("usrg")
    assert [r[1] for r in model.visible_rows()] == [5_050, 99_999_999, 125_000_000]
    model.set_listing(Listing("Applications", COLUMNS, list(reversed(ROWS))))
    assert [r[1] for r in model.visible_rows()] == [5_050, 99_999_999, 125_000_000]
    assert model.sort_column == 1 and model.filter_text == "usrg"


def test_a_selection_follows_its_row_when_sorted(model):
    selection = QItemSelectionModel(model)
    selection.select(
        model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    model.sort(1, Qt.SortOrder.AscendingOrder)
    rows = {i.row() for i in selection.selectedIndexes()}
    assert [model.row_values(r)[0] for r in rows] == ["USRG-IF-2026-1-001"]


def test_twenty_thousand_rows_sort_and_filter_like_python_does(qapp):
    """A large listing sorts and filters exactly as Python's sorted() and `in` would.

    How fast is measured in bench/ (sort and filter of the large demo), never in a test.
    """
    rnd = random.Random(7)
    words = ["safer", "streets", "lighting", "youth", "parks", "transport", "women", "schools"]
    rows = [
        (
            f"USRG-IF-2026-1-{n:05d}",
            " ".join(rnd.sample(words, 3)),
            rnd.choice(["City of Cape Town", "eThekwini", "SALGA", "Msunduzi"]),
            rnd.randint(10_000, 150_000_000),
            None if n % 7 == 0 else rnd.random() * 100,
            f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d} 10:00",
        )
        for n in range(20_000)
    ]
    columns = [
        Column("reference", "Reference"),
        Column("title", "Title"),
        Column("applicant", "Applicant"),
        Column("requested", "Requested", "money"),
        Column("score", "Score", "score"),
        Column("last_change", "Last change", "datetime"),
    ]
    model = ListingTableModel()
    model.set_listing(Listing("Applications", columns, rows))

    for col in (3, 4):
        model.sort(col, Qt.SortOrder.DescendingOrder)
        shown = [row[col] for row in model.visible_rows()]
        present = [v for v in shown if v is not None]
        assert present == sorted(present, reverse=True)
        assert shown[len(present) :] == [None] * (len(shown) - len(present))  # empty last
    model.sort(1, Qt.SortOrder.AscendingOrder)
    titles = [row[1] for row in model.visible_rows()]
    assert titles == sorted(titles, key=str.casefold)
    for text in ("y", "youth", "youth parks", "msunduzi"):
        model.set_filter_text(text)
        expected = sum(
            text
            in "\x1f".join(display_text(c, v) for c, v in zip(columns, row, strict=True)).casefold()
            for row in rows
        )
        assert model.rowCount() == expected
    model.set_filter_text("")
    assert model.rowCount() == 20_000
