"""The application form's budget lines: a table of description and amount with a live total
against the amount requested."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..money import format_zar, parse_zar
from .application_common import OK_STYLE
from .form_feedback import ERROR_STYLE


# -- the form -----------------------------------------------------------------------------------
class BudgetLinesEditor(QWidget):
    """The budget lines as a table of typed rows, with Add line, Remove and a live total."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("budgetLines")
        self.table.setHorizontalHeaderLabels(["Description", "Amount (R)", ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Tab goes through the lines' fields and on to Add line, never round the table for good.
        self.table.setTabKeyNavigation(False)
        # The field before the lines and the button after them (set by the form), for Tab.
        self.tab_before: QWidget | None = None
        self.tab_after: QWidget | None = None
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 150)
        self.table.setMinimumHeight(130)
        self.add_button = QPushButton("Add line")
        self.add_button.setObjectName("addBudgetLine")
        self.add_button.setToolTip("Add a budget line (Ctrl+L)")
        self.add_button.clicked.connect(lambda: self.add_line(focus=True))
        self.total_label = QLabel("")
        self.total_label.setObjectName("budgetTotal")
        self.requested_cents: int | None = None
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._rows: list[tuple[QLineEdit, QLineEdit]] = []
        self.update_total()

    def add_line(self, description: str = "", amount: str = "", *, focus: bool = False) -> int:
        """Add a row (optionally filled); returns its number from 0."""
        n = self.table.rowCount()
        self.table.insertRow(n)
        what = QLineEdit(description)
        what.setObjectName(f"lineDescription{n}")
        what.setPlaceholderText("What the money buys")
        what.setFrame(False)
        money = QLineEdit(amount)
        money.setObjectName(f"lineAmount{n}")
        money.setPlaceholderText("0,00")
        money.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        money.setFrame(False)
        money.textChanged.connect(self.update_total)
        remove = QToolButton()
        remove.setText("Remove")
        remove.setObjectName(f"removeLine{n}")
        remove.setToolTip("Remove this budget line")
        remove.clicked.connect(lambda _c=False, w=what: self.remove_line(self._row_of(w)))
        self.table.setCellWidget(n, 0, what)
        self.table.setCellWidget(n, 1, money)
        self.table.setCellWidget(n, 2, remove)
        self._rows.append((what, money))
        self.update_total()
        self.update_tab_order()
        if focus:
            what.setFocus()
        return n

    def update_tab_order(self) -> None:
        """Tab: the field before → each line's description, amount, Remove → Add line → after."""
        chain: list[QWidget] = [self.tab_before] if self.tab_before is not None else []
        for n in range(self.table.rowCount()):
            for col in range(3):
                widget = self.table.cellWidget(n, col)
                if widget is not None:
                    chain.append(widget)
        chain.append(self.add_button)
        if self.tab_after is not None:
            chain.append(self.tab_after)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _row_of(self, edit: QLineEdit) -> int:
        return next(i for i, (what, _m) in enumerate(self._rows) if what is edit)

    def remove_line(self, n: int) -> None:
        """Remove row `n`."""
        self.table.removeRow(n)
        del self._rows[n]
        self.update_total()
        self.update_tab_order()

    def line_edits(self) -> list[tuple[QLineEdit, QLineEdit]]:
        """The (description, amount) editors of each row, in order."""
        return list(self._rows)

    def lines(self) -> tuple[list[tuple[str, int | None]], str]:
        """The rows as (description, cents) and the first amount that is not one ('' if none).

        Fully empty rows are left out; an amount that cannot be read counts as missing.
        """
        out: list[tuple[str, int | None]] = []
        problem = ""
        for n, (what, money) in enumerate(self._rows, start=1):
            description, text = what.text().strip(), money.text().strip()
            if not description and not text:
                continue
            try:
                cents: int | None = parse_zar(text) if text else None
            except ValueError as exc:
                cents = None
                problem = problem or f"Budget line {n}: {exc}."
            out.append((description, cents))
        return out, problem

    def total_cents(self) -> int:
        """The sum of the amounts that can be read."""
        lines, _problem = self.lines()
        return sum(c for _d, c in lines if c is not None)

    def set_requested(self, cents: int | None) -> None:
        """The amount the lines must add up to, for the live total."""
        self.requested_cents = cents
        self.update_total()

    def update_total(self) -> None:
        """Show the lines' total against the request, red while they differ."""
        total = self.total_cents()
        wanted = self.requested_cents
        if wanted is None:
            text, style = f"Lines add up to {format_zar(total)}", ""
        elif total == wanted:
            text, style = f"Lines add up to {format_zar(total)}, as requested ✓", OK_STYLE
        else:
            gap = wanted - total
            side = "short of" if gap > 0 else "over"
            text = (
                f"Lines add up to {format_zar(total)}: {format_zar(abs(gap))} {side} the "
                f"{format_zar(wanted)} requested"
            )
            style = ERROR_STYLE
        self.total_label.setText(text)
        self.total_label.setStyleSheet(style)
