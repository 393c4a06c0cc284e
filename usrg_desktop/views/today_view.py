"""Today: the list of what needs doing (workflows/system/today.py), each line opening the record it
names, above it the fund's budget per round as a small chart."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..money import format_zar
from ..workflows.system import today as wt

PAID, COMMITTED, REMAINING = QColor("#1f5f8b"), QColor("#6fa8d6"), QColor("#e3edf5")
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 16, 6, 260


def _rand_millions(cents: int) -> str:
    return f"R {cents / 100_000_000:.2f} m".replace(".", ",")


class BudgetChart(QWidget):
    """Each round's budget as a bar: paid, committed (not yet paid) and still to commit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("budgetChart")
        self.budgets: list[wt.RoundBudget] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("The fund's budget per round")

    def set_budgets(self, budgets: list[wt.RoundBudget]) -> None:
        """Show these rounds (the chart's height follows their number)."""
        self.budgets = budgets
        self.setToolTip(
            "\n".join(
                f"{b.name}: budget {format_zar(b.budget_cents)}, committed "
                f"{format_zar(b.committed_cents)}, paid {format_zar(b.paid_cents)}, left "
                f"{format_zar(b.remaining_cents)}"
                for b in budgets
            )
        )
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        rows = max(1, len(self.budgets))
        return QSize(600, 24 + rows * (BAR_HEIGHT + BAR_GAP))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        width = max(50, self.width() - LABEL_WIDTH - 190)
        biggest = max((b.budget_cents for b in self.budgets), default=0) or 1
        y = 4
        legend_x = LABEL_WIDTH
        for colour, words in ((PAID, "paid"), (COMMITTED, "committed"), (REMAINING, "to commit")):
            painter.fillRect(QRectF(legend_x, y + 3, 10, 10), colour)
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(legend_x + 14, y + 12, words)
            legend_x += 24 + metrics.horizontalAdvance(words)
        y += 20
        if not self.budgets:
            painter.drawText(4, y + 12, "No round is open, reviewing or decided.")
            return
        for b in self.budgets:
            name = metrics.elidedText(b.name, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 10)
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(4, y + BAR_HEIGHT - 4, name)
            scale = width * b.budget_cents / biggest
            x = float(LABEL_WIDTH)
            parts = (
                (PAID, min(b.paid_cents, b.budget_cents)),
                (COMMITTED, max(0, min(b.committed_cents, b.budget_cents) - b.paid_cents)),
                (REMAINING, max(0, b.remaining_cents)),
            )
            for colour, cents in parts:
                w = scale * cents / (b.budget_cents or 1)
                painter.fillRect(QRectF(x, y, w, BAR_HEIGHT), colour)
                x += w
            painter.setPen(QColor("#444444"))
            painter.drawRect(QRectF(LABEL_WIDTH, y, scale, BAR_HEIGHT))
            painter.drawText(
                int(LABEL_WIDTH + scale + 8),
                y + BAR_HEIGHT - 4,
                f"{_rand_millions(b.remaining_cents)} of {_rand_millions(b.budget_cents)} left",
            )
            y += BAR_HEIGHT + BAR_GAP


class TodayController:
    """Wires the Today list: the chart above it, a filter by area, and a line opening its
    record."""

    def __init__(self, window: Any, page: Any) -> None:
        self.window = window
        self.page = page
        self.chart = BudgetChart(page)
        page.layout().insertWidget(1, self.chart)
        actor = window.actor
        if actor is not None and actor.role == "coordinator":
            # The coordinator's day starts with the meetings.
            page.set_loader(
                lambda: wt.today_listing(window.db, today=window.today, role="coordinator")
            )
        self.area_filter = page.add_column_filter("section", "Area", everything="Every area")
        page.hide_column("opens")  # hidden as the lines arrive, before the columns are sized
        page.item_activated.connect(self.open_line)
        page.rows_loaded.connect(self._after_load)

    def _after_load(self) -> None:
        """After each load of the lines (not each keystroke of the filter): read the chart's
        figures, beside the list (on its worker when it has one)."""
        db = self.window.db
        self.page.read_beside(lambda: wt.round_budgets(db), self._show_budgets, owner=self.chart)

    def _show_budgets(self, budgets: object) -> None:
        # A storage problem leaves the list standing without its chart.
        self.chart.set_budgets(budgets if isinstance(budgets, list) else [])

    def target_of(self, row_id: int) -> tuple[str, int] | None:
        """The record a line opens: ("application", 12)."""
        row = self.page.model.row_of_id(row_id)
        if row is None or row < 0:
            return None
        keys = [c.key for c in self.page.model.columns]
        opens = str(self.page.model.row_values(row)[keys.index("opens")])
        kind, _, ident = opens.partition(":")
        return (kind, int(ident)) if ident.isdigit() else None

    def open_line(self, row_id: int) -> Any:
        """Open the record the line names: its screen, or its row in its list."""
        target = self.target_of(row_id)
        if target is None:
            return None
        kind, ident = target
        window = self.window
        if kind == "application":
            from .applications_view import open_application

            return open_application(window, ident)
        if kind == "award":
            from .awards_view import open_award

            return open_award(window, ident)
        if kind == "meeting":
            from .meeting_screen import open_meeting

            return open_meeting(window, ident)
        area = {"round": "Rounds", "person": "Directory"}.get(kind)
        if area is None:
            return None
        page = window.show_page(area, 0)
        page.select_id(ident)
        return page


def setup_today_page(window: Any, page: Any) -> None:
    """Add the chart and the actions of the Today list (called when the page is made)."""
    page.today_controller = TodayController(window, page)
