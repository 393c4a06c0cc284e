"""Reading rounds: the round every chooser starts on, the choices and suggestions a new round
starts with, and one round as its form shows it (`round_form_opening`), which
`usrg rounds show` prints too (`RoundFormOpening.as_text`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Decision, DecisionOutcome
from ...domain.directory import Body
from ...domain.grants import Application, Round, RoundAdmittedBody, RoundStatus, ScreeningCheck
from ...domain.reviews import Rubric
from ...money import format_zar
from .. import WorkflowError
from .round_common import R, RoundDetails, RoundForm, S, load_round, next_moves
from .round_themes import current_themes, suggested_themes


# -- reading ------------------------------------------------------------------------------------
def default_round_id(session: Session) -> int | None:
    """The round every chooser starts on: the one being reviewed, else the newest (by opening
    date); None when there is no round."""
    reviewing = session.scalar(
        select(Round.id)
        .where(Round.status == RoundStatus.REVIEWING.value)
        .order_by(Round.opens_on.desc(), Round.id.desc())
        .limit(1)
    )
    if reviewing is not None:
        return int(reviewing)
    newest = session.scalar(
        select(Round.id).order_by(Round.opens_on.desc(), Round.id.desc()).limit(1)
    )
    return int(newest) if newest is not None else None


def default_rubric_id(session: Session) -> int | None:
    """The rubric a new round gets unless the user picks another (the shipped default)."""
    return session.scalar(select(Rubric.id).order_by(Rubric.is_default.desc(), Rubric.id).limit(1))


def rubric_choices(session: Session) -> list[tuple[int, str]]:
    """The rubrics a round can use, as (id, name), the default first."""
    return [
        (rid, name)
        for rid, name in session.execute(
            select(Rubric.id, Rubric.name).order_by(Rubric.is_default.desc(), Rubric.name)
        )
    ]


def body_choices(session: Session) -> list[tuple[int, str]]:
    """The active partner bodies a round can admit as applicants, as (id, 'short — official')."""
    return [
        (bid, f"{short} — {official}")
        for bid, short, official in session.execute(
            select(Body.id, Body.short_name, Body.official_name)
            .where(Body.active)
            .order_by(Body.short_name)
        )
    ]


# The checklist a new round starts from when no round has one yet.
DEFAULT_SCREENING_CHECKS = (
    "Applicant is an active SACN member city or a body the round admits",
    "Application form complete and signed",
    "Budget lines add up to the amount requested, within the cap per grant",
    "Project addresses urban safety or violence prevention",
    "Letter of support from the municipal manager or head of the body",
)


def suggested_screening_checks(session: Session) -> list[str]:
    """The checklist a new round starts with: the latest round's, or the program's default."""
    latest = session.scalar(
        select(ScreeningCheck.round_id)
        .join(Round, Round.id == ScreeningCheck.round_id)
        .order_by(Round.opens_on.desc(), Round.id.desc())
        .limit(1)
    )
    if latest is None:
        return list(DEFAULT_SCREENING_CHECKS)
    return list(
        session.scalars(
            select(ScreeningCheck.label)
            .where(ScreeningCheck.round_id == latest)
            .order_by(ScreeningCheck.position)
        )
    )


def _application_count(session: Session, round_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Application).where(Application.round_id == round_id)
        )
        or 0
    )


def _committed(session: Session, round_id: int) -> tuple[int, int]:
    """The round's approved total and its largest approved amount, in cents."""
    total, largest = session.execute(
        select(
            func.coalesce(func.sum(Decision.amount_cents), 0),
            func.coalesce(func.max(Decision.amount_cents), 0),
        )
        .join(Application, Application.id == Decision.application_id)
        .where(
            Application.round_id == round_id,
            Decision.outcome == DecisionOutcome.APPROVED.value,
            Application.state != S.WITHDRAWN.value,
        )
    ).one()
    return int(total or 0), int(largest or 0)


def round_details(session: Session, round_id: int) -> RoundDetails:
    """Everything the round form shows about one round."""
    rnd = load_round(session, round_id)
    checks = session.scalars(
        select(ScreeningCheck.label)
        .where(ScreeningCheck.round_id == round_id)
        .order_by(ScreeningCheck.position)
    ).all()
    bodies = session.scalars(
        select(RoundAdmittedBody.body_id)
        .where(RoundAdmittedBody.round_id == round_id)
        .order_by(RoundAdmittedBody.body_id)
    ).all()
    form = RoundForm(
        name=rnd.name,
        opens_on=rnd.opens_on,
        closes_on=rnd.closes_on,
        budget_cents=rnd.budget_cents,
        cap_cents=rnd.cap_cents,
        reviews_needed=rnd.reviews_needed,
        review_deadline=rnd.review_deadline,
        rubric_id=rnd.rubric_id,
        admitted_body_ids=tuple(bodies),
        screening_checks=tuple(checks),
        themes=tuple(current_themes(session, round_id)),
    )
    return RoundDetails(
        id=rnd.id,
        form=form,
        status=rnd.status,
        applications=_application_count(session, round_id),
        reference_prefix=f"USRG-IF-{rnd.year}-{rnd.number}-",
        committed_cents=_committed(session, round_id)[0],
        moves=next_moves(rnd.status),
        version=rnd.version,
    )


@dataclass(frozen=True)
class RoundFormOpening:
    """What the round form opens with: the choices, the values, and the round's standing."""

    rubrics: list[tuple[int, str]]
    bodies: list[tuple[int, str]]
    form: RoundForm
    status: str
    applications: int
    reference_prefix: str
    version: int | None

    @property
    def title(self) -> str:
        """The form's window title: 'Round — <name>', or 'New round'."""
        return f"Round — {self.form.name}" if self.version is not None else "New round"

    @property
    def status_line(self) -> str:
        """'open; references USRG-IF-2026-1-nnn' (a new round has no references yet)."""
        if not self.reference_prefix:
            return self.status
        return f"{self.status}; references {self.reference_prefix}nnn"

    def as_text(self) -> str:
        """What the round form shows, as `usrg rounds show` prints it: one caption a line,
        a list's items on the lines below it."""
        f = self.form
        rubric = dict(self.rubrics).get(f.rubric_id, "") if f.rubric_id is not None else ""
        bodies = dict(self.bodies)
        admitted = [bodies.get(b, f"body {b} (switched off)") for b in f.admitted_body_ids]
        pairs: list[tuple[str, str | list[str]]] = [
            ("Status", self.status_line),
            ("Applications", str(self.applications)),
            ("Name", f.name),
            ("Opens", f.opens_on.isoformat() if f.opens_on else ""),
            ("Closes", f.closes_on.isoformat() if f.closes_on else ""),
            ("Budget", format_zar(f.budget_cents) if f.budget_cents else ""),
            ("Cap per grant", format_zar(f.cap_cents) if f.cap_cents else ""),
            ("Reviews needed", str(f.reviews_needed)),
            ("Review deadline", f.review_deadline.isoformat() if f.review_deadline else ""),
            ("Rubric", rubric),
            ("Admitted bodies", admitted or ["(member cities only)"]),
            ("Screening checklist", list(f.screening_checks) or ["(none)"]),
            ("Themes", list(f.themes) or ["(none)"]),
        ]
        width = max(len(caption) for caption, _ in pairs) + 1
        out = [self.title]
        for caption, value in pairs:
            if isinstance(value, list):
                out.append(f"{caption}:")
                out += [f"  - {item}" for item in value]
            else:
                out.append(f"{(caption + ':').ljust(width)}  {value}".rstrip())
        return "\n".join(out) + "\n"


def round_form_opening(session: Session, *, round_id: int | None, today: date) -> RoundFormOpening:
    """The round form's opening values: a round's own, or for a new round dates from two weeks
    on and the latest round's screening checklist and themes."""
    rubrics, bodies = rubric_choices(session), body_choices(session)
    if round_id is None:
        opens = today + timedelta(days=14)
        form = RoundForm(
            opens_on=opens,
            closes_on=opens + timedelta(days=60),
            review_deadline=opens + timedelta(days=102),
            rubric_id=default_rubric_id(session),
            screening_checks=suggested_screening_checks(session),
            themes=tuple(suggested_themes(session)),
        )
        return RoundFormOpening(rubrics, bodies, form, R.DRAFT.value, 0, "", None)
    details = round_details(session, round_id)
    return RoundFormOpening(
        rubrics,
        bodies,
        details.form,
        details.status,
        details.applications,
        details.reference_prefix,
        details.version,
    )


def find_round(session: Session, name_or_id: str) -> int:
    """The id of the round named (case aside) or numbered `name_or_id`, or a sentence why not."""
    text = name_or_id.strip()
    if text.isdigit() and session.get(Round, int(text)) is not None:
        return int(text)
    found = session.scalar(select(Round.id).where(func.lower(Round.name) == text.lower()))
    if found is None:
        names = session.scalars(select(Round.name).order_by(Round.opens_on.desc())).all()
        known = f" The rounds are: {'; '.join(names)}." if names else " There are no rounds yet."
        raise WorkflowError(f"There is no round '{text}'.{known}")
    return found


# -- guards -------------------------------------------------------------------------------------
