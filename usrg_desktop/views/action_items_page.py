"""The Action items list's actions: open the meeting an action was raised at (on its Minutes
and actions tab, the action selected), Mark done, and filters by status and by overdue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..domain.meetings import ActionStatus
from ..workflows.meetings import minutes as wf
from ..workflows.system.dates import utc_now
from .operations import perform

if TYPE_CHECKING:
    from .main_window import MainWindow


def setup_action_items_page(window: MainWindow, page: Any) -> None:
    """Open an action's meeting on double-click or Enter; Mark done; a status filter."""
    page.add_column_filter("status", "Status")
    page.add_column_filter("overdue", "Overdue")

    def open_action(action_id: int) -> None:
        done, meeting_id = perform(page, window.db, wf.action_meeting_id, action_id=action_id)
        if not done or meeting_id is None:
            return
        from .meeting_screen import open_meeting
        from .minutes_panel import MinutesPanel

        screen = open_meeting(window, meeting_id)
        tabs = getattr(screen, "tabs", None)
        panel = getattr(screen, "tab_widget", lambda _t: None)("Minutes and actions")
        if tabs is not None and panel is not None:
            for index in range(tabs.count()):
                if tabs.tabText(index).replace("&", "") == "Minutes and actions":
                    tabs.setCurrentIndex(index)
            if isinstance(panel, MinutesPanel):
                panel.select_action(action_id)

    def mark_done() -> None:
        chosen = page.selected_ids()
        if not chosen:
            window.statusBar().showMessage("Select the action items that are done.", 10_000)
            return
        marked = 0
        for action_id in chosen:
            done, _ = perform(
                page,
                window.db,
                wf.set_action_status,
                action_id=action_id,
                status=ActionStatus.DONE.value,
                actor=window.actor,
                now=utc_now(),
                today=window.today,
            )
            if not done:
                break
            marked += 1
        if marked:
            window.changes_made()
            window.statusBar().showMessage(f"{marked} action item(s) marked done.", 10_000)

    page.item_activated.connect(open_action)
    page.add_action(
        "Open meeting",
        lambda: page.current_id() is not None and open_action(page.current_id()),
        shortcut="Ctrl+O",
        tip="Open the meeting the selected action was raised at",
    )
    page.add_action(
        "Mark done", mark_done, shortcut="Ctrl+D", tip="Mark the selected action items done"
    )
