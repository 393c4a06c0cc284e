"""Funding rounds: set one up, edit it, and move it draft → open → closed → reviewing → decided →
archived, each move by the secretariat or an administrator and audited in the same transaction.

A form's mistakes are refused together as `FieldErrors` (one sentence per field, for the form to
show next to each field); a refused move raises a `WorkflowError` with one sentence. Nothing is
written before every check has passed, so a refusal leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.directory import Body
from ...domain.grants import (
    Round,
    RoundAdmittedBody,
    ScreeningCheck,
    ScreeningResult,
)
from ...domain.reviews import Rubric
from ...money import format_zar
from .. import Actor, FieldErrors, WorkflowError, check_version
from ..system.audit_trail import audit
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
from .round_reading import (
    DEFAULT_SCREENING_CHECKS,
    RoundFormOpening,
    _application_count,
    _committed,
    body_choices,
    default_round_id,
    default_rubric_id,
    find_round,
    round_details,
    round_form_opening,
    rubric_choices,
    suggested_screening_checks,
)
from .round_themes import (
    theme_labels,
    themes_error,
    themes_in_use_error,
    write_themes,
)

__all__ = [
    "CHECK_LIMIT",
    "DEFAULT_SCREENING_CHECKS",
    "RoundFormOpening",
    "body_choices",
    "default_round_id",
    "default_rubric_id",
    "find_round",
    "round_details",
    "round_form_opening",
    "rubric_choices",
    "suggested_screening_checks",
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
    audit(
        session,
        "round",
        rnd.id,
        "create",
        actor=actor,
        now=now,
        to_state=R.DRAFT.value,
        detail=rnd.name,
    )
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
    audit(
        session,
        "round",
        rnd.id,
        "update",
        actor=actor,
        now=now,
        from_state=rnd.status,
        to_state=rnd.status,
        detail=", ".join(changes),
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
