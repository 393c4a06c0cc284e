"""The dates an award promises follow the project: working days, the interim report at the
middle, the final report after the end, the first tranche after the agreement can be signed;
and the award letter prints exactly those dates."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from usrg_desktop.domain.awards import Award, Milestone, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.printing.styles import long_date
from usrg_desktop.workflows import PermissionDenied, WorkflowError
from usrg_desktop.workflows.awards import project_dates as pd
from usrg_desktop.workflows.letters import issuing as wl

from .test_applications import ADMIN, STAFF, make_round
from .test_letters import to_state

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_weekends_and_public_holidays_move_to_the_next_working_day():
    assert pd.next_working_day(date(2027, 6, 6)) == date(2027, 6, 7)  # Sunday → Monday
    assert pd.next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)  # Christmas, Goodwill
    assert pd.next_working_day(date(2027, 3, 21)) == date(2027, 3, 23)  # observed on Monday 22
    assert pd.next_working_day(date(2027, 3, 26)) == date(2027, 3, 30)  # Good Friday, Family Day
    assert pd.next_working_day(date(2027, 6, 8)) == date(2027, 6, 8)  # a Tuesday stays


def test_a_one_year_project_reports_at_its_middle_and_after_its_end():
    dates = pd.award_dates(
        awarded_on=date(2026, 12, 7), starts_on=date(2027, 2, 1), ends_on=date(2028, 1, 31)
    )
    assert dates.reply_by == date(2027, 1, 6)
    # The first tranche is paid once the agreement is signed: at the project's start, which is
    # well after the slip is due.
    assert dates.first_tranche == date(2027, 2, 1)
    assert dates.interim_report == date(2027, 8, 2)  # middle is Sun 1 August 2027
    assert dates.final_report == date(2028, 3, 1)  # 30 days after the end
    assert dates.interim_tranche > dates.interim_report
    assert dates.final_tranche > dates.final_report


def test_a_project_that_starts_soon_gets_its_first_tranche_after_the_agreement():
    dates = pd.award_dates(
        awarded_on=date(2026, 12, 7), starts_on=date(2026, 12, 10), ends_on=date(2027, 3, 31)
    )
    assert dates.first_tranche >= dates.reply_by + timedelta(days=pd.AGREEMENT_DAYS)
    assert dates.interim_report >= dates.first_tranche
    assert dates.final_report > date(2027, 3, 31)


@settings(max_examples=300, deadline=None)
@given(
    awarded=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    start_after=st.integers(-200, 400),
    length=st.integers(0, 1200),
    interim=st.integers(-90, 365),
    final=st.integers(1, 365),
)
def test_every_promised_date_is_a_working_day_in_order_and_after_the_end(
    awarded, start_after, length, interim, final
):
    starts = awarded + timedelta(days=start_after)
    ends = starts + timedelta(days=length)
    d = pd.award_dates(
        awarded_on=awarded,
        starts_on=starts,
        ends_on=ends,
        rules=pd.DateRules(interim, final),
    )
    every = [
        d.reply_by,
        d.first_tranche,
        d.interim_report,
        d.final_report,
        d.interim_tranche,
        d.final_tranche,
    ]
    assert all(pd.is_working_day(day) for day in every)
    assert awarded < d.reply_by < d.first_tranche
    assert d.interim_report < d.final_report
    assert d.final_report > ends
    assert d.interim_tranche > d.interim_report and d.final_tranche > d.final_report


@pytest.fixture
def approved(any_db):
    with any_db.unit_of_work() as s:
        rnd = make_round(s)
        app_id = to_state(s, rnd, "approved")
    return any_db, app_id


def test_award_letter_promises_the_project_dates_on_working_days(approved):
    db, app_id = approved
    with db.unit_of_work() as s:
        letter_id = wl.issue_letter(s, application_id=app_id, kind="award", actor=STAFF, now=NOW)
        app = s.get(Application, app_id)
        award = s.scalar(select(Award).where(Award.application_id == app_id))
        tranches = s.scalars(select(Tranche).where(Tranche.award_id == award.id)).all()
        milestones = s.scalars(select(Milestone).where(Milestone.award_id == award.id)).all()
        pdf = wl.reprint(s, letter_id)
        ends_on = app.ends_on
    expected = pd.award_dates(awarded_on=NOW.date(), starts_on=app.starts_on, ends_on=ends_on)
    by_kind = {m.kind: m.due_on for m in milestones}
    assert by_kind == {
        "interim report": expected.interim_report,
        "final report": expected.final_report,
    }
    assert [t.due_on for t in sorted(tranches, key=lambda t: t.position)] == [
        expected.first_tranche,
        expected.interim_tranche,
        expected.final_tranche,
    ]
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    printed = [
        datetime.strptime(m, "%d %B %Y").date()
        for m in re.findall(
            r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|"
            r"September|October|November|December) \d{4}\b",
            text,
        )
    ]
    promised = [day for day in printed if day > NOW.date()]
    assert len(promised) >= 6
    assert all(pd.is_working_day(day) for day in promised), promised
    assert long_date(expected.final_report) in text
    assert max(promised) > ends_on
    # The slip is due before the first tranche can be paid.
    assert long_date(expected.reply_by) in text


def test_administrator_sets_the_offsets_and_new_awards_follow_them(approved):
    db, app_id = approved
    with db.unit_of_work() as s, pytest.raises(PermissionDenied):
        pd.set_date_rules(s, actor=STAFF, now=NOW, final_offset_days=60)
    with (
        db.unit_of_work() as s,
        pytest.raises(WorkflowError, match="final report's offset must be between 1"),
    ):
        pd.set_date_rules(s, actor=ADMIN, now=NOW, final_offset_days=0)
    with db.unit_of_work() as s:
        assert pd.date_rules(s) == pd.DateRules()
        rules = pd.set_date_rules(
            s, actor=ADMIN, now=NOW, interim_offset_days=14, final_offset_days=60
        )
    assert rules == pd.DateRules(14, 60)
    with db.unit_of_work() as s:
        wl.issue_letter(s, application_id=app_id, kind="award", actor=STAFF, now=NOW)
        award = s.scalar(select(Award).where(Award.application_id == app_id))
        final = s.scalar(
            select(Milestone.due_on).where(
                Milestone.award_id == award.id, Milestone.kind == "final report"
            )
        )
    assert final == pd.next_working_day(date(2028, 1, 31) + timedelta(days=60))
    events = db.rows("SELECT action, detail FROM audit_events WHERE action = 'set_award_dates'")
    assert len(events) == 1 and "60 days" in events[0][1]
