"""The Rotation area: the hosting ledger, a chart of hosting per city, and host proposals.

A coordinator reads the ledger, sees the proposals for the next quarters with their reasons,
and accepts one (it becomes a planned meeting), accepts it with another host or dates (with a
reason, checked field by field as they type), or rejects it (the city keeps its turn).
Beside the proposals, the rotation's inputs: cities that volunteered for a quarter, periods in
which a city cannot host (Add…/Remove…) and the yearly blackout periods (Blackout periods…);
after each change the proposals are read again, so its effect shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, QStandardPaths, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
)
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..storage import Database
from ..workflows import FieldErrors, WorkflowError
from ..workflows import meeting_plans as mp
from ..workflows import rotation_inputs as ri
from ..workflows.dates import utc_now
from ..workflows.directory import active_city_choices
from ..workflows.export import write_listing_file
from ..workflows.meetings import hosting_counts
from ..workflows.rotation import Blackout, Proposal, Quarter
from .date_fields import meeting_day_edits, pydate, qdate
from .form_feedback import error_label, show_field_errors
from .list_page import EXPORT_FILTERS
from .operations import Refused, confirm, perform
from .unsaved import GuardedDialog

HELD_COLOUR = QColor("#2f6f8f")
PLANNED_COLOUR = QColor("#9cc3d5")
DEFAULT_QUARTERS = 8


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
        chart_page = QWidget()
        chart_layout = QVBoxLayout(chart_page)
        chart_layout.addWidget(self.chart)
        chart_layout.addStretch(1)
        self.inputs = RotationInputsPanel(self)
        # The chart and the rotation's inputs share the left side, as tabs.
        self.side = QTabWidget()
        self.side.setObjectName("rotationSide")
        self.side.addTab(chart_page, "&Hosting per city")
        self.side.addTab(self.inputs, "&Volunteers and unavailability")
        self.side.setTabToolTip(0, "Meetings hosted (dark) and planned (light) per member city")
        self.side.setTabToolTip(
            1, "Cities that offered to host a quarter, periods a city cannot host, blackouts"
        )

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
        layout.addWidget(self.side, 2)
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
            with self.db.reading() as session:
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
        self.inputs.refresh()
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

    def inputs_changed(self, quarter: Quarter | None = None) -> None:
        """After a change of the rotation's inputs: read everything again, show `quarter`."""
        self._changed()
        if quarter is not None:
            self.select_quarter(quarter)

    def accept(self) -> bool:
        """Make the selected proposal a planned meeting."""
        p = self.current_proposal()
        if p is None or p.planned or p.host_id is None or not self._signed_in():
            return False
        if not confirm(
            self,
            "Accept the proposal",
            f"Plan {p.quarter.label}'s meeting in {p.host} on {_days(p)}? It goes on the "
            "Meetings list as planned; nobody is told yet.",
            yes="Plan the meeting",
        ):
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
            # The quarter just accepted stays selected (now planned, so Accept is off): a
            # second click never accepts the next proposal unseen.
            self.select_quarter(p.quarter)
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


class EditProposalDialog(GuardedDialog):
    """Another host or other dates for a quarter, checked as they change; a reason is needed."""

    FIELDS = ("quarter", "host", "starts_on", "ends_on", "reason")

    def __init__(self, parent: QWidget, db: Database, proposal: Proposal, *, today: date) -> None:
        super().__init__(parent)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
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
        for city_id, name in active_city_choices(db):
            self.host.addItem(name, city_id)
        if proposal.host_id is not None:
            self.host.setCurrentIndex(self.host.findData(proposal.host_id))
        self.day1, self.day2 = meeting_day_edits(proposal.starts_on, proposal.ends_on)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Why the proposal is changed")
        self.errors = {name: error_label(f"error_{name}") for name in self.FIELDS}

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
        self.day1.dateChanged.connect(lambda _d: self.check())
        self.day2.dateChanged.connect(lambda _d: self.check())
        self.check()

    def values(self) -> dict[str, Any]:
        """The form's values as the workflow takes them."""
        return {
            "quarter": self.proposal.quarter,
            "host_city_id": self.host.currentData(),
            "starts_on": pydate(self.day1.date()),
            "ends_on": pydate(self.day2.date()),
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each sentence next to its field (and hide the others)."""
        show_field_errors(self.errors, errors)

    def check(self) -> dict[str, str]:
        """Check host and dates against the rotation's rules as they change (reads only)."""
        v = self.values()
        try:
            with self.db.reading() as session:
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


class RejectProposalDialog(GuardedDialog):
    """The reason the proposed city will not host the quarter (it keeps its turn)."""

    def __init__(self, parent: QWidget, db: Database, proposal: Proposal) -> None:
        super().__init__(parent)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
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
        self.error = error_label("error_reason")
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


# -- the rotation's inputs ------------------------------------------------------------------------
def _small_table(name: str, headings: tuple[str, ...], stretch: int, sort: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headings)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setSortingEnabled(True)
    table.sortByColumn(sort, Qt.SortOrder.AscendingOrder)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple], ids: list[int]) -> None:
    """Put rows in a table, each row's first cell holding the database id; keeps the sort."""
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for n, (row, row_id) in enumerate(zip(rows, ids, strict=True)):
        tip = " · ".join(str(v) for v in row if v)
        for column, value in enumerate(row):
            item = QTableWidgetItem(str(value or ""))
            item.setToolTip(tip)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, row_id)
            table.setItem(n, column, item)
    table.setSortingEnabled(True)


def _selected_id(table: QTableWidget) -> int | None:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


class RotationInputsPanel(QWidget):
    """Volunteers and unavailable periods (Add…/Remove…) and the blackout periods."""

    VOLUNTEER_HEADINGS = ("Quarter", "City", "Note")
    UNAVAILABLE_HEADINGS = ("City", "From", "To", "Reason")

    def __init__(self, rotation: RotationPanel) -> None:
        super().__init__()
        self.setObjectName("rotationInputs")
        self.rotation = rotation
        self.db: Database = rotation.db
        self.dialog: QDialog | None = None

        self.volunteers = _small_table("volunteers", self.VOLUNTEER_HEADINGS, 2)
        self.volunteers.setAccessibleName("Cities that volunteered to host")
        self.add_volunteer_button = QPushButton("A&dd…")
        self.add_volunteer_button.setObjectName("addVolunteer")
        self.add_volunteer_button.setToolTip("Record a city's offer to host a quarter (Insert)")
        self.remove_volunteer_button = QPushButton("Re&move…")
        self.remove_volunteer_button.setObjectName("removeVolunteer")
        self.remove_volunteer_button.setToolTip("Withdraw the selected offer (Delete)")

        self.unavailable = _small_table("unavailability", self.UNAVAILABLE_HEADINGS, 3, sort=1)
        self.unavailable.setAccessibleName("Periods in which a city cannot host")
        self.add_unavailable_button = QPushButton("Add…")
        self.add_unavailable_button.setObjectName("addUnavailability")
        self.add_unavailable_button.setToolTip(
            "Record a period in which a city cannot host (Insert)"
        )
        self.remove_unavailable_button = QPushButton("Remove…")
        self.remove_unavailable_button.setObjectName("removeUnavailability")
        self.remove_unavailable_button.setToolTip("Remove the selected period (Delete)")

        self.export_volunteers_button = QPushButton("Export…")
        self.export_volunteers_button.setObjectName("exportVolunteers")
        self.export_volunteers_button.setToolTip("Save the offers to host as XLSX or CSV")
        self.export_unavailable_button = QPushButton("Export…")
        self.export_unavailable_button.setObjectName("exportUnavailability")
        self.export_unavailable_button.setToolTip("Save the periods as XLSX or CSV")

        self.blackouts_label = QLabel("")
        self.blackouts_label.setObjectName("blackouts")
        self.blackouts_label.setWordWrap(True)
        self.blackouts_button = QPushButton("&Blackout periods…")
        self.blackouts_button.setObjectName("editBlackouts")
        self.blackouts_button.setToolTip("The yearly periods with no meetings")

        layout = QVBoxLayout(self)
        for title, table, add, remove, export in (
            (
                "Volunteered to host",
                self.volunteers,
                self.add_volunteer_button,
                self.remove_volunteer_button,
                self.export_volunteers_button,
            ),
            (
                "Cannot host",
                self.unavailable,
                self.add_unavailable_button,
                self.remove_unavailable_button,
                self.export_unavailable_button,
            ),
        ):
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(table, 1)
            row = QHBoxLayout()
            row.addWidget(export)
            row.addStretch(1)
            row.addWidget(add)
            row.addWidget(remove)
            box_layout.addLayout(row)
            layout.addWidget(box, 1)
        blackout_row = QHBoxLayout()
        blackout_row.addWidget(self.blackouts_label, 1)
        blackout_row.addWidget(self.blackouts_button)
        layout.addLayout(blackout_row)

        self.add_volunteer_button.clicked.connect(lambda: self.add_volunteer())
        self.remove_volunteer_button.clicked.connect(lambda: self.remove_volunteer())
        self.add_unavailable_button.clicked.connect(lambda: self.add_unavailability())
        self.remove_unavailable_button.clicked.connect(lambda: self.remove_unavailability())
        self.blackouts_button.clicked.connect(lambda: self.edit_blackouts())
        self.export_volunteers_button.clicked.connect(lambda: self.export("volunteers"))
        self.export_unavailable_button.clicked.connect(lambda: self.export("unavailability"))
        for table, add, remove in (
            (self.volunteers, self.add_volunteer, self.remove_volunteer),
            (self.unavailable, self.add_unavailability, self.remove_unavailability),
        ):
            for keys, slot in (
                (QKeySequence.StandardKey.Delete, remove),
                (QKeySequence(Qt.Key.Key_Insert), add),
            ):
                shortcut = QShortcut(keys, table)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
            table.currentCellChanged.connect(lambda *_a: self._enable())
        self._enable()

    def refresh(self) -> None:
        """Read the volunteers, the unavailable periods and the blackout periods again."""
        volunteers = ri.volunteer_listing(self.db)
        _fill(
            self.volunteers,
            [(q[:4] + " Q" + q[-1], city, note) for q, city, _o, note in volunteers.rows],
            volunteers.ids or [],
        )
        periods = ri.unavailability_listing(self.db)
        _fill(
            self.unavailable,
            [(city, start, end, reason) for city, _o, start, end, reason in periods.rows],
            periods.ids or [],
        )
        with self.db.reading() as session:
            blackouts = ri.blackout_periods(session)
        self.blackouts_label.setText(
            "No meetings in: " + "; ".join(ri.describe_blackouts(blackouts)) + "."
        )
        self._enable()

    def export(self, which: str, path: str | Path | None = None) -> Path | None:
        """Save the offers ("volunteers") or the periods ("unavailability") as XLSX or CSV."""
        listing = (
            ri.volunteer_listing(self.db)
            if which == "volunteers"
            else ri.unavailability_listing(self.db)
        )
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            suggested = str(Path(folder or Path.home()) / f"{listing.title}.xlsx")
            chosen, kind = QFileDialog.getSaveFileName(
                self, f"Export: {listing.title}", suggested, EXPORT_FILTERS
            )
            if not chosen:
                return None
            if Path(chosen).suffix.lower() not in (".csv", ".xlsx"):
                chosen += ".csv" if "csv" in kind.lower() else ".xlsx"
            path = chosen
        try:
            write_listing_file(path, listing.columns, listing.rows, title=listing.title)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export", f"The list could not be saved to {path}: {exc}.")
            return None
        self.rotation.window_.statusBar().showMessage(
            f"Exported {len(listing.rows)} rows to {path}", 10_000
        )
        return Path(path)

    def _enable(self) -> None:
        self.remove_volunteer_button.setEnabled(_selected_id(self.volunteers) is not None)
        self.remove_unavailable_button.setEnabled(_selected_id(self.unavailable) is not None)

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_volunteer(self) -> QDialog | None:
        """Open the form to record a city's offer to host a quarter."""
        if not self.rotation._signed_in():
            return None
        return self._open(VolunteerDialog(self))

    def add_unavailability(self) -> QDialog | None:
        """Open the form to record a period in which a city cannot host."""
        if not self.rotation._signed_in():
            return None
        return self._open(UnavailabilityDialog(self))

    def edit_blackouts(self) -> QDialog | None:
        """Open the form with the yearly blackout periods."""
        if not self.rotation._signed_in():
            return None
        return self._open(BlackoutDialog(self))

    def remove_volunteer(self) -> bool:
        """Withdraw the selected offer to host, after asking."""
        offer = _selected_id(self.volunteers)
        if offer is None or not self.rotation._signed_in():
            return False
        row = self.volunteers.currentRow()
        quarter, city = self.volunteers.item(row, 0).text(), self.volunteers.item(row, 1).text()
        if not confirm(
            self,
            "Withdraw the offer",
            f"Withdraw {city}'s offer to host {quarter}? The rotation then proposes the city "
            "by its turn only.",
            yes="Withdraw",
        ):
            return False
        done, what = perform(
            self,
            self.db,
            ri.withdraw_volunteer,
            title="Offer not withdrawn",
            volunteer_id=offer,
            actor=self.rotation.window_.actor,
            now=utc_now(),
        )
        if done:
            self.rotation.inputs_changed(Quarter.parse(quarter))
            self.rotation.window_.statusBar().showMessage(f"Withdrawn: {what}.", 10_000)
        return done

    def remove_unavailability(self) -> bool:
        """Remove the selected period in which a city could not host, after asking."""
        period = _selected_id(self.unavailable)
        if period is None or not self.rotation._signed_in():
            return False
        row = self.unavailable.currentRow()
        city, first, last = (self.unavailable.item(row, n).text() for n in range(3))
        if not confirm(
            self,
            "Remove the period",
            f"Remove the period in which {city} cannot host ({first} to {last})? The rotation "
            "may then propose it for those days.",
            yes="Remove",
        ):
            return False
        done, what = perform(
            self,
            self.db,
            ri.remove_unavailability,
            title="Period not removed",
            unavailability_id=period,
            actor=self.rotation.window_.actor,
            now=utc_now(),
        )
        if done:
            self.rotation.inputs_changed(Quarter.of(date.fromisoformat(first)))
            self.rotation.window_.statusBar().showMessage(f"Removed: {what}.", 10_000)
        return done


class _InputDialog(GuardedDialog):
    """A small form whose refusals show next to its fields; the dialog stays until saved."""

    FIELDS: tuple[str, ...] = ()

    def __init__(self, inputs: RotationInputsPanel, title: str, ok_text: str) -> None:
        super().__init__(inputs)
        self.guard_unsaved(self.windowTitle)  # Cancel/Escape/× with typing asks first
        self.inputs = inputs
        self.db = inputs.db
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(480)
        self.errors = {name: error_label(f"error_{name}") for name in self.FIELDS}
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName("ok")
        # Each form has its own save().
        self.buttons.accepted.connect(lambda: self.save())  # type: ignore[attr-defined]
        self.buttons.rejected.connect(self.reject)

    def city_box(self) -> QComboBox:
        """Active member cities by short name; type a name's first letters to choose."""
        box = QComboBox()
        box.setObjectName("city")
        for city_id, name in active_city_choices(self.db):
            box.addItem(name, city_id)
        return box

    def add_row(self, form: QFormLayout, caption: str, widget: QWidget, field: str) -> None:
        """A captioned field with its error label under it (Alt+letter moves to the field)."""
        label = QLabel(caption)
        label.setBuddy(widget)
        form.addRow(label, widget)
        form.addRow("", self.errors[field])

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each sentence next to its field (and hide the others)."""
        show_field_errors(self.errors, errors)

    def run(self, action: Any, **kwargs: Any) -> Any:
        """Run the workflow; on refusal show the sentences and return None (nothing written)."""
        try:
            _done, result = perform(
                self,
                self.db,
                action,
                quiet=True,
                actor=self.inputs.rotation.window_.actor,
                now=utc_now(),
                **kwargs,
            )
        except Refused as refused:
            cause = refused.__cause__
            first = self.FIELDS[0]
            self.show_errors(
                cause.errors if isinstance(cause, FieldErrors) else {first: str(refused)}
            )
            return None
        self.show_errors({})
        return result


class VolunteerDialog(_InputDialog):
    """A city's offer to host a quarter: city, quarter (typed, like 2027Q3) and a note."""

    FIELDS = ("city", "quarter", "note")

    def __init__(self, inputs: RotationInputsPanel) -> None:
        super().__init__(inputs, "A city volunteers to host", "Record offer")
        self.city = self.city_box()
        self.quarter = QLineEdit()
        self.quarter.setObjectName("quarter")
        self.quarter.setPlaceholderText("e.g. " + str(inputs.rotation.first_quarter.next()))
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText("Who offered, and where (optional)")
        intro = QLabel(
            "A city that volunteers is proposed for that quarter when the rotation's rules "
            "allow (not twice in a row, not when it cannot host)."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.add_row(form, "&City:", self.city, "city")
        self.add_row(form, "&Quarter:", self.quarter, "quarter")
        self.add_row(form, "&Note:", self.note, "note")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.quarter.setFocus()

    def save(self) -> bool:
        """Record the offer; refusals show next to their fields and the dialog stays."""
        try:
            quarter = Quarter.parse(self.quarter.text())
        except WorkflowError as exc:
            text = self.quarter.text().strip()
            self.show_errors({"quarter": str(exc) if text else "Give the quarter, like 2027Q3."})
            return False
        offer = self.run(
            ri.record_volunteer,
            city=self.city.currentData(),
            year=quarter.year,
            quarter=quarter.number,
            note=self.note.text(),
        )
        if offer is None:
            return False
        self.accept()
        rotation = self.inputs.rotation
        rotation.inputs_changed(quarter)
        shown = next((p for p in rotation.proposals if p.quarter == quarter), None)
        after = f" The proposal for {quarter.label} is now {shown.host}." if shown else ""
        rotation.window_.statusBar().showMessage(
            f"{self.city.currentText()} volunteered for {quarter.label}.{after}", 10_000
        )
        return True


class UnavailabilityDialog(_InputDialog):
    """A period in which a city cannot host: city, first and last day, reason."""

    FIELDS = ("city", "starts_on", "ends_on", "reason")

    def __init__(self, inputs: RotationInputsPanel) -> None:
        super().__init__(inputs, "A city cannot host", "Record period")
        self.city = self.city_box()
        start = inputs.rotation.first_quarter.first_day
        self.first = QDateEdit(qdate(start))
        self.last = QDateEdit(qdate(inputs.rotation.first_quarter.last_day))
        for edit, name in ((self.first, "starts_on"), (self.last, "ends_on")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Why the city cannot host, e.g. local government elections")
        intro = QLabel(
            "The rotation skips the city for a meeting in this period and records a deferral: "
            "the city keeps its turn."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.add_row(form, "&City:", self.city, "city")
        self.add_row(form, "&From:", self.first, "starts_on")
        self.add_row(form, "&To:", self.last, "ends_on")
        self.add_row(form, "&Reason:", self.reason, "reason")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        """Record the period; refusals show next to their fields and the dialog stays."""
        first = pydate(self.first.date())
        period = self.run(
            ri.record_unavailability,
            city=self.city.currentData(),
            starts_on=first,
            ends_on=pydate(self.last.date()),
            reason=self.reason.text(),
        )
        if period is None:
            return False
        self.accept()
        rotation = self.inputs.rotation
        rotation.inputs_changed(Quarter.of(first))
        rotation.window_.statusBar().showMessage(
            f"{self.city.currentText()} cannot host from {first:%d %b %Y}; it keeps its turn.",
            10_000,
        )
        return True


BLACKOUT_HEADINGS = ("Name", "From (MM-DD)", "To (MM-DD)")
WRONG_CELL = QColor("#fde7ea")


def _month_day(text: str) -> tuple[int, int] | None:
    """'12-15' → (12, 15); None when it is not two numbers (the workflow checks the day)."""
    month, _, day = text.strip().partition("-")
    try:
        return int(month), int(day)
    except ValueError:
        return None


class BlackoutDialog(_InputDialog):
    """The yearly blackout periods as an editable table: name, first and last day (MM-DD)."""

    FIELDS = ("periods",)

    def __init__(self, inputs: RotationInputsPanel) -> None:
        super().__init__(inputs, "Blackout periods", "Save periods")
        self.setMinimumWidth(560)
        intro = QLabel(
            "No meeting is planned or proposed on a day in these periods, every year. "
            "A period may run over New Year (12-15 to 01-15)."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(BLACKOUT_HEADINGS))
        self.table.setObjectName("blackoutTable")
        self.table.setHorizontalHeaderLabels(BLACKOUT_HEADINGS)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        with self.db.reading() as session:
            for period in ri.blackout_periods(session):
                self.add_period(period)
        self.add_button = QPushButton("&Add period")
        self.add_button.setObjectName("addPeriod")
        self.remove_button = QPushButton("&Remove period")
        self.remove_button.setObjectName("removePeriod")
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors["periods"])
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.add_button.clicked.connect(lambda: self.add_period())
        self.remove_button.clicked.connect(self.remove_period)

    def add_period(self, period: Blackout | None = None) -> int:
        """Add a row (empty, or with this period) and return its index."""
        n = self.table.rowCount()
        self.table.insertRow(n)
        texts = (
            (
                period.label,
                f"{period.start[0]:02d}-{period.start[1]:02d}",
                f"{period.end[0]:02d}-{period.end[1]:02d}",
            )
            if period is not None
            else ("", "", "")
        )
        for column, text in enumerate(texts):
            self.table.setItem(n, column, QTableWidgetItem(text))
        if period is None:
            self.table.setCurrentCell(n, 0)
            self.table.editItem(self.table.item(n, 0))
        return n

    def remove_period(self) -> None:
        """Remove the selected row (saved only with Save periods)."""
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def periods(self) -> tuple[list[Blackout], dict[str, str]]:
        """The table's periods, and a sentence for each row whose days are not MM-DD."""
        found: list[Blackout] = []
        problems: dict[str, str] = {}
        for n in range(self.table.rowCount()):
            label, first, last = (
                (self.table.item(n, c).text() if self.table.item(n, c) else "") for c in range(3)
            )
            start, end = _month_day(first), _month_day(last)
            if start is None or end is None:
                problems[str(n + 1)] = (
                    f"Blackout period {n + 1}: write its days as month-day, like 12-15."
                )
                start, end = start or (0, 0), end or (0, 0)
            found.append(Blackout(label, start, end))
        return found, problems

    def show_errors(self, errors: dict[str, str]) -> None:
        """All sentences under the table, and the rows they are about tinted."""
        label = self.errors["periods"]
        label.setText("\n".join(errors.values()))
        label.setVisible(bool(errors))
        for n in range(self.table.rowCount()):
            brush = QBrush(WRONG_CELL) if str(n + 1) in errors else QBrush()
            for c in range(self.table.columnCount()):
                item = self.table.item(n, c)
                if item is not None:
                    item.setBackground(brush)

    def save(self) -> bool:
        """Replace the blackout periods; refusals show under the table and the dialog stays."""
        # A cell still being typed in keeps its text in the editor until focus leaves it.
        self.ok_button.setFocus()
        periods, problems = self.periods()
        if problems:
            self.show_errors(problems)
            return False
        changed = self.run(ri.set_blackout_periods, periods=periods)
        if changed is None:
            return False
        self.accept()
        rotation = self.inputs.rotation
        rotation.inputs_changed()
        rotation.window_.statusBar().showMessage(
            "Blackout periods saved." if changed else "The blackout periods are unchanged.", 10_000
        )
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
