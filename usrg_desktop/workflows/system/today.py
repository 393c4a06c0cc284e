"""Today: what needs doing next, for the signed-in person's role, one line per thing.

The fund (applications waiting for screening, reviews outstanding by reviewer, scores files
expected and received, decisions to make, approved applications without their award letter),
awards (tranches and reports due in the next weeks or overdue) and meetings (the next
meeting's preparation checklist, overdue action items). Each line names the record it opens
(`opens`: "application:12"). Beside the lines: each round's budget, committed and paid.

Plain SQL through `Database.rows` only (no ORM), because the main window opens on this list:
it is read while the window is being built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ...money import format_zar
from .. import Column, Listing
from .dates import iso_date

if TYPE_CHECKING:
    from ...storage import Database

SOON_DAYS = 30  # tranches and reports due within this many days are listed

TODAY_COLUMNS = [
    Column("section", "Area"),
    Column("what", "What needs doing"),
    Column("due", "Due", "date"),
    Column("days", "Days left", "int"),
    Column("record", "Record"),
    Column("opens", "Opens"),
]

# The order the sections are listed in, by role: the coordinator's day is the meetings'.
SECTION_ORDER = {
    "coordinator": ("Meetings", "Action items", "Screening", "Reviews", "Decisions", "Awards"),
    "default": ("Screening", "Reviews", "Decisions", "Awards", "Meetings", "Action items"),
}


@dataclass(frozen=True)
class RoundBudget:
    """A round's budget with what is committed (approved and awarded) and paid."""

    name: str
    budget_cents: int
    committed_cents: int
    paid_cents: int

    @property
    def remaining_cents(self) -> int:
        """What is left to commit."""
        return self.budget_cents - self.committed_cents


def _day(value: object) -> date | None:
    text = iso_date(value)  # type: ignore[arg-type]
    return date.fromisoformat(text) if text else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _applicant(city: str | None, body: str | None) -> str:
    return city or body or "an applicant"


_APPLICATIONS = """
    SELECT app.id, app.reference, app.title, city.short_name, body.short_name,
           app.state_changed_at
    FROM applications app
    LEFT JOIN cities city ON city.id = app.applicant_city_id
    LEFT JOIN bodies body ON body.id = app.applicant_body_id
"""


def _fund_lines(db: Database, today: date) -> list[tuple]:
    lines: list[tuple] = []
    for state, section, words in (
        ("submitted", "Screening", "waits for screening, submitted"),
        ("reviewed", "Decisions", "needs a decision, reviewed"),
    ):
        for app_id, ref, title, city, body, since in db.rows(
            _APPLICATIONS + " WHERE app.state = :s ORDER BY app.state_changed_at, app.id",
            {"s": state},
        ):
            waited = (today - (_day(since) or today)).days
            lines.append(
                (
                    section,
                    f"{title} ({_applicant(city, body)}) {words} "
                    + (f"{_plural(waited, 'day')} ago" if waited > 0 else "today"),
                    None,
                    None,
                    ref or "",
                    f"application:{app_id}",
                )
            )
    for app_id, ref, title, city, body, _since in db.rows(
        _APPLICATIONS
        + """ WHERE app.state = 'approved' AND NOT EXISTS (
                SELECT 1 FROM issued_letters l
                WHERE l.application_id = app.id AND l.kind = 'award')
            ORDER BY app.reference"""
    ):
        lines.append(
            (
                "Decisions",
                f"{title} ({_applicant(city, body)}) is approved: its award letter is not "
                "issued yet",
                None,
                None,
                ref or "",
                f"application:{app_id}",
            )
        )
    return lines


def _review_lines(db: Database, today: date) -> list[tuple]:
    lines: list[tuple] = []
    outstanding = db.rows(
        """
        SELECT p.id, p.full_name, r.name, r.review_deadline, COUNT(*)
        FROM assignments a
        JOIN applications app ON app.id = a.application_id
        JOIN rounds r ON r.id = app.round_id
        JOIN reviewers rv ON rv.id = a.reviewer_id
        JOIN people p ON p.id = rv.person_id
        WHERE a.status = 'assigned' AND r.status = 'reviewing'
        GROUP BY p.id, p.full_name, r.name, r.review_deadline
        ORDER BY r.review_deadline, p.full_name
        """
    )
    for person_id, name, round_name, deadline, count in outstanding:
        due = _day(deadline)
        lines.append(
            (
                "Reviews",
                f"{name}: {_plural(int(count), 'review')} outstanding in {round_name}",
                iso_date(due),
                (due - today).days if due else None,
                name,
                f"person:{person_id}",
            )
        )
    packets = db.rows(
        """
        SELECT r.id, r.name, r.review_deadline, COUNT(DISTINCT pk.id),
               COUNT(DISTINCT CASE WHEN si.superseded = :no THEN si.packet_id END)
        FROM rounds r
        JOIN review_packets pk ON pk.round_id = r.id
        LEFT JOIN scores_imports si ON si.packet_id = pk.id
        WHERE r.status = 'reviewing'
        GROUP BY r.id, r.name, r.review_deadline
        ORDER BY r.review_deadline, r.name
        """,
        {"no": False},
    )
    for round_id, round_name, deadline, sent, received in packets:
        due = _day(deadline)
        lines.append(
            (
                "Reviews",
                f"{round_name}: scores files received from {int(received)} of "
                f"{_plural(int(sent), 'reviewer')} sent a packet",
                iso_date(due),
                (due - today).days if due else None,
                round_name,
                f"round:{round_id}",
            )
        )
    return lines


def _award_lines(db: Database, today: date) -> list[tuple]:
    soon = (today + timedelta(days=SOON_DAYS)).isoformat()
    lines: list[tuple] = []
    for award_id, number, position, due_on, amount, ref in db.rows(
        """
        SELECT aw.id, aw.number, t.position, t.due_on, t.amount_cents, app.reference
        FROM tranches t
        JOIN awards aw ON aw.id = t.award_id
        JOIN applications app ON app.id = aw.application_id
        WHERE aw.closed_on IS NULL AND t.paid_on IS NULL
          AND COALESCE(t.cancelled_reason, '') = '' AND t.due_on <= :soon
        ORDER BY t.due_on, aw.number
        """,
        {"soon": soon},
    ):
        due = _day(due_on)
        late = due is not None and due < today
        lines.append(
            (
                "Awards",
                f"Tranche {position} of {number} ({format_zar(int(amount))}) "
                + ("is overdue" if late else "falls due"),
                iso_date(due),
                (due - today).days if due else None,
                ref or number,
                f"award:{award_id}",
            )
        )
    for award_id, number, kind, due_on, ref in db.rows(
        """
        SELECT aw.id, aw.number, m.kind, m.due_on, app.reference
        FROM milestones m
        JOIN awards aw ON aw.id = m.award_id
        JOIN applications app ON app.id = aw.application_id
        WHERE aw.closed_on IS NULL AND m.received_on IS NULL AND m.due_on <= :soon
        ORDER BY m.due_on, aw.number
        """,
        {"soon": soon},
    ):
        due = _day(due_on)
        late = due is not None and due < today
        lines.append(
            (
                "Awards",
                f"The {kind} of {number} " + ("is overdue" if late else "falls due"),
                iso_date(due),
                (due - today).days if due else None,
                ref or number,
                f"award:{award_id}",
            )
        )
    return lines


def _next_meeting(db: Database, today: date) -> tuple | None:
    """(id, number, status, venue, starts_on, host) of the next planned or confirmed meeting."""
    found = db.rows(
        """
        SELECT m.id, m.number, m.status, m.venue, m.starts_on, c.short_name
        FROM meetings m JOIN cities c ON c.id = m.host_city_id
        WHERE m.status IN ('planned', 'confirmed') AND m.ends_on >= :today
        ORDER BY m.starts_on LIMIT 1
        """,
        {"today": today.isoformat()},
    )
    return tuple(found[0]) if found else None


def next_meeting_checklist(db: Database, meeting: tuple) -> list[tuple[bool, str]]:
    """A meeting's preparation (from _next_meeting), as (done, sentence) lines."""
    meeting_id, _number, status, venue, _starts, host = meeting
    invited, pending = db.rows(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN rsvp = 'pending' THEN 1 ELSE 0 END), 0) "
        "FROM invitations WHERE meeting_id = :m",
        {"m": meeting_id},
    )[0]
    days_with_items = db.rows(
        "SELECT COUNT(DISTINCT day) FROM agenda_items WHERE meeting_id = :m", {"m": meeting_id}
    )[0][0]
    printed = db.rows(
        "SELECT COUNT(*) FROM audit_events WHERE entity = 'meeting' AND entity_id = :m "
        "AND action = 'pack_printed'",
        {"m": meeting_id},
    )[0][0]
    invited, pending = int(invited), int(pending)
    return [
        (
            status == "confirmed",
            f"{host} confirmed as host"
            if status == "confirmed"
            else f"{host} not confirmed as host yet",
        ),  # fmt: skip
        (bool(venue), f"Venue: {venue}" if venue else "No venue yet"),
        (
            invited > 0,
            f"{_plural(invited, 'invitation')} sent" if invited else "No invitations sent yet",
        ),  # fmt: skip
        (
            invited > 0 and pending == 0,
            "Every invitation answered"
            if invited and not pending
            else f"{_plural(pending, 'invitation')} not answered yet",
        ),  # fmt: skip
        (
            int(days_with_items) == 2,
            "Agenda set for both days"
            if int(days_with_items) == 2
            else "The agenda is not complete",
        ),  # fmt: skip
        (int(printed) > 0, "Meeting pack printed" if printed else "Meeting pack not printed yet"),
    ]


def _meeting_lines(db: Database, today: date) -> list[tuple]:
    lines: list[tuple] = []
    meeting = _next_meeting(db, today)
    if meeting is not None:
        meeting_id, number, _status, _venue, starts_on, host = meeting
        starts = _day(starts_on)
        for done, sentence in next_meeting_checklist(db, meeting):
            lines.append(
                (
                    "Meetings",
                    ("✓ " if done else "✗ ") + f"Meeting {number} ({host}): {sentence}",
                    iso_date(starts),
                    (starts - today).days if starts else None,
                    f"Meeting {number}",
                    f"meeting:{meeting_id}",
                )
            )
    for meeting_id, number, action_number, description, owner, due_on in db.rows(
        """
        SELECT m.id, m.number, a.number, a.description,
               COALESCE(p.full_name, a.owner_text), a.due_on
        FROM action_items a
        JOIN meetings m ON m.id = a.meeting_id
        LEFT JOIN people p ON p.id = a.owner_person_id
        WHERE a.status IN ('open', 'in progress') AND a.due_on < :today
        ORDER BY a.due_on, a.number
        """,
        {"today": today.isoformat()},
    ):
        due = _day(due_on)
        lines.append(
            (
                "Action items",
                f"Action {action_number} ({owner}) is overdue: {description}",
                iso_date(due),
                (due - today).days if due else None,
                f"Meeting {number}",
                f"meeting:{meeting_id}",
            )
        )
    return lines


def today_listing(db: Database, *, today: date, role: str | None = None) -> Listing:
    """What needs doing, section by section in the order the role works in."""
    lines = (
        _fund_lines(db, today)
        + _review_lines(db, today)
        + _award_lines(db, today)
        + _meeting_lines(db, today)
    )
    order = SECTION_ORDER.get(role or "", SECTION_ORDER["default"])
    lines.sort(key=lambda line: order.index(line[0]) if line[0] in order else len(order))
    return Listing("Today", TODAY_COLUMNS, lines, ids=list(range(1, len(lines) + 1)))


def round_budgets(db: Database) -> list[RoundBudget]:
    """The budget of each round still open, closed for applications, reviewing or decided,
    with what is committed (approved and awarded) and paid, oldest round first."""
    rows = db.rows(
        """
        SELECT r.name, r.budget_cents,
               COALESCE((SELECT SUM(d.amount_cents) FROM decisions d
                         JOIN applications a ON a.id = d.application_id
                         WHERE a.round_id = r.id AND d.outcome = 'approved'
                           AND a.state IN ('approved', 'awarded', 'active', 'closed')), 0),
               COALESCE((SELECT SUM(t.paid_cents) FROM tranches t
                         JOIN awards aw ON aw.id = t.award_id
                         JOIN applications a ON a.id = aw.application_id
                         WHERE a.round_id = r.id), 0)
        FROM rounds r
        WHERE r.status IN ('open', 'closed', 'reviewing', 'decided')
        ORDER BY r.opens_on, r.id
        """
    )
    return [RoundBudget(str(n), int(b), int(c), int(p)) for n, b, c, p in rows]
