"""The applications of the innovation fund: this module gathers the public names of the
modules that hold them, so that `from usrg_desktop.workflows import applications` keeps working.

- `application_states`: the state machine, one function per transition (`TRANSITIONS`, `ACTIONS`)
- `application_guards`: what a transition checks first (a complete draft, screening passed)
- `application_form`: saving the form (`save_application`, `FIELD_LABELS`)
- `application_screen`: what the screen shows (`application_details`, `available_actions`, …)
- `application_history`: the History tab, with the award's events and overdue items
- `application_attachments`: the attached files

New code may import from those modules directly.
"""

from __future__ import annotations

from ...domain.awards import Decision
from ...domain.grants import ApplicationState as S
from ...domain.grants import Attachment
from .. import Actor
from ..system.roles import STAFF
from .application_attachments import (
    ATTACHMENT_PATTERNS,
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    AttachmentInfo,
    add_attachment,
    attachment_listing,
    attachment_to_file,
    remove_attachment,
)
from .application_form import EDITABLE_STATES, FIELD_LABELS, save_application
from .application_guards import submission_problems
from .application_history import HistoryEntry, application_history
from .application_screen import (
    ActionOption,
    ApplicationDetails,
    BudgetLineView,
    FormChoices,
    RoundChoice,
    ScreeningItem,
    application_details,
    available_actions,
    form_choices,
    screening_checklist,
)
from .application_states import (
    ACTIONS,
    ADMIN,
    TRANSITIONS,
    WITHDRAWABLE,
    Transition,
    approve,
    close,
    complete_review,
    decline,
    mark_awarded,
    mark_eligible,
    mark_ineligible,
    record_screening,
    reopen_screening,
    reverse_decision,
    sign_agreement,
    start_screening,
    submit,
    transition_to,
    withdraw,
)

__all__ = [
    "ACTIONS",
    "ADMIN",
    "ATTACHMENT_PATTERNS",
    "ATTACHMENT_TYPES",
    "ActionOption",
    "Actor",
    "ApplicationDetails",
    "Attachment",
    "AttachmentInfo",
    "BudgetLineView",
    "Decision",
    "EDITABLE_STATES",
    "FIELD_LABELS",
    "FormChoices",
    "HistoryEntry",
    "MAX_ATTACHMENT_BYTES",
    "RoundChoice",
    "S",
    "STAFF",
    "ScreeningItem",
    "TRANSITIONS",
    "Transition",
    "WITHDRAWABLE",
    "add_attachment",
    "application_details",
    "application_history",
    "approve",
    "attachment_listing",
    "attachment_to_file",
    "available_actions",
    "close",
    "complete_review",
    "decline",
    "form_choices",
    "mark_awarded",
    "mark_eligible",
    "mark_ineligible",
    "record_screening",
    "remove_attachment",
    "reopen_screening",
    "reverse_decision",
    "save_application",
    "screening_checklist",
    "sign_agreement",
    "start_screening",
    "submission_problems",
    "submit",
    "transition_to",
    "withdraw",
]
