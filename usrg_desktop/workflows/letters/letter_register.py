"""The letter register as a list: every issued letter with its reference, kind, application,
date, template version and SHA-256. Kept apart from letters.py so that the main window can
name this query without loading ReportLab at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import Column, Listing
from ..system.dates import iso_date

if TYPE_CHECKING:
    from ...storage import Database

REGISTER_COLUMNS = [
    Column("reference", "Letter"),
    Column("kind", "Kind"),
    Column("application", "Application"),
    Column("applicant", "Applicant"),
    Column("issued_on", "Issued", "date"),
    Column("template_version", "Template version", "int"),
    Column("issued_by", "Issued by"),
    Column("sha256", "SHA-256"),
]


def letter_register_listing(db: Database, *, round_id: int | None = None) -> Listing:
    """Every issued letter, newest first: reference, kind, application, date, template, hash."""
    params: dict[str, object] = {}
    where = ""
    if round_id is not None:
        where = "WHERE app.round_id = :round_id"
        params["round_id"] = round_id
    rows = db.rows(
        f"""
        SELECT il.id, il.reference, il.kind, app.reference,
               COALESCE(city.short_name, body.short_name), il.issued_on, lt.version,
               u.display_name, il.sha256
        FROM issued_letters il
        JOIN applications app ON app.id = il.application_id
        JOIN letter_templates lt ON lt.id = il.template_id
        LEFT JOIN cities city ON city.id = app.applicant_city_id
        LEFT JOIN bodies body ON body.id = app.applicant_body_id
        LEFT JOIN users u ON u.id = il.issued_by_user_id
        {where}
        ORDER BY il.issued_on DESC, il.id DESC
        """,
        params,
    )
    return Listing(
        "Letters",
        REGISTER_COLUMNS,
        [
            (ref, kind, app_ref, applicant, iso_date(on), int(v), by or "", sha)
            for _id, ref, kind, app_ref, applicant, on, v, by, sha in rows
        ],
        ids=[r[0] for r in rows],
    )
