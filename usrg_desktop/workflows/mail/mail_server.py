"""The outgoing mail server an administrator sets: host, port, security, user and sender.

The settings live in the database (`settings` table, shared by every workstation); the
password never does: it is kept by the operating system's keyring (Windows Credential Manager,
macOS Keychain, the Secret Service on Linux) through the `keyring` package, under
`KEYRING_SERVICE` and "user@host:port". A workstation without a usable keyring can still write
drafts; sending then asks for the password each time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ...domain.accounts import Role, Setting
from .. import Actor, FieldErrors, PermissionDenied, WorkflowError
from ..system.audit_trail import audit

KEYRING_SERVICE = "USRG Desktop outgoing mail"
SECURITY = ("starttls", "tls", "none")
SECURITY_LABELS = {
    "starttls": "STARTTLS (usually port 587)",
    "tls": "TLS from the start (usually port 465)",
    "none": "none (a server on this computer or network only)",
}
DEFAULT_SENDER = "urbansafety@sacities.net"
DEFAULT_SENDER_NAME = "USRG secretariat (South African Cities Network)"
_KEYS = ("host", "port", "security", "user", "sender", "sender_name")
_PREFIX = "mail."
# A deliberately plain check: something@domain.tld, no spaces, no angle brackets or commas.
_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"'.]+(\.[^@\s<>,;\"'.]+)+")


def plausible_address(address: str) -> bool:
    """Whether text looks like one e-mail address (name@example.org)."""
    return bool(_ADDRESS.fullmatch(address.strip())) and len(address.strip()) <= 254


@dataclass(frozen=True)
class MailServer:
    """Where messages are sent from: an empty host means no server (drafts only)."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender: str = DEFAULT_SENDER
    sender_name: str = DEFAULT_SENDER_NAME

    @property
    def configured(self) -> bool:
        """Whether an administrator has set a server to send through."""
        return bool(self.host)

    @property
    def keyring_user(self) -> str:
        """The name the password is kept under in the keyring."""
        return f"{self.user}@{self.host}:{self.port}"

    def describe(self) -> str:
        """'smtp.example.org:587 (STARTTLS) as secretariat' or 'no server (drafts only)'."""
        if not self.configured:
            return "no server (drafts only)"
        who = f" as {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({self.security.upper()}){who}"


def mail_server(session: Session) -> MailServer:
    """The server the administrator set (an unset one sends nothing)."""
    values = {
        key: row.value
        for key in _KEYS
        if (row := session.get(Setting, _PREFIX + key)) is not None and row.value != ""
    }
    port = values.get("port", "587")
    return MailServer(
        host=values.get("host", ""),
        port=int(port) if port.isdigit() else 587,
        security=values.get("security", "starttls"),
        user=values.get("user", ""),
        sender=values.get("sender", DEFAULT_SENDER),
        sender_name=values.get("sender_name", DEFAULT_SENDER_NAME),
    )


def set_mail_server(
    session: Session,
    *,
    host: str,
    port: int | str,
    security: str,
    user: str,
    sender: str,
    sender_name: str = DEFAULT_SENDER_NAME,
    actor: Actor,
    now: datetime,
) -> MailServer:
    """Set (or, with an empty host, clear) the outgoing server; administrator only."""
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may set the outgoing mail server.")
    errors: dict[str, str] = {}
    host = host.strip()
    if host and (len(host) > 253 or not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host)):
        errors["host"] = "The server's name must be a host name like smtp.example.org."
    port_text = str(port).strip()
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        errors["port"] = "The port must be a whole number from 1 to 65535 (587 or 465 usually)."
    if security not in SECURITY:
        errors["security"] = "The security must be one of: " + ", ".join(SECURITY) + "."
    if len(user) > 200 or any(ch in user for ch in "\r\n"):
        errors["user"] = "The user name must be one line of at most 200 characters."
    if not plausible_address(sender):
        errors["sender"] = "The sender must be one e-mail address, like urbansafety@sacities.net."
    if len(sender_name) > 200 or any(ch in sender_name for ch in "\r\n"):
        errors["sender_name"] = "The sender's name must be one line of at most 200 characters."
    if errors:
        raise FieldErrors(errors)
    values = {
        "host": host,
        "port": port_text,
        "security": security,
        "user": user.strip(),
        "sender": sender.strip(),
        "sender_name": sender_name.strip(),
    }
    for key, value in values.items():
        row = session.get(Setting, _PREFIX + key)
        if row is None:
            session.add(Setting(key=_PREFIX + key, value=value))
        else:
            row.value = value
    server = MailServer(
        host, int(port_text), security, values["user"], values["sender"], values["sender_name"]
    )
    audit(
        session,
        actor=actor,
        now=now,
        entity="setting",
        entity_id=0,
        action="set_mail_server",
        detail=f"Outgoing mail: {server.describe()}, from {server.sender}",
    )
    return server


# -- the password, in the operating system's keyring ---------------------------------------------
def _keyring():
    try:
        import keyring
    except ImportError as exc:  # pragma: no cover - keyring is a dependency
        raise WorkflowError("The keyring package is missing; passwords cannot be kept.") from exc
    return keyring


def store_password(server: MailServer, password: str) -> None:
    """Keep the server's password in the operating system's keyring (never in the database)."""
    if not server.configured:
        raise WorkflowError("Set the mail server first; there is no server to keep a password for.")
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, server.keyring_user, password)
    except Exception as exc:  # noqa: BLE001  (every backend raises its own kind)
        raise WorkflowError(
            "This computer's keyring did not keep the password "
            f"({type(exc).__name__}); it was not saved anywhere."
        ) from exc


def stored_password(server: MailServer) -> str | None:
    """The server's password from the keyring, or None when it has none (or no keyring)."""
    if not server.configured:
        return None
    try:
        return _keyring().get_password(KEYRING_SERVICE, server.keyring_user)
    except Exception:  # noqa: BLE001  (no usable keyring: the user is asked instead)
        return None


def forget_password(server: MailServer) -> None:
    """Remove the server's password from the keyring (nothing when there is none)."""
    try:
        _keyring().delete_password(KEYRING_SERVICE, server.keyring_user)
    except Exception:  # noqa: BLE001  (PasswordDeleteError when there was none)
        return
