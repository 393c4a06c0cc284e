"""The tabs of the meeting screen beyond its details: agenda, attendance, minutes and actions,
annexes and printing.

Each entry is (tab title, factory); the meeting screen calls `factory(window, meeting_id)` with
the main window the first time the tab is shown. Each factory imports its panel's module only
then, so opening a meeting does not load every panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def agenda_tab(window: Any, meeting_id: int) -> QWidget:
    from .agenda_editor import AgendaEditor

    return AgendaEditor(window, meeting_id)


def attendance_tab(window: Any, meeting_id: int) -> QWidget:
    from .attendance_panel import AttendancePanel

    return AttendancePanel(window, meeting_id)


def minutes_tab(window: Any, meeting_id: int) -> QWidget:
    from .minutes_panel import MinutesPanel

    return MinutesPanel(window, meeting_id)


def annexes_tab(window: Any, meeting_id: int) -> QWidget:
    from .meeting_print import AnnexesPanel

    return AnnexesPanel(window, meeting_id)


MEETING_TABS: tuple[tuple[str, Callable[[Any, int], QWidget]], ...] = (
    ("Agenda", agenda_tab),
    ("Attendance", attendance_tab),
    ("Minutes and actions", minutes_tab),
    ("Annexes and printing", annexes_tab),
)
