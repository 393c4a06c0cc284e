"""The tabs of the meeting screen beyond its details: agenda, attendance, minutes and actions.

Each entry is (tab title, "module:Class"); the meeting screen builds `Class(window, meeting_id)`
with the main window, the first time the tab is shown.
"""

from __future__ import annotations

MEETING_TABS: tuple[tuple[str, str], ...] = (
    ("Agenda", "usrg_desktop.views.agenda_editor:AgendaEditor"),
    ("Attendance", "usrg_desktop.views.attendance_panel:AttendancePanel"),
    ("Minutes and actions", "usrg_desktop.views.minutes_panel:MinutesPanel"),
    ("Annexes and printing", "usrg_desktop.views.meeting_print:AnnexesPanel"),
)
