"""Dates between Python and Qt's date fields (QDate), without time zones or formats."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def qdate(day: date) -> QDate:
    """The QDate of a Python date, for a date field."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    """The Python date a date field shows."""
    return date(value.year(), value.month(), value.day())
