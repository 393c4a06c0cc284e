"""Read queries of awards: the awards list with payments so far and what falls due next."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ... import clock
from .. import Column, Listing
from ..system.dates import iso_date

if TYPE_CHECKING:
    from ...storage import Database

AWARD_COLUMNS = [
    Column("number", "Award"),
    Column("reference", "Application"),
    Column("applicant", "Applicant"),
    Column("awarded_on", "Awarded", "date"),
    Column("amount", "Amount", "money"),
    Column("paid", "Paid so far", "money"),
    Column("next_tranche_due", "Next tranche due", "date"),
    Column("next_report_due", "Next report due", "date"),
    Column("overdue", "Overdue", "bool"),
]


def award_listing(
    db: Database, *, today: date | None = None, overdue_only: bool = False
) -> Listing:
    """Every award with its amount, payments so far, next tranche and report, and overdue flag.

    An open award is overdue when a tranche neither paid nor cancelled, or a report not yet
    received, was due before `today` (the same rule as award_tracking.overdue_items).
    """
    today_iso = (today or clock.today()).isoformat()
    rows = db.rows(
        """
        SELECT aw.id, aw.closed_on, aw.number, app.reference,
               COALESCE(city.short_name, body.short_name), aw.awarded_on, aw.amount_cents,
               COALESCE(pay.paid, 0), pay.next_due, ms.next_due
        FROM awards aw
        JOIN applications app ON app.id = aw.application_id
        LEFT JOIN cities city ON city.id = app.applicant_city_id
        LEFT JOIN bodies body ON body.id = app.applicant_body_id
        LEFT JOIN (
            SELECT award_id, SUM(paid_cents) AS paid,
                   MIN(CASE WHEN paid_on IS NULL AND COALESCE(cancelled_reason, '') = ''
                            THEN due_on END) AS next_due
            FROM tranches GROUP BY award_id
        ) pay ON pay.award_id = aw.id
        LEFT JOIN (
            SELECT award_id, MIN(due_on) AS next_due
            FROM milestones WHERE received_on IS NULL GROUP BY award_id
        ) ms ON ms.award_id = aw.id
        ORDER BY aw.awarded_on DESC, aw.id DESC
        """
    )
    listing, ids = [], []
    for award_id, closed_on, number, ref, applicant, *values in rows:
        awarded, amount, paid, tranche_due, report_due = values
        tranche_due, report_due = iso_date(tranche_due), iso_date(report_due)
        overdue = closed_on is None and any(
            due is not None and due < today_iso for due in (tranche_due, report_due)
        )
        if overdue_only and not overdue:
            continue
        ids.append(int(award_id))
        listing.append(
            (
                number,
                ref,
                applicant,
                iso_date(awarded),
                int(amount),
                int(paid),
                tranche_due,
                report_due,
                overdue,
            )
        )
    return Listing("Awards", AWARD_COLUMNS, listing, ids)
