"""E-mail messages with their attachments: written as drafts (.eml files), or sent over SMTP.

`mail_messages.py` makes the messages (`Outgoing`) from letters, review packets, invitations
and reminders; this module delivers them and keeps the outbox.

Drafts. One `.eml` file per recipient (RFC 5322, CRLF line ends) with the header `X-Unsent: 1`,
which Outlook honours by opening the file as a new message ready to send; Thunderbird opens it
too (File ▸ Open ▸ Saved message, then Edit as new). Every file is written under a temporary
name first; the outbox rows and the history of each record are written in one unit of work,
and only then are the files given their names: a failure leaves neither files nor rows.

Sending. Over SMTP to the server an administrator set (`mail_server.py`), with STARTTLS or TLS
from the start, signing in with the password from the operating system's keyring. Each message
is recorded on its own as soon as the server has answered for it: sent, or failed with the
server's reason. A message to a person without a plausible e-mail address is not attempted and
is recorded as failed with that reason.
"""

from __future__ import annotations

import email.policy
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ...domain.mail import OutboxMessage
from .. import Actor, Column, Listing, WorkflowError
from ..system.audit_trail import audit
from .mail_server import MailServer, plausible_address

if TYPE_CHECKING:
    from ...storage import Database

DRAFT_SUFFIX = ".eml"
# CRLF line ends as SMTP wants; headers folded only past 120 characters (RFC 5322 allows 998),
# so that the sender's name and address stay on the From line as people expect to see them.
_POLICY = email.policy.SMTP.clone(max_line_length=120)
TIMEOUT_SECONDS = 30
KIND_NOUNS = {
    "letter": "letter",
    "packet": "review packet",
    "invitation": "invitation",
    "reminder": "review reminder",
}


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class Outgoing:
    """One message to one person, about one record, ready to draft or send."""

    kind: str
    entity: str
    entity_id: int
    about: str  # what the message is about, for file names and the outbox: "USRG-…/AWD"
    recipient_name: str
    recipient_email: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


@dataclass
class MailResult:
    """What a delivery did: the drafts written or messages sent, and each failure's reason."""

    done: list[tuple[str, str]] = field(default_factory=list)  # (recipient, file or address)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (recipient, reason)

    def summary(self, *, verb: str) -> str:
        """'3 messages drafted; 1 failed: Thandi Nkosi has no e-mail address.'"""
        n = len(self.done)
        text = f"{n} message{'s' if n != 1 else ''} {verb}"
        if self.failed:
            reasons = " ".join(reason for _who, reason in self.failed[:3])
            more = f" (and {len(self.failed) - 3} more)" if len(self.failed) > 3 else ""
            text += f"; {len(self.failed)} failed: {reasons}{more}"
        return text + ("" if text.endswith(".") else ".")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def build_message(
    message: Outgoing, *, server: MailServer, now: datetime, draft: bool
) -> EmailMessage:
    """The RFC 5322 message: headers, the text body and every attachment."""
    mail = EmailMessage(policy=_POLICY)
    mail["From"] = formataddr((_one_line(server.sender_name), server.sender))
    mail["To"] = formataddr((_one_line(message.recipient_name), message.recipient_email.strip()))
    mail["Subject"] = _one_line(message.subject)
    moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    mail["Date"] = format_datetime(moment.astimezone(UTC))
    mail["Message-ID"] = make_msgid(domain=server.sender.rpartition("@")[2] or "sacities.net")
    if draft:
        # Outlook opens a message with this header as an unsent draft, ready to send.
        mail["X-Unsent"] = "1"
    mail.set_content(message.body.replace("\r\n", "\n"))
    for attachment in message.attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        mail.add_attachment(
            attachment.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return mail


def _address_problem(message: Outgoing) -> str:
    name = _one_line(message.recipient_name) or "The recipient"
    if not message.recipient_email.strip():
        return f"{name} has no e-mail address in the directory."
    if not plausible_address(message.recipient_email):
        return f"{name}'s e-mail address '{message.recipient_email.strip()}' is not valid."
    return ""


def _row(
    message: Outgoing,
    *,
    status: str,
    reason: str = "",
    location: str = "",
    message_id: str = "",
    actor: Actor,
    now: datetime,
) -> OutboxMessage:
    return OutboxMessage(
        kind=message.kind,
        entity=message.entity,
        entity_id=message.entity_id,
        recipient_name=_one_line(message.recipient_name)[:200],
        recipient_email=message.recipient_email.strip()[:254],
        subject=_one_line(message.subject)[:300],
        attachments="\n".join(a.filename for a in message.attachments),
        status=status,
        reason=reason,
        location=location,
        message_id=message_id[:300],
        created_at=now,
        created_by_user_id=actor.user_id,
    )


def _record(session: Session, row: OutboxMessage, message: Outgoing, actor: Actor) -> None:
    """The outbox row, and on the record's history what was drafted or sent (not a failure)."""
    session.add(row)
    if row.status == "failed":
        return
    verb = "E-mailed" if row.status == "sent" else "Drafted an e-mail with"
    files = (
        f" ({', '.join(a.filename for a in message.attachments)})" if message.attachments else ""
    )
    audit(
        session,
        actor=actor,
        now=row.created_at,
        entity=message.entity,
        entity_id=message.entity_id,
        action="email_sent" if row.status == "sent" else "email_drafted",
        detail=(
            f"{verb} the {KIND_NOUNS.get(message.kind, message.kind)} {message.about} to "
            f"{row.recipient_name} <{row.recipient_email}>{files}"
        ),
    )


# -- drafts ---------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60]


def draft_file_name(message: Outgoing) -> str:
    """'letter-usrg-if-2026-1-003-awd-thandi-nkosi.eml': kind, what, who, in plain letters."""
    parts = [message.kind, _slug(message.about), _slug(message.recipient_name)]
    return "-".join(p for p in parts if p) + DRAFT_SUFFIX


def _free_name(folder: Path, name: str, taken: set[str]) -> Path:
    stem, suffix = name[: -len(DRAFT_SUFFIX)], DRAFT_SUFFIX
    candidate, n = name, 1
    while candidate in taken or (folder / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate)
    return folder / candidate


def _drafts_folder(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    if not str(out_dir).strip():
        raise WorkflowError("Say which folder the drafts go in.")
    if out.exists() and not out.is_dir():
        raise WorkflowError(f"The drafts folder {out} is a file, not a folder.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkflowError(f"The drafts folder {out} cannot be made: {exc.strerror}.") from None
    return out


def write_drafts(
    db: Database,
    messages: Sequence[Outgoing],
    *,
    out_dir: str | Path,
    server: MailServer,
    actor: Actor,
    now: datetime,
) -> MailResult:
    """Write one .eml draft per message into `out_dir` and record them in the outbox.

    All or nothing: the files are written under temporary names, the outbox and histories in
    one unit of work, and the files are named only once that is saved.
    """
    if not messages:
        raise WorkflowError("There are no messages to draft.")
    folder = _drafts_folder(out_dir)
    result = MailResult()
    written: list[tuple[Path, Path]] = []  # (temporary, final)
    rows: list[tuple[OutboxMessage, Outgoing]] = []
    taken: set[str] = set()
    try:
        for message in messages:
            problem = _address_problem(message)
            if problem:
                rows.append(
                    (_row(message, status="failed", reason=problem, actor=actor, now=now), message)
                )
                result.failed.append((message.recipient_name, problem))
                continue
            mail = build_message(message, server=server, now=now, draft=True)
            final = _free_name(folder, draft_file_name(message), taken)
            temporary = final.with_name(final.name + ".part")
            try:
                temporary.write_bytes(mail.as_bytes())
            except OSError as exc:
                raise WorkflowError(
                    f"The draft {final.name} could not be written in {folder}: {exc.strerror}; "
                    "no draft was kept."
                ) from exc
            written.append((temporary, final))
            row = _row(
                message,
                status="drafted",
                location=str(final),
                message_id=str(mail["Message-ID"]),
                actor=actor,
                now=now,
            )
            rows.append((row, message))
            result.done.append((message.recipient_name, str(final)))
        with db.unit_of_work() as session:
            for row, message in rows:
                _record(session, row, message, actor)
        for temporary, final in written:
            temporary.replace(final)
    except BaseException:
        for temporary, _final in written:
            temporary.unlink(missing_ok=True)
        raise
    return result


# -- sending --------------------------------------------------------------------------------------
SmtpFactory = Callable[[MailServer], smtplib.SMTP]


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{exc.smtp_code} {_one_line(text)}".strip()


def _connect(
    server: MailServer, password: str | None, context: ssl.SSLContext | None
) -> smtplib.SMTP:
    """An SMTP connection to the server, secured and signed in as it is set."""
    where = f"{server.host}:{server.port}"
    context = context or ssl.create_default_context()
    smtp: smtplib.SMTP | None = None
    try:
        if server.security == "tls":
            smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        smtp.ehlo()
        if server.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, password or "")
        return smtp
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise WorkflowError(
            f"The mail server {where} refused the user name or password ({_reply(exc)}); "
            "nothing was sent."
        ) from None
    except smtplib.SMTPNotSupportedError:
        _close(smtp)
        what = "STARTTLS" if server.security == "starttls" else "signing in"
        raise WorkflowError(
            f"The mail server {where} does not offer {what}; check the server settings. "
            "Nothing was sent."
        ) from None
    except smtplib.SMTPResponseException as exc:
        _close(smtp)
        raise WorkflowError(
            f"The mail server {where} refused the connection ({_reply(exc)}); nothing was sent."
        ) from None
    except ssl.SSLError as exc:
        _close(smtp)
        raise WorkflowError(
            f"The secure connection to the mail server {where} failed ({exc.reason or exc}); "
            "nothing was sent."
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise WorkflowError(
            f"The mail server {where} could not be reached ({reason}); nothing was sent."
        ) from None


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def check_connection(
    server: MailServer, password: str | None, *, context: ssl.SSLContext | None = None
) -> str:
    """Connect, secure and sign in, then leave: a sentence saying it worked (or WorkflowError)."""
    if not server.configured:
        raise WorkflowError("No outgoing mail server is set; an administrator must set one.")
    _close(_connect(server, password, context))
    return f"The mail server {server.describe()} accepted the connection."


def _send_one(smtp: smtplib.SMTP, mail: EmailMessage, message: Outgoing) -> str:
    """'' when the server took the message, else the reason it gave."""
    try:
        refused = smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return (
            f"The server refused the address {message.recipient_email.strip()} "
            f"({code} {_one_line(reply)})."
        )
    except smtplib.SMTPSenderRefused as exc:
        return f"The server refused the sender {exc.sender} ({_reply(exc)})."
    except smtplib.SMTPResponseException as exc:
        return f"The server refused the message ({_reply(exc)})."
    if refused:
        return f"The server refused the address {message.recipient_email.strip()}."
    return ""


def send_messages(
    db: Database,
    messages: Sequence[Outgoing],
    *,
    server: MailServer,
    password: str | None,
    actor: Actor,
    now: datetime,
    context: ssl.SSLContext | None = None,
) -> MailResult:
    """Send each message over the server, recording each in the outbox as the server answers.

    A server that cannot be reached or refuses the sign-in fails every message with its reason
    (recorded), and the sentence is raised. A message the server refuses fails alone.
    """
    if not messages:
        raise WorkflowError("There are no messages to send.")
    if not server.configured:
        raise WorkflowError(
            "No outgoing mail server is set; write the messages as drafts instead, or ask an "
            "administrator to set a server."
        )
    result = MailResult()
    to_send: list[Outgoing] = []
    with db.unit_of_work() as session:
        for message in messages:
            problem = _address_problem(message)
            if problem:
                _record(
                    session,
                    _row(message, status="failed", reason=problem, actor=actor, now=now),
                    message,
                    actor,
                )
                result.failed.append((message.recipient_name, problem))
            else:
                to_send.append(message)
    if not to_send:
        return result
    try:
        smtp = _connect(server, password, context)
    except WorkflowError as exc:
        with db.unit_of_work() as session:
            for message in to_send:
                row = _row(message, status="failed", reason=str(exc), actor=actor, now=now)
                _record(session, row, message, actor)
        raise
    try:
        for n, message in enumerate(to_send):
            mail = build_message(message, server=server, now=now, draft=False)
            try:
                problem = _send_one(smtp, mail, message)
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                reason = (
                    f"The mail server {server.host} closed the connection "
                    f"({getattr(exc, 'strerror', None) or exc}); the message was not sent."
                )
                with db.unit_of_work() as session:
                    for rest in to_send[n:]:
                        _record(
                            session,
                            _row(rest, status="failed", reason=reason, actor=actor, now=now),
                            rest,
                            actor,
                        )
                result.failed += [(rest.recipient_name, reason) for rest in to_send[n:]]
                return result
            status = "failed" if problem else "sent"
            row = _row(
                message,
                status=status,
                reason=problem,
                location="" if problem else server.describe(),
                message_id=str(mail["Message-ID"]),
                actor=actor,
                now=now,
            )
            with db.unit_of_work() as session:
                _record(session, row, message, actor)
            if problem:
                result.failed.append((message.recipient_name, problem))
            else:
                result.done.append((message.recipient_name, message.recipient_email.strip()))
    finally:
        _close(smtp)
    return result


# -- the outbox -----------------------------------------------------------------------------------
OUTBOX_COLUMNS = [
    Column("when", "When", "datetime"),
    Column("kind", "Kind"),
    Column("status", "Status"),
    Column("recipient", "To"),
    Column("email", "E-mail address"),
    Column("subject", "Subject"),
    Column("attachments", "Attachments"),
    Column("reason", "Reason it failed"),
    Column("where", "Draft file or server"),
    Column("by", "By"),
]


def outbox_listing(db: Database, *, status: str | None = None) -> Listing:
    """Every message drafted, sent or failed, newest first."""
    from ..system.dates import sast_minutes

    params: dict[str, object] = {}
    where = ""
    if status:
        where = "WHERE o.status = :status"
        params["status"] = status
    rows = db.rows(
        f"""
        SELECT o.id, o.created_at, o.kind, o.status, o.recipient_name, o.recipient_email,
               o.subject, o.attachments, o.reason, o.location, u.display_name
        FROM outbox_messages o
        LEFT JOIN users u ON u.id = o.created_by_user_id
        {where}
        ORDER BY o.created_at DESC, o.id DESC
        """,
        params,
    )
    return Listing(
        "Outbox",
        OUTBOX_COLUMNS,
        [_outbox_row(row[1:], sast_minutes) for row in rows],
        ids=[int(r[0]) for r in rows],
    )


def _outbox_row(row: tuple, sast_minutes: Callable) -> tuple:
    at, kind, status, name, address, subject, attachments, reason, location, by = row
    return (
        sast_minutes(at),
        KIND_NOUNS.get(kind, kind),
        status,
        name,
        address,
        subject,
        ", ".join(attachments.splitlines()),
        reason,
        location,
        by or "",
    )
