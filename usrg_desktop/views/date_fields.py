"""Dates between Python and Qt's date fields (QDate), and the two day fields of a meeting."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit


def qdate(day: date) -> QDate:
    """The QDate of a Python date, for a date field."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    """The Python date a date field shows."""
    return date(value.year(), value.month(), value.day())


def meeting_day_edits(starts_on: date, ends_on: date) -> tuple[QDateEdit, QDateEdit]:
    """Day 1 and day 2 of a meeting; day 2 follows day 1 (the meeting is two consecutive days)."""
    day1, day2 = QDateEdit(qdate(starts_on)), QDateEdit(qdate(ends_on))
    for edit, name in ((day1, "day1"), (day2, "day2")):
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd yyyy-MM-dd")

    def follow(value: QDate) -> None:
        # Quietly: the form checks both days once, from day 1's own change.
        day2.blockSignals(True)
        day2.setDate(value.addDays(1))
        day2.blockSignals(False)

    day1.dateChanged.connect(follow)
    return day1, day2
