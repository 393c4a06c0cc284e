"""The text of e-mail messages: a versioned template per kind of message, with placeholders.

Like the letter templates (letters.py): each save adds a version row; the shipped text
(`resources/mail/<kind>.txt`, first line "Subject: …") is version 0 until someone saves one. A
template may use only its kind's placeholders (`PLACEHOLDERS`), written like {round_name}; any
other, or a brace that makes no placeholder, is refused with a sentence naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import User
from ...domain.mail import MailKind, MailTemplate
from ...resources import resource_path
from .. import Actor, Column, Listing, WorkflowError, edit_conflict, take_turn
from ..system.audit_trail import audit
from ..system.roles import require_staff

KINDS: tuple[str, ...] = tuple(k.value for k in MailKind)
KIND_LABELS = {
    "letter": "letter e-mail",
    "packet": "review packet e-mail",
    "invitation": "meeting invitation e-mail",
    "reminder": "review reminder e-mail",
}
_COMMON = ("recipient_name", "sender_name")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "letter": (
        *_COMMON,
        "letter_kind",
        "letter_kind_title",
        "letter_reference",
        "application_reference",
        "application_title",
        "round_name",
    ),
    "packet": (*_COMMON, "round_name", "deadline", "applications", "packet_file"),
    "invitation": (*_COMMON, "meeting_number", "meeting_dates", "host", "venue"),
    "reminder": (*_COMMON, "round_name", "deadline", "days_left", "outstanding"),
}
SUBJECT_MAX = 300  # the column's width (mail_templates.subject)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# What the placeholders hold in the editor's preview: a made-up message of each kind.
SAMPLE_VALUES: dict[str, dict[str, str]] = {
    "letter": {
        "recipient_name": "Thandi Nemangla",
        "sender_name": "Lerato Mofokeng",
        "letter_kind": "award letter",
        "letter_kind_title": "Award letter",
        "letter_reference": "USRG-IF-2026-1-003/AWD",
        "application_reference": "USRG-IF-2026-1-003",
        "application_title": "Safer taxi ranks in Johannesburg",
        "round_name": "Innovation Fund 2026 Round 1",
    },
    "packet": {
        "recipient_name": "Ḓivhani Maḽaba",
        "sender_name": "Lerato Mofokeng",
        "round_name": "Innovation Fund 2026 Round 1",
        "deadline": "16 December 2026",
        "applications": "4 applications",
        "packet_file": "review-2026-1-divhani-malaba.usrgpacket",
    },
    "invitation": {
        "recipient_name": "Sipho Dlamini",
        "sender_name": "Lerato Mofokeng",
        "meeting_number": "53",
        "meeting_dates": "Monday 15 and Tuesday 16 February 2027",
        "host": "eThekwini Metropolitan Municipality",
        "venue": "Durban ICC, Meeting Room 2",
    },
    "reminder": {
        "recipient_name": "Ḓivhani Maḽaba",
        "sender_name": "Lerato Mofokeng",
        "round_name": "Innovation Fund 2026 Round 1",
        "deadline": "16 December 2026",
        "days_left": "in 9 days",
        "outstanding": "USRG-IF-2026-1-013, USRG-IF-2026-1-019",
    },
}


@dataclass(frozen=True)
class MailText:
    """A template's subject and body, and its version (0: the shipped text)."""

    kind: str
    version: int
    subject: str
    body: str

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        """The subject and body with every placeholder filled in from `values`."""

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)

        # A subject is one line, whatever a value held.
        subject = " ".join(fill(self.subject).split())
        return subject, fill(self.body)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise WorkflowError(
            f"'{kind}' is not a kind of e-mail message; the kinds are: {', '.join(KINDS)}."
        )
    return kind


def default_template(kind: str) -> MailText:
    """The shipped text of a kind of message (resources/mail/<kind>.txt), as version 0."""
    text = resource_path("mail", f"{_kind(kind)}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    return MailText(kind, 0, first.removeprefix("Subject:").strip(), body.strip("\n"))


def _latest_row(session: Session, kind: str) -> MailTemplate | None:
    return session.scalar(
        select(MailTemplate)
        .where(MailTemplate.kind == kind)
        .order_by(MailTemplate.version.desc())
        .limit(1)
    )


def current_template(session: Session, kind: str) -> MailText:
    """The newest saved version of a kind's template, or the shipped text (version 0)."""
    row = _latest_row(session, _kind(kind))
    if row is None:
        return default_template(kind)
    return MailText(kind, row.version, row.subject, row.body)


def template_problems(kind: str, subject: str, body: str) -> list[str]:
    """Every reason a template cannot be saved, one sentence each (empty when it is fine)."""
    known = PLACEHOLDERS[_kind(kind)]
    problems: list[str] = []
    if not subject.strip():
        problems.append("The subject is empty.")
    if "\n" in subject.strip() or "\r" in subject:
        problems.append("The subject must be one line.")
    if len(subject.strip()) > SUBJECT_MAX:
        problems.append(f"The subject is longer than {SUBJECT_MAX} characters; shorten it.")
    if not body.strip():
        problems.append("The message text is empty.")
    for part, text in (("subject", subject), ("message text", body)):
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                problems.append(
                    f"The placeholder {{{name}}} is not known in the {part}; known placeholders: "
                    + ", ".join(f"{{{k}}}" for k in known)
                    + "."
                )
        stripped = PLACEHOLDER.sub("", text)
        if "{" in stripped or "}" in stripped:
            problems.append(
                f"The {part} has a brace that does not make a placeholder; write placeholders "
                "like {round_name}."
            )
    return list(dict.fromkeys(problems))


def save_template(
    session: Session,
    *,
    kind: str,
    subject: str,
    body: str,
    actor: Actor,
    now: datetime,
    seen_version: int | None = None,
) -> int:
    """Save a new version of a kind's message template; returns its version number.

    `seen_version` is the version the editor opened (0: the shipped text): when someone saved
    a newer one since, EditConflict names them and nothing is written.
    """
    require_staff(actor, "edit e-mail templates")
    problems = template_problems(kind, subject, body)
    if problems:
        raise WorkflowError(problems[0])
    subject, body = subject.strip(), body.strip("\n")
    take_turn(session, f"mail template {kind}")
    latest = _latest_row(session, kind)
    if seen_version is not None and latest is not None and latest.version != seen_version:
        raise edit_conflict(
            session,
            entity="mail_template",
            entity_id=latest.id,
            name=f"version {latest.version} of the {KIND_LABELS[kind]} template",
        )
    current = current_template(session, kind)
    if (current.subject, current.body) == (subject, body):
        raise WorkflowError(
            f"The {KIND_LABELS[kind]} template is the same as version {current.version}; "
            "nothing to save."
        )
    version = (latest.version if latest else 0) + 1
    row = MailTemplate(
        kind=kind,
        version=version,
        subject=subject,
        body=body,
        created_at=now,
        created_by_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor=actor,
        now=now,
        entity="mail_template",
        entity_id=row.id,
        action="save_template",
        detail=f"{kind} e-mail template version {version}",
    )
    return version


TEMPLATE_COLUMNS = [
    Column("version", "Version", "int"),
    Column("saved_at", "Saved", "datetime"),
    Column("saved_by", "By"),
    Column("subject", "Subject"),
]


def template_history(session: Session, kind: str) -> Listing:
    """Every saved version of a kind's message template, newest first."""
    from ..system.dates import sast_minutes

    rows = session.execute(
        select(
            MailTemplate.id,
            MailTemplate.version,
            MailTemplate.created_at,
            User.display_name,
            MailTemplate.subject,
        )
        .outerjoin(User, User.id == MailTemplate.created_by_user_id)
        .where(MailTemplate.kind == _kind(kind))
        .order_by(MailTemplate.version.desc())
    ).all()
    return Listing(
        f"{KIND_LABELS[kind].capitalize()} template versions",
        TEMPLATE_COLUMNS,
        [(v, sast_minutes(at), by or "", subject) for _id, v, at, by, subject in rows],
        ids=[r[0] for r in rows],
    )
