"""E-mail in the window: File ▸ E-mail… writes drafts (no server) or sends them to a real local
SMTP server (one set), the Outbox list shows them, and the message templates editor saves a
version or names the unknown placeholder."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from tests.mail_support import MailHandler, free_port
from tests.workflows.review_exchange_support import current_round_id, staff
from usrg_desktop.views.mail_dialog import open_mail_dialog
from usrg_desktop.views.outbox_view import edit_mail_templates
from usrg_desktop.workflows.mail import mail_server as ms

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)


def _outbox_page(qtbot, window):
    page = window.show_page("Administration", 3)
    qtbot.waitUntil(lambda: page.loaded)
    return page


def test_reminders_drafted_without_a_server_appear_in_the_outbox(qtbot, main_window, tmp_path):
    window = main_window
    dialog = open_mail_dialog(window, kind="reminder")
    dialog.what.setCurrentIndex(dialog.what.findData("reminder"))
    dialog.round.setCurrentIndex(dialog.round.findData(current_round_id(window.db)))
    assert not dialog.send.isEnabled() and dialog.drafts.isChecked()
    assert "No outgoing server is set" in dialog.server_note.text()
    dialog.folder.setText(str(tmp_path / "drafts"))
    dialog.grab().save(str(tmp_path / "mail-dialog.png"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.result_text))
    drafts = list((tmp_path / "drafts").glob("*.eml"))
    assert drafts and dialog.result_text.startswith(f"{len(drafts)} messages drafted.")
    page = _outbox_page(qtbot, window)
    assert page.model.rowCount() == len(drafts)
    assert {page.model.row_values(r)[2] for r in range(len(drafts))} == {"drafted"}


def test_with_a_server_set_the_dialog_sends(qtbot, main_window):
    from aiosmtpd.controller import Controller

    window = main_window
    handler, port = MailHandler(), free_port()
    with window.db.unit_of_work() as session:
        ms.set_mail_server(
            session, host="127.0.0.1", port=port, security="none", user="",
            sender="urbansafety@sacities.net", actor=staff(window.db, "admin"), now=NOW,
        )  # fmt: skip
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        dialog = open_mail_dialog(window)
        dialog.what.setCurrentIndex(dialog.what.findData("reminder"))
        dialog.round.setCurrentIndex(dialog.round.findData(current_round_id(window.db)))
        assert dialog.send.isChecked() and dialog.go.text() == "Send"
        qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(dialog.result_text))
        assert handler.received
        assert dialog.result_text == f"{len(handler.received)} messages sent."
    finally:
        controller.stop()


def test_the_template_editor_names_an_unknown_placeholder_and_saves_a_version(qtbot, main_window):
    editor = edit_mail_templates(main_window)
    editor.kind.setCurrentIndex(editor.kind.findData("packet"))
    assert editor.version.text() == "0 (as shipped)" and "{deadline}" in editor.body.toPlainText()
    editor.body.setPlainText("Please score by {deadline} and {due}.")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "{due} is not known" in editor.problem.text()
    editor.body.setPlainText("Please score by {deadline}.")
    assert editor.preview.toPlainText().endswith("Please score by 16 December 2026.")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.version.text() == "1" and "version 1" in editor.problem.text()


def test_the_letter_register_e_mails_the_chosen_letter(qtbot, main_window, tmp_path):
    from email import policy
    from email.parser import BytesParser

    from PySide6.QtWidgets import QPushButton

    from usrg_desktop.views.letters_view import letter_register
    from usrg_desktop.views.mail_dialog import MailDialog
    from usrg_desktop.workflows.letters.issuing import issue_letter

    window = main_window
    app_id = window.db.rows("SELECT id FROM applications WHERE state = 'approved'")[0][0]
    with window.db.unit_of_work() as session:
        letter_id = issue_letter(
            session, application_id=app_id, kind="award", actor=window.actor, now=NOW
        )
    page = letter_register(window)
    qtbot.waitUntil(lambda: page.loaded)
    assert page.select_id(letter_id)
    [email] = [b for b in page.findChildren(QPushButton) if b.text() == "E-mail…"]
    qtbot.mouseClick(email, Qt.MouseButton.LeftButton)
    [dialog] = window.findChildren(MailDialog)
    assert dialog.what.currentText() == "The 1 letter chosen" and not dialog.round.isEnabled()
    dialog.folder.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.result_text))
    [draft] = (tmp_path / "drafts").glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(draft.read_bytes())
    reference = window.db.rows(
        "SELECT reference FROM issued_letters WHERE id = :i", {"i": letter_id}
    )
    assert reference[0][0] in message["Subject"]


def test_the_attendance_tab_e_mails_the_meetings_invitations(qtbot, main_window, tmp_path):
    from usrg_desktop.views.attendance_panel import AttendancePanel
    from usrg_desktop.views.mail_dialog import MailDialog
    from usrg_desktop.workflows.meetings import attendance

    window = main_window
    meeting_id = window.db.rows("SELECT id FROM meetings WHERE status = 'planned' ORDER BY id")[0][
        0
    ]
    with window.db.unit_of_work() as session:
        attendance.invite_focal_persons(session, meeting_id=meeting_id, actor=window.actor, now=NOW)
    panel = AttendancePanel(window, meeting_id)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.email_button, Qt.MouseButton.LeftButton)
    [dialog] = window.findChildren(MailDialog)
    assert dialog.what.currentData() == "invitation"
    assert dialog.meeting.currentData() == meeting_id and dialog.meeting.isEnabled()
    dialog.folder.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.result_text))
    assert list((tmp_path / "drafts").glob("invitation-*.eml"))


def test_packets_already_exported_are_drafted_from_their_folder(qtbot, main_window, tmp_path):
    from tests.workflows.review_exchange_support import export_all

    window = main_window
    packets = export_all(window.db, tmp_path / "packets")
    dialog = open_mail_dialog(window, kind="packet_files")
    assert dialog.packets_folder.isEnabled() and not dialog.round.isEnabled()
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.result_text))
    assert dialog.result_text == "Choose the folder the packets were exported to."
    dialog.result_text = ""
    dialog.message.close()
    dialog.packets_folder.setText(str(tmp_path / "packets"))
    dialog.folder.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.result_text))
    assert len(list((tmp_path / "drafts").glob("packet-*.eml"))) == len(packets)
