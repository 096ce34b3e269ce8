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


def measure_together(
    fns: dict[str, Callable[[], Any]], *, repeats: int, budget: float = 6.0
) -> dict[str, tuple[float, int]]:
    """Medians of several functions timed in turns (A, B, C, A, B, C, ...).

    Ratios between them are then taken under the same conditions: on a shared
    machine the load drifts over seconds, and timing A's runs first and B's
    afterwards would bill the drift to one of them. A function that raises is
    dropped from the rest of the turns and reported with a median of ``nan``.
    """
    times: dict[str, list[float]] = {label: [] for label in fns}
    failed: set[str] = set()
    slow: set[str] = set()
    for label, fn in fns.items():  # warm-up
        gc.collect()
        t0 = time.perf_counter()
        try:
            fn()
        except Exception:
            failed.add(label)
        if time.perf_counter() - t0 > 0.005:
            slow.add(label)
    gc.collect()
    began = time.perf_counter()
    total_budget = budget * len(fns)
    for _ in range(repeats):
        for label, fn in fns.items():
            if label in failed:
                continue
            if label in slow:
                gc.collect()
            t0 = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t0)
        if time.perf_counter() - began > total_budget:
            break
    return {
        label: (statistics.median(ts), len(ts)) if ts else (float("nan"), 0)
        for label, ts in times.items()
    }
