"""The reviewer window's files: an attachment of the packet opened (a PDF in the program's own
preview, anything else with the system's viewer), the signed scores file written to send
back, and the Excel scoring sheet saved and loaded.

`ReviewerFiles` is a part of `views/reviewer_mode.ReviewerWindow` (its second base class,
beside `QMainWindow`); it uses the window's session, packet, current application and status bar.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from .. import clock
from ..counting import counted
from ..workflows import WorkflowError
from ..workflows.reviews.review_packets import Packet, read_attachment, safe_file_name
from ..workflows.reviews.reviewer_session import ReviewerSession, load_sheet, sheet_from_packet
from .pdf_preview import PdfPreview
from .window_size import close_keys, fit_on_screen


class ReviewerFiles:
    """Attachments, the scores file and the scoring sheet of `ReviewerWindow`."""

    # The window's, set by ReviewerWindow.__init__.
    session: ReviewerSession
    packet: Packet
    current_id: int | None
    previews: list[QWidget]

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
