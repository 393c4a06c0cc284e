"""A letter as data: the four kinds (acknowledgement, ineligibility notice, decline, award)
as frozen dataclasses with their addressee and header, the `{placeholders}` each kind's
template may use and the values it fills them with, and the letter as JSON-ready data for the
register's payload and back. Nothing here lays out a page or reads the database.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..money import format_zar
from .letter_layout import Signatory, salutation
from .styles import long_date
from .words import rand_in_words

_COMMON = {
    "applicant_name": "the applicant's name as used in a sentence (the City of Ekurhuleni, SALGA)",
    "applicant_official_name": "the applicant's full official name",
    "contact_name": "the applicant's contact person",
    "dear": "whom the letter greets: Ms Moodley (with an honorific), else the full name",
    "contact_title": "the contact person's title or post",
    "reference": "the application's reference (USRG-IF-…)",
    "title": "the project title",
    "round_name": "the funding round",
    "date": "the date of the letter",
    "letter_reference": "the letter's own reference in the register",
}
# What an acknowledgement says comes next, by where the application stands.
SCREENING_AHEAD = (
    "The application will now be screened for eligibility, and we will write to you again when "
    "screening is complete."
)
SCREENING_UNDER_WAY = (
    "The application is being screened for eligibility; we will write to you again when "
    "screening is complete."
)
SCREENING_DONE = (
    "Screening of the application is already complete; we write to you separately about its "
    "outcome."
)

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "acknowledgement": {
        **_COMMON,
        "submitted_on": "the date the application was submitted",
        "requested_amount": "the amount requested, in figures",
        "next_step": "what happens next: screening ahead, under way or already done",
    },
    "ineligible": {**_COMMON, "reasons": "why the application did not pass screening"},
    "award": {
        **_COMMON,
        "award_number": "the award's number (USRG-AW-…)",
        "amount": "the amount awarded, in figures",
        "amount_in_words": "the amount awarded, in words",
        "conditions": "the panel's conditions (a list when alone on a line)",
        "tranche_schedule": "the payment tranches (a table when alone on a line)",
        "reporting_duties": "the reports due (a table when alone on a line)",
        "reply_by": "the date the signed acceptance slip is due",
        "slip_place": "where the acceptance slip is: below, overleaf or enclosed",
    },
    "decline": {
        **_COMMON,
        "reasons": "the panel's reasons for the decision",
        "feedback": "the panel's feedback to the applicant",
    },
}


# When each tranche is paid, as the letter words it.
TRIGGER_WORDS = {
    "signature": "on signature of the grant agreement",
    "interim report": "on acceptance of the interim report",
    "final report": "on acceptance of the final report",
    "other": "as agreed",
}


def money(cents: int) -> str:
    """Rand on paper: R 1 234 567,89 with no-break spaces, so an amount never splits a line."""
    return format_zar(cents).replace(" ", "\u00a0")


# -- the data a letter is printed from ------------------------------------------------------------
@dataclass(frozen=True)
class TemplateText:
    """One version of a letter's subject and body, with {placeholders}."""

    kind: str
    version: int
    subject: str
    body: str


@dataclass(frozen=True)
class Addressee:
    """Who a letter goes to and what it is about."""

    reference: str
    title: str
    applicant_name: str
    contact_name: str
    contact_title: str
    contact_email: str
    round_name: str
    honorific: str = ""
    postal_address: str = ""
    applicant_in_sentence: str = ""


@dataclass(frozen=True)
class LetterHeader:
    """What every letter has: its register reference, its date and its addressee."""

    letter_reference: str
    issued_on: date
    addressee: Addressee
    signatory: Signatory | None = None


@dataclass(frozen=True)
class AcknowledgementLetter:
    """Acknowledgement of receipt of an application."""

    header: LetterHeader
    submitted_on: date | None
    requested_cents: int
    # What happens next, as the application stands (screening ahead, under way, or done).
    next_step: str = SCREENING_AHEAD
    kind: str = field(default="acknowledgement", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter."""
        return {
            **_common_values(self.header),
            "submitted_on": long_date(self.submitted_on) if self.submitted_on else "",
            "requested_amount": money(self.requested_cents),
            "next_step": self.next_step,
        }


@dataclass(frozen=True)
class IneligibilityLetter:
    """Notice that an application did not pass screening."""

    header: LetterHeader
    reasons: str
    kind: str = field(default="ineligible", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter."""
        return {**_common_values(self.header), "reasons": self.reasons}


@dataclass(frozen=True)
class DeclineLetter:
    """The panel's decision not to fund, with its feedback."""

    header: LetterHeader
    reasons: str
    feedback: str
    kind: str = field(default="decline", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter."""
        return {**_common_values(self.header), "reasons": self.reasons, "feedback": self.feedback}


@dataclass(frozen=True)
class TrancheLine:
    """One payment of the award as the letter lists it."""

    position: int
    trigger: str
    percent: int
    amount_cents: int
    due_on: date


@dataclass(frozen=True)
class MilestoneLine:
    """One report the grantee owes."""

    kind: str
    due_on: date


@dataclass(frozen=True)
class AwardLetter:
    """The award letter: amount in figures and words, conditions, tranches, reports, slip."""

    header: LetterHeader
    award_number: str
    amount_cents: int
    conditions: str
    tranches: tuple[TrancheLine, ...]
    milestones: tuple[MilestoneLine, ...]
    reply_by: date
    kind: str = field(default="award", init=False)

    def values(self) -> dict[str, str]:
        """The placeholder values of this letter (lists as text, for use inside a sentence)."""
        return {
            **_common_values(self.header),
            "award_number": self.award_number,
            "amount": money(self.amount_cents),
            "amount_in_words": rand_in_words(self.amount_cents),
            "conditions": "; ".join(condition_lines(self.conditions)) or "no special conditions",
            "tranche_schedule": "; ".join(
                f"{t.percent} % ({money(t.amount_cents)}) "
                f"{TRIGGER_WORDS.get(t.trigger, t.trigger)}, due {long_date(t.due_on)}"
                for t in self.tranches
            ),
            "reporting_duties": "; ".join(
                f"the {m.kind} by {long_date(m.due_on)}" for m in self.milestones
            ),
            "reply_by": long_date(self.reply_by),
            "slip_place": "below",
        }


Letter = AcknowledgementLetter | IneligibilityLetter | DeclineLetter | AwardLetter
LETTER_TYPES: dict[str, type] = {
    "acknowledgement": AcknowledgementLetter,
    "ineligible": IneligibilityLetter,
    "decline": DeclineLetter,
    "award": AwardLetter,
}


def _common_values(header: LetterHeader) -> dict[str, str]:
    a = header.addressee
    return {
        "applicant_name": a.applicant_in_sentence or a.applicant_name,
        "applicant_official_name": a.applicant_name,
        "contact_name": a.contact_name,
        "dear": salutation(a.contact_name, a.honorific),
        "contact_title": a.contact_title,
        "reference": a.reference,
        "title": a.title,
        "round_name": a.round_name,
        "date": long_date(header.issued_on),
        "letter_reference": header.letter_reference,
    }


def condition_lines(text: str) -> list[str]:
    """The panel's conditions, one a line, without the bullets typed before them."""
    lines = [line.strip().lstrip("-•*").strip() for line in text.splitlines()]
    return [line for line in lines if line]


# -- payload: a letter as JSON-ready data and back ----------------------------------------------
def letter_to_data(letter: Letter) -> dict[str, Any]:
    """The letter as plain JSON-ready data (dates as ISO text), for the register's payload."""

    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(v) for v in value]
        return value

    return convert(dataclasses.asdict(letter))


def letter_from_data(data: Mapping[str, Any]) -> Letter:
    """The letter back from `letter_to_data`'s output."""

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    head = data["header"]
    signed = head.get("signatory")
    header = LetterHeader(
        letter_reference=head["letter_reference"],
        issued_on=date.fromisoformat(head["issued_on"]),
        addressee=Addressee(**head["addressee"]),
        signatory=Signatory(
            signed["name"],
            signed["designation"],
            signed["on_behalf_of"],
            base64.b64decode(signed["signature_png"]) if signed["signature_png"] else None,
        )
        if signed
        else None,
    )
    kind = data["kind"]
    if kind == "acknowledgement":
        return AcknowledgementLetter(
            header,
            day(data["submitted_on"]),
            data["requested_cents"],
            data.get("next_step", SCREENING_AHEAD),
        )
    if kind == "ineligible":
        return IneligibilityLetter(header, data["reasons"])
    if kind == "decline":
        return DeclineLetter(header, data["reasons"], data["feedback"])
    if kind == "award":
        return AwardLetter(
            header,
            award_number=data["award_number"],
            amount_cents=data["amount_cents"],
            conditions=data["conditions"],
            tranches=tuple(
                TrancheLine(**{**t, "due_on": date.fromisoformat(t["due_on"])})
                for t in data["tranches"]
            ),
            milestones=tuple(
                MilestoneLine(m["kind"], date.fromisoformat(m["due_on"]))
                for m in data["milestones"]
            ),
            reply_by=date.fromisoformat(data["reply_by"]),
        )
    raise ValueError(f"unknown letter kind {kind!r}")


# -- filling a template ---------------------------------------------------------------------------
