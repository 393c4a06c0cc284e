"""The Rotation area: the hosting ledger, a chart of hosting per city, and host proposals.

A coordinator reads the ledger, sees the proposals for the next quarters with their reasons,
and accepts one (it becomes a planned meeting), accepts it with another host or dates (with a
reason, checked field by field as they type), or rejects it (the city keeps its turn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QRectF, QSize, QStandardPaths, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..storage import Database
from ..workflows import FieldErrors, WorkflowError
from ..workflows import meeting_plans as mp
from ..workflows.dates import utc_now
from ..workflows.export import write_listing_file
from ..workflows.meetings import hosting_counts
from ..workflows.rotation import Proposal, Quarter
from .list_page import EXPORT_FILTERS
from .operations import Refused, perform

ERROR_STYLE = "color: #b00020;"
HELD_COLOUR = QColor("#2f6f8f")
PLANNED_COLOUR = QColor("#9cc3d5")
DEFAULT_QUARTERS = 8


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _days(p: Proposal) -> str:
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


# -- the proposals --------------------------------------------------------------------------------
PROPOSAL_HEADINGS = ("Quarter", "Host", "Dates", "Reason")


class RotationPanel(QWidget):
    """The chart of hosting and the table of proposals with Accept, Edit… and Reject…."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rotationPanel")
        self.window_ = window
        self.db: Database = window.db
        self.proposals: list[Proposal] = []
        self.dialog: QDialog | None = None

        self.chart = HostingChart()
        chart_box = QGroupBox("Meetings hosted per member city")
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.addWidget(self.chart)
        chart_layout.addStretch(1)

        self.quarters = QSpinBox()
        self.quarters.setObjectName("quarters")
        self.quarters.setRange(1, 24)
        self.quarters.setValue(DEFAULT_QUARTERS)
        self.quarters.setSuffix(" quarters")
        self.quarters.setAccessibleName("Number of quarters to propose")
        self.from_label = QLabel("")
        self.table = QTableWidget(0, len(PROPOSAL_HEADINGS))
        self.table.setObjectName("proposals")
        self.table.setAccessibleName("Host proposals")
        self.table.setHorizontalHeaderLabels(PROPOSAL_HEADINGS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.reason = QLabel("")
        self.reason.setObjectName("proposalReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setMinimumHeight(QFontMetrics(self.font()).height() * 3)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.accept_button = QPushButton("&Accept")
        self.accept_button.setObjectName("acceptProposal")
        self.accept_button.setToolTip("Make the selected proposal a planned meeting")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setObjectName("editProposal")
        self.edit_button.setToolTip("Accept the selected quarter with another host or dates")
        self.reject_button = QPushButton("&Reject…")
        self.reject_button.setObjectName("rejectProposal")
        self.reject_button.setToolTip("The proposed city will not host; it keeps its turn")
        self.export_button = QPushButton("E&xport…")
        self.export_button.setObjectName("exportProposals")
        self.export_button.setToolTip(
            "Save the proposals shown, with their reasons, as XLSX or CSV"
        )

        top = QHBoxLayout()
        top.addWidget(QLabel("Propose for the next"))
        top.addWidget(self.quarters)
        top.addWidget(self.from_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        for button in (self.accept_button, self.edit_button, self.reject_button):
            buttons.addWidget(button)
        proposals_box = QGroupBox("Host proposals")
        box_layout = QVBoxLayout(proposals_box)
        box_layout.addLayout(top)
        box_layout.addWidget(self.table, 1)
        box_layout.addWidget(self.reason)
        box_layout.addLayout(buttons)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(chart_box, 2)
        layout.addWidget(proposals_box, 3)

        self.quarters.valueChanged.connect(lambda _n: self.refresh())
        self.table.currentCellChanged.connect(lambda *_a: self._on_current_changed())
        self.table.cellDoubleClicked.connect(lambda *_a: self.edit())
        self.accept_button.clicked.connect(self.accept)
        self.edit_button.clicked.connect(self.edit)
        self.reject_button.clicked.connect(self.reject)
        self.export_button.clicked.connect(lambda: self.export_proposals())

    # -- data -----------------------------------------------------------------------------------
    @property
    def first_quarter(self) -> Quarter:
        """Proposals start with the quarter after today's."""
        return Quarter.of(self.window_.today).next()

    def refresh(self) -> None:
        """Read the counts and the proposals again and show them, keeping the selected quarter."""
        current = self.current_proposal()
        try:
            counts = hosting_counts(self.db)
            with self.db.unit_of_work() as session:
                self.proposals = mp.proposals(
                    session, start=self.first_quarter, quarters=self.quarters.value()
                )
        except WorkflowError as exc:
            self.proposals = []
            self.reason.setText(str(exc))
            counts = []
        self.chart.set_rows(
            [ChartRow(official, held, planned) for _s, official, held, planned in counts]
        )
        self.from_label.setText(f"from {self.first_quarter.label}")
        self.table.setRowCount(len(self.proposals))
        dim = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for row, p in enumerate(self.proposals):
            host = p.host or "(no host possible)"
            cells = (
                p.quarter.label,
                f"{host} (planned)" if p.planned else host,
                _days(p),
                p.reason,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(p.reason)
                if p.planned:
                    item.setForeground(dim)
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        target = 0
        if current is not None:
            target = next(
                (n for n, p in enumerate(self.proposals) if p.quarter == current.quarter), 0
            )
        else:
            target = next((n for n, p in enumerate(self.proposals) if not p.planned), 0)
        if self.proposals:
            self.table.setCurrentCell(target, 0)
        self._on_current_changed()

    def current_proposal(self) -> Proposal | None:
        """The proposal of the selected row."""
        row = self.table.currentRow()
        return self.proposals[row] if 0 <= row < len(self.proposals) else None

    def select_quarter(self, quarter: Quarter) -> bool:
        """Select the row of this quarter; False when it is not shown."""
        for n, p in enumerate(self.proposals):
            if p.quarter == quarter:
                self.table.setCurrentCell(n, 0)
                return True
        return False

    def _on_current_changed(self) -> None:
        p = self.current_proposal()
        self.reason.setText(p.reason if p else "")
        open_ = p is not None and not p.planned
        self.accept_button.setEnabled(open_ and p.host_id is not None)
        self.edit_button.setEnabled(open_)
        self.reject_button.setEnabled(open_ and p.host_id is not None)

    def export_proposals(self, path: str | Path | None = None) -> Path | None:
        """Save the proposals shown as XLSX or CSV (asks where unless `path` is given)."""
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            suggested = str(Path(folder or Path.home()) / "Host proposals.xlsx")
            chosen, kind = QFileDialog.getSaveFileName(
                self, "Export the proposals", suggested, EXPORT_FILTERS
            )
            if not chosen:
                return None
            if Path(chosen).suffix.lower() not in (".csv", ".xlsx"):
                chosen += ".csv" if "csv" in kind.lower() else ".xlsx"
            path = chosen
        listing = mp.proposals_listing(self.proposals)
        try:
            write_listing_file(path, listing.columns, listing.rows, title=listing.title)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(
                self, "Export", f"The proposals could not be saved to {path}: {exc}."
            )
            return None
        self.window_.statusBar().showMessage(
            f"Exported {len(listing.rows)} proposals to {path}", 10_000
        )
        return Path(path)

    # -- actions --------------------------------------------------------------------------------
    def _signed_in(self) -> bool:
        if self.window_.actor is None:
            self.window_.show_error("Not signed in", "Sign in to plan meetings.")
            return False
        return True

    def _changed(self) -> None:
        self.window_.data_changed("Meetings", "Rotation")
        self.refresh()

    def accept(self) -> bool:
        """Make the selected proposal a planned meeting."""
        p = self.current_proposal()
        if p is None or p.planned or p.host_id is None or not self._signed_in():
            return False
        done, _meeting_id = perform(
            self,
            self.db,
            mp.accept_proposal,
            title="Proposal not accepted",
            quarter=p.quarter,
            host_city_id=p.host_id,
            starts_on=p.starts_on,
            actor=self.window_.actor,
            now=utc_now(),
            proposal_reason=p.reason,
        )
        if done:
            self.window_.statusBar().showMessage(
                f"{p.host} hosts {p.quarter.label}: planned for {_days(p)}.", 10_000
            )
            self._changed()
            # On to the next open proposal, so a run of proposals is accepted click by click.
            following = next(
                (q.quarter for q in self.proposals if q.quarter > p.quarter and not q.planned),
                None,
            )
            if following is not None:
                self.select_quarter(following)
        return done

    def edit(self) -> QDialog | None:
        """Open the dialog to accept the selected quarter with another host or dates."""
        p = self.current_proposal()
        if p is None or p.planned or not self._signed_in():
            return None
        dialog = EditProposalDialog(self, self.db, p, today=self.window_.today)
        dialog.accepted.connect(self._changed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def reject(self) -> QDialog | None:
        """Ask for the reason the proposed city will not host the quarter, then record it."""
        p = self.current_proposal()
        if p is None or p.planned or p.host_id is None or not self._signed_in():
            return None
        dialog = RejectProposalDialog(self, self.db, p)
        dialog.accepted.connect(self._changed)
        self.dialog = dialog
        dialog.open()
        return dialog


def _error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class EditProposalDialog(QDialog):
    """Another host or other dates for a quarter, checked as they change; a reason is needed."""

    FIELDS = ("quarter", "host", "starts_on", "ends_on", "reason")

    def __init__(self, parent: QWidget, db: Database, proposal: Proposal, *, today: date) -> None:
        super().__init__(parent)
        self.db = db
        self.proposal = proposal
        self.today = today
        self.window_ = parent.window_ if isinstance(parent, RotationPanel) else None
        self.setWindowTitle(f"Edit the proposal for {proposal.quarter.label}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)

        intro = QLabel(f"Proposed: {proposal.host or 'no host'}, {_days(proposal)}.")
        intro.setWordWrap(True)
        self.host = QComboBox()
        self.host.setObjectName("host")
        for city_id, name in db.rows(
            "SELECT id, short_name FROM cities WHERE active = :t ORDER BY short_name", {"t": True}
        ):
            self.host.addItem(name, int(city_id))
        if proposal.host_id is not None:
            self.host.setCurrentIndex(self.host.findData(proposal.host_id))
        self.day1 = QDateEdit(_qdate(proposal.starts_on))
        self.day2 = QDateEdit(_qdate(proposal.ends_on))
        for edit, name in ((self.day1, "day1"), (self.day2, "day2")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd yyyy-MM-dd")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Why the proposal is changed")
        self.errors = {name: _error_label(f"error_{name}") for name in self.FIELDS}

        form = QFormLayout()
        form.addRow(self.errors["quarter"])
        form.addRow("&Host city:", self.host)
        form.addRow("", self.errors["host"])
        form.addRow("Day &1:", self.day1)
        form.addRow("", self.errors["starts_on"])
        form.addRow("Day &2:", self.day2)
        form.addRow("", self.errors["ends_on"])
        form.addRow("&Reason:", self.reason)
        form.addRow("", self.errors["reason"])
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Accept as edited")
        self.ok_button.setObjectName("ok")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.host.currentIndexChanged.connect(lambda _n: self.check())
        self.day1.dateChanged.connect(self._day1_changed)
        self.day2.dateChanged.connect(lambda _d: self.check())
        self.check()

    def _day1_changed(self, value: QDate) -> None:
        # Day 2 follows day 1: the meeting is two consecutive days.
        self.day2.blockSignals(True)
        self.day2.setDate(value.addDays(1))
        self.day2.blockSignals(False)
        self.check()

    def values(self) -> dict[str, Any]:
        """The form's values as the workflow takes them."""
        return {
            "quarter": self.proposal.quarter,
            "host_city_id": self.host.currentData(),
            "starts_on": _pydate(self.day1.date()),
            "ends_on": _pydate(self.day2.date()),
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each sentence next to its field (and hide the others)."""
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)

    def check(self) -> dict[str, str]:
        """Check host and dates against the rotation's rules as they change (reads only)."""
        v = self.values()
        try:
            with self.db.unit_of_work() as session:
                errors = mp.plan_problems(
                    session,
                    quarter=v["quarter"],
                    host_city_id=v["host_city_id"],
                    starts_on=v["starts_on"],
                    ends_on=v["ends_on"],
                    today=self.today,
                )
        except WorkflowError as exc:
            errors = {"quarter": str(exc)}
        self.show_errors(errors)
        return errors

    def save(self) -> bool:
        """Plan the meeting as edited; refusals show next to their fields and the dialog stays."""
        actor = self.window_.actor if self.window_ is not None else None
        try:
            perform(
                self,
                self.db,
                mp.accept_edited_proposal,
                quiet=True,
                reason=self.reason.text(),
                actor=actor,
                now=utc_now(),
                proposal_reason=self.proposal.reason,
                **self.values(),
            )
        except Refused as refused:
            cause = refused.__cause__
            if isinstance(cause, FieldErrors):
                self.show_errors(cause.errors)
            else:
                self.show_errors({"quarter": str(refused)})
            return False
        self.accept()
        return True


class RejectProposalDialog(QDialog):
    """The reason the proposed city will not host the quarter (it keeps its turn)."""

    def __init__(self, parent: QWidget, db: Database, proposal: Proposal) -> None:
        super().__init__(parent)
        self.db = db
        self.proposal = proposal
        self.window_ = parent.window_ if isinstance(parent, RotationPanel) else None
        self.setWindowTitle(f"Reject the proposal for {proposal.quarter.label}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        intro = QLabel(
            f"{proposal.host} will not host {proposal.quarter.label}. It is marked unavailable "
            "for the quarter and keeps its turn; the rotation proposes another city."
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(80)
        self.error = _error_label("error_reason")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Reject proposal")
        self.ok_button.setObjectName("ok")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        label = QLabel("&Reason:")
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> bool:
        """Record the rejection; a refusal shows under the reason and the dialog stays."""
        try:
            perform(
                self,
                self.db,
                mp.reject_proposal,
                quiet=True,
                quarter=self.proposal.quarter,
                host_city_id=self.proposal.host_id,
                reason=self.reason.toPlainText(),
                actor=self.window_.actor if self.window_ is not None else None,
                now=utc_now(),
            )
        except Refused as refused:
            self.error.setText(str(refused))
            self.error.setVisible(True)
            return False
        self.accept()
        return True


# -- the area -------------------------------------------------------------------------------------
def setup_rotation_page(window: Any, page: Any) -> None:
    """Put the chart and the proposals under the hosting ledger (a splitter between them)."""
    layout = page.layout()
    index = layout.indexOf(page.table)
    layout.removeWidget(page.table)
    panel = RotationPanel(window)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName("rotationSplitter")
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(page.table)
    splitter.addWidget(panel)
    splitter.setStretchFactor(0, 2)
    splitter.setStretchFactor(1, 3)
    layout.insertWidget(index, splitter, 1)
    page.rotation_panel = panel
    # The ledger loads when the area first shows and reloads after a change (data_changed, F5):
    # the chart and the proposals follow it, so they never show older data than the ledger.
    reload_ledger = page.reload

    sized = []

    def reload() -> None:
        reload_ledger()
        panel.refresh()
        if not sized and page.loaded:
            # Room for every city of the ledger (a handful of rows), the rest for the panel.
            sized.append(True)
            table = page.table
            height = (
                table.horizontalHeader().sizeHint().height()
                + table.verticalHeader().defaultSectionSize() * max(1, page.model.rowCount())
                + 2 * table.frameWidth()
                + 4
            )
            splitter.setSizes([height, max(300, splitter.height() - height)])

    page.reload = reload
