"""Read queries of the contact directory: people, member cities and partner bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import Column, Listing
from ..system.dates import by_first_text, iso_date

if TYPE_CHECKING:
    from ...storage import Database

PEOPLE_COLUMNS = [
    Column("name", "Name"),
    Column("title", "Title"),
    Column("organisation", "Organisation"),
    Column("role", "Role"),
    Column("email", "Email"),
    Column("phone", "Phone"),
    Column("consent_basis", "Consent basis"),
    Column("active", "Active", "bool"),
]

CITY_COLUMNS = [
    Column("short_name", "City"),
    Column("official_name", "Official name"),
    Column("municipal_code", "Code"),
    Column("province", "Province"),
    Column("category", "Category"),
    Column("seat", "Seat"),
    Column("member_since", "Member since", "date"),
    Column("people", "People", "int"),
    Column("active", "Active", "bool"),
]

BODY_COLUMNS = [
    Column("short_name", "Body"),
    Column("official_name", "Official name"),
    Column("kind", "Kind"),
    Column("role_in_usrg", "Role in the USRG"),
    Column("people", "People", "int"),
    Column("active", "Active", "bool"),
]


def people_listing(db: Database) -> Listing:
    """Everyone in the directory: organisation, role, contact details and consent basis."""
    rows = db.rows(
        """
        SELECT p.id, p.full_name, p.title, COALESCE(city.short_name, body.short_name), p.role,
               p.email, p.phone, p.consent_basis, p.active
        FROM people p
        LEFT JOIN cities city ON city.id = p.city_id
        LEFT JOIN bodies body ON body.id = p.body_id
        ORDER BY p.id
        """
    )
    people = sorted(
        [
            (int(pid), (name, title, org, role, email, phone, basis, bool(active)))
            for pid, name, title, org, role, email, phone, basis, active in rows
        ],
        key=lambda pair: by_first_text(pair[1]),
    )
    return Listing(
        "People",
        PEOPLE_COLUMNS,
        [row for _pid, row in people],
        ids=[pid for pid, _row in people],
    )


def city_listing(db: Database) -> Listing:
    """The SACN member cities with their codes, province, category and people in the directory
    (each row opens the city's organisation screen)."""
    rows = db.rows(
        """
        SELECT c.id, c.short_name, c.official_name, c.municipal_code, c.province, c.category,
               c.seat, c.member_since, COALESCE(n.people, 0), c.active
        FROM cities c
        LEFT JOIN (SELECT city_id, COUNT(*) AS people FROM people GROUP BY city_id) n
            ON n.city_id = c.id
        ORDER BY c.id
        """
    )
    cities = sorted(
        [
            (
                int(city_id),
                (
                    short,
                    official,
                    code,
                    province,
                    category,
                    seat,
                    iso_date(since),
                    int(n),
                    bool(active),
                ),
            )
            for city_id, short, official, code, province, category, seat, since, n, active in rows
        ],
        key=lambda pair: by_first_text(pair[1]),
    )
    return Listing(
        "Cities", CITY_COLUMNS, [row for _i, row in cities], ids=[i for i, _row in cities]
    )


def body_listing(db: Database) -> Listing:
    """The national and partner bodies with their role in the USRG and people in the directory
    (each row opens the body's organisation screen)."""
    rows = db.rows(
        """
        SELECT b.id, b.short_name, b.official_name, b.kind, b.role_in_usrg,
               COALESCE(n.people, 0), b.active
        FROM bodies b
        LEFT JOIN (SELECT body_id, COUNT(*) AS people FROM people GROUP BY body_id) n
            ON n.body_id = b.id
        ORDER BY b.id
        """
    )
    bodies = sorted(
        [
            (int(body_id), (short, official, kind, role, int(n), bool(active)))
            for body_id, short, official, kind, role, n, active in rows
        ],
        key=lambda pair: by_first_text(pair[1]),
    )
    return Listing(
        "Bodies", BODY_COLUMNS, [row for _i, row in bodies], ids=[i for i, _row in bodies]
    )


def active_city_choices(db: Database) -> list[tuple[int, str]]:
    """The active member cities as (id, short name), by name: what a city chooser offers."""
    rows = db.rows(
        "SELECT id, short_name FROM cities WHERE active = :t ORDER BY short_name", {"t": True}
    )
    return [(int(city_id), name) for city_id, name in rows]
