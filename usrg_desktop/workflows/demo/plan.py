"""The demo's scales and plans: how many of what, which states, the records the builders
share (a round and an application being planned) and small helpers."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from ...domain.grants import ApplicationState as S

DEMO_PASSWORD = "demo-password"
CAP_CENTS = 400_000_00
MIN_BUDGET_CENTS = 3_000_000_00
FIRST_MEETING_YEAR = 2014
_BATCH = 5_000
_DAY = timedelta(days=1)

# Audit actions of the application state machine (workflows/grants/application_states.py), by
# target state,
# so that demo history reads exactly like history the program writes.
_ACTION = {
    S.SUBMITTED: "submit",
    S.SCREENING: "start_screening",
    S.IN_REVIEW: "mark_eligible",
    S.INELIGIBLE: "mark_ineligible",
    S.REVIEWED: "complete_review",
    S.APPROVED: "approve",
    S.DECLINED: "decline",
    S.AWARDED: "mark_awarded",
    S.ACTIVE: "sign_agreement",
    S.CLOSED: "close",
    S.WITHDRAWN: "withdraw",
}
_FUNDED = (S.APPROVED, S.AWARDED, S.ACTIVE, S.CLOSED)
_REVIEWED_OR_LATER = (S.REVIEWED, S.DECLINED, *_FUNDED)


# -- what the demo reports -------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoSummary:
    """How many of the main things the demo wrote."""

    rounds: int
    applications: int
    reviewers: int
    assignments: int
    scores: int
    awards: int
    meetings: int
    people: int
    users: int

    def __str__(self) -> str:
        """The counts in words, like "2 rounds, 40 applications, ..."."""
        parts = []
        for f in fields(self):
            count = getattr(self, f.name)
            noun = f.name if count != 1 else {"people": "person"}.get(f.name, f.name[:-1])
            parts.append(f"{count:,} {noun}".replace(",", " "))
        return ", ".join(parts)


@dataclass(frozen=True)
class _Scale:
    rounds: int
    months_between_rounds: int
    applications_per_round: int  # 0: the hand-made small plan
    reviewers: int
    city_focal: tuple[int, int]
    city_officials: int
    body_focal: tuple[int, int]
    meetings: int  # 0: eight held and four planned around today


_SCALES = {
    "small": _Scale(2, 16, 0, 8, (1, 2), 2, (1, 2), 0),
    "large": _Scale(40, 4, 500, 60, (2, 2), 8, (2, 3), 200),
}

# The small demo: exactly which states each round holds.
_SMALL_PAST = [
    (S.INELIGIBLE, 2),
    (S.WITHDRAWN, 1),
    (S.DECLINED, 4),
    (S.AWARDED, 2),
    (S.ACTIVE, 3),
    (S.CLOSED, 3),
]
_SMALL_CURRENT = [
    (S.DRAFT, 2),
    (S.SUBMITTED, 2),
    (S.SCREENING, 2),
    (S.INELIGIBLE, 2),
    (S.IN_REVIEW, 6),
    (S.REVIEWED, 5),
    (S.APPROVED, 3),
    (S.DECLINED, 2),
    (S.WITHDRAWN, 1),
]
# The large demo: shares of each state ("funded" becomes approved, awarded, active or closed,
# whichever the dates allow by today).
_LARGE_PAST = [(S.INELIGIBLE, 0.09), (S.WITHDRAWN, 0.04), (S.DECLINED, 0.54), ("funded", 0.33)]
_LARGE_CURRENT = [
    (S.DRAFT, 0.04),
    (S.SUBMITTED, 0.04),
    (S.SCREENING, 0.06),
    (S.INELIGIBLE, 0.08),
    (S.IN_REVIEW, 0.30),
    (S.REVIEWED, 0.24),
    (S.APPROVED, 0.08),
    (S.DECLINED, 0.12),
    (S.WITHDRAWN, 0.04),
]


# -- small helpers ---------------------------------------------------------------------------------
def _ascii(text_: str) -> str:
    """Letters only, without diacritics: "Ṱhalitshani" gives "thalitshani"."""
    decomposed = unicodedata.normalize("NFKD", text_)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _pdf(lines: Sequence[str]) -> bytes:
    """A small, valid one-page PDF showing `lines` (Helvetica, so ASCII only)."""

    def esc(s: str) -> str:
        flat = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
        return flat.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 72 770 Td 15 TL " + " ".join(f"({esc(x)}) Tj T*" for x in lines)
    stream += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R "
        ">> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _in_blackout(d: date, periods: Sequence[tuple[int, int, int, int]]) -> bool:
    md = (d.month, d.day)
    for sm, sd, em, ed in periods:
        start, end = (sm, sd), (em, ed)
        inside = start <= md <= end if start <= end else (md >= start or md <= end)
        if inside:
            return True
    return False


@dataclass
class _RoundPlan:
    id: int
    year: int
    number: int
    name: str
    opens_on: date
    closes_on: date
    review_deadline: date
    panel_on: date | None  # None: the current round, still in review
    created_at: datetime
    admitted_body_ids: list[int]
    check_ids: list[int] = field(default_factory=list)
    apps: list[_App] = field(default_factory=list)
    budget_cents: int = MIN_BUDGET_CENTS
    status: str = "reviewing"
    last_sequence: int = 0
    last_closed_on: date | None = None

    @property
    def is_current(self) -> bool:
        return self.panel_on is None


def _set(moment: datetime | None) -> datetime:
    """A time of an application's plan that is set by the time it is read (_early_timeline
    sets `created`, and `submitted` for every application past the draft)."""
    assert moment is not None
    return moment


@dataclass
class _App:
    round: _RoundPlan
    target: S | str
    prior: S | None = None  # the state a withdrawn application left
    id: int = 0
    city_id: int | None = None
    body_id: int | None = None
    contact_id: int | None = None
    requested: int = 0
    quality: float = 3.0
    ineligible: tuple[int, str] | None = None
    sequence: int | None = None
    reference: str | None = None
    title: str = ""
    created: datetime | None = None
    submitted: datetime | None = None
    screening: datetime | None = None
    screened: datetime | None = None
    reviewed: datetime | None = None
    reviewers: list[int] = field(default_factory=list)  # non-conflicted assignments
    scored_by: list[int] = field(default_factory=list)
    assignment_ids: dict[int, int] = field(default_factory=dict)  # reviewer id -> assignment id
