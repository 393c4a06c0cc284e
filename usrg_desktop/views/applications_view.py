"""The Applications list's actions, the application form and the application screen.

The form captures or edits a draft with each mistake shown under its field; the screen shows
one application in tabs (details, budget, attachments, screening, history) with a button for
exactly each move out of its state, disabled ones saying why. Views hold ids and plain values;
every read and write is one workflow call in one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..money import format_zar, parse_zar
from ..storage import Database, StorageError
from ..workflows import WorkflowError
from ..workflows.grants import applications as wf
from ..workflows.grants import detail_screens as screens
from ..workflows.system.dates import utc_now
from .application_common import REASON_STYLE, actor_of, escape_html
from .application_form_view import ApplicationForm
from .application_tabs import AttachmentsTab, ReasonDialog, ScreeningTab
from .budget_lines_editor import BudgetLinesEditor
from .form_feedback import ERROR_STYLE
from .modal_dialogs import open_window_modal
from .operations import Refused, perform, read
from .unsaved import install_guard

__all__ = [
    "ApplicationForm",
    "ApplicationScreen",
    "AttachmentsTab",
    "BudgetLinesEditor",
    "ReasonDialog",
    "ScreeningTab",
    "open_application",
    "open_application_form",
    "open_new_application",
]


# The list's buttons and filters are in applications_page.py, which start-up imports.


def open_new_application(window: Any) -> QWidget:
    """Show the form for a new application (one at a time)."""
    return window.open_window(
        ("application-form", None), lambda: ApplicationForm(window, application_id=None)
    )


def open_application(window: Any, application_id: int) -> QWidget:
    """Show the screen of one application (brought to the front when already open)."""
    return window.open_window(
        ("application", application_id), lambda: ApplicationScreen(window, application_id)
    )


def open_application_form(window: Any, application_id: int) -> QWidget:
    """Show the form editing one application."""
    return window.open_window(
        ("application-form", application_id),
        lambda: ApplicationForm(window, application_id=application_id),
    )


class ApplicationScreen(QWidget):
    """One application: header, its moves as buttons, and tabs of details to history."""

    def __init__(self, window: Any, application_id: int) -> None:
        super().__init__()
        self.main_window = window
        self.db: Database = window.db
        self.actor = actor_of(window)
        self.application_id = application_id
        self.setObjectName("applicationScreen")
        # How a file is shown in the system's viewer (a test may watch the calls).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.details: wf.ApplicationDetails | None = None
        self.options: list[wf.ActionOption] = []
        self.dialog: ReasonDialog | None = None

        self.reference_label = QLabel("")
        self.reference_label.setObjectName("reference")
        font = QFont(self.reference_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.reference_label.setFont(font)
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label = QLabel("")
        self.title_label.setObjectName("title")
        self.title_label.setWordWrap(True)
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title_label.setFont(title_font)
        self.facts_label = QLabel("")
        self.facts_label.setObjectName("facts")
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)

        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("edit")
        self.edit_button.setToolTip("Edit the application (Ctrl+E)")
        self.edit_button.clicked.connect(self.edit)
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        self.unavailable_label = QLabel("")
        self.unavailable_label.setObjectName("unavailable")
        self.unavailable_label.setWordWrap(True)
        self.unavailable_label.setStyleSheet(REASON_STYLE)
        self.unavailable_label.setTextFormat(Qt.TextFormat.RichText)

        self.tabs = QTabWidget()
        self.details_view = QTextBrowser()
        self.details_view.setObjectName("details")
        self.details_view.setOpenLinks(False)
        self.budget_table = QTableWidget(0, 2)
        self.budget_table.setObjectName("budget")
        self.budget_table.setHorizontalHeaderLabels(["Description", "Amount"])
        self.budget_table.verticalHeader().setVisible(False)
        self.budget_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.budget_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.attachments_tab = AttachmentsTab(self)
        self.screening_tab = ScreeningTab(self)
        self.history_table = QTableWidget(0, 6)
        self.history_table.setObjectName("history")
        self.history_table.setHorizontalHeaderLabels(list(screens.HISTORY_HEADINGS))
        self.history_table.verticalHeader().setVisible(False)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setWordWrap(True)
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.details_view, "&Details")
        self.tabs.addTab(self.budget_table, "&Budget")
        self.tabs.addTab(self.attachments_tab, "&Attachments")
        self.tabs.addTab(self.screening_tab, "&Screening")
        self.tabs.addTab(self.history_table, "&History")

        header = QVBoxLayout()
        header.setSpacing(2)
        header.addWidget(self.reference_label)
        header.addWidget(self.title_label)
        header.addWidget(self.facts_label)
        buttons_row = QHBoxLayout()
        buttons_row.addLayout(self.actions_row)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addLayout(header)
        layout.addLayout(buttons_row)
        layout.addWidget(self.tabs, 1)
        # Why a move is not offered changes with every tick of the checklist: it goes below the
        # tabs, so its lines coming and going never move the checkboxes under the pointer.
        layout.addWidget(self.unavailable_label)
        QShortcut(QKeySequence("Ctrl+E"), self, self.edit)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        self.resize(980, 720)
        # Closing with a screening note typed and not saved asks Save / Discard / Cancel.
        self.guard = install_guard(
            self,
            lambda: [self.screening_tab],
            lambda: self.details.label if self.details is not None else "The application",
        )
        self.refresh()

    @property
    def may_change(self) -> bool:
        """Whether the signed-in user may change applications at all (staff)."""
        return self.actor.role in wf.STAFF

    # -- reading ----------------------------------------------------------------------------
    def record_changed_elsewhere(self, _change: object) -> None:
        """Another workstation changed this application: show it as it is now (this screen
        holds no typing of its own; the edit form is a window of its own)."""
        self.refresh()

    def refresh(self) -> None:
        """Read the application again and show it (after every change).

        In the program the read runs on the window's worker thread (views/worker.py) and the
        screen shows it when it comes, so the window paints meanwhile; where the window has no
        worker (the tests), at once."""

        def job() -> screens.ApplicationScreen:
            # The one read of this screen, which `usrg applications show` prints too.
            return read(self.db, screens.application_screen, self.application_id, actor=self.actor)

        worker = getattr(self.main_window, "worker", None)
        if worker is None:
            try:
                shown = job()
            except (WorkflowError, StorageError) as exc:
                self._show_problem(exc)
                return
            self._show(shown)
            return
        worker.submit(job, self._show, on_error=self._show_problem, owner=self)

    def _show_problem(self, exc: Exception) -> None:
        self.facts_label.setText(f"<span style='{ERROR_STYLE}'>{exc}</span>")

    def _show(self, shown: screens.ApplicationScreen) -> None:
        """Show what the screen's read returned."""
        details, options = shown.details, shown.actions
        attachments, checks = shown.attachments, shown.checks
        self.shown = shown
        self.details, self.options = details, options
        self.setWindowTitle(f"{details.label} — {details.title}")
        self.reference_label.setText(shown.heading)
        self.title_label.setText(details.title)
        self.facts_label.setText(shown.facts_html)
        self._show_actions(options)
        self.edit_button.setEnabled(details.editable and self.may_change)
        self.edit_button.setToolTip(
            "Edit the application (Ctrl+E)"
            if details.editable
            else "Only drafts and submitted applications not yet in screening can be edited."
        )
        self._show_details(shown)
        self._show_budget(shown)
        self.attachments_tab.show_rows(attachments)
        self.screening_tab.show_items(checks, details.state)
        self._show_history(shown)
        self.tabs.setTabText(2, f"&Attachments ({len(attachments)})")
        ticked = sum(1 for c in checks if c.passed)
        self.tabs.setTabText(3, f"&Screening ({ticked}/{len(checks)})")

    def _show_actions(self, options: list[wf.ActionOption]) -> None:
        while self.actions_row.count():
            widget = self.actions_row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        why: list[str] = []
        for option in options:
            text = option.label + ("…" if option.needs_reason or option.action == "approve" else "")
            button = QPushButton(text)
            button.setObjectName(f"move_{option.action}")
            button.setEnabled(option.enabled)
            button.setToolTip(
                f"Move to {option.target.replace('_', ' ')}"
                if option.enabled
                else option.reason_if_disabled
            )
            button.clicked.connect(lambda _c=False, o=option: self.move(o.action))
            self.actions_row.addWidget(button)
            # Shown now, not when the layout gets round to it: the next click may be at once.
            button.setVisible(True)
            self.buttons[option.action] = button
            if not option.enabled:
                why.append(
                    f"<b>{escape_html(option.label)}:</b> {escape_html(option.reason_if_disabled)}"
                )
        if not options:
            why.append("No moves are left for an application in this state.")
        self.unavailable_label.setText("<br>".join(why))
        self.unavailable_label.setVisible(bool(why))

    def _show_details(self, shown: screens.ApplicationScreen) -> None:
        self.details_view.setHtml(
            "".join(
                f"<h4 style='margin-bottom:2px'>{escape_html(caption)}</h4>"
                f"<p style='margin-top:0'>{escape_html(text).replace(chr(10), '<br>')}</p>"
                for caption, text in shown.sections
            )
        )

    def _show_budget(self, shown: screens.ApplicationScreen) -> None:
        rows = shown.budget_rows
        self.budget_table.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        bold = QFont(self.budget_table.font())
        bold.setBold(True)
        for n, (description, amount) in enumerate(rows):
            label, money = QTableWidgetItem(description), QTableWidgetItem(amount)
            money.setTextAlignment(right)
            if n == len(rows) - 1:  # the total
                label.setFont(bold)
                money.setFont(bold)
            self.budget_table.setItem(n, 0, label)
            self.budget_table.setItem(n, 1, money)
        self.budget_table.resizeColumnToContents(1)

    def _show_history(self, shown: screens.ApplicationScreen) -> None:
        rows = shown.history_rows
        self.history_table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            for col, text in enumerate(row):
                item = QTableWidgetItem(text)
                if col == 5 and text:
                    item.setToolTip(text)
                self.history_table.setItem(n, col, item)
        self.history_table.resizeColumnsToContents()
        self.history_table.horizontalHeader().setStretchLastSection(True)

    # -- changing ---------------------------------------------------------------------------
    def edit(self) -> QWidget | None:
        """Open the form on this application (drafts and submitted ones only)."""
        if self.details is None or not self.details.editable or not self.may_change:
            return None
        return open_application_form(self.main_window, self.application_id)

    def move(self, action: str) -> bool | ReasonDialog:
        """Make one move; asks for a reason (or an amount) first when the move needs one.

        Returns whether the move was made, or the dialog when one was opened.
        """
        option = next((o for o in self.options if o.action == action), None)
        if option is None or self.details is None:
            return False
        transition = wf.TRANSITIONS[action]
        name = self.details.reference or f"'{self.details.title}'"
        if action == "sign_agreement":
            # The day of signature belongs to the award: ask for it there, not a dead end here.
            return self.sign_on_the_award()
        if action == "approve":
            proposed = min(self.details.requested_cents, self.details.round_cap_cents)
            dialog = ReasonDialog(
                self,
                "Approve",
                f"Approve {name} for how much? The request is "
                f"{format_zar(self.details.requested_cents)}.",
                amount_cents=proposed,
                reason_required=False,
            )
            dialog.on_ok = self._approve_from
            return self._open(dialog)
        if transition.needs_reason:
            dialog = ReasonDialog(
                self,
                transition.label,
                f"{transition.label} {name}: say why (it goes in the history"
                + (" and the letter)." if action in ("decline", "mark_ineligible") else ")."),
                feedback=action == "decline",
            )
            if action == "decline":
                dialog.on_ok = lambda d: self._run(
                    "decline",
                    quiet=True,
                    reason=d.reason,
                    feedback=d.feedback_edit.toPlainText().strip() if d.feedback_edit else "",
                )
            else:
                dialog.on_ok = lambda d, a=action: self._run(a, quiet=True, reason=d.reason)
            return self._open(dialog)
        return self._run(action) is None

    def _open(self, dialog: ReasonDialog) -> ReasonDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        open_window_modal(dialog)
        (dialog.amount_edit or dialog.reason_edit).setFocus()
        return dialog

    def _approve_from(self, dialog: ReasonDialog) -> str | None:
        assert dialog.amount_edit is not None and dialog.conditions_edit is not None
        try:
            cents = parse_zar(dialog.amount_edit.text())
        except ValueError as exc:
            return f"Amount: {exc}."
        return self._run(
            "approve",
            quiet=True,
            amount_cents=cents,
            conditions=dialog.conditions_edit.toPlainText().strip(),
            reasons=dialog.reason,
        )

    def sign_on_the_award(self) -> Any:
        """Open the award's screen with its "Agreement signed" form, where the day is entered;
        the application becomes active when that is saved."""
        from ..workflows.awards.award_tracking import award_of_application
        from .awards_view import open_award

        award_id = read(self.db, award_of_application, self.application_id)
        if award_id is None:
            self.main_window.show_error(
                "Agreement signed", "This application has no award on record yet."
            )
            return None
        screen = open_award(self.main_window, award_id)
        dialog = screen.record_signature()
        if dialog is not None:
            # A bound method, so the connection goes with this screen if it is closed first.
            dialog.finished.connect(self._after_signature)
        return dialog

    def _after_signature(self, _result: int) -> None:
        self.refresh()

    def _run(self, action: str, *, quiet: bool = False, **kwargs: Any) -> str | None:
        """Run one transition; None when done, else the refusal's sentence."""
        try:
            done, _ = perform(
                self,
                self.db,
                wf.ACTIONS[action],
                application_id=self.application_id,
                actor=self.actor,
                now=utc_now(),
                quiet=quiet,
                **kwargs,
            )
        except Refused as exc:
            return str(exc)
        if not done:
            self.refresh()
            return "refused"
        self.refresh()
        self.main_window.changes_made()
        self.main_window.statusBar().showMessage(
            f"{self.details.label if self.details else 'Application'} is now "
            f"{(self.details.state if self.details else '').replace('_', ' ')}",
            10_000,
        )
        return None
