"""Awards after the decision: this module gathers the public names of the modules that hold
them, so that `from usrg_desktop.workflows import award_tracking` keeps working.

- `award_common`: the schedule's words and sums (`split_cents`), numbers, `close_problems`
- `award_schedule`: making the award and setting its tranche schedule
- `award_payments`: payments, reports, the signed agreement and closing the grant
- `award_reading`: overdue items, the award screen (`award_detail`), finding an award
- `application_history.award_history`: the award's events in the application's history

New code may import from those modules directly.
"""

from __future__ import annotations

from ..grants.application_history import award_history
from .award_common import (
    AWARDABLE,
    DEFAULT_SCHEDULE,
    TRACKED,
    TRIGGER_WORDS,
    _tranches,
    close_problems,
    due_after,
    milestone_label,
    split_cents,
    tranche_label,
)
from .award_payments import (
    accept_report,
    cancel_tranche,
    close_award,
    not_payable_yet,
    record_agreement_signed,
    record_report_received,
    record_tranche_payment,
)
from .award_reading import (
    ACTION_WORDS,
    AwardDetail,
    MilestoneRow,
    OverdueItem,
    TrancheRow,
    award_detail,
    award_id_by_number,
    award_of_application,
    overdue_items,
)
from .award_schedule import ensure_award, plan_schedule, set_tranche_schedule

__all__ = [
    "ACTION_WORDS",
    "AWARDABLE",
    "AwardDetail",
    "DEFAULT_SCHEDULE",
    "MilestoneRow",
    "OverdueItem",
    "TRACKED",
    "TRIGGER_WORDS",
    "TrancheRow",
    "_tranches",
    "accept_report",
    "award_detail",
    "award_history",
    "award_id_by_number",
    "award_of_application",
    "cancel_tranche",
    "close_award",
    "close_problems",
    "due_after",
    "ensure_award",
    "milestone_label",
    "not_payable_yet",
    "overdue_items",
    "plan_schedule",
    "record_agreement_signed",
    "record_report_received",
    "record_tranche_payment",
    "set_tranche_schedule",
    "split_cents",
    "tranche_label",
]
