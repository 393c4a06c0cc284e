"""The program's days are the days in Africa/Johannesburg, wherever the calendar stands.

The run's clock starts at the tests' day (tests/conftest.py). These tests move it to instants
far apart — a leap day, late evening UTC when it is already tomorrow in South Africa, New
Year, decades ahead — and run the flows that depend on "today" through the program's own edges
(the clock module, the command line, the main window), never passing a day in by hand.
"""

from __future__ import annotations

import io
import json
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from pypdf import PdfReader
from sqlalchemy import select

from usrg_desktop import cli, clock, storage
from usrg_desktop.domain.meetings import Meeting
from usrg_desktop.printing.styles import long_date
from usrg_desktop.workflows.awards import award_tracking as at
from usrg_desktop.workflows.grants import applications as wf
from usrg_desktop.workflows.letters import issuing as wl

from ..conftest import DEMO_SEED
from ..workflows.test_applications import STAFF
from ..workflows.test_award_tracking import approved
from ..workflows.test_letters import fund  # noqa: F401  (the fixture)

INSTANTS = [
    pytest.param(datetime(2026, 11, 25, 8, 0, tzinfo=UTC), id="tests-day-morning"),
    pytest.param(datetime(2028, 2, 29, 21, 59, 59, tzinfo=UTC), id="leap-day-23h59-in-SA"),
    pytest.param(datetime(2028, 2, 29, 22, 30, tzinfo=UTC), id="leap-day-22h30-UTC"),
    pytest.param(datetime(2031, 12, 31, 23, 30, tzinfo=UTC), id="new-year-in-SA-first"),
    pytest.param(datetime(2044, 7, 14, 12, 0, tzinfo=UTC), id="decades-ahead"),
]


def day_in_south_africa(instant: datetime) -> date:
    """Worked out independently of the program: South Africa keeps UTC+2 all year."""
    return (instant.astimezone(UTC) + timedelta(hours=2)).date()


@pytest.fixture
def machine_zone(monkeypatch):
    """Set the machine's own time zone (TZ) for one test, and put it back afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


# -- the one function that decides ---------------------------------------------------------------
@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize("instant", INSTANTS)
def test_today_is_the_day_in_johannesburg_whatever_the_machines_zone(instant, zone, machine_zone):
    machine_zone(zone)
    with time_machine.travel(instant, tick=False):
        assert clock.today() == day_in_south_africa(instant)
        assert clock.utc_now() == instant.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        assert clock.local_now() == (instant.astimezone(UTC) + timedelta(hours=2)).replace(
            tzinfo=None
        )


def test_the_day_turns_at_midnight_in_johannesburg_not_in_utc():
    with time_machine.travel(datetime(2028, 2, 29, 21, 59, 59, tzinfo=UTC), tick=False):
        assert clock.today() == date(2028, 2, 29)
    with time_machine.travel(datetime(2028, 2, 29, 22, 0, 0, tzinfo=UTC), tick=False):
        assert clock.today() == date(2028, 3, 1)
    # Stored moments are UTC; their South African day is the next one from 22:00 UTC.
    assert clock.south_african_day(datetime(2031, 12, 31, 22, 0)) == date(2032, 1, 1)
    assert clock.south_african_day(datetime(2031, 12, 31, 21, 59)) == date(2031, 12, 31)


# -- closing a grant -----------------------------------------------------------------------------
def settled_award(db) -> int:
    """An award made on 2 March 2026 with every report accepted and every tranche settled."""
    app_id = approved(db)
    made, settled = datetime(2026, 3, 2, 8, 0), datetime(2026, 10, 1, 8, 0)
    with db.unit_of_work() as s:
        award_id = at.ensure_award(s, application_id=app_id, actor=STAFF, now=made)
        wf.mark_awarded(s, application_id=app_id, actor=STAFF, now=made)
        at.record_agreement_signed(
            s, award_id=award_id, signed_on=date(2026, 3, 15), actor=STAFF, now=settled
        )
        detail = at.award_detail(s, award_id, date(2026, 3, 15))
    with db.unit_of_work() as s:
        for report in detail.milestones:
            at.record_report_received(
                s, milestone_id=report.id, received_on=date(2026, 9, 1), actor=STAFF, now=settled
            )
            at.accept_report(
                s, milestone_id=report.id, accepted_on=date(2026, 9, 2), actor=STAFF, now=settled
            )
        for tranche in detail.tranches:
            at.cancel_tranche(
                s, tranche_id=tranche.id, reason="Settled by the city", actor=STAFF, now=settled
            )
    return award_id


@pytest.mark.parametrize("instant", INSTANTS)
def test_a_grant_closes_on_the_south_african_day(db, instant):
    award_id = settled_award(db)
    with time_machine.travel(instant, tick=False), db.unit_of_work() as s:
        # What the award screen and `usrg awards close` pass: the clock's moment.
        at.close_award(s, award_id=award_id, actor=STAFF, now=clock.utc_now())
    with db.unit_of_work() as s:
        detail = at.award_detail(s, award_id, day_in_south_africa(instant))
    assert detail.closed_on == day_in_south_africa(instant)


# -- overdue reports and tranches ----------------------------------------------------------------
def overdue_now(db, capsys) -> list[dict]:
    """`usrg awards overdue` without --today: overdue as the command line sees it now."""
    assert cli.main(["--database", str(db.path), "awards", "overdue", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("instant", INSTANTS)
def test_overdue_counts_from_the_south_african_day(db, instant, capsys):
    app_id = approved(db)
    with db.unit_of_work() as s:
        # Awarded about a month before the instant: the first tranche falls due near it.
        awarded_on = instant.astimezone(UTC).replace(tzinfo=None) - relativedelta(months=1)
        award_id = at.ensure_award(s, application_id=app_id, actor=STAFF, now=awarded_on)
        due = at.award_detail(s, award_id, awarded_on.date()).tranches[0].due_on
    on_due_day = datetime.combine(due, datetime.min.time(), UTC)
    # 21:59 UTC on the due day is 23:59 in South Africa: due today, not overdue yet.
    with time_machine.travel(on_due_day + timedelta(hours=21, minutes=59), tick=False):
        assert overdue_now(db, capsys) == []
    # 22:00 UTC is midnight in South Africa: the next day, one day overdue.
    with time_machine.travel(on_due_day + timedelta(hours=22), tick=False):
        items = overdue_now(db, capsys)
    assert [(i["due_on"], i["days_overdue"]) for i in items] == [(due.isoformat(), 1)]


# -- the next meeting ----------------------------------------------------------------------------
@pytest.mark.parametrize("instant", INSTANTS)
def test_the_rotation_proposes_from_the_quarter_after_the_south_african_day(db, instant, capsys):
    with time_machine.travel(instant, tick=False):
        assert (
            cli.main(
                [
                    "--database",
                    str(db.path),
                    "rotation",
                    "propose",
                    "--quarters",
                    "1",
                    "--format",
                    "json",
                ]
            )
            == 0
        )
    proposal = json.loads(capsys.readouterr().out)[0]
    day = day_in_south_africa(instant)
    following = day.replace(day=1) + relativedelta(months=3 - (day.month - 1) % 3)
    assert proposal["quarter"] == f"{following.year}Q{(following.month - 1) // 3 + 1}"
    assert date.fromisoformat(proposal["start"]) > day


def test_the_meeting_chooser_starts_at_the_meeting_of_the_south_african_day(main_window):
    from usrg_desktop.views.meeting_print import _meeting_choices

    with main_window.db.unit_of_work() as s:
        first_day = s.scalar(
            select(Meeting.starts_on)
            .where(Meeting.status != "held", Meeting.starts_on > date(2026, 11, 25))
            .order_by(Meeting.starts_on)
        )
        ids = dict(s.execute(select(Meeting.starts_on, Meeting.id)).all())
    evening_before = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), UTC)
    # 22:30 UTC the evening before is 00:30 on the meeting's first day in South Africa: the
    # meeting is today's, still the one to come.
    with time_machine.travel(evening_before + timedelta(hours=22, minutes=30), tick=False):
        choices, upcoming = _meeting_choices(main_window)
    assert choices[upcoming][0] == ids[first_day]
    # A day later it has begun: the chooser moves on to the one after it.
    with time_machine.travel(evening_before + timedelta(days=1, hours=22, minutes=30), tick=False):
        choices, upcoming = _meeting_choices(main_window)
    assert choices[upcoming][0] != ids[first_day]


# -- a letter's date -----------------------------------------------------------------------------
@pytest.mark.parametrize("instant", INSTANTS)
def test_a_letter_is_dated_with_the_south_african_day(fund, instant):  # noqa: F811
    db, _rnd, apps = fund
    with time_machine.travel(instant, tick=False), db.unit_of_work() as s:
        letter_id = wl.issue_letter(
            s, application_id=apps["declined"], kind="decline", actor=STAFF, now=clock.utc_now()
        )
    with db.unit_of_work() as s:
        _name, pdf = wl.issued_pdf(s, letter_id)
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert long_date(day_in_south_africa(instant)) in text


# -- the demo's "today" --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "instant",
    [p for p in INSTANTS if p.id in ("leap-day-22h30-UTC", "new-year-in-SA-first")],
)
def test_the_demo_is_built_around_the_south_african_day(tmp_path, instant, capsys):
    path = tmp_path / "demo.sqlite3"
    with time_machine.travel(instant, tick=True):
        assert cli.main(["demo", "--database", str(path), "--seed", str(DEMO_SEED)]) == 0
    day = day_in_south_africa(instant)
    db = storage.Database(path)
    try:
        with db.unit_of_work() as s:
            meetings = s.execute(select(Meeting.status, Meeting.starts_on, Meeting.ends_on)).all()
    finally:
        db.dispose()
    held = [ends for status, _starts, ends in meetings if status == "held"]
    to_come = [starts for status, starts, _ends in meetings if status in ("planned", "confirmed")]
    assert held and to_come
    assert max(held) < day <= min(to_come)
