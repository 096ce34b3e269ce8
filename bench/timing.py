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
    then timed runs, each after a full collection so one run's garbage is not
    billed to the next. Stops early once ``budget`` seconds have been spent, but
    always times at least one run, so big inputs cost one or two runs, not ten.
    """
    gc.collect()
    t0 = time.perf_counter()
    fn()
    warm = time.perf_counter() - t0
    if warm > budget:
        return warm, 1
    times: list[float] = []
    spent = warm
    while len(times) < repeats and (not times or spent < budget):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        spent += dt
    return statistics.median(times), len(times)
