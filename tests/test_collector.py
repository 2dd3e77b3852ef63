"""The collector paused around a pass, and restored as it was, whatever happens inside."""

from __future__ import annotations

import gc

import pytest

from depmap.collector import collection_paused


def test_paused_inside_and_restored_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(KeyError):
        with collection_paused():
            assert not gc.isenabled()
            raise KeyError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()


def test_freezing_keeps_what_lives_out_of_reach_and_releases_an_earlier_freeze():
    gc.unfreeze()
    try:
        with collection_paused(freeze=True):
            kept = [[index] for index in range(1000)]
        first = gc.get_freeze_count()
        assert first >= len(kept)
        with collection_paused(freeze=True):
            pass
        assert gc.get_freeze_count() >= first  # unfrozen, then frozen again with what still lives
        with collection_paused():
            pass
        assert gc.get_freeze_count() >= first  # a plain pause leaves the freeze alone
    finally:
        gc.unfreeze()
