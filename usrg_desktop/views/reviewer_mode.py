"""Reviewer mode: a review packet opened on its own, scored offline, with autosave on every change.

`usrg-desktop PACKET_FILE` shows `ReviewerWindow` and never opens a secretariat database. The
window holds only ids and the reviewer session (workflows/reviews/reviewer_session.py), which saves
the
work to its autosave file on every change and writes the signed scores file.

Keyboard: Ctrl+PgDown / Ctrl+PgUp next / previous application, Alt+A the application's text,
Alt+R the review form, Alt+N / Alt+Y the conflict answer, 1-5 on a focused criterion picks its
level, Ctrl+S (or Ctrl+E) saves the scores file to send back, Ctrl+Shift+S saves the Excel
scoring sheet, Ctrl+L loads one, Ctrl+Q quits. Every Alt+letter is used once in the window.
An attachment opens in the program's own PDF preview (views/pdf_preview.py).
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, clock
from ..counting import counted
from ..workflows import WorkflowError
from ..workflows.reviews.review_packets import PacketApplication, read_attachment, safe_file_name
from ..workflows.reviews.reviewer_session import ReviewerSession, load_sheet, sheet_from_packet
from ..workflows.reviews.scores_file import CONFLICT_KINDS, RECOMMENDATIONS
from .pdf_preview import PdfPreview
from .reviewer_parts import (
    RECOMMENDATION_TEXT,
    STATUS_MARK,
    CriterionBox,
    application_html,
    check_only,
)
from .window_size import close_keys, fit_on_screen


class ReviewerWindow(QMainWindow):
    """The reviewer's window on one packet: applications, their text, the review form."""

    def __init__(self, session: ReviewerSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.packet = session.packet
        self.current_id: int | None = None
        self._loading = False
        self.setObjectName("reviewerWindow")
        self.setWindowTitle(
            f"{APP_NAME} — review of {self.packet.reviewer_name} — {self.packet.round_name}"
        )
        # Room for the application and the form, never more than the screen (a 768-pixel
        # laptop included): the form scrolls.
        fit_on_screen(self, 1200, 820, grow=0.85)
        self.previews: list[QWidget] = []
        self._build()
        self._build_menus()
        self._refresh_progress()
        if self.packet.applications:
            self.applications.setCurrentRow(0)
        deadline = (
            f" Send your scores back by {self.packet.deadline.isoformat()}."
            if self.packet.deadline
            else ""
        )
        self.statusBar().showMessage(
            session.notice
            or f"{counted(len(self.packet.applications), 'application')} to review.{deadline}"
        )

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        due = (
            f"<br>Scores due by {self.packet.deadline.isoformat()}" if self.packet.deadline else ""
        )
        heading = QLabel(
            f"<b>{html.escape(self.packet.reviewer_name)}</b><br>"
            f"{html.escape(self.packet.round_name)}{due}"
        )
        left_layout.addWidget(heading)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        left_layout.addWidget(self.progress_label)
        left_layout.addWidget(self.progress)
        list_label = QLabel("A&pplications:")
        self.applications = QListWidget()
        self.applications.setObjectName("applicationList")
        self.applications.setWordWrap(True)
        self.applications.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        list_label.setBuddy(self.applications)
        for app in self.packet.applications:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, app.id)
            self.applications.addItem(item)
        self.applications.currentItemChanged.connect(self._on_application_chosen)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.applications, 1)
        legend = QLabel(
            "  ".join(f"{mark} {status}" for status, mark in STATUS_MARK.items()).replace(
                "complete", "finished"
            )
        )
        legend.setWordWrap(True)
        left_layout.addWidget(legend)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.text = QTextBrowser()
        self.text.setObjectName("applicationText")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._on_link)
        self.tabs.addTab(self.text, "&Application")
        self.tabs.addTab(self._build_review_form(), "&Review")

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 880])
        self.setCentralWidget(splitter)

    def _build_review_form(self) -> QWidget:
        form = QWidget()
        layout = QVBoxLayout(form)

        self.conflict_box = QGroupBox("Conflict of interest (answer this first)")
        self.conflict_box.setObjectName("conflictBox")
        conflict_layout = QVBoxLayout(self.conflict_box)
        conflict_layout.addWidget(
            QLabel(
                "Do you, or someone close to you, have an interest in this application or the "
                "body that made it?"
            )
        )
        self.no_conflict = QRadioButton("&No, I have no conflict of interest")
        self.no_conflict.setObjectName("noConflict")
        self.yes_conflict = QRadioButton("&Yes, I have a conflict of interest")
        self.yes_conflict.setObjectName("yesConflict")
        self.conflict_group = QButtonGroup(self)
        for button in (self.no_conflict, self.yes_conflict):
            self.conflict_group.addButton(button)
            conflict_layout.addWidget(button)
        self.conflict_group.buttonClicked.connect(self._on_conflict_clicked)
        details = QFormLayout()
        self.conflict_kind = QComboBox()
        self.conflict_kind.setObjectName("conflictKind")
        self.conflict_kind.addItem("Choose…", "")
        for kind in CONFLICT_KINDS:
            self.conflict_kind.addItem(kind.capitalize(), kind)
        self.conflict_kind.currentIndexChanged.connect(self._on_conflict_details)
        self.conflict_reason = QLineEdit()
        self.conflict_reason.setObjectName("conflictReason")
        self.conflict_reason.setPlaceholderText("What is the conflict?")
        self.conflict_reason.textEdited.connect(self._on_conflict_details)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.conflict_kind)
        reason_label = QLabel("Reas&on:")  # Alt+A is the Application tab
        reason_label.setBuddy(self.conflict_reason)
        details.addRow(kind_label, self.conflict_kind)
        details.addRow(reason_label, self.conflict_reason)
        conflict_layout.addLayout(details)
        layout.addWidget(self.conflict_box)

        self.scoring = QWidget()
        self.scoring.setObjectName("scoring")
        scoring_layout = QVBoxLayout(self.scoring)
        scoring_layout.setContentsMargins(0, 0, 0, 0)
        self.criterion_boxes: dict[str, CriterionBox] = {}
        for criterion in self.packet.criteria:
            box = CriterionBox(criterion)
            box.levels.idClicked.connect(
                lambda level, code=criterion.code: self._on_level(code, level)
            )
            box.comment.textChanged.connect(lambda code=criterion.code: self._on_comment(code))
            self.criterion_boxes[criterion.code] = box
            scoring_layout.addWidget(box)
        overall = QGroupBox("Overall recommendation")
        overall.setObjectName("recommendationBox")
        overall_layout = QVBoxLayout(overall)
        self.recommendation_group = QButtonGroup(self)
        self.recommendation_buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        for value in RECOMMENDATIONS:
            button = QRadioButton(RECOMMENDATION_TEXT[value])
            button.setObjectName("recommend_" + value.replace(" ", "_"))
            self.recommendation_group.addButton(button)
            self.recommendation_buttons[value] = button
            row.addWidget(button)
        row.addStretch(1)
        self.recommendation_group.buttonClicked.connect(self._on_recommendation)
        overall_layout.addLayout(row)
        self.overall_comment = QPlainTextEdit()
        self.overall_comment.setObjectName("overallComment")
        self.overall_comment.setPlaceholderText("Your overall comment for the panel")
        self.overall_comment.setTabChangesFocus(True)
        self.overall_comment.setFixedHeight(80)
        self.overall_comment.textChanged.connect(self._on_overall_comment)
        overall_layout.addWidget(self.overall_comment)
        scoring_layout.addWidget(overall)
        layout.addWidget(self.scoring)

        self.todo = QLabel()
        self.todo.setObjectName("todo")
        self.todo.setWordWrap(True)
        layout.addWidget(self.todo)
        nav = QHBoxLayout()
        self.previous_button = QPushButton("Pre&vious application")
        self.previous_button.clicked.connect(self.previous_application)
        self.next_button = QPushButton("Ne&xt application")
        self.next_button.setObjectName("nextButton")
        self.next_button.clicked.connect(self.next_application)
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        # The end of the form: what the secretariat needs back.
        send = QHBoxLayout()
        self.send_note = QLabel(
            "When you have finished, save your scores file and send it to the USRG secretariat."
        )
        self.send_note.setWordWrap(True)
        self.send_button = QPushButton("&Save scores to send back…")
        self.send_button.setObjectName("sendScores")
        self.send_button.setToolTip(
            "Write the signed scores file of every finished application (Ctrl+S)"
        )
        self.send_button.setDefault(True)
        bold = self.send_button.font()
        bold.setBold(True)
        self.send_button.setFont(bold)
        self.send_button.clicked.connect(self.export_scores)
        send.addWidget(self.send_note, 1)
        send.addWidget(self.send_button)
        layout.addSpacing(12)
        layout.addLayout(send)
        layout.addStretch(1)

        scroll = QScrollArea()
        self.review_scroll = scroll
        scroll.setObjectName("reviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        return scroll

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = self._action(
            file_menu, "&Save scores to send back…", self.export_scores, QKeySequence("Ctrl+S")
        )
        # Ctrl+E, the shortcut of 0.1.0, does the same.
        self.export_action.setShortcuts([QKeySequence("Ctrl+S"), QKeySequence("Ctrl+E")])
        file_menu.addSeparator()
        self.save_sheet_action = self._action(
            file_menu,
            "Save scoring sheet (E&xcel)…",
            self.save_sheet,
            QKeySequence("Ctrl+Shift+S"),
        )
        self.load_sheet_action = self._action(
            file_menu, "&Load scoring sheet…", self.load_sheet, QKeySequence("Ctrl+L")
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        go = self.menuBar().addMenu("&Go")
        self.next_action = self._action(
            go, "&Next application", self.next_application, QKeySequence("Ctrl+PgDown")
        )
        self.previous_action = self._action(
            go, "&Previous application", self.previous_application, QKeySequence("Ctrl+PgUp")
        )
        self._action(
            go, "&Application text", lambda: self.tabs.setCurrentIndex(0), QKeySequence("Ctrl+1")
        )
        self._action(
            go, "&Review form", lambda: self.tabs.setCurrentIndex(1), QKeySequence("Ctrl+2")
        )

    def _action(self, menu, text: str, slot, shortcut) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.setObjectName(text.replace("&", "").rstrip("…").strip().replace(" ", "_").lower())
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- showing an application --------------------------------------------------------------
    def _on_application_chosen(self, item: QListWidgetItem | None, _old=None) -> None:
        if item is None:
            return
        self.current_id = int(item.data(Qt.ItemDataRole.UserRole))
        self._show_application(self.packet.application(self.current_id))

    def _show_application(self, app: PacketApplication) -> None:
        self.text.setHtml(application_html(app))
        self.review_scroll.verticalScrollBar().setValue(0)  # each application starts at the top
        work = self.session.work[app.id]
        self._loading = True
        try:
            check_only(
                self.conflict_group,
                {"no": self.no_conflict, "yes": self.yes_conflict}.get(work.conflict or ""),
            )
            index = self.conflict_kind.findData(work.conflict_kind or "")
            self.conflict_kind.setCurrentIndex(max(index, 0))
            self.conflict_reason.setText(work.conflict_reason)
            for code, box in self.criterion_boxes.items():
                box.set_level(work.scores.get(code))
                box.comment.setPlainText(work.comments.get(code, ""))
            check_only(
                self.recommendation_group,
                self.recommendation_buttons.get(work.recommendation or ""),
            )
            self.overall_comment.setPlainText(work.overall_comment)
        finally:
            self._loading = False
        self._update_locks()

    def _update_locks(self) -> None:
        if self.current_id is None:
            return
        work = self.session.work[self.current_id]
        declared = work.conflict == "yes"
        self.conflict_kind.setEnabled(declared)
        self.conflict_reason.setEnabled(declared)
        self.scoring.setEnabled(work.conflict == "no")
        problems = self.session.problems(self.current_id)
        self.todo.setText(
            "Still to do: " + " ".join(problems)
            if problems
            else (
                "Finished: your conflict of interest is declared; this application will not be "
                "scored by you."
                if declared
                else "Finished: this review goes into your scores file."
            )
        )
        self._refresh_progress()

    def _refresh_progress(self) -> None:
        done, total = self.session.progress()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(f"{done} of {counted(total, 'application')} finished")
        for row in range(self.applications.count()):
            item = self.applications.item(row)
            app = self.packet.application(int(item.data(Qt.ItemDataRole.UserRole)))
            status = self.session.status(app.id)
            item.setText(f"{STATUS_MARK[status]} {app.reference}\n    {app.title}")
            item.setToolTip(f"{app.reference}: {status}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{app.reference}, {status}")

    # -- changes: each is saved at once -------------------------------------------------------
    def _saved(self, action) -> None:
        if self._loading or self.current_id is None:
            return
        try:
            action()
        except WorkflowError as exc:
            self.statusBar().showMessage(str(exc))
            self._show_application(self.packet.application(self.current_id))
            return
        except OSError as exc:
            self.statusBar().showMessage(f"Your work could NOT be saved: {exc.strerror}.")
            return
        stamp = clock.local_now().strftime("%H:%M:%S")
        self.statusBar().showMessage(f"Saved {stamp}")
        self._update_locks()

    def _on_conflict_clicked(self, button: QAbstractButton) -> None:
        if self._loading or self.current_id is None:
            return
        answer = "no" if button is self.no_conflict else "yes"
        app_id = self.current_id
        self._saved(
            lambda: self.session.set_conflict(
                app_id,
                answer,
                kind=self.conflict_kind.currentData() or "",
                reason=self.conflict_reason.text(),
            )
        )
        if answer == "yes":
            self.conflict_kind.setFocus()

    def _on_conflict_details(self, *_args) -> None:
        if self._loading or self.current_id is None or not self.yes_conflict.isChecked():
            return
        app_id = self.current_id
        self._saved(
            lambda: self.session.set_conflict(
                app_id,
                "yes",
                kind=self.conflict_kind.currentData() or "",
                reason=self.conflict_reason.text(),
            )
        )

    def _on_level(self, code: str, level: int) -> None:
        if self._loading or self.current_id is None:
            return
        app_id = self.current_id
        self._saved(lambda: self.session.set_score(app_id, code, level))

    def _on_comment(self, code: str) -> None:
        app_id = self.current_id
        text = self.criterion_boxes[code].comment.toPlainText()
        self._saved(lambda: self.session.set_comment(app_id, code, text))

    def _on_recommendation(self, button: QAbstractButton) -> None:
        if self._loading or self.current_id is None:
            return
        chosen = next(v for v, b in self.recommendation_buttons.items() if b is button)
        app_id = self.current_id
        self._saved(lambda: self.session.set_recommendation(app_id, chosen))

    def _on_overall_comment(self) -> None:
        app_id = self.current_id
        text = self.overall_comment.toPlainText()
        self._saved(lambda: self.session.set_overall_comment(app_id, text))

    # -- navigation --------------------------------------------------------------------------
    def next_application(self) -> None:
        """Show the next application of the packet."""
        row = self.applications.currentRow()
        if row + 1 < self.applications.count():
            self.applications.setCurrentRow(row + 1)

    def previous_application(self) -> None:
        """Show the previous application of the packet."""
        row = self.applications.currentRow()
        if row > 0:
            self.applications.setCurrentRow(row - 1)

    # -- attachments -------------------------------------------------------------------------
    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "attachment":
            self.open_attachment(url.path().lstrip("/") or url.host())

    def extract_attachment(self, sha256: str) -> Path:
        """Write an attachment to the reviewer's folder for this packet; returns its path."""
        found = next(
            (t for a in self.packet.applications for t in a.attachments if t.sha256 == sha256),
            None,
        )
        if found is None:
            raise WorkflowError("That attachment is not in your packet.")
        assert self.session.autosave_path is not None
        folder = self.session.autosave_path.with_suffix("") / sha256[:12]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_file_name(found.filename)
        if not target.exists():
            target.write_bytes(read_attachment(self.packet, sha256))
        return target

    def open_attachment(self, sha256: str) -> QWidget | None:
        """Show an attachment: a PDF in the program's own preview window, anything else with
        the system's viewer (or, failing that, say where it is saved)."""
        try:
            path = self.extract_attachment(sha256)
        except (WorkflowError, OSError) as exc:
            QMessageBox.warning(self, "Attachment", str(exc))
            return None
        data = path.read_bytes()
        if data.startswith(b"%PDF"):
            preview = PdfPreview(data, title=path.name, file_name=path.name)
            preview.setParent(self, Qt.WindowType.Window)
            preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            close_keys(preview)
            fit_on_screen(preview, 820, 900)
            preview.show()
            self.previews.append(preview)
            preview.destroyed.connect(
                lambda _o=None, p=preview: self.previews.remove(p) if p in self.previews else None
            )
            self.statusBar().showMessage(f"Shown: {path.name}")
            return preview
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.statusBar().showMessage(f"No program opens this file; it is saved as {path}")
        else:
            self.statusBar().showMessage(f"Opened {path.name}")
        return None

    # -- files -------------------------------------------------------------------------------
    def export_scores(self) -> Path | None:
        """Ask where, then write the signed scores file of every finished application."""
        done, total = self.session.progress()
        if done == 0:
            QMessageBox.information(
                self,
                "Save scores to send back",
                "No application is finished yet: answer the conflict question, score every "
                "criterion and choose a recommendation first. Still to do:\n"
                + self.unfinished_text(),
            )
            return None
        start = self._beside_packet(self.session.default_scores_name())
        path, _ = QFileDialog.getSaveFileName(
            self, "Export scores", str(start), "Scores files (*.usrgscores)"
        )
        if not path:
            return None
        return self.export_scores_to(Path(path))

    def export_scores_to(self, path: Path) -> Path | None:
        """Write the scores file to this path and say what it holds."""
        try:
            written, done, total = self.session.write_scores_file(path, now=clock.utc_now())
        except WorkflowError as exc:
            QMessageBox.warning(self, "Export scores", str(exc))
            return None
        left = total - done
        more = (
            f" {left} unfinished application{'s are' if left != 1 else ' is'} not in it; "
            "save it again when you have finished them:\n" + self.unfinished_text()
            if left
            else ""
        )
        self.statusBar().showMessage(f"Scores file written: {written}")
        QMessageBox.information(
            self,
            "Export scores",
            f"Your scores file holds {done} of {counted(total, 'application')}.{more}\n\n"
            f"Send {written.name} to the USRG secretariat.",
        )
        return written

    def unfinished_text(self) -> str:
        """Each unfinished application with what it still needs, one line each."""
        lines = []
        for app in self.packet.applications:
            problems = self.session.problems(app.id)
            if problems:
                lines.append(f"• {app.reference}: {' '.join(problems)}")
        return "\n".join(lines)

    def save_sheet(self) -> Path | None:
        """Ask where, then save the scoring sheet (XLSX) with the work so far."""
        start = self._beside_packet(
            self.session.default_scores_name().replace(".usrgscores", ".xlsx")
        )
        path, _ = QFileDialog.getSaveFileName(
            self, "Save scoring sheet", str(start), "Excel workbooks (*.xlsx)"
        )
        if not path:
            return None
        try:
            written = sheet_from_packet(self.packet, path, self.session.work)
        except WorkflowError as exc:
            QMessageBox.warning(self, "Save scoring sheet", str(exc))
            return None
        self.statusBar().showMessage(f"Scoring sheet saved: {written}")
        return written

    def load_sheet(self) -> bool:
        """Ask for a filled scoring sheet and take its answers (checked like the form)."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Load scoring sheet", str(self._beside_packet("")), "Excel workbooks (*.xlsx)"
        )
        if not path:
            return False
        try:
            work = load_sheet(self.packet, path)
        except WorkflowError as exc:
            problems = getattr(exc, "problems", [str(exc)])
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Load scoring sheet",
                "The scoring sheet was not loaded; nothing changed:\n\n" + "\n".join(problems[:15]),
                parent=self,
            )
            box.setObjectName("sheetProblems")
            box.exec()
            return False
        try:
            self.session.replace_work(work)
        except (WorkflowError, OSError) as exc:
            QMessageBox.warning(self, "Load scoring sheet", str(exc))
            return False
        if self.current_id is not None:
            self._show_application(self.packet.application(self.current_id))
        self.statusBar().showMessage(
            f"Loaded {counted(len(work), 'application')} from {Path(path).name}; saved."
        )
        return True

    def _beside_packet(self, name: str) -> Path:
        folder = self.packet.path.parent if self.packet.path else Path.home()
        return folder / name

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """A comfortable first size that a 1366×768 laptop shows whole."""
        return QSize(1200, 680)


def run_reviewer_mode(packet_path: str, *, exit_after_start: bool = False) -> int:
    """Open a packet on its own (no database) and run the reviewer's window until it closes.

    exit_after_start (for tests and bench/): quit once the window has shown, saying its title.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    try:
        session = ReviewerSession.open(packet_path)
    except WorkflowError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = ReviewerWindow(session)
    window.show()
    if exit_after_start:
        from PySide6.QtCore import QTimer

        def report_and_quit() -> None:
            print(f"{window.windowTitle()}: {window.progress_label.text()}")
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    return app.exec()
