"""Long work runs as a generator of steps (done, total, label) that returns its result; this is
the one loop that runs such a generator to its end (for the command line, tests and the parts
that need no progress). The screens' progress dialog runs them step by step instead
(views/progress.py), so they can be cancelled.

Either way no full garbage collection runs while the work does (`no_full_collections`): a
batch of letters or a meeting pack makes many short-lived objects, and a full collection
walks every object the program holds (50-150 ms each with the large demo's lists loaded, in
the screens a frozen window; docs/architecture.md, "A window that never freezes").
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Step = TypeVar("Step")
Result = TypeVar("Result")


def drain(
    work: Generator[Step, Any, Result], on_step: Callable[[Step], object] | None = None
) -> Result:
    """Run `work` to its end, handing each step it yields to `on_step` (say, to print it), and
    return what it returns. Interrupted (Ctrl+C, or `on_step` raising), the generator is closed
    first, so its own clean-up (a rolled-back unit of work, a removed half-written file) runs."""
    with no_full_collections():
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


# Gen-1 collections before a full one while long work runs: never, in practice.
_NEVER = 1 << 30


@contextmanager
def no_full_collections() -> Iterator[None]:
    """No full collection while this lasts (young ones go on); the thresholds come back after."""
    saved = gc.get_threshold()
    gc.set_threshold(saved[0], saved[1], _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(*saved)
