"""Which applications each kind of letter is for, and when a batch must ask before it prints.

- An acknowledgement of receipt is for an application that is submitted and not yet screened
  (a batch acknowledges nothing that was screened, decided or closed since, unless asked for
  every submitted application explicitly; one letter asked for by hand may still go to any
  application that has been submitted).
- An ineligibility notice is for an ineligible application, a decline letter for a declined
  one.
- An award letter is for an approved application, and for an award that was recorded without
  its letter (awarded or active, with an award on record and no award letter in the register).
- A batch for a round that is already decided (or archived) asks first: its letters may be
  long overdue or already sent by other means.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ...domain.awards import Award, IssuedLetter
from ...domain.grants import Application, ApplicationState, Round, RoundStatus
from .. import WorkflowError

S = ApplicationState
# Acknowledged by a batch: submitted, nothing done to it yet.
BATCH_ACKNOWLEDGED = frozenset({S.SUBMITTED})
# Acknowledged when asked for explicitly: anything once submitted.
NOT_ACKNOWLEDGED = frozenset({S.DRAFT, S.WITHDRAWN})
STATE_FOR_KIND = {"ineligible": S.INELIGIBLE, "decline": S.DECLINED}
# An award recorded without its letter can still get one in these states.
AWARD_LETTER_STATES = frozenset({S.APPROVED, S.AWARDED, S.ACTIVE})
DECIDED_ROUND = frozenset({RoundStatus.DECIDED.value, RoundStatus.ARCHIVED.value})
FOR_WHOM = {
    "acknowledgement": "submitted and not yet screened",
    "ineligible": "ineligible",
    "decline": "declined",
    "award": "approved, or awarded without an award letter",
}


class ConfirmationNeeded(WorkflowError):
    """A batch that needs a yes first; the message is the question to ask."""


def _name(app: Application) -> str:
    return app.reference or f"the draft '{app.title}'"


def check_kind_fits(session: Session, app: Application, kind: str, label: str) -> None:
    """Refuse, in one sentence, a letter of this kind for an application it is not for."""
    state = S(app.state)
    article = "an" if label[:1] in "aeiou" else "a"
    if kind == "acknowledgement":
        if state in NOT_ACKNOWLEDGED or not app.reference:
            raise WorkflowError(
                f"{_name(app)} is {state.value}; only a submitted application is acknowledged."
            )
        return
    if kind == "award":
        if state is S.APPROVED:
            return
        has_award = session.scalar(select(Award.id).where(Award.application_id == app.id))
        if state in AWARD_LETTER_STATES and has_award is not None:
            return
        raise WorkflowError(
            f"{_name(app)} is {state.value.replace('_', ' ')}; {article} {label} needs an "
            "application that is approved (or awarded without its letter)."
        )
    needed = STATE_FOR_KIND[kind]
    if state is not needed:
        raise WorkflowError(
            f"{_name(app)} is {state.value.replace('_', ' ')}; {article} {label} "
            f"needs an application that is {needed.value}."
        )


def _fitting(kind: str, round_id: int, *, every_submitted: bool) -> Select:
    query = select(Application.id).where(Application.round_id == round_id)
    if kind == "acknowledgement":
        states = (
            [s.value for s in S if s not in NOT_ACKNOWLEDGED]
            if every_submitted
            else [s.value for s in BATCH_ACKNOWLEDGED]
        )
        return query.where(Application.state.in_(states), Application.reference.is_not(None))
    if kind == "award":
        with_award = select(Award.application_id)
        return query.where(
            (Application.state == S.APPROVED.value)
            | (
                Application.state.in_([S.AWARDED.value, S.ACTIVE.value])
                & Application.id.in_(with_award)
            )
        )
    return query.where(Application.state == STATE_FOR_KIND[kind].value)


def candidates(
    session: Session, *, round_id: int, kind: str, every_submitted: bool = False
) -> list[int]:
    """The round's applications this kind of letter is for that have none yet, in order."""
    has_letter = select(IssuedLetter.application_id).where(IssuedLetter.kind == kind)
    query = _fitting(kind, round_id, every_submitted=every_submitted).where(
        Application.id.not_in(has_letter)
    )
    return list(session.scalars(query.order_by(Application.sequence, Application.id)).all())


def nothing_to_issue(
    session: Session, *, round_id: int, round_name: str, kind: str, label: str, plural: str
) -> str:
    """Why a batch has nothing to print, in one sentence that is true for this round."""
    fitting = _fitting(kind, round_id, every_submitted=False).subquery()
    already = session.scalar(
        select(func.count())
        .select_from(IssuedLetter)
        .where(IssuedLetter.kind == kind, IssuedLetter.application_id.in_(select(fitting)))
    )
    if already:
        article = "an" if label[:1] in "aeiou" else "a"
        return (
            f"No application of {round_name} needs {article} {label}: every one it is for "
            f"({already}) has had one already."
        )
    hint = ""
    if kind == "acknowledgement":
        hint = "; ask for every submitted application to acknowledge those screened since"
    return (
        f"No application of {round_name} is {FOR_WHOM[kind]}, so there are no {plural} "
        f"to issue{hint}."
    )


def decided_round_question(session: Session, round_id: int, plural: str, count: int) -> str | None:
    """The question to ask before a batch for a decided round, or None when none is needed."""
    rnd = session.get(Round, round_id)
    if rnd is None or rnd.status not in DECIDED_ROUND:
        return None
    return f"{rnd.name} is {rnd.status} already; issue {count} {plural} dated today for it anyway?"
