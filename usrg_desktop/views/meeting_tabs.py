"""The tabs of the meeting screen after its Details tab: agenda, attendance, minutes and actions.

The meeting screen (`views/meeting_screen.py`) adds one tab per entry, in this order. Each
entry is (tab title, "module:Class"); the class is imported when a meeting screen opens and
built as `Class(window, meeting_id)`, a QWidget. Empty until the agenda, attendance and minutes
screens register themselves here.
"""

from __future__ import annotations

MEETING_TABS: tuple[tuple[str, str], ...] = ()
