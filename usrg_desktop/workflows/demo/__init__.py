"""The demo data set: a realistic, deterministic USRG database to try the program and benchmark it.

`fill_demo` writes people, accounts, funding rounds with applications in every state (with their
budgets, attachments, screening, reviews, decisions, awards and audit trail), letter templates and
the quarterly meetings (agendas, invitations, minutes, action items) in one unit of work.

Everything follows from the seed and `today`: the same pair gives the same database, row for row.
Rows are written with SQLAlchemy Core executemany batches and ids computed here, so that the
large data set (20,000 applications) is built in well under a minute and a half.

The package keeps the data tables (`names`, `texts`) apart from one builder per area
(`people`, `grants`, `reviews`, `awards`, `meetings`) over a common `base`; `build` puts them
together and `fill_demo` runs them in order.
"""

from .build import fill_demo
from .plan import CAP_CENTS, DEMO_PASSWORD, FIRST_MEETING_YEAR, MIN_BUDGET_CENTS, DemoSummary

__all__ = [
    "CAP_CENTS",
    "DEMO_PASSWORD",
    "FIRST_MEETING_YEAR",
    "MIN_BUDGET_CENTS",
    "DemoSummary",
    "fill_demo",
]
