"""Printing for meetings: the meeting pack and the agenda in one action, and the annexes tab."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..storage import StorageError
from ..workflows import WorkflowError
from ..workflows.meetings.annex_items import annex_rows, printed_numbers, set_annex_item
from ..workflows.meetings.listings import meeting_listing
from ..workflows.meetings.meeting_pack import (
    add_annex,
    agenda_handout,
    build_meeting_pack,
    record_pack_printed,
    remove_annex,
)
from ..workflows.system.dates import utc_now
from .main_window import MainWindow
from .operations import confirm, perform, read
from .pdf_preview import PdfPreview
from .progress import run_with_progress

PDF_FILTER = "PDF documents (*.pdf)"


def _meeting_choices(window: MainWindow) -> tuple[list[tuple[int, str]], int]:
    """Every meeting, newest first, and the index of the next one to come (the likeliest)."""
    listing = meeting_listing(window.db)
    keys = listing.keys()
    number, quarter, host, starts = (
        keys.index(k) for k in ("number", "quarter", "host", "starts_on")
    )
    today = window.today.isoformat()
    choices, upcoming = [], 0
    for n, (meeting_id, row) in enumerate(zip(listing.ids or [], listing.rows, strict=True)):
        label = f"Meeting {row[number]} — {row[quarter]}, {row[host]} ({row[starts]})"
        choices.append((meeting_id, label))
        if row[starts] >= today:
            upcoming = n
    return choices, upcoming


def chosen_meeting(window: MainWindow) -> int | None:
    """The meeting the user means: the one selected in the Meetings list, or one they pick."""
    page = window.current_page()
    if window.current_area() == "Meetings" and page is not None and page.noun == "meetings":
        selected = page.current_id()
        if selected is not None:
            return selected
    choices, upcoming = _meeting_choices(window)
    if not choices:
        window.show_error("No meeting", "There are no meetings yet: accept a host proposal first.")
        return None
    label, ok = QInputDialog.getItem(
        window, "Choose a meeting", "Meeting:", [c[1] for c in choices], upcoming, False
    )
    if not ok:
        return None
    return next(i for i, text in choices if text == label)


def _meeting_number(window: MainWindow, meeting_id: int) -> int:
    listing = meeting_listing(window.db)
    column = listing.keys().index("number")
    return next(
        row[column]
        for i, row in zip(listing.ids or [], listing.rows, strict=True)
        if i == meeting_id
    )


def show_document(
    window: MainWindow, meeting_id: int, kind: str, title: str, pdf: bytes
) -> PdfPreview:
    """Show a meeting's document in the program's preview, before anything is saved: Print…
    and Save… are there, and either goes on the meeting's history."""
    preview = window.open_window(
        (kind, meeting_id), lambda: PdfPreview(title=title, file_name=f"{title}.pdf")
    )
    preview.set_pdf(pdf, file_name=f"{title}.pdf")
    if kind == "pack" and not preview.property("records_printing"):
        preview.setProperty("records_printing", True)
        preview.printed.connect(
            lambda pages: _record_pack(window, meeting_id, f"printed ({pages} pages)")
        )
        preview.saved.connect(lambda path: _record_pack(window, meeting_id, f"saved to {path}"))
    return preview


def _record_pack(window: MainWindow, meeting_id: int, how: str) -> None:
    done, _ = perform(
        window,
        window.db,
        record_pack_printed,
        actor=window.actor,
        now=utc_now(),
        meeting_id=meeting_id,
        how=how,
        title="Not recorded",
    )
    if done:
        window.changes_made()


def print_meeting_pack(window: MainWindow, *, meeting_id: int | None = None) -> PdfPreview | None:
    """Meetings ▸ Print meeting pack…: build the pack off the GUI thread, then show it to print
    or save (nothing is asked or written before the user has seen it)."""
    meeting_id = meeting_id if meeting_id is not None else chosen_meeting(window)
    if meeting_id is None:
        return None
    number = _meeting_number(window, meeting_id)
    outcome = run_with_progress(
        window,
        f"Meeting pack of Meeting {number}",
        lambda: build_meeting_pack(window.db, meeting_id=meeting_id, out=None, today=window.today),
    )
    if outcome.cancelled:
        window.statusBar().showMessage("The meeting pack was cancelled.", 10_000)
        return None
    if outcome.error is not None:
        window.show_error("The meeting pack could not be made", outcome.error)
        return None
    built = outcome.result
    window.statusBar().showMessage(
        f"Meeting pack of Meeting {number} ready ({built.pages} pages): print it or save a "
        "copy from its window.",
        10_000,
    )
    return show_document(window, meeting_id, "pack", f"USRG Meeting {number} pack", built.pdf)


def print_agenda(window: MainWindow, *, meeting_id: int | None = None) -> PdfPreview | None:
    """Meetings ▸ Print agenda…: the agenda handout shown to print or save."""
    meeting_id = meeting_id if meeting_id is not None else chosen_meeting(window)
    if meeting_id is None:
        return None
    number = _meeting_number(window, meeting_id)
    try:
        pdf = agenda_handout(window.db, meeting_id=meeting_id, today=window.today)
    except (WorkflowError, StorageError) as exc:
        window.show_error("The agenda could not be made", str(exc))
        return None
    return show_document(window, meeting_id, "agenda", f"USRG Meeting {number} agenda", pdf)


class AnnexesPanel(QWidget):
    """The meeting's annexes (PDFs merged into its pack): add by dialog or drop, remove, print."""

    def __init__(self, window: MainWindow, meeting_id: int) -> None:
        super().__init__()
        self.window_ = window
        self.meeting_id = meeting_id
        self.setAcceptDrops(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("annexes")
        self.table.setHorizontalHeaderLabels(["Annex", "Title", "File", "Papers of agenda item"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton("&Add PDF…")
        self.remove_button = QPushButton("&Remove")
        self.item_button = QPushButton("Agenda &item…")
        self.item_button.setToolTip("Make the annex the papers of an agenda item")
        self.pack_button = QPushButton("Print meeting &pack…")
        self.agenda_button = QPushButton("Print a&genda…")
        hint = QLabel("Drop PDF files here to attach them. They go into the pack in this order.")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.item_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.agenda_button)
        buttons.addWidget(self.pack_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.item_button.clicked.connect(self._on_item)
        self.pack_button.clicked.connect(
            lambda: print_meeting_pack(self.window_, meeting_id=self.meeting_id)
        )
        self.agenda_button.clicked.connect(
            lambda: print_agenda(self.window_, meeting_id=self.meeting_id)
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        """Read the annexes again."""
        annexes = read(self.window_.db, annex_rows, self.meeting_id)
        self.table.setRowCount(len(annexes))
        for row, (annex_id, letter, title, filename, agenda_item) in enumerate(annexes):
            for col, text in enumerate((f"Annex {letter}", title, filename, agenda_item)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, annex_id)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = bool(self.table.selectedItems())
        self.remove_button.setEnabled(selected)
        self.item_button.setEnabled(selected)

    def _on_item(self) -> None:
        """Ask which agenda item the selected annex is the papers of, and keep the answer."""
        items = self.table.selectedItems()
        if not items:
            return
        row = items[0].row()
        annex_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        numbers = read(self.window_.db, printed_numbers, self.meeting_id)
        choices = [(None, "None: a general annex")] + [
            (item_id, f"{number} {title}") for item_id, (number, title) in numbers.items()
        ]
        current = self.table.item(row, 3).text()
        start = next((n for n, (_i, label) in enumerate(choices) if label == current), 0)
        label, ok = QInputDialog.getItem(
            self,
            "Agenda item",
            f"{self.table.item(row, 1).text()} is the papers of:",
            [label for _i, label in choices],
            start,
            False,
        )
        if not ok:
            return
        chosen = next(item_id for item_id, text in choices if text == label)
        perform(
            self,
            self.window_.db,
            set_annex_item,
            title="Annex not changed",
            annex_id=annex_id,
            agenda_item_id=chosen,
            actor=self.window_.actor,
            now=utc_now(),
        )
        self.reload()

    def add_files(self, paths: list[Path]) -> int:
        """Attach PDFs in order; each refusal is said with its file's name. Returns how many."""
        added = 0
        for path in paths:
            ok, _annex_id = perform(
                self,
                self.window_.db,
                lambda session, p=path: add_annex(
                    session,
                    meeting_id=self.meeting_id,
                    path=p,
                    title=p.stem,
                    actor=self.window_.actor,
                    now=utc_now(),
                ),
                title="Annex not attached",
            )
            added += ok
        self.reload()
        return added

    def _on_add(self) -> None:
        paths, _chosen = QFileDialog.getOpenFileNames(self, "Attach PDFs", "", PDF_FILTER)
        if paths:
            self.add_files([Path(p) for p in paths])

    def _on_remove(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        row = items[0].row()
        annex_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        title = self.table.item(row, 1).text()
        if not confirm(
            self, "Remove annex", f"Take '{title}' out of this meeting's annexes?", yes="Remove"
        ):
            return
        perform(
            self,
            self.window_.db,
            remove_annex,
            title="Annex not removed",
            annex_id=annex_id,
            actor=self.window_.actor,
            now=utc_now(),
        )
        self.reload()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept dragged files."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Attach the dropped PDF files."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
