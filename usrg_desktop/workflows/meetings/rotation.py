"""Host rotation and meeting dates: pure functions over the hosting history, taking `today`.

The rules (summarised in docs/architecture.md, "The product's rules"): among the active member
cities still owed a turn in this round of the rotation (every active city hosts once before any
city hosts twice), a city that volunteered for the quarter is preferred; otherwise the one that
has gone longest without hosting (then fewest hosted, then the stable order of the member list);
never the same city twice in a row; a city unavailable for the meeting's dates is skipped and
keeps its turn (a deferral). Meetings are 1.5 days on two consecutive weekdays in the quarter's
preferred week, never on a South African public holiday (the `holidays` package, observed days
included) and never in a blackout period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MO, MONTHLY, rrule

from .. import WorkflowError

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter such as 2027 Q1."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read `2027Q1`, `2027 Q1` or `2027-Q1`."""
        match = _QUARTER.match(text)
        if not match:
            raise WorkflowError(f"'{text}' is not a quarter; write it like 2027Q1.")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """The quarter as people write it: `2027 Q1`."""
        return f"{self.year} Q{self.number}"

    def next(self) -> Quarter:
        """The following quarter."""
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def first_day(self) -> date:
        """1 January, 1 April, 1 July or 1 October."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """The quarter's last day."""
        return self.first_day + relativedelta(months=3, days=-1)


@dataclass(frozen=True)
class RotationCity:
    """A member city as the rotation sees it; `order` is the stable tie-break."""

    id: int
    name: str
    official_name: str
    active: bool = True
    order: int = 0


@dataclass(frozen=True)
class Hosting:
    """A meeting held or planned in a quarter by a city (cancelled meetings are left out)."""

    city_id: int
    quarter: Quarter
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class Volunteer:
    """A city's offer to host in a quarter."""

    city_id: int
    quarter: Quarter


@dataclass(frozen=True)
class Unavailability:
    """A period in which a city cannot host."""

    city_id: int
    starts_on: date
    ends_on: date
    reason: str = ""

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the period touches any day from `first` to `last`."""
        return self.starts_on <= last and first <= self.ends_on


@dataclass(frozen=True)
class Blackout:
    """A yearly period with no meetings, from (month, day) to (month, day), maybe over New Year."""

    label: str
    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, day: date) -> bool:
        """Whether the day falls inside the period."""
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


DEFAULT_BLACKOUTS = (Blackout("Year-end holidays", (12, 15), (1, 15)),)


@dataclass(frozen=True)
class WeekRule:
    """Which week of a quarter is preferred: by default the second week of its middle month."""

    month_of_quarter: int = 2
    week_of_month: int = 2

    def preferred_monday(self, quarter: Quarter) -> date:
        """The Monday that starts the preferred week of the quarter."""
        month_start = quarter.first_day + relativedelta(months=self.month_of_quarter - 1)
        rule = rrule(MONTHLY, dtstart=month_start, count=1, byweekday=MO(self.week_of_month))
        return rule[0].date()


@dataclass(frozen=True)
class Deferral:
    """A city passed over for a quarter it would otherwise have hosted; it keeps its turn."""

    city_id: int
    quarter: Quarter
    reason: str


@dataclass(frozen=True)
class Proposal:
    """A proposed (or already planned) host and dates for one quarter, with the reason in words."""

    quarter: Quarter
    host_id: int | None
    host: str | None
    host_official_name: str | None
    starts_on: date
    ends_on: date
    reason: str
    planned: bool = False
    deferrals: tuple[Deferral, ...] = ()

    def as_dict(self) -> dict[str, str | None]:
        """The proposal as the command line's JSON shows it."""
        return {
            "quarter": str(self.quarter),
            "host": self.host_official_name,
            "start": self.starts_on.isoformat(),
            "end": self.ends_on.isoformat(),
            "reason": self.reason,
        }


@dataclass
class LedgerRow:
    """What the rotation knows about one city."""

    city_id: int
    city: str
    active: bool
    times_hosted: int = 0
    last_hosted: Quarter | None = None
    volunteered: list[Quarter] = field(default_factory=list)
    deferred: int = 0
    unavailable: list[Unavailability] = field(default_factory=list)


# -- dates ------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _za_holidays(year: int) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays("ZA", years=year))


def public_holiday(day: date) -> str | None:
    """The name of the South African public holiday on `day` (observed days included), if any."""
    return _za_holidays(day.year).get(day)


def _day_problem(day: date, blackouts: Sequence[Blackout], taken: frozenset[date]) -> str | None:
    if day.weekday() >= 5:
        return f"{day:%a %d %b} is a weekend day"
    holiday = public_holiday(day)
    if holiday:
        return f"{day:%a %d %b %Y} is {holiday}"
    for blackout in blackouts:
        if blackout.contains(day):
            return f"{day:%d %b} falls in the blackout period '{blackout.label}'"
    if day in taken:
        return f"{day:%a %d %b %Y} is already used by another meeting"
    return None


# Within a week: midweek pairs first, so that people can travel on Monday or Friday.
_PAIRS_IN_WEEK = (1, 2, 0, 3)  # day-1 weekday: Tue-Wed, Wed-Thu, Mon-Tue, Thu-Fri


def meeting_dates(
    quarter: Quarter,
    *,
    blackouts: Sequence[Blackout] = DEFAULT_BLACKOUTS,
    taken: Iterable[date] = (),
    rule: WeekRule = WeekRule(),
) -> tuple[date, date, str]:
    """Day 1 and day 2 of the quarter's meeting and a sentence on how they were chosen."""
    taken_days = frozenset(taken)
    preferred = rule.preferred_monday(quarter)
    # Search the preferred week, then the weeks after it, then the weeks before it.
    weeks: list[date] = []
    monday = preferred
    while monday <= quarter.last_day:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    monday = preferred - timedelta(weeks=1)
    while monday + timedelta(days=4) >= quarter.first_day:
        weeks.append(monday)
        monday -= timedelta(weeks=1)
    first_problem: str | None = None
    for monday in weeks:
        for offset in _PAIRS_IN_WEEK:
            day1 = monday + timedelta(days=offset)
            day2 = day1 + timedelta(days=1)
            if Quarter.of(day1) != quarter or Quarter.of(day2) != quarter:
                continue
            problem = _day_problem(day1, blackouts, taken_days) or _day_problem(
                day2, blackouts, taken_days
            )
            if problem is None:
                when = f"{day1:%a} {day1.day} and {day2:%a} {day2.day} {day2:%B %Y}"
                if monday == preferred:
                    return day1, day2, f"{when}, in the preferred week."
                return (
                    day1,
                    day2,
                    (
                        f"{when}: the preferred week of {preferred.day} {preferred:%B} is blocked "
                        f"({first_problem})."
                    ),
                )
            if monday == preferred and first_problem is None:
                first_problem = problem
    raise WorkflowError(
        f"No two consecutive weekdays in {quarter.label} are free of public holidays, "
        "blackout periods and other meetings."
    )


# -- hosts ------------------------------------------------------------------------------------
def _describe_last(city: RotationCity, last: dict[int, Quarter]) -> str:
    quarter = last.get(city.id)
    return f"it last hosted in {quarter.label}" if quarter else "it has not hosted before"


def _fairness_key(
    city: RotationCity, last: dict[int, Quarter], counts: dict[int, int]
) -> tuple[Quarter, int, int, int]:
    never = Quarter(0, 1)
    return (last.get(city.id, never), counts.get(city.id, 0), city.order, city.id)


def propose_hosts(
    history: Sequence[Hosting],
    volunteers: Iterable[Volunteer],
    unavailability: Iterable[Unavailability],
    start_quarter: Quarter,
    quarters: int,
    *,
    cities: Sequence[RotationCity],
    blackouts: Sequence[Blackout] = DEFAULT_BLACKOUTS,
    rule: WeekRule = WeekRule(),
) -> list[Proposal]:
    """Hosts and dates for `quarters` quarters from `start_quarter`, each with its reason.

    Hostings in `history` at or after `start_quarter` are taken as already planned: they are
    returned as they are and count for the rotation.
    """
    if quarters < 1:
        raise WorkflowError("Ask for at least one quarter of proposals.")
    by_id = {c.id: c for c in cities}
    active = [c for c in cities if c.active]
    if len(active) < 2:
        raise WorkflowError("The rotation needs at least two active member cities.")
    offers: dict[Quarter, list[int]] = {}
    for v in volunteers:
        offers.setdefault(v.quarter, []).append(v.city_id)
    blocked = list(unavailability)
    past = sorted((h for h in history if h.quarter < start_quarter), key=lambda h: h.quarter)
    fixed = {h.quarter: h for h in history if h.quarter >= start_quarter}

    last: dict[int, Quarter] = {}
    counts: dict[int, int] = {}
    cycle: set[int] = set()  # cities that have hosted in the current turn of the rotation
    early: set[int] = set()  # cities that hosted again before the turn ended: next turn's hosts
    previous: int | None = None
    active_ids = {c.id for c in active}

    def record(city_id: int, quarter: Quarter) -> None:
        nonlocal previous, cycle, early
        last[city_id] = quarter
        counts[city_id] = counts.get(city_id, 0) + 1
        (early if city_id in cycle else cycle).add(city_id)
        if active_ids <= cycle:
            cycle, early = early, set()
        previous = city_id

    for hosting in past:
        record(hosting.city_id, hosting.quarter)

    taken = {d for h in history if h.starts_on for d in (h.starts_on, h.ends_on) if d}
    proposals: list[Proposal] = []
    quarter = start_quarter
    for _ in range(quarters):
        if quarter in fixed:
            hosting = fixed[quarter]
            city = by_id.get(hosting.city_id)
            day1 = hosting.starts_on or meeting_dates(quarter, blackouts=blackouts, rule=rule)[0]
            day2 = hosting.ends_on or day1 + timedelta(days=1)
            proposals.append(
                Proposal(
                    quarter,
                    hosting.city_id,
                    city.name if city else None,
                    city.official_name if city else None,
                    day1,
                    day2,
                    f"Already planned: {city.name if city else 'a former member'} hosts "
                    f"{quarter.label}.",
                    planned=True,
                )
            )
            record(hosting.city_id, quarter)
            quarter = quarter.next()
            continue

        day1, day2, date_reason = meeting_dates(
            quarter, blackouts=blackouts, taken=taken, rule=rule
        )
        deferrals: list[Deferral] = []

        def available(
            city: RotationCity, first: date = day1, final: date = day2
        ) -> Unavailability | None:
            return next(
                (u for u in blocked if u.city_id == city.id and u.overlaps(first, final)), None
            )

        owed = [c for c in active if c.id not in cycle] or list(active)
        ordered = sorted(owed, key=lambda c: _fairness_key(c, last, counts))
        eligible: list[RotationCity] = []
        for city in ordered:
            if city.id == previous:
                continue
            period = available(city)
            if period is not None:
                why = f" ({period.reason})" if period.reason else ""
                deferrals.append(
                    Deferral(
                        city.id,
                        quarter,
                        f"{city.name} is unavailable from {period.starts_on:%d %b %Y} to "
                        f"{period.ends_on:%d %b %Y}{why}; it keeps its turn.",
                    )
                )
                continue
            eligible.append(city)

        chosen: RotationCity | None = None
        reason = ""
        volunteering = [by_id[i] for i in offers.get(quarter, []) if i in by_id]
        willing = [c for c in eligible if c in volunteering]
        if willing:
            chosen = willing[0]
            reason = (
                f"{chosen.name} volunteered for {quarter.label}; {_describe_last(chosen, last)}."
            )
        elif eligible:
            chosen = eligible[0]
            waiting = len([c for c in owed if c.id != chosen.id])
            if chosen.id in last:
                reason = (
                    f"{chosen.name} has gone longest without hosting: it last hosted in "
                    f"{last[chosen.id].label}."
                )
            else:
                reason = f"{chosen.name} has not hosted yet."
            if waiting and len(owed) < len(active):
                still = "city is" if waiting == 1 else "cities are"
                reason += f" {waiting} more {still} still to host in this turn of the rotation."
            others = [c.name for c in volunteering if c not in willing]
            if others:
                reason += (
                    f" {', '.join(others)} volunteered but cannot host this quarter under the "
                    "rotation rules."
                )
        else:
            # Everyone still owed a turn is unavailable: the next turn starts early, fairly.
            spare = sorted(
                (c for c in active if c.id != previous and available(c) is None),
                key=lambda c: _fairness_key(c, last, counts),
            )
            if spare:
                chosen = spare[0]
                reason = (
                    f"Every city still to host in this turn is unavailable, so {chosen.name} "
                    f"hosts early; {_describe_last(chosen, last)}."
                )
        if deferrals:
            reason += " " + " ".join(d.reason for d in deferrals)
        reason += f" Dates: {date_reason}"
        if chosen is None:
            proposals.append(
                Proposal(
                    quarter,
                    None,
                    None,
                    None,
                    day1,
                    day2,
                    "No member city can host: every active city is unavailable or hosted last "
                    f"quarter. Dates: {date_reason}",
                    deferrals=tuple(deferrals),
                )
            )
        else:
            proposals.append(
                Proposal(
                    quarter,
                    chosen.id,
                    chosen.name,
                    chosen.official_name,
                    day1,
                    day2,
                    reason,
                    deferrals=tuple(deferrals),
                )
            )
            record(chosen.id, quarter)
        taken.update({day1, day2})
        quarter = quarter.next()
    return proposals


def hosting_ledger(
    cities: Sequence[RotationCity],
    history: Sequence[Hosting],
    volunteers: Iterable[Volunteer],
    unavailability: Iterable[Unavailability],
    *,
    today: date,
    proposals: Sequence[Proposal] = (),
) -> list[LedgerRow]:
    """Per city: times hosted up to today, last hosted, future offers, deferrals, unavailability."""
    rows = {c.id: LedgerRow(c.id, c.name, c.active) for c in cities}
    now = Quarter.of(today)
    for hosting in sorted(history, key=lambda h: h.quarter):
        row = rows.get(hosting.city_id)
        held = hosting.ends_on <= today if hosting.ends_on else hosting.quarter < now
        if row and held:
            row.times_hosted += 1
            row.last_hosted = hosting.quarter
    for offer in volunteers:
        if offer.city_id in rows and offer.quarter >= now:
            rows[offer.city_id].volunteered.append(offer.quarter)
    for period in unavailability:
        if period.city_id in rows and period.ends_on >= today:
            rows[period.city_id].unavailable.append(period)
    for proposal in proposals:
        for deferral in proposal.deferrals:
            if deferral.city_id in rows:
                rows[deferral.city_id].deferred += 1
    for row in rows.values():
        row.volunteered.sort()
    return [rows[c.id] for c in sorted(cities, key=lambda c: (c.order, c.id))]
