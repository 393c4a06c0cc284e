"""Annexes as an agenda item's papers, on both engines: tied by the printed number, let go
when the item is taken off the agenda, refused for another meeting's item."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.cli.test_cli_annex import edge_to_edge
from tests.workflows.meeting_helpers import demo_actor
from usrg_desktop.workflows import WorkflowError
from usrg_desktop.workflows.meetings.agenda import remove_agenda_item
from usrg_desktop.workflows.meetings.annex_items import annex_rows, item_for_number
from usrg_desktop.workflows.meetings.meeting_pack import add_annex
from usrg_desktop.workflows.meetings.meeting_plans import meeting_id_for_number

NOW = datetime(2026, 11, 25, 9, 0)


def test_an_annex_tied_to_an_item_is_let_go_when_the_item_is_removed(any_demo_db, tmp_path):
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(edge_to_edge((595, 842), "PAPER"))
    actor = demo_actor(any_demo_db)
    with any_demo_db.unit_of_work() as s:
        meeting_id = meeting_id_for_number(s, number=53)
        item_id = item_for_number(s, meeting_id, 11)
        add_annex(
            s,
            meeting_id=meeting_id,
            path=paper,
            title="Working groups' notes",
            actor=actor,
            now=NOW,
            agenda_item_id=item_id,
        )
        assert [r[1:] for r in annex_rows(s, meeting_id)] == [
            ("A", "Working groups' notes", "paper.pdf", "11 Working groups")
        ]
        other = item_for_number(s, meeting_id_for_number(s, number=54), 3)
        with pytest.raises(WorkflowError, match="not on meeting 53's agenda"):
            add_annex(
                s, meeting_id=meeting_id, path=paper, title="x", actor=actor, now=NOW,
                agenda_item_id=other,
            )  # fmt: skip
    with any_demo_db.unit_of_work() as s:
        remove_agenda_item(s, item_id=item_id, actor=actor, now=NOW)
    with any_demo_db.unit_of_work() as s:
        assert [r[4] for r in annex_rows(s, meeting_id)] == [""]


def test_an_annex_is_tied_to_an_item_later_and_let_go_again(any_demo_db, tmp_path):
    from usrg_desktop.workflows.meetings.annex_items import set_annex_item

    paper = tmp_path / "paper.pdf"
    paper.write_bytes(edge_to_edge((595, 842), "PAPER"))
    actor = demo_actor(any_demo_db)
    with any_demo_db.unit_of_work() as s:
        meeting_id = meeting_id_for_number(s, number=53)
        annex_id = add_annex(s, meeting_id=meeting_id, path=paper, title="P", actor=actor, now=NOW)
        set_annex_item(
            s,
            annex_id=annex_id,
            agenda_item_id=item_for_number(s, meeting_id, 12),
            actor=actor,
            now=NOW,
        )
        assert annex_rows(s, meeting_id)[0][4] == "12 Innovation fund update"
        other = item_for_number(s, meeting_id_for_number(s, number=54), 12)
        with pytest.raises(WorkflowError, match="not on meeting 53's agenda"):
            set_annex_item(s, annex_id=annex_id, agenda_item_id=other, actor=actor, now=NOW)
        set_annex_item(s, annex_id=annex_id, agenda_item_id=None, actor=actor, now=NOW)
        assert annex_rows(s, meeting_id)[0][4] == ""
