"""The Applications list's actions, the application form and the application screen.

The form captures or edits a draft with each mistake shown under its field; the screen shows
one application in tabs (details, budget, attachments, screening, history) with a button for
exactly each move out of its state, disabled ones saying why. Views hold ids and plain values;
every read and write is one workflow call in one unit of work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.grants import AttachmentKind
from ..money import format_zar, parse_zar
from ..storage import Database, StorageError
from ..workflows import Actor, WorkflowError
from ..workflows import applications as wf
from ..workflows import detail_screens as screens
from ..workflows.dates import utc_now
from .date_fields import pydate, qdate
from .form_feedback import ERROR_STYLE, error_label, set_error, show_field_errors
from .modal_dialogs import open_window_modal
from .operations import Refused, confirm, perform, read
from .unsaved import install_guard
from .window_size import fit_on_screen

OK_STYLE = "color: #1b5e20;"
MUTED_STYLE = "color: palette(mid);"
REASON_STYLE = "color: #6d4c00;"
NOBODY = Actor(None, "", "")
_SHA_SHOWN = 12


# -- small helpers ------------------------------------------------------------------------------
def _applicant_id(choice: str | None, kind: str) -> int | None:
    """The id in an applicant choice 'city:3' or 'body:5' when it is of this kind."""
    if not choice or not choice.startswith(kind + ":"):
        return None
    return int(choice.partition(":")[2])


def _actor(window: Any) -> Actor:
    return window.actor or NOBODY


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


# -- the form -----------------------------------------------------------------------------------
class BudgetLinesEditor(QWidget):
    """The budget lines as a table of typed rows, with Add line, Remove and a live total."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("budgetLines")
        self.table.setHorizontalHeaderLabels(["Description", "Amount (R)", ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Tab goes through the lines' fields and on to Add line, never round the table for good.
        self.table.setTabKeyNavigation(False)
        # The field before the lines and the button after them (set by the form), for Tab.
        self.tab_before: QWidget | None = None
        self.tab_after: QWidget | None = None
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 150)
        self.table.setMinimumHeight(130)
        self.add_button = QPushButton("Add line")
        self.add_button.setObjectName("addBudgetLine")
        self.add_button.setToolTip("Add a budget line (Ctrl+L)")
        self.add_button.clicked.connect(lambda: self.add_line(focus=True))
        self.total_label = QLabel("")
        self.total_label.setObjectName("budgetTotal")
        self.requested_cents: int | None = None
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._rows: list[tuple[QLineEdit, QLineEdit]] = []
        self.update_total()

    def add_line(self, description: str = "", amount: str = "", *, focus: bool = False) -> int:
        """Add a row (optionally filled); returns its number from 0."""
        n = self.table.rowCount()
        self.table.insertRow(n)
        what = QLineEdit(description)
        what.setObjectName(f"lineDescription{n}")
        what.setPlaceholderText("What the money buys")
        what.setFrame(False)
        money = QLineEdit(amount)
        money.setObjectName(f"lineAmount{n}")
        money.setPlaceholderText("0,00")
        money.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        money.setFrame(False)
        money.textChanged.connect(self.update_total)
        remove = QToolButton()
        remove.setText("Remove")
        remove.setObjectName(f"removeLine{n}")
        remove.setToolTip("Remove this budget line")
        remove.clicked.connect(lambda _c=False, w=what: self.remove_line(self._row_of(w)))
        self.table.setCellWidget(n, 0, what)
        self.table.setCellWidget(n, 1, money)
        self.table.setCellWidget(n, 2, remove)
        self._rows.append((what, money))
        self.update_total()
        self.update_tab_order()
        if focus:
            what.setFocus()
        return n

    def update_tab_order(self) -> None:
        """Tab: the field before → each line's description, amount, Remove → Add line → after."""
        chain: list[QWidget] = [self.tab_before] if self.tab_before is not None else []
        for n in range(self.table.rowCount()):
            for col in range(3):
                widget = self.table.cellWidget(n, col)
                if widget is not None:
                    chain.append(widget)
        chain.append(self.add_button)
        if self.tab_after is not None:
            chain.append(self.tab_after)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _row_of(self, edit: QLineEdit) -> int:
        return next(i for i, (what, _m) in enumerate(self._rows) if what is edit)

    def remove_line(self, n: int) -> None:
        """Remove row `n`."""
        self.table.removeRow(n)
        del self._rows[n]
        self.update_total()
        self.update_tab_order()

    def line_edits(self) -> list[tuple[QLineEdit, QLineEdit]]:
        """The (description, amount) editors of each row, in order."""
        return list(self._rows)

    def lines(self) -> tuple[list[tuple[str, int | None]], str]:
        """The rows as (description, cents) and the first amount that is not one ('' if none).

        Fully empty rows are left out; an amount that cannot be read counts as missing.
        """
        out: list[tuple[str, int | None]] = []
        problem = ""
        for n, (what, money) in enumerate(self._rows, start=1):
            description, text = what.text().strip(), money.text().strip()
            if not description and not text:
                continue
            try:
                cents: int | None = parse_zar(text) if text else None
            except ValueError as exc:
                cents = None
                problem = problem or f"Budget line {n}: {exc}."
            out.append((description, cents))
        return out, problem

    def total_cents(self) -> int:
        """The sum of the amounts that can be read."""
        lines, _problem = self.lines()
        return sum(c for _d, c in lines if c is not None)

    def set_requested(self, cents: int | None) -> None:
        """The amount the lines must add up to, for the live total."""
        self.requested_cents = cents
        self.update_total()

    def update_total(self) -> None:
        """Show the lines' total against the request, red while they differ."""
        total = self.total_cents()
        wanted = self.requested_cents
        if wanted is None:
            text, style = f"Lines add up to {format_zar(total)}", ""
        elif total == wanted:
            text, style = f"Lines add up to {format_zar(total)}, as requested ✓", OK_STYLE
        else:
            gap = wanted - total
            side = "short of" if gap > 0 else "over"
            text = (
                f"Lines add up to {format_zar(total)}: {format_zar(abs(gap))} {side} the "
                f"{format_zar(wanted)} requested"
            )
            style = ERROR_STYLE
        self.total_label.setText(text)
        self.total_label.setStyleSheet(style)


class ApplicationForm(QWidget):
    """Capture a new application or edit one not yet in screening, with inline validation."""

    def __init__(self, window: Any, *, application_id: int | None) -> None:
        super().__init__()
        self.main_window = window
        self.db: Database = window.db
        self.actor = _actor(window)
        self.application_id = application_id
        self.saved_id: int | None = None
        self.setObjectName("applicationForm")
        self.choices = read(self.db, wf.form_choices)
        self.details = (
            read(self.db, wf.application_details, application_id)
            if application_id is not None
            else None
        )
        self.setWindowTitle(
            "New application" if self.details is None else f"Edit {self.details.label}"
        )

        self.errors: dict[str, QLabel] = {}
        self.message = error_label("error_form")
        self.notice = QLabel("")
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)

        self.round_combo = QComboBox()
        self.round_combo.setObjectName("round")
        self.applicant_combo = QComboBox()
        self.applicant_combo.setObjectName("applicant")
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("theme")
        self.theme_combo.setToolTip(
            "Which of the round's themes the application addresses (the round's form lists "
            "them); the funder's report counts applications by theme."
        )
        for combo in (self.round_combo, self.applicant_combo, self.theme_combo):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.title_edit.setMaxLength(300)
        self.summary_edit = self._text_box("summary", "What the project does, in a few lines")
        self.problem_edit = self._text_box("problem", "The safety problem it addresses")
        self.intervention_edit = self._text_box("intervention", "What will be done, by whom")
        self.requested_edit = QLineEdit()
        self.requested_edit.setObjectName("requested")
        self.requested_edit.setPlaceholderText("R 250 000,00")
        self.cap_label = QLabel("")
        self.cap_label.setStyleSheet(MUTED_STYLE)
        start = (window.today + relativedelta(months=3)).replace(day=1)
        self.starts_edit = self._date_edit("starts_on", start)
        self.ends_edit = self._date_edit("ends_on", start + relativedelta(years=1, days=-1))
        self.contact_name_edit = QLineEdit()
        self.contact_name_edit.setObjectName("contact_name")
        self.contact_email_edit = QLineEdit()
        self.contact_email_edit.setObjectName("contact_email")
        self.contact_email_edit.setPlaceholderText("name@city.gov.za")
        self.contact_phone_edit = QLineEdit()
        self.contact_phone_edit.setObjectName("contact_phone")
        self.contact_phone_edit.setPlaceholderText("+27 …")
        self.budget = BudgetLinesEditor()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._row(form, "&Round", self.round_combo, "round")
        self._row(form, "A&pplicant", self.applicant_combo, "applicant")
        self._row(form, "The&me", self.theme_combo, "theme")
        self._row(form, "&Title", self.title_edit, "title")
        self._row(form, "&Summary", self.summary_edit, "summary")
        self._row(form, "Pro&blem addressed", self.problem_edit, "problem")
        self._row(form, "&Intervention", self.intervention_edit, "intervention")
        money_row = QHBoxLayout()
        money_row.addWidget(self.requested_edit, 1)
        money_row.addWidget(self.cap_label)
        self._row(form, "Re&quested amount", money_row, "requested", buddy=self.requested_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.starts_edit)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.ends_edit)
        dates.addStretch(1)
        holder = self._row(form, "Project &dates", dates, "starts_on", buddy=self.starts_edit)
        self.errors["ends_on"] = error_label("error_ends_on")
        holder.addWidget(self.errors["ends_on"])
        self._row(form, "&Contact person", self.contact_name_edit, "contact_name")
        self._row(form, "Contact &email", self.contact_email_edit, "contact_email")
        self._row(form, "Contact p&hone", self.contact_phone_edit, "contact_phone")
        self._row(form, "Bud&get lines", self.budget, "budget_lines", buddy=self.budget.add_button)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.notice)
        inner.addWidget(self.message)
        inner.addLayout(form)
        inner.addStretch(1)  # room to spare goes below the form, not between its rows
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        self.save_button.setToolTip("Save the application (Ctrl+S)")
        self.save_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.close)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        QShortcut(QKeySequence("Ctrl+L"), self, lambda: self.budget.add_line(focus=True))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        fit_on_screen(self, 760, 860)

        # Tab runs down the form, through the budget lines, then Save and Cancel.
        self.budget.tab_before = self.contact_phone_edit
        self.budget.tab_after = self.save_button
        QWidget.setTabOrder(self.save_button, cancel)
        self._fill_rounds()
        self.round_combo.currentIndexChanged.connect(self._on_round_changed)
        self.requested_edit.textChanged.connect(self._on_requested_changed)
        self._load_details()
        self._on_round_changed()
        if self.budget.table.rowCount() == 0:
            self.budget.add_line()
        self._initial = self.snapshot()
        # Closing (Cancel, Escape, ×, the program's Quit) with changes asks Save / Discard /
        # Cancel (views/unsaved.py).
        self.guard = install_guard(self, lambda: [self], self.windowTitle)
        for key, widget in (
            ("title", self.title_edit),
            ("requested", self.requested_edit),
            ("contact_name", self.contact_name_edit),
            ("contact_email", self.contact_email_edit),
            ("contact_phone", self.contact_phone_edit),
        ):
            widget.textChanged.connect(lambda _t, k=key: self._clear_error(k))
        for key, box in (
            ("summary", self.summary_edit),
            ("problem", self.problem_edit),
            ("intervention", self.intervention_edit),
        ):
            box.textChanged.connect(lambda k=key: self._clear_error(k))
        self.applicant_combo.currentIndexChanged.connect(lambda _i: self._clear_error("applicant"))
        self.theme_combo.currentIndexChanged.connect(lambda _i: self._clear_error("theme"))
        self.starts_edit.dateChanged.connect(lambda _d: self._clear_error("starts_on"))
        self.ends_edit.dateChanged.connect(lambda _d: self._clear_error("ends_on"))

    # -- building ---------------------------------------------------------------------------
    def _text_box(self, name: str, placeholder: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setObjectName(name)
        box.setPlaceholderText(placeholder)
        box.setTabChangesFocus(True)
        box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 14)
        return box

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(qdate(day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _row(
        self,
        form: QFormLayout,
        label: str,
        field: Any,
        key: str,
        *,
        buddy: QWidget | None = None,
    ) -> QVBoxLayout:
        caption = QLabel(label)
        caption.setBuddy(buddy or field)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(field, QWidget):
            column.addWidget(field)
        else:
            column.addLayout(field)
        self.errors[key] = error_label(f"error_{key}")
        column.addWidget(self.errors[key])
        form.addRow(caption, holder)
        return column

    def _fill_rounds(self) -> None:
        current = self.details.round_id if self.details else None
        for choice in self.choices.rounds:
            if choice.takes_applications or choice.id == current:
                text = (
                    choice.name if choice.status == "open" else f"{choice.name} ({choice.status})"
                )
                self.round_combo.addItem(text, choice.id)
        if self.round_combo.count() == 0:
            self.notice.setText(
                "No round takes applications now: create or open a round under Rounds first."
            )
            self.notice.setStyleSheet(ERROR_STYLE)
            self.notice.setVisible(True)
            self.save_button.setEnabled(False)
        if current is not None:
            self.round_combo.setCurrentIndex(max(0, self.round_combo.findData(current)))
            # A submitted application's reference belongs to its round.
            self.round_combo.setEnabled(self.details is None or self.details.reference is None)

    def _load_details(self) -> None:
        d = self.details
        if d is None:
            return
        self.title_edit.setText(d.title)
        self.summary_edit.setPlainText(d.summary)
        self.problem_edit.setPlainText(d.problem)
        self.intervention_edit.setPlainText(d.intervention)
        self.requested_edit.setText(format_zar(d.requested_cents, symbol=False))
        if d.starts_on:
            self.starts_edit.setDate(qdate(d.starts_on))
        if d.ends_on:
            self.ends_edit.setDate(qdate(d.ends_on))
        self.contact_name_edit.setText(d.contact_name)
        self.contact_email_edit.setText(d.contact_email)
        self.contact_phone_edit.setText(d.contact_phone)
        for line in d.budget_lines:
            self.budget.add_line(line.description, format_zar(line.amount_cents, symbol=False))

    def _round(self) -> wf.RoundChoice | None:
        round_id = self.round_combo.currentData()
        return next((r for r in self.choices.rounds if r.id == round_id), None)

    def _on_round_changed(self, _index: int = 0) -> None:
        chosen = self.applicant_combo.currentData()
        if chosen is None and self.details is not None:
            d = self.details
            chosen = (
                f"city:{d.applicant_city_id}"
                if d.applicant_city_id
                else f"body:{d.applicant_body_id}"
            )
        rnd = self._round()
        self.applicant_combo.blockSignals(True)
        self.applicant_combo.clear()
        self.applicant_combo.addItem("Choose the applicant…", None)
        for city_id, name in self.choices.cities:
            self.applicant_combo.addItem(name, f"city:{city_id}")
        bodies = rnd.admitted_bodies if rnd else ()
        if bodies:
            self.applicant_combo.insertSeparator(self.applicant_combo.count())
            for body_id, name in bodies:
                self.applicant_combo.addItem(f"{name} (admitted body)", f"body:{body_id}")
        found = self.applicant_combo.findData(chosen) if chosen is not None else 0
        self.applicant_combo.setCurrentIndex(max(found, 0))
        self.applicant_combo.blockSignals(False)
        self.cap_label.setText(f"cap {format_zar(rnd.cap_cents)}" if rnd else "")
        self._fill_themes(rnd)
        self._clear_error("round")

    def _fill_themes(self, rnd: wf.RoundChoice | None) -> None:
        """The chosen round's themes (the theme chosen so far kept where the round has it)."""
        chosen = self.theme_combo.currentData()
        if chosen is None and self.details is not None and self.theme_combo.count() == 0:
            chosen = self.details.theme_id
        themes = rnd.themes if rnd else ()
        self.theme_combo.blockSignals(True)
        self.theme_combo.clear()
        self.theme_combo.addItem(
            "Choose the theme…" if themes else "The round lists no themes", None
        )
        for theme_id, label in themes:
            self.theme_combo.addItem(label, theme_id)
        found = self.theme_combo.findData(chosen) if chosen is not None else 0
        self.theme_combo.setCurrentIndex(max(found, 0))
        self.theme_combo.setEnabled(bool(themes))
        self.theme_combo.blockSignals(False)

    def _on_requested_changed(self, text: str) -> None:
        try:
            cents: int | None = parse_zar(text) if text.strip() else None
        except ValueError:
            cents = None
        self.budget.set_requested(cents)

    def _clear_error(self, key: str) -> None:
        label = self.errors.get(key)
        if label is not None and label.isVisible():
            set_error(label, "")

    def snapshot(self) -> tuple:
        """Everything typed in the form, to tell whether closing would lose changes."""
        return (
            self.round_combo.currentData(),
            self.applicant_combo.currentData(),
            self.theme_combo.currentData(),
            self.title_edit.text(),
            self.summary_edit.toPlainText(),
            self.problem_edit.toPlainText(),
            self.intervention_edit.toPlainText(),
            self.requested_edit.text(),
            self.starts_edit.date(),
            self.ends_edit.date(),
            self.contact_name_edit.text(),
            self.contact_email_edit.text(),
            self.contact_phone_edit.text(),
            tuple((w.text(), m.text()) for w, m in self.budget.line_edits()),
        )

    @property
    def changed(self) -> bool:
        """Whether the form holds changes not saved."""
        return self.saved_id is None and self.snapshot() != self._initial

    def has_unsaved_changes(self) -> bool:
        """Whether closing would lose what was typed (see views/unsaved.py)."""
        return self.changed

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        if self.details is None:
            return "the new application"
        return f"the changes to {self.details.label}"

    # -- saving -----------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each sentence under its field (others at the top); focus the first wrong field."""
        show_field_errors(self.errors, errors)
        unplaced = [text for key, text in errors.items() if key not in self.errors]
        set_error(self.message, " ".join(unplaced))

    # -- another workstation saved first ----------------------------------------------------
    # Which fields of the application the form shows, and under which field key.
    _CONFLICT_FIELDS = (
        ("round_id", "round", "the round"),
        ("applicant_city_id", "applicant", "the applicant"),
        ("applicant_body_id", "applicant", "the applicant"),
        ("title", "title", "the title"),
        ("summary", "summary", "the summary"),
        ("problem", "problem", "the problem addressed"),
        ("intervention", "intervention", "the intervention"),
        ("requested_cents", "requested", "the requested amount"),
        ("starts_on", "starts_on", "the project dates"),
        ("ends_on", "starts_on", "the project dates"),
        ("contact_name", "contact_name", "the contact person"),
        ("contact_email", "contact_email", "the contact's e-mail"),
        ("contact_phone", "contact_phone", "the contact's phone"),
        ("budget_lines", "budget_lines", "the budget lines"),
    )

    def show_conflict(self, sentence: str) -> None:
        """Another workstation saved this application after the form opened: nothing was
        saved. Mark the fields they changed and offer to load theirs or save these over them."""
        opened = self.details
        theirs = read(self.db, wf.application_details, self.application_id)
        if opened is None or theirs is None:
            self.show_errors({"form": sentence})
            return
        self.theirs = theirs
        marks: dict[str, str] = {}
        names: list[str] = []
        for attribute, key, words in self._CONFLICT_FIELDS:
            if getattr(opened, attribute) != getattr(theirs, attribute):
                marks.setdefault(key, "Changed at another workstation since you opened the form.")
                if words not in names:
                    names.append(words)
        changed = (
            f" They changed {', '.join(names[:-1]) + ' and ' if len(names) > 1 else ''}{names[-1]}."
            if names
            else " They changed its state, not what this form shows."
        )
        self.show_errors(
            {
                **marks,
                "form": f"{sentence}{changed} Load theirs (what you typed is kept below to "
                "copy), or save yours over theirs.",
            }
        )
        if getattr(self, "conflict_buttons", None) is None:
            row = QHBoxLayout()
            self.load_theirs_button = QPushButton("&Load theirs")
            self.load_theirs_button.setObjectName("loadTheirs")
            self.load_theirs_button.clicked.connect(self.load_theirs)
            self.overwrite_button = QPushButton("Save &mine over theirs")
            self.overwrite_button.setObjectName("overwrite")
            self.overwrite_button.clicked.connect(self.save_over_theirs)
            row.addWidget(self.load_theirs_button)
            row.addWidget(self.overwrite_button)
            row.addStretch(1)
            self.conflict_buttons = QWidget()
            self.conflict_buttons.setLayout(row)
            self.mine_box = QPlainTextEdit()
            self.mine_box.setObjectName("mine")
            self.mine_box.setReadOnly(True)
            self.mine_box.setVisible(False)
            self.mine_box.setFixedHeight(self.mine_box.fontMetrics().lineSpacing() * 8 + 14)
            holder = self.message.parentWidget().layout()
            index = holder.indexOf(self.message) + 1
            holder.insertWidget(index, self.conflict_buttons)
            holder.insertWidget(index + 1, self.mine_box)
        self.conflict_buttons.setVisible(True)

    def _typed_text(self) -> str:
        """What the user typed, as text they can copy back field by field."""
        parts = [
            ("Title", self.title_edit.text()),
            ("Summary", self.summary_edit.toPlainText()),
            ("Problem addressed", self.problem_edit.toPlainText()),
            ("Intervention", self.intervention_edit.toPlainText()),
            ("Requested amount", self.requested_edit.text()),
            ("Contact person", self.contact_name_edit.text()),
            ("Contact e-mail", self.contact_email_edit.text()),
            ("Contact phone", self.contact_phone_edit.text()),
        ]
        return "\n\n".join(f"{label}:\n{text}" for label, text in parts)

    def load_theirs(self) -> None:
        """Show the application as the other workstation saved it; keep what was typed here
        in a read-only box to copy from."""
        self.mine_box.setPlainText("What you had typed:\n\n" + self._typed_text())
        self.mine_box.setVisible(True)
        self.details = self.theirs
        while self.budget.table.rowCount():
            self.budget.remove_line(0)
        self._load_details()
        self._initial = self.snapshot()
        self.conflict_buttons.setVisible(False)
        self.show_errors({})
        set_error(self.message, "")
        self.notice.setText("Loaded the version saved at the other workstation.")
        self.notice.setVisible(True)

    def save_over_theirs(self) -> bool:
        """Save what is typed here over the other workstation's version, on purpose."""
        self.details = dataclasses.replace(self.details, version=self.theirs.version)
        self.conflict_buttons.setVisible(False)
        return self.save()

    def error_text(self, key: str) -> str:
        """The message shown under a field ('' when none)."""
        label = self.errors.get(key)
        return label.text() if label is not None and label.isVisible() else ""

    def save(self) -> bool:
        """Check and save; on success close the form and open the application's screen."""
        local: dict[str, str] = {}
        requested_text = self.requested_edit.text().strip()
        requested: int | None = None
        if requested_text:
            try:
                requested = parse_zar(requested_text)
            except ValueError as exc:
                local["requested"] = f"Requested amount: {exc}."
        lines, problem = self.budget.lines()
        if problem:
            local["budget_lines"] = problem
        applicant = self.applicant_combo.currentData()
        details = self.details
        contact_id = None
        if (
            details is not None
            and details.contact_person_id is not None
            and self.contact_name_edit.text().strip() == details.contact_name
            and self.contact_email_edit.text().strip() == details.contact_email
        ):
            contact_id = details.contact_person_id
        values = dict(
            application_id=self.application_id,
            round_id=self.round_combo.currentData(),
            applicant_city_id=_applicant_id(applicant, "city"),
            applicant_body_id=_applicant_id(applicant, "body"),
            title=self.title_edit.text(),
            summary=self.summary_edit.toPlainText(),
            problem=self.problem_edit.toPlainText(),
            intervention=self.intervention_edit.toPlainText(),
            requested_cents=requested,
            starts_on=pydate(self.starts_edit.date()),
            ends_on=pydate(self.ends_edit.date()),
            contact_name=self.contact_name_edit.text(),
            contact_email=self.contact_email_edit.text(),
            contact_phone=self.contact_phone_edit.text(),
            contact_person_id=contact_id,
            theme_id=self.theme_combo.currentData(),
            budget_lines=[(d, c if c is not None else 0) for d, c in lines],
            seen_version=details.version if details is not None else None,
        )
        try:
            # A lambda: the form's `title` is not perform's box title.
            _ok, saved = perform(
                self,
                self.db,
                lambda s: wf.save_application(s, **values, actor=self.actor, now=utc_now()),
                quiet=True,
            )
        except Refused as exc:
            if exc.conflict is not None:
                self.show_conflict(str(exc))
            elif exc.errors:
                errors = dict(exc.errors)
                errors.update(local)  # what could not even be read comes first for its field
                self.show_errors(errors)
            else:
                self.show_errors({**local, "form": str(exc)})
            return False
        if local:  # cannot happen (an unreadable amount fails the workflow too), but be sure
            self.show_errors(local)
            return False
        self.saved_id = saved
        window = self.main_window
        window.data_changed("Applications")
        screen = window.open_windows().get(("application", saved))
        if isinstance(screen, ApplicationScreen):
            screen.refresh()
        window.statusBar().showMessage(f"Saved '{self.title_edit.text().strip()}'", 10_000)
        self.close()
        open_application(window, saved)
        return True


# -- the screen ---------------------------------------------------------------------------------
class ReasonDialog(QDialog):
    """Ask for the reason a move needs (and, to approve, the amount and conditions)."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        question: str,
        *,
        amount_cents: int | None = None,
        reason_required: bool = True,
        feedback: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reasonDialog")
        self.reason_required = reason_required
        self.amount_edit: QLineEdit | None = None
        self.conditions_edit: QPlainTextEdit | None = None
        self.feedback_edit: QPlainTextEdit | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(question)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        if amount_cents is not None:
            self.amount_edit = QLineEdit(format_zar(amount_cents, symbol=False))
            self.amount_edit.setObjectName("amount")
            form.addRow("&Amount (R)", self.amount_edit)
            self.conditions_edit = QPlainTextEdit()
            self.conditions_edit.setObjectName("conditions")
            self.conditions_edit.setFixedHeight(
                self.conditions_edit.fontMetrics().lineSpacing() * 3 + 12
            )
            form.addRow("&Conditions", self.conditions_edit)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(self.reason_edit.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow("&Reasons" if amount_cents is not None else "&Reason", self.reason_edit)
        if feedback:
            self.feedback_edit = QPlainTextEdit()
            self.feedback_edit.setObjectName("feedback")
            self.feedback_edit.setTabChangesFocus(True)
            self.feedback_edit.setPlaceholderText("The panel's advice to the applicant")
            self.feedback_edit.setFixedHeight(
                self.feedback_edit.fontMetrics().lineSpacing() * 4 + 12
            )
            form.addRow("Panel's &feedback", self.feedback_edit)
        layout.addLayout(form)
        self.error = error_label("error_reason")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(title, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("ok")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.on_ok: Callable[[ReasonDialog], str | None] | None = None
        self.resize(460, self.sizeHint().height())

    @property
    def reason(self) -> str:
        """The reason typed."""
        return self.reason_edit.toPlainText().strip()

    def show_error(self, text: str) -> None:
        """Show why the move was refused, keeping the dialog open."""
        set_error(self.error, text)

    def _on_ok(self) -> None:
        if self.reason_required and not self.reason:
            self.show_error("Give a reason.")
            self.reason_edit.setFocus()
            return
        problem = self.on_ok(self) if self.on_ok is not None else None
        if problem:
            self.show_error(problem)
        else:
            self.accept()


class AttachmentsTab(QWidget):
    """The attachments: add by file dialog or by dropping files, open, remove."""

    def __init__(self, screen: ApplicationScreen) -> None:
        super().__init__()
        self.screen = screen
        self.setAcceptDrops(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("attachments")
        self.table.setHorizontalHeaderLabels(["File", "Kind", "Size", "Added", "SHA-256"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("attachmentKind")
        for kind in AttachmentKind:
            self.kind_combo.addItem(kind.value.capitalize(), kind.value)
        self.add_button = QPushButton("Add files…")
        self.add_button.setObjectName("addAttachment")
        self.add_button.clicked.connect(self.add_with_dialog)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openAttachment")
        self.open_button.setToolTip("Open in the program your computer uses for this kind of file")
        self.open_button.clicked.connect(self.open_current)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.setObjectName("removeAttachment")
        self.remove_button.clicked.connect(self.remove_current)
        hint = QLabel(
            f"PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, at most "
            f"{wf.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB each. Drop files here to attach them."
        )
        hint.setStyleSheet(MUTED_STYLE)
        self.error = error_label("error_attachments")
        row = QHBoxLayout()
        row.addWidget(QLabel("Kind:"))
        row.addWidget(self.kind_combo)
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        self.rows: list[wf.AttachmentInfo] = []
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def show_rows(self, rows: list[wf.AttachmentInfo]) -> None:
        """Show the attachments."""
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, a in enumerate(rows):
            size = (
                f"{a.size_bytes} bytes"
                if a.size_bytes < 1024
                else f"{a.size_bytes / 1024:,.0f} KB".replace(",", " ")
            )
            for col, text in enumerate(
                (a.filename, a.kind, size, a.added_at, a.sha256[:_SHA_SHOWN] + "…")
            ):
                item = QTableWidgetItem(text)
                if col == 4:
                    item.setToolTip(a.sha256)
                if col == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(n, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and self.screen.may_change)
        self.add_button.setEnabled(self.screen.may_change)

    def current(self) -> wf.AttachmentInfo | None:
        """The attachment of the selected row."""
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def add_files(self, paths: list[str]) -> int:
        """Attach each file; refusals are shown under the table. Returns how many were added."""
        added, problems = 0, []
        for path in paths:
            try:
                perform(
                    self,
                    self.screen.db,
                    wf.add_attachment,
                    application_id=self.screen.application_id,
                    path=path,
                    kind=self.kind_combo.currentData(),
                    actor=self.screen.actor,
                    now=utc_now(),
                    quiet=True,
                )
                added += 1
            except Refused as exc:
                problems.append(str(exc))
        set_error(self.error, " ".join(problems))
        if added:
            self.screen.refresh()
        return added

    def add_with_dialog(self) -> None:
        """Choose files to attach."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Attach files",
            "",
            f"Attachments ({wf.ATTACHMENT_PATTERNS});;All files (*)",
        )
        if paths:
            self.add_files(paths)

    def open_current(self) -> Path | None:
        """Write the selected attachment to a temporary file and open it in the system viewer."""
        chosen = self.current()
        if chosen is None:
            return None
        try:
            path = read(self.screen.db, lambda s: wf.attachment_to_file(s, attachment_id=chosen.id))
        except (WorkflowError, StorageError) as exc:
            set_error(self.error, str(exc))
            return None
        if not self.screen.open_url(QUrl.fromLocalFile(str(path))):
            set_error(
                self.error,
                f"No program on this computer opens {path.name}; it is in {path.parent}.",
            )
        return path

    def remove_current(self) -> bool:
        """Remove the selected attachment, after asking."""
        chosen = self.current()
        if chosen is None:
            return False
        if not confirm(
            self,
            "Remove attachment",
            f"Remove {chosen.filename} from this application? The history keeps its name.",
            yes="Remove",
        ):
            return False
        done, _ = perform(
            self,
            self.screen.db,
            wf.remove_attachment,
            attachment_id=chosen.id,
            actor=self.screen.actor,
            now=utc_now(),
        )
        if done:
            self.screen.refresh()
        return done

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept local files dragged in."""
        if self.screen.may_change and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Attach the files dropped."""
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)


class ScreeningTab(QWidget):
    """The round's screening checks, ticked with a note each (only while in screening)."""

    def __init__(self, screen: ApplicationScreen) -> None:
        super().__init__()
        self.screen = screen
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.error = error_label("error_screening")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.grid)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.boxes: dict[int, QCheckBox] = {}
        self.notes: dict[int, QLineEdit] = {}
        self.items: list[wf.ScreeningItem] = []

    def show_items(self, items: list[wf.ScreeningItem], state: str) -> None:
        """Show the checks with their results; editable only in screening."""
        self.items = items
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.boxes.clear()
        self.notes.clear()
        editable = state == "screening" and self.screen.may_change
        if not items:
            self.intro.setText("The round has no screening checklist; add one under Rounds.")
        elif state == "screening":
            self.intro.setText(
                "Tick each check the application passes; a note says why one fails. "
                "Every check must be ticked to mark it Eligible."
            )
        else:
            self.intro.setText(
                "Screening happens in the screening state; the checks below show the results."
            )
        for col, heading in enumerate(("", "Check", "Note", "Checked by")):
            label = QLabel(f"<b>{heading}</b>")
            self.grid.addWidget(label, 0, col)
        for row, item in enumerate(items, start=1):
            box = QCheckBox(f"{item.position}.")
            box.setObjectName(f"check{item.check_id}")
            box.setChecked(bool(item.passed))
            box.setEnabled(editable)
            box.setAccessibleName(item.label)
            label = QLabel(item.label)
            label.setWordWrap(True)
            label.setBuddy(box)
            note = QLineEdit(item.note)
            note.setObjectName(f"note{item.check_id}")
            note.setPlaceholderText("Note (why it fails, what was seen)")
            note.setEnabled(editable)
            who = QLabel(f"{item.checked_by}, {item.checked_at}" if item.checked_by else "")
            who.setStyleSheet(MUTED_STYLE)
            self.grid.addWidget(box, row, 0)
            self.grid.addWidget(label, row, 1)
            self.grid.addWidget(note, row, 2)
            self.grid.addWidget(who, row, 3)
            for widget in (box, label, note, who):
                widget.setVisible(True)
            self.boxes[item.check_id] = box
            self.notes[item.check_id] = note
            box.toggled.connect(lambda _on, c=item.check_id: self.record(c))
            note.editingFinished.connect(lambda c=item.check_id: self._note_changed(c))

    def _note_changed(self, check_id: int) -> None:
        item = next((i for i in self.items if i.check_id == check_id), None)
        note = self.notes[check_id].text().strip()
        if item is not None and note != item.note:
            self.record(check_id)

    def record(self, check_id: int) -> bool:
        """Save one check's tick and note."""
        done = self._record(
            check_id, self.boxes[check_id].isChecked(), self.notes[check_id].text().strip()
        )
        if done:
            self.screen.refresh()
        return done

    def _record(self, check_id: int, passed: bool, note: str) -> bool:
        try:
            perform(
                self,
                self.screen.db,
                wf.record_screening,
                application_id=self.screen.application_id,
                check_id=check_id,
                passed=passed,
                note=note,
                actor=self.screen.actor,
                now=utc_now(),
                quiet=True,
            )
        except Refused as exc:
            set_error(self.error, str(exc))
            return False
        set_error(self.error, "")
        return True

    def _typed_notes(self) -> dict[int, tuple[bool, str]]:
        """The checks whose note was typed and not saved yet (a note is saved as its field is
        left; closing the window does not leave it)."""
        typed = {}
        for item in self.items:
            note = self.notes.get(item.check_id)
            if note is not None and note.isEnabled() and note.text().strip() != item.note:
                typed[item.check_id] = (self.boxes[item.check_id].isChecked(), note.text().strip())
        return typed

    def has_unsaved_changes(self) -> bool:
        """A screening note typed and not saved (see views/unsaved.py)."""
        return bool(self._typed_notes())

    def unsaved_what(self) -> str:
        """What is unsaved, for the question."""
        return "a screening note"

    def save(self) -> bool:
        """Save every note typed (with its tick as shown)."""
        typed = self._typed_notes()
        done = all(self._record(c, passed, note) for c, (passed, note) in typed.items())
        self.screen.refresh()
        return done


class ApplicationScreen(QWidget):
    """One application: header, its moves as buttons, and tabs of details to history."""

    def __init__(self, window: Any, application_id: int) -> None:
        super().__init__()
        self.main_window = window
        self.db: Database = window.db
        self.actor = _actor(window)
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
        """Read the application again and show it (after every change)."""
        try:
            # The one read of this screen, which `usrg applications show` prints too.
            shown = read(self.db, screens.application_screen, self.application_id, actor=self.actor)
        except (WorkflowError, StorageError) as exc:
            self.facts_label.setText(f"<span style='{ERROR_STYLE}'>{exc}</span>")
            return
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
                why.append(f"<b>{_escape(option.label)}:</b> {_escape(option.reason_if_disabled)}")
        if not options:
            why.append("No moves are left for an application in this state.")
        self.unavailable_label.setText("<br>".join(why))
        self.unavailable_label.setVisible(bool(why))

    def _show_details(self, shown: screens.ApplicationScreen) -> None:
        self.details_view.setHtml(
            "".join(
                f"<h4 style='margin-bottom:2px'>{_escape(caption)}</h4>"
                f"<p style='margin-top:0'>{_escape(text).replace(chr(10), '<br>')}</p>"
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
        from ..workflows.award_tracking import award_of_application
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
        self.main_window.data_changed("Applications")
        self.main_window.statusBar().showMessage(
            f"{self.details.label if self.details else 'Application'} is now "
            f"{(self.details.state if self.details else '').replace('_', ' ')}",
            10_000,
        )
        return None


def _escape(text: str) -> str:
    import html

    return html.escape(text or "")
