"""Long work runs as a generator of steps (done, total, label) that returns its result; this is
the one loop that runs such a generator to its end (for the command line, tests and the parts
that need no progress). The screens' progress dialog runs them step by step instead
(views/progress.py), so they can be cancelled."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

Step = TypeVar("Step")
Result = TypeVar("Result")


def drain(
    work: Generator[Step, Any, Result], on_step: Callable[[Step], object] | None = None
) -> Result:
    """Run `work` to its end, handing each step it yields to `on_step` (say, to print it), and
    return what it returns. Interrupted (Ctrl+C, or `on_step` raising), the generator is closed
    first, so its own clean-up (a rolled-back unit of work, a removed half-written file) runs."""
    try:
        while True:
            step = next(work)
            if on_step is not None:
                on_step(step)
    except StopIteration as finished:
        return finished.value
    except BaseException:
        work.close()
        raise
