"""Two workstations at the same moment: real processes, released together by a barrier.

Each job runs in its own freshly spawned Python process (not a thread, not a second session in
this one), opens the database itself and waits at a shared barrier, so the jobs start their
work within a millisecond or so of each other. `race` returns each job's outcome in order.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What one process ended with: its return value, or the sentence it was refused with."""

    ok: bool
    value: Any = None
    message: str = ""


def _child(barrier, queue, index: int, job: Callable[..., Any], args: tuple) -> None:
    try:
        value = job(barrier, *args)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        queue.put((index, Outcome(False, None, f"{type(exc).__name__}: {exc}")))
    else:
        queue.put((index, value if isinstance(value, Outcome) else Outcome(True, value)))


def race(*jobs: tuple[Callable[..., Any], tuple], timeout: float = 120) -> list[Outcome]:
    """Run each (function, args) in its own process; each calls barrier.wait() where it should
    start at the same moment as the others. Returns the outcomes in the order of `jobs`."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(jobs))
    queue = context.Queue()
    processes = [
        context.Process(target=_child, args=(barrier, queue, i, job, args), daemon=True)
        for i, (job, args) in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    outcomes: dict[int, Outcome] = {}
    try:
        for _ in processes:
            index, outcome = queue.get(timeout=timeout)
            outcomes[index] = outcome
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return [outcomes[i] for i in range(len(jobs))]


def usrg_command(barrier, argv: list[str], env: dict[str, str]) -> Outcome:
    """The `usrg` command line in this process, started at the barrier: its exit status and
    what it printed (stdout on success, stderr when refused)."""
    from usrg_desktop import cli

    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    barrier.wait(timeout=60)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    if status == 0:
        return Outcome(True, out.getvalue().strip())
    return Outcome(False, status, err.getvalue().strip())
