"""Administration ▸ Outbox (what was drafted or sent, to whom, when, and failures with their
reason), the outgoing mail server an administrator sets (its password kept by the keyring),
and the editor of the e-mail message templates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..domain.accounts import Role
from ..workflows import WorkflowError
from .list_controller import current_row
from .mail_dialog import open_mail_dialog
from .operations import Refused, perform, read
from .window_size import close_keys, fit_on_screen


def setup_outbox_page(window: Any, page: Any) -> None:
    """Outbox list: E-mail…, Open draft, a status filter, the server and the templates."""

    def open_draft() -> None:
        row = current_row(page)
        if row is None:
            window.statusBar().showMessage("Choose a drafted message in the list first.", 5_000)
            return
        if row["status"] != "drafted":
            window.statusBar().showMessage("Only a drafted message has a file to open.", 5_000)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(row["where"])))

    page.add_action("E-mail…", lambda: open_mail_dialog(window), tip="Write or send messages")
    page.add_action("Open draft", open_draft, tip="Open the chosen draft in the mail program")
    page.add_action("Templates…", lambda: edit_mail_templates(window), tip="Edit message text")
    page.add_action("Server…", lambda: edit_mail_server(window), tip="The outgoing mail server")
    page.add_column_filter("status", "Status")


# -- the outgoing server ---------------------------------------------------------------------------
class MailServerDialog(QDialog):
    """Host, port, security, user and sender; the password goes to the keyring only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        from ..workflows.mail import mail_server as ms

        self.window = window
        self.setObjectName("mailServerDialog")
        self.setWindowTitle("Outgoing mail server")
        server = read(window.db, ms.mail_server)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.host = QLineEdit(server.host, objectName="mailHost")
        self.host.setPlaceholderText("smtp.example.org (empty: drafts only)")
        self.port = QSpinBox(objectName="mailPort")
        self.port.setRange(1, 65535)
        self.port.setValue(server.port)
        self.security = QComboBox(objectName="mailSecurity")
        for key in ms.SECURITY:
            self.security.addItem(ms.SECURITY_LABELS[key], key)
        self.security.setCurrentIndex(ms.SECURITY.index(server.security))
        self.user = QLineEdit(server.user, objectName="mailUser")
        self.password = QLineEdit(objectName="mailPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        kept = ms.stored_password(server) is not None
        self.password.setPlaceholderText(
            "kept in this computer's keyring" if kept else "typed here, kept by the keyring"
        )
        self.sender = QLineEdit(server.sender, objectName="mailSender")
        self.sender_name = QLineEdit(server.sender_name, objectName="mailSenderName")
        self.fields = {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "user": self.user,
            "sender": self.sender,
            "sender_name": self.sender_name,
        }
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("Se&curity:", self.security)
        form.addRow("&User name:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("&From address:", self.sender)
        form.addRow("From &name:", self.sender_name)
        layout.addLayout(form)
        self.note = QLabel(objectName="mailServerProblem")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.check = QPushButton("Check &connection", objectName="mailCheck")
        buttons.addButton(self.check, QDialogButtonBox.ButtonRole.ActionRole)
        self.check.clicked.connect(self.check_connection)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        admin = window.actor is not None and window.actor.role == Role.ADMINISTRATOR.value
        if not admin:
            for widget in (*self.fields.values(), self.password):
                widget.setEnabled(False)
            buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.note.setText("Only an administrator may change the outgoing mail server.")
        self.setMinimumWidth(520)
        close_keys(self)

    def save(self) -> bool:
        """Save the settings (and the password into the keyring); True when saved."""
        from ..workflows.mail import mail_server as ms

        try:
            ok, server = perform(
                self,
                self.window.db,
                ms.set_mail_server,
                host=self.host.text(),
                port=self.port.value(),
                security=self.security.currentData(),
                user=self.user.text(),
                sender=self.sender.text(),
                sender_name=self.sender_name.text(),
                actor=self.window.actor,
                now=clock.utc_now(),
                quiet=True,
            )
        except Refused as refused:
            if refused.errors:
                self.note.setText(" ".join(refused.errors.values()))
            else:
                self.note.setText(str(refused))
            return False
        if self.password.text():
            try:
                ms.store_password(server, self.password.text())
            except WorkflowError as exc:
                self.note.setText(str(exc))
                return False
        self.accept()
        return True

    def check_connection(self) -> None:
        """Connect with what is typed (the typed password, else the kept one) and say how."""
        from ..workflows.mail import mail_server as ms
        from ..workflows.mail.outbox import check_connection

        server = ms.MailServer(
            host=self.host.text().strip(),
            port=self.port.value(),
            security=self.security.currentData(),
            user=self.user.text().strip(),
        )
        password = self.password.text() or ms.stored_password(server)
        try:
            self.note.setText(check_connection(server, password))
        except WorkflowError as exc:
            self.note.setText(str(exc))


def edit_mail_server(window: Any) -> QWidget:
    """File ▸ Outgoing mail server…"""
    dialog = MailServerDialog(window)
    dialog.open()
    return dialog


# -- message templates -----------------------------------------------------------------------------
class MailTemplateEditor(QDialog):
    """Edit the subject and body of each kind of message; each save is a new version."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        from ..workflows.mail import mail_templates as mt

        self.window = window
        self.setObjectName("mailTemplateEditor")
        self.setWindowTitle("E-mail message templates")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox(objectName="mailTemplateKind")
        for key in mt.KINDS:
            self.kind.addItem(mt.KIND_LABELS[key].capitalize(), key)
        self.version = QLabel(objectName="mailTemplateVersion")
        self.subject = QLineEdit(objectName="mailTemplateSubject")
        self.body = QPlainTextEdit(objectName="mailTemplateBody")
        self.placeholders = QLabel(objectName="mailTemplatePlaceholders")
        self.placeholders.setWordWrap(True)
        form.addRow("&Message:", self.kind)
        form.addRow("Version:", self.version)
        form.addRow("&Subject:", self.subject)
        layout.addLayout(form)
        self.preview = QPlainTextEdit(objectName="mailTemplatePreview")
        self.preview.setReadOnly(True)
        self.preview.setToolTip("The message as a made-up recipient would receive it")
        texts = QSplitter(Qt.Orientation.Horizontal)
        texts.addWidget(self.body)
        texts.addWidget(self.preview)
        layout.addWidget(texts, 1)
        layout.addWidget(self.placeholders)
        self.problem = QLabel(objectName="mailTemplateProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(link);")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("&Save version", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("mailTemplateSave")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.seen_version = 0
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.subject.textChanged.connect(self.update_preview)
        self.body.textChanged.connect(self.update_preview)
        self.load()
        fit_on_screen(self, 1000, 600, grow=0.8)
        close_keys(self)

    def load(self) -> None:
        """Show the current version of the chosen kind's template."""
        from ..workflows.mail import mail_templates as mt

        kind = self.kind.currentData()
        text = read(self.window.db, mt.current_template, kind)
        self.seen_version = text.version
        self.version.setText(
            f"{text.version} (as shipped)" if text.version == 0 else str(text.version)
        )
        self.subject.setText(text.subject)
        self.body.setPlainText(text.body)
        self.placeholders.setText(
            "Placeholders: " + ", ".join(f"{{{p}}}" for p in mt.PLACEHOLDERS[kind])
        )
        self.problem.clear()

    def update_preview(self) -> None:
        """Show the text as typed, filled in for a made-up recipient."""
        from ..workflows.mail import mail_templates as mt

        kind = self.kind.currentData()
        text = mt.MailText(kind, 0, self.subject.text(), self.body.toPlainText())
        subject, body = text.render(mt.SAMPLE_VALUES[kind])
        self.preview.setPlainText(f"Subject: {subject}\n\n{body}")

    def save(self) -> None:
        """Save what is typed as a new version; a refusal is shown under the text."""
        from ..workflows.mail import mail_templates as mt

        try:
            ok, version = perform(
                self,
                self.window.db,
                mt.save_template,
                kind=self.kind.currentData(),
                subject=self.subject.text(),
                body=self.body.toPlainText(),
                actor=self.window.actor,
                now=clock.utc_now(),
                seen_version=self.seen_version,
                quiet=True,
            )
        except Refused as refused:
            self.problem.setText(str(refused))
            return
        self.seen_version = version
        self.version.setText(str(version))
        self.problem.setText(f"Saved as version {version}; the next messages use it.")


def edit_mail_templates(window: Any) -> QWidget:
    """Letters ▸ E-mail message templates…"""
    dialog = MailTemplateEditor(window)
    dialog.open()
    return dialog
