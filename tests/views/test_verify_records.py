"""Administration ▸ Users ▸ Verify records…, and the self-test failing on a forged history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import text

from tests.views.conftest import answer_modal
from usrg_desktop import app


def _forge_an_approval(db) -> int:
    """Change who approved an application, with the append-only triggers out of the way."""
    (event_id,) = db.rows("SELECT MIN(id) FROM audit_events WHERE action = 'approve'")[0]
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(
            text("UPDATE audit_events SET actor_name = 'Someone Else' WHERE id = :id"),
            {"id": event_id},
        )
        conn.execute(
            text(
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        )
    return event_id


def test_verify_records_shows_the_result_and_when_it_last_ran(qtbot, main_window):
    page = main_window.show_page("Administration", 0)
    button = page.findChild(type(page.users_controller.verify_button), "action_Verifyrecords")
    assert button is page.users_controller.verify_button and button.isEnabled()
    assert "not been checked yet" in button.toolTip()

    seen = answer_modal("OK")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert "verifies:" in seen[0] and "audit events chained, integrity check ok." in seen[0]
    assert "These records had not been checked before." in seen[0]
    assert "Last checked 2026-11-25" in button.toolTip() and "all verified" in button.toolTip()

    event_id = _forge_an_approval(main_window.db)
    seen = answer_modal("OK")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0].startswith(f"Audit event {event_id} (approve of USRG-IF-")
    assert "Before this check: last checked 2026-11-25" in seen[0]
    assert "a problem was found" in button.toolTip()


def test_the_self_test_fails_on_a_forged_history(demo_db, capsys):
    assert app.main(["--self-test", "--database", str(demo_db.path)]) == 0
    assert "integrity check ok." in capsys.readouterr().out
    event_id = _forge_an_approval(demo_db)
    demo_db.dispose()
    assert app.main(["--self-test", "--database", str(demo_db.path)]) == 1
    assert f"Self-test failed: Audit event {event_id} (approve of" in capsys.readouterr().err
