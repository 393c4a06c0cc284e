"""`usrg applications show` and `usrg awards show` print what the detail screens show for the
same record: the same heading, facts, rows and history (with the award's events, and the
applicant named the same way), on both engines. The screens are real widgets; the command line
runs as a user would run it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.workflows.meeting_helpers import demo_actor
from usrg_desktop import cli
from usrg_desktop.domain.awards import Award, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.views.applications_view import ApplicationScreen
from usrg_desktop.views.awards_view import AwardScreen
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.workflows.awards import award_tracking as at
from usrg_desktop.workflows.system.dates import utc_now


def usrg(db, *args: str) -> int:
    return cli.main([*args, "--database", db.url])


@pytest.fixture
def window(qtbot, any_demo_db, settings):
    main = MainWindow(any_demo_db, settings=settings, actor=demo_actor(any_demo_db, "secretariat"))
    qtbot.addWidget(main)
    return main


@pytest.fixture
def paid_award(any_demo_db, window):
    """An awarded application whose award has a signed agreement and a paid first tranche, so
    its history holds the award's events: (award id, award number, application id, ref)."""
    actor = demo_actor(any_demo_db, "secretariat")
    with any_demo_db.unit_of_work() as s:
        award = s.scalars(
            select(Award)
            .join(Application, Application.id == Award.application_id)
            .where(Application.state == "awarded")
            .order_by(Award.id)
        ).first()
        assert award is not None
        found = (award.id, award.number, award.application_id)
        reference = s.get(Application, award.application_id).reference
        at.record_agreement_signed(
            s,
            award_id=award.id,
            signed_on=window.today - timedelta(days=5),
            actor=actor,
            now=utc_now(),
        )
        first = s.scalar(
            select(Tranche.id).where(Tranche.award_id == award.id, Tranche.position == 1)
        )
    with any_demo_db.unit_of_work() as s:
        at.record_tranche_payment(
            s,
            tranche_id=first,
            paid_on=window.today - timedelta(days=1),
            reference="EFT 2026/881",
            actor=actor,
            now=utc_now(),
        )
    return (*found, reference)


def _cells(table) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def _plain(rich: str) -> str:
    return re.sub(r"<[^>]+>", "", rich).replace("&nbsp;", " ")


def test_applications_show_prints_what_the_application_screen_shows(
    qtbot, window, any_demo_db, paid_award, capsys
):
    _award_id, number, app_id, reference = paid_award
    screen = ApplicationScreen(window, app_id)
    qtbot.addWidget(screen)

    assert usrg(any_demo_db, "applications", "show", reference, "--format", "json") == 0
    record = json.loads(capsys.readouterr().out)
    assert usrg(any_demo_db, "applications", "show", reference.lower()) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()

    # Heading and the facts line: the applicant is named as the screen names it.
    assert screen.reference_label.text() == reference == record["reference"]
    assert lines[0] == f"{reference}  {screen.title_label.text()}"
    facts = [part.split(": ", 1) for part in _plain(screen.facts_label.text()).split(" · ")]
    assert [label.strip() for label, _ in facts] == ["State", "Applicant", "Round", "Requested"]
    for label, value in facts:
        assert f"{label.strip():<12} {value.strip()}" in lines
    assert record["applicant"] == facts[1][1].strip()

    # The Details tab's sections, the budget and the history, row for row.
    shown_details = screen.details_view.toPlainText()
    for caption, body in record["sections"].items():
        assert caption in shown_details and f"{caption}:" in lines
        assert all(line in shown_details for line in body.splitlines())
    budget = _cells(screen.budget_table)
    assert budget == [(b["description"], b["amount"]) for b in record["budget"]]
    for description, amount in budget:
        assert any(line.split() == [*description.split(), *amount.split()] for line in lines)
    history = _cells(screen.history_table)
    assert history == [
        (h["when"], h["who"], h["what"], h["from"], h["to"], h["detail"]) for h in record["history"]
    ]
    # The award's events are in both (the command line once left them out).
    assert {"sign_agreement", "pay_tranche"} <= {h["action"] for h in record["history"]}
    assert any(row[2] == "Tranche paid" for row in history)
    printed = lines[lines.index("History (newest first):") + 1 :]
    assert len(printed) == len(history)
    for line, (when, who, what, *_rest) in zip(printed, history, strict=True):
        assert line.startswith(f"  {when}  {who or '—'}: {what}")
    assert number in text


def test_awards_show_prints_what_the_award_screen_shows(
    qtbot, window, any_demo_db, paid_award, capsys
):
    award_id, number, _app_id, _reference = paid_award
    screen = AwardScreen(any_demo_db, award_id, actor=window.actor, today=window.today)
    qtbot.addWidget(screen)

    assert usrg(any_demo_db, "awards", "show", number, "--today", window.today.isoformat()) == 0
    lines = capsys.readouterr().out.splitlines()

    assert lines[0] == screen.heading.text()
    assert lines[1 : 1 + len(screen.summary.text().splitlines())] == screen.summary.text().split(
        "\n"
    )
    assert screen.paid_label.text() in lines and screen.close_note.text() in lines

    def printed_rows(title: str, count: int) -> list[list[str]]:
        start = lines.index(title) + 2  # past the title and the column headings
        return [line.split() for line in lines[start : start + count]]

    for title, table in (
        ("Payment tranches:", screen.tranches),
        ("Reporting milestones:", screen.reports),
    ):
        shown = _cells(table)
        assert shown, title
        for printed, row in zip(printed_rows(title, len(shown)), shown, strict=True):
            # Each printed row is the row's id, then the screen's cells word for word.
            assert printed[0].isdigit()
            assert printed[1:] == [word for cell in row for word in cell.split()]
    assert any(cells[4] and cells[5] == "paid" for cells in _cells(screen.tranches))
