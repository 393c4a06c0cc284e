"""Texts kept in versions: the letter templates and the e-mail templates keep them the same way.

Each save adds a row (kind, version, subject, body, when and by whom) and never changes an older
one, so what was printed or sent from a version can be told later. Until a kind has a saved
version its shipped text is in force: `resources/<folder>/<kind>.txt`, whose first line is
"Subject: …". A save over someone else's newer version is refused, naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ...domain.accounts import User
from ...domain.awards import LetterTemplate
from ...domain.mail import MailTemplate
from ...resources import resource_path
from .. import Actor, Column, Listing, WorkflowError, edit_conflict, take_turn
from .audit_trail import audit
from .dates import sast_minutes
from .roles import require_staff

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


class SaveTemplate(Protocol):
    """A module's `save_template`: the kind's next version from the editor's text."""

    def __call__(
        self,
        session: Session,
        *,
        kind: str,
        subject: str,
        body: str,
        actor: Actor,
        now: datetime,
        seen_version: int | None = None,
    ) -> int: ...


def template_saver(
    model: type[Row],
    *,
    doing: str,
    problems: Callable[[str, str, str], list[str]],
    labels: Mapping[str, str],
    entity: str,
    what: str,
    shipped: Callable[[str], tuple[str, str]] | None = None,
    conflict_actions: tuple[str, ...] = (),
) -> SaveTemplate:
    """The `save_template` of the letter or the e-mail templates: staff only (`doing` says what
    for), refused with the first of `problems(kind, subject, body)`, then `save_version`,
    audited on `entity` as "<kind> <what> version N"; `shipped(kind)`, when given, is the text
    a save must differ from while the kind has no saved version."""

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
        """Save a new version of a kind's template; returns its version number.

        Refused, naming it, when the text uses a placeholder the kind does not know; refused
        when nothing changed. What was printed or sent keeps the version it was made from.
        `seen_version` is the version the editor opened (0: the shipped text): when someone
        saved a newer one since, EditConflict names them and nothing is written.
        """
        require_staff(actor, doing)
        found = problems(kind, subject, body)
        if found:
            raise WorkflowError(found[0])
        return save_version(
            session,
            model,
            kind=kind,
            subject=subject.strip(),
            body=body.strip("\n"),
            label=labels[kind],
            entity=entity,
            detail=f"{kind} {what} version {{version}}",
            actor=actor,
            now=now,
            seen_version=seen_version,
            shipped=shipped(kind) if shipped is not None else None,
            conflict_actions=conflict_actions,
        )

    return save_template


HISTORY_COLUMNS = [
    Column("version", "Version", "int"),
    Column("saved_at", "Saved", "datetime"),
    Column("saved_by", "By"),
    Column("subject", "Subject"),
]


def version_history(
    session: Session,
    model: type[Row],
    kind: str,
    *,
    label: str,
    extra: Callable[[Select[*tuple[Any, ...]]], Select[*tuple[Any, ...]]] | None = None,
    extra_columns: tuple[Column, ...] = (),
) -> Listing:
    """Every saved version of a kind's template, newest first: its number, when and by whom it
    was saved and its subject; `extra` adds columns to the query (`extra_columns` name them)."""
    query = (
        select(model.id, model.version, model.created_at, User.display_name, model.subject)
        .outerjoin(User, User.id == model.created_by_user_id)
        .where(model.kind == kind)
        .order_by(model.version.desc())
    )
    rows = session.execute(extra(query) if extra is not None else query).all()
    return Listing(
        f"{label.capitalize()} template versions",
        [*HISTORY_COLUMNS, *extra_columns],
        [(v, sast_minutes(at), by or "", subj, *rest) for _id, v, at, by, subj, *rest in rows],
        ids=[r[0] for r in rows],
    )
