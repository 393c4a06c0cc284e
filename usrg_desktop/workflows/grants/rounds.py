"""Funding rounds: set one up, edit it, and move it draft → open → closed → reviewing → decided →
archived, each move by the secretariat or an administrator and audited in the same transaction.

A form's mistakes are refused together as `FieldErrors` (one sentence per field, for the form to
show next to each field); a refused move raises a `WorkflowError` with one sentence. Nothing is
written before every check has passed, so a refusal leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.awards import Decision, DecisionOutcome
from ...domain.directory import Body
from ...domain.grants import (
    Application,
    Round,
    RoundAdmittedBody,
    RoundStatus,
    ScreeningCheck,
    ScreeningResult,
)
from ...domain.reviews import Rubric
from ...money import format_zar
from .. import Actor, FieldErrors, WorkflowError, check_version
from ..system.roles import require_staff
from .round_common import (
    CHECK_LIMIT,
    MOVES,
    NAME_LIMIT,
    RUNNING,
    TAKES_APPLICATIONS,
    UNDECIDED,
    R,
    RoundDetails,
    RoundForm,
    RoundMove,
    S,
    audit_round,
    load_round,
    next_moves,
    status_words,
)
from .round_moves import (
    MOVE_FUNCTIONS,
    archive_round,
    close_round,
    decide_round,
    move_round,
    open_round,
    start_review,
)
from .round_themes import (
    current_themes,
    suggested_themes,
    theme_labels,
    themes_error,
    themes_in_use_error,
    write_themes,
)

__all__ = [
    "CHECK_LIMIT",
    "MOVES",
    "MOVE_FUNCTIONS",
    "NAME_LIMIT",
    "RUNNING",
    "TAKES_APPLICATIONS",
    "UNDECIDED",
    "R",
    "RoundDetails",
    "RoundForm",
    "RoundMove",
    "S",
    "archive_round",
    "close_round",
    "decide_round",
    "move_round",
    "next_moves",
    "open_round",
    "start_review",
    "status_words",
]


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


def validate_round(session: Session, form: RoundForm, *, round_id: int | None = None) -> dict:
    """Every mistake in the form, as {field: sentence}; empty when the form can be saved.

    Fields: name, opens_on, closes_on, budget, cap, reviews_needed, review_deadline, rubric,
    admitted_bodies, screening_checks.
    """
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = "Give the round a name."
    elif len(name) > NAME_LIMIT:
        errors["name"] = f"The name is {len(name)} characters long; at most {NAME_LIMIT} fit."
    else:
        same = session.scalar(
            select(Round.id).where(
                func.lower(Round.name) == name.lower(), Round.id != (round_id or 0)
            )
        )
        if same is not None:
            errors["name"] = f"There is already a round named '{name}'."

    if form.opens_on is None:
        errors["opens_on"] = "Give the date the round opens."
    if form.closes_on is None:
        errors["closes_on"] = "Give the date the round closes."
    elif form.opens_on is not None and form.closes_on <= form.opens_on:
        errors["closes_on"] = "The close date must be after the open date."
    if (
        form.review_deadline is not None
        and form.closes_on is not None
        and form.review_deadline <= form.closes_on
    ):
        errors["review_deadline"] = "The review deadline must be after the close date."

    budget, cap = form.budget_cents, form.cap_cents
    if budget is None:
        errors["budget"] = "Give the round's total budget."
    elif budget <= 0:
        errors["budget"] = "The budget must be more than R 0,00."
    if cap is None:
        errors["cap"] = "Give the most a single grant may be."
    elif cap <= 0:
        errors["cap"] = "The cap per grant must be more than R 0,00."
    elif budget is not None and budget > 0 and cap > budget:
        errors["cap"] = (
            f"The cap per grant ({format_zar(cap)}) cannot be more than the budget "
            f"({format_zar(budget)})."
        )
    if not 1 <= form.reviews_needed <= 10:
        errors["reviews_needed"] = "Each application needs between 1 and 10 reviews."

    rubric_id = form.rubric_id if form.rubric_id is not None else default_rubric_id(session)
    if rubric_id is None or session.get(Rubric, rubric_id) is None:
        errors["rubric"] = "Choose the rubric the reviewers will score with."

    known = set(session.scalars(select(Body.id)))
    unknown = [b for b in form.admitted_body_ids if b not in known]
    if unknown:
        errors["admitted_bodies"] = "One of the admitted bodies is not in the directory."

    labels = [c.strip() for c in form.screening_checks]
    if any(not c for c in labels):
        errors["screening_checks"] = "A screening check cannot be empty; remove it or write it."
    elif any(len(c) > CHECK_LIMIT for c in labels):
        errors["screening_checks"] = f"A screening check has more than {CHECK_LIMIT} characters."
    else:
        seen: set[str] = set()
        for c in labels:
            if c.casefold() in seen:
                errors["screening_checks"] = f"The screening check '{c}' is listed twice."
                break
            seen.add(c.casefold())

    problem = themes_error(form.themes)
    if problem is not None:
        errors["themes"] = problem
    elif round_id is not None:
        in_use = themes_in_use_error(session, round_id, form.themes)
        if in_use is not None:
            errors["themes"] = in_use

    if round_id is not None:
        _existing_round_errors(session, round_id, form, rubric_id, labels, errors)
    return errors


def _existing_round_errors(
    session: Session,
    round_id: int,
    form: RoundForm,
    rubric_id: int | None,
    labels: list[str],
    errors: dict[str, str],
) -> None:
    rnd = load_round(session, round_id)
    n_apps = _application_count(session, round_id)
    if n_apps and rnd.rubric_id is not None and rubric_id != rnd.rubric_id:
        errors["rubric"] = (
            f"The round has {n_apps} application{'s' if n_apps != 1 else ''}, so its rubric "
            "cannot change."
        )
    committed, largest = _committed(session, round_id)
    if form.budget_cents is not None and "budget" not in errors and form.budget_cents < committed:
        errors["budget"] = (
            f"The budget cannot be less than the {format_zar(committed)} already committed."
        )
    if form.cap_cents is not None and "cap" not in errors and form.cap_cents < largest:
        errors["cap"] = (
            f"The cap cannot be less than the {format_zar(largest)} already approved for one grant."
        )
    if "screening_checks" not in errors:
        keep = {c.casefold() for c in labels}
        used = session.scalars(
            select(ScreeningCheck.label)
            .join(ScreeningResult, ScreeningResult.check_id == ScreeningCheck.id)
            .where(ScreeningCheck.round_id == round_id)
            .distinct()
        ).all()
        gone = [label for label in used if label.casefold() not in keep]
        if gone:
            errors["screening_checks"] = (
                f"The screening check '{gone[0]}' has been used in screening and cannot be removed."
            )


# -- saving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundIdentity:
    """The year and number a round gets, and what they make: its suggested name, the prefix of
    its applications' references and of its review packets' file names."""

    year: int
    number: int

    @property
    def name(self) -> str:
        """The name suggested for the round."""
        return f"Innovation Fund {self.year} Round {self.number}"

    @property
    def reference_prefix(self) -> str:
        """The start of its applications' references."""
        return f"USRG-IF-{self.year}-{self.number}-"

    @property
    def packet_prefix(self) -> str:
        """The start of its review packets' file names."""
        return f"review-{self.year}-{self.number}-"


def round_identity(
    session: Session, *, opens_on: date, round_id: int | None = None
) -> RoundIdentity:
    """The year and number a round opening on `opens_on` gets when saved (the year it opens,
    the next number of that year): the name suggested and the references agree with it."""
    return RoundIdentity(opens_on.year, _next_number(session, opens_on.year, round_id))


def _next_number(session: Session, year: int, round_id: int | None) -> int:
    highest = session.scalar(
        select(func.max(Round.number)).where(Round.year == year, Round.id != (round_id or 0))
    )
    return int(highest or 0) + 1


def _write_checks(session: Session, round_id: int, labels: list[str]) -> None:
    existing = {
        c.label.casefold(): c
        for c in session.scalars(select(ScreeningCheck).where(ScreeningCheck.round_id == round_id))
    }
    wanted = {label.casefold() for label in labels}
    for key, check in existing.items():
        if key not in wanted:
            session.delete(check)
    # Positions are unique per round: park the kept ones out of the way before renumbering.
    for n, (key, check) in enumerate(existing.items(), start=1):
        if key in wanted:
            check.position = -n
    session.flush()
    for position, label in enumerate(labels, start=1):
        check = existing.get(label.casefold())
        if check is None:
            session.add(ScreeningCheck(round_id=round_id, position=position, label=label))
        else:
            check.position, check.label = position, label
    session.flush()


def _write_bodies(session: Session, round_id: int, body_ids: Sequence[int]) -> None:
    wanted = set(body_ids)
    current = set(
        session.scalars(
            select(RoundAdmittedBody.body_id).where(RoundAdmittedBody.round_id == round_id)
        )
    )
    for body_id in current - wanted:
        row = session.get(RoundAdmittedBody, (round_id, body_id))
        session.delete(row)
    for body_id in sorted(wanted - current):
        session.add(RoundAdmittedBody(round_id=round_id, body_id=body_id))
    session.flush()


def create_round(session: Session, *, form: RoundForm, actor: Actor, now: datetime) -> int:
    """Set up a new round in draft; returns its id. Mistakes are refused as FieldErrors."""
    require_staff(actor, "set up a round")
    errors = validate_round(session, form)
    if errors:
        raise FieldErrors(errors)
    assert form.opens_on and form.closes_on and form.budget_cents and form.cap_cents
    year = form.opens_on.year
    rnd = Round(
        name=form.name.strip(),
        year=year,
        number=_next_number(session, year, None),
        opens_on=form.opens_on,
        closes_on=form.closes_on,
        budget_cents=form.budget_cents,
        cap_cents=form.cap_cents,
        reviews_needed=form.reviews_needed,
        review_deadline=form.review_deadline,
        status=R.DRAFT.value,
        rubric_id=form.rubric_id if form.rubric_id is not None else default_rubric_id(session),
        last_sequence=0,
        created_at=now,
    )
    session.add(rnd)
    session.flush()
    _write_checks(session, rnd.id, [c.strip() for c in form.screening_checks])
    _write_bodies(session, rnd.id, form.admitted_body_ids)
    write_themes(session, rnd.id, form.themes)
    audit_round(session, rnd, actor, now, "create", None, R.DRAFT.value, detail=rnd.name)
    session.flush()
    return rnd.id


def update_round(
    session: Session,
    *,
    round_id: int,
    form: RoundForm,
    actor: Actor,
    now: datetime,
    seen_version: int | None = None,
) -> list[str]:
    """Save changes to a round; returns the names of the fields that changed (audited).

    `seen_version` is the version the form opened: when someone saved the round since,
    EditConflict is raised and nothing is written.
    """
    require_staff(actor, "change a round")
    rnd = load_round(session, round_id, lock=True)
    if rnd.status == R.ARCHIVED.value:
        raise WorkflowError(f"The round '{rnd.name}' is archived and cannot be changed.")
    errors = validate_round(session, form, round_id=round_id)
    if errors:
        raise FieldErrors(errors)
    before = round_details(session, round_id).form
    rubric_id = form.rubric_id if form.rubric_id is not None else rnd.rubric_id
    labels = [c.strip() for c in form.screening_checks]
    changes: list[str] = []
    for label, old, new in (
        ("name", before.name, form.name.strip()),
        ("open date", before.opens_on, form.opens_on),
        ("close date", before.closes_on, form.closes_on),
        ("budget", before.budget_cents, form.budget_cents),
        ("cap per grant", before.cap_cents, form.cap_cents),
        ("reviews needed", before.reviews_needed, form.reviews_needed),
        ("review deadline", before.review_deadline, form.review_deadline),
        ("rubric", before.rubric_id, rubric_id),
        ("admitted bodies", sorted(before.admitted_body_ids), sorted(form.admitted_body_ids)),
        ("screening checklist", list(before.screening_checks), labels),
        ("themes", list(before.themes), theme_labels(form.themes)),
    ):
        if old != new:
            changes.append(label)
    if not changes:
        return []
    check_version(session, rnd, seen=seen_version, entity="round", name=f"the round '{rnd.name}'")
    assert form.opens_on and form.budget_cents and form.cap_cents and form.closes_on
    # The year and number make the references: they follow the dates only until one is given.
    if rnd.last_sequence == 0 and form.opens_on.year != rnd.year:
        rnd.year = form.opens_on.year
        rnd.number = _next_number(session, rnd.year, rnd.id)
    rnd.name = form.name.strip()
    rnd.opens_on, rnd.closes_on = form.opens_on, form.closes_on
    rnd.budget_cents, rnd.cap_cents = form.budget_cents, form.cap_cents
    rnd.reviews_needed, rnd.review_deadline = form.reviews_needed, form.review_deadline
    rnd.rubric_id = rubric_id
    _write_checks(session, rnd.id, labels)
    _write_bodies(session, rnd.id, form.admitted_body_ids)
    write_themes(session, rnd.id, form.themes)
    audit_round(
        session, rnd, actor, now, "update", rnd.status, rnd.status, detail=", ".join(changes)
    )
    session.flush()
    return changes


def ensure_round_takes_applications(session: Session, round_id: int) -> None:
    """Refuse a new application to a round that is closed (or later) with a sentence why."""
    rnd = load_round(session, round_id)
    if R(rnd.status) not in TAKES_APPLICATIONS:
        raise WorkflowError(
            f"The round '{rnd.name}' is {status_words(rnd.status)}, "
            "so it takes no new applications."
        )
