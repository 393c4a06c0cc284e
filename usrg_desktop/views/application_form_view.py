"""The application form: capture a new application or edit one not yet in screening, each
mistake shown under its field, with the unsaved-changes guard and the edit-conflict choice."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..money import format_zar, parse_zar
from ..storage import Database
from ..workflows.grants import applications as wf
from ..workflows.system.dates import utc_now
from .application_common import MUTED_STYLE, actor_of, applicant_id_of
from .budget_lines_editor import BudgetLinesEditor
from .date_fields import pydate, qdate
from .form_feedback import ERROR_STYLE, error_label, set_error, show_field_errors
from .operations import Refused, perform, read
from .unsaved import install_guard
from .window_size import fit_on_screen


class ApplicationForm(QWidget):
    """Capture a new application or edit one not yet in screening, with inline validation."""

    def __init__(self, window: Any, *, application_id: int | None) -> None:
        super().__init__()
        self.main_window = window
        self.db: Database = window.db
        self.actor = actor_of(window)
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
            applicant_city_id=applicant_id_of(applicant, "city"),
            applicant_body_id=applicant_id_of(applicant, "body"),
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
        window.changes_made()
        screen = window.open_windows().get(("application", saved))
        if screen is not None and hasattr(screen, "refresh"):
            screen.refresh()  # the application's screen, open beside the form
        window.statusBar().showMessage(f"Saved '{self.title_edit.text().strip()}'", 10_000)
        self.close()
        from .applications_view import open_application  # the screen's module imports this one

        open_application(window, saved)
        return True
