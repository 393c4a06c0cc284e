"""A push button made in one line: its text (with its Alt letter), the object name tests and
the keyboard checks find it by, and the tooltip that says what it does."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton


def push_button(text: str, name: str, tip: str | None = None) -> QPushButton:
    """A QPushButton showing `text`, named `name`, with `tip` as its tooltip when given."""
    button = QPushButton(text)
    button.setObjectName(name)
    if tip is not None:
        button.setToolTip(tip)
    return button
