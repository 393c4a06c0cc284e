"""The GUI's composition root: arguments, the database, the main window, and the self-test.

Qt and the views are imported inside `main`, after the arguments are read: `--version` and
argument errors answer at once, and nothing here slows down the first paint.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import APP_NAME, __version__, clock, settings, storage
from .about import VersionAction

if TYPE_CHECKING:
    from .views.main_window import MainWindow

ORGANISATION = "SACN"


def build_parser() -> argparse.ArgumentParser:
    """The arguments of `usrg-desktop` (and `python -m usrg_desktop`)."""
    parser = argparse.ArgumentParser(
        prog="usrg-desktop",
        description=f"{APP_NAME}: the USRG innovation fund and quarterly meetings.",
    )
    parser.add_argument(
        "packet",
        nargs="?",
        help="a review packet (.usrgpacket) to score in reviewer mode, without any database",
    )
    parser.add_argument(
        "--database",
        help="SQLite file or postgresql+psycopg:// URL (default: USRG_DATABASE or the local file)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open every area without showing a window, check each list, print a line per area",
    )
    # For bench/: quit as soon as the main window has painted its first list.
    parser.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action=VersionAction)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI (or the self-test); returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a wrong argument (already explained)
        return exc.code if isinstance(exc.code, int) else 0
    if not args.self_test:
        # Qt's own message for a missing system library names neither it nor its package.
        from .qt_libraries import check_before_qt

        problem = check_before_qt()
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
    if args.packet is not None:
        # Reviewer mode: only the packet's contents, never a secretariat database.
        from .views.reviewer_mode import run_reviewer_mode

        return run_reviewer_mode(args.packet, exit_after_start=args.exit_after_start)
    target = settings.database_target(args.database)
    if args.self_test:
        # The self-test only reads: it never makes a database, not even the default one.
        return self_test(target, create=False)
    # A --database or USRG_DATABASE that names no file is a mistyped path, refused with a
    # sentence. Without one, the program's own file is made only when the user says so.
    create = False
    if not (args.database or os.environ.get(settings.DATABASE_ENV)) and not Path(target).exists():
        _application()
        from .views.first_run import ask_first_run

        chosen = ask_first_run(Path(target))
        if chosen is None:
            return 0
        target, create = chosen

    try:
        db: storage.Database | None = storage.open_database(target, create=create)
        problem = None
    except storage.StorageError as exc:
        db, problem = None, exc
    prefetched = {}
    if db is not None:
        # Read the first list while Qt loads: SQLite runs its query without holding the GIL,
        # so the query and the import of Qt share the two cores instead of taking turns.
        from concurrent.futures import ThreadPoolExecutor

        from .workflows.system.today import today_listing

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
        # The window opens on Today.
        prefetched["Today"] = pool.submit(today_listing, db, today=clock.today())
        pool.shutdown(wait=False)  # the thread ends with its queries

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    app = _application()
    from .diagnostics import start_logging
    from .views.unexpected_errors import install

    # The hook at once; the log file itself is opened just after the first paint (until then a
    # record goes to stderr), so that start-up stays quick.
    install(settings.log_file())
    QTimer.singleShot(0, start_logging)
    if db is None:
        QMessageBox.critical(None, APP_NAME, str(problem))
        return 1

    from .views.main_window import MainWindow

    qsettings = user_settings()
    actor = None
    if not args.exit_after_start:  # the start-up benchmark only paints the first list
        from .views.sign_in import ask_who_is_acting

        try:
            actor = ask_who_is_acting(db, qsettings)
        except storage.StorageError as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            return 1
        if actor is None:
            db.dispose()
            return 0
    from .views.remembered import forget_geometry, remember_geometry

    # Every window and splitter opens where the user left it (the main window keeps its own).
    keeper = remember_geometry(qsettings)
    # Lists are read on the window's worker thread: the window paints while they load.
    window = MainWindow(
        db, settings=qsettings, actor=actor, prefetched=prefetched, background_reads=True
    )
    window.show()
    warn_about_network_share(window, db)
    from .views.collector import freeze_long_lived

    # What the program holds once its window is up it holds until it ends: out of the garbage
    # collector's reach, so that no full collection walks it again (views/collector.py).
    QTimer.singleShot(0, freeze_long_lived)
    if args.exit_after_start:
        # The start-up benchmark stops once the first list is shown, not before its rows came.
        first = window.current_page()
        first.when_loaded(lambda: QTimer.singleShot(0, app.quit))
    else:
        # After the first paint, so that copying the file never delays start-up.
        QTimer.singleShot(0, lambda: daily_backup(window, db))
        # Then keep an eye on changes committed at other workstations.
        QTimer.singleShot(0, window.watch_changes)
        # A new database (no round yet): the guide to setting it up.
        from .views.getting_started import open_if_new

        QTimer.singleShot(0, lambda: open_if_new(window))
    code = app.exec()
    forget_geometry(keeper)
    if window.worker is not None:
        window.worker.stop(wait_s=5)  # a read still running ends before the engine goes
    db.dispose()
    return code


def _application():  # -> QApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    from PySide6.QtGui import QIcon

    from .resources import resource_path

    # The window and task-bar icon; the desktop file name ties the window to the menu entry.
    app.setWindowIcon(QIcon(str(resource_path("icons", "usrg-desktop.png"))))
    app.setDesktopFileName("usrg-desktop")
    return app


def user_settings():  # -> QSettings
    """The screens' settings of the user at this computer (`settings.gui_settings_file()`).

    The first start after 0.1.0 brings the window geometry and the last user name over from
    Qt's own store, where 0.1.0 kept them.
    """
    from PySide6.QtCore import QSettings

    path = settings.gui_settings_file()
    fresh = not path.exists()
    qsettings = QSettings(str(path), QSettings.Format.IniFormat)
    if fresh:
        earlier = QSettings(ORGANISATION, APP_NAME)
        for key in earlier.allKeys():
            qsettings.setValue(key, earlier.value(key))
        if earlier.allKeys():
            qsettings.sync()
    return qsettings


def scratch_settings(folder: str):  # -> QSettings
    """Settings kept in `folder` for a run that must leave the user's alone (the self-test).

    Every other QSettings the process makes (Qt's own store, any format) goes there too.
    """
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, folder)
    return QSettings(os.path.join(folder, "usrg-desktop.ini"), QSettings.Format.IniFormat)


def warn_about_network_share(window: MainWindow, db: storage.Database) -> None:
    """A SQLite database on a network share is in danger: say so at once, and keep saying so
    in the status bar."""
    from .locations import network_share_warning

    warning = network_share_warning(db.path) if db.path is not None else ""
    if not warning:
        return
    from PySide6.QtWidgets import QLabel, QMessageBox

    shown = QLabel("⚠ The database is on a network share: use PostgreSQL to share it.")
    shown.setObjectName("networkShareWarning")
    shown.setToolTip(warning)
    shown.setStyleSheet("color: #b00020;")
    window.statusBar().addPermanentWidget(shown)
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, warning, parent=window)
    box.setObjectName("networkShareWarningBox")
    box.open()


def daily_backup(window: MainWindow, db: storage.Database) -> None:
    """Make the day's backup of a local database; say so (or why not) in the status bar."""
    from .workflows.system.backups import daily_backup_if_due

    try:
        made = daily_backup_if_due(db, settings.backups_dir(), now=clock.local_now())
    except (storage.StorageError, OSError) as exc:
        window.statusBar().showMessage(f"The daily backup could not be made: {exc}")
        return
    if made is not None:
        window.statusBar().showMessage(f"Daily backup saved to {made}", 10_000)


def self_test(target: str, *, create: bool = True) -> int:
    """Open every area of the main window offscreen-capable and check each list shows rows."""
    # Nothing needs to reach a screen: this also runs on build servers without a display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        db = storage.open_database(target, create=create)
    except storage.StorageError as exc:
        print(f"Self-test failed: {exc}", file=sys.stderr)
        return 1
    try:
        lines, problems = _check_every_area(db)
        records = _check_records(db)
        lines.append(records.sentence(db.display_name) if records.ok else "Records: not verified")
        if not records.ok:
            problems.append(records.sentence(db.display_name))
    except Exception as exc:  # the self-test reports any failure as a reason, not a traceback
        print(f"Self-test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    for line in lines:
        print(line)
    if problems:
        for problem in problems:
            print(f"Self-test failed: {problem}", file=sys.stderr)
        return 1
    print(f"Self-test passed on {db.display_name}")
    return 0


def _show_every_list(
    window: MainWindow,
    areas: Sequence,
    lines: list[str],
    problems: list[str],
    counts: dict[tuple[int, int], int],
    raised: list[str],
) -> None:
    """Show each area's lists in turn, noting what each shows and what went wrong."""
    from PySide6.QtWidgets import QApplication

    from .counting import counted_plural

    for a, area in enumerate(areas):
        parts = []
        for p, spec in enumerate(area.lists):
            page = window.show_page(a, p)
            QApplication.processEvents()
            for error in raised:
                problems.append(f"{area.name} ▸ {spec.title}: the screen raised {error}")
            raised.clear()
            if page.error is not None:
                problems.append(f"{area.name} ▸ {spec.title}: {page.error}")
                parts.append(f"{spec.title.lower()} not loaded")
                continue
            counts[a, p] = page.model.rowCount()
            parts.append(counted_plural(counts[a, p], spec.noun))
        lines.append(f"{area.name + ':':<16}{', '.join(parts)}")


def _check_records(db: storage.Database):  # -> workflows.system.records.RecordsCheck
    """The database file's integrity and the audit log's hash chain (see `usrg db verify`)."""
    from .workflows.system.records import check_records

    with db.reading() as session:
        return check_records(session)


def _check_every_area(db: storage.Database) -> tuple[list[str], list[str]]:
    import tempfile

    _application()
    with tempfile.TemporaryDirectory(prefix="usrg-self-test-") as scratch:
        # The window remembers its size and area as at any start, but in a folder of its own
        # that goes with the self-test: the user's next real start is not touched.
        return _check_every_area_with(db, scratch_settings(scratch))


def _check_every_area_with(db: storage.Database, qsettings) -> tuple[list[str], list[str]]:
    from .views.main_window import AREAS, MainWindow

    window = MainWindow(db, settings=qsettings, interactive=False)
    lines: list[str] = []
    problems: list[str] = []
    counts: dict[tuple[int, int], int] = {}
    # An exception in a Qt slot reaches sys.excepthook and nothing else: a screen that raised
    # while being shown would otherwise leave the self-test "passed".
    raised: list[str] = []
    previous_hook = sys.excepthook
    sys.excepthook = lambda kind, exc, _tb: raised.append(f"{kind.__name__}: {exc}")
    try:
        _show_every_list(window, AREAS, lines, problems, counts, raised)
    finally:
        sys.excepthook = previous_hook
    # Every list must show all the rows its query found; the reference lists the program
    # ships with (cities, bodies) must never be empty. Other lists may rightly be empty in a
    # young database (no action items yet), so they are reported, not failed.
    for (a, p), count in counts.items():
        spec = AREAS[a].lists[p]
        expected = len(spec.query(db, clock.today()).rows)
        if count != expected:
            problems.append(f"{AREAS[a].name} ▸ {spec.title}: shows {count} of {expected} rows")
        if count == 0 and spec.reference:
            problems.append(f"{AREAS[a].name} ▸ {spec.title}: the list is empty")
    window.close()
    window.deleteLater()
    return lines, problems
