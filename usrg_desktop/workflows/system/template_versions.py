"""Texts kept in versions: the letter templates and the e-mail templates keep them the same way.

Each save adds a row (kind, version, subject, body, when and by whom) and never changes an older
one, so what was printed or sent from a version can be told later. Until a kind has a saved
version its shipped text is in force: `resources/<folder>/<kind>.txt`, whose first line is
"Subject: …". A save over someone else's newer version is refused, naming them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.awards import LetterTemplate
from ...domain.mail import MailTemplate
from ...resources import resource_path
from .. import Actor, WorkflowError, edit_conflict, take_turn
from .audit_trail import audit

Row = TypeVar("Row", LetterTemplate, MailTemplate)


def shipped_text(folder: str, kind: str) -> tuple[str, str]:
    """The subject and body shipped in resources/<folder>/<kind>.txt."""
    text = resource_path(folder, f"{kind}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    return first.removeprefix("Subject:").strip(), body.strip("\n")


def latest_row(session: Session, model: type[Row], kind: str) -> Row | None:
    """The newest saved version of a kind, or None while the shipped text is in force."""
    return session.scalar(
        select(model).where(model.kind == kind).order_by(model.version.desc()).limit(1)
    )


def current_text(
    session: Session, model: type[Row], folder: str, kind: str
) -> tuple[int, str, str]:
    """The version in force of a kind, with its subject and body: the newest saved, or the
    shipped text as version 0."""
    row = latest_row(session, model, kind)
    if row is None:
        return (0, *shipped_text(folder, kind))
    return row.version, row.subject, row.body


def version_row(session: Session, model: type[Row], kind: str, version: int) -> Row | None:
    """One saved version of a kind, or None."""
    return session.scalar(select(model).where(model.kind == kind, model.version == version))


def add_version(
    session: Session,
    model: type[Row],
    *,
    kind: str,
    version: int,
    subject: str,
    body: str,
    actor: Actor,
    now: datetime,
) -> Row:
    """Write one version row (flushed, so it has its id)."""
    row = model(
        kind=kind,
        version=version,
        subject=subject,
        body=body,
        created_at=now,
        created_by_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    return row


def save_version(
    session: Session,
    model: type[Row],
    *,
    kind: str,
    subject: str,
    body: str,
    label: str,
    entity: str,
    detail: str,
    actor: Actor,
    now: datetime,
    seen_version: int | None,
    shipped: tuple[str, str] | None = None,
    conflict_actions: tuple[str, ...] = (),
) -> int:
    """Save `subject` and `body` as the kind's next version, audited as `entity`; returns the
    version number. The caller has checked the text and the actor's role.

    Refused when someone saved a newer version than `seen_version` (the one the editor opened;
    0 is the shipped text), and when nothing changed: against the latest version, or against
    `shipped` while the kind has none (when given). `label` names the template in sentences
    ("award letter", "meeting invitation e-mail").
    """
    take_turn(session, f"{entity.replace('_', ' ')} {kind}")
    latest = latest_row(session, model, kind)
    if seen_version is not None and latest is not None and latest.version != seen_version:
        raise edit_conflict(
            session,
            entity=entity,
            entity_id=latest.id,
            name=f"version {latest.version} of the {label} template",
            actions=conflict_actions,
        )
    current: tuple[int, str, str] | None = None
    if latest is not None:
        current = (latest.version, latest.subject, latest.body)
    elif shipped is not None:
        current = (0, shipped[0], shipped[1])
    if current is not None and current[1:] == (subject, body):
        raise WorkflowError(
            f"The {label} template is the same as version {current[0]}; nothing to save."
        )
    version = (latest.version if latest else 0) + 1
    row = add_version(
        session, model, kind=kind, version=version, subject=subject, body=body, actor=actor, now=now
    )
    audit(
        session,
        entity,
        row.id,
        "save_template",
        actor=actor,
        now=now,
        detail=detail.format(version=version),
    )
    session.flush()
    return version
