"""Letter templates: the shipped text of each kind, the versions the secretariat saves (each save
a new row, checked for unknown placeholders), and which version a letter is issued with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.accounts import User
from ...domain.awards import IssuedLetter, LetterTemplate
from ...printing.letters import PLACEHOLDER, PLACEHOLDERS, TemplateText, placeholders_in
from ...resources import resource_path
from .. import Actor, Column, Listing, WorkflowError, edit_conflict, take_turn
from ..system.audit_trail import audit
from ..system.roles import require_staff
from .letter_kinds import KIND_LABELS, _kind


# -- templates ----------------------------------------------------------------------------------
def default_template(kind: str) -> TemplateText:
    """The template text shipped in resources/letters/<kind>.txt ("Subject: ..." then the body)."""
    text = resource_path("letters", f"{_kind(kind)}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    return TemplateText(kind, 0, first.removeprefix("Subject:").strip(), body.strip("\n"))


def _latest_row(session: Session, kind: str) -> LetterTemplate | None:
    return session.scalar(
        select(LetterTemplate)
        .where(LetterTemplate.kind == kind)
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    )


def current_template(session: Session, kind: str) -> TemplateText:
    """The newest saved version of a kind's template, or the shipped default (version 0)."""
    row = _latest_row(session, _kind(kind))
    if row is None:
        return default_template(kind)
    return TemplateText(kind, row.version, row.subject, row.body)


def template_version(session: Session, kind: str, version: int) -> TemplateText:
    """One saved version of a template."""
    row = session.scalar(
        select(LetterTemplate).where(
            LetterTemplate.kind == _kind(kind), LetterTemplate.version == version
        )
    )
    if row is None:
        raise WorkflowError(f"There is no version {version} of the {KIND_LABELS[kind]} template.")
    return TemplateText(kind, row.version, row.subject, row.body)


def template_problems(kind: str, subject: str, body: str) -> list[str]:
    """Every reason a template text cannot be saved, each one sentence (empty when it is fine)."""
    known = PLACEHOLDERS[_kind(kind)]
    problems: list[str] = []
    if not subject.strip():
        problems.append("The subject is empty.")
    if not body.strip():
        problems.append("The letter text is empty.")
    for part, text in (("subject", subject), ("letter text", body)):
        for name in placeholders_in(text):
            if name not in known:
                problems.append(
                    f"The placeholder {{{name}}} is not known; known placeholders: "
                    + ", ".join(f"{{{k}}}" for k in known)
                    + "."
                )
        stripped = PLACEHOLDER.sub("", text)
        if "{" in stripped or "}" in stripped:
            problems.append(
                f"The {part} has a brace that does not make a placeholder; write placeholders "
                "like {reference}."
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
    """Save a new version of a letter template; returns its version number.

    Refused, naming it, when the text uses a placeholder the kind does not know; refused when
    nothing changed. Letters already issued keep the version they were printed from.
    `seen_version` is the version the editor opened (0: the shipped text): when someone saved a
    newer one since, EditConflict names them and nothing is written.
    """
    require_staff(actor, "edit letter templates")
    problems = template_problems(kind, subject, body)
    if problems:
        raise WorkflowError(problems[0])
    subject, body = subject.strip(), body.strip("\n")
    take_turn(session, f"letter template {kind}")
    latest = _latest_row(session, kind)
    if seen_version is not None and latest is not None and latest.version != seen_version:
        raise edit_conflict(
            session,
            entity="letter_template",
            entity_id=latest.id,
            name=f"version {latest.version} of the {KIND_LABELS[kind]} template",
            actions=("save_template",),
        )
    if latest is not None and (latest.subject, latest.body) == (subject, body):
        raise WorkflowError(
            f"The {KIND_LABELS[kind]} template is the same as version {latest.version}; "
            "nothing to save."
        )
    version = (latest.version if latest else 0) + 1
    row = LetterTemplate(
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
        entity="letter_template",
        entity_id=row.id,
        action="save_template",
        detail=f"{kind} template version {version}",
    )
    session.flush()
    return version


def _template_row_for_issue(
    session: Session, kind: str, actor: Actor, now: datetime
) -> LetterTemplate:
    """The newest template row; the shipped default is saved as version 1 the first time."""
    row = _latest_row(session, kind)
    if row is not None:
        return row
    default = default_template(kind)
    row = LetterTemplate(
        kind=kind,
        version=1,
        subject=default.subject,
        body=default.body,
        created_at=now,
        created_by_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    return row


TEMPLATE_COLUMNS = [
    Column("version", "Version", "int"),
    Column("saved_at", "Saved", "datetime"),
    Column("saved_by", "By"),
    Column("subject", "Subject"),
    Column("letters", "Letters issued", "int"),
]


def template_history(session: Session, kind: str) -> Listing:
    """Every saved version of a kind's template, newest first, with the letters that used it."""
    used = (
        select(IssuedLetter.template_id, func.count().label("n"))
        .group_by(IssuedLetter.template_id)
        .subquery()
    )
    rows = session.execute(
        select(
            LetterTemplate.id,
            LetterTemplate.version,
            LetterTemplate.created_at,
            User.display_name,
            LetterTemplate.subject,
            func.coalesce(used.c.n, 0),
        )
        .outerjoin(User, User.id == LetterTemplate.created_by_user_id)
        .outerjoin(used, used.c.template_id == LetterTemplate.id)
        .where(LetterTemplate.kind == _kind(kind))
        .order_by(LetterTemplate.version.desc())
    ).all()
    from ..system.dates import sast_minutes

    return Listing(
        f"{KIND_LABELS[kind].capitalize()} template versions",
        TEMPLATE_COLUMNS,
        [(v, sast_minutes(at), by or "", subj, int(n)) for _id, v, at, by, subj, n in rows],
        ids=[r[0] for r in rows],
    )
