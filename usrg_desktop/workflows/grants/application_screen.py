"""What the application screen shows: the details, the form's choices, the actions the user
may take now, and the screening checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import User
from ...domain.directory import Body, City, Person
from ...domain.grants import (
    Application,
    BudgetLine,
    Round,
    RoundAdmittedBody,
    RoundStatus,
    RoundTheme,
    ScreeningCheck,
    ScreeningResult,
)
from .. import Actor, WorkflowError
from ..system.dates import sast_minutes, utc_now
from .application_form import EDITABLE_STATES
from .application_guards import S
from .application_states import _ROLE_WORDS, ACTIONS, TRANSITIONS, _load


# -- what the application screen shows ------------------------------------------------------------
@dataclass(frozen=True)
class BudgetLineView:
    """One budget line as the screen shows it."""

    description: str
    amount_cents: int


@dataclass(frozen=True)
class ApplicationDetails:
    """Everything the application screen and its form show, as plain values."""

    id: int
    reference: str | None
    title: str
    state: str
    round_id: int
    round_name: str
    round_cap_cents: int
    applicant_city_id: int | None
    applicant_body_id: int | None
    applicant: str
    theme_id: int | None
    theme: str
    summary: str
    problem: str
    intervention: str
    requested_cents: int
    starts_on: date | None
    ends_on: date | None
    contact_person_id: int | None
    contact_name: str
    contact_email: str
    contact_phone: str
    budget_lines: tuple[BudgetLineView, ...]
    created_at: datetime
    state_changed_at: datetime
    withdrawn_reason: str
    version: int = 1  # the version the form opens, handed back when it saves

    @property
    def label(self) -> str:
        """How the application is named in titles: its reference, or 'Draft: <title>'."""
        return self.reference or f"Draft: {self.title}"

    @property
    def editable(self) -> bool:
        """Whether the form may still change it."""
        return S(self.state) in EDITABLE_STATES


def application_details(session: Session, application_id: int) -> ApplicationDetails:
    """The application with its round, applicant, contact and budget lines."""
    app = session.get(Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    rnd = session.get(Round, app.round_id)
    assert rnd is not None
    if app.applicant_city_id is not None:
        city = session.get(City, app.applicant_city_id)
        applicant = city.short_name if city else ""
    else:
        body = session.get(Body, app.applicant_body_id)
        applicant = body.short_name if body else ""
    person = session.get(Person, app.contact_person_id) if app.contact_person_id else None
    theme = session.get(RoundTheme, app.theme_id) if app.theme_id is not None else None
    lines = session.execute(
        select(BudgetLine.description, BudgetLine.amount_cents)
        .where(BudgetLine.application_id == app.id)
        .order_by(BudgetLine.position)
    ).all()
    return ApplicationDetails(
        id=app.id,
        reference=app.reference,
        title=app.title,
        state=app.state,
        round_id=rnd.id,
        round_name=rnd.name,
        round_cap_cents=rnd.cap_cents,
        applicant_city_id=app.applicant_city_id,
        applicant_body_id=app.applicant_body_id,
        applicant=applicant,
        theme_id=app.theme_id,
        theme=theme.label if theme is not None else "",
        summary=app.summary,
        problem=app.problem,
        intervention=app.intervention,
        requested_cents=app.requested_cents,
        starts_on=app.starts_on,
        ends_on=app.ends_on,
        contact_person_id=app.contact_person_id,
        contact_name=person.full_name if person else "",
        contact_email=(person.email or "") if person else "",
        contact_phone=person.phone if person else "",
        budget_lines=tuple(BudgetLineView(d, int(c)) for d, c in lines),
        created_at=app.created_at,
        state_changed_at=app.state_changed_at,
        withdrawn_reason=app.withdrawn_reason,
        version=app.version,
    )


@dataclass(frozen=True)
class RoundChoice:
    """A round the form offers, with the bodies it admits besides the member cities."""

    id: int
    name: str
    status: str
    cap_cents: int
    admitted_bodies: tuple[tuple[int, str], ...]
    takes_applications: bool
    # The round's themes as (id, label), in order; empty for a round that lists none.
    themes: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class FormChoices:
    """What the application form's combo boxes offer."""

    rounds: tuple[RoundChoice, ...]
    cities: tuple[tuple[int, str], ...]


def form_choices(session: Session) -> FormChoices:
    """The rounds (newest first, with their active admitted bodies) and the active member
    cities."""
    from .rounds import TAKES_APPLICATIONS

    admitted: dict[int, list[tuple[int, str]]] = {}
    for round_id, body_id, name in session.execute(
        select(RoundAdmittedBody.round_id, Body.id, Body.short_name)
        .join(Body, Body.id == RoundAdmittedBody.body_id)
        .where(Body.active)  # a body switched off is no longer offered, as a city is not
        .order_by(Body.short_name)
    ):
        admitted.setdefault(round_id, []).append((body_id, name))
    themes: dict[int, list[tuple[int, str]]] = {}
    for theme in session.scalars(select(RoundTheme).order_by(RoundTheme.position)):
        themes.setdefault(theme.round_id, []).append((theme.id, theme.label))
    rounds = tuple(
        RoundChoice(
            r.id,
            r.name,
            r.status,
            r.cap_cents,
            tuple(admitted.get(r.id, ())),
            RoundStatus(r.status) in TAKES_APPLICATIONS,
            tuple(themes.get(r.id, ())),
        )
        for r in session.scalars(select(Round).order_by(Round.opens_on.desc(), Round.id.desc()))
    )
    cities = tuple(
        (c.id, c.short_name)
        for c in session.scalars(select(City).where(City.active).order_by(City.short_name))
    )
    return FormChoices(rounds, cities)


# -- the actions of the screen ------------------------------------------------------------------
@dataclass(frozen=True)
class ActionOption:
    """One move the screen offers: enabled, or disabled with the sentence saying why."""

    action: str
    label: str
    enabled: bool
    reason_if_disabled: str
    needs_reason: bool
    target: str


# Stand-ins for what the user is asked for only after pressing the button, so the guards can
# be tried without them: any reason, and the smallest amount one could approve.
_TRIAL_REASON = "(trying the guard)"
_TRIAL_AMOUNT_CENTS = 1


def available_actions(session: Session, *, application_id: int, actor: Actor) -> list[ActionOption]:
    """Every transition out of the application's state, each enabled or with why it is not.

    The guards are not restated here: each transition's own function is tried inside a
    savepoint that is always rolled back, so the screen and the workflow can never disagree.
    """
    app = _load(session, application_id)
    state = S(app.state)
    options: list[ActionOption] = []
    trial_now = utc_now()
    for transition in TRANSITIONS.values():
        if state not in transition.sources:
            continue
        reason = ""
        if actor.role not in transition.roles:
            reason = (
                f"Only {_ROLE_WORDS[transition.roles]} may "
                f"{transition.label.lower()} an application."
            )
        else:
            kwargs: dict[str, object] = {}
            if transition.needs_reason:
                kwargs["reason"] = _TRIAL_REASON
            if transition.action == "approve":
                kwargs["amount_cents"] = _TRIAL_AMOUNT_CENTS
            savepoint = session.begin_nested()
            try:
                ACTIONS[transition.action](
                    session, application_id=application_id, actor=actor, now=trial_now, **kwargs
                )
            except WorkflowError as exc:
                reason = str(exc)
            finally:
                savepoint.rollback()
        options.append(
            ActionOption(
                transition.action,
                transition.label,
                not reason,
                reason,
                transition.needs_reason,
                transition.target.value,
            )
        )
    return options


# -- screening checklist ------------------------------------------------------------------------
@dataclass(frozen=True)
class ScreeningItem:
    """One check of the round's checklist with this application's result (None: not checked)."""

    check_id: int
    position: int
    label: str
    passed: bool | None
    note: str
    checked_by: str
    checked_at: str


def screening_checklist(session: Session, application_id: int) -> list[ScreeningItem]:
    """The round's screening checks in order, each with the application's current result."""
    app = session.get(Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    rows = session.execute(
        select(
            ScreeningCheck.id,
            ScreeningCheck.position,
            ScreeningCheck.label,
            ScreeningResult.passed,
            ScreeningResult.note,
            User.display_name,
            ScreeningResult.checked_at,
        )
        .outerjoin(
            ScreeningResult,
            (ScreeningResult.check_id == ScreeningCheck.id)
            & (ScreeningResult.application_id == app.id),
        )
        .outerjoin(User, User.id == ScreeningResult.checked_by_user_id)
        .where(ScreeningCheck.round_id == app.round_id)
        .order_by(ScreeningCheck.position)
    ).all()
    return [
        ScreeningItem(
            check_id,
            position,
            label,
            None if passed is None else bool(passed),
            note or "",
            who or "",
            sast_minutes(when) or "",
        )
        for check_id, position, label, passed, note, who, when in rows
    ]
