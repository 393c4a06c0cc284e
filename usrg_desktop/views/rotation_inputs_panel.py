"""The rotation's inputs beside the proposals: cities that volunteered for a quarter, periods in
which a city cannot host (Add…/Remove…) and the yearly blackout periods. After each change the
proposals are read again, so its effect shows at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..storage import Database
from ..workflows.meetings import rotation_inputs as ri
from ..workflows.meetings.rotation import Quarter
from ..workflows.system.dates import utc_now
from ..workflows.system.export import write_listing_file
from .list_page import EXPORT_FILTERS
from .operations import confirm, perform, read
from .push_buttons import push_button
from .rotation_input_dialogs import BlackoutDialog, UnavailabilityDialog, VolunteerDialog

if TYPE_CHECKING:
    from .rotation_view import RotationPanel


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
        self.add_volunteer_button = push_button(
            "A&dd…", "addVolunteer", "Record a city's offer to host a quarter (Insert)"
        )
        self.remove_volunteer_button = push_button(
            "Re&move…", "removeVolunteer", "Withdraw the selected offer (Delete)"
        )

        self.unavailable = _small_table("unavailability", self.UNAVAILABLE_HEADINGS, 3, sort=1)
        self.unavailable.setAccessibleName("Periods in which a city cannot host")
        self.add_unavailable_button = push_button(
            "Add…", "addUnavailability", "Record a period in which a city cannot host (Insert)"
        )
        self.remove_unavailable_button = push_button(
            "Remove…", "removeUnavailability", "Remove the selected period (Delete)"
        )

        self.export_volunteers_button = push_button(
            "Export…", "exportVolunteers", "Save the offers to host as XLSX or CSV"
        )
        self.export_unavailable_button = push_button(
            "Export…", "exportUnavailability", "Save the periods as XLSX or CSV"
        )

        self.blackouts_label = QLabel("")
        self.blackouts_label.setObjectName("blackouts")
        self.blackouts_label.setWordWrap(True)
        self.blackouts_button = push_button(
            "&Blackout periods…", "editBlackouts", "The yearly periods with no meetings"
        )

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
        blackouts = read(self.db, ri.blackout_periods)
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
