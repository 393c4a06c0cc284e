"""The PDF preview says which page it shows at once and draws the page just after, once."""

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from usrg_desktop.views.pdf_preview import PdfPreview


def _pdf(pages: int, size=A4) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=size)
    for n in range(pages):
        c.drawString(72, 72, f"Page {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def _pixmap(preview):
    pixmap = preview.image.pixmap()
    return None if pixmap is None or pixmap.isNull() else pixmap


def test_page_drawn_after_the_window_is_shown(qtbot):
    preview = PdfPreview(title="Pack")
    qtbot.addWidget(preview)
    preview.show()
    preview.set_pdf(_pdf(3), file_name="pack.pdf")
    # At once: the page count and the buttons; the page itself in the next turn.
    assert preview.page_label.text() == "Page 1 of 3"
    assert preview.next_action.isEnabled() and not preview.previous_action.isEnabled()
    qtbot.waitUntil(lambda: _pixmap(preview) is not None)
    pixmap = _pixmap(preview)
    assert pixmap.height() > pixmap.width()  # an A4 page, upright


def test_the_newest_pdf_is_the_one_drawn(qtbot):
    preview = PdfPreview(title="Letters")
    qtbot.addWidget(preview)
    preview.show()
    preview.set_pdf(_pdf(1))
    preview.set_pdf(_pdf(2, landscape(A4)))  # before the first was drawn
    assert preview.page_label.text() == "Page 1 of 2"
    qtbot.waitUntil(lambda: _pixmap(preview) is not None)
    qtbot.wait(50)
    pixmap = _pixmap(preview)
    assert pixmap.width() > pixmap.height()  # the landscape one


def test_turning_pages_draws_the_page_turned_to(qtbot):
    preview = PdfPreview(_pdf(2), title="Two")
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(lambda: _pixmap(preview) is not None)
    preview.next_page()
    assert preview.page_label.text() == "Page 2 of 2" and preview.current_page() == 1
    qtbot.waitUntil(lambda: _pixmap(preview) is not None)


def test_closed_before_drawing_is_no_problem(qtbot):
    preview = PdfPreview(_pdf(1), title="Closed")
    qtbot.addWidget(preview)
    preview.show()
    preview.close()  # lets go of the document before the page was drawn
    qtbot.wait(50)
    assert preview.page_count() == 0
