"""The list queries: one Listing per list, typed by column kind, the same on both back ends."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from usrg_desktop.workflows import Listing
from usrg_desktop.workflows.awards import listings as awards
from usrg_desktop.workflows.directory import listings as directory
from usrg_desktop.workflows.grants import listings as grants
from usrg_desktop.workflows.meetings import listings as meetings
from usrg_desktop.workflows.reviews import listings as reviews_lists
from usrg_desktop.workflows.system import administration
from usrg_desktop.workflows.system.dates import iso_date, quarter_label, sast_minutes
from usrg_desktop.workflows.system.export import write_csv, write_listing_file, write_xlsx

LISTS = {
    "applications": grants.application_listing,
    "rounds": grants.round_listing,
    "reviewers": reviews_lists.reviewer_listing,
    "assignments": reviews_lists.assignment_listing,
    "awards": lambda db: awards.award_listing(db, today=TODAY),
    "meetings": meetings.meeting_listing,
    "action_items": meetings.action_item_listing,
    "hosting_ledger": meetings.hosting_ledger_listing,
    "people": directory.people_listing,
    "cities": directory.city_listing,
    "bodies": directory.body_listing,
    "users": administration.user_listing,
    "audit": administration.audit_listing,
}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MINUTES = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def _check_kinds(listing: Listing) -> None:
    for row in listing.rows:
        assert len(row) == len(listing.columns), listing.title
        for column, value in zip(listing.columns, row, strict=True):
            if value is None:
                continue
            kind = column.kind
            where = f"{listing.title}.{column.key} = {value!r}"
            if kind == "money" or kind == "int":
                assert type(value) is int, where
            elif kind == "date":
                assert isinstance(value, str) and ISO_DATE.match(value), where
            elif kind == "datetime":
                assert isinstance(value, str) and ISO_MINUTES.match(value), where
            elif kind == "bool":
                assert type(value) is bool, where
            elif kind == "score":
                assert type(value) is float and 0 <= value <= 100, where
            else:
                assert kind == "text" and isinstance(value, str), where


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_has_rows_of_its_column_kinds(demo_db, name):
    listing = LISTS[name](demo_db)
    assert listing.title
    assert listing.rows, f"the {name} list of the demo database is empty"
    keys = listing.keys()
    assert all(SNAKE.match(key) for key in keys)
    assert len(set(keys)) == len(listing.columns)
    _check_kinds(listing)


def test_both_back_ends_give_identical_listings(demo_db, any_demo_db):
    # On the sqlite parameter this compares a database with itself; on postgresql it is the
    # real check: same demo data, same rows, same order, same types.
    for name, query in LISTS.items():
        expected, found = query(demo_db), query(any_demo_db)
        assert found.columns == expected.columns, name
        assert found.rows == expected.rows, name


@pytest.mark.parametrize("name", ["cities", "bodies", "hosting_ledger"])
def test_reference_lists_are_filled_in_a_new_database(any_db, name):
    listing = LISTS[name](any_db)
    assert listing.rows
    _check_kinds(listing)


@pytest.mark.parametrize("name", ["applications", "assignments", "awards", "audit", "meetings"])
def test_lists_of_a_new_database_are_empty_not_broken(any_db, name):
    assert LISTS[name](any_db).rows == []


def test_application_score_is_the_weighted_mean_of_scored_reviews(any_demo_db):
    db = any_demo_db
    points: dict[int, float] = {}
    owner: dict[int, str] = {}
    for assignment_id, reference, weight, low, high, score in db.rows(
        """
        SELECT a.id, app.reference, c.weight_percent, c.scale_min, c.scale_max, s.score
        FROM assignments a
        JOIN applications app ON app.id = a.application_id
        JOIN scores s ON s.assignment_id = a.id
        JOIN criteria c ON c.id = s.criterion_id
        WHERE a.status = 'scored'
        """
    ):
        points[assignment_id] = points.get(assignment_id, 0.0) + weight * (score - low) / (
            high - low
        )
        owner[assignment_id] = reference
    per_application: dict[str, list[float]] = {}
    for assignment_id, total in points.items():
        per_application.setdefault(owner[assignment_id], []).append(total)
    expected = {ref: sum(v) / len(v) for ref, v in per_application.items()}

    listing = grants.application_listing(db)
    score_at = listing.keys().index("score")
    shown = {row[0]: row[score_at] for row in listing.rows}
    assert expected, "the demo has no scored reviews"
    for reference, value in shown.items():
        if reference in expected:
            assert value == pytest.approx(expected[reference], abs=1e-6)
        else:
            assert value is None, f"{reference} has no scored review but a score"


def test_application_listing_names_applicant_round_and_request(demo_db):
    listing = grants.application_listing(demo_db)
    keys = listing.keys()
    assert keys == [
        "reference",
        "title",
        "applicant",
        "round",
        "state",
        "requested",
        "score",
        "last_change",
    ]
    (count,) = demo_db.rows("SELECT COUNT(*) FROM applications")[0]
    assert len(listing.rows) == count
    applicants = {r[0] for r in demo_db.rows("SELECT short_name FROM cities")} | {
        r[0] for r in demo_db.rows("SELECT short_name FROM bodies")
    }
    rounds = {r[0] for r in demo_db.rows("SELECT name FROM rounds")}
    for row in listing.rows:
        assert row[2] in applicants and row[3] in rounds
    changes = [row[7] for row in listing.rows]
    assert changes == sorted(changes, reverse=True), "newest change first"


def test_award_overdue_follows_the_day_given(demo_db):
    keys = awards.AWARD_COLUMNS
    at = {c.key: n for n, c in enumerate(keys)}
    long_ago = awards.award_listing(demo_db, today=date(2000, 1, 1))
    assert not any(row[at["overdue"]] for row in long_ago.rows)
    now = awards.award_listing(demo_db, today=TODAY)
    for row in now.rows:
        dues = [d for d in (row[at["next_tranche_due"]], row[at["next_report_due"]]) if d]
        assert row[at["overdue"]] == any(d < TODAY.isoformat() for d in dues)
        assert 0 <= row[at["paid"]] <= row[at["amount"]]


def test_audit_listing_is_newest_first_and_limited(demo_db):
    full = administration.audit_listing(demo_db)
    assert len(full.rows) <= administration.AUDIT_LIMIT
    stamps = [row[0] for row in full.rows]
    assert stamps == sorted(stamps, reverse=True)
    assert administration.audit_listing(demo_db, limit=3).rows == full.rows[:3]


def test_hosting_ledger_has_every_active_city_longest_without_hosting_first(demo_db):
    ledger = meetings.hosting_ledger_listing(demo_db)
    active = {
        r[0] for r in demo_db.rows("SELECT short_name FROM cities WHERE active = :t", {"t": True})
    }
    assert {row[0] for row in ledger.rows} == active
    at = {c.key: n for n, c in enumerate(ledger.columns)}
    last = [row[at["last_hosted"]] or "" for row in ledger.rows]
    assert last == sorted(last)
    (held,) = demo_db.rows("SELECT COUNT(*) FROM meetings WHERE status = 'held'")[0]
    assert sum(row[at["times_hosted"]] for row in ledger.rows) <= held


def test_meeting_quarters_read_like_2027_q1(demo_db):
    listing = meetings.meeting_listing(demo_db)
    at = listing.keys().index("quarter")
    assert all(re.match(r"^\d{4} Q[1-4]$", row[at]) for row in listing.rows)


def test_lists_do_not_import_qt_or_sqlalchemy():
    modules = "grants, reviews, awards, meetings, directory, administration, export"
    code = (
        "import sys\n"
        f"from usrg_desktop.workflows import {modules}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-11-25 10:15:00.000000", "2026-11-25 12:15"),
        ("2026-11-25 10:15:59", "2026-11-25 12:15"),
        ("2026-12-31 22:30:00.000000", "2027-01-01 00:30"),
        ("2026-11-25T10:15:00+00:00", "2026-11-25 12:15"),
        (datetime(2026, 12, 31, 23, 5, tzinfo=UTC), "2027-01-01 01:05"),
        (datetime(2026, 11, 25, 5, 0, tzinfo=timezone(timedelta(hours=-5))), "2026-11-25 12:00"),
        (None, None),
    ],
)
def test_utc_timestamps_are_shown_in_south_african_time(stored, shown):
    assert sast_minutes(stored) == shown


def test_dates_and_quarters_as_text():
    assert iso_date(date(2027, 2, 3)) == iso_date("2027-02-03") == "2027-02-03"
    assert iso_date(None) is None
    assert quarter_label(2027, 1) == "2027 Q1"


# -- export --------------------------------------------------------------------------------------
def test_export_writes_what_it_is_given_as_csv_and_xlsx(demo_db, tmp_path):
    from openpyxl import load_workbook

    listing = grants.application_listing(demo_db)
    rows = listing.rows[::-1][:10]
    assert write_csv(tmp_path / "a.csv", listing.columns, rows) == len(rows)
    with open(tmp_path / "a.csv", newline="", encoding="utf-8-sig") as handle:
        read = list(csv.reader(handle))
    assert read[0] == [c.label for c in listing.columns]
    requested = listing.keys().index("requested")
    assert [r[0] for r in read[1:]] == [(r[0] or "") for r in rows]
    assert [Decimal(r[requested]) for r in read[1:]] == [Decimal(r[requested]) / 100 for r in rows]

    assert write_xlsx(tmp_path / "a.xlsx", listing.columns, rows, title="Applications") == 10
    sheet = load_workbook(tmp_path / "a.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [c.label for c in listing.columns]
    for got, row in zip(values[1:], rows, strict=True):
        assert got[0] == row[0]
        assert isinstance(got[requested], int | float)
        assert Decimal(str(got[requested])) == Decimal(row[requested]) / 100


def test_export_refuses_an_unknown_file_type(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        write_listing_file(tmp_path / "list.pdf", [], [])
