"""Medians of wall-clock time, with a time budget per measurement."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

__all__ = ["measure"]


def measure(fn: Callable[[], Any], *, repeats: int, budget: float = 6.0) -> tuple[float, int]:
    """Median seconds of ``fn()`` over at most ``repeats`` runs, and how many runs were made.

    One untimed warm-up run first (it fills caches and lazily built converters),
    then timed runs. Runs longer than a few milliseconds each start after a full
    collection, so one run's garbage is not billed to the next; short ones share
    one (a full collection can cost more than they do). Stops early once
    ``budget`` seconds have been spent, but always times at least one run, so
    big inputs cost one or two runs, not ten.
    """
    gc.collect()
    began = t0 = time.perf_counter()
    fn()
    warm = time.perf_counter() - t0
    if warm > budget:
        return warm, 1
    collect_each = warm > 0.005
    gc.collect()
    times: list[float] = []
    while len(times) < repeats and (not times or time.perf_counter() - began < budget):
        if collect_each:
            gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)
