"""The garbage collector kept from freezing the window (views/collector.py, steps.py)."""

import gc

from usrg_desktop.views.collector import freeze_long_lived, no_full_collections


def test_freeze_long_lived_puts_what_lives_now_out_of_reach():
    class Kept:
        pass

    kept = Kept()
    assert gc.is_tracked(kept)
    before = gc.get_freeze_count()
    try:
        freeze_long_lived()
        assert gc.get_freeze_count() > before
        # A frozen object is in no generation a collection walks.
        assert not any(o is kept for o in gc.get_objects())
        made_after = Kept()
        assert any(o is made_after for o in gc.get_objects())
    finally:
        gc.unfreeze()  # the test process goes on collecting as before


def test_no_full_collections_keeps_young_collections_and_restores_on_error():
    before = gc.get_threshold()
    try:
        with no_full_collections():
            young0, young1, full = gc.get_threshold()
            assert (young0, young1) == before[:2] and full > 1_000_000
            raise ValueError("stop")
    except ValueError:
        pass
    assert gc.get_threshold() == before
