"""The setup of each list page of the main window (its action buttons, what opening a row
does), each a function here that imports its screen's module only when the page is first
built, so start-up does not load every screen; `areas.AREAS` names these functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .list_page import ListPage
    from .main_window import MainWindow


def setup_today_page(window: MainWindow, page: ListPage) -> None:
    from .today_view import setup_today_page as run

    run(window, page)


def setup_applications_page(window: MainWindow, page: ListPage) -> None:
    from .applications_page import setup_applications_page as run

    run(window, page)


def setup_rounds_page(window: MainWindow, page: ListPage) -> None:
    from .rounds_view import setup_rounds_page as run

    run(window, page)


def setup_reviewers(window: MainWindow, page: ListPage) -> None:
    from .reviews_view import setup_reviewers as run

    run(window, page)


def setup_assignments(window: MainWindow, page: ListPage) -> None:
    from .reviews_view import setup_assignments as run

    run(window, page)


def setup_awards_page(window: MainWindow, page: ListPage) -> None:
    from .awards_view import setup_awards_page as run

    run(window, page)


def setup_meetings_page(window: MainWindow, page: ListPage) -> None:
    from .meeting_screen import setup_meetings_page as run

    run(window, page)


def setup_action_items_page(window: MainWindow, page: ListPage) -> None:
    from .minutes_panel import setup_action_items_page as run

    run(window, page)


def setup_rotation_page(window: MainWindow, page: ListPage) -> None:
    from .rotation_view import setup_rotation_page as run

    run(window, page)


def setup_people_page(window: MainWindow, page: ListPage) -> None:
    from .directory_view import setup_people_page as run

    run(window, page)


def setup_cities_page(window: MainWindow, page: ListPage) -> None:
    from .organisation_actions import setup_cities_page as run

    run(window, page)


def setup_bodies_page(window: MainWindow, page: ListPage) -> None:
    from .organisation_actions import setup_bodies_page as run

    run(window, page)


def setup_users_page(window: MainWindow, page: ListPage) -> None:
    from .accounts_view import setup_users_page as run

    run(window, page)


def setup_backups_page(window: MainWindow, page: ListPage) -> None:
    from .backups_view import setup_backups_page as run

    run(window, page)


def setup_outbox_page(window: MainWindow, page: ListPage) -> None:
    from .outbox_view import setup_outbox_page as run

    run(window, page)
