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
- `no_full_collections()` (from steps.py, where the command line's loop uses it too), around
  long work (views/progress.run_with_progress): the young generations are still collected
  (most garbage cycles die young), but no full collection starts while the worker runs; the
  old thresholds come back when the work ends, and the next full collection runs as usual.
"""

from __future__ import annotations

import gc

from ..steps import no_full_collections as no_full_collections


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's reach, for good (call once, when
    the program has started: what it holds then it holds until it ends)."""
    gc.freeze()
