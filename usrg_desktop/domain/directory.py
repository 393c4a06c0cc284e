"""The contact directory: member cities, partner bodies and people (with POPIA consent basis).

Member cities and bodies stay two tables (every reference to them — people, applications,
meetings, rounds' admitted bodies, reviewers' affiliations — keeps its column); what an
organisation has in common (names, addresses, switchboard, main contact, version) is one mixin,
edited by one workflow module (`workflows/directory/organisations.py`). A body is any other
organisation
a round can admit: a national department, an association, an NGO working with a city.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Base, StrEnum, Versioned, one_of


class CityCategory(StrEnum):
    METROPOLITAN = "metropolitan"
    INTERMEDIATE = "intermediate city"


class PersonRole(StrEnum):
    FOCAL_PERSON = "focal person"
    ALTERNATE = "alternate"
    OFFICIAL = "official"
    REVIEWER = "reviewer"
    SECRETARIAT = "secretariat"
    PARTNER = "partner"
    OTHER = "other"


class ConsentBasis(StrEnum):
    """POPIA section 11 grounds on which the secretariat holds a person's details."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal obligation"
    PUBLIC_FUNCTION = "public function"
    LEGITIMATE_INTEREST = "legitimate interest"


class OrganisationDetails(Versioned):
    """What every organisation in the directory has besides its names and kind: how a sentence
    names it, where it is, its switchboard and its main contact (a person in the directory)."""

    # "the City of Ekurhuleni": what letters write inside a sentence (see letter_addressing).
    name_in_sentence: Mapped[str] = mapped_column(String(300), default="", server_default="")
    postal_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    physical_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    switchboard: Mapped[str] = mapped_column(String(40), default="", server_default="")

    @declared_attr
    def main_contact_id(cls) -> Mapped[int | None]:  # noqa: N805 - a declared_attr takes the class
        # people.city_id points back at cities: use_alter keeps the metadata's table order sound.
        return mapped_column(Integer, ForeignKey("people.id", use_alter=True))


class City(OrganisationDetails, Base):
    """An SACN member city in the USRG."""

    __tablename__ = "cities"
    __table_args__ = (one_of("category", CityCategory),)

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(80), unique=True)
    official_name: Mapped[str] = mapped_column(String(200), unique=True)
    municipal_code: Mapped[str] = mapped_column(String(16), unique=True)
    province: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(30))
    seat: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    member_since: Mapped[date | None] = mapped_column(Date)


class Body(OrganisationDetails, Base):
    """A national department, association or partner body in the USRG."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(80), unique=True)
    official_name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    role_in_usrg: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OrganisationName(Base):
    """A name an organisation carried before a rename, with the days it was used."""

    __tablename__ = "organisation_names"
    __table_args__ = (
        CheckConstraint("(city_id IS NULL) <> (body_id IS NULL)", name="one_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    official_name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(80))
    name_in_sentence: Mapped[str] = mapped_column(String(300), default="")
    # None: used since before the program knew it.
    used_from: Mapped[date | None] = mapped_column(Date)
    # The first day of the next name: the old one was used up to the day before.
    used_until: Mapped[date] = mapped_column(Date)
    renamed_at: Mapped[datetime]


class Person(Versioned, Base):
    """Someone in the directory: a focal person, reviewer, official or partner contact."""

    __tablename__ = "people"
    __table_args__ = (
        one_of("role", PersonRole),
        one_of("consent_basis", ConsentBasis),
        CheckConstraint("city_id IS NULL OR body_id IS NULL", name="one_affiliation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    # For letters: "Dear Ms Moodley", and the address in a window envelope (lines).
    honorific: Mapped[str] = mapped_column(String(20), default="", server_default="")
    postal_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent_basis: Mapped[str] = mapped_column(String(30))
    consent_recorded_on: Mapped[date | None] = mapped_column(Date)
    # Anonymised on request (POPIA s24): the row stays so history that points at it holds.
    anonymised_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
