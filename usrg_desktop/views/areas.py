"""The main window's areas and the lists each shows: the navigation as data.

`AREAS` names every area in order (Ctrl+1 is the first), its lists (`ListSpec`: title, what its
rows are called, the query that fills it) and each list's `setup` (views/page_setups.py, which
imports the screen's module only when the page is first built, so start-up loads no screen it
does not show). A new list is one `ListSpec` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..storage import Database
from ..workflows import Listing
from ..workflows.awards import listings as awards
from ..workflows.directory import listings as directory
from ..workflows.grants import listings as grants
from ..workflows.meetings import listings as meetings
from ..workflows.reviews import listings as reviews
from ..workflows.system import administration
from . import page_setups

if TYPE_CHECKING:
    from .list_page import ListPage
    from .main_window import MainWindow


@dataclass(frozen=True)
class ListSpec:
    """One list in an area: its title, what its rows are called, and the query that fills it."""

    title: str
    noun: str
    query: Callable[[Database, date], Listing]
    # Reference data the program ships with: never empty, even in a new database.
    reference: bool = False
    # Called as setup(window, page) when the page is made: it adds the list's action buttons
    # and opens a screen for a row (views/page_setups.py, which imports the screen's module
    # only then, so start-up does not load every screen).
    setup: Callable[[MainWindow, ListPage], None] | None = None


@dataclass(frozen=True)
class AreaSpec:
    """One area of the navigation and the lists it shows (tabs when more than one)."""

    name: str
    lists: tuple[ListSpec, ...]


AREAS: tuple[AreaSpec, ...] = (
    AreaSpec(
        "Today",
        (
            ListSpec(
                "Today",
                "things to do",
                lambda db, today: _today_listing(db, today),
                setup=page_setups.setup_today_page,
            ),
        ),
    ),
    AreaSpec(
        "Applications",
        (
            ListSpec(
                "Applications",
                "applications",
                lambda db, _t: grants.application_listing(db),
                setup=page_setups.setup_applications_page,
            ),
        ),
    ),
    AreaSpec(
        "Rounds",
        (
            ListSpec(
                "Rounds",
                "rounds",
                lambda db, _t: grants.round_listing(db),
                setup=page_setups.setup_rounds_page,
            ),
        ),
    ),
    AreaSpec(
        "Reviews",
        (
            ListSpec(
                "Reviewers",
                "reviewers",
                lambda db, _t: reviews.reviewer_listing(db),
                setup=page_setups.setup_reviewers,
            ),
            ListSpec(
                "Assignments",
                "assignments",
                lambda db, _t: reviews.assignment_listing(db),
                setup=page_setups.setup_assignments,
            ),
        ),
    ),
    AreaSpec(
        "Awards",
        (
            ListSpec(
                "Awards",
                "awards",
                lambda db, today: awards.award_listing(db, today=today),
                setup=page_setups.setup_awards_page,
            ),
        ),
    ),
    AreaSpec(
        "Meetings",
        (
            ListSpec(
                "Meetings",
                "meetings",
                lambda db, _t: meetings.meeting_listing(db),
                setup=page_setups.setup_meetings_page,
            ),
            ListSpec(
                "Action items",
                "action items",
                lambda db, t: meetings.action_item_listing(db, t),
                setup=page_setups.setup_action_items_page,
            ),
        ),
    ),
    AreaSpec(
        "Rotation",
        (
            ListSpec(
                "Hosting ledger",
                "member cities",
                lambda db, _t: meetings.hosting_ledger_listing(db),
                reference=True,
                setup=page_setups.setup_rotation_page,
            ),
        ),
    ),
    AreaSpec(
        "Directory",
        (
            ListSpec(
                "People",
                "people",
                lambda db, _t: directory.people_listing(db),
                setup=page_setups.setup_people_page,
            ),
            ListSpec(
                "Cities",
                "cities",
                lambda db, _t: directory.city_listing(db),
                reference=True,
                setup=page_setups.setup_cities_page,
            ),
            ListSpec(
                "Bodies",
                "bodies",
                lambda db, _t: directory.body_listing(db),
                reference=True,
                setup=page_setups.setup_bodies_page,
            ),
        ),
    ),
    AreaSpec(
        "Administration",
        (
            ListSpec(
                "Users",
                "users",
                lambda db, _t: administration.user_listing(db),
                setup=page_setups.setup_users_page,
            ),
            ListSpec("Audit log", "audit events", lambda db, _t: administration.audit_listing(db)),
            ListSpec(
                "Backups",
                "backups",
                lambda db, _t: _backup_listing(db),
                setup=page_setups.setup_backups_page,
            ),
            ListSpec(
                "Outbox",
                "messages",
                lambda db, _t: _outbox_listing(db),
                setup=page_setups.setup_outbox_page,
            ),
        ),
    ),
)
AREA_NAMES = tuple(area.name for area in AREAS)


def _today_listing(db: Database, today: date) -> Listing:
    from ..workflows.system.today import today_listing

    return today_listing(db, today=today)


def _backup_listing(db: Database) -> Listing:
    # Imported when the list is first shown: start-up does not load SQLAlchemy (see app.py).
    from ..settings import backups_dir
    from ..workflows.system.backups import backup_listing

    return backup_listing(db, backups_dir())


def _outbox_listing(db: Database) -> Listing:
    from ..workflows.mail.outbox import outbox_listing

    return outbox_listing(db)
