"""The Rotation area's chart: meetings hosted and planned per member city, and the words for a
proposal's days."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..workflows.meetings.rotation import Proposal

HELD_COLOUR = QColor("#2f6f8f")
PLANNED_COLOUR = QColor("#9cc3d5")
DEFAULT_QUARTERS = 8


def days_text(p: Proposal) -> str:
    return f"{p.starts_on:%a %d %b} – {p.ends_on:%a %d %b %Y}"


# -- the chart ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartRow:
    """One city's bar: its official name, meetings held and meetings still planned."""

    name: str
    held: int
    planned: int


class HostingChart(QWidget):
    """A horizontal bar per member city: meetings hosted (dark) and planned (light)."""

    ROW_GAP = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hostingChart")
        self.setAccessibleName("Meetings hosted per member city")
        self.rows: list[ChartRow] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_rows(self, rows: list[ChartRow]) -> None:
        """Show these cities' counts."""
        self.rows = list(rows)
        self.setToolTip(
            "\n".join(f"{r.name}: {r.held} hosted, {r.planned} planned" for r in self.rows)
        )
        self.updateGeometry()
        self.update()

    def _line(self) -> int:
        return QFontMetrics(self.font()).height() + self.ROW_GAP

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for every city and the legend."""
        metrics = QFontMetrics(self.font())
        label = max((metrics.horizontalAdvance(r.name) for r in self.rows), default=100)
        return QSize(label + 220, self._line() * (len(self.rows) + 2) + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """As tall as its rows need."""
        return QSize(300, self.sizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        """Draw the legend, then a label, a bar and the counts for each city."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        text = self.palette().color(QPalette.ColorRole.WindowText)
        line = self._line()
        bar_height = metrics.height() - 2
        # Legend.
        x = 4
        for colour, word in ((HELD_COLOUR, "hosted"), (PLANNED_COLOUR, "planned")):
            painter.fillRect(QRectF(x, 4 + 2, bar_height, bar_height - 2), colour)
            x += bar_height + 4
            painter.setPen(text)
            painter.drawText(x, 4 + metrics.ascent(), word)
            x += metrics.horizontalAdvance(word) + 16
        if not self.rows:
            return
        label_width = max(metrics.horizontalAdvance(r.name) for r in self.rows) + 12
        count_width = metrics.horizontalAdvance("00 + 00") + 12
        room = max(40, self.width() - label_width - count_width - 8)
        most = max((r.held + r.planned for r in self.rows), default=0) or 1
        for n, row in enumerate(self.rows):
            top = line * (n + 1) + 8
            painter.setPen(text)
            painter.drawText(
                QRectF(0, top, label_width - 8, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                row.name,
            )
            held = room * row.held / most
            planned = room * row.planned / most
            y = top + 1
            painter.fillRect(QRectF(label_width, y, held, bar_height), HELD_COLOUR)
            painter.fillRect(QRectF(label_width + held, y, planned, bar_height), PLANNED_COLOUR)
            counts = f"{row.held}" + (f" + {row.planned}" if row.planned else "")
            painter.drawText(
                QRectF(label_width + held + planned + 6, top, count_width, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                counts,
            )
        painter.end()
