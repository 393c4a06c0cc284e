"""The Applications list's buttons and filters, kept light: it is the first list the program shows.

Nothing here imports SQLAlchemy or the application screens (about 0.7 s of imports); they are
loaded when the user first opens an application or the form.
"""

from __future__ import annotations

from typing import Any

# The roles that capture applications (workflows.grants.applications.STAFF, without importing it).
CAPTURING_ROLES = frozenset({"administrator", "secretariat"})


def setup_applications_page(window: Any, page: Any) -> None:
    """Applications list: New application… (Ctrl+N), Open, filters by round, state, applicant."""
    actor = window.actor
    may_capture = actor is not None and actor.role in CAPTURING_ROLES

    def new_application() -> None:
        if may_capture:
            from .applications_view import open_new_application

            open_new_application(window)

    def open_application(row_id: int) -> None:
        from .applications_view import open_application as open_screen

        open_screen(window, row_id)

    button = page.add_action(
        "New application…",
        new_application,
        shortcut="Ctrl+N",
        tip="Capture an application in a form",
    )
    if not may_capture:
        button.setEnabled(False)
        button.setToolTip("Only the secretariat or an administrator may capture applications.")

    def open_current() -> None:
        row_id = page.current_id()
        if row_id is not None:
            open_application(row_id)

    page.add_action("Open", open_current, tip="Open the selected application (Enter)")
    page.add_column_filter("round", "Round", everything="All rounds")
    page.add_column_filter("state", "State", everything="All states")
    page.add_column_filter("applicant", "Applicant", everything="All applicants")
    page.item_activated.connect(open_application)
