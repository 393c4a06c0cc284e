"""The award screen: the award's facts, its tranches and reporting milestones (overdue in red),
and a button for each action the award is ready for, disabled with the reason otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..money import format_zar
from ..storage import Database
from ..workflows import Actor
from ..workflows.awards import award_tracking as at
from ..workflows.grants import detail_screens as screens
from ..workflows.grants.detail_screens import REPORT_HEADINGS, TRANCHE_HEADINGS
from ..workflows.system.dates import utc_now
from .award_dialogs import ActionDialog, ScheduleDialog, date_edit
from .date_fields import pydate
from .operations import Refused, confirm, perform, read

OVERDUE_BACKGROUND = QColor("#fde2e1")
OVERDUE_TEXT = QColor("#8a1c12")
DONE_TEXT = QColor("#5f6b5f")


# -- the award screen ---------------------------------------------------------------------------


def _table(headings: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headings))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headings) - 1, QHeaderView.ResizeMode.Stretch)
    table.setSortingEnabled(False)
    return table


def _fill_row(table: QTableWidget, row: int, texts: list[str], status: str, tip: str = "") -> None:
    right = {1, 2} if table.objectName() == "tranches" else set()
    for col, text in enumerate(texts):
        item = QTableWidgetItem(text)
        if col in right:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if status == "overdue":
            item.setBackground(OVERDUE_BACKGROUND)
            item.setForeground(OVERDUE_TEXT)
            if col == len(texts) - 1:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
        elif status in ("paid", "cancelled", "accepted"):
            item.setForeground(DONE_TEXT)
        if tip:
            item.setToolTip(tip)
        table.setItem(row, col, item)


class AwardScreen(QWidget):
    """One award: header, tranche table and milestones, with the actions that change them."""

    def __init__(
        self,
        db: Database,
        award_id: int,
        *,
        actor: Actor | None,
        today: date,
        on_changed: Callable[[], None] | None = None,
        on_open_application: Callable[[int], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_open_application = on_open_application
        self.db = db
        self.award_id = award_id
        self.actor = actor
        self.today = today
        self._on_changed = on_changed
        self.detail: at.AwardDetail | None = None
        self.dialog: QDialog | None = None
        self.setObjectName("awardScreen")
        self.resize(900, 640)

        self.heading = QLabel("")
        self.heading.setObjectName("heading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.sign_button = QPushButton("Agreement signed…")
        self.sign_button.setToolTip("Record the day the grant agreement was signed")
        self.close_button = QPushButton("Close grant…")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setShortcut(QKeySequence("F5"))
        self.refresh_button.setToolTip("Read the award again (F5)")
        self.application_button = QPushButton("Open application")
        self.application_button.setToolTip("The application's screen, with its history")
        self.application_button.setVisible(on_open_application is not None)
        top_buttons = QHBoxLayout()
        top_buttons.addStretch(1)
        for button in (
            self.application_button,
            self.sign_button,
            self.close_button,
            self.refresh_button,
        ):
            top_buttons.addWidget(button)

        self.tranches = _table(TRANCHE_HEADINGS, "tranches")
        self.pay_button = QPushButton("Record &payment…")
        self.cancel_button = QPushButton("Cancel &tranche…")
        self.schedule_button = QPushButton("Edit &schedule…")
        tranche_buttons = QHBoxLayout()
        for button in (self.pay_button, self.cancel_button, self.schedule_button):
            tranche_buttons.addWidget(button)
        tranche_buttons.addStretch(1)
        self.paid_label = QLabel("")
        self.paid_label.setObjectName("paid")
        tranche_buttons.addWidget(self.paid_label)
        tranche_box = QGroupBox("Payment tranches")
        tranche_layout = QVBoxLayout(tranche_box)
        tranche_layout.addWidget(self.tranches)
        tranche_layout.addLayout(tranche_buttons)

        self.reports = _table(REPORT_HEADINGS, "reports")
        self.received_button = QPushButton("Record &received…")
        self.accept_button = QPushButton("&Accept report…")
        report_buttons = QHBoxLayout()
        report_buttons.addWidget(self.received_button)
        report_buttons.addWidget(self.accept_button)
        report_buttons.addStretch(1)
        report_box = QGroupBox("Reporting milestones")
        report_layout = QVBoxLayout(report_box)
        report_layout.addWidget(self.reports)
        report_layout.addLayout(report_buttons)

        self.close_note = QLabel("")
        self.close_note.setObjectName("closeNote")
        self.close_note.setWordWrap(True)

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.summary)
        header.addLayout(titles, 1)
        header.addLayout(top_buttons)
        layout.addLayout(header)
        layout.addWidget(tranche_box, 3)
        layout.addWidget(report_box, 2)
        layout.addWidget(self.close_note)

        self.pay_button.clicked.connect(self.record_payment)
        self.cancel_button.clicked.connect(self.cancel_tranche)
        self.schedule_button.clicked.connect(self.edit_schedule)
        self.received_button.clicked.connect(self.record_received)
        self.accept_button.clicked.connect(self.accept_report)
        self.sign_button.clicked.connect(self.record_signature)
        self.close_button.clicked.connect(self.close_grant)
        self.refresh_button.clicked.connect(self.reload)
        self.application_button.clicked.connect(self.open_application)
        self.tranches.itemSelectionChanged.connect(self._update_buttons)
        self.reports.itemSelectionChanged.connect(self._update_buttons)
        self.tranches.doubleClicked.connect(lambda _i: self.record_payment())
        QShortcut(QKeySequence("Escape"), self, self.close)
        self.reload()

    # -- showing ------------------------------------------------------------------------------
    def record_changed_elsewhere(self, _change: object) -> None:
        """Another workstation changed this award: show it as it is now (edits happen in
        dialogs, so nothing typed here can be lost)."""
        if self.dialog is None or not self.dialog.isVisible():
            self.reload()

    def reload(self) -> None:
        """Read the award again and show it, keeping the selected rows."""
        tranche_row = self.tranches.currentRow()
        report_row = self.reports.currentRow()
        # The one read of this screen, which `usrg awards show` prints too.
        shown = read(self.db, screens.award_screen, self.award_id, self.today)
        d = self.detail = shown.detail
        self.setWindowTitle(f"{d.number} — {d.reference}")
        self.heading.setText(shown.heading)
        self.summary.setText(shown.summary)
        self.tranches.setRowCount(len(d.tranches))
        for row, (t, texts) in enumerate(zip(d.tranches, shown.tranche_rows, strict=True)):
            _fill_row(self.tranches, row, list(texts), t.status, t.cancelled_reason)
        self.reports.setRowCount(len(d.milestones))
        for row, (m, texts) in enumerate(zip(d.milestones, shown.report_rows, strict=True)):
            _fill_row(self.reports, row, list(texts), m.status, m.note)
        self.paid_label.setText(shown.paid_line)
        self.close_note.setText(shown.close_note)
        if tranche_row < 0:  # first showing: the first tranche still to settle
            tranche_row = next(
                (n for n, t in enumerate(d.tranches) if t.status in ("due", "overdue")), -1
            )
        if 0 <= tranche_row < self.tranches.rowCount():
            self.tranches.selectRow(tranche_row)
        if report_row < 0:  # first showing: the first report still to come in or accept
            report_row = next((n for n, m in enumerate(d.milestones) if m.accepted_on is None), -1)
        if 0 <= report_row < self.reports.rowCount():
            self.reports.selectRow(report_row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        d = self.detail
        if d is None:
            return
        tranche = self.current_tranche()
        report = self.current_report()
        open_award = d.closed_on is None
        unpaid = open_award and tranche is not None and tranche.status in ("due", "overdue")
        waiting = ""
        if unpaid and tranche is not None:
            waiting = at.not_payable_yet(
                tranche.trigger,
                d.agreement_signed_on is not None,
                {m.kind: m.accepted_on is not None for m in d.milestones},
            )
        # Refused before the form is filled in, not after: the button says what is awaited.
        self.pay_button.setEnabled(unpaid and not waiting)
        self.pay_button.setToolTip(
            f"{tranche.label} {waiting}." if waiting and tranche is not None
            else "Record that the selected tranche was paid"
        )  # fmt: skip
        self.cancel_button.setEnabled(unpaid)
        self.schedule_button.setEnabled(d.schedule_editable)
        self.schedule_button.setToolTip(
            "Change the tranches (percent or amount, due dates)"
            if d.schedule_editable
            else "The schedule is fixed once a tranche is paid."
        )
        self.received_button.setEnabled(
            open_award and report is not None and report.received_on is None
        )
        self.accept_button.setEnabled(
            open_award and report is not None and report.status == "received"
        )
        self.sign_button.setEnabled(d.state == "awarded")
        self.close_button.setEnabled(d.state == "active" and not d.close_problems)
        self.close_button.setToolTip(
            "; ".join(d.close_problems) if d.close_problems else "Close the grant"
        )

    def current_tranche(self) -> at.TrancheRow | None:
        """The tranche of the selected row."""
        row = self.tranches.currentRow()
        if self.detail is None or not 0 <= row < len(self.detail.tranches):
            return None
        return self.detail.tranches[row]

    def current_report(self) -> at.MilestoneRow | None:
        """The reporting milestone of the selected row."""
        row = self.reports.currentRow()
        if self.detail is None or not 0 <= row < len(self.detail.milestones):
            return None
        return self.detail.milestones[row]

    def _changed(self) -> None:
        self.reload()
        if self._on_changed is not None:
            self._on_changed()

    def _run(self, dialog: ActionDialog, action: Callable[..., Any], **kwargs: Any) -> bool:
        """Run a workflow for a dialog: a refusal is shown in the dialog, which stays open."""
        if self.actor is None:
            dialog.show_error("Sign in to change awards.")
            return False
        try:
            perform(self, self.db, action, actor=self.actor, now=utc_now(), quiet=True, **kwargs)
        except Refused as refused:
            dialog.show_error(str(refused))
            return False
        self._changed()
        return True

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- actions ------------------------------------------------------------------------------
    def open_application(self) -> None:
        """Show the application this award belongs to."""
        if self.detail is None or self._on_open_application is None:
            return
        try:
            self._on_open_application(self.detail.application_id)
        except (ImportError, AttributeError):
            self.application_button.setEnabled(False)
            self.application_button.setToolTip("The application screen is not available.")

    def record_payment(self) -> QDialog | None:
        """Ask for the day and reference of a payment of the selected tranche."""
        tranche = self.current_tranche()
        if tranche is None or not self.pay_button.isEnabled():
            return None
        dialog = ActionDialog(self, f"Record payment — {tranche.label}")
        dialog.add_text(
            f"{tranche.label}: {format_zar(tranche.amount_cents)}, due {tranche.due_on}."
        )
        paid_on = dialog.add_field(
            "Paid &on:",
            date_edit(self.today, latest=self.today, earliest=self.detail.awarded_on),
            "paidOn",
        )
        reference = dialog.add_field("Payment &reference:", QLineEdit(), "reference")
        reference.setPlaceholderText("EFT or voucher number")
        dialog.accept_with(
            lambda: self._run(
                dialog,
                at.record_tranche_payment,
                tranche_id=tranche.id,
                paid_on=pydate(paid_on.date()),
                reference=reference.text(),
            )
        )
        return self._open(dialog)

    def cancel_tranche(self) -> QDialog | None:
        """Ask for the reason to cancel the selected tranche."""
        tranche = self.current_tranche()
        if tranche is None or not self.cancel_button.isEnabled():
            return None
        dialog = ActionDialog(self, f"Cancel — {tranche.label}", ok_text="Cancel tranche")
        dialog.add_text(
            f"{tranche.label} ({format_zar(tranche.amount_cents)}) will not be paid. "
            "This cannot be undone."
        )
        reason = dialog.add_field("&Reason:", QPlainTextEdit(), "reason")
        reason.setFixedHeight(80)
        dialog.accept_with(
            lambda: self._run(
                dialog, at.cancel_tranche, tranche_id=tranche.id, reason=reason.toPlainText()
            )
        )
        return self._open(dialog)

    def record_received(self) -> QDialog | None:
        """Ask for the day the selected report came in."""
        report = self.current_report()
        if report is None or not self.received_button.isEnabled():
            return None
        dialog = ActionDialog(self, f"{report.label} received")
        day = dialog.add_field("&Received on:", date_edit(self.today, latest=self.today), "day")
        dialog.accept_with(
            lambda: self._run(
                dialog,
                at.record_report_received,
                milestone_id=report.id,
                received_on=pydate(day.date()),
            )
        )
        return self._open(dialog)

    def accept_report(self) -> QDialog | None:
        """Ask for the day the selected report was accepted, and a note."""
        report = self.current_report()
        if report is None or not self.accept_button.isEnabled():
            return None
        dialog = ActionDialog(self, f"Accept {report.label.lower()}")
        day = dialog.add_field("&Accepted on:", date_edit(self.today, latest=self.today), "day")
        note = dialog.add_field("&Note:", QLineEdit(report.note), "note")
        dialog.accept_with(
            lambda: self._run(
                dialog,
                at.accept_report,
                milestone_id=report.id,
                accepted_on=pydate(day.date()),
                note=note.text(),
            )
        )
        return self._open(dialog)

    def record_signature(self) -> QDialog | None:
        """Ask for the day the grant agreement was signed (the grant becomes active)."""
        if self.detail is None or not self.sign_button.isEnabled():
            return None
        dialog = ActionDialog(self, "Agreement signed")
        day = dialog.add_field("&Signed on:", date_edit(self.today, latest=self.today), "day")
        dialog.accept_with(
            lambda: self._run(
                dialog,
                at.record_agreement_signed,
                award_id=self.award_id,
                signed_on=pydate(day.date()),
            )
        )
        return self._open(dialog)

    def close_grant(self) -> None:
        """Close the grant after asking (it cannot be re-opened)."""
        d = self.detail
        if d is None or not self.close_button.isEnabled() or self.actor is None:
            return
        if not confirm(
            self,
            "Close grant",
            f"Close {d.number} ({d.reference})? A closed grant takes no more payments or reports.",
            yes="Close grant",
        ):
            return
        done, _ = perform(
            self, self.db, at.close_award, award_id=self.award_id, actor=self.actor, now=utc_now()
        )
        if done:
            self._changed()

    def edit_schedule(self) -> QDialog | None:
        """Open the schedule editor (while nothing is paid)."""
        d = self.detail
        if d is None or not d.schedule_editable:
            return None
        dialog = ScheduleDialog(self, d)
        seen = [d.version]

        def save() -> bool:
            if self.actor is None:
                dialog.show_error("Sign in to change awards.")
                return False
            try:
                perform(
                    self,
                    self.db,
                    at.set_tranche_schedule,
                    quiet=True,
                    award_id=self.award_id,
                    tranches=dialog.rows(),
                    actor=self.actor,
                    now=utc_now(),
                    seen_version=seen[0],
                )
            except Refused as refused:
                message = str(refused)
                if refused.conflict is not None:
                    # The rows typed here stay; the next Save replaces theirs on purpose.
                    seen[0] = read(self.db, at.award_detail, self.award_id, self.today).version
                    message += " Save again to replace their schedule with yours."
                dialog.show_error(message)
                return False
            self._changed()
            return True

        dialog.accept_with(save)
        return self._open(dialog)
