"""The E-mail… dialog: what to e-mail (a round's letters, review packets, a meeting's invitations,
review reminders) and how (drafts in a folder, or sent over the outgoing server), then the
result in one sentence per failure. The work runs behind a progress dialog
(workflows/mail/outbox.py)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from .operations import read
from .progress import run_with_progress
from .window_size import close_keys

WHAT = (
    ("letter", "Letters issued in a round"),
    ("packet", "Review packets of a round (exported afresh)"),
    ("packet_files", "Review packets already exported (from their folder)"),
    ("invitation", "Invitations to a meeting (with its .ics and agenda)"),
    ("reminder", "Reminders to reviewers with scores outstanding"),
)
LETTER_KINDS = (
    ("", "Every kind"),
    ("award", "Award letters"),
    ("decline", "Decline letters"),
    ("acknowledgement", "Acknowledgements of receipt"),
    ("ineligible", "Ineligibility notices"),
)


class MailDialog(QDialog):
    """Choose what to e-mail and how; Write drafts / Send runs it and shows what happened."""

    def __init__(
        self,
        window: Any,
        *,
        kind: str = "letter",
        round_id: int | None = None,
        meeting_id: int | None = None,
        letter_ids: list[int] | None = None,
    ) -> None:
        super().__init__(window)
        from ..workflows.letters.issuing import round_choices
        from ..workflows.mail.mail_messages import meeting_choices
        from ..workflows.mail.mail_server import mail_server

        self.window = window
        self.letter_ids = letter_ids
        self.result_text = ""
        self.message: QMessageBox | None = None
        self.setObjectName("mailDialog")
        self.setWindowTitle("E-mail")
        self.server = read(window.db, mail_server)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.what = QComboBox(objectName="mailWhat")
        for key, label in WHAT:
            self.what.addItem(label, key)
        if letter_ids:
            self.what.clear()
            n = len(letter_ids)
            self.what.addItem(f"The {n} letter{'s' if n != 1 else ''} chosen", "letter")
        if (i := self.what.findData(kind)) >= 0:
            self.what.setCurrentIndex(i)
        form.addRow("&What:", self.what)
        self.round = QComboBox(objectName="mailRound")
        for rid, name in read(window.db, round_choices):
            self.round.addItem(name, rid)
        if round_id is not None and (i := self.round.findData(round_id)) >= 0:
            self.round.setCurrentIndex(i)
        form.addRow("&Round:", self.round)
        self.kind = QComboBox(objectName="mailLetterKind")
        for key, label in LETTER_KINDS:
            self.kind.addItem(label, key)
        form.addRow("&Letters:", self.kind)
        self.meeting = QComboBox(objectName="mailMeeting")
        for mid, label in read(window.db, meeting_choices):
            self.meeting.addItem(label, mid)
        if meeting_id is not None and (i := self.meeting.findData(meeting_id)) >= 0:
            self.meeting.setCurrentIndex(i)
        form.addRow("&Meeting:", self.meeting)
        self.pending = QCheckBox("Only those who have not replied", objectName="mailPending")
        form.addRow("", self.pending)
        packets_row = QHBoxLayout()
        self.packets_folder = QLineEdit(objectName="mailPacketsFolder")
        self.packets_folder.setPlaceholderText("the folder the packets were exported to")
        self.packets_browse = QPushButton("Bro&wse…")
        self.packets_browse.clicked.connect(self._browse_packets)
        packets_row.addWidget(self.packets_folder)
        packets_row.addWidget(self.packets_browse)
        form.addRow("Packets:", packets_row)
        layout.addLayout(form)

        self.drafts = QRadioButton("Write &drafts (.eml) into a folder", objectName="mailDrafts")
        self.send = QRadioButton("&Send now through the outgoing server", objectName="mailSend")
        how = QButtonGroup(self)
        how.addButton(self.drafts)
        how.addButton(self.send)
        folder_row = QHBoxLayout()
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        stamp = clock.local_now().strftime("%Y-%m-%d %H%M")
        default = Path(documents or Path.home()) / "USRG e-mail drafts" / stamp
        self.folder = QLineEdit(str(default), objectName="mailFolder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder)
        folder_row.addWidget(browse)
        layout.addWidget(self.drafts)
        layout.addLayout(folder_row)
        layout.addWidget(self.send)
        self.server_note = QLabel(objectName="mailServerNote")
        self.server_note.setWordWrap(True)
        layout.addWidget(self.server_note)
        if self.server.configured:
            self.server_note.setText(f"Sent through {self.server.describe()}.")
            self.send.setChecked(True)
        else:
            self.server_note.setText(
                "No outgoing server is set, so the messages are written as drafts: open each "
                "one in Outlook or Thunderbird and press Send. An administrator can set a server "
                "under File ▸ Outgoing mail server…"
            )
            self.send.setEnabled(False)
            self.drafts.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = buttons.addButton("Write drafts", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setObjectName("mailGo")
        self.go.clicked.connect(self.run)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.what.currentIndexChanged.connect(self._update)
        self.drafts.toggled.connect(self._update)
        self._update()
        self.setMinimumWidth(580)
        close_keys(self)

    def _update(self, *_args: object) -> None:
        what = self.what.currentData()
        fixed = bool(self.letter_ids)
        self.round.setEnabled(not fixed and what in ("letter", "packet", "reminder"))
        self.kind.setEnabled(not fixed and what == "letter")
        self.meeting.setEnabled(what == "invitation")
        self.pending.setEnabled(what == "invitation")
        self.packets_folder.setEnabled(what == "packet_files")
        self.packets_browse.setEnabled(what == "packet_files")
        self.folder.setEnabled(self.drafts.isChecked())
        self.go.setText("Write drafts" if self.drafts.isChecked() else "Send")

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the drafts", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _browse_packets(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Folder of the exported packets", self.packets_folder.text()
        )
        if chosen:
            self.packets_folder.setText(chosen)

    def _password(self) -> tuple[bool, str | None]:
        from ..workflows.mail.mail_server import stored_password

        if not self.server.user:
            return True, None
        kept = stored_password(self.server)
        if kept is not None:
            return True, kept
        text, ok = QInputDialog.getText(
            self,
            "Mail server password",
            f"Password for {self.server.user} at {self.server.host}:",
            QLineEdit.EchoMode.Password,
        )
        return ok, text if ok else None

    def choices(self) -> dict[str, Any]:
        """What the dialog is set to, as plain values (the work runs on another thread)."""
        return {
            "what": self.what.currentData(),
            "round_id": self.round.currentData(),
            "kind": self.kind.currentData() or None,
            "meeting_id": self.meeting.currentData(),
            "pending": self.pending.isChecked(),
            "drafts": self.drafts.isChecked(),
            "folder": Path(self.folder.text()),
            "packets_folder": self.packets_folder.text().strip(),
        }

    def _work(
        self, chosen: dict[str, Any], password: str | None
    ) -> Generator[tuple[int, int, str], None, Any]:
        from ..workflows.mail import mail_messages as mm
        from ..workflows.mail.outbox import send_messages, write_drafts

        db, actor, now = self.window.db, self.window.actor, clock.utc_now()
        yield 0, 2, "Preparing the messages"
        messages = mm.messages_for(
            db,
            what=chosen["what"],
            actor=actor,
            now=now,
            today=clock.today(),
            round_id=chosen.get("round_id"),
            kind=chosen.get("kind"),
            letter_ids=self.letter_ids or None,
            packets_folder=chosen.get("packets_folder"),
            meeting_id=chosen.get("meeting_id"),
            only_pending=bool(chosen.get("pending")),
        )
        n = len(messages)
        doing = "Writing" if chosen["drafts"] else "Sending"
        yield 1, 2, f"{doing} {n} message{'s' if n != 1 else ''}"
        if chosen["drafts"]:
            return write_drafts(
                db, messages, out_dir=chosen["folder"], server=self.server,
                actor=actor, now=now,
            )  # fmt: skip
        return send_messages(
            db, messages, server=self.server, password=password, actor=actor, now=now
        )

    def run(self) -> None:
        """Make the messages and write or send them; say what happened."""
        chosen = self.choices()
        password: str | None = None
        if self.send.isChecked():
            ok, password = self._password()
            if not ok:
                return
        outcome = run_with_progress(self, "E-mail", lambda: self._work(chosen, password))
        self.window.changes_made()
        if outcome.cancelled:
            return
        if outcome.error is not None:
            self._tell(outcome.error, warning=True)
            return
        result = outcome.result
        verb = "drafted" if self.drafts.isChecked() else "sent"
        text = result.summary(verb=verb)
        if self.drafts.isChecked() and result.done:
            text += f"\n\nThe drafts are in {self.folder.text()}."
        self._tell(text, warning=bool(result.failed))
        if not result.failed:
            self.accept()

    def _tell(self, text: str, *, warning: bool) -> None:
        self.result_text = text
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        self.message = QMessageBox(icon, "E-mail", text, parent=self.window)
        self.message.setObjectName("mailResult")
        self.message.open()


def open_mail_dialog(window: Any, **preset: Any) -> QWidget:
    """Open the E-mail… dialog, optionally preset (kind, round_id, meeting_id, letter_ids)."""
    dialog = MailDialog(window, **preset)
    dialog.open()
    return dialog


def mail_command(window: Any) -> QWidget:
    """File ▸ E-mail…"""
    return open_mail_dialog(window)
