"""Letters: editable templates, issuing and registering letters, re-printing, and round batches.

A template is versioned: each save adds a row, and a letter remembers the version it used. An
issued letter is registered with its reference, the data it was printed from (payload JSON,
including the letterhead of the day) and the SHA-256 of its PDF, so a re-print is rebuilt from
the register and checked against that hash. Issuing an award letter moves the application
approved → awarded through the state machine, in the same transaction. Which applications each
kind is for is in letter_rules.py; a round's batch is in letter_batch.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.audit import AuditEvent
from ...domain.awards import Award, Decision, IssuedLetter, LetterTemplate, Milestone, Tranche
from ...domain.directory import Body, City, Person
from ...domain.grants import Application, Round
from ...printing.letter_layout import Signatory
from ...printing.letters import (
    SCREENING_AHEAD,
    SCREENING_DONE,
    SCREENING_UNDER_WAY,
    AcknowledgementLetter,
    Addressee,
    AwardLetter,
    DeclineLetter,
    IneligibilityLetter,
    Letter,
    LetterHeader,
    MilestoneLine,
    TemplateText,
    TrancheLine,
    letter_from_data,
    letter_pdf,
    letter_to_data,
)
from ...printing.styles import Letterhead
from .. import Actor, WorkflowError, get_for_update
from ..awards.project_dates import REPLY_WITHIN_DAYS, next_working_day
from ..grants import applications as state_machine
from ..system.audit_trail import audit
from ..system.dates import iso_date
from ..system.roles import require_staff
from . import letter_rules as rules
from .letter_addressing import organisation_in_sentence
from .letter_kinds import _CODES, KIND_LABELS, KIND_PLURALS, KINDS, LAYOUT, S, _kind
from .letter_register import REGISTER_COLUMNS as REGISTER_COLUMNS
from .letter_register import letter_register_listing as letter_register_listing
from .letter_signatory import current_signatory
from .letter_templates import (
    TEMPLATE_COLUMNS,
    _latest_row,
    _template_row_for_issue,
    current_template,
    default_template,
    save_template,
    template_history,
    template_problems,
    template_version,
)
from .letterhead import (
    LOGO_MAX_BYTES,
    _checked_logo,
    _letterhead_data,
    _letterhead_from,
    current_letterhead,
    set_letterhead,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "KIND_PLURALS",
    "LAYOUT",
    "LOGO_MAX_BYTES",
    "S",
    "TEMPLATE_COLUMNS",
    "_CODES",
    "_checked_logo",
    "_kind",
    "_latest_row",
    "_letterhead_data",
    "_letterhead_from",
    "_template_row_for_issue",
    "current_letterhead",
    "current_template",
    "default_template",
    "save_template",
    "set_letterhead",
    "template_history",
    "template_problems",
    "template_version",
]


# -- what a letter says, from the database ------------------------------------------------------
def _application(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    return app


def _addressee(session: Session, app: Application) -> Addressee:
    """Who the letter goes to, in one query (round, applicant and contact person)."""
    row = session.execute(
        select(
            Round.name,
            City.official_name,
            City.short_name,
            Body.official_name,
            Body.short_name,
            Person.full_name,
            Person.title,
            Person.email,
            Person.honorific,
            Person.postal_address,
            func.coalesce(City.name_in_sentence, Body.name_in_sentence),
        )
        .select_from(Application)
        .join(Round, Round.id == Application.round_id)
        .outerjoin(City, City.id == Application.applicant_city_id)
        .outerjoin(Body, Body.id == Application.applicant_body_id)
        .outerjoin(Person, Person.id == Application.contact_person_id)
        .where(Application.id == app.id)
    ).one()
    round_name, city_name, city_short, body_name, body_short, person_name, person_title = row[:7]
    email, honorific, postal, in_sentence = row[7:]
    official = city_name or body_name or ""
    return Addressee(
        reference=app.reference or "",
        title=app.title,
        applicant_name=official,
        contact_name=person_name or "",
        contact_title=(person_title or "") if person_name else "",
        contact_email=(email or "") if person_name else "",
        round_name=round_name,
        # The directory's own wording (Organisations ▸ name in a sentence), else the rule's.
        applicant_in_sentence=in_sentence
        or organisation_in_sentence(official, city_short or body_short or ""),
        honorific=(honorific or "") if person_name else "",
        postal_address=(postal or "") if person_name else "",
    )


def _last_event(session: Session, app_id: int, **where: str) -> AuditEvent | None:
    query = select(AuditEvent).where(
        AuditEvent.entity == "application", AuditEvent.entity_id == app_id
    )
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return session.scalar(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))


class _Current:
    """letter_data's default: the signatory set at the moment of reading."""


CURRENT = _Current()


def _name(app: Application) -> str:
    return app.reference or f"the draft '{app.title}'"


def letter_data(
    session: Session,
    app: Application,
    kind: str,
    *,
    letter_reference: str,
    issued_on: date,
    signatory: Signatory | None | _Current = CURRENT,
) -> Letter:
    """The data of an application's letter of this kind, as it stands in the database now.

    Signed by the signatory set now, unless the caller read it already (a batch, once)."""
    if isinstance(signatory, _Current):
        signatory = current_signatory(session)
    header = LetterHeader(letter_reference, issued_on, _addressee(session, app), signatory)
    decision = session.scalar(select(Decision).where(Decision.application_id == app.id))
    if kind == "acknowledgement":
        submitted = _last_event(session, app.id, action="submit")
        return AcknowledgementLetter(
            header,
            south_african_day(submitted.occurred_at) if submitted else None,
            app.requested_cents,
            {S.SUBMITTED.value: SCREENING_AHEAD, S.SCREENING.value: SCREENING_UNDER_WAY}.get(
                app.state, SCREENING_DONE
            ),
        )
    if kind == "ineligible":
        event = _last_event(session, app.id, to_state=S.INELIGIBLE.value)
        return IneligibilityLetter(header, event.reason if event else "")
    if kind == "decline":
        return DeclineLetter(
            header,
            decision.reasons if decision else "",
            decision.feedback if decision else "",
        )
    award = session.scalar(select(Award).where(Award.application_id == app.id))
    if award is None:
        raise WorkflowError(f"{_name(app)} has no award on record.")
    tranches = session.scalars(
        select(Tranche).where(Tranche.award_id == award.id).order_by(Tranche.position)
    ).all()
    milestones = session.scalars(
        select(Milestone).where(Milestone.award_id == award.id).order_by(Milestone.due_on)
    ).all()
    return AwardLetter(
        header,
        award_number=award.number,
        amount_cents=award.amount_cents,
        conditions=decision.conditions if decision else "",
        tranches=tuple(
            TrancheLine(t.position, t.trigger, t.percent, t.amount_cents, _day(t.due_on))
            for t in tranches
            if not t.cancelled_reason
        ),
        milestones=tuple(MilestoneLine(m.kind, _day(m.due_on)) for m in milestones),
        reply_by=next_working_day(issued_on + timedelta(days=REPLY_WITHIN_DAYS)),
    )


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# -- issuing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Issued:
    """A letter just issued: its register id and reference, and its PDF."""

    letter_id: int
    reference: str
    pdf: bytes


@dataclass(frozen=True)
class _Printing:
    """What every letter of a batch is printed with, read once per batch."""

    template_id: int
    text: TemplateText
    letterhead: Letterhead
    letterhead_data: dict[str, str | None]
    signatory: Signatory | None


def _printing(session: Session, kind: str, actor: Actor, now: datetime) -> _Printing:
    template = _template_row_for_issue(session, kind, actor, now)
    letterhead = current_letterhead(session)
    return _Printing(
        template.id,
        TemplateText(kind, template.version, template.subject, template.body),
        letterhead,
        _letterhead_data(letterhead),
        current_signatory(session),
    )


def _issue(
    session: Session,
    *,
    application_id: int,
    kind: str,
    actor: Actor,
    now: datetime,
    printing: _Printing | None = None,
) -> Issued:
    require_staff(actor, "issue letters")
    _kind(kind)
    app = get_for_update(session, Application, application_id)
    if app is None:
        raise WorkflowError(f"There is no application with id {application_id}.")
    rules.check_kind_fits(session, app, kind, KIND_LABELS[kind])
    was_approved = app.state == S.APPROVED.value
    earlier = session.scalar(
        select(IssuedLetter).where(IssuedLetter.application_id == app.id, IssuedLetter.kind == kind)
    )
    if earlier is not None:
        raise WorkflowError(
            f"The {KIND_LABELS[kind]} for {_name(app)} was issued already as {earlier.reference} "
            f"on {iso_date(earlier.issued_on)}; re-print it from the letter register."
        )
    if kind == "award":
        from ..awards.award_tracking import ensure_award

        ensure_award(session, application_id=app.id, actor=actor, now=now)
    if printing is None:
        printing = _printing(session, kind, actor, now)
    issued_on = south_african_day(now)
    reference = f"{app.reference}/{_CODES[kind]}"
    letter = letter_data(
        session,
        app,
        kind,
        letter_reference=reference,
        issued_on=issued_on,
        signatory=printing.signatory,
    )
    pdf = letter_pdf(letter, printing.text, printing.letterhead)
    payload = json.dumps(
        {
            "layout": LAYOUT,
            "letter": letter_to_data(letter),
            "letterhead": printing.letterhead_data,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    row = IssuedLetter(
        reference=reference,
        kind=kind,
        application_id=app.id,
        template_id=printing.template_id,
        issued_on=issued_on,
        payload=payload,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by_user_id=actor.user_id,
    )
    session.add(row)
    audit(
        session,
        "application",
        app.id,
        "issue_letter",
        actor=actor,
        now=now,
        detail=f"{KIND_LABELS[kind]} {reference} (template version {printing.text.version})",
    )
    if kind == "award" and was_approved:
        state_machine.mark_awarded(session, application_id=app.id, actor=actor, now=now)
    session.flush()
    return Issued(row.id, reference, pdf)


def issue_letter(
    session: Session, *, application_id: int, kind: str, actor: Actor, now: datetime
) -> int:
    """Print and register one letter for an application; returns the register's letter id.

    An award letter first makes sure the award exists (number, tranches, milestones) and then
    moves the application approved → awarded, all in the caller's transaction.
    """
    return _issue(session, application_id=application_id, kind=kind, actor=actor, now=now).letter_id


def issued_pdf(session: Session, letter_id: int) -> tuple[str, bytes]:
    """A registered letter's reference and its PDF, rebuilt from the register (see reprint)."""
    row = session.get(IssuedLetter, letter_id)
    if row is None:
        raise WorkflowError(f"There is no issued letter with id {letter_id}.")
    return row.reference, reprint(session, letter_id)


def reprint(session: Session, letter_id: int) -> bytes:
    """Rebuild a registered letter from its payload and template version: the same bytes.

    The SHA-256 of the rebuilt PDF is checked against the register; a mismatch is refused.
    """
    row = session.get(IssuedLetter, letter_id)
    if row is None:
        raise WorkflowError(f"There is no issued letter with id {letter_id}.")
    try:
        payload = json.loads(row.payload)
    except ValueError as exc:
        raise WorkflowError(
            f"The register entry of {row.reference} is damaged and cannot be re-printed ({exc})."
        ) from exc
    pdf = printed_from(session, row, payload)
    if hashlib.sha256(pdf).hexdigest() != row.sha256:
        raise WorkflowError(
            f"The re-print of {row.reference} does not match the letter that was issued "
            "(its SHA-256 differs); it was not printed."
        )
    return pdf


def printed_from(session: Session, row: IssuedLetter, payload: dict) -> bytes:
    """The PDF a register entry's data prints (the entry's template version and layout).

    `reprint` checks it against the register; anonymising a person prints it from the
    anonymised data and registers the new hash (workflows/system/anonymisation.py).
    """
    template = session.get(LetterTemplate, row.template_id)
    assert template is not None
    try:
        letter = letter_from_data(payload["letter"])
        letterhead = _letterhead_from(payload["letterhead"])
        layout = payload.get("layout", 1)
    except (ValueError, KeyError, TypeError) as exc:
        raise WorkflowError(
            f"The register entry of {row.reference} is damaged and cannot be re-printed ({exc})."
        ) from exc
    text = TemplateText(row.kind, template.version, template.subject, template.body)
    if layout == 1:
        return _reprint_v1(payload, text, letterhead)
    return letter_pdf(letter, text, letterhead)


def _reprint_v1(payload: dict, text: TemplateText, letterhead: Letterhead) -> bytes:
    """A letter registered before layout 2, printed by the frozen code that printed it."""
    from ...printing import letters_v1

    return letters_v1.letter_pdf(
        letters_v1.letter_from_data(payload["letter"]),
        letters_v1.TemplateText(text.kind, text.version, text.subject, text.body),
        letters_v1.Letterhead(
            letterhead.name, letterhead.address, letterhead.footer, letterhead.logo_png
        ),
    )


def find_letter(session: Session, reference: str) -> int:
    """The register id of the letter with this reference."""
    letter_id = session.scalar(
        select(IssuedLetter.id).where(IssuedLetter.reference == reference.strip())
    )
    if letter_id is None:
        raise WorkflowError(f"No letter with the reference {reference.strip()} is registered.")
    return letter_id


# -- batches ------------------------------------------------------------------------------------
def letter_candidates(
    session: Session, *, round_id: int, kind: str, every_submitted: bool = False
) -> list[int]:
    """The round's applications this kind of letter is for that have none yet, in order.

    Acknowledgements go to applications not yet screened, unless `every_submitted`.
    """
    return rules.candidates(
        session, round_id=round_id, kind=_kind(kind), every_submitted=every_submitted
    )


def letter_candidate_rows(
    session: Session, *, round_id: int, kind: str, every_submitted: bool = False
) -> list[tuple[int, str]]:
    """The applications this batch would write to, as (id, "reference — title (applicant)"),
    for choosing them one by one before issuing."""
    ids = letter_candidates(session, round_id=round_id, kind=kind, every_submitted=every_submitted)
    if not ids:
        return []
    from ...domain.directory import Body, City

    found = {
        app_id: f"{ref} — {title} ({city or body or 'an applicant'})"
        for app_id, ref, title, city, body in session.execute(
            select(
                Application.id,
                Application.reference,
                Application.title,
                City.short_name,
                Body.short_name,
            )
            .outerjoin(City, City.id == Application.applicant_city_id)
            .outerjoin(Body, Body.id == Application.applicant_body_id)
            .where(Application.id.in_(ids))
        )
    }
    return [(i, found[i]) for i in ids if i in found]


def batch_question(
    session: Session,
    *,
    round_id: int,
    kind: str,
    every_submitted: bool = False,
    count: int | None = None,
) -> str | None:
    """The question to ask before issuing this batch (a decided round), or None. `count` is
    how many letters were chosen, when not all the round needs."""
    if count is None:
        count = len(
            letter_candidates(
                session, round_id=round_id, kind=kind, every_submitted=every_submitted
            )
        )
    if not count:
        return None
    return rules.decided_round_question(session, round_id, KIND_PLURALS[kind], count)


def round_choices(session: Session) -> list[tuple[int, str]]:
    """Every round as (id, name), the newest first, for choosing a batch's round."""
    rows = session.execute(
        select(Round.id, Round.name).order_by(Round.opens_on.desc(), Round.id.desc())
    ).all()
    return [(int(i), name) for i, name in rows]
