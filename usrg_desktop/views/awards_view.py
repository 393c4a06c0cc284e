"""The Awards list's actions and the award screen: tranches, payments, reports, schedule, close."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ..workflows.awards.listings import award_listing
from .award_screen import OVERDUE_BACKGROUND, OVERDUE_TEXT, AwardScreen

__all__ = ["AwardScreen", "OverdueRowDelegate", "open_award", "setup_awards_page", "show_overdue"]


# -- the Awards list ----------------------------------------------------------------------------
class OverdueRowDelegate(QStyledItemDelegate):
    """Paints the rows of overdue awards in a warning colour."""

    def __init__(self, column: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.column = column

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Qt API: the overdue rows get their background and text colour."""
        super().initStyleOption(option, index)
        raw = index.sibling(index.row(), self.column).data(Qt.ItemDataRole.UserRole)
        if raw is True:
            option.backgroundBrush = QBrush(OVERDUE_BACKGROUND)
            option.palette.setColor(option.palette.ColorRole.Text, OVERDUE_TEXT)


def setup_awards_page(window: Any, page: Any) -> None:
    """Awards list: open an award (double-click/Enter), Open…, an Overdue only switch."""

    def open_current() -> None:
        award_id = page.current_id()
        if award_id is None:
            window.statusBar().showMessage("Choose an award in the list first.", 5_000)
            return
        open_award(window, award_id)

    def query() -> Any:
        return award_listing(window.db, today=window.today, overdue_only=overdue.isChecked())

    overdue = QCheckBox("Overdue only")
    overdue.setObjectName("overdueOnly")
    overdue.setToolTip("Show only awards with a tranche or report past its due date (Alt+O)")
    overdue.setShortcut(QKeySequence("Alt+O"))
    page.set_loader(query)
    overdue.toggled.connect(lambda _on: page.reload())
    page.actions_layout.addWidget(overdue)
    page.add_action("Open award…", open_current, shortcut="Ctrl+O", tip="Open the award chosen")
    page.item_activated.connect(lambda award_id: open_award(window, award_id))
    page.overdue_switch = overdue

    def mark_overdue_rows() -> None:
        keys = [c.key for c in page.model.columns]
        if "overdue" in keys:
            page.table.setItemDelegate(OverdueRowDelegate(keys.index("overdue"), page.table))

    page.model.modelReset.connect(mark_overdue_rows)
    mark_overdue_rows()


def show_overdue(window: Any) -> None:
    """Awards → Overdue: the Awards list with only the awards that have something overdue."""
    page = window.show_page("Awards", 0)
    page.overdue_switch.setChecked(True)
    page.table.setFocus()


def open_award(window: Any, award_id: int) -> QWidget:
    """Show the screen of one award (one window per award)."""

    def changed() -> None:
        window.changes_made()

    def open_application(application_id: int) -> None:
        from .applications_view import open_application as open_screen

        open_screen(window, application_id)

    return window.open_window(
        ("award", award_id),
        lambda: AwardScreen(
            window.db,
            award_id,
            actor=window.actor,
            today=window.today,
            on_changed=changed,
            on_open_application=open_application,
        ),
    )
