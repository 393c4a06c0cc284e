"""The red sentence under a field or a form saying what is wrong, shown only when there is one."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: #b00020;"


def error_label(object_name: str = "error") -> QLabel:
    """A hidden, word-wrapped red label for a field's or a form's error sentence."""
    label = QLabel("")
    label.setObjectName(object_name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def set_error(label: QLabel, text: str) -> None:
    """Put a sentence in an error label, shown when there is one and hidden when it is empty."""
    label.setText(text)
    label.setVisible(bool(text))


def show_field_errors(labels: Mapping[str, QLabel], errors: Mapping[str, str]) -> None:
    """Show each field's sentence in its label and hide the labels of the fields without one."""
    for field, label in labels.items():
        set_error(label, errors.get(field, ""))


def add_field_errors(
    labels: Mapping[str, QLabel], errors: Mapping[str, str], *, elsewhere: QLabel
) -> None:
    """Show each sentence under its field, or in `elsewhere` when the field has no label."""
    for field, sentence in errors.items():
        label = labels.get(field, elsewhere)
        label.setText(sentence)
        label.setVisible(True)


def add_refusal(
    labels: Mapping[str, QLabel], errors: Mapping[str, str], sentence: str, *, elsewhere: QLabel
) -> None:
    """Show a refused form: its field sentences as `add_field_errors` does, or, when the
    refusal names no field, its one `sentence` in `elsewhere`."""
    if errors:
        add_field_errors(labels, errors, elsewhere=elsewhere)
    else:
        set_error(elsewhere, sentence)
