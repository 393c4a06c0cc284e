"""The text of e-mail messages: a versioned template per kind of message, with placeholders.

Like the letter templates (letters.py): each save adds a version row; the shipped text
(`resources/mail/<kind>.txt`, first line "Subject: …") is version 0 until someone saves one. A
template may use only its kind's placeholders (`PLACEHOLDERS`), written like {round_name}; any
other, or a brace that makes no placeholder, is refused with a sentence naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...domain.mail import MailKind, MailTemplate
from ...placeholders import PLACEHOLDER, placeholder_problems
from .. import Listing, WorkflowError
from ..system.template_versions import (
    HISTORY_COLUMNS,
    current_text,
    shipped_text,
    template_saver,
    version_history,
)

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
    return MailText(kind, 0, *shipped_text("mail", _kind(kind)))


def current_template(session: Session, kind: str) -> MailText:
    """The newest saved version of a kind's template, or the shipped text (version 0)."""
    return MailText(kind, *current_text(session, MailTemplate, "mail", _kind(kind)))


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
        problems += placeholder_problems(text, known, part=part, example="round_name")
    return list(dict.fromkeys(problems))


save_template = template_saver(
    MailTemplate,
    doing="edit e-mail templates",
    problems=template_problems,
    labels=KIND_LABELS,
    entity="mail_template",
    what="e-mail template",
    shipped=lambda kind: shipped_text("mail", kind),
)
TEMPLATE_COLUMNS = HISTORY_COLUMNS


def template_history(session: Session, kind: str) -> Listing:
    """Every saved version of a kind's message template, newest first."""
    return version_history(session, MailTemplate, _kind(kind), label=KIND_LABELS[kind])
