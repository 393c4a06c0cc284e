"""Run in a child process on a 1366×768 offscreen screen: open each kind of window and print
its size as JSON (see test_keyboard_and_size.test_every_window_fits_a_1366_by_768_laptop)."""

from __future__ import annotations

import json
import sys


def _blank_pdf(path: str):  # -> Path
    from pathlib import Path

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as f:
        writer.write(f)
    return Path(path)


def main(database: str, packet: str) -> None:
    """Print {window: [width, height]} for the main window and each secondary window."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from usrg_desktop import storage
    from usrg_desktop.views import letters_view as lv
    from usrg_desktop.views.applications_view import open_application, open_new_application
    from usrg_desktop.views.awards_view import open_award
    from usrg_desktop.views.main_window import MainWindow
    from usrg_desktop.views.meeting_screen import open_meeting
    from usrg_desktop.views.reviewer_mode import ReviewerWindow
    from usrg_desktop.views.reviews_view import open_ranking
    from usrg_desktop.views.rubric_editor import RubricEditor
    from usrg_desktop.workflows.reviews.reviewer_session import ReviewerSession
    from usrg_desktop.workflows.system.accounts import actor_named

    db = storage.Database(database)
    with db.unit_of_work() as session:
        actor = actor_named(session, username="admin")
    window = MainWindow(db, settings=None, actor=actor)
    window.show()
    first = lambda sql: db.rows(sql)[0][0]  # noqa: E731
    windows = {
        "main window": window,
        "new application": open_new_application(window),
        "application": open_application(window, first("SELECT id FROM applications LIMIT 1")),
        "meeting": open_meeting(window, first("SELECT id FROM meetings LIMIT 1")),
        "award": open_award(window, first("SELECT id FROM awards LIMIT 1")),
        "letterhead": lv.letterhead(window),
        "letter templates": lv.letter_templates(window),
        "ranking": open_ranking(window),
        "rubric editor": RubricEditor(window),
        "reviewer mode": ReviewerWindow(ReviewerSession.open(packet, autosave_dir=database + "-a")),
        "pdf preview": lv.open_pdf_file(window, _blank_pdf(database + ".pdf")),
    }
    for widget in windows.values():
        widget.show()
    app.processEvents()
    sizes = {
        name: [w.frameGeometry().width(), w.frameGeometry().height()] for name, w in windows.items()
    }
    print(json.dumps(sizes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
