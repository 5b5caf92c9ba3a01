"""The collection threshold for bulk work: set for the block, restored after, even on error."""

from __future__ import annotations

import gc

import pytest

from registry.gc_tuning import young_threshold


def test_the_threshold_holds_inside_the_block_and_is_restored_after_an_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), young_threshold(4_321):
        assert gc.get_threshold() == (4_321, *before[1:])
        raise RuntimeError("stop")
    assert gc.get_threshold() == before


def test_zero_leaves_the_threshold_as_it_is():
    before = gc.get_threshold()
    with young_threshold(0):
        assert gc.get_threshold() == before
