"""The dates an award promises, counted from the project's own start and end.

An award letter names the day the signed slip is due, when each tranche is expected and when
each report is due. They follow the project the applicant described, not the award date:

- the slip is due `REPLY_WITHIN_DAYS` after the letter;
- the first tranche (paid once the grant agreement is signed) is expected at the project's
  start; a project cannot start sooner than `AGREEMENT_DAYS` after the slip is due (the
  agreement follows the slip and has to be signed first), so an earlier start moves to then;
- the interim report is due at the middle of the project plus an offset, the final report
  after the project's end plus an offset (both offsets are settings an administrator can
  change, in days);
- a tranche paid on acceptance of a report is expected `PAYMENT_DAYS` after that report is due.

Every date is then moved to the next South African working day (no Saturday, Sunday or public
holiday, from the `holidays` package), so no letter promises a Sunday or Christmas Day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.accounts import Role, Setting
from .. import Actor, PermissionDenied, WorkflowError
from ..system.audit_trail import audit

REPLY_WITHIN_DAYS = 30
AGREEMENT_DAYS = 21
PAYMENT_DAYS = 30
INTERIM_OFFSET_SETTING = "award_dates.interim_report_offset_days"
FINAL_OFFSET_SETTING = "award_dates.final_report_offset_days"
DEFAULT_INTERIM_OFFSET_DAYS = 0
DEFAULT_FINAL_OFFSET_DAYS = 30
# An offset beyond a year would put a report into another project's life.
MAX_OFFSET_DAYS = 365


@cache
def _holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("ZA", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a South African public holiday (observed days included)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def non_working_reason(day: date) -> str:
    """Why `day` is not a working day: "a Sunday", "a public holiday (Youth Day)"."""
    name = holidays_name(day)
    if name:
        return f"a public holiday ({name})"
    if day.weekday() >= 5:
        return f"a {day:%A}"
    return "a working day"


def holidays_name(day: date) -> str:
    """The South African public holiday on `day`, or ""."""
    import holidays

    if day not in _holidays(day.year):
        return ""
    return str(holidays.country_holidays("ZA", years=day.year).get(day, ""))


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class DateRules:
    """The two offsets an administrator sets, in days."""

    interim_offset_days: int = DEFAULT_INTERIM_OFFSET_DAYS
    final_offset_days: int = DEFAULT_FINAL_OFFSET_DAYS


@dataclass(frozen=True)
class AwardDates:
    """Every date an award letter promises, each a working day."""

    reply_by: date
    first_tranche: date
    interim_report: date
    final_report: date
    interim_tranche: date
    final_tranche: date


def award_dates(
    *,
    awarded_on: date,
    starts_on: date | None,
    ends_on: date | None,
    rules: DateRules | None = None,
) -> AwardDates:
    """The slip, tranche and report dates of an award made on `awarded_on` for this project.

    A project without dates (an old record) is taken to start a month after the award and to
    last a year. A project that would start before its agreement can be signed (the slip's
    deadline plus AGREEMENT_DAYS) starts then instead, keeping its length.
    """
    rules = rules or DateRules()
    reply_by = next_working_day(awarded_on + timedelta(days=REPLY_WITHIN_DAYS))
    signed_by = reply_by + timedelta(days=AGREEMENT_DAYS)
    start = starts_on or awarded_on + relativedelta(months=1)
    end = max(ends_on or start + relativedelta(years=1, days=-1), start)
    if start < signed_by:
        # No project starts before its agreement is signed: it moves, keeping its length.
        end += signed_by - start
        start = signed_by
    middle = start + timedelta(days=(end - start).days // 2)
    first = next_working_day(start)
    # A report is never due before the agreement can have been signed, and the final report
    # is always due after the project's last day.
    interim = next_working_day(max(middle + timedelta(days=rules.interim_offset_days), signed_by))
    final = next_working_day(
        max(end + timedelta(days=max(rules.final_offset_days, 1)), interim + timedelta(days=1))
    )
    return AwardDates(
        reply_by=reply_by,
        first_tranche=first,
        interim_report=interim,
        final_report=final,
        interim_tranche=next_working_day(interim + timedelta(days=PAYMENT_DAYS)),
        final_tranche=next_working_day(final + timedelta(days=PAYMENT_DAYS)),
    )


def _int_or(text: str | None, default: int) -> int:
    try:
        return default if text is None else int(text)
    except ValueError:
        return default


def date_rules(session: Session) -> DateRules:
    """The report offsets as set by an administrator (or the defaults)."""
    # One query for both (every award made reads them: 500 award letters, 500 times).
    keys = (INTERIM_OFFSET_SETTING, FINAL_OFFSET_SETTING)
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys)))
    found = {key: value for key, value in rows}
    return DateRules(
        _int_or(found.get(INTERIM_OFFSET_SETTING), DEFAULT_INTERIM_OFFSET_DAYS),
        _int_or(found.get(FINAL_OFFSET_SETTING), DEFAULT_FINAL_OFFSET_DAYS),
    )


def set_date_rules(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    interim_offset_days: int | None = None,
    final_offset_days: int | None = None,
) -> DateRules:
    """Administrator: change the report offsets (days after the middle / after the end).

    Awards made afterwards follow them; the dates of awards already made do not move.
    """
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may change the report dates' rules.")
    checks = (
        (INTERIM_OFFSET_SETTING, interim_offset_days, "The interim report's offset", -90),
        (FINAL_OFFSET_SETTING, final_offset_days, "The final report's offset", 1),
    )
    for _key, value, label, lowest in checks:
        if value is not None and not lowest <= value <= MAX_OFFSET_DAYS:
            raise WorkflowError(
                f"{label} must be between {lowest} and {MAX_OFFSET_DAYS} days; {value} is not."
            )
    changed = []
    for key, value, label, _lowest in checks:
        if value is None:
            continue
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=str(value)))
        else:
            row.value = str(value)
        changed.append(f"{label.removeprefix('The ').lower()} {value} days")
    if changed:
        audit(
            session,
            "setting",
            0,
            "set_award_dates",
            actor=actor,
            now=now,
            detail=", ".join(changed),
        )
    session.flush()
    return date_rules(session)
