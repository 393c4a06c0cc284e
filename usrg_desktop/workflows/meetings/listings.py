"""Read queries of the meetings: meetings, action items and the hosting ledger of the rotation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ... import clock
from .. import Column, Listing
from ..system.dates import iso_date, quarter_label

if TYPE_CHECKING:
    from ...storage import Database

MEETING_COLUMNS = [
    Column("number", "No.", "int"),
    Column("quarter", "Quarter"),
    Column("host", "Host city"),
    Column("starts_on", "Start", "date"),
    Column("ends_on", "End", "date"),
    Column("venue", "Venue"),
    Column("status", "Status"),
]

ACTION_ITEM_COLUMNS = [
    Column("number", "No.", "int"),
    Column("meeting", "Meeting", "int"),
    Column("quarter", "Quarter"),
    Column("description", "Action"),
    Column("owner", "Owner"),
    Column("due_on", "Due", "date"),
    Column("status", "Status"),
    Column("overdue", "Overdue", "bool"),
    Column("done_on", "Done", "date"),
]

HOSTING_LEDGER_COLUMNS = [
    Column("city", "City"),
    Column("category", "Category"),
    Column("times_hosted", "Times hosted", "int"),
    Column("last_hosted", "Last hosted"),
    Column("next_hosting", "Next hosting"),
    Column("volunteered", "Volunteered for"),
    Column("unavailable", "Unavailable"),
]


def meeting_listing(db: Database) -> Listing:
    """Every meeting with its quarter, host city, dates, venue and status, newest first."""
    rows = db.rows(
        """
        SELECT m.id, m.number, m.year, m.quarter, c.short_name, m.starts_on, m.ends_on, m.venue,
               m.status
        FROM meetings m JOIN cities c ON c.id = m.host_city_id
        ORDER BY m.starts_on DESC, m.number DESC
        """
    )
    return Listing(
        "Meetings",
        MEETING_COLUMNS,
        [
            (
                int(number),
                quarter_label(year, quarter),
                host,
                iso_date(starts),
                iso_date(ends),
                venue,
                status,
            )
            for _id, number, year, quarter, host, starts, ends, venue, status in rows
        ],
        ids=[int(row[0]) for row in rows],
    )


MEETING_SCHEDULE_COLUMNS = [
    Column("number", "No.", "int"),
    Column("quarter", "Quarter"),
    Column("host", "Host city"),
    Column("start", "Start", "date"),
    Column("end", "End", "date"),
    Column("status", "Status"),
]


def meeting_schedule_listing(db: Database) -> Listing:
    """Every meeting in time order for the command line: quarter as 2027Q1, official host name."""
    rows = db.rows(
        """
        SELECT m.id, m.number, m.year, m.quarter, c.official_name, m.starts_on, m.ends_on,
               m.status
        FROM meetings m JOIN cities c ON c.id = m.host_city_id
        ORDER BY m.starts_on, m.number
        """
    )
    return Listing(
        "Meetings",
        MEETING_SCHEDULE_COLUMNS,
        [
            (int(number), f"{int(year)}Q{int(quarter)}", host, iso_date(s), iso_date(e), status)
            for _id, number, year, quarter, host, s, e, status in rows
        ],
        ids=[int(row[0]) for row in rows],
    )


def hosting_counts(db: Database) -> list[tuple[str, str, int, int]]:
    """Per active member city: short name, official name, meetings held and still planned."""
    rows = db.rows(
        """
        SELECT c.short_name, c.official_name,
               SUM(CASE WHEN m.status = 'held' THEN 1 ELSE 0 END),
               SUM(CASE WHEN m.status IN ('planned', 'confirmed') THEN 1 ELSE 0 END)
        FROM cities c LEFT JOIN meetings m ON m.host_city_id = c.id
        WHERE c.active = :active
        GROUP BY c.id, c.short_name, c.official_name
        ORDER BY c.id
        """,
        {"active": True},
    )
    return [
        (short, official, int(held or 0), int(planned or 0))
        for short, official, held, planned in rows
    ]


def action_item_listing(db: Database, today: date | None = None) -> Listing:
    """Every action item with its meeting, owner, due date, status and whether it is overdue.

    Overdue means still open (or in progress) after its due date, counted from `today`.
    """
    today = today or clock.today()
    rows = db.rows(
        """
        SELECT ai.id, ai.number, m.number, m.year, m.quarter, ai.description,
               COALESCE(p.full_name, ai.owner_text), ai.due_on, ai.status, ai.done_on
        FROM action_items ai
        JOIN meetings m ON m.id = ai.meeting_id
        LEFT JOIN people p ON p.id = ai.owner_person_id
        ORDER BY ai.number DESC
        """
    )
    listing = Listing("Action items", ACTION_ITEM_COLUMNS, [], [])
    for aid, number, meeting, year, quarter, description, owner, due, status, done in rows:
        due_text = iso_date(due)
        overdue = (
            status in ("open", "in progress")
            and due_text is not None
            and due_text < today.isoformat()
        )
        listing.rows.append(
            (
                int(number),
                int(meeting),
                quarter_label(year, quarter),
                description,
                owner,
                due_text,
                status,
                overdue,
                iso_date(done),
            )
        )
        listing.ids.append(int(aid))
    return listing


def hosting_ledger_listing(db: Database) -> Listing:
    """Per active member city: times hosted, last and next hosting, volunteering, unavailability.

    Rows come longest-without-hosting first, the order in which the rotation looks for a host.
    """
    # One query: a row per city, then one row per fact about it, assembled below. The first
    # branch types its NULLs because PostgreSQL settles a UNION's column types from the left.
    rows = db.rows(
        """
        SELECT c.id, 'city', c.short_name, c.category, CAST(NULL AS INTEGER),
               CAST(NULL AS INTEGER), CAST(NULL AS DATE), CAST(NULL AS DATE)
        FROM cities c WHERE c.active = :active
        UNION ALL
        SELECT m.host_city_id, m.status, NULL, NULL, m.year, m.quarter, NULL, NULL
        FROM meetings m WHERE m.status <> 'cancelled'
        UNION ALL
        SELECT v.city_id, 'volunteered', NULL, NULL, v.year, v.quarter, NULL, NULL
        FROM host_volunteers v
        UNION ALL
        SELECT u.city_id, 'unavailable', NULL, NULL, NULL, NULL, u.starts_on, u.ends_on
        FROM host_unavailability u
        """,
        {"active": True},
    )
    cities: dict[int, dict] = {}
    facts = []
    for city_id, fact, name, category, year, quarter, starts, ends in rows:
        if fact == "city":
            cities[city_id] = {
                "id": int(city_id),
                "name": name,
                "category": category,
                "hosted": [],
                "planned": [],
                "volunteered": [],
                "unavailable": [],
            }
        else:
            facts.append((city_id, fact, year, quarter, starts, ends))
    for city_id, fact, year, quarter, starts, ends in facts:
        city = cities.get(city_id)
        if city is None:  # an inactive city: not in the rotation
            continue
        if fact == "held":
            city["hosted"].append(quarter_label(year, quarter))
        elif fact in ("planned", "confirmed"):
            city["planned"].append(quarter_label(year, quarter))
        elif fact == "volunteered":
            city["volunteered"].append(quarter_label(year, quarter))
        else:
            city["unavailable"].append(f"{iso_date(starts)} to {iso_date(ends)}")
    ledger = [
        (
            city["name"],
            city["category"],
            len(city["hosted"]),
            max(city["hosted"], default=None),
            min(city["planned"], default=None),
            ", ".join(sorted(city["volunteered"])) or None,
            ", ".join(sorted(city["unavailable"])) or None,
            city["id"],
        )
        for city in cities.values()
    ]
    ledger.sort(key=lambda row: (row[3] or "", row[2], row[0]))
    return Listing(
        "Hosting ledger",
        HOSTING_LEDGER_COLUMNS,
        [row[:-1] for row in ledger],
        ids=[row[-1] for row in ledger],
    )
