"""The young-generation garbage-collection threshold while the registry does bulk work.

Feed pages and dumps build tens of thousands of short-lived, acyclic objects per hundred
records (nodes, pairs, strings); reference counting frees them, so the collector's passes over
them find nothing. At Python's default threshold (700 allocations) those passes took 2.7 ms of
a 17 ms feed page and 13% of a 100k-record N-Triples dump; at 10,000 they round to nothing, and
the young generation holds at most 10,000 objects more. Cycles are still collected, later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def young_threshold(allocations: int) -> Iterator[None]:
    """Collect the young generation every ``allocations`` allocations (0: leave it as it is)
    until the block ends, then restore the previous thresholds."""
    before = gc.get_threshold()
    if allocations:
        gc.set_threshold(allocations, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
