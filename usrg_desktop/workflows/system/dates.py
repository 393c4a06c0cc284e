"""Dates and times as list text: ISO dates, and UTC timestamps shown in South African time.

SQLite hands back ISO strings, PostgreSQL date and datetime objects; both come out the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from ...clock import utc_now  # noqa: F401  (the views and workflows import it from here)

# South Africa keeps UTC+2 all year (no daylight saving), so a fixed offset is exact.
SAST = timezone(timedelta(hours=2), "SAST")
_SAST_OFFSET = timedelta(hours=2)


def iso_date(value: date | str | None) -> str | None:
    """A date (or the ISO text of one) as 'YYYY-MM-DD'; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()[:10]


def sast_minutes(value: datetime | str | None) -> str | None:
    """A UTC timestamp as South African time 'YYYY-MM-DD HH:MM'; naive values are taken as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        # Fast path for SQLite's naive 'YYYY-MM-DD HH:MM:SS[.ffffff]' that stays on its day:
        # lists of 20,000 rows convert one timestamp per row.
        if len(value) in (19, 26) and value[10] in " T" and value[11:13] < "22":
            return f"{value[:10]} {int(value[11:13]) + 2:02d}{value[13:16]}"
        moment = datetime.fromisoformat(value)
    else:
        moment = value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment + _SAST_OFFSET).isoformat(" ", "minutes")


def sast_seconds(value: datetime) -> str:
    """A UTC moment as South African time to the second, 'YYYY-MM-DD HH:MM:SS' (for times that
    tell two files apart within a minute); naive values are taken as UTC."""
    moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value
    return (moment + _SAST_OFFSET).isoformat(" ", "seconds")


def quarter_label(year: int | None, quarter: int | None) -> str | None:
    """A meeting quarter as '2027 Q1' (sorts in time order as text)."""
    if year is None or quarter is None:
        return None
    return f"{int(year)} Q{int(quarter)}"


def by_first_text(row: tuple) -> str:
    """Sort key of a row by its first column as text, the same on every back end and locale."""
    return (row[0] or "").casefold()
