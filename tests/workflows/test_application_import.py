"""Importing applications from CSV and XLSX: every bad row reported, a sheet imported whole."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from usrg_desktop.domain.directory import City
from usrg_desktop.workflows import Actor, PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants import application_import as imp
from usrg_desktop.workflows.grants import rounds

NOW = datetime(2026, 11, 25, 8, 0)
STAFF = Actor(None, "Nomsa Dlamini", "secretariat")
ROUND = "Innovation Fund 2027 Round 1"
HEADINGS = [
    "Round",
    "Applicant",
    "Title",
    "Summary",
    "Problem",
    "Intervention",
    "Requested",
    "Start",
    "End",
    "Contact name",
    "Contact email",
    "Budget",
]


def row(**changes) -> list:
    values = {
        "Round": ROUND,
        "Applicant": "eThekwini",
        "Title": "Safer taxi ranks",
        "Summary": "Marshals and lighting at three ranks.",
        "Problem": "Robberies at dusk.",
        "Intervention": "Rank marshals, lights and a help desk.",
        "Requested": "R 250 000,00",
        "Start": "2027-04-01",
        "End": "2028-03-31",
        "Contact name": "Ṱhalitshani Nemaṱhaṋi",
        "Contact email": "t.nemathani@durban.gov.za",
        "Budget": "Marshals: 150000; Lighting: R 100 000,00",
    }
    values.update(changes)
    return [values[h] for h in HEADINGS]


GOOD_ROWS = [
    row(),
    row(
        Applicant="SALGA",
        Title="Municipal safety audits toolkit",
        Requested="180000",
        Budget="Toolkit: 120000; Workshops: 60000",
        **{"Contact email": "safety@salga.org.za", "Contact name": "Lindiwe Mokoena"},
    ),
    row(
        Applicant="KZN225",
        Title="Youth sport after dark",
        Requested="99 999,99",
        Budget="",
        **{"Contact email": "sport@msunduzi.gov.za", "Contact name": "Sipho Ndlovu"},
    ),
]


def write_csv(path: Path, rows: list[list], headings=HEADINGS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], headings=HEADINGS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def open_round(db, *, admit=("SALGA",)) -> int:
    with db.unit_of_work() as s:
        body_ids = [bid for bid, label in rounds.body_choices(s) if label.split(" — ")[0] in admit]
        rid = rounds.create_round(
            s,
            form=rounds.RoundForm(
                name=ROUND,
                opens_on=date(2027, 2, 1),
                closes_on=date(2027, 3, 31),
                budget_cents=2_000_000_00,
                cap_cents=300_000_00,
                admitted_body_ids=body_ids,
                screening_checks=("Applicant eligible",),
            ),
            actor=STAFF,
            now=NOW,
        )
        rounds.open_round(s, round_id=rid, actor=STAFF, now=NOW)
    return rid


def table_counts(db) -> dict[str, int]:
    return {
        t: db.rows(f"SELECT COUNT(*) FROM {t}")[0][0]
        for t in ("applications", "budget_lines", "people", "audit_events")
    }


def run(db, path, dry_run):
    with db.unit_of_work() as s:
        return imp.import_applications(s, path, actor=STAFF, now=NOW, dry_run=dry_run)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_good_sheet_imports_every_row_submitted_with_references(any_db, tmp_path, writer):
    rid = open_round(any_db)
    path = writer(tmp_path / f"online-form.{'csv' if writer is write_csv else 'xlsx'}", GOOD_ROWS)
    before = table_counts(any_db)
    dry = run(any_db, path, True)
    assert dry.ok and (dry.rows, dry.submitted, dry.drafts) == (3, 2, 1)
    assert table_counts(any_db) == before  # the dry run wrote nothing
    report = run(any_db, path, False)
    assert report.references == ["USRG-IF-2027-1-001", "USRG-IF-2027-1-002"]
    summary = f"{path.name}: imported 2 submitted applications and 1 as a draft."
    assert report.summary() == summary
    rows = any_db.rows(
        "SELECT a.reference, a.state, a.requested_cents, a.applicant_city_id, "
        "a.applicant_body_id, p.email, p.consent_basis, a.starts_on "
        "FROM applications a JOIN people p ON p.id = a.contact_person_id "
        "WHERE a.round_id = :r ORDER BY a.id",
        {"r": rid},
    )
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows] == [
        ("USRG-IF-2027-1-001", "submitted", 250_000_00, "t.nemathani@durban.gov.za", "consent"),
        ("USRG-IF-2027-1-002", "submitted", 180_000_00, "safety@salga.org.za", "consent"),
        (None, "draft", 99_999_99, "sport@msunduzi.gov.za", "consent"),
    ]
    assert str(rows[0][7])[:10] == "2027-04-01"
    assert rows[1][3] is None and rows[1][4] is not None  # SALGA applies as a body
    lines = any_db.rows(
        "SELECT b.description, b.amount_cents FROM budget_lines b "
        "JOIN applications a ON a.id = b.application_id "
        "WHERE a.reference = 'USRG-IF-2027-1-001' ORDER BY b.position"
    )
    assert lines == [("Marshals", 150_000_00), ("Lighting", 100_000_00)]
    trail = any_db.rows(
        "SELECT e.action, e.from_state, e.to_state, e.detail FROM audit_events e "
        "JOIN applications a ON a.id = e.entity_id AND e.entity = 'application' "
        "WHERE a.reference = 'USRG-IF-2027-1-002' ORDER BY e.id"
    )
    assert trail == [
        ("import", None, "draft", f"imported from {path.name}, row 3"),
        ("submit", "draft", "submitted", ""),
    ]
    # The same sheet again: every row is already there, so nothing more is imported.
    again = run(any_db, path, True)
    assert again.bad_rows == [2, 3, 4]
    assert "is already in the round (USRG-IF-2027-1-001)." in str(again.problems[0])


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_dry_run_reports_every_bad_row_with_its_number_and_reason(any_db, tmp_path, writer):
    open_round(any_db)
    with any_db.unit_of_work() as s:
        s.get(City, 5).active = False  # Ekurhuleni
    bad = [
        row(),  # row 2: good
        row(Title="", Requested="lots"),  # row 3
        row(Start="2027-05-01", End="2027-04-01", Title="Backwards"),  # row 4
        row(Budget="Marshals: 150000; Lighting: 90000", Title="Short budget"),  # row 5
        row(Requested="R 300 000,01", Budget="", Title="Over the cap"),  # row 6
        row(Applicant="CSPS", Title="Not admitted"),  # row 7
        row(Applicant="Ekurhuleni", Title="Inactive city"),  # row 8
        row(Applicant="Gotham", Title="Unknown applicant"),  # row 9
        row(Round="Innovation Fund 1999", Title="No such round"),  # row 10
        row(Title="Safer taxi ranks"),  # row 11: repeats row 2
        row(**{"Contact email": "not-an-email", "Title": "Bad email"}),  # row 12
        row(Start="01/04/2027", Title="Odd date"),  # row 13
        row(Budget="Marshals 150000", Title="Bad budget"),  # row 14
        row(End="2207-03-31", Title="Year slip"),  # row 15
    ]
    suffix = "csv" if writer is write_csv else "xlsx"
    path = writer(tmp_path / f"bad.{suffix}", bad)
    before = table_counts(any_db)
    report = run(any_db, path, True)
    got = [(p.row, p.reason) for p in report.problems]
    assert got == [
        (3, "'title' is empty."),
        (3, "'requested' (lots) is not an amount in rand."),
        (4, "The end date 2027-04-01 is before the start date 2027-05-01."),
        (5, "The budget lines add up to R 240 000,00, not the R 250 000,00 requested."),
        (6, "The request of R 300 000,01 is over the round's cap of R 300 000,00."),
        (7, f"The round '{ROUND}' does not admit CSPS as an applicant."),
        (8, "Ekurhuleni is not an active member city."),
        (9, "'Gotham' is not a member city or partner body."),
        (10, "There is no round 'Innovation Fund 1999'."),
        (11, "'Safer taxi ranks' from eThekwini is already in the round (row 2 of this sheet)."),
        (12, "'not-an-email' is not an email address (name@example.org)."),
        (13, "'start' (01/04/2027) is not a date like 2027-02-01."),
        (14, "Budget line 1 ('Marshals 150000') is not written as 'description: amount'."),
        (15, "'end' (2207-03-31) cannot be a project's date: it is not between 2000 and 2099."),
    ]
    assert report.bad_rows == list(range(3, 16))
    assert report.summary() == f"bad.{suffix}: 13 of 14 rows have problems; nothing was imported."
    assert table_counts(any_db) == before
    with pytest.raises(imp.ImportRefused) as refused:
        run(any_db, path, False)
    assert refused.value.report.bad_rows == report.bad_rows
    assert str(refused.value) == report.summary()
    assert table_counts(any_db) == before  # the good row 2 was not imported either


def test_a_round_that_is_not_open_takes_no_imports(db, tmp_path):
    rid = open_round(db)
    with db.unit_of_work() as s:
        rounds.close_round(s, round_id=rid, actor=STAFF, now=NOW)
    report = run(db, write_csv(tmp_path / "late.csv", [row()]), True)
    assert [str(p) for p in report.problems] == [
        f"Row 2: The round '{ROUND}' is closed, not open for applications."
    ]


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("apps.pdf", b"%PDF-1.4", "The file apps.pdf is not a CSV or XLSX sheet."),
        ("apps.xlsx", b"not a zip at all", "The file apps.xlsx is not a readable XLSX workbook."),
        ("apps.csv", b"", "The file apps.csv is empty; its first row must name the columns."),
        (
            "apps.csv",
            b"round,applicant,title,summary,problem,intervention,requested,start,end\n",
            "The file apps.csv has no columns 'contact name', 'contact email'.",
        ),
        (
            "apps.csv",
            ",".join(HEADINGS).encode() + b"\n\n",
            "The file apps.csv has no applications below its headings.",
        ),
    ],
)
def test_a_bad_file_is_refused_with_one_sentence_naming_it(db, tmp_path, name, content, sentence):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WorkflowError) as refused:
        run(db, path, True)
    assert str(refused.value) == sentence


def test_missing_file_and_semicolon_csv_and_headings_in_any_case(db, tmp_path):
    with pytest.raises(WorkflowError, match=r"The file .*nowhere.csv does not exist."):
        run(db, tmp_path / "nowhere.csv", True)
    open_round(db)
    path = tmp_path / "excel.csv"
    headings = [h.upper().replace(" ", "_") for h in HEADINGS]
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(headings)
        writer.writerow(row(Budget="Marshals: 150000, Lighting: 100000".replace(",", ";")))
    assert run(db, path, False).references == ["USRG-IF-2027-1-001"]


def test_only_staff_import(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", [row()])
    with pytest.raises(PermissionDenied), db.unit_of_work() as s:
        imp.import_applications(
            s, path, actor=Actor(None, "Coordinator", "coordinator"), now=NOW, dry_run=True
        )


def test_xlsx_date_and_number_cells_are_read_as_dates_and_rand(db, tmp_path):
    open_round(db)
    typed = row(Start=date(2027, 4, 1), End=datetime(2028, 3, 31), Requested=250000.5)
    typed[HEADINGS.index("Budget")] = "Marshals: 150000,50; Lighting: 100000"
    whole = row(Title="Whole rand", Requested=200000, Budget="All of it: 200000")
    bad = row(Title="Fractions of a cent", Requested=1.234, Budget="")
    path = write_xlsx(tmp_path / "typed.xlsx", [typed, whole, bad])
    report = run(db, path, True)
    assert [str(p) for p in report.problems] == [
        "Row 4: 'requested' (1.234) is not an amount in rand."
    ]
    path = write_xlsx(tmp_path / "typed.xlsx", [typed, whole])
    assert run(db, path, False).references == ["USRG-IF-2027-1-001", "USRG-IF-2027-1-002"]
    assert db.rows("SELECT requested_cents, starts_on, ends_on FROM applications ORDER BY id") == [
        (250_000_50, "2027-04-01", "2028-03-31"),
        (200_000_00, "2027-04-01", "2028-03-31"),
    ]


def test_import_steps_report_progress_and_cancel_keeps_nothing(any_db, tmp_path):
    open_round(any_db)
    path = write_csv(tmp_path / "form.csv", GOOD_ROWS)
    before = table_counts(any_db)
    work = imp.import_steps(any_db, path, actor=STAFF, now=NOW)
    assert next(work) == (0, 3, "Row 2: Safer taxi ranks")
    assert next(work) == (1, 3, "Row 3: Municipal safety audits toolkit")
    work.close()  # Cancel between rows: the rows already written are rolled back
    assert table_counts(any_db) == before
    steps = []
    work = imp.import_steps(any_db, path, actor=STAFF, now=NOW)
    try:
        while True:
            steps.append(next(work))
    except StopIteration as stop:
        report = stop.value
    assert [s[:2] for s in steps] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert report.references == ["USRG-IF-2027-1-001", "USRG-IF-2027-1-002"]
    assert table_counts(any_db)["applications"] == before["applications"] + 3


def test_a_theme_column_names_one_of_the_rounds_themes(any_db, tmp_path):
    rid = open_round(any_db)
    with any_db.unit_of_work() as s:
        form = rounds.round_details(s, rid).form
        form.themes = ("Safer public spaces", "Youth and gang violence prevention")
        rounds.update_round(s, round_id=rid, form=form, actor=STAFF, now=NOW)
    headings = [*HEADINGS, "Theme"]
    bad = [
        [*row(), "safer PUBLIC spaces"],  # row 2: good, any case
        [*row(Title="Street football"), "Sport"],  # row 3
    ]
    path = write_csv(tmp_path / "themes.csv", bad, headings)
    report = run(any_db, path, True)
    assert [(p.row, p.reason) for p in report.problems] == [
        (
            3,
            f"'Sport' is not a theme of the round '{ROUND}'; its themes are "
            "'Safer public spaces', 'Youth and gang violence prevention'.",
        )
    ]
    good = write_csv(tmp_path / "good.csv", [bad[0], [*row(Title="Lights"), ""]], headings)
    run(any_db, good, False)
    themes = any_db.rows(
        "SELECT a.title, t.label FROM applications a "
        "LEFT JOIN round_themes t ON t.id = a.theme_id ORDER BY a.title"
    )
    assert themes == [("Lights", None), ("Safer taxi ranks", "Safer public spaces")]


def test_an_applicant_named_as_before_a_rename_is_found_and_a_switched_off_one_refused(
    any_db, tmp_path
):
    from usrg_desktop.workflows.directory import organisations as org

    open_round(any_db)
    with any_db.unit_of_work() as s:
        _kind, city = org.organisation_named(s, "eThekwini")
        org.rename_organisation(
            s,
            kind="city",
            org_id=city,
            official_name="eThekwini Metropolitan Municipality (renamed)",
            short_name="eThekwini Metro",
            effective_on=date(2026, 11, 1),
            actor=STAFF,
            now=NOW,
        )
        _kind, salga = org.organisation_named(s, "SALGA")
        org.set_organisation_active(
            s, kind="body", org_id=salga, active=False, actor=STAFF, now=NOW
        )
    before = table_counts(any_db)
    # The sheet names eThekwini as it was called before the rename (row 2) and the switched-off
    # SALGA (row 3): one row is refused, so nothing is written.
    path = write_csv(tmp_path / "sheet.csv", GOOD_ROWS[:2])
    with pytest.raises(imp.ImportRefused) as refused:
        run(any_db, path, False)
    got = [(p.row, p.reason) for p in refused.value.report.problems]
    assert got == [(3, "SALGA is switched off in the directory.")]
    assert table_counts(any_db) == before
    report = run(any_db, write_csv(tmp_path / "ok.csv", GOOD_ROWS[:1]), dry_run=False)
    assert not report.problems
    assert any_db.rows(
        "SELECT applicant_city_id FROM applications WHERE title = 'Safer taxi ranks'"
    ) == [(city,)]
