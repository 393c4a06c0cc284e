"""Letter templates: the shipped text of each kind, the versions the secretariat saves (each save
a new row, checked for unknown placeholders), and which version a letter is issued with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import IssuedLetter, LetterTemplate
from ...placeholders import placeholder_problems
from ...printing.letters import PLACEHOLDERS, TemplateText
from .. import Actor, Column, Listing, WorkflowError
from ..system.template_versions import (
    HISTORY_COLUMNS,
    add_version,
    current_text,
    latest_row,
    shipped_text,
    template_saver,
    version_history,
    version_row,
)
from .letter_kinds import KIND_LABELS, _kind


# -- templates ----------------------------------------------------------------------------------
def default_template(kind: str) -> TemplateText:
    """The template text shipped in resources/letters/<kind>.txt ("Subject: ..." then the body)."""
    return TemplateText(kind, 0, *shipped_text("letters", _kind(kind)))


def _latest_row(session: Session, kind: str) -> LetterTemplate | None:
    return latest_row(session, LetterTemplate, kind)


def current_template(session: Session, kind: str) -> TemplateText:
    """The newest saved version of a kind's template, or the shipped default (version 0)."""
    return TemplateText(kind, *current_text(session, LetterTemplate, "letters", _kind(kind)))


def template_version(session: Session, kind: str, version: int) -> TemplateText:
    """One saved version of a template."""
    row = version_row(session, LetterTemplate, _kind(kind), version)
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
        problems += placeholder_problems(
            text, known, part=part, example="reference", say_where=False
        )
    return list(dict.fromkeys(problems))


save_template = template_saver(
    LetterTemplate,
    doing="edit letter templates",
    problems=template_problems,
    labels=KIND_LABELS,
    entity="letter_template",
    what="template",
    conflict_actions=("save_template",),
)


def _template_row_for_issue(
    session: Session, kind: str, actor: Actor, now: datetime
) -> LetterTemplate:
    """The newest template row; the shipped default is saved as version 1 the first time."""
    row = _latest_row(session, kind)
    if row is not None:
        return row
    default = default_template(kind)
    return add_version(
        session,
        LetterTemplate,
        kind=kind,
        version=1,
        subject=default.subject,
        body=default.body,
        actor=actor,
        now=now,
    )


TEMPLATE_COLUMNS = [*HISTORY_COLUMNS, Column("letters", "Letters issued", "int")]


def template_history(session: Session, kind: str) -> Listing:
    """Every saved version of a kind's template, newest first, with the letters that used it."""
    used = (
        select(IssuedLetter.template_id, func.count().label("n"))
        .group_by(IssuedLetter.template_id)
        .subquery()
    )
    return version_history(
        session,
        LetterTemplate,
        _kind(kind),
        label=KIND_LABELS[kind],
        extra=lambda query: query.add_columns(func.coalesce(used.c.n, 0)).outerjoin(
            used, used.c.template_id == LetterTemplate.id
        ),
        extra_columns=TEMPLATE_COLUMNS[-1:],
    )
