"""Help ▸ Getting started: the first-run guide of a new database. It lists what to set up
before the first round (letterhead, signatory, organisations, a first round), ticks what is
done, and opens each step's own screen. It opens by itself after the first administrator of a
new database signs in, and stays open beside the screens it opens."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..workflows.system import getting_started as gs
from .operations import read
from .window_size import fit_on_screen

_BUTTONS = {
    gs.FIRST_ADMINISTRATOR: "&Users…",
    gs.LETTERHEAD: "&Letterhead…",
    gs.SIGNATORY: "&Signatory…",
    gs.ORGANISATIONS: "&Organisations…",
    gs.FIRST_ROUND: "New &round…",
}


class GettingStartedWindow(QWidget):
    """The guide: one line per step with its state, what it is for, and a button to do it."""

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.main_window = window
        self.setObjectName("gettingStarted")
        self.setWindowTitle(f"Getting started — {APP_NAME}")
        intro = QLabel(
            "<p><b>A new database.</b> Before the fund's first round, set up what the letters "
            "and the lists need. Each button opens the screen where it is done; this window "
            "stays open and ticks each step when it is done. Help ▸ Getting started brings it "
            "back at any time.</p>"
        )
        intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        self.states: dict[str, QLabel] = {}
        self.sentences: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        for row, step in enumerate(self._steps()):
            state = QLabel(objectName=f"state_{step.key}")
            title = QLabel(f"<b>{step.title}</b>")
            sentence = QLabel(objectName=f"sentence_{step.key}")
            sentence.setWordWrap(True)
            button = QPushButton(_BUTTONS[step.key], objectName=f"open_{step.key}")
            button.clicked.connect(lambda _checked=False, key=step.key: self.open_step(key))
            self.grid.addWidget(state, row, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(title, row, 1, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(sentence, row, 2, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(button, row, 3, Qt.AlignmentFlag.AlignTop)
            self.states[step.key], self.sentences[step.key] = state, sentence
            self.buttons[step.key] = button
        self.summary = QLabel(objectName="gettingStartedSummary")
        close = QPushButton("&Close", objectName="gettingStartedClose")
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        layout.addWidget(self.summary)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.refresh()
        fit_on_screen(self, 760, 340)

    def _steps(self) -> list[gs.Step]:
        return read(self.main_window.db, gs.getting_started)

    def refresh(self) -> None:
        """Read the steps again and show which are done."""
        steps = self._steps()
        for step in steps:
            self.states[step.key].setText("✓ Done" if step.done else "○ To do")
            self.states[step.key].setStyleSheet("" if step.done else "font-weight: bold;")
            self.sentences[step.key].setText(step.sentence)
        left = [s for s in steps if not s.done]
        first = left[0].key if left else None
        for key, button in self.buttons.items():
            button.setDefault(key == first)
        self.summary.setText(
            "Everything is set up: the fund is ready for its first applications."
            if not left
            else f"{len(left)} of {len(steps)} steps left."
        )

    def open_step(self, key: str) -> None:
        """Open the screen where this step is done."""
        window = self.main_window
        if key == gs.FIRST_ADMINISTRATOR:
            window.show_area("Administration")
        elif key in (gs.LETTERHEAD, gs.SIGNATORY):
            from .letters_view import letterhead

            letterhead(window)
        elif key == gs.ORGANISATIONS:
            window.show_area("Directory")
        elif key == gs.FIRST_ROUND:
            window.show_area("Rounds")
            page = window.current_page()
            controller = getattr(page, "rounds_controller", None)
            if controller is not None:
                dialog = controller.new_round()
                if dialog is not None:
                    dialog.finished.connect(lambda _result: self.refresh())
        window.raise_()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Coming back to the guide shows what was done meanwhile."""
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh()
        super().changeEvent(event)


def getting_started(window: Any) -> QWidget:
    """Help ▸ Getting started: open (or bring forward) the guide."""
    guide = window.open_window("getting-started", lambda: GettingStartedWindow(window))
    guide.refresh()
    return guide


def open_if_new(window: Any) -> QWidget | None:
    """Open the guide when the database has no round yet (a new database)."""
    if not read(window.db, gs.needs_guide):
        return None
    return getting_started(window)
