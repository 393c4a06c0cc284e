"""Running a command again when PostgreSQL gave way to another workstation.

PostgreSQL may roll a transaction back to let another one through (a deadlock, a serialization
failure: storage.Contention). Nothing of it was written, so a command that had committed
nothing yet is simply run again from the start, with fresh data, a few times before the user
hears of it. A command that had already committed part of its work (a batch) is not re-run:
its sentence says what happened and the user runs it again when ready.
"""

from __future__ import annotations

import argparse

from .. import storage
from .common import Handler


def run_retrying(handler: Handler, args: argparse.Namespace) -> int:
    """`handler(args)`, run again (up to storage.RETRIES times in all) after contention."""
    for attempt in range(1, storage.RETRIES + 1):
        before = storage.commits_made()
        try:
            return handler(args)
        except storage.Contention:
            # Signing in commits (the sign-in is recorded) and is not repeated on a re-run
            # (common.acting_user keeps the actor); any other commit means part of the work
            # is already saved, and running the rest again would do it twice.
            committed = max(before, getattr(args, "_commits_at_sign_in", before))
            if attempt == storage.RETRIES or storage.commits_made() != committed:
                raise
    raise AssertionError("unreachable")
