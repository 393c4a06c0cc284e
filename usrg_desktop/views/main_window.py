"""The main window: navigation between the program's areas, each built the first time it shows."""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__, about, clock
from ..storage import Database, StorageError
from ..workflows import Actor, Listing
from .areas import AREA_NAMES, AREAS, AreaSpec, ListSpec
from .commands import MENU_COMMANDS, MenuCommand
from .list_page import ListPage
from .operations import announcer
from .window_size import close_keys, fit_on_screen, tab_leaves_tables
from .worker import Worker

__all__ = ["AREAS", "AREA_NAMES", "AreaSpec", "ListSpec", "MainWindow"]

if TYPE_CHECKING:
    from ..workflows.system.changes import Change
    from .change_watcher import ChangeWatcher

SECRETARIAT_CONTACT = "urbansafety@sacities.net, Tel +27 (0)11 407 6471"
_GEOMETRY_KEY = "main_window/geometry"
_NAVIGATION_STYLE = """
QListWidget#navigation { border: none; border-right: 1px solid palette(mid); outline: 0;
                         background: palette(window); padding-top: 6px; }
QListWidget#navigation::item { padding: 2px 12px; border: none; }
QListWidget#navigation::item:selected { background: palette(highlight);
                                        color: palette(highlighted-text); }
"""


def _latest_change(db: Database) -> int:
    from ..workflows.system.changes import latest_change_id

    try:
        return latest_change_id(db)
    except StorageError:
        return 0


class MainWindow(QMainWindow):
    """Navigation on the left, the current area's lists on the right, the database below."""

    def __init__(
        self,
        db: Database,
        *,
        settings: QSettings | None = None,
        interactive: bool = True,
        actor: Actor | None = None,
        prefetched: dict[str, Future[Listing]] | None = None,
        background_reads: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        # With background_reads (the program's choice, app.py) the lists are read on this
        # worker's thread and the window keeps painting meanwhile; without, at once.
        self.worker = Worker(self) if background_reads else None
        # Who is signed in; workflows check this actor's role. None only for the self-test.
        self.actor = actor
        # Screens opened from the lists (an application, a meeting), one per key.
        self._windows: dict[object, QWidget] = {}
        # Lists already being read (by title) when the window was made: used once, then dropped.
        self._prefetched = dict(prefetched or {})
        self._settings = settings
        # False for the self-test: load problems are collected, no message box waits for a click.
        self._interactive = interactive
        self._areas: list[list[ListPage] | None] = [None] * len(AREAS)
        self._tabs: dict[int, QTabWidget] = {}
        self.about_box: QMessageBox | None = None
        # Looks for other workstations' changes once watch_changes() starts it (the program
        # does, after the first paint; tests start it when they are about it).
        self.change_watcher: ChangeWatcher | None = None
        self.error_box: QMessageBox | None = None
        # The sign-in dialog of File ▸ Sign out / switch user… while it is open.
        self.sign_in_dialog: QWidget | None = None
        # The newest audit event this window has shown: what work here commits is announced
        # (operations.announcer) and read from the audit log after it (changes_made).
        self._seen_change = _latest_change(db)
        announcer.made.connect(self.changes_made)

        self.setWindowTitle(f"{APP_NAME} — {db.display_name}")
        self.setMinimumSize(QSize(720, 480))

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Areas")
        self.navigation.setUniformItemSizes(True)
        nav_font = self.navigation.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.1)
        self.navigation.setFont(nav_font)
        for n, area in enumerate(AREAS, start=1):
            item = QListWidgetItem(area.name)
            item.setToolTip(f"{area.name} (Ctrl+{n})")
            item.setSizeHint(QSize(0, self.navigation.fontMetrics().height() + 16))
            self.navigation.addItem(item)
        self.navigation.setFixedWidth(
            max(self.navigation.fontMetrics().horizontalAdvance(a.name) for a in AREAS) + 56
        )
        # Only this widget is styled: a style sheet on the whole application would route every
        # table cell's painting through QStyleSheetStyle.
        self.navigation.setStyleSheet(_NAVIGATION_STYLE)

        self.stack = QStackedWidget()
        self._containers: list[QWidget] = []
        for _area in AREAS:
            container = QWidget()
            layout = QVBoxLayout(container)
            layout.setContentsMargins(0, 0, 0, 0)
            self._containers.append(container)
            self.stack.addWidget(container)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel(f"Database: {db.display_name}")
        self.database_label.setObjectName("databaseLabel")
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.database_label)
        who = f"Signed in as {actor.name} ({actor.role})" if actor is not None else "Read only"
        self.user_label = QLabel(who)
        self.user_label.setObjectName("userLabel")
        self.statusBar().addPermanentWidget(self.user_label)

        self._build_menus()
        self.navigation.currentRowChanged.connect(self._on_area_changed)
        self._restore_settings()

    # -- menus ----------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.command_actions: dict[str, QAction] = {}
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = QAction("&Export current list…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_current_list)
        file_menu.addAction(self.export_action)
        self._menus: dict[str, QMenu] = {"File": file_menu}
        self._file_end = file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.area_actions: list[QAction] = []
        group = QActionGroup(self)
        for n, area in enumerate(AREAS):
            action = QAction(area.name, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
            action.triggered.connect(partial(self.show_area, n))
            group.addAction(action)
            view_menu.addAction(action)
            self.area_actions.append(action)
        view_menu.addSeparator()
        filter_action = QAction("&Filter the list", self)
        filter_action.setShortcut(QKeySequence("Ctrl+F"))
        filter_action.triggered.connect(self.focus_filter)
        view_menu.addAction(filter_action)
        reload_action = QAction("&Reload the list", self)
        reload_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        reload_action.triggered.connect(self.reload_current_list)
        view_menu.addAction(reload_action)

        for command in MENU_COMMANDS:
            self._add_command(command)

        help_menu = self.menu("Help")
        help_menu.addSeparator()
        about_action = QAction(f"&About {APP_NAME}…", self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)
        self.about_action = about_action

    def menu(self, title: str) -> QMenu:
        """The menu with this title (without '&'), made before Help the first time it is asked."""
        menu = self._menus.get(title)
        if menu is None:
            menu = QMenu(f"&{title}", self)
            help_menu = self._menus.get("Help")
            if help_menu is not None:
                self.menuBar().insertMenu(help_menu.menuAction(), menu)
            else:
                self.menuBar().addMenu(menu)
            self._menus[title] = menu
        return menu

    def _add_command(self, command: MenuCommand) -> QAction:
        action = QAction(command.text, self)
        action.setObjectName(command.name)
        if command.shortcut:
            action.setShortcut(QKeySequence(command.shortcut))
        action.triggered.connect(lambda _checked=False, c=command: c.run(self))
        if command.menu == "File":
            self._menus["File"].insertAction(self._file_end, action)
        else:
            self.menu(command.menu).addAction(action)
        self.command_actions[command.name] = action
        return action

    # -- who is signed in -------------------------------------------------------------------------
    def settings(self) -> QSettings | None:
        """The screens' settings (the sign-in dialog remembers the last user there)."""
        return self._settings

    def set_actor(self, actor: Actor | None) -> None:
        """Act as someone else from now on (None: nobody, after signing out): the lists and
        their buttons are built afresh for that person's role."""
        self.actor = actor
        self.user_label.setText(
            f"Signed in as {actor.name} ({actor.role})" if actor is not None else "Signed out"
        )
        if self.change_watcher is not None:
            self.change_watcher.own_user_id = actor.user_id if actor is not None else None
        current = self.current_area()
        for index, pages in enumerate(self._areas):
            if pages is None:
                continue
            layout = self._containers[index].layout()
            while layout.count():
                item = layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            self._areas[index] = None
            self._tabs.pop(index, None)
        if actor is not None:
            self.show_area(current)

    # -- screens opened from lists ----------------------------------------------------------------
    def open_window(self, key: object, factory: Callable[[], QWidget]) -> QWidget:
        """Show the screen for `key` (say ("application", 12)), making it the first time.

        A screen is its own window, so several can be open beside the lists; asking again for
        one already open brings it to the front.
        """
        window = self._windows.get(key)
        if window is not None and not window.isVisible():
            # Closed a moment ago and waiting for deletion: make a fresh one.
            self._windows.pop(key, None)
            window = None
        if window is None:
            window = factory()
            tab_leaves_tables(window)
            close_keys(window)  # Escape and Ctrl+W close every screen
            window.setParent(self, Qt.WindowType.Window)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(lambda _obj=None, k=key: self._windows.pop(k, None))
            self._windows[key] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_windows(self) -> dict[object, QWidget]:
        """The screens open now, by key."""
        return dict(self._windows)

    def changes_made(self) -> None:
        """Work here just committed: reload the lists that show the records it changed, read
        from the audit log (the workflows record each change there), keeping each list's row."""
        from ..workflows.system.changes import areas_of, kinds_since

        try:
            newest, kinds = kinds_since(self.db, self._seen_change)
        except StorageError:
            return
        if not kinds:
            return
        self._seen_change = newest
        touched = areas_of(kinds)
        for index, area in enumerate(AREAS):
            if area.name in touched:
                for page in self._areas[index] or []:
                    if page.loaded:
                        page.reload_keeping_place()
        if self.change_watcher is not None:
            self.change_watcher.own_changes_made()

    def data_changed(self, *areas: str) -> None:
        """Reload the lists already loaded in these areas (every area when none is named);
        Today, which lists a bit of everything, with any of them."""
        for index, area in enumerate(AREAS):
            if areas and area.name not in areas and area.name != "Today":
                continue
            for page in self._areas[index] or []:
                if page.loaded:
                    page.reload()
        if self.change_watcher is not None:
            self.change_watcher.own_changes_made()

    # -- other workstations' changes --------------------------------------------------------------
    def watch_changes(self, interval_ms: int | None = None) -> ChangeWatcher:
        """Start looking for changes committed elsewhere (another workstation, the command line,
        another program on the same file) and show them as they come."""
        from .change_watcher import POLL_INTERVAL_MS, ChangeWatcher

        if self.change_watcher is None:
            self.change_watcher = ChangeWatcher(
                self.db,
                own_user_id=self.actor.user_id if self.actor is not None else None,
                interval_ms=interval_ms or POLL_INTERVAL_MS,
                parent=self,
            )
            self.change_watcher.changed.connect(self.show_changes_from_elsewhere)
            self.change_watcher.start()
        return self.change_watcher

    def show_changes_from_elsewhere(self, changes: list[Change]) -> None:
        """Reload the lists that show the changed records, keeping each list's current row, and
        tell the open screens of those records (a screen with unsaved edits keeps them)."""
        from ..workflows.system.changes import areas_changed

        touched = areas_changed(changes)
        for index, area in enumerate(AREAS):
            if area.name in touched:
                for page in self._areas[index] or []:
                    if page.loaded:
                        page.reload_keeping_place()
        told: set[object] = set()
        for change in changes:
            screen = self._windows.get(change.key)
            if screen is None or change.key in told:
                continue
            told.add(change.key)
            handler = getattr(screen, "record_changed_elsewhere", None)
            if callable(handler):
                handler(change)
        who = ", ".join(sorted({c.actor_name for c in changes}))
        count = f"{len(changes)} change{'s' if len(changes) != 1 else ''}"
        self.statusBar().showMessage(f"Shown: {count} just saved elsewhere by {who}.", 15000)

    @property
    def today(self) -> date:
        """Today in Africa/Johannesburg, read from the clock each time (a window stays open
        across midnight)."""
        return clock.today()

    # -- areas ----------------------------------------------------------------------------------
    def show_area(self, area: int | str) -> None:
        """Show an area by index or name, building and loading it the first time."""
        index = AREA_NAMES.index(area) if isinstance(area, str) else int(area)
        if self.navigation.currentRow() != index:
            self.navigation.setCurrentRow(index)  # calls _on_area_changed
        else:
            self._on_area_changed(index)

    def current_area(self) -> str:
        """The name of the area shown."""
        return AREA_NAMES[max(0, self.stack.currentIndex())]

    def _on_area_changed(self, index: int) -> None:
        if index < 0:
            return
        self._build_area(index)
        self.stack.setCurrentIndex(index)
        self.area_actions[index].setChecked(True)
        page = self.current_page()
        if page is not None:
            self._load(page)

    def _build_area(self, index: int) -> list[ListPage]:
        pages = self._areas[index]
        if pages is not None:
            return pages
        area = AREAS[index]
        pages = [self._make_page(spec) for spec in area.lists]
        layout = self._containers[index].layout()
        if len(pages) == 1:
            layout.addWidget(pages[0])
        else:
            tabs = QTabWidget()
            tabs.setDocumentMode(True)
            for page, spec in zip(pages, area.lists, strict=True):
                tabs.addTab(page, spec.title)
            tabs.currentChanged.connect(lambda _n, t=tabs: self._load(t.currentWidget()))
            self._tabs[index] = tabs
            layout.addWidget(tabs)
        self._areas[index] = pages
        return pages

    def _make_page(self, spec: ListSpec) -> ListPage:
        page = ListPage(spec.title, spec.noun, partial(self._query, spec), worker=self.worker)
        page.status_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        page.load_failed.connect(partial(self._on_load_failed, spec))
        if spec.setup:
            spec.setup(self, page)
            tab_leaves_tables(page)  # a side panel's tables too
            page.update_tab_order()  # the hook may have moved the table into a splitter
        return page

    def _query(self, spec: ListSpec) -> Listing:
        early = self._prefetched.pop(spec.title, None)
        self._prefetched.clear()  # read at start-up: only for the first list shown, never later
        if early is not None:
            return early.result()
        return spec.query(self.db, self.today)

    def _load(self, page: ListPage) -> None:
        page.ensure_loaded()

    def pages(self, area: int | str) -> list[ListPage]:
        """The list pages of an area (building it, without loading, if it was never shown)."""
        index = AREA_NAMES.index(area) if isinstance(area, str) else int(area)
        return self._build_area(index)

    def is_built(self, area: int | str) -> bool:
        """Whether an area's widgets exist yet (areas are built the first time they show)."""
        index = AREA_NAMES.index(area) if isinstance(area, str) else int(area)
        return self._areas[index] is not None

    def show_page(self, area: int | str, page: int) -> ListPage:
        """Show one list of an area (its tab, for areas with several) and return it, loaded."""
        self.show_area(area)
        index = self.stack.currentIndex()
        tabs = self._tabs.get(index)
        if tabs is not None:
            tabs.setCurrentIndex(page)
        target = self.pages(index)[page]
        self._load(target)
        return target

    def current_page(self) -> ListPage | None:
        """The list page shown (the current tab of a tabbed area)."""
        index = self.stack.currentIndex()
        tabs = self._tabs.get(index)
        if tabs is not None:
            return tabs.currentWidget()  # type: ignore[return-value]
        pages = self._areas[index] if index >= 0 else None
        return pages[0] if pages else None

    def _on_load_failed(self, spec: ListSpec, message: str) -> None:
        if not self._interactive:
            return
        self.show_error(f"The {spec.noun} could not be loaded", message)

    def show_error(self, title: str, message: str) -> None:
        """Tell the user about a problem in a message box (never a traceback)."""
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, title, parent=self)
        box.setInformativeText(message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.error_box = box
        box.open()

    # -- commands -------------------------------------------------------------------------------
    def export_current_list(self) -> None:
        """Ask for a file and export the list shown (File ▸ Export current list…, Ctrl+E)."""
        page = self.current_page()
        if page is not None:
            page.export_with_dialog()

    def focus_filter(self) -> None:
        """Put the cursor in the current list's filter box (Ctrl+F)."""
        page = self.current_page()
        if page is not None:
            page.focus_filter()

    def reload_current_list(self) -> None:
        """Run the current list's query again (F5)."""
        page = self.current_page()
        if page is not None:
            page.reload()

    def show_about(self) -> None:
        """Show the About box: version, schema, database, log file and the secretariat's contact."""
        python = ".".join(str(n) for n in sys.version_info[:3])
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>The Urban Safety Reference Group's innovation fund and quarterly meetings, "
            "for the South African Cities Network (SACN).</p>"
            + "".join(
                f"<p><b>{label}:</b> {html.escape(value)}</p>"
                for label, value in about.facts(self.db, ask_server=True)[1:]
            )
            + "<p><b>SACN secretariat:</b> "
            '<a href="mailto:urbansafety@sacities.net">urbansafety@sacities.net</a>, '
            "Tel +27 (0)11 407 6471</p>"
            f"<p><small>Python {python}, PySide6 {pyside_version}</small></p>"
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_box = box
        box.open()

    # -- settings -------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        # The window opens where it was, on Today: what needs doing comes first every day.
        geometry = self._settings.value(_GEOMETRY_KEY) if self._settings is not None else None
        if geometry:
            self.restoreGeometry(geometry)
        else:
            fit_on_screen(self, 1280, 800, grow=0.9)
        self.show_area(AREA_NAMES[0])

    def save_settings(self) -> None:
        """Remember the window's geometry for next time."""
        if self._settings is None:
            return
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.sync()

    def close_screens(self) -> bool:
        """Close every open screen; False when one holds unsaved changes and asks first.

        The program goes on closing once that question is answered with Save or Discard.
        """
        from .unsaved import guard_of

        for screen in list(self._windows.values()):
            if not screen.isVisible() or screen.close():
                continue
            screen.raise_()
            screen.activateWindow()
            guard = guard_of(screen)
            if guard is not None:

                def answered(went_on: bool, guard=guard) -> None:
                    guard.answered.disconnect(answered)
                    if went_on:
                        self.close()

                guard.answered.connect(answered)
            return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Close the open screens (asking about unsaved changes), remember geometry and area,
        then close."""
        if not self.close_screens():
            event.ignore()
            return
        self.save_settings()
        if self.worker is not None:
            self.worker.stop()  # what is queued is dropped; the thread ends after its query
        super().closeEvent(event)
