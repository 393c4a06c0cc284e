"""Planning meetings: accepting, editing or rejecting host proposals, and a meeting's life.

A coordinator (or the secretariat, or an administrator) turns a rotation proposal into a
planned meeting, as proposed or with another host or other dates (with a reason), or rejects
it. The rules a plan must keep are the rotation's own (`workflows/meetings/rotation.py`): two
consecutive weekdays in the quarter, never on a South African public holiday, in a blackout
period or on a day another meeting uses; an active member city that is not unavailable on
those days and did not host the quarter before (or hosts the quarter after).

A rejected proposal means the proposed city will not host that quarter. In the rotation's
model that is a `HostUnavailability` for the city over the quarter, with the rejection's
reason: the next proposals then skip the city for that quarter, record the skip as a deferral
and keep its turn, so it is proposed again for the following quarter if it is still the one
that has gone longest without hosting. (To keep the host but move the dates, accept with
edits instead.) Rejecting writes that period and its audit record, nothing else.

A meeting then moves planned → confirmed → held, or to cancelled with a reason. Its details
(venue, the days' times, the exposure visit) can be edited until it is held or cancelled.
Every change that changes its calendar file (dates, times, venue, the visit, its status)
raises the meeting's iCalendar SEQUENCE, so calendars replace the earlier invitation. Each
action writes an audit record (entity "meeting") in the same transaction.

Meeting numbers follow the dates. A new meeting takes the next free number, then whenever a
meeting is planned or moved the planned meetings share out their numbers again in date order
(so accepting 2027 Q3 before 2027 Q2 still gives Q2 the lower number). The numbers of
confirmed, held and cancelled meetings never change (people have them in minutes, letters
and calendars); a cancelled meeting keeps its number and it is not used again. If keeping the
numbers in date order would need a confirmed or held meeting's number to change (a meeting
planned before a confirmed one), the plan is refused with a sentence and nothing is written.
A renumbered meeting's SEQUENCE goes up (its calendar title changes) and its audit record says
"renumber". Calendar UIDs use the meeting's id, not its number, so they never change.

The code: `meeting_records` (who may plan, loading, a meeting's details), `meeting_proposals`
(proposals, the checks of a plan, numbers, accept and reject) and `meeting_changes` (status,
moving, editing the details). This module gathers their names for the code that imports it.
"""

from __future__ import annotations

from .meeting_changes import (
    cancel_meeting,
    confirm_meeting,
    mark_meeting_held,
    move_meeting,
    update_meeting_details,
)
from .meeting_proposals import (
    MEETING_NUMBERS,
    PROPOSAL_COLUMNS,
    accept_edited_proposal,
    accept_proposal,
    plan_problems,
    proposal_for,
    proposals,
    proposals_listing,
    reject_proposal,
    renumber_by_date,
)
from .meeting_records import (
    DETAIL_LIMITS,
    PLANNERS,
    TIME_FIELDS,
    MeetingDetails,
    _audit,
    _blackouts,
    _check_role,
    city_named,
    meeting_details,
    meeting_id_for_number,
)

__all__ = [
    "DETAIL_LIMITS",
    "MEETING_NUMBERS",
    "MeetingDetails",
    "PLANNERS",
    "PROPOSAL_COLUMNS",
    "TIME_FIELDS",
    "_audit",
    "_blackouts",
    "_check_role",
    "accept_edited_proposal",
    "accept_proposal",
    "cancel_meeting",
    "city_named",
    "confirm_meeting",
    "mark_meeting_held",
    "meeting_details",
    "meeting_id_for_number",
    "move_meeting",
    "plan_problems",
    "proposal_for",
    "proposals",
    "proposals_listing",
    "reject_proposal",
    "renumber_by_date",
    "update_meeting_details",
]
