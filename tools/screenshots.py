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
        window = MainWindow(db, settings=settings, today=DEMO_TODAY)
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
        window.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
