"""steps.drain: the one loop that runs stepwise work to its end."""

from __future__ import annotations

import pytest

from usrg_desktop.steps import drain


def _work(log: list[str]):
    try:
        for n in range(1, 4):
            yield n, 3, f"step {n}"
        return "built"
    finally:
        log.append("cleaned up")


def test_drain_hands_on_every_step_and_returns_the_result():
    log: list[str] = []
    seen: list[tuple] = []
    assert drain(_work(log), seen.append) == "built"
    assert seen == [(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")]
    assert drain(_work(log)) == "built"
    assert log == ["cleaned up", "cleaned up"]


def test_an_interrupted_drain_closes_the_work_first():
    log: list[str] = []

    def stop_at_two(step: tuple) -> None:
        if step[0] == 2:
            raise KeyboardInterrupt

    work = _work(log)
    with pytest.raises(KeyboardInterrupt):
        drain(work, stop_at_two)
    assert log == ["cleaned up"]
    with pytest.raises(StopIteration):
        next(work)  # closed: it yields nothing more


def test_no_full_garbage_collection_runs_while_drain_does():
    import gc

    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    drain(_work([]), lambda _step: during.append(gc.get_threshold()))
    # Young collections go on; the oldest generation's is held off until the work ends.
    assert all(t[:2] == before[:2] and t[2] > 1_000_000 for t in during) and len(during) == 3
    assert gc.get_threshold() == before
    with pytest.raises(KeyboardInterrupt):
        drain(_work([]), lambda _step: (_ for _ in ()).throw(KeyboardInterrupt))
    assert gc.get_threshold() == before
