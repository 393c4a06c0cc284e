"""The rotation's inputs a coordinator enters: volunteers, unavailable periods, blackout periods.

A city may volunteer to host a quarter (once per quarter, for this quarter or a later one, if
it is an active member city); a city may be unavailable from one day to another, with the
reason; the yearly blackout periods (default 15 December – 15 January) can be edited. Each
change is checked first (refused with one sentence per field, nothing written), needs a
meetings coordinator, the secretariat or an administrator (as planning does, in
`meeting_plans.py`), and writes an audit record in the same transaction. The next host
proposals read these inputs, so a change shows in them at once.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...clock import south_african_day
from ...domain.directory import City
from ...domain.meetings import BlackoutPeriod, HostUnavailability, HostVolunteer, Meeting
from ...domain.meetings import MeetingStatus as MS
from .. import Actor, Column, FieldErrors, Listing, WorkflowError
from ..system.audit_trail import audit
from ..system.dates import iso_date
from .meeting_plans import _blackouts, _check_role
from .meeting_records import write_unavailability
from .rotation import Blackout, Quarter

if TYPE_CHECKING:
    from ...storage import Database

NOTE_LIMIT = 2000
REASON_LIMIT = 2000
LABEL_LIMIT = 120  # the column's size


def _city(session: Session, city_id: int | None, problems: dict[str, str]) -> City | None:
    city = session.get(City, city_id) if city_id is not None else None
    if city_id is None:
        problems["city"] = "Choose the city."
    elif city is None:
        problems["city"] = f"There is no member city with id {city_id}."
    return city


def _period_text(starts_on: date, ends_on: date) -> str:
    return f"{starts_on:%d %b %Y} to {ends_on:%d %b %Y}"


# -- volunteers -----------------------------------------------------------------------------------
def record_volunteer(
    session: Session,
    *,
    city: int | None,
    year: int,
    quarter: int,
    note: str = "",
    actor: Actor,
    now: datetime,
) -> int:
    """Record that a city offers to host a quarter's meeting; returns the offer's id.

    Refused (one sentence per field: "city", "quarter", "note") for an inactive city, a past
    quarter, a quarter the city already volunteered for, or a quarter that already has a
    meeting; the rotation then proposes the city for that quarter where its rules allow.
    """
    _check_role(actor, "record a city's offer to host")
    problems: dict[str, str] = {}
    found = _city(session, city, problems)
    if found is not None and not found.active:
        problems["city"] = f"{found.short_name} is not an active member city, so it cannot host."
    wanted: Quarter | None = None
    if quarter not in (1, 2, 3, 4):
        problems["quarter"] = f"Quarter {quarter} does not exist; a year has quarters 1 to 4."
    elif not 2000 <= year <= 2100:
        problems["quarter"] = f"The year {year} is not a year the rotation plans for."
    else:
        wanted = Quarter(year, quarter)
        current = Quarter.of(south_african_day(now))
        if wanted < current:
            problems["quarter"] = (
                f"{wanted.label} is over; a city can volunteer for {current.label} or later."
            )
    clean_note = (note or "").strip()
    if len(clean_note) > NOTE_LIMIT:
        problems["note"] = (
            f"The note is {len(clean_note)} characters long; the most is {NOTE_LIMIT}."
        )
    if not problems:
        assert found is not None and wanted is not None
        already = session.scalar(
            select(HostVolunteer.id).where(
                HostVolunteer.city_id == found.id,
                HostVolunteer.year == wanted.year,
                HostVolunteer.quarter == wanted.number,
            )
        )
        if already is not None:
            problems["quarter"] = f"{found.short_name} has already volunteered for {wanted.label}."
        else:
            planned = session.execute(
                select(Meeting.number, City.short_name)
                .join(City, City.id == Meeting.host_city_id)
                .where(
                    Meeting.year == wanted.year,
                    Meeting.quarter == wanted.number,
                    Meeting.status != MS.CANCELLED.value,
                )
            ).first()
            if planned is not None:
                problems["quarter"] = (
                    f"{wanted.label} already has meeting {planned[0]}, hosted by {planned[1]}; "
                    "cancel it first if another city is to host."
                )
    if problems:
        raise FieldErrors(problems)
    assert found is not None and wanted is not None
    offer = HostVolunteer(
        city_id=found.id, year=wanted.year, quarter=wanted.number, note=clean_note
    )
    session.add(offer)
    session.flush()
    audit(
        session,
        "host_volunteer",
        offer.id,
        "record_volunteer",
        actor=actor,
        now=now,
        detail=f"{found.short_name} volunteered for {wanted.label}. {clean_note}".strip(),
    )
    session.flush()
    return offer.id


def _city_name(session: Session, city_id: int) -> str:
    """A city's short name for a sentence about its offer or period ("The city" if it is gone)."""
    city = session.get(City, city_id)
    return city.short_name if city else "The city"


def withdraw_volunteer(
    session: Session, *, volunteer_id: int, actor: Actor, now: datetime, reason: str = ""
) -> str:
    """Remove a city's offer to host a quarter; returns what was withdrawn, in words."""
    _check_role(actor, "withdraw a city's offer to host")
    offer = session.get(HostVolunteer, volunteer_id)
    if offer is None:
        raise WorkflowError(f"There is no offer to host with id {volunteer_id}.")
    name = _city_name(session, offer.city_id)
    what = f"{name}'s offer to host {Quarter(offer.year, offer.quarter).label}"
    audit(
        session,
        "host_volunteer",
        offer.id,
        "withdraw_volunteer",
        actor=actor,
        now=now,
        reason=reason.strip(),
        detail=f"{what} withdrawn. {offer.note or ''}".strip(),
    )
    session.delete(offer)
    session.flush()
    return what


# -- unavailability -------------------------------------------------------------------------------
def record_unavailability(
    session: Session,
    *,
    city: int | None,
    starts_on: date | None,
    ends_on: date | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> int:
    """Record that a city cannot host from one day to another, with the reason; returns its id.

    Refused (one sentence per field: "city", "starts_on", "ends_on", "reason") for dates out
    of order, a period already over, a missing reason, the same period twice, or a period that
    covers a meeting the city hosts (move or cancel that meeting first). The rotation skips the
    city for a meeting in the period and records the skip as a deferral: it keeps its turn.
    """
    _check_role(actor, "record when a city cannot host")
    problems: dict[str, str] = {}
    found = _city(session, city, problems)
    today = south_african_day(now)
    if starts_on is None:
        problems["starts_on"] = "Give the first day the city cannot host."
    if ends_on is None:
        problems["ends_on"] = "Give the last day the city cannot host."
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            problems["ends_on"] = (
                f"The last day ({ends_on:%d %b %Y}) is before the first day ({starts_on:%d %b %Y})."
            )
        elif ends_on < today:
            problems["ends_on"] = (
                f"The period ends on {ends_on:%d %b %Y}, before today; it would change nothing."
            )
    clean = (reason or "").strip()
    if not clean:
        problems["reason"] = "Say why the city cannot host in this period."
    elif len(clean) > REASON_LIMIT:
        problems["reason"] = (
            f"The reason is {len(clean)} characters long; the most is {REASON_LIMIT}."
        )
    if found is not None and not problems:
        assert starts_on is not None and ends_on is not None
        same = session.scalar(
            select(HostUnavailability.id).where(
                HostUnavailability.city_id == found.id,
                HostUnavailability.starts_on == starts_on,
                HostUnavailability.ends_on == ends_on,
            )
        )
        if same is not None:
            problems["starts_on"] = (
                f"{found.short_name} is already unavailable from "
                f"{_period_text(starts_on, ends_on)}."
            )
        hosting = session.execute(
            select(Meeting.number, Meeting.starts_on, Meeting.ends_on, Meeting.status)
            .where(
                Meeting.host_city_id == found.id,
                Meeting.status.in_([MS.PLANNED.value, MS.CONFIRMED.value]),
                Meeting.starts_on <= ends_on,
                Meeting.ends_on >= starts_on,
            )
            .order_by(Meeting.starts_on)
        ).first()
        if hosting is not None:
            number, first, last, status = hosting
            problems["city"] = (
                f"{found.short_name} hosts meeting {number} ({status}) on {first:%d %b} and "
                f"{last:%d %b %Y}, inside this period; move or cancel that meeting first."
            )
    if problems:
        raise FieldErrors(problems)
    assert found is not None and starts_on is not None and ends_on is not None
    return write_unavailability(
        session,
        city=found,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=clean,
        action="record_unavailability",
        audit_reason=clean,
        detail=f"{found.short_name} cannot host from {_period_text(starts_on, ends_on)}.",
        actor=actor,
        now=now,
    )


def remove_unavailability(
    session: Session, *, unavailability_id: int, actor: Actor, now: datetime
) -> str:
    """Remove a period in which a city could not host (it may be proposed again); in words."""
    _check_role(actor, "remove a period in which a city cannot host")
    period = session.get(HostUnavailability, unavailability_id)
    if period is None:
        raise WorkflowError(f"There is no unavailable period with id {unavailability_id}.")
    name = _city_name(session, period.city_id)
    what = f"{name} unavailable from {_period_text(period.starts_on, period.ends_on)}"
    audit(
        session,
        "host_unavailability",
        period.id,
        "remove_unavailability",
        actor=actor,
        now=now,
        detail=f"{what} removed ({period.reason or 'no reason'}).",
    )
    session.delete(period)
    session.flush()
    return what


# -- blackout periods -----------------------------------------------------------------------------
def _day_problem(month: object, day: object) -> str | None:
    """Why (month, day) is not a day of the year (29 February counts), or None."""
    if not isinstance(month, int) or not 1 <= month <= 12:
        return f"month {month} does not exist (months are 1 to 12)"
    longest = calendar.monthrange(2000, month)[1]  # a leap year: 29 February is a day
    if not isinstance(day, int) or not 1 <= day <= longest:
        return f"{calendar.month_name[month]} has no day {day} (it has {longest} days)"
    return None


def _day_text(month_day: tuple[int, int]) -> str:
    return f"{month_day[1]} {calendar.month_name[month_day[0]]}"


def blackout_problems(periods: Sequence[Blackout]) -> dict[str, str]:
    """What is wrong with these blackout periods: one sentence per period ("1", "2", …)."""
    problems: dict[str, str] = {}
    if not periods:
        return {"periods": "Keep at least one blackout period; without any, the default applies."}
    labels: set[str] = set()
    for n, period in enumerate(periods, start=1):
        key = str(n)
        label = (period.label or "").strip()
        if not label:
            problems[key] = f"Blackout period {n} needs a name (for example 'Year-end holidays')."
            continue
        if len(label) > LABEL_LIMIT:
            problems[key] = (
                f"The name of blackout period {n} is {len(label)} characters; the most is "
                f"{LABEL_LIMIT}."
            )
            continue
        if label.casefold() in labels:
            problems[key] = f"Two blackout periods are called '{label}'; give each its own name."
            continue
        labels.add(label.casefold())
        for which, (month, day) in (("start", period.start), ("end", period.end)):
            trouble = _day_problem(month, day)
            if trouble:
                problems[key] = f"The {which} of '{label}' is wrong: {trouble}."
                break
    return problems


def set_blackout_periods(
    session: Session, *, periods: Sequence[Blackout], actor: Actor, now: datetime
) -> bool:
    """Replace the yearly blackout periods; False (nothing written) when they are the same.

    Refused (one sentence per period, keyed "1", "2", …) for a missing or repeated name or a
    day that does not exist (31 April); also refused when a planned or confirmed meeting that
    has not happened yet falls in a period (move it first). A period may run over New Year.
    """
    _check_role(actor, "change the blackout periods")
    cleaned = [Blackout((p.label or "").strip(), tuple(p.start), tuple(p.end)) for p in periods]
    problems = blackout_problems(cleaned)
    if problems:
        raise FieldErrors(problems)
    before = _blackouts(session)
    if [(b.label, b.start, b.end) for b in before] == [(b.label, b.start, b.end) for b in cleaned]:
        return False
    upcoming = session.execute(
        select(Meeting.number, Meeting.starts_on, Meeting.ends_on)
        .where(
            Meeting.status.in_([MS.PLANNED.value, MS.CONFIRMED.value]),
            Meeting.ends_on >= south_african_day(now),
        )
        .order_by(Meeting.starts_on)
    ).all()
    for n, period in enumerate(cleaned, start=1):
        for number, first, last in upcoming:
            if period.contains(first) or period.contains(last):
                problems[str(n)] = (
                    f"Meeting {number} ({first:%d %b} and {last:%d %b %Y}) falls in "
                    f"'{period.label}'; move that meeting first."
                )
                break
    if problems:
        raise FieldErrors(problems)
    session.execute(delete(BlackoutPeriod))
    for period in cleaned:
        session.add(
            BlackoutPeriod(
                label=period.label,
                start_month=period.start[0],
                start_day=period.start[1],
                end_month=period.end[0],
                end_day=period.end[1],
            )
        )
    session.flush()
    audit(
        session,
        "blackout_periods",
        0,
        "set_blackout_periods",
        actor=actor,
        now=now,
        detail="; ".join(describe_blackouts(before))
        + " → "
        + "; ".join(describe_blackouts(cleaned)),
    )
    session.flush()
    return True


def describe_blackouts(periods: Iterable[Blackout]) -> list[str]:
    """Each period in words: 'Year-end holidays: 15 December – 15 January'."""
    return [f"{p.label}: {_day_text(p.start)} – {_day_text(p.end)}" for p in periods]


def blackout_periods(session: Session) -> list[Blackout]:
    """The blackout periods in force (the default ones when none were set)."""
    return list(_blackouts(session))


# -- lists ----------------------------------------------------------------------------------------
VOLUNTEER_COLUMNS = [
    Column("quarter", "Quarter"),
    Column("city", "City"),
    Column("official_name", "Official name"),
    Column("note", "Note"),
]
UNAVAILABILITY_COLUMNS = [
    Column("city", "City"),
    Column("official_name", "Official name"),
    Column("from", "From", "date"),
    Column("to", "To", "date"),
    Column("reason", "Reason"),
]
BLACKOUT_COLUMNS = [
    Column("label", "Name"),
    Column("start", "From (MM-DD)"),
    Column("end", "To (MM-DD)"),
]


def volunteer_listing(db: Database) -> Listing:
    """Every offer to host, by quarter then city, with the offer's id for each row."""
    rows = db.rows(
        """
        SELECT v.id, v.year, v.quarter, c.short_name, c.official_name, v.note
        FROM host_volunteers v JOIN cities c ON c.id = v.city_id
        ORDER BY v.year, v.quarter, c.short_name
        """
    )
    return Listing(
        "Volunteers to host",
        VOLUNTEER_COLUMNS,
        [
            (f"{int(year)}Q{int(q)}", short, official, note or "")
            for _id, year, q, short, official, note in rows
        ],
        ids=[int(row[0]) for row in rows],
    )


def unavailability_listing(db: Database) -> Listing:
    """Every period in which a city cannot host, by first day, with the period's id per row."""
    rows = db.rows(
        """
        SELECT u.id, c.short_name, c.official_name, u.starts_on, u.ends_on, u.reason
        FROM host_unavailability u JOIN cities c ON c.id = u.city_id
        ORDER BY u.starts_on, u.ends_on, c.short_name
        """
    )
    return Listing(
        "Cities unavailable to host",
        UNAVAILABILITY_COLUMNS,
        [
            (short, official, iso_date(start), iso_date(end), reason or "")
            for _id, short, official, start, end, reason in rows
        ],
        ids=[int(row[0]) for row in rows],
    )


def blackout_listing(session: Session) -> Listing:
    """The blackout periods in force as a list (month-day texts such as 12-15)."""
    return Listing(
        "Blackout periods",
        BLACKOUT_COLUMNS,
        [
            (p.label, f"{p.start[0]:02d}-{p.start[1]:02d}", f"{p.end[0]:02d}-{p.end[1]:02d}")
            for p in _blackouts(session)
        ],
    )
