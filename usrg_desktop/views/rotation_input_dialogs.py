"""The dialogs of the rotation's inputs: a volunteer offer, a period a city cannot host, and the
yearly blackout periods; each checks its fields as they are typed and says what is wrong next to
the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..workflows import WorkflowError
from ..workflows.directory.listings import active_city_choices
from ..workflows.meetings import rotation_inputs as ri
from ..workflows.meetings.rotation import Blackout, Quarter
from ..workflows.system.dates import utc_now
from .date_fields import pydate, qdate
from .form_feedback import error_label, show_field_errors
from .modal_dialogs import ok_cancel_buttons
from .operations import Refused, perform, read
from .unsaved import GuardedDialog

if TYPE_CHECKING:
    from .rotation_inputs_panel import RotationInputsPanel


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
        # Each form has its own save().
        self.buttons, self.ok_button = ok_cancel_buttons(
            self,
            lambda: self.save(),  # type: ignore[attr-defined]
            ok_text,
        )
        self.ok_button.setObjectName("ok")

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

    def lay_out_fields(self, intro: str, rows: tuple[tuple[str, QWidget, str], ...]) -> None:
        """The intro, then each (caption, widget, field) with its error under it, then the
        buttons."""
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        form = QFormLayout()
        for caption, widget, field in rows:
            self.add_row(form, caption, widget, field)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each sentence next to its field (and hide the others)."""
        show_field_errors(self.errors, errors)

    def saved(self, message: str, quarter: Quarter | None = None) -> None:
        """Close, read the rotation again (showing `quarter`) and say what was recorded."""
        self.accept()
        rotation = self.inputs.rotation
        rotation.inputs_changed(quarter)
        rotation.window_.statusBar().showMessage(message, 10_000)

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
            self.show_errors(refused.field_errors(self.FIELDS[0]))
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
        self.lay_out_fields(
            "A city that volunteers is proposed for that quarter when the rotation's rules "
            "allow (not twice in a row, not when it cannot host).",
            (
                ("&City:", self.city, "city"),
                ("&Quarter:", self.quarter, "quarter"),
                ("&Note:", self.note, "note"),
            ),
        )
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
        self.lay_out_fields(
            "The rotation skips the city for a meeting in this period and records a deferral: "
            "the city keeps its turn.",
            (
                ("&City:", self.city, "city"),
                ("&From:", self.first, "starts_on"),
                ("&To:", self.last, "ends_on"),
                ("&Reason:", self.reason, "reason"),
            ),
        )

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
        self.saved(
            f"{self.city.currentText()} cannot host from {first:%d %b %Y}; it keeps its turn.",
            Quarter.of(first),
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
        for period in read(self.db, ri.blackout_periods):
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
        self.saved("Blackout periods saved." if changed else "The blackout periods are unchanged.")
        return True
