"""Pieces of reviewer mode's form: a criterion's group of score levels with its comment, the
status marks and recommendation labels, and an application's text as the reviewer reads it."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..money import format_zar
from ..workflows.reviews.review_packets import PacketApplication, RubricCriterion
from ..workflows.reviews.reviewer_session import COMPLETE, CONFLICT, IN_PROGRESS, NOT_STARTED

STATUS_MARK = {NOT_STARTED: "○", IN_PROGRESS: "◐", COMPLETE: "●", CONFLICT: "⊘"}
RECOMMENDATION_TEXT = {
    "fund": "F&und",  # Alt+F is the File menu
    "fund with conditions": "Fund with &conditions",
    "do not fund": "&Do not fund",
}


class CriterionBox(QGroupBox):
    """One criterion: a radio button per level with its descriptor, and a comment box."""

    def __init__(self, criterion: RubricCriterion, parent: QWidget | None = None) -> None:
        super().__init__(f"{criterion.name} ({criterion.weight_percent} %)", parent)
        self.criterion = criterion
        self.setObjectName(f"criterion_{criterion.code}")
        layout = QVBoxLayout(self)
        self.levels = QButtonGroup(self)
        for level, text in criterion.levels_in_order():
            row = QHBoxLayout()
            button = QRadioButton(str(level))
            button.setObjectName(f"level_{criterion.code}_{level}")
            button.setToolTip(text)
            label = QLabel(text)
            label.setWordWrap(True)
            label.setBuddy(button)
            row.addWidget(button)
            row.addWidget(label, 1)
            layout.addLayout(row)
            self.levels.addButton(button, level)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName(f"comment_{criterion.code}")
        self.comment.setPlaceholderText(f"Comment on {criterion.name.lower()}")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(60)
        layout.addWidget(self.comment)

    def level(self) -> int | None:
        """The chosen level, or None."""
        checked = self.levels.checkedButton()
        return None if checked is None else self.levels.id(checked)

    def set_level(self, level: int | None) -> None:
        """Show a level as chosen (None: none)."""
        check_only(self.levels, self.levels.button(level) if level is not None else None)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Digits pick a level when the focus is in this criterion (outside the comment)."""
        text = event.text()
        if text.isdigit() and self.levels.button(int(text)) is not None:
            self.levels.button(int(text)).click()
            return
        super().keyPressEvent(event)


def check_only(group: QButtonGroup, button: QAbstractButton | None) -> None:
    """Check one button of an exclusive group, or none (which Qt allows only unlocked)."""
    if button is not None:
        button.setChecked(True)
        return
    group.setExclusive(False)
    for other in group.buttons():
        other.setChecked(False)
    group.setExclusive(True)


def application_html(app: PacketApplication) -> str:
    """The application as the reviewer reads it: title, applicant, amounts, and each text part."""
    esc = html.escape

    def para(text: str) -> str:
        return "".join(f"<p>{esc(p)}</p>" for p in text.split("\n") if p.strip()) or "<p>—</p>"

    dates = (
        f"{app.starts_on.isoformat()} to {app.ends_on.isoformat()}"
        if app.starts_on and app.ends_on
        else "not given"
    )
    lines = "".join(
        f"<tr><td>{esc(d)}</td><td align='right'>{esc(format_zar(c))}</td></tr>"
        for d, c in app.budget_lines
    )
    attachments = "".join(
        f"<li><a href='attachment:{t.sha256}'>{esc(t.filename)}</a> ({esc(t.kind)}, "
        f"{max(1, t.size_bytes // 1024)} KB)</li>"
        for t in app.attachments
    )
    return (
        f"<h2>{esc(app.reference)}: {esc(app.title)}</h2>"
        f"<p><b>Applicant:</b> {esc(app.applicant)}<br>"
        f"<b>Requested:</b> {esc(format_zar(app.requested_cents))}<br>"
        f"<b>Project dates:</b> {esc(dates)}</p>"
        f"<h3>Summary</h3>{para(app.summary)}"
        f"<h3>Problem addressed</h3>{para(app.problem)}"
        f"<h3>Proposed intervention</h3>{para(app.intervention)}"
        f"<h3>Budget</h3><table cellpadding='3'>{lines}"
        f"<tr><td><b>Total</b></td><td align='right'><b>{esc(format_zar(app.requested_cents))}"
        f"</b></td></tr></table>"
        f"<h3>Attachments</h3><ul>{attachments or '<li>none</li>'}</ul>"
    )
