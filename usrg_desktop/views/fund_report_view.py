"""Awards ▸ Report to the funder…: choose a period (and rounds), see the figures, two charts
(QtCharts) and every table on screen, then Export… writes the same report as a PDF on the
letterhead or an XLSX workbook (workflows/grants/fund_report.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import clock
from ..money import format_zar
from ..storage import StorageError
from ..workflows import WorkflowError
from .date_fields import pydate, qdate
from .operations import read
from .table_model import ListingTableModel
from .window_size import fit_on_screen

TEAL, OCHRE, GREY = QColor("#00606b"), QColor("#e0a030"), QColor("#9bb8bc")
TAB_TITLES = {
    "rounds": "By round",
    "applicants": "By applicant",
    "kinds": "By kind",
    "themes": "By theme",
    "money": "Committed and disbursed",
    "reports": "Reports",
    "grants": "Grants",
}


class FundReportWindow(QWidget):
    """The funder's report on screen, with Show and Export…"""

    def __init__(self, window: Any) -> None:
        super().__init__()
        from ..workflows.grants.fund_report import round_choices

        self.window = window
        self.report: Any = None
        self.setObjectName("fundReportWindow")
        self.setWindowTitle("Report to the funder")
        today = clock.today()
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.period_from = QDateEdit(qdate(date(today.year - 1, 1, 1)), objectName="fundFrom")
        self.period_to = QDateEdit(qdate(today), objectName="fundTo")
        for edit in (self.period_from, self.period_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        controls.addWidget(QLabel("&From:", buddy=self.period_from))
        controls.addWidget(self.period_from)
        controls.addWidget(QLabel("&To:", buddy=self.period_to))
        controls.addWidget(self.period_to)
        self.rounds = QListWidget(objectName="fundRounds")
        self.rounds.setMaximumHeight(70)
        self.rounds.setToolTip(
            "Tick rounds to report on; with none ticked, every round open in the period"
        )
        for rid, name, _opens, _closes in read(window.db, round_choices):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, rid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.rounds.addItem(item)
        controls.addWidget(QLabel("&Rounds:", buddy=self.rounds))
        controls.addWidget(self.rounds, 1)
        self.show_button = QPushButton("&Show", objectName="fundShow")
        self.export_button = QPushButton("&Export…", objectName="fundExport")
        self.export_button.setToolTip("Save this report as a PDF on the letterhead or a workbook")
        self.show_button.clicked.connect(self.show_report)
        self.export_button.clicked.connect(self.export_with_dialog)
        controls.addWidget(self.show_button)
        controls.addWidget(self.export_button)
        layout.addLayout(controls)
        self.summary = QLabel(objectName="fundSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical)
        charts = QWidget()
        charts_row = QHBoxLayout(charts)
        charts_row.setContentsMargins(0, 0, 0, 0)
        self.money_chart = QChartView(objectName="fundMoneyChart")
        self.applicant_chart = QChartView(objectName="fundApplicantChart")
        for view in (self.money_chart, self.applicant_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
            charts_row.addWidget(view)
        splitter.addWidget(charts)
        self.tabs = QTabWidget(objectName="fundTables")
        self.models: dict[str, ListingTableModel] = {}
        self.tables: dict[str, QTableView] = {}
        for key, title in TAB_TITLES.items():
            table = QTableView()
            model = ListingTableModel(table)
            table.setModel(model)
            table.setSortingEnabled(True)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            self.models[key] = model
            self.tables[key] = table
            self.tabs.addTab(table, title)
        splitter.addWidget(self.tabs)
        layout.addWidget(splitter, 1)
        self.problem = QLabel(objectName="fundProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        fit_on_screen(self, 1180, 780, grow=0.85)
        self.show_report()

    def chosen(self) -> dict[str, Any]:
        """The period and rounds as the workflow takes them."""
        ticked = [
            self.rounds.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(self.rounds.count())
            if self.rounds.item(n).checkState() == Qt.CheckState.Checked
        ]
        return {
            "period_from": pydate(self.period_from.date()),
            "period_to": pydate(self.period_to.date()),
            "round_ids": ticked or None,
            "today": clock.today(),
            "actor": self.window.actor,
        }

    def show_report(self) -> bool:
        """Gather the report for the period and show it; a refusal is shown as its sentence."""
        from ..workflows.grants.fund_report import fund_report

        try:
            self.report = read(self.window.db, fund_report, **self.chosen())
        except (WorkflowError, StorageError) as exc:
            self.report = None
            self.problem.setText(str(exc))
            self.summary.clear()
            for model in self.models.values():
                model.set_listing(_empty())
            self.money_chart.setChart(QChart())
            self.applicant_chart.setChart(QChart())
            self.export_button.setEnabled(False)
            return False
        report = self.report
        self.problem.clear()
        self.export_button.setEnabled(True)
        self.summary.setText(
            f"<b>{', '.join(report.round_names)}</b>: {report.received} applications "
            f"received, {report.approved} approved ({report.success_rate:.1f} %); "
            f"committed {format_zar(report.committed_cents)}, disbursed "
            f"{format_zar(report.disbursed_cents)}; reports received "
            f"{report.reports_received} of {report.reports_due} due, "
            f"{report.reports_overdue} overdue (counted to {report.as_of.isoformat()})."
        )
        for key, model in self.models.items():
            model.set_listing(report.tables[key])
            self.tables[key].resizeColumnsToContents()
        self.money_chart.setChart(_money_chart(report))
        self.applicant_chart.setChart(_applicant_chart(report))
        return True

    def export_to(self, path: str | Path) -> Path:
        """Write the report as shown (period and rounds) to a .pdf or .xlsx file."""
        from ..workflows.grants.fund_report import write_fund_report

        read(self.window.db, write_fund_report, out=Path(path), **self.chosen())
        return Path(path)

    def export_with_dialog(self) -> None:
        """Export…: choose the file (its kind by its name) and write it."""
        start = str(Path.home() / f"USRG funder report {clock.today().isoformat()}.pdf")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the report", start, "PDF on the letterhead (*.pdf);;Workbook (*.xlsx)"
        )
        if not path:
            return
        try:
            written = self.export_to(path)
        except (WorkflowError, StorageError) as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText(f"Saved to {written}.")


def _short(name: str) -> str:
    """'2025 R1' for 'Innovation Fund 2025 Round 1': room for several rounds under a chart."""
    return name.replace("Innovation Fund ", "").replace("Round ", "R")


def _empty() -> Any:
    from ..workflows import Listing

    return Listing("", [], [])


def _money_chart(report: Any) -> QChart:
    """Budget, committed and disbursed per round, in R million."""
    rows = report.tables["money"].rows
    budgets = {r[0]: r[1] for r in report.tables["rounds"].rows}
    series = QBarSeries()
    for label, colour, values in (
        ("Budget", GREY, [budgets[r[0]] for r in rows]),
        ("Committed", TEAL, [r[1] for r in rows]),
        ("Disbursed", OCHRE, [r[3] for r in rows]),
    ):
        bars = QBarSet(label)
        bars.setColor(colour)
        for cents in values:
            bars.append(cents / 100_000_000)
        series.append(bars)
    chart = QChart()
    chart.setTitle("Budget, committed and disbursed (R million)")
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([_short(r[0]) for r in rows])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    values = QValueAxis()
    values.setLabelFormat("%.1f")
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(values)
    values.setMin(0)
    values.applyNiceNumbers()
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _applicant_chart(report: Any) -> QChart:
    """Applications received and approved per applicant."""
    rows = list(reversed(report.tables["applicants"].rows))
    series = QHorizontalBarSeries()
    for label, colour, column in (("Received", GREY, 2), ("Approved", TEAL, 3)):
        bars = QBarSet(label)
        bars.setColor(colour)
        for row in rows:
            bars.append(row[column])
        series.append(bars)
    chart = QChart()
    chart.setTitle("Applications received and approved")
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append([r[0] for r in rows])
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(names)
    counts = QValueAxis()
    counts.setLabelFormat("%d")
    chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(counts)
    counts.setMin(0)
    counts.applyNiceNumbers()
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def open_fund_report(window: Any) -> QWidget:
    """Awards ▸ Report to the funder…"""
    return window.open_window("fund report", lambda: FundReportWindow(window))
