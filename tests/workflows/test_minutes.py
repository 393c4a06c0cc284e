"""Minutes per agenda item; action items numbered across meetings, carried forward, overdue."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.workflows.meeting_helpers import (
    NOW,
    REVIEWER,
    audit_actions,
    demo_actor,
    meeting_id_by_number,
)
from usrg_desktop.domain.meetings import ActionItem, Minute
from usrg_desktop.workflows import FieldErrors, PermissionDenied, WorkflowError
from usrg_desktop.workflows.meetings import minutes as wf
from usrg_desktop.workflows.meetings.listings import action_item_listing


@pytest.fixture
def pg_demo_db(request):
    """A fresh copy of the small demo on PostgreSQL (skipped without a server)."""
    from tests.conftest import _pg_copy

    yield from _pg_copy(request, "pg_demo_template")


def _actions(db, meeting_id, today=TODAY):
    with db.unit_of_work() as session:
        return wf.meeting_action_items(session, meeting_id=meeting_id, today=today)


def _add(db, meeting_id, actor, description, due=None, **kw):
    with db.unit_of_work() as session:
        return wf.add_action_item(
            session,
            meeting_id=meeting_id,
            description=description,
            due_on=due,
            actor=actor,
            now=NOW,
            owner_text=kw.pop("owner_text", "City of Tshwane"),
            **kw,
        )


def test_numbers_continue_across_meetings(any_demo_db):
    actor = demo_actor(any_demo_db)
    with any_demo_db.unit_of_work() as session:
        highest = session.scalar(select(func.max(ActionItem.number)))
    m52 = meeting_id_by_number(any_demo_db, 52)
    m53 = meeting_id_by_number(any_demo_db, 53)
    _, first = _add(any_demo_db, m52, actor, "Share the CCTV by-law draft", date(2027, 1, 15))
    _, second = _add(any_demo_db, m53, actor, "Report on the safety audit", date(2027, 5, 1))
    _, third = _add(any_demo_db, m52, actor, "Invite DSD to the next meeting")
    assert (first, second, third) == (highest + 1, highest + 2, highest + 3)
    with any_demo_db.unit_of_work() as session:
        assert wf.next_action_number(session) == highest + 4


def test_open_action_is_carried_forward_until_done(any_demo_db):
    actor = demo_actor(any_demo_db)
    m52 = meeting_id_by_number(any_demo_db, 52)
    m53 = meeting_id_by_number(any_demo_db, 53)
    m54 = meeting_id_by_number(any_demo_db, 54)
    action_id, number = _add(
        any_demo_db, m52, actor, "Share the CCTV by-law draft", date(2027, 1, 15)
    )
    raised = next(a for a in _actions(any_demo_db, m52) if a.id == action_id)
    assert not raised.carried and raised.meeting_number == 52
    for later in (m53, m54):
        carried = next(a for a in _actions(any_demo_db, later) if a.id == action_id)
        assert carried.carried and carried.number == number
    # Carried items come first, then the meeting's own.
    at53 = _actions(any_demo_db, m53)
    assert [a.carried for a in at53] == sorted((a.carried for a in at53), reverse=True)
    with any_demo_db.unit_of_work() as session:
        wf.set_action_status(
            session, action_id=action_id, status="in progress", actor=actor, now=NOW, today=TODAY
        )
    assert action_id in [a.id for a in _actions(any_demo_db, m53)]
    with any_demo_db.unit_of_work() as session:
        wf.set_action_status(
            session, action_id=action_id, status="done", actor=actor, now=NOW, today=TODAY
        )
    for later in (m53, m54):
        assert action_id not in [a.id for a in _actions(any_demo_db, later)]
    done = next(a for a in _actions(any_demo_db, m52) if a.id == action_id)
    assert (done.status, done.done_on) == ("done", TODAY)
    # Reopened: it comes back, and its done date is cleared.
    with any_demo_db.unit_of_work() as session:
        wf.set_action_status(
            session, action_id=action_id, status="open", actor=actor, now=NOW, today=TODAY
        )
    back = next(a for a in _actions(any_demo_db, m53) if a.id == action_id)
    assert back.carried and back.done_on is None
    assert audit_actions(any_demo_db, "action_item", action_id) == [
        "action_add",
        "action_status",
        "action_status",
        "action_status",
    ]


def test_overdue_is_open_past_due_relative_to_today(any_demo_db):
    actor = demo_actor(any_demo_db)
    m52 = meeting_id_by_number(any_demo_db, 52)
    due = date(2026, 12, 1)
    action_id, number = _add(any_demo_db, m52, actor, "Circulate the indicators", due)
    assert not next(a for a in _actions(any_demo_db, m52, due) if a.id == action_id).overdue
    late_day = date(2026, 12, 2)
    assert next(a for a in _actions(any_demo_db, m52, late_day) if a.id == action_id).overdue
    listing = action_item_listing(any_demo_db, late_day)
    row = listing.rows[listing.ids.index(action_id)]
    assert row[listing.keys().index("number")] == number
    assert row[listing.keys().index("overdue")] is True
    assert action_item_listing(any_demo_db, due).rows[listing.ids.index(action_id)][
        listing.keys().index("overdue")
    ] is False  # fmt: skip
    with any_demo_db.unit_of_work() as session:
        wf.set_action_status(
            session,
            action_id=action_id,
            status="dropped",
            reason="Overtaken by the national indicators project.",
            actor=actor,
            now=NOW,
            today=TODAY,
        )
    assert not next(a for a in _actions(any_demo_db, m52, late_day) if a.id == action_id).overdue
    # Listing and ids line up for every row, and every overdue row is open and late.
    listing = action_item_listing(any_demo_db, TODAY)
    assert len(listing.ids) == len(listing.rows)
    keys = listing.keys()
    for row in listing.rows:
        late = row[keys.index("due_on")] is not None and row[keys.index("due_on")] < "2026-11-25"
        is_open = row[keys.index("status")] in ("open", "in progress")
        assert row[keys.index("overdue")] == (late and is_open)


def test_bad_action_items_are_refused_and_nothing_is_written(any_demo_db):
    actor = demo_actor(any_demo_db)
    m53 = meeting_id_by_number(any_demo_db, 53)
    with any_demo_db.unit_of_work() as session:
        before = session.scalar(select(func.count()).select_from(ActionItem))
    with pytest.raises(FieldErrors) as refused:
        _add(any_demo_db, m53, actor, "  ", date(2020, 1, 1), owner_text="")
    assert set(refused.value.errors) == {"description", "owner", "due_on"}
    assert "before meeting 53" in refused.value.errors["due_on"]
    with pytest.raises(PermissionDenied):
        _add(any_demo_db, m53, REVIEWER, "Not allowed")
    action_id, _ = _add(any_demo_db, m53, actor, "Valid")
    with (
        pytest.raises(WorkflowError, match="Give a reason to drop"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.set_action_status(
            session, action_id=action_id, status="dropped", actor=actor, now=NOW, today=TODAY
        )
    with (
        pytest.raises(WorkflowError, match="status must be one of"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.set_action_status(
            session, action_id=action_id, status="finished", actor=actor, now=NOW, today=TODAY
        )
    with any_demo_db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ActionItem)) == before + 1
        assert session.get(ActionItem, action_id).status == "open"


def test_edit_action_keeps_its_number(any_demo_db):
    actor = demo_actor(any_demo_db)
    m53 = meeting_id_by_number(any_demo_db, 53)
    action_id, number = _add(any_demo_db, m53, actor, "Draft the brief")
    with any_demo_db.unit_of_work() as session:
        wf.edit_action_item(
            session,
            action_id=action_id,
            description="Draft the quarterly policy brief",
            owner_text="SACN secretariat",
            due_on=date(2027, 3, 31),
            actor=actor,
            now=NOW,
        )
    row = next(a for a in _actions(any_demo_db, m53) if a.id == action_id)
    assert (row.number, row.description, row.owner, row.due_on) == (
        number,
        "Draft the quarterly policy brief",
        "SACN secretariat",
        date(2027, 3, 31),
    )


def test_minutes_per_agenda_item(any_demo_db):
    actor = demo_actor(any_demo_db)
    m53 = meeting_id_by_number(any_demo_db, 53)
    with any_demo_db.unit_of_work() as session:
        rows = wf.meeting_minutes(session, meeting_id=m53)
    assert rows[-1].agenda_item_id is None and rows[-1].title == "General minutes"
    assert all(r.text == "" for r in rows), "the planned meeting has no minutes yet"
    item = rows[2]
    with any_demo_db.unit_of_work() as session:
        wf.record_minutes(
            session,
            meeting_id=m53,
            agenda_item_id=item.agenda_item_id,
            text="  The minutes of meeting 52 were adopted with one correction.  ",
            actor=actor,
            now=NOW,
        )
        wf.record_minutes(
            session,
            meeting_id=m53,
            agenda_item_id=None,
            text="Chaired by SACN.",
            actor=actor,
            now=NOW,
        )
    with any_demo_db.unit_of_work() as session:
        rows = wf.meeting_minutes(session, meeting_id=m53)
    assert rows[2].text == "The minutes of meeting 52 were adopted with one correction."
    assert rows[-1].text == "Chaired by SACN."
    # Saving again replaces; saving empty removes.
    with any_demo_db.unit_of_work() as session:
        wf.record_minutes(
            session,
            meeting_id=m53,
            agenda_item_id=item.agenda_item_id,
            text="Adopted.",
            actor=actor,
            now=NOW,
        )
    with any_demo_db.unit_of_work() as session:
        count = session.scalar(
            select(func.count()).select_from(Minute).where(Minute.meeting_id == m53)
        )
        assert count == 2
        wf.record_minutes(
            session, meeting_id=m53, agenda_item_id=None, text=" ", actor=actor, now=NOW
        )
    with any_demo_db.unit_of_work() as session:
        rows = wf.meeting_minutes(session, meeting_id=m53)
    assert [r.text for r in rows if r.text] == ["Adopted."]
    # An agenda item of another meeting is refused.
    other = meeting_id_by_number(any_demo_db, 52)
    with any_demo_db.unit_of_work() as session:
        foreign = wf.meeting_minutes(session, meeting_id=other)[0].agenda_item_id
    with (
        pytest.raises(WorkflowError, match="not on the agenda of meeting 53"),
        any_demo_db.unit_of_work() as session,
    ):
        wf.record_minutes(
            session, meeting_id=m53, agenda_item_id=foreign, text="x", actor=actor, now=NOW
        )


def test_two_workstations_numbering_at_once_get_consecutive_numbers(pg_demo_db):
    """Two units of work add actions to different meetings at the same time (PostgreSQL)."""
    db = pg_demo_db
    actor = demo_actor(db)
    m52 = meeting_id_by_number(db, 52)
    m53 = meeting_id_by_number(db, 53)
    with db.unit_of_work() as session:
        highest = session.scalar(select(func.max(ActionItem.number)))
    second: dict[str, object] = {}

    def other_workstation() -> None:
        try:
            second["result"] = _add(db, m53, actor, "Second workstation's action")
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            second["error"] = exc

    with db.unit_of_work() as session:
        first = wf.add_action_item(
            session,
            meeting_id=m52,
            description="First workstation's action",
            owner_text="SACN secretariat",
            actor=actor,
            now=NOW,
        )
        thread = threading.Thread(target=other_workstation)
        thread.start()
        # The other insert waits on the unique number until this unit of work commits.
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second insert waits for the first to commit"
    thread.join(timeout=20)
    assert "error" not in second, second.get("error")
    assert first[1] == highest + 1
    assert second["result"][1] == highest + 2
