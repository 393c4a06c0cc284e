"""Letters previewed, nothing saved: a made-up sample of each kind, a template's text printed
for an application (or the sample) while it is edited, a letterhead being edited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.awards import Award
from ...printing.letters import (
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
    letter_pdf,
)
from ...printing.styles import Letterhead
from .. import Actor
from ..awards.project_dates import award_dates
from .issuing import _application, letter_data
from .letter_kinds import _CODES, _kind
from .letter_signatory import current_signatory
from .letter_templates import current_template
from .letterhead import current_letterhead


def sample_letter(kind: str, issued_on: date) -> Letter:
    """A made-up letter of this kind, for previewing a template before any application fits."""
    addressee = Addressee(
        reference="USRG-IF-2026-1-007",
        title="Safer routes to school in Ṱhohoyandou: walking marshals, lighting and reporting",
        applicant_name="City of Johannesburg Metropolitan Municipality",
        contact_name="Ṱhalitshani Ṋemaṅḽa",
        contact_title="Manager: Community Safety",
        contact_email="t.nemangla@joburg.org.za",
        round_name="Innovation Fund 2026 Round 1",
        applicant_in_sentence="the City of Johannesburg",
        honorific="Ms",
    )
    header = LetterHeader(f"{addressee.reference}/{_CODES[_kind(kind)]}", issued_on, addressee)
    if kind == "acknowledgement":
        return AcknowledgementLetter(header, issued_on - timedelta(days=3), 450_000_00)
    if kind == "ineligible":
        return IneligibilityLetter(
            header, "The letter of support from the head of department was not attached."
        )
    if kind == "decline":
        return DeclineLetter(
            header,
            "Lower ranked than the funded applications.",
            "The panel valued the partnership with local schools, but the budget left little "
            "for monitoring; a clearer plan for measuring safety outcomes would strengthen it.",
        )
    # A year's project starting on the first of the month after next, dated as awards are.
    starts = (issued_on.replace(day=1) + timedelta(days=62)).replace(day=1)
    due = award_dates(awarded_on=issued_on, starts_on=starts, ends_on=starts + timedelta(days=364))
    return AwardLetter(
        header,
        award_number="USRG-AW-2026-007",
        amount_cents=333_333_33,
        conditions="Submit a revised monitoring plan within 30 days.\n"
        "Acknowledge the USRG innovation fund in all publications.",
        tranches=(
            TrancheLine(1, "signature", 50, 166_666_67, due.first_tranche),
            TrancheLine(2, "interim report", 40, 133_333_33, due.interim_tranche),
            TrancheLine(3, "final report", 10, 33_333_33, due.final_tranche),
        ),
        milestones=(
            MilestoneLine("interim report", due.interim_report),
            MilestoneLine("final report", due.final_report),
        ),
        reply_by=due.reply_by,
    )


def preview_pdf(
    session: Session,
    *,
    kind: str,
    subject: str,
    body: str,
    today: date,
    application_id: int | None = None,
) -> bytes:
    """The PDF a template text would give (for an application, or a sample), nothing saved."""
    _kind(kind)
    letter: Letter | None = None
    if application_id is not None:
        app = _application(session, application_id)
        reference = f"{app.reference}/{_CODES[kind]}"
        if (
            kind == "award"
            and session.scalar(select(Award.id).where(Award.application_id == app.id)) is None
        ):
            # The award is made as the letter is issued: make it in a savepoint to print what
            # the letter would say (its number, tranches and dates), then undo it.
            from ..awards.award_tracking import ensure_award

            nested = session.begin_nested()
            try:
                ensure_award(
                    session,
                    application_id=app.id,
                    actor=Actor(None, "Preview", "secretariat"),
                    now=datetime.combine(today, datetime.min.time()),
                )
                letter = letter_data(
                    session, app, kind, letter_reference=reference, issued_on=today
                )
            finally:
                nested.rollback()
        else:
            letter = letter_data(session, app, kind, letter_reference=reference, issued_on=today)
    if letter is None:
        letter = sample_letter(kind, today)
    return letter_pdf(letter, TemplateText(kind, 0, subject, body), current_letterhead(session))


def preview_letterhead_pdf(session: Session, *, letterhead: Letterhead, today: date) -> bytes:
    """A sample award letter printed on a letterhead that is being edited (nothing saved),
    signed by the signatory set now."""
    sample = sample_letter("award", today)
    signed = replace(sample, header=replace(sample.header, signatory=current_signatory(session)))
    return letter_pdf(signed, current_template(session, "award"), letterhead)
