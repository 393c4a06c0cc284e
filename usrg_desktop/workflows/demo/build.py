"""Filling a database with the demo: one builder made of the areas' builders, run in order."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.accounts import User
from ...domain.grants import Application
from ...domain.meetings import Meeting
from ...storage import Database
from .. import WorkflowError
from .awards import AwardsBuilder
from .grants import GrantsBuilder
from .meetings import MeetingsBuilder
from .people import PeopleBuilder
from .plan import _SCALES, DemoSummary
from .reviews import ReviewsBuilder


class _DemoBuilder(PeopleBuilder, GrantsBuilder, ReviewsBuilder, AwardsBuilder, MeetingsBuilder):
    """Every area's builder over one set of rows, one random generator and one audit log."""


def _refuse_if_filled(session: Session, db: Database) -> None:
    # The demo adds accounts whose password is published: never beside real ones.
    if session.scalar(select(func.count()).select_from(User)):
        raise WorkflowError(
            f"The database {db.display_name} already has user accounts; the demo data set (with "
            "its published demo passwords) goes only into a new, empty database."
        )
    if session.scalar(select(func.count()).select_from(Application)):
        raise WorkflowError(
            f"The database {db.display_name} already holds applications; the demo data set "
            "goes only into a database without any."
        )
    if session.scalar(select(func.count()).select_from(Meeting)):
        raise WorkflowError(
            f"The database {db.display_name} already holds meetings; the demo data set goes "
            "only into a database without any."
        )


def fill_demo(db: Database, *, scale: str = "small", seed: int = 2014, today: date) -> DemoSummary:
    """Fill a database holding only reference data with the demo data set built around `today`."""
    if scale not in _SCALES:
        raise WorkflowError(f"The demo scale must be 'small' or 'large', not '{scale}'.")
    with db.unit_of_work() as session:
        _refuse_if_filled(session, db)
        builder = _DemoBuilder(session, _SCALES[scale], seed, today)
        builder.build_people()
        builder.plan_rounds()
        builder.build_users()
        builder.build_reviewers()
        builder.build_rounds()
        builder.write_applications()
        builder.build_reviews()
        builder.build_outcomes()
        builder.build_letter_templates()
        builder.build_meetings()
        builder.write()
        rows = builder.rows
        return DemoSummary(
            rounds=len(rows["rounds"]),
            applications=len(rows["applications"]),
            reviewers=len(rows["reviewers"]),
            assignments=len(rows["assignments"]),
            scores=len(rows["scores"]),
            awards=len(rows["awards"]),
            meetings=len(rows["meetings"]),
            people=len(rows["people"]),
            users=builder.users_written,
        )
