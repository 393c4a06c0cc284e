"""The attendance panel: invitees grouped by city or body, RSVPs, attendance ticks and quorum.

Each tick or RSVP choice is one workflow call (workflows/meetings/attendance.py); a refused one
(say,
day 2 ticked before day 2) shows its sentence and the tick goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..counting import counted
from ..domain.meetings import Rsvp
from ..storage import StorageError
from ..workflows import WorkflowError
from ..workflows.directory.directory_people import person_choices
from ..workflows.meetings import attendance as wf
from ..workflows.system.dates import utc_now
from ..workflows.system.export import write_listing_file
from .list_page import EXPORT_FILTERS
from .operations import confirm, perform, read

if TYPE_CHECKING:
    from .main_window import MainWindow

MET_STYLE = "color: #1b5e20; font-weight: bold;"
NOT_MET_STYLE = "color: #b00020; font-weight: bold;"
_GROUP_KIND = {0: "Member cities", 1: "National and partner bodies", 2: "Others"}


class AttendancePanel(QWidget):
    """Who is invited to a meeting, their replies and attendance, and whether there is quorum."""

    COL_NAME, COL_RSVP, COL_NOTE, COL_DAY1, COL_DAY2, COL_VISIT = range(6)
    HEADERS = ("Invitee", "RSVP", "Apology note", "Day 1", "Day 2", "Exposure visit")
    PARTS = {COL_DAY1: "day1", COL_DAY2: "day2", COL_VISIT: "visit"}

    def __init__(self, window: MainWindow, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attendancePanel")
        self.main_window = window
        self._shown_once = False
        self.meeting_id = meeting_id
        self.invitees: list[wf.Invitee] = []
        # Widgets of each invitation row, by invitation id.
        self.rsvp_boxes: dict[int, QComboBox] = {}
        self.note_edits: dict[int, QLineEdit] = {}
        self.checks: dict[tuple[int, str], QCheckBox] = {}
        self.rows: dict[int, QTreeWidgetItem] = {}
        self.groups: dict[str, QTreeWidgetItem] = {}

        self.quorum_label = QLabel("")
        self.quorum_label.setObjectName("quorum")
        self.quorum_label.setWordWrap(True)
        self.counts_label = QLabel("")
        self.invite_button = QPushButton("&Invite focal persons and partner bodies")
        self.invite_button.setToolTip(
            "Invite every active focal person of the member cities and the national and partner "
            "bodies who is not invited yet"
        )
        self.person_combo = QComboBox()
        self.person_combo.setEditable(True)
        self.person_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person_combo.setMinimumWidth(280)
        self.person_combo.lineEdit().setPlaceholderText("Someone else from the directory…")
        self.person_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.person_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.add_person_button = QPushButton("Invite &person")
        self.remove_button = QPushButton("&Remove invitee")
        self.remove_button.setToolTip("Take the selected person off the invitation list")

        top = QHBoxLayout()
        top.addWidget(self.invite_button)
        top.addSpacing(12)
        top.addWidget(self.person_combo)
        top.addWidget(self.add_person_button)
        top.addStretch(1)
        top.addWidget(self.remove_button)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("Save the invitation list with RSVPs and attendance")
        top.addWidget(self.export_button)
        self.email_button = QPushButton("E-mail…")
        self.email_button.setObjectName("emailInvitations")
        self.email_button.setToolTip(
            "E-mail the invitations with the meeting's calendar file and agenda (as drafts, or "
            "sent when there is a mail server)"
        )
        self.email_button.clicked.connect(self.email_invitations)
        top.addWidget(self.email_button)

        self.tree = QTreeWidget()
        self.tree.setObjectName("invitees")
        self.tree.setAccessibleName("Invitees")
        self.tree.setColumnCount(len(self.HEADERS))
        self.tree.setHeaderLabels(list(self.HEADERS))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_NOTE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.quorum_label)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.counts_label)

        self.invite_button.clicked.connect(self.invite_focal_persons)
        self.add_person_button.clicked.connect(self.invite_selected_person)
        self.remove_button.clicked.connect(self.remove_selected)
        self.export_button.clicked.connect(self.export_with_dialog)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Read again when the tab comes back: another tab (say the day times) may have changed."""
        if self._shown_once:
            self.reload()
        self._shown_once = True
        super().showEvent(event)

    # -- reading --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read invitations and quorum again and show them."""
        db = self.main_window.db
        try:
            self.invitees = wf.invitees(db, self.meeting_id)
            quorum = read(db, wf.meeting_quorum, meeting_id=self.meeting_id)
            people = read(db, person_choices, place=True)
        except (WorkflowError, StorageError) as exc:
            self.main_window.show_error("The invitations could not be read", str(exc))
            return
        if set(self.rows) == {i.id for i in self.invitees} and self.rows:
            # The same people: update the widgets in place (the one clicked stays alive).
            self._update_tree()
        else:
            self._fill_tree()
        self._show_quorum(quorum)
        invited = {i.person_id for i in self.invitees}
        self.person_combo.clear()
        for pid, label in people:
            if pid not in invited:
                self.person_combo.addItem(label, int(pid))
        self.person_combo.setCurrentIndex(-1)
        self._update_buttons()

    def _fill_tree(self) -> None:
        current = self.current_invitation_id()
        self.tree.clear()
        self.rsvp_boxes.clear()
        self.note_edits.clear()
        self.checks.clear()
        self.rows.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for invitee in self.invitees:
            group = groups.get(invitee.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [invitee.group])
                group.setToolTip(0, _GROUP_KIND[invitee.group_kind])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(False)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[invitee.group] = group
            label = invitee.name + (f", {invitee.title}" if invitee.title else "")
            row = QTreeWidgetItem(group, [label])
            row.setData(0, Qt.ItemDataRole.UserRole, invitee.id)
            self.rows[invitee.id] = row
            self._row_widgets(row, invitee)
        self.groups = groups
        self._update_counts()
        self.tree.expandAll()
        self.tree.resizeColumnToContents(self.COL_NAME)
        if current is not None and current in self.rows:
            self.tree.setCurrentItem(self.rows[current])

    def _update_tree(self) -> None:
        for invitee in self.invitees:
            box = self.rsvp_boxes[invitee.id]
            box.blockSignals(True)
            box.setCurrentIndex(box.findData(invitee.rsvp))
            box.blockSignals(False)
            note = self.note_edits[invitee.id]
            if not note.hasFocus():
                _show_note(note, invitee.note)
            note.setEnabled(invitee.rsvp == Rsvp.APOLOGY.value)
            note.setFrame(invitee.rsvp == Rsvp.APOLOGY.value)
            note.setPlaceholderText("Apology note" if invitee.rsvp == Rsvp.APOLOGY.value else "")
            for part in self.PARTS.values():
                check = self.checks[(invitee.id, part)]
                check.blockSignals(True)
                check.setChecked(getattr(invitee, part))
                check.blockSignals(False)
        self._update_counts()

    def _update_counts(self) -> None:
        groups = self.groups
        for invitee in self.invitees:
            group = groups[invitee.group]
            members = [i for i in self.invitees if i.group == invitee.group]
            accepted = sum(i.rsvp == Rsvp.ACCEPTED.value for i in members)
            present = sum(i.day1 for i in members)
            group.setText(
                0,
                f"{invitee.group} — {len(members)} invited, {accepted} accepted, {present} present",
            )
        accepted = sum(i.rsvp == Rsvp.ACCEPTED.value for i in self.invitees)
        apologies = sum(i.rsvp == Rsvp.APOLOGY.value for i in self.invitees)
        self.counts_label.setText(
            f"{len(self.invitees)} invited: {accepted} accepted, {apologies} apologies, "
            f"{sum(i.day1 for i in self.invitees)} present on day 1, "
            f"{sum(i.day2 for i in self.invitees)} on day 2, "
            f"{sum(i.visit for i in self.invitees)} on the exposure visit"
        )

    def _row_widgets(self, row: QTreeWidgetItem, invitee: wf.Invitee) -> None:
        rsvp = QComboBox()
        for value in Rsvp:
            rsvp.addItem(value.value.capitalize(), value.value)
        rsvp.setCurrentIndex(rsvp.findData(invitee.rsvp))
        rsvp.setAccessibleName(f"RSVP of {invitee.name}")
        rsvp.activated.connect(lambda _n, i=invitee.id: self._on_rsvp(i))
        self.tree.setItemWidget(row, self.COL_RSVP, rsvp)
        self.rsvp_boxes[invitee.id] = rsvp
        note = QLineEdit()
        _show_note(note, invitee.note)
        note.setPlaceholderText("Apology note" if invitee.rsvp == Rsvp.APOLOGY.value else "")
        note.setEnabled(invitee.rsvp == Rsvp.APOLOGY.value)
        # Only an apology has a note: the box shows as a field only then.
        note.setFrame(invitee.rsvp == Rsvp.APOLOGY.value)
        note.editingFinished.connect(lambda i=invitee.id: self._on_note(i))
        # Typing done: show the start of the note again, the whole of it in the tip.
        note.editingFinished.connect(lambda e=note: _show_note(e, e.text()))
        self.tree.setItemWidget(row, self.COL_NOTE, note)
        self.note_edits[invitee.id] = note
        for column, part in self.PARTS.items():
            box = QCheckBox()
            box.setChecked(getattr(invitee, part))
            box.setAccessibleName(f"{invitee.name}: {self.HEADERS[column]}")
            box.clicked.connect(lambda checked, i=invitee.id, p=part: self._on_tick(i, p, checked))
            holder = QWidget()
            holder_layout = QHBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            holder_layout.addWidget(box, 0, Qt.AlignmentFlag.AlignCenter)
            self.tree.setItemWidget(row, column, holder)
            self.checks[(invitee.id, part)] = box

    def _show_quorum(self, quorum: wf.Quorum) -> None:
        self.quorum = quorum
        text = quorum.sentence()
        if quorum.missing and quorum.present:
            text += " Not represented: " + ", ".join(quorum.missing) + "."
        self.quorum_label.setText(text)
        self.quorum_label.setStyleSheet(MET_STYLE if quorum.met else NOT_MET_STYLE)

    def current_invitation_id(self) -> int | None:
        """The invitation of the selected row, or None (a group or nothing is selected)."""
        item = self.tree.currentItem()
        if item is None:
            return None
        value = item.data(0, Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def select_invitation(self, invitation_id: int) -> None:
        """Make this invitation's row the current one."""
        self.tree.setCurrentItem(self.rows[invitation_id])

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.current_invitation_id() is not None)

    # -- actions ---------------------------------------------------------------------------------
    def email_invitations(self) -> QWidget:
        """The E-mail… dialog set to this meeting's invitations."""
        from .mail_dialog import open_mail_dialog

        return open_mail_dialog(self.main_window, kind="invitation", meeting_id=self.meeting_id)

    def _run(self, action: Any, /, **kwargs: Any) -> bool:
        window = self.main_window
        done, _ = perform(self, window.db, action, actor=window.actor, now=utc_now(), **kwargs)
        return done

    def _on_rsvp(self, invitation_id: int) -> None:
        box = self.rsvp_boxes[invitation_id]
        value = box.currentData()
        note = self.note_edits[invitation_id].text()
        self._run(wf.record_rsvp, invitation_id=invitation_id, rsvp=value, note=note)
        self.reload()
        if value == Rsvp.APOLOGY.value and invitation_id in self.note_edits:
            self.note_edits[invitation_id].setFocus()

    def _on_note(self, invitation_id: int) -> None:
        invitee = next((i for i in self.invitees if i.id == invitation_id), None)
        edit = self.note_edits.get(invitation_id)
        if invitee is None or edit is None or edit.text().strip() == invitee.note:
            return
        self._run(wf.record_rsvp, invitation_id=invitation_id, rsvp=invitee.rsvp, note=edit.text())
        self.reload()

    def _on_tick(self, invitation_id: int, part: str, checked: bool) -> None:
        self._run(
            wf.record_attendance,
            invitation_id=invitation_id,
            part=part,
            attended=checked,
            today=self.main_window.today,
        )
        # Re-read: a refused tick goes back, and the quorum line follows a new one.
        self.reload()

    def invite_focal_persons(self) -> None:
        """Invite every focal person not yet invited, and say how many."""
        window = self.main_window
        done, added = perform(
            self,
            window.db,
            wf.invite_focal_persons,
            meeting_id=self.meeting_id,
            actor=window.actor,
            now=utc_now(),
        )
        if done:
            self.reload()
            window.statusBar().showMessage(
                f"{counted(added, 'focal person')} recorded as invited; nothing was sent: "
                "E-mail… sends the invitations."
                if added
                else "Every focal person is invited already.",
                15_000,
            )

    def invite_selected_person(self) -> None:
        """Invite the person chosen in the directory box."""
        person_id = self.person_combo.currentData()
        if person_id is None:
            return
        if self._run(wf.invite_person, meeting_id=self.meeting_id, person_id=int(person_id)):
            self.reload()

    def remove_selected(self) -> None:
        """Take the selected invitee off the list, after asking."""
        invitation_id = self.current_invitation_id()
        if invitation_id is None:
            return
        invitee = next(i for i in self.invitees if i.id == invitation_id)
        if not confirm(
            self,
            "Remove invitee",
            f"Take {invitee.name} ({invitee.group}) off the invitation list?",
            yes="Remove",
        ):
            return
        if self._run(wf.remove_invitation, invitation_id=invitation_id):
            self.reload()

    def export_to(self, path: str) -> int:
        """Write the invitation list (as on screen, grouped) to CSV or XLSX; rows written."""
        listing = wf.attendance_listing(self.main_window.db, self.meeting_id)
        return write_listing_file(path, listing.columns, listing.rows, title=listing.title)

    def export_with_dialog(self) -> None:
        """Ask for a file name and export the invitation list."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the attendance", "attendance.xlsx", EXPORT_FILTERS
        )
        if not path:
            return
        try:
            count = self.export_to(path)
        except (OSError, ValueError) as exc:
            self.main_window.show_error("The attendance could not be exported", str(exc))
            return
        self.main_window.statusBar().showMessage(f"{count} invitee(s) exported to {path}.", 10_000)


def _show_note(edit: QLineEdit, note: str) -> None:
    """Show an apology note from its start (a long one is cut at the right, not the left), the
    whole of it in the tip."""
    if edit.text() != note:
        edit.setText(note)
    edit.setCursorPosition(0)
    edit.setToolTip(note)
