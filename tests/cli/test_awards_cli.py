"""`usrg awards …`: the list with --overdue, overdue items, one award, and paying a tranche."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select

from usrg_desktop import cli
from usrg_desktop.domain.accounts import Role
from usrg_desktop.domain.awards import Award, Tranche
from usrg_desktop.domain.grants import Application
from usrg_desktop.workflows import Actor
from usrg_desktop.workflows.awards import award_tracking as at

TODAY = "2026-11-25"


def run(db, *args) -> int:
    return cli.main(["--database", str(db.path), "awards", *args])


def test_list_overdue_only_matches_the_overdue_items(demo_db, capsys):
    assert run(demo_db, "list", "--today", TODAY, "--format", "json") == 0
    everything = json.loads(capsys.readouterr().out)
    assert run(demo_db, "list", "--today", TODAY, "--overdue", "--format", "json") == 0
    overdue = json.loads(capsys.readouterr().out)
    assert run(demo_db, "overdue", "--today", TODAY, "--format", "json") == 0
    items = json.loads(capsys.readouterr().out)
    assert {r["number"] for r in overdue} == {i["award"] for i in items}
    assert 0 < len(overdue) < len(everything)
    assert all(r["overdue"] for r in overdue)
    assert all(i["days_overdue"] > 0 and i["due_on"] < TODAY for i in items)


def test_pay_a_tranche_from_the_command_line(demo_db, capsys, monkeypatch):
    with demo_db.unit_of_work() as s:
        award = s.scalars(
            select(Award)
            .join(Application, Application.id == Award.application_id)
            .where(Application.state == "awarded")
            .order_by(Award.id)
        ).first()
        number = award.number
        at.record_agreement_signed(
            s,
            award_id=award.id,
            signed_on=date(2026, 11, 20),
            actor=Actor(None, "Test", Role.SECRETARIAT),
            now=datetime(2026, 11, 25, 8),
        )
        first = s.scalar(
            select(Tranche.id).where(Tranche.award_id == award.id, Tranche.position == 1)
        )
        second = s.scalar(
            select(Tranche.id).where(Tranche.award_id == award.id, Tranche.position == 2)
        )
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    assert run(demo_db, "pay", str(first), "--on", "2026-11-24", "--reference", "EFT 2026/881") == 0
    assert "recorded as paid on 2026-11-24" in capsys.readouterr().out
    # The interim-report tranche waits for the report: one sentence, exit 1, nothing written.
    assert run(demo_db, "pay", str(second), "--on", "2026-11-24", "--reference", "EFT 9") == 1
    err = capsys.readouterr().err
    assert err.startswith("usrg: Tranche 2 (on the interim report) of ") and "Traceback" not in err
    assert "is paid once the interim report is accepted." in err
    assert run(demo_db, "show", number, "--today", TODAY) == 0
    shown = capsys.readouterr().out
    rows = [line.split() for line in shown.splitlines()]
    assert [str(first), "Tranche", "1", "(on", "signature)"] in [r[:5] for r in rows]
    assert "2026-11-24  paid" in shown
    with demo_db.unit_of_work() as s:
        assert s.get(Tranche, first).paid_on == date(2026, 11, 24)
        assert s.get(Tranche, second).paid_on is None


def test_unknown_award_is_one_sentence(demo_db, capsys):
    assert run(demo_db, "show", "USRG-AW-1999-001") == 1
    assert capsys.readouterr().err == "usrg: There is no award numbered 'USRG-AW-1999-001'.\n"


def test_an_award_from_letter_to_close_on_the_command_line(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("USRG_USER", "secretariat")
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    with demo_db.unit_of_work() as s:
        award = s.scalars(
            select(Award)
            .join(Application, Application.id == Award.application_id)
            .where(Application.state == "awarded")
            .order_by(Award.id.desc())
        ).first()
        number, amount, start = award.number, award.amount_cents, award.awarded_on
    due = start.isoformat()
    # A schedule that does not add up is refused with the difference, and nothing changes.
    assert run(demo_db, "schedule", number, "--tranche", f"signature:60 %:{due}") == 1
    assert capsys.readouterr().err == (
        "usrg: The tranches add up to 60 %, 40 % short of the whole award.\n"
    )
    assert run(demo_db, "schedule", number, "--tranche", "signature 60 %") == 1
    assert "is not TRIGGER:SHARE:DUE" in capsys.readouterr().err
    assert (
        run(
            demo_db,
            "schedule",
            number,
            "--tranche",
            f"signature:70 %:{due}",
            "--tranche",
            f"final report:30 %:{due}",
        )
        == 0
    )
    assert "schedule of 2 tranche(s) saved" in capsys.readouterr().out
    assert run(demo_db, "sign", number, "--on", "2026-11-02") == 0
    with demo_db.unit_of_work() as s:
        detail = at.award_detail(s, at.award_id_by_number(s, number), date(2026, 11, 25))
    first, last = detail.tranches
    interim, final = detail.milestones
    assert first.amount_cents + last.amount_cents == amount
    assert run(demo_db, "pay", str(first.id), "--on", "2026-11-03", "--reference", "EFT 1") == 0
    assert run(demo_db, "close", number) == 1
    assert "cannot close: the final report of " + number in capsys.readouterr().err
    assert run(demo_db, "report", str(final.id), "--received", "2026-11-20") == 0
    assert run(demo_db, "report", str(final.id), "--accepted", "2026-11-24") == 0
    assert run(demo_db, "cancel", str(last.id), "--reason", "Savings on the project") == 0
    assert run(demo_db, "close", number) == 0
    assert f"{number} closed." in capsys.readouterr().out
    with demo_db.unit_of_work() as s:
        app_state = s.scalar(
            select(Application.state)
            .join(Award, Award.application_id == Application.id)
            .where(Award.number == number)
        )
    assert app_state == "closed"
