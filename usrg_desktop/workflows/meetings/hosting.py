"""The rotation's inputs read from the database, and host proposals for the next quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..system.dates import iso_date
from .rotation import (
    Blackout,
    Hosting,
    Proposal,
    Quarter,
    RotationCity,
    Unavailability,
    Volunteer,
    propose_hosts,
)

if TYPE_CHECKING:
    from ...storage import Database


@dataclass(frozen=True)
class RotationInputs:
    """Everything the rotation rules look at, as plain values."""

    cities: list[RotationCity]
    history: list[Hosting]
    volunteers: list[Volunteer]
    unavailability: list[Unavailability]
    blackouts: list[Blackout]


def _day(value: object) -> date:
    text = iso_date(value)  # type: ignore[arg-type]
    assert text is not None
    return date.fromisoformat(text)


def load_rotation_inputs(db: Database) -> RotationInputs:
    """Read cities, meetings that are not cancelled, offers, unavailability and blackouts."""
    cities = [
        RotationCity(int(i), name, official, bool(active), int(i))
        for i, name, official, active in db.rows(
            "SELECT id, short_name, official_name, active FROM cities ORDER BY id"
        )
    ]
    history = [
        Hosting(int(city), Quarter(int(year), int(q)), _day(start), _day(end))
        for city, year, q, start, end in db.rows(
            "SELECT host_city_id, year, quarter, starts_on, ends_on FROM meetings "
            "WHERE status <> 'cancelled' ORDER BY year, quarter, starts_on"
        )
    ]
    volunteers = [
        Volunteer(int(city), Quarter(int(year), int(q)))
        for city, year, q in db.rows("SELECT city_id, year, quarter FROM host_volunteers")
    ]
    unavailability = [
        Unavailability(int(city), _day(start), _day(end), reason or "")
        for city, start, end, reason in db.rows(
            "SELECT city_id, starts_on, ends_on, reason FROM host_unavailability"
        )
    ]
    blackouts = [
        Blackout(label, (int(sm), int(sd)), (int(em), int(ed)))
        for label, sm, sd, em, ed in db.rows(
            "SELECT label, start_month, start_day, end_month, end_day FROM blackout_periods "
            "ORDER BY id"
        )
    ]
    return RotationInputs(cities, history, volunteers, unavailability, blackouts)


def propose_next_hosts(db: Database, *, start: Quarter, quarters: int) -> list[Proposal]:
    """Host and date proposals for `quarters` quarters from `start`, from the database's history."""
    inputs = load_rotation_inputs(db)
    return propose_hosts(
        inputs.history,
        inputs.volunteers,
        inputs.unavailability,
        start,
        quarters,
        cities=inputs.cities,
        blackouts=inputs.blackouts,
    )
