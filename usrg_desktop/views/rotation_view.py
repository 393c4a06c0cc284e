"""The Rotation area: the hosting ledger, a chart of hosting per city, and host proposals.

A coordinator reads the ledger, sees the proposals for the next quarters with their reasons,
and accepts one (it becomes a planned meeting), accepts it with another host or dates (with a
reason, checked field by field as they type), or rejects it (the city keeps its turn).
Beside the proposals, the rotation's inputs: cities that volunteered for a quarter, periods in
which a city cannot host (Add…/Remove…) and the yearly blackout periods (Blackout periods…);
after each change the proposals are read again, so its effect shows at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..storage import Database
from ..workflows import WorkflowError
from ..workflows.meetings import meeting_plans as mp
from ..workflows.meetings.listings import hosting_counts
from ..workflows.meetings.rotation import Proposal, Quarter
from ..workflows.system.dates import utc_now
from ..workflows.system.export import write_listing_file
from .list_page import EXPORT_FILTERS
from .meeting_days_dialog import DaysChoice, MeetingDaysDialog
from .operations import confirm, perform, read
from .push_buttons import push_button
from .reason_dialog import WrittenReasonDialog
from .rotation_chart import DEFAULT_QUARTERS, ChartRow, HostingChart, days_text
from .rotation_inputs_panel import RotationInputsPanel

__all__ = ["HostingChart", "RotationInputsPanel", "RotationPanel", "setup_rotation_page"]


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

        self.accept_button = push_button(
            "&Accept", "acceptProposal", "Make the selected proposal a planned meeting"
        )
        self.edit_button = push_button(
            "&Edit…", "editProposal", "Accept the selected quarter with another host or dates"
        )
        self.reject_button = push_button(
            "&Reject…", "rejectProposal", "The proposed city will not host; it keeps its turn"
        )
        self.export_button = push_button(
            "E&xport…",
            "exportProposals",
            "Save the proposals shown, with their reasons, as XLSX or CSV",
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
            self.proposals = read(
                self.db, mp.proposals, start=self.first_quarter, quarters=self.quarters.value()
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
                days_text(p),
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
        self.window_.changes_made()
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
            f"Plan {p.quarter.label}'s meeting in {p.host} on {days_text(p)}? It goes on the "
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
                f"{p.host} hosts {p.quarter.label}: planned for {days_text(p)}.", 10_000
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
        dialog = edit_proposal_dialog(self, p)
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


def edit_proposal_dialog(panel: RotationPanel, proposal: Proposal) -> MeetingDaysDialog:
    """Another host or other dates for a quarter, checked as they change; a reason is needed."""
    choice = DaysChoice(
        title=f"Edit the proposal for {proposal.quarter.label}",
        intro=f"Proposed: {proposal.host or 'no host'}, {days_text(proposal)}.",
        quarter=proposal.quarter,
        host_city_id=proposal.host_id,
        starts_on=proposal.starts_on,
        ends_on=proposal.ends_on,
        ok_text="Accept as edited",
        reason_hint="Why the proposal is changed",
    )

    def commit(session: Any, **values: Any) -> int:
        return mp.accept_edited_proposal(session, proposal_reason=proposal.reason, **values)

    return MeetingDaysDialog(
        panel,
        panel.db,
        choice,
        today=panel.window_.today,
        actor=lambda: panel.window_.actor,
        commit=commit,
    )


class RejectProposalDialog(WrittenReasonDialog):
    """The reason the proposed city will not host the quarter (it keeps its turn)."""

    def __init__(self, parent: QWidget, db: Database, proposal: Proposal) -> None:
        super().__init__(
            parent,
            title=f"Reject the proposal for {proposal.quarter.label}",
            intro=(
                f"{proposal.host} will not host {proposal.quarter.label}. It is marked "
                "unavailable for the quarter and keeps its turn; the rotation proposes another "
                "city."
            ),
            ok_text="Reject proposal",
        )
        self.db = db
        self.proposal = proposal
        self.window_ = parent.window_ if isinstance(parent, RotationPanel) else None

    def save(self) -> bool:
        """Record the rejection; a refusal shows under the reason and the dialog stays."""
        return self.commit(
            self.db,
            mp.reject_proposal,
            quarter=self.proposal.quarter,
            host_city_id=self.proposal.host_id,
            reason=self.reason.toPlainText(),
            actor=self.window_.actor if self.window_ is not None else None,
            now=utc_now(),
        )


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
