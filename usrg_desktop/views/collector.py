"""Keep Python's cyclic garbage collector from freezing the window.

A full (oldest-generation) collection walks every object the program holds and keeps the GIL
while it does, whichever thread it happens to run in. With the large demo's lists loaded that
is some 150,000 objects and 50-150 ms, so a collection started by a worker that builds PDFs
stops the window from painting just as much as one on the GUI thread would
(bench/stall.py measured 90-310 ms stalls while issuing letters, all of them such collections
in the worker).

Two measures:

- `freeze_long_lived()`, once the main window is up: what exists then (the modules, their
  classes and functions, the window's own widgets) lives as long as the program, so it is moved
  out of the collector's reach (`gc.freeze()`); every later full collection walks only what
  was made since.
- `no_full_collections()`, around long work (views/progress.run_with_progress): the young
  generations are still collected (most garbage cycles die young), but no full collection
  starts while the worker runs; the old thresholds come back when the work ends, and the
  next full collection runs as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Gen-1 collections before a full one while long work runs: never, in practice.
_NEVER = 1 << 30


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's reach, for good (call once, when
    the program has started: what it holds then it holds until it ends)."""
    gc.freeze()


@contextmanager
def no_full_collections() -> Iterator[None]:
    """No full collection while this lasts (young ones go on); the thresholds come back after."""
    saved = gc.get_threshold()
    gc.set_threshold(saved[0], saved[1], _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(*saved)
