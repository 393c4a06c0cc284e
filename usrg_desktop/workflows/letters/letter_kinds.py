"""The kinds of letter the program prints, their words and reference codes, and the layout
version new letters are printed with."""

from __future__ import annotations

from ...domain.awards import LetterKind
from ...domain.grants import ApplicationState
from .. import WorkflowError

S = ApplicationState
KINDS: tuple[str, ...] = tuple(k.value for k in LetterKind)
KIND_LABELS = {
    "acknowledgement": "acknowledgement of receipt",
    "ineligible": "ineligibility notice",
    "award": "award letter",
    "decline": "decline letter",
}
# The letter's code in its reference: USRG-IF-2026-1-003/AWD.
KIND_PLURALS = {
    "acknowledgement": "acknowledgements of receipt",
    "ineligible": "ineligibility notices",
    "award": "award letters",
    "decline": "decline letters",
}
_CODES = {"acknowledgement": "ACK", "ineligible": "INE", "award": "AWD", "decline": "DEC"}
# The layout new letters are printed with; letters registered without one were printed by
# printing/letters_v1.py and are re-printed by it.
LAYOUT = 2


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise WorkflowError(f"'{kind}' is not a kind of letter; the kinds are: {', '.join(KINDS)}.")
    return kind
