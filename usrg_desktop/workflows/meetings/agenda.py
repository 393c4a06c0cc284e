"""The agenda builder: ordered items per meeting day, computed start times, the standard template.

Start times are never stored: they follow from the day's start time (on the meeting) and the
durations of the items before. A day that runs past its end time is reported as a sentence in
`Agenda.warnings`, not refused: the coordinator decides what to cut. Open action items of
earlier meetings are listed under "matters arising" by a query, not copied into the agenda.

This module gathers the public names of the modules that hold them, so that
`from usrg_desktop.workflows import agenda` keeps working:

- `agenda_reading`: the agenda as the screens and the pack read it (days, items with their
  times, matters arising), the time arithmetic, and the agenda's list
- `agenda_editing`: who may change an agenda, and adding, editing, removing and moving items
- `agenda_template`: the standard template a new meeting's agenda starts from

New code may import from those modules directly.
"""

from __future__ import annotations

from .agenda_editing import (
    MAX_DURATION_MINUTES,
    MEETING_ROLES,
    add_agenda_item,
    check_role,
    edit_agenda_item,
    move_agenda_item,
    remove_agenda_item,
)
from .agenda_reading import (
    AGENDA_COLUMNS,
    OPEN_ACTION_STATUSES,
    Agenda,
    AgendaDay,
    AgendaRow,
    MatterArising,
    agenda_listing,
    clock,
    load_meeting,
    matters_arising,
    meeting_agenda,
    overrun_warning,
    schedule,
)
from .agenda_template import apply_standard_template, standard_template

__all__ = [
    "AGENDA_COLUMNS",
    "Agenda",
    "AgendaDay",
    "AgendaRow",
    "MAX_DURATION_MINUTES",
    "MEETING_ROLES",
    "MatterArising",
    "OPEN_ACTION_STATUSES",
    "add_agenda_item",
    "agenda_listing",
    "apply_standard_template",
    "check_role",
    "clock",
    "edit_agenda_item",
    "load_meeting",
    "matters_arising",
    "meeting_agenda",
    "move_agenda_item",
    "overrun_warning",
    "remove_agenda_item",
    "schedule",
    "standard_template",
]
