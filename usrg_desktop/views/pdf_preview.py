"""Show a PDF in the program: its pages rendered with pypdfium2, zoom, page up/down, printing
through the system's print dialog, saving a copy, and opening it in the system PDF viewer."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QEvent, QObject, QSize, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

_ZOOMS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)
# Copies opened in the system viewer live until the program ends.
_VIEWER_FOLDER: list[tempfile.TemporaryDirectory] = []


def _close_quietly(document: pdfium.PdfDocument) -> None:
    with contextlib.suppress(Exception):  # already closed: nothing to let go of
        document.close()


def render_page(document: pdfium.PdfDocument, index: int, scale: float) -> QImage:
    """One page of a PDF as a QImage, `scale` pixels per point (1.0 is 72 dpi)."""
    page = document[index]
    try:
        bitmap = page.render(scale=scale, rev_byteorder=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        image = QImage(bytes(bitmap.buffer), width, height, stride, QImage.Format.Format_RGB888)
        return image.copy()  # own the pixels: the bitmap's buffer goes away
    finally:
        page.close()


class PdfPreview(QWidget):
    """A PDF's pages on screen, one at a time, with zoom, paging, Print…, Save… and Open.

    `printed` (pages) and `saved` (the file) tell the screen that opened it what became of
    the document, so it can put that on the record's history (a meeting pack, say).
    """

    printed = Signal(int)
    saved = Signal(str)

    def __init__(
        self, pdf: bytes = b"", *, title: str = "", file_name: str = "document.pdf",
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self._pdf = b""
        self._document: pdfium.PdfDocument | None = None
        self._file_name = file_name
        self._page = 0
        self._zoom = 1.0
        self._fit_width = True
        self._render_pending = False
        self.last_printed_pages = 0

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.previous_action = self._action(
            "◀ Previous", self.previous_page, "PgUp", "Previous page"
        )
        self.next_action = self._action("▶", self.next_page, "", "Next page (Page Down)")
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.page_label.setContentsMargins(8, 0, 8, 0)
        self.toolbar.addWidget(self.page_label)
        self.toolbar.addSeparator()
        self._action("−", self.zoom_out, QKeySequence.StandardKey.ZoomOut, "Zoom out")
        self._action("+", self.zoom_in, QKeySequence.StandardKey.ZoomIn, "Zoom in")
        self._action("Fit", self.fit_width, "Ctrl+0", "Fit the page to the window's width")
        self.toolbar.addSeparator()
        self.print_action = self._action(
            "Print…", self.print_with_dialog, QKeySequence.StandardKey.Print, "Print the document"
        )
        self._action("Save…", self.save_with_dialog, "Ctrl+Shift+S", "Save a copy of the PDF")
        self._action("Open outside", self.open_in_viewer, "", "Open in the system's PDF viewer")

        self.image = QLabel()
        self.image.setObjectName("pageImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Dark)
        # Always there, so fitting the width never adds or removes it (and fits again).
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.viewport().installEventFilter(self)
        self.scroll.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.scroll, 1)
        if title:
            self.setWindowTitle(title)
        self.set_pdf(pdf, file_name=file_name)

    def _action(self, text: str, slot, shortcut, tip: str) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})")
        else:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for an A4 page at a readable size."""
        return QSize(760, 900)

    # -- content ----------------------------------------------------------------------------------
    def set_pdf(self, pdf: bytes, *, file_name: str | None = None) -> None:
        """Show another PDF (the same page stays if it still exists)."""
        if file_name:
            self._file_name = file_name
        if self._document is not None:
            self._document.close()
            self._document = None
        self._pdf = bytes(pdf)
        if self._pdf:
            document = pdfium.PdfDocument(self._pdf)
            self._document = document
            # Let go of PDFium's copy when the widget goes, even if it was never closed.
            self.destroyed.connect(lambda _obj=None, d=document: _close_quietly(d))
        self._page = min(self._page, max(0, self.page_count() - 1))
        self._show()

    def pdf(self) -> bytes:
        """The PDF shown."""
        return self._pdf

    def page_count(self) -> int:
        """How many pages the PDF has."""
        return len(self._document) if self._document is not None else 0

    def current_page(self) -> int:
        """The page shown, from 0."""
        return self._page

    def _scale(self) -> float:
        if self._document is None:
            return 1.0
        ratio = self.devicePixelRatioF()
        if self._fit_width:
            width_pt = self._document[self._page].get_width()
            room = max(200, self.scroll.viewport().width() - 24)
            return room / width_pt * ratio
        return self._zoom * 96 / 72 * ratio

    def _show(self) -> None:
        count = self.page_count()
        self.previous_action.setEnabled(self._page > 0)
        self.next_action.setEnabled(self._page < count - 1)
        self.print_action.setEnabled(count > 0)
        if not count:
            self.image.setText("Nothing to show.")
            self.page_label.setText("")
            return
        self.page_label.setText(f"Page {self._page + 1} of {count}")
        # The page itself in the next turn of the event loop: whatever showed this PDF (a
        # window opened, a pack just built) is painted first, and resizes in a row render once.
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self, self._render)

    def _render(self) -> None:
        self._render_pending = False
        if self._document is None or not self.page_count():
            return
        image = render_page(self._document, self._page, self._scale())
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.image.setPixmap(pixmap)
        self.image.resize(pixmap.size() / self.devicePixelRatioF())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Page Up/Down turn pages; a page fitted to the width stays fitted on a resize."""
        if watched is self.scroll and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_PageDown:
                self.next_page()
                return True
            if event.key() == Qt.Key.Key_PageUp:
                self.previous_page()
                return True
        if (
            watched is self.scroll.viewport()
            and event.type() == QEvent.Type.Resize
            and self._fit_width
            and self._document is not None
        ):
            self._show()
        return super().eventFilter(watched, event)

    # -- navigation and zoom ----------------------------------------------------------------------
    def go_to_page(self, index: int) -> None:
        """Show page `index` (from 0), kept within the document."""
        self._page = max(0, min(index, self.page_count() - 1))
        self._show()
        self.scroll.verticalScrollBar().setValue(0)

    def next_page(self) -> None:
        """Show the next page (Page Down)."""
        self.go_to_page(self._page + 1)

    def previous_page(self) -> None:
        """Show the previous page (Page Up)."""
        self.go_to_page(self._page - 1)

    def zoom_in(self) -> None:
        """Larger, one step."""
        current = self._effective_zoom()
        self._zoom = next((z for z in _ZOOMS if z > current + 0.01), _ZOOMS[-1])
        self._fit_width = False
        self._show()

    def zoom_out(self) -> None:
        """Smaller, one step."""
        current = self._effective_zoom()
        self._zoom = next((z for z in reversed(_ZOOMS) if z < current - 0.01), _ZOOMS[0])
        self._fit_width = False
        self._show()

    def fit_width(self) -> None:
        """Fit the page to the window's width."""
        self._fit_width = True
        self._show()

    def _effective_zoom(self) -> float:
        return self._scale() / self.devicePixelRatioF() * 72 / 96

    # -- output -----------------------------------------------------------------------------------
    def print_to(self, printer: QPrinter) -> int:
        """Paint every page (or the printer's page range) on `printer`; returns pages printed."""
        if self._document is None:
            return 0
        first, last = 1, self.page_count()
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage():
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be started")
        printed = 0
        try:
            dpi = printer.resolution()
            for number in range(first, last + 1):
                if printed:
                    printer.newPage()
                image = render_page(self._document, number - 1, dpi / 72)
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
                painter.setWindow(target)
                printed += 1
        finally:
            painter.end()
        self.last_printed_pages = printed
        return printed

    def print_with_dialog(self) -> None:
        """Ask the system's print dialog, then print (Ctrl+P)."""
        if self._document is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._file_name)
        printer.setFromTo(1, self.page_count())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self._file_name}")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        try:
            pages = self.print_to(printer)
        except OSError as exc:
            QMessageBox.warning(self, "Not printed", f"The document was not printed: {exc}.")
            return
        self.printed.emit(pages)

    def save_to(self, path: str | Path) -> Path:
        """Write the PDF shown to `path`."""
        target = Path(path)
        target.write_bytes(self._pdf)
        return target

    def save_with_dialog(self) -> None:
        """Ask for a file name and save a copy of the PDF."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder or Path.home()) / Path(self._file_name).name)
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy", suggested, "PDF documents (*.pdf)"
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            self.save_to(path)
        except OSError as exc:
            QMessageBox.warning(
                self, "Not saved", f"The file {path} could not be written ({exc.strerror})."
            )
            return
        self.saved.emit(path)

    def viewer_copy(self) -> Path:
        """The PDF written to a temporary file (kept while the program runs), for other programs."""
        if not _VIEWER_FOLDER:
            _VIEWER_FOLDER.append(tempfile.TemporaryDirectory(prefix="usrg-pdf-"))
        path = Path(_VIEWER_FOLDER[0].name) / (Path(self._file_name).name or "document.pdf")
        path.write_bytes(self._pdf)
        return path

    def open_in_viewer(self) -> bool:
        """Open the PDF in the system's PDF viewer; says so when there is none."""
        try:
            path = self.viewer_copy()
        except OSError as exc:
            QMessageBox.warning(self, "Not opened", f"The PDF could not be written: {exc}.")
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(
                self,
                "No PDF viewer",
                f"No program to open PDF files was found. The file is at {path}.",
            )
            return False
        return True

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        """Let go of the rendered document."""
        if self._document is not None:
            self._document.close()
            self._document = None
        super().closeEvent(event)
