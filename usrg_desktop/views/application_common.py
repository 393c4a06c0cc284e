"""What the application form and screen share: their colours, the empty actor, and small
helpers for applicant choices and text shown as rich text."""

from __future__ import annotations

import html
from typing import Any

from ..workflows import Actor

OK_STYLE = "color: #1b5e20;"
MUTED_STYLE = "color: palette(mid);"
REASON_STYLE = "color: #6d4c00;"
NOBODY = Actor(None, "", "")
SHA_SHOWN = 12


# -- small helpers ------------------------------------------------------------------------------
def applicant_id_of(choice: str | None, kind: str) -> int | None:
    """The id in an applicant choice 'city:3' or 'body:5' when it is of this kind."""
    if not choice or not choice.startswith(kind + ":"):
        return None
    return int(choice.partition(":")[2])


def actor_of(window: Any) -> Actor:
    """Who is signed in at the main window (nobody: an actor with no name or role)."""
    return window.actor or NOBODY


def escape_html(text: str) -> str:
    """Text made safe to show inside rich text."""
    return html.escape(text or "")
