"""The first start on a computer without a database: make one (an explicit choice, never a
side effect of opening), open a database file the user already has, or quit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME


class FirstRunDialog(QDialog):
    """Make a new database at the usual place, open an existing file, or quit.

    After exec(): `chosen` is the database file to open (None: quit), `create` whether it is
    to be made new.
    """

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle(f"{APP_NAME}: a database to work in")
        self.default_path = default_path
        self.chosen: Path | None = None
        self.create = False

        intro = QLabel(
            f"<p><b>Welcome to {APP_NAME}.</b> There is no database on this computer yet.</p>"
            "<p>Make a new one to start the fund's and the meetings' records here, or open a "
            "database file you already have (a copy from another computer, a backup).</p>"
            "<p>Several workstations sharing one PostgreSQL database start the program with "
            'the server\'s address instead (the README, "A shared PostgreSQL database").</p>'
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        where = QLabel(f"A new database is made at:\n{default_path}")
        where.setObjectName("newDatabasePath")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel("")
        self.error.setObjectName("firstRunError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")

        self.create_button = QPushButton("&Create a new database")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.choose_new)
        self.open_button = QPushButton("&Open a database file…")
        self.open_button.clicked.connect(lambda: self.choose_file())
        self.quit_button = QPushButton("&Quit")
        self.quit_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())

    def choose_new(self) -> None:
        """Make the new database at the usual place."""
        self.chosen, self.create = self.default_path, True
        self.accept()

    def choose_file(self, path: str | None = None) -> bool:
        """Open an existing database file (asked for when `path` is not given)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                "Open a USRG Desktop database",
                str(Path.home()),
                "USRG Desktop databases (*.sqlite3 *.sqlite *.db);;All files (*)",
            )
            if not path:
                return False
        chosen = Path(path)
        if not chosen.is_file():
            self.error.setText(f"There is no file at {chosen}; choose another.")
            return False
        self.chosen, self.create = chosen, False
        self.accept()
        return True


def ask_first_run(default_path: Path) -> tuple[str, bool] | None:
    """Ask how to start on a computer without a database: (database to open, make it new?),
    or None when the user quits."""
    dialog = FirstRunDialog(default_path)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
        return None
    return str(dialog.chosen), dialog.create
