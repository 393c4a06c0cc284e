"""The Meetings list's actions and the meeting screen: header, status buttons, calendar file, tabs.

The screen shows one meeting's header (number, quarter, host, dates, venue, status), its
status buttons (Confirm, Mark held, Move…, Cancel…), the Details tab
(`views/meeting_details_tab.py`) and then the tabs registered in `views/meeting_tabs.py`,
each built when first shown. The Cancel and Move dialogs are in
`views/meeting_status_dialogs.py`; this module still offers their names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.meetings import MeetingStatus as MS
from ..storage import Database, StorageError
from ..workflows import WorkflowError
from ..workflows.meetings import meeting_plans as mp
from ..workflows.meetings.calendar import meeting_ics, meeting_ics_file_name
from ..workflows.system.dates import utc_now
from .meeting_details_tab import DetailsTab
from .meeting_status_dialogs import CancelDialog, move_dialog
from .operations import perform, read
from .push_buttons import push_button
from .unsaved import install_guard

STATUS_COLOURS = {
    MS.PLANNED.value: "#8a5a00",
    MS.CONFIRMED.value: "#1d6b2f",
    MS.HELD.value: "#41525d",
    MS.CANCELLED.value: "#b00020",
}


# -- the list -------------------------------------------------------------------------------------
def setup_meetings_page(window: Any, page: Any) -> None:
    """Open a meeting on double-click or Enter; Open and Calendar file… buttons."""
    page.item_activated.connect(lambda meeting_id: open_meeting(window, meeting_id))

    def open_current() -> None:
        meeting_id = page.current_id()
        if meeting_id is not None:
            open_meeting(window, meeting_id)

    def export_current() -> None:
        meeting_id = page.current_id()
        if meeting_id is None:
            window.statusBar().showMessage("Select a meeting to export its calendar file.", 10_000)
            return
        export_calendar(window, window.db, meeting_id)

    page.add_action("Open", open_current, shortcut="Ctrl+O", tip="Open the selected meeting")
    page.add_action(
        "Calendar file…",
        export_current,
        shortcut="Ctrl+Shift+I",
        tip="Save the selected meeting's calendar file (.ics) to send with the invitation",
    )


def open_meeting(window: Any, meeting_id: int) -> QWidget:
    """Show the meeting's screen (its own window, one per meeting)."""
    return window.open_window(("meeting", meeting_id), lambda: MeetingScreen(window, meeting_id))


def export_calendar(
    parent: QWidget, db: Database, meeting_id: int, path: str | Path | None = None
) -> Path | None:
    """Write the meeting's .ics file, asking where unless `path` is given; the path written."""
    try:
        name, data = read(
            db,
            lambda s: (
                meeting_ics_file_name(s, meeting_id),
                meeting_ics(s, meeting_id, now=utc_now()),
            ),
        )
    except (WorkflowError, StorageError) as exc:
        QMessageBox.warning(parent, "Calendar file", str(exc))
        return None
    if path is None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _filter = QFileDialog.getSaveFileName(
            parent, "Save the calendar file", str(Path(folder) / name), "iCalendar (*.ics)"
        )
        if not chosen:
            return None
        path = chosen if chosen.lower().endswith(".ics") else chosen + ".ics"
    target = Path(path)
    try:
        target.write_bytes(data)
    except OSError as exc:
        QMessageBox.warning(
            parent,
            "Calendar file",
            f"The calendar file {target} could not be written: {exc.strerror or exc}.",
        )
        return None
    status = getattr(parent, "statusBar", None)
    if callable(status):
        status().showMessage(f"Calendar file saved: {target}", 10_000)
    return target


# -- the screen -----------------------------------------------------------------------------------
class MeetingScreen(QWidget):
    """One meeting: header, status buttons, Details tab and the registered tabs."""

    def __init__(self, window: Any, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingScreen")
        self.window_ = window
        self.db: Database = window.db
        self.meeting_id = meeting_id
        self.meeting: mp.MeetingDetails | None = None
        self.dialog: QDialog | None = None
        self.last_export: Path | None = None
        self.resize(980, 720)

        self.title = QLabel("")
        self.title.setObjectName("meetingTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.status_label = QLabel("")
        self.status_label.setObjectName("meetingStatus")
        self.status_label.setWordWrap(True)
        self.host_label = QLabel("")
        self.dates_label = QLabel("")
        self.venue_label = QLabel("")
        for label in (self.host_label, self.dates_label, self.venue_label, self.status_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts = QGridLayout()
        for row, (caption, label) in enumerate(
            (
                ("Host city:", self.host_label),
                ("Dates:", self.dates_label),
                ("Venue:", self.venue_label),
                ("Status:", self.status_label),
            )
        ):
            facts.addWidget(QLabel(caption), row, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(label, row, 1)
        facts.setColumnStretch(1, 1)

        self.confirm_button = push_button(
            "&Confirm", "confirmMeeting", "Host, dates and venue are agreed"
        )
        self.held_button = push_button("Mark &held", "markHeld")
        self.move_button = push_button(
            "Mo&ve…", "moveMeeting", "Move the meeting to other days of its quarter"
        )
        self.cancel_button = push_button("Cancel &meeting…", "cancelMeeting")
        self.calendar_button = push_button(
            "Calendar &file…", "calendarFile", "Save the meeting's calendar file (.ics)"
        )
        buttons = QHBoxLayout()
        for button in (
            self.confirm_button,
            self.held_button,
            self.move_button,
            self.cancel_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.calendar_button)

        self.details = DetailsTab(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingTabs")
        self.tabs.addTab(self.details, "&Details")
        self.tab_errors: list[str] = []
        self._add_registered_tabs()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(facts)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)

        self.confirm_button.clicked.connect(self.confirm_meeting)
        self.held_button.clicked.connect(self.mark_held)
        self.cancel_button.clicked.connect(self.cancel_meeting)
        self.move_button.clicked.connect(self.move_meeting)
        self.calendar_button.clicked.connect(self.export_calendar)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        # Closing with details or minutes not saved asks Save / Discard / Cancel.
        self.guard = install_guard(self, self.editors, self._record_name)
        self.reload()

    def _record_name(self) -> str:
        return f"Meeting {self.meeting.number}" if self.meeting is not None else "The meeting"

    def editors(self) -> list[Any]:
        """The screen's editors: the details, and the minutes once their tab was built."""
        found: list[Any] = [self.details]
        for index in range(self.tabs.count()):
            if index in self._pending:
                continue  # never shown, so nothing typed there
            holder = self.tabs.widget(index)
            layout = holder.layout() if holder is not None else None
            widget = layout.itemAt(0).widget() if layout is not None and layout.count() else None
            if widget is not None and hasattr(widget, "has_unsaved_minutes"):
                found.append(_MinutesEdits(widget))
            elif widget is not None and hasattr(widget, "has_unsaved_changes"):
                found.append(widget)
        return found

    def _add_registered_tabs(self) -> None:
        from .meeting_tabs import MEETING_TABS

        # Each tab is built the first time it is shown, so the screen opens at once.
        self._pending: dict[int, tuple[str, str]] = {}
        for title, target in MEETING_TABS:
            holder = QWidget()
            holder.setObjectName(f"tab_{''.join(ch for ch in title if ch.isalnum())}")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._pending[self.tabs.addTab(holder, title)] = (title, target)
        self.tabs.currentChanged.connect(self._build_tab)

    def _build_tab(self, index: int) -> QWidget | None:
        """Build a registered tab's widget into its place (once)."""
        entry = self._pending.pop(index, None)
        if entry is None:
            return None
        title, target = entry
        try:
            widget = target(self.window_, self.meeting_id)
        except (ImportError, AttributeError, WorkflowError, StorageError) as exc:
            # One broken tab must not keep the meeting from opening: say so in its place.
            self.tab_errors.append(f"{title}: {exc}")
            widget = QLabel(f"The {title.lower()} tab could not be shown: {exc}")
            widget.setWordWrap(True)
        self.tabs.widget(index).layout().addWidget(widget)
        return widget

    def tab_widget(self, title: str) -> QWidget | None:
        """The widget of a registered tab by its title (built if it was never shown)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index).replace("&", "") == title:
                self._build_tab(index)
                holder = self.tabs.widget(index)
                layout = holder.layout()
                if layout is None or layout.count() == 0:
                    return holder
                return layout.itemAt(0).widget()
        return None

    # -- showing --------------------------------------------------------------------------------
    def latest_details(self) -> mp.MeetingDetails | None:
        """The meeting as it is in the database now (None when it cannot be read)."""
        try:
            return read(self.db, mp.meeting_details, meeting_id=self.meeting_id)
        except (WorkflowError, StorageError):
            return None

    def record_changed_elsewhere(self, change: Any) -> None:
        """Another workstation changed this meeting: show it as it is now, except for details
        being edited here, which are kept (saving them then overwrites on purpose)."""
        if self.details.has_unsaved_changes():
            self.reload(keep_details=True)
            self.details.saved_label.setText(
                f"{change.actor_name} changed this meeting at {change.when}. Your unsaved "
                "details are kept; saving them asks before replacing theirs."
            )
        else:
            self.reload()
        self._tell_tabs(change)

    def _tell_tabs(self, change: Any) -> None:
        """The agenda, attendance and minutes tabs already built show the meeting as it is now;
        a tab with unsaved typing handles the news itself (`record_changed_elsewhere`)."""
        for index in range(self.tabs.count()):
            if index in self._pending:
                continue  # never shown: it reads the meeting fresh when first opened
            layout = self.tabs.widget(index).layout()
            if layout is None or layout.count() == 0:
                continue
            widget = layout.itemAt(0).widget()
            handler = getattr(widget, "record_changed_elsewhere", None)
            if callable(handler):
                handler(change)
            elif callable(getattr(widget, "reload", None)):
                widget.reload()

    def reload(self, *, keep_details: bool = False) -> None:
        """Read the meeting again and show it (the details form too, unless kept)."""
        try:
            m = read(self.db, mp.meeting_details, meeting_id=self.meeting_id)
        except (WorkflowError, StorageError) as exc:
            self.title.setText("Meeting not found")
            self.status_label.setText(str(exc))
            for button in (
                self.confirm_button,
                self.held_button,
                self.move_button,
                self.cancel_button,
            ):
                button.setEnabled(False)
            return
        self.meeting = m
        self.setWindowTitle(f"Meeting {m.number} — {m.quarter.label}, {m.host}")
        self.title.setText(m.heading)
        for (_caption, text), label in zip(
            m.facts,
            (self.host_label, self.dates_label, self.venue_label, self.status_label),
            strict=True,
        ):
            label.setText(text)
        self.status_label.setStyleSheet(
            f"color: {STATUS_COLOURS.get(m.status, 'palette(text)')}; font-weight: bold;"
        )
        self.confirm_button.setEnabled(m.status == MS.PLANNED.value)
        self.held_button.setEnabled(m.status == MS.CONFIRMED.value)
        self.cancel_button.setEnabled(m.status in (MS.PLANNED.value, MS.CONFIRMED.value))
        self.move_button.setEnabled(m.status in (MS.PLANNED.value, MS.CONFIRMED.value))
        if not keep_details:
            self.details.show_meeting(m)

    # -- actions --------------------------------------------------------------------------------
    def _actor(self) -> Any:
        if self.window_.actor is None:
            QMessageBox.warning(self, "Not signed in", "Sign in to change meetings.")
        return self.window_.actor

    def _changed(self) -> None:
        # The details being typed stay through the screen's own changes (confirm, move...);
        # they were made here, so saving the details afterwards is no conflict.
        keep = self.details.has_unsaved_changes()
        self.reload(keep_details=keep)
        if keep and self.meeting is not None:
            self.details.seen_version = self.meeting.version
        self.window_.changes_made()

    def _move(self, action: Any, **kwargs: Any) -> bool:
        actor = self._actor()
        if actor is None:
            return False
        done, _ = perform(
            self,
            self.db,
            action,
            title="Not done",
            meeting_id=self.meeting_id,
            actor=actor,
            now=utc_now(),
            **kwargs,
        )
        if done:
            self._changed()
        return done

    def confirm_meeting(self) -> bool:
        """Planned → confirmed."""
        return self._move(mp.confirm_meeting)

    def mark_held(self) -> bool:
        """Confirmed → held."""
        return self._move(mp.mark_meeting_held)

    def cancel_meeting(self) -> QDialog | None:
        """Ask for the reason, confirm, then cancel the meeting."""
        if self.meeting is None or not self.cancel_button.isEnabled():
            return None
        dialog = CancelDialog(self, self.meeting)
        self.dialog = dialog
        dialog.open()
        return dialog

    def move_meeting(self) -> QDialog | None:
        """Ask for the new days (checked as they change) and the reason, then move it."""
        if self.meeting is None or not self.move_button.isEnabled():
            return None
        dialog = move_dialog(self, self.meeting)
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_calendar(self, path: str | Path | None = None) -> Path | None:
        """Save the meeting's calendar file (asks where unless `path` is given)."""
        self.last_export = export_calendar(self, self.db, self.meeting_id, path)
        return self.last_export


class _MinutesEdits:
    """The minutes tab as an editor for the unsaved-changes question (the minutes being typed
    for the agenda item shown)."""

    def __init__(self, panel: Any) -> None:
        self.panel = panel

    def unsaved_what(self) -> str:
        return "the minutes being typed"

    def has_unsaved_changes(self) -> bool:
        return bool(self.panel.has_unsaved_minutes())

    def discard_changes(self) -> None:
        # The panel saves what is typed when it is hidden; after Discard there is nothing.
        self.panel.text_edit.document().setModified(False)

    def save(self) -> bool:
        row = self.panel.items_list.currentRow()
        return bool(self.panel._save_row(row)) if row >= 0 else True
