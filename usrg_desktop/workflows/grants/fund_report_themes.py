"""The funder's report by theme: applications received, approved and awarded for each theme of
the rounds chosen, by name ("No theme given" last)."""

from __future__ import annotations

from collections.abc import Iterable

from .. import Column, Listing
from .round_themes import NO_THEME

# What the report's tables by applicant and by theme count for each group of applications.
OUTCOME_COLUMNS = [
    Column("received", "Received", "int"),
    Column("approved", "Approved", "int"),
    Column("success", "Success rate (%)", "score"),
    Column("requested", "Requested", "money"),
    Column("awarded", "Awarded", "money"),
]
THEME_COLUMNS = [Column("theme", "Theme"), *OUTCOME_COLUMNS]


def outcome_cells(mine: list, approved: list, awards: dict) -> tuple[int, int, float, int, int]:
    """A group's cells under OUTCOME_COLUMNS: its applications `mine`, those of them `approved`,
    and `awards` by application id."""
    from .fund_report import success_rate

    return (
        len(mine),
        len(approved),
        success_rate(len(approved), len(mine)),
        sum(a.requested_cents for a in mine),
        sum(awards[a.id].amount_cents for a in approved if a.id in awards),
    )


def theme_table(apps: Iterable, awards: dict, *, approved_states: frozenset[str]) -> Listing:
    """One row per theme named by the applications `apps` (rows of fund_report's query: id,
    round, state, requested, …, theme label last); `awards` by application id."""
    groups: dict[str, list] = {}
    for app in apps:
        label = app[-1] or NO_THEME
        # Themes spelled the same in two rounds are one theme of the fund.
        key = next((k for k in groups if k.casefold() == label.casefold()), label)
        groups.setdefault(key, []).append(app)
    order = sorted(groups, key=lambda k: (k == NO_THEME, k.casefold()))
    rows = []
    for theme in order:
        mine = groups[theme]
        approved = [a for a in mine if a.state in approved_states]
        rows.append((theme, *outcome_cells(mine, approved, awards)))
    return Listing("Applications by theme", THEME_COLUMNS, rows)
