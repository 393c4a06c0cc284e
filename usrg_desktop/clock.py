"""The program's clock: what "now" and "today" are, decided here and nowhere else.

The secretariat works in South Africa, so "today" — for deadlines, overdue flags, letter dates,
closing dates and the demo — is the calendar day in Africa/Johannesburg, whatever zone the
machine is set to: at 23:30 UTC it is already tomorrow there. Moments are stored as naive UTC.

Workflows take `today`/`now` as arguments; only the edges of the program (the GUI's main
window and dialogs, the command line, start-up) ask this module for them. The tests freeze
the clock once for the whole run (tests/conftest.py) and move it where a test is about days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SOUTH_AFRICA = ZoneInfo("Africa/Johannesburg")


def utc_now() -> datetime:
    """The current moment as the database stores it: naive UTC, whole seconds."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def south_african_day(moment: datetime) -> date:
    """The calendar day in Africa/Johannesburg of a moment (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SOUTH_AFRICA).date()


def today() -> date:
    """Today for the program's users: the current calendar day in Africa/Johannesburg."""
    return south_african_day(datetime.now(UTC))


def local_now() -> datetime:
    """The current South African wall-clock time (naive), for file names and 'saved at'."""
    return datetime.now(SOUTH_AFRICA).replace(tzinfo=None)
