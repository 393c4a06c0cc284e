"""`usrg mail`: drafts of a round's letters, sending reminders to a real local SMTP server,
the outbox, the server settings (the password in the keyring), and templates."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser

from tests.mail_support import MailHandler, free_port, use_memory_keyring
from usrg_desktop import cli
from usrg_desktop.workflows.mail.mail_server import KEYRING_SERVICE


def run(db, *args: str) -> int:
    return cli.main(["--database", str(db.path), *args])


def test_letters_become_drafts_and_the_outbox_lists_them(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    rnd = str(demo_db.rows("SELECT round_id FROM applications WHERE state = 'approved'")[0][0])
    assert run(demo_db, "--user", "secretariat", "letters", "--round", rnd, "--kind", "award",
               "--out", str(tmp_path / "letters")) == 0  # fmt: skip
    capsys.readouterr()
    out = tmp_path / "drafts"
    code = run(demo_db, "--user", "secretariat", "mail", "drafts", "--letters", rnd,
               "--kind", "award", "--out", str(out))  # fmt: skip
    printed = capsys.readouterr()
    letters = len(list((tmp_path / "letters").iterdir()))
    drafts = sorted(out.glob("*.eml"))
    assert code == 0, printed.err
    assert len(drafts) == letters and printed.out.splitlines()[-1] == f"{letters} messages drafted."
    draft = BytesParser(policy=policy.default).parsebytes(drafts[0].read_bytes())
    assert draft["X-Unsent"] == "1"
    assert [a.get_content_type() for a in draft.iter_attachments()] == ["application/pdf"]
    assert run(demo_db, "mail", "outbox", "--format", "json") == 0
    outbox = json.loads(capsys.readouterr().out)
    assert len(outbox) == letters and {r["status"] for r in outbox} == {"drafted"}


def test_reminders_are_sent_to_the_server_the_administrator_set(demo_db, capsys, monkeypatch):
    from aiosmtpd.controller import Controller

    keyring = use_memory_keyring()
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    assert run(demo_db, "--user", "secretariat", "mail", "send", "--reminders", "2") == 1
    assert "No outgoing mail server is set" in capsys.readouterr().err
    handler, port = MailHandler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # A secretariat member may not set the server; an administrator may.
        assert run(demo_db, "--user", "secretariat", "mail", "server", "--host", "127.0.0.1") == 1
        assert "Only an administrator" in capsys.readouterr().err
        code = run(demo_db, "--user", "admin", "mail", "server", "--host", "127.0.0.1",
                   "--port", str(port), "--security", "none")  # fmt: skip
        assert code == 0 and f"127.0.0.1:{port} (NONE)" in capsys.readouterr().out
        assert run(demo_db, "mail", "check") == 0
        assert "accepted the connection" in capsys.readouterr().out
        code = run(demo_db, "--user", "secretariat", "mail", "send", "--reminders",
                   "Innovation Fund 2026 Round 1", "--today", "2026-11-25")  # fmt: skip
        printed = capsys.readouterr()
        assert code == 0, printed.err
        assert printed.out.splitlines()[-1] == f"{len(handler.received)} messages sent."
        assert handler.received and "in 21 days" in handler.received[0].message.get_content()
        # A user name and the password from the environment, kept by the keyring.
        monkeypatch.setenv("USRG_SMTP_PASSWORD", "pw")
        code = run(demo_db, "--user", "admin", "mail", "server", "--smtp-user", "usrg",
                   "--ask-password")  # fmt: skip
        assert code == 0 and "Password: in the keyring" in capsys.readouterr().out
        assert keyring.passwords == {(KEYRING_SERVICE, f"usrg@127.0.0.1:{port}"): "pw"}
    finally:
        controller.stop()


def test_templates_are_shown_and_saved(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USRG_PASSWORD", "demo-password")
    assert run(demo_db, "mail", "template", "invitation") == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Version 0 (as shipped)") and "{meeting_dates}" in shown
    body = tmp_path / "body.txt"
    body.write_text("Dear {recipient_name}, see you on {meeting_dates} at {venu}.", "utf-8")
    assert run(demo_db, "--user", "secretariat", "mail", "template", "invitation",
               "--subject", "Meeting {meeting_number}", "--body-file", str(body)) == 1  # fmt: skip
    assert "{venu} is not known" in capsys.readouterr().err
    body.write_text("Dear {recipient_name}, see you on {meeting_dates} at {venue}.", "utf-8")
    assert run(demo_db, "--user", "secretariat", "mail", "template", "invitation",
               "--subject", "Meeting {meeting_number}", "--body-file", str(body)) == 0  # fmt: skip
    assert "Saved version 1" in capsys.readouterr().out
