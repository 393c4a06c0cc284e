"""Ranking a round's applications against its budget (pure): the funding line and what-if.

The funding line walks down the ranking adding each application's amount while the total
stays within the round's budget (the definition is in `scoring`'s docstring); `what_if`
shows what tentative decisions would commit and leave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ...domain.grants import ApplicationState
from ...money import format_zar
from .scoring_points import ApplicationScore

# Applications that take part in the ranking: reviewed or being reviewed, or already decided
# (an approval stays in the ranking as it goes on to be awarded, active and closed).
FUNDED_STATES = (
    ApplicationState.APPROVED.value,
    ApplicationState.AWARDED.value,
    ApplicationState.ACTIVE.value,
    ApplicationState.CLOSED.value,
)
RANKED_STATES = (
    ApplicationState.IN_REVIEW.value,
    ApplicationState.REVIEWED.value,
    ApplicationState.DECLINED.value,
    *FUNDED_STATES,
)


# -- ranking, funding line and what-if --------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An application in the ranking: what the funding line needs to know about it."""

    application_id: int
    reference: str
    title: str
    applicant: str
    state: str
    requested_cents: int
    approved_cents: int | None = None  # the recorded decision's amount, when approved


@dataclass(frozen=True)
class RankedRow:
    """One line of the ranking: rank, the candidate, its score and where the funding line falls."""

    rank: int
    candidate: Candidate
    score: ApplicationScore
    cumulative_cents: int
    above_line: bool


def rank(
    candidates: Iterable[Candidate],
    scores: Mapping[int, ApplicationScore],
    budget_cents: int,
    *,
    standardised: bool = False,
) -> list[RankedRow]:
    """Candidates by score (highest first, unscored last), with the funding line marked."""

    def key(c: Candidate) -> tuple:
        s = scores.get(c.application_id)
        value = None if s is None else (s.standardised if standardised else s.score)
        return (value is None, -(value or 0.0), c.reference)

    rows: list[RankedRow] = []
    cumulative, line_reached = 0, False
    for i, c in enumerate(sorted(candidates, key=key), start=1):
        s = scores.get(c.application_id) or ApplicationScore(c.application_id, None, None, 0, False)
        above = False
        if c.state != ApplicationState.DECLINED.value and not line_reached:
            amount = c.approved_cents if c.approved_cents is not None else c.requested_cents
            if s.score is not None and cumulative + amount <= budget_cents:
                cumulative += amount
                above = True
            else:
                line_reached = True
        rows.append(RankedRow(i, c, s, cumulative, above))
    return rows


@dataclass(frozen=True)
class Tentative:
    """A decision being tried: approve with an amount, or decline (amount None)."""

    approve: bool
    amount_cents: int | None = None


@dataclass(frozen=True)
class WhatIf:
    """The budget with the tentative decisions: committed, remaining and what is wrong."""

    budget_cents: int
    recorded_cents: int
    tentative_cents: int
    problems: dict[int, str] = field(default_factory=dict)

    @property
    def committed_cents(self) -> int:
        """Recorded approvals plus tentative ones."""
        return self.recorded_cents + self.tentative_cents

    @property
    def remaining_cents(self) -> int:
        """Budget left after recorded and tentative approvals (negative when over)."""
        return self.budget_cents - self.committed_cents

    @property
    def over_budget(self) -> bool:
        """Whether the tentative approvals take the round over its budget."""
        return self.remaining_cents < 0


def what_if(
    candidates: Iterable[Candidate],
    tentative: Mapping[int, Tentative],
    *,
    budget_cents: int,
    cap_cents: int,
    recorded_cents: int,
) -> WhatIf:
    """Committed vs remaining budget if the tentative decisions were recorded, with problems."""
    by_id = {c.application_id: c for c in candidates}
    total, problems = 0, {}
    for app_id, t in tentative.items():
        c = by_id.get(app_id)
        if c is None:
            problems[app_id] = "This application is not in the round's ranking."
            continue
        if c.state != ApplicationState.REVIEWED.value:
            problems[app_id] = (
                f"{c.reference} is {c.state.replace('_', ' ')}; only reviewed applications "
                "can be decided."
            )
            continue
        if not t.approve:
            continue
        amount = t.amount_cents or 0
        if amount <= 0:
            problems[app_id] = f"The amount for {c.reference} must be more than R 0,00."
        elif amount > c.requested_cents:
            problems[app_id] = (
                f"{format_zar(amount)} for {c.reference} is more than the "
                f"{format_zar(c.requested_cents)} requested."
            )
        elif amount > cap_cents:
            problems[app_id] = (
                f"{format_zar(amount)} for {c.reference} is over the round's cap of "
                f"{format_zar(cap_cents)}."
            )
        total += max(amount, 0)
    return WhatIf(budget_cents, recorded_cents, total, problems)
