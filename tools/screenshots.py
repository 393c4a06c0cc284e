"""Make the screenshots the README shows (docs/*.png), offscreen, from a fresh small demo database.

Run with `make screenshots` (or `QT_QPA_PLATFORM=offscreen python tools/screenshots.py`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
# The day the demo is built around, as in the tests: the same picture on every run.
DEMO_TODAY = date(2026, 11, 25)
DEMO_SEED = 2014
SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    """Write docs/main-window.png from the demo data (or from the database given)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="use this database instead of a fresh demo")
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    parser.add_argument(
        "--every-list", action="store_true", help="also one picture per list (area-*.png)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from usrg_desktop import APP_NAME, storage

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    with tempfile.TemporaryDirectory() as scratch:
        if args.database:
            db = storage.open_database(args.database)
        else:
            from usrg_desktop.workflows.demo import fill_demo

            db = storage.open_database(Path(scratch) / "usrg-demo.sqlite3")
            fill_demo(db, scale="small", seed=DEMO_SEED, today=DEMO_TODAY)

        from usrg_desktop.views.main_window import MainWindow

        # A throwaway settings file: the picture never depends on this machine's last session.
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        from usrg_desktop.workflows.system.accounts import actor_named

        with db.unit_of_work() as session:
            actor = actor_named(session, username="secretariat")
        window = MainWindow(db, settings=settings, today=DEMO_TODAY, actor=actor)
        window.resize(*SIZE)
        window.show()
        app.processEvents()
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        target = out / "main-window.png"
        if not window.grab().save(str(target)):
            print(f"Could not write {target}", file=sys.stderr)
            return 1
        print(f"Wrote {target}")
        if args.every_list:
            from usrg_desktop.views.main_window import AREAS

            for a, area in enumerate(AREAS):
                for n, spec in enumerate(area.lists):
                    window.show_page(a, n)
                    app.processEvents()
                    name = spec.title.lower().replace(" ", "-")
                    window.grab().save(str(out / f"area-{name}.png"))
            print(f"Wrote one picture per list to {out}")
        screens(app, window, db, out)
        window.close()
        db.dispose()
    return 0


def _save(app, widget, target: Path, size: tuple[int, int] | None = None) -> None:
    if size:
        widget.resize(*size)
    widget.show()
    for _ in range(3):
        app.processEvents()
    widget.grab().save(str(target))
    print(f"Wrote {target}")


def _first_page_png(pdf: Path, target: Path, scale: float = 1.4) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        document[0].render(scale=scale).to_pil().save(target)
    finally:
        document.close()
    print(f"Wrote {target}")


def screens(app, window, db, out: Path) -> None:
    """The screens and printouts the README shows, from the demo's own data."""
    from usrg_desktop.views.applications_view import open_application
    from usrg_desktop.views.meeting_screen import open_meeting
    from usrg_desktop.views.reviews_view import open_ranking
    from usrg_desktop.workflows.meetings.meeting_pack import build_meeting_pack

    in_review = db.rows(
        "SELECT id FROM applications WHERE state = 'in_review' ORDER BY reference LIMIT 1"
    )[0][0]
    _save(app, open_application(window, in_review), out / "application-screen.png", (1100, 760))
    next_meeting = db.rows(
        "SELECT id FROM meetings WHERE status = 'planned' ORDER BY starts_on LIMIT 1"
    )[0][0]
    meeting = open_meeting(window, next_meeting)
    from PySide6.QtWidgets import QTabWidget

    for tabs in meeting.findChildren(QTabWidget):
        for n in range(tabs.count()):
            if tabs.tabText(n).replace("&", "") == "Agenda":
                tabs.setCurrentIndex(n)
    _save(app, meeting, out / "meeting-screen.png", (1100, 760))
    _save(app, open_ranking(window), out / "ranking.png", (1200, 760))
    with tempfile.TemporaryDirectory() as scratch:
        pack = Path(scratch) / "pack.pdf"
        work = build_meeting_pack(db, meeting_id=next_meeting, out=pack, today=DEMO_TODAY)
        for _step in work:
            pass
        _first_page_png(pack, out / "meeting-pack-cover.png", scale=0.8)


if __name__ == "__main__":
    sys.exit(main())
