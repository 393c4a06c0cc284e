"""The agenda builder: times, the standard template, reordering, overruns, matters arising."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.workflows.meeting_helpers import (
    NOW,
    REVIEWER,
    audit_actions,
    demo_actor,
    meeting_id_by_number,
    new_meeting,
)
from usrg_desktop.domain.meetings import ActionItem, AgendaItem, Meeting
from usrg_desktop.workflows import FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.meetings import agenda as wf
from usrg_desktop.workflows.meetings import minutes


def _agenda(db, meeting_id, today=TODAY):
    with db.unit_of_work() as session:
        return wf.meeting_agenda(session, meeting_id=meeting_id, today=today)


def _minutes_of(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def _check_times(day) -> None:
    """Each item starts when the one before ends, the first at the day's start."""
    at = _minutes_of(day.start)
    for item in day.items:
        assert _minutes_of(item.starts) == at
        at += item.duration_minutes
        assert _minutes_of(item.ends) == at


def test_schedule_is_the_running_sum_of_durations():
    assert wf.schedule(time(8, 30), [15, 45, 90]) == [
        ("08:30", "08:45"),
        ("08:45", "09:30"),
        ("09:30", "11:00"),
    ]
    assert wf.schedule(time(23, 30), [45]) == [("23:30", "24:15")]
    assert wf.schedule(time(9, 0), []) == []


def test_overrun_warning_is_a_sentence_with_the_day_and_the_minutes_over():
    on = date(2027, 2, 15)
    assert wf.overrun_warning(1, on, time(9), time(17), [240, 240]) is None
    warning = wf.overrun_warning(1, on, time(9), time(17), [240, 255])
    assert warning == (
        "Day 1 (Monday 15 February 2027) runs until 17:15, 15 minutes past its planned end at "
        "17:00."
    )
    assert "1 hour 5 minutes past" in wf.overrun_warning(2, on, time(8, 30), time(13), [335])


def test_demo_agenda_times_follow_the_day_start(any_demo_db):
    meeting_id = meeting_id_by_number(any_demo_db, 53)
    agenda = _agenda(any_demo_db, meeting_id)
    assert [d.day for d in agenda.days] == [1, 2]
    assert agenda.days[0].start == "09:00" and agenda.days[1].start == "08:30"
    for day in agenda.days:
        assert day.items, "the demo meeting has an agenda on both days"
        _check_times(day)
        assert [i.position for i in day.items] == list(range(1, len(day.items) + 1))


def test_standard_template_fills_an_empty_agenda_that_fits_the_days(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db)
    assert _agenda(any_demo_db, meeting_id).is_empty
    with any_demo_db.unit_of_work() as session:
        ids = wf.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=NOW)
    agenda = _agenda(any_demo_db, meeting_id)
    day1, day2 = agenda.days
    assert [i.id for i in day1.items + day2.items] == ids
    assert agenda.warnings == []
    for day in agenda.days:
        _check_times(day)
    # Day 1 runs 09:00 to about 16:30, day 2 08:30 to about 12:30.
    assert "16:00" <= day1.items[-1].ends <= "16:45"
    assert "12:00" <= day2.items[-1].ends <= "12:30"
    titles = [i.title for i in day1.items + day2.items]
    assert titles[0] == "Welcome by the host city, eThekwini"
    assert day1.items[0].kind == "welcome"
    assert day1.items[0].presenter, "the host city's focal person welcomes the meeting"
    for expected in (
        "Apologies, introductions and declarations of interest",
        "Minutes of the previous meeting",
        "Matters arising and open action items",
        "City updates",
        "National updates",
        "Thematic session",
        "Innovation fund update",
        "Next meeting: host, dates and theme",
    ):
        assert expected in titles
    visit = next(i for i in day1.items if i.kind == "exposure visit")
    assert visit.title == "Exposure visit: Warwick Junction markets"
    assert visit.starts >= "12:00", "the exposure visit is in the afternoon of day 1"
    assert day2.items[-2].kind == "closing" or day2.items[-1].kind == "closing"
    assert audit_actions(any_demo_db, "meeting", meeting_id) == ["agenda_template"]


def test_template_is_refused_on_an_agenda_that_has_items(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = meeting_id_by_number(any_demo_db, 53)
    before = _agenda(any_demo_db, meeting_id)
    with (
        pytest.raises(WorkflowError, match="already has an agenda"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=NOW)
    assert _agenda(any_demo_db, meeting_id) == before


def test_add_edit_remove_recompute_the_times(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db)
    with any_demo_db.unit_of_work() as session:
        wf.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=NOW)
    before = _agenda(any_demo_db, meeting_id).days[0]
    with any_demo_db.unit_of_work() as session:
        new_id = wf.add_agenda_item(
            session,
            meeting_id=meeting_id,
            actor=actor,
            now=NOW,
            day=1,
            kind="presentation",
            title="  SAPS crime statistics  ",
            presenter="CSPS",
            duration_minutes="20",
            purpose="information",
            position=2,
        )
    day1 = _agenda(any_demo_db, meeting_id).days[0]
    added = day1.items[1]
    assert (added.id, added.title, added.starts, added.ends) == (new_id, "SAPS crime statistics",
                                                                   "09:15", "09:35")  # fmt: skip
    # Everything after it starts 20 minutes later.
    for old, new in zip(before.items[1:], day1.items[2:], strict=True):
        assert _minutes_of(new.starts) == _minutes_of(old.starts) + 20
    with any_demo_db.unit_of_work() as session:
        wf.edit_agenda_item(
            session,
            item_id=new_id,
            actor=actor,
            now=NOW,
            kind="presentation",
            title="SAPS crime statistics, 2026/27 Q2",
            presenter="CSPS",
            duration_minutes=30,
            purpose="discussion",
        )
    day1 = _agenda(any_demo_db, meeting_id).days[0]
    assert day1.items[1].title == "SAPS crime statistics, 2026/27 Q2"
    assert day1.items[1].purpose == "discussion"
    assert day1.items[2].starts == "09:45"
    with any_demo_db.unit_of_work() as session:
        wf.remove_agenda_item(session, item_id=new_id, actor=actor, now=NOW)
    day1 = _agenda(any_demo_db, meeting_id).days[0]
    assert [(i.title, i.starts) for i in day1.items] == [(i.title, i.starts) for i in before.items]
    assert [i.position for i in day1.items] == list(range(1, len(day1.items) + 1))
    assert audit_actions(any_demo_db, "meeting", meeting_id) == [
        "agenda_template",
        "agenda_add",
        "agenda_edit",
        "agenda_remove",
    ]


def test_bad_item_is_refused_field_by_field_and_nothing_is_written(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db)
    with pytest.raises(FieldErrors) as refused, any_demo_db.unit_of_work() as session:
        wf.add_agenda_item(
            session,
            meeting_id=meeting_id,
            actor=actor,
            now=NOW,
            day=1,
            kind="picnic",
            title="   ",
            duration_minutes="an hour",
            purpose="information",
        )
    assert set(refused.value.errors) == {"kind", "title", "duration_minutes"}
    assert refused.value.errors["title"] == "Title is required."
    assert "whole number of minutes" in refused.value.errors["duration_minutes"]
    with (
        pytest.raises(FieldErrors, match="between 1 and 600"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.add_agenda_item(
            session,
            meeting_id=meeting_id,
            actor=actor,
            now=NOW,
            day=2,
            kind="session",
            title="Too long",
            duration_minutes=0,
        )
    with pytest.raises(PermissionDenied), any_demo_db.unit_of_work() as session:
        wf.add_agenda_item(
            session,
            meeting_id=meeting_id,
            actor=REVIEWER,
            now=NOW,
            day=1,
            kind="session",
            title="Not mine to add",
            duration_minutes=10,
        )
    assert _agenda(any_demo_db, meeting_id).is_empty
    assert audit_actions(any_demo_db, "meeting", meeting_id) == []


def test_move_within_a_day_and_across_days(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db)
    with any_demo_db.unit_of_work() as session:
        wf.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=NOW)
    day1, day2 = _agenda(any_demo_db, meeting_id).days
    tea = next(i for i in day1.items if i.title == "Tea")
    # Tea to the top of day 1.
    with any_demo_db.unit_of_work() as session:
        wf.move_agenda_item(session, item_id=tea.id, actor=actor, now=NOW, day=1, position=1)
    moved1 = _agenda(any_demo_db, meeting_id).days[0]
    assert moved1.items[0].id == tea.id and moved1.items[0].starts == "09:00"
    assert moved1.items[1].id == day1.items[0].id and moved1.items[1].starts == "09:15"
    _check_times(moved1)
    # City updates to day 2, third place.
    cities = next(i for i in day1.items if i.title == "City updates")
    with any_demo_db.unit_of_work() as session:
        wf.move_agenda_item(session, item_id=cities.id, actor=actor, now=NOW, day=2, position=3)
    new1, new2 = _agenda(any_demo_db, meeting_id).days
    assert cities.id not in [i.id for i in new1.items]
    assert [i.id for i in new2.items][:4] == [
        day2.items[0].id,
        day2.items[1].id,
        cities.id,
        day2.items[2].id,
    ]
    assert new2.items[2].day == 2 and new2.items[2].starts == day2.items[2].starts
    assert new1.total_minutes == day1.total_minutes - cities.duration_minutes
    for day in (new1, new2):
        _check_times(day)
        assert [i.position for i in day.items] == list(range(1, len(day.items) + 1))
    # Day 2 now overruns 13:00: 12:15 plus 75 minutes is 13:30.
    assert new2.items[-1].ends == "13:30"
    assert _agenda(any_demo_db, meeting_id).warnings == [
        "Day 2 (Tuesday 15 February 2028) runs until 13:30, 30 minutes past its planned end "
        "at 13:00."
    ]
    # A position past the end puts the item last.
    with any_demo_db.unit_of_work() as session:
        wf.move_agenda_item(session, item_id=cities.id, actor=actor, now=NOW, day=1, position=99)
    assert _agenda(any_demo_db, meeting_id).days[0].items[-1].id == cities.id
    assert _agenda(any_demo_db, meeting_id).warnings == []
    assert audit_actions(any_demo_db, "meeting", meeting_id).count("agenda_move") == 3


def test_overrun_warning_appears_and_goes(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db, day1=(time(8, 30), time(16, 0)))
    with any_demo_db.unit_of_work() as session:
        wf.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=NOW)
    assert _agenda(any_demo_db, meeting_id).warnings == []
    with any_demo_db.unit_of_work() as session:
        extra = wf.add_agenda_item(
            session,
            meeting_id=meeting_id,
            actor=actor,
            now=NOW,
            day=1,
            kind="discussion",
            title="Safety indicators",
            duration_minutes=45,
        )
    agenda = _agenda(any_demo_db, meeting_id)
    assert agenda.days[1].warning is None
    assert agenda.days[0].warning == (
        "Day 1 (Monday 14 February 2028) runs until 16:45, 45 minutes past its planned end at "
        "16:00."
    )
    with any_demo_db.unit_of_work() as session:
        wf.remove_agenda_item(session, item_id=extra, actor=actor, now=NOW)
    assert _agenda(any_demo_db, meeting_id).warnings == []


def test_matters_arising_lists_open_actions_of_earlier_meetings_only(any_demo_db):
    actor = demo_actor(any_demo_db)
    last_held = meeting_id_by_number(any_demo_db, 52)
    next_one = meeting_id_by_number(any_demo_db, 53)
    with any_demo_db.unit_of_work() as session:
        starts = session.get(Meeting, next_one).starts_on
        still_open = set(
            session.scalars(
                select(ActionItem.number)
                .join(Meeting, Meeting.id == ActionItem.meeting_id)
                .where(
                    Meeting.starts_on < starts,
                    ActionItem.status.in_(["open", "in progress"]),
                )
            )
        )
        not_open = set(
            session.scalars(
                select(ActionItem.number).where(ActionItem.status.in_(["done", "dropped"]))
            )
        )
    assert still_open and not_open, "the demo has open and finished actions"
    arising = _agenda(any_demo_db, next_one).matters_arising
    assert {m.number for m in arising} == still_open
    assert not {m.number for m in arising} & not_open
    assert [m.number for m in arising] == sorted(m.number for m in arising)
    # A new action at meeting 52 appears at 53 by itself, not at 52.
    with any_demo_db.unit_of_work() as session:
        new_id, number = minutes.add_action_item(
            session,
            meeting_id=last_held,
            description="Circulate the draft urban safety indicators",
            owner_text="SACN secretariat",
            due_on=date(2026, 12, 4),
            actor=actor,
            now=NOW,
        )
    assert number in {m.number for m in _agenda(any_demo_db, next_one).matters_arising}
    assert number not in {m.number for m in _agenda(any_demo_db, last_held).matters_arising}
    # Overdue is relative to today.
    mine = next(m for m in _agenda(any_demo_db, next_one).matters_arising if m.number == number)
    assert not mine.overdue
    later = next(
        m
        for m in _agenda(any_demo_db, next_one, today=date(2026, 12, 5)).matters_arising
        if m.number == number
    )
    assert later.overdue
    # Done before meeting 53 starts: no longer a matter arising there.
    with any_demo_db.unit_of_work() as session:
        minutes.set_action_status(
            session, action_id=new_id, status="done", actor=actor, now=NOW, today=TODAY
        )
    assert number not in {m.number for m in _agenda(any_demo_db, next_one).matters_arising}


def test_matters_arising_of_a_past_meeting_keeps_actions_done_after_it(any_demo_db):
    """An action done after meeting N began was open at meeting N: it stays on its record."""
    with any_demo_db.unit_of_work() as session:
        held = session.scalars(
            select(Meeting).where(Meeting.status == "held").order_by(Meeting.starts_on)
        ).all()
        late = [
            (meeting, action)
            for meeting in held
            for action in session.scalars(
                select(ActionItem)
                .join(Meeting, Meeting.id == ActionItem.meeting_id)
                .where(
                    Meeting.starts_on < meeting.starts_on,
                    ActionItem.status == "done",
                    ActionItem.done_on >= meeting.starts_on,
                )
            )
        ]
    assert late, "the demo has an action done after a later meeting began"
    meeting, action = late[0]
    arising = _agenda(any_demo_db, meeting.id).matters_arising
    listed = next(m for m in arising if m.number == action.number)
    assert listed.status == "done" and not listed.overdue


def test_remove_is_refused_for_an_item_with_minutes(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = meeting_id_by_number(any_demo_db, 52)
    with any_demo_db.unit_of_work() as session:
        minuted = session.scalar(
            select(func.min(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id)
        )
    with any_demo_db.unit_of_work() as session:
        minutes.record_minutes(
            session,
            meeting_id=meeting_id,
            agenda_item_id=minuted,
            text="Welcomed by the mayor.",
            actor=actor,
            now=NOW,
        )
    count = len(_agenda(any_demo_db, meeting_id).days[0].items)
    with (
        pytest.raises(WorkflowError, match="cannot be removed"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.remove_agenda_item(session, item_id=minuted, actor=actor, now=NOW)
    assert len(_agenda(any_demo_db, meeting_id).days[0].items) == count


def test_cancelled_meeting_agenda_cannot_change(any_demo_db):
    actor = demo_actor(any_demo_db)
    meeting_id = new_meeting(any_demo_db)
    with any_demo_db.unit_of_work() as session:
        session.get(Meeting, meeting_id).status = "cancelled"
    with pytest.raises(WorkflowError, match="is cancelled"), any_demo_db.unit_of_work() as session:
        wf.apply_standard_template(session, meeting_id=meeting_id, actor=actor, now=NOW)
    assert _agenda(any_demo_db, meeting_id).is_empty


def test_day_dates_follow_the_meeting(any_demo_db):
    meeting_id = new_meeting(any_demo_db, starts_on=date(2028, 3, 8))
    day1, day2 = _agenda(any_demo_db, meeting_id).days
    assert day1.on == date(2028, 3, 8) and day2.on == day1.on + timedelta(days=1)
