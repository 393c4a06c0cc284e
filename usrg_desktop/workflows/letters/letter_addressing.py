"""How a letter names an organisation inside a sentence.

The directory keeps each member's official name ("City of Ekurhuleni Metropolitan
Municipality", "South African Local Government Association"); a sentence needs the name as
people write it: "approved a grant to the City of Ekurhuleni", "the application from SALGA".

- A metro called "City of X … Municipality" is "the City of X".
- A body known by an acronym (its short name in capitals: SALGA, CSPS) is called by it.
- Anything else takes "the" before its official name ("the eThekwini Metropolitan
  Municipality", "the Department of Social Development"), unless it starts with "the" already.
The official name stays where the law wants it: the address block and the acceptance slip.

A person's honorific ("Dear Ms Moodley") and postal address (printed in a window envelope's
window instead of the e-mail address) are set here too (`usrg letters addressee`).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from ...domain.directory import Person
from .. import Actor, WorkflowError
from ..system.audit_trail import audit
from ..system.roles import require_staff

_METRO = re.compile(r"^(City of .+?) (?:Metropolitan|Local) Municipality$")
_ACRONYM = re.compile(r"^[A-Z]{2,8}$")


def organisation_in_sentence(official_name: str, short_name: str = "") -> str:
    """The organisation's name as a sentence uses it (see the module's rules)."""
    official = official_name.strip()
    if not official:
        return ""
    metro = _METRO.match(official)
    if metro:
        return f"the {metro.group(1)}"
    if _ACRONYM.match(short_name.strip()):
        return short_name.strip()
    if official.lower().startswith("the "):
        return official
    return f"the {official}"


HONORIFIC_MAX = 20
POSTAL_LINES_MAX = 5
POSTAL_LINE_MAX = 60


def letter_details(session: Session, person_id: int) -> tuple[str, str]:
    """A person's honorific and postal address as letters use them."""
    person = session.get(Person, person_id)
    if person is None:
        raise WorkflowError(f"There is no person with id {person_id}.")
    return person.honorific, person.postal_address


def clean_postal_address(text: str) -> str:
    """The postal address as kept: lines trimmed, runs of spaces made one, empty lines gone."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def letter_detail_problems(honorific: str | None, postal_address: str | None) -> dict[str, str]:
    """One sentence per wrong field ("honorific", "postal_address"); empty when both are fine."""
    problems: dict[str, str] = {}
    if honorific is not None and len(" ".join(honorific.split())) > HONORIFIC_MAX:
        problems["honorific"] = (
            f"The honorific is longer than {HONORIFIC_MAX} characters; write it short, like Ms, "
            "Dr or Cllr."
        )
    if postal_address is not None:
        lines = clean_postal_address(postal_address).splitlines()
        long = next((line for line in lines if len(line) > POSTAL_LINE_MAX), None)
        if len(lines) > POSTAL_LINES_MAX:
            problems["postal_address"] = (
                f"The postal address has {len(lines)} lines; an envelope's window shows "
                f"{POSTAL_LINES_MAX} under the name."
            )
        elif long is not None:
            problems["postal_address"] = (
                f"The postal address line '{long[:30]}…' is longer than {POSTAL_LINE_MAX} "
                "characters; split it over two lines."
            )
    return problems


def set_letter_details(
    session: Session,
    *,
    person_id: int,
    actor: Actor,
    now: datetime,
    honorific: str | None = None,
    postal_address: str | None = None,
) -> tuple[str, str]:
    """Set how letters address a person: the honorific (Ms, Dr, Cllr, …) and the postal address
    printed in the envelope's window (up to 5 lines). Only the parts given change."""
    require_staff(actor, "change how letters address a person")
    person = session.get(Person, person_id)
    if person is None:
        raise WorkflowError(f"There is no person with id {person_id}.")
    if person.anonymised_at is not None:
        raise WorkflowError("An anonymised person gets no letters; nothing was changed.")
    problems = letter_detail_problems(honorific, postal_address)
    if problems:
        raise WorkflowError(next(iter(problems.values())))
    if honorific is not None:
        person.honorific = " ".join(honorific.split())
    if postal_address is not None:
        person.postal_address = clean_postal_address(postal_address)
    person.version = (person.version or 1) + 1
    audit(
        session,
        actor=actor,
        now=now,
        entity="person",
        entity_id=person.id,
        action="set_letter_details",
        detail=", ".join(
            part
            for part, given in (("honorific", honorific), ("postal address", postal_address))
            if given is not None
        ),
    )
    session.flush()
    return person.honorific, person.postal_address
