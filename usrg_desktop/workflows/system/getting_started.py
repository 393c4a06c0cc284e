"""The first-run guide of a new database: what an administrator sets before the fund's first
round (a letterhead and signatory for the letters, the organisations, a first round), and
which of it is done. Read-only; the guide opens each step's own screen."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.audit import AuditEvent
from ...domain.directory import Person
from ...domain.grants import Round
from ..letters.letter_signatory import current_signatory
from .accounts import has_users

# The steps in the order the guide lists them; each key names the screen the guide opens.
FIRST_ADMINISTRATOR = "administrator"
LETTERHEAD = "letterhead"
SIGNATORY = "signatory"
ORGANISATIONS = "organisations"
FIRST_ROUND = "round"


@dataclass(frozen=True)
class Step:
    """One thing to set up: its key, its title, whether it is done, and a sentence saying
    what it is for (or what was found)."""

    key: str
    title: str
    done: bool
    sentence: str


def _changed(session: Session, *entities: str) -> bool:
    found = session.scalar(select(AuditEvent.id).where(AuditEvent.entity.in_(entities)).limit(1))
    return found is not None


def getting_started(session: Session) -> list[Step]:
    """The guide's steps for this database, each marked done or not."""
    signatory = current_signatory(session)
    people = session.scalar(select(func.count(Person.id))) or 0
    rounds = session.scalar(select(func.count(Round.id))) or 0
    organisations_checked = people > 0 or _changed(session, "city", "body", "organisation")
    return [
        Step(
            FIRST_ADMINISTRATOR,
            "First administrator",
            has_users(session),
            "The account that sets up everything else and adds the other users "
            "(Administration ▸ Users).",
        ),
        Step(
            LETTERHEAD,
            "Letterhead",
            _changed(session, "letterhead"),
            "The name, address, footer and logo printed at the top of every letter and pack.",
        ),
        Step(
            SIGNATORY,
            "Signatory",
            signatory is not None,
            f"Letters are signed by {signatory.name}."
            if signatory is not None
            else "Who signs the award and decline letters, with a scanned signature.",
        ),
        Step(
            ORGANISATIONS,
            "Organisations and people",
            organisations_checked,
            f"{people} {'person' if people == 1 else 'people'} in the directory."
            if people
            else "Check the member cities and partner bodies, and add their focal persons.",
        ),
        Step(
            FIRST_ROUND,
            "A first round",
            rounds > 0,
            f"{rounds} {'round' if rounds == 1 else 'rounds'} set up."
            if rounds
            else "The funding round applications are captured and reviewed in.",
        ),
    ]


def needs_guide(session: Session) -> bool:
    """Whether a database is new enough for the guide to open by itself: no round yet."""
    return session.scalar(select(Round.id).limit(1)) is None
