"""The funder's report: its figures against the database, the PDF read back with pypdf (and its
first page rendered and looked at), the XLSX read back with openpyxl, and its refusals."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.workflows.review_exchange_support import staff
from usrg_desktop.money import format_zar
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.grants.fund_report import fund_report, write_fund_report

FROM, TO, TODAY = date(2025, 1, 1), date(2026, 11, 30), date(2026, 11, 25)
APPROVED = "('approved', 'awarded', 'active', 'closed')"


def _expected(db) -> dict[str, int]:
    """The report's headline figures, counted straight from the tables."""

    def one(sql: str) -> int:
        return int(db.rows(sql)[0][0] or 0)

    return {
        "received": one("SELECT COUNT(*) FROM applications WHERE state <> 'draft'"),
        "approved": one(f"SELECT COUNT(*) FROM applications WHERE state IN {APPROVED}"),
        "committed": one("SELECT SUM(amount_cents) FROM awards"),
        "disbursed": one(
            "SELECT SUM(paid_cents) FROM tranches WHERE paid_on IS NOT NULL "
            f"AND paid_on <= '{TO.isoformat()}'"
        ),
        "overdue": one(
            "SELECT COUNT(*) FROM milestones WHERE received_on IS NULL "
            f"AND due_on < '{TODAY.isoformat()}'"
        ),
    }


def test_the_figures_are_the_databases(any_demo_db):
    db = any_demo_db
    with db.reading() as session:
        report = fund_report(session, period_from=FROM, period_to=TO, today=TODAY, actor=staff(db))
    expected = _expected(db)
    assert report.round_names == ["Innovation Fund 2025 Round 1", "Innovation Fund 2026 Round 1"]
    assert report.received == expected["received"] > 0
    assert report.approved == expected["approved"] > 0
    assert report.committed_cents == expected["committed"] > 0
    assert report.disbursed_cents == expected["disbursed"] > 0
    assert report.reports_overdue == expected["overdue"] > 0
    assert report.success_rate == round(100 * report.approved / report.received, 1)
    by_applicant = report.tables["applicants"].rows
    assert sum(r[2] for r in by_applicant) == report.received
    assert sum(r[3] for r in by_applicant) == report.approved
    assert [r[1] for r in by_applicant][0] == "Metropolitan city"
    grants = report.tables["grants"].rows
    assert len(grants) == report.approved
    assert sum(r[4] for r in grants if r[0]) == report.committed_cents


def test_one_round_named_and_a_period_before_any_payment(demo_db):
    db = demo_db
    round_id = db.rows("SELECT id FROM rounds WHERE name = 'Innovation Fund 2026 Round 1'")[0][0]
    with db.reading() as session:
        report = fund_report(
            session, period_from=FROM, period_to=TO, round_ids=[round_id], today=TODAY,
            actor=staff(db),
        )  # fmt: skip
        early = fund_report(
            session, period_from=date(2025, 1, 1), period_to=date(2025, 3, 31), today=TODAY,
            actor=staff(db),
        )  # fmt: skip
    assert report.round_names == ["Innovation Fund 2026 Round 1"]
    received = db.rows(
        "SELECT COUNT(*) FROM applications WHERE round_id = :r AND state <> 'draft'",
        {"r": round_id},
    )[0][0]
    assert report.received == received and report.committed_cents == 0
    assert early.round_names == ["Innovation Fund 2025 Round 1"]
    assert early.disbursed_cents == 0 and early.reports_due == 0


def test_the_pdf_says_the_databases_figures_on_the_letterhead(demo_db, tmp_path):
    db = demo_db
    out = tmp_path / "fund report.pdf"
    with db.reading() as session:
        report = write_fund_report(
            session, out=out, period_from=FROM, period_to=TO, today=TODAY, actor=staff(db)
        )
    expected = _expected(db)
    pdf = PdfReader(out)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    first = pdf.pages[0].extract_text()
    assert "SACN Urban Safety Reference Group" in first
    assert "report to the funder" in first and "1 January 2025 to 30 November 2026" in first
    assert format_zar(expected["committed"]) in first
    assert format_zar(expected["disbursed"]) in first
    assert f"{report.approved} ({report.success_rate:.1f} %)" in first
    for award_number, *_rest in report.tables["grants"].rows:
        assert award_number in text
    assert "What the figures mean" in text and not list(tmp_path.glob("*.part"))
    # Look at the first page as the funder gets it: the letterhead's teal and the chart's
    # three colours are there, and the page is not blank.
    page = pypdfium2.PdfDocument(str(out))[0]
    image = page.render(scale=1.5).to_pil().convert("RGB")
    image.save(tmp_path / "page-1.png")
    colours = {rgb for _n, rgb in image.getcolors(maxcolors=1 << 20)}
    for wanted in ((0x00, 0x60, 0x6B), (0xE0, 0xA0, 0x30), (0x9B, 0xB8, 0xBC)):
        assert wanted in colours, wanted


def test_the_workbook_has_a_sheet_per_table_with_numbers_kept_numbers(demo_db, tmp_path):
    db = demo_db
    app_id = db.rows("SELECT id FROM applications WHERE state = 'active' ORDER BY id")[0][0]
    with db.unit_of_work() as session:
        from usrg_desktop.domain.grants import Application

        session.get(Application, app_id).title = '=HYPERLINK("http://x","click")'
    out = tmp_path / "fund.xlsx"
    with db.reading() as session:
        report = write_fund_report(
            session, out=out, period_from=FROM, period_to=TO, today=TODAY, actor=staff(db)
        )
    book = load_workbook(out)
    assert book.sheetnames == [
        "Summary",
        "By round",
        "By applicant",
        "By kind of applicant",
        "By theme",
        "Committed and disbursed",
        "Reports",
        "Grants",
    ]
    rounds = list(book["By round"].iter_rows(values_only=True))
    assert rounds[0][:3] == ("Round", "Budget", "Received")
    assert [r[2] for r in rounds[1:]] == [r[2] for r in report.tables["rounds"].rows]
    # Rand as numbers a spreadsheet adds up (read back as floats): the cents are all there.
    assert round(sum(r[7] for r in rounds[1:]) * 100) == report.committed_cents
    grants = book["Grants"]
    titles = [c.value for c in grants["D"]]
    hostile = '=HYPERLINK("http://x","click")'
    assert hostile in titles
    cell = grants.cell(row=titles.index(hostile) + 1, column=4)
    assert cell.data_type == "s"  # kept as text, never a formula


def test_refusals_are_sentences(demo_db, tmp_path):
    db = demo_db
    with db.reading() as session:
        with pytest.raises(WorkflowError, match="ends .* before it starts"):
            fund_report(session, period_from=TO, period_to=FROM, today=TODAY, actor=staff(db))
        with pytest.raises(WorkflowError, match="No round's call was open"):
            fund_report(
                session, period_from=date(2030, 1, 1), period_to=date(2030, 2, 1), today=TODAY,
                actor=staff(db),
            )  # fmt: skip
        with pytest.raises(PermissionDenied):
            fund_report(
                session, period_from=FROM, period_to=TO, today=TODAY,
                actor=staff(db, "coordinator"),
            )  # fmt: skip
        with pytest.raises(WorkflowError, match="a .pdf or an .xlsx file"):
            write_fund_report(
                session, out=tmp_path / "r.docx", period_from=FROM, period_to=TO, today=TODAY,
                actor=staff(db),
            )  # fmt: skip
