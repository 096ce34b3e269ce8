"""Run every measurement, print the table, write ``docs/performance.md``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from bench import data, report
from bench.report import Row
from bench.timing import measure, measure_together

__all__ = ["main"]

SIZES = (15, 1000, 20000)
QUICK_SIZES = (15, 1000)
NA = "not available"


class Bench:
    """Holds the inputs, the options and the rows measured so far."""

    def __init__(self, *, quick: bool, sizes: tuple[int, ...], histories: tuple[str, ...]) -> None:
        self.quick = quick
        self.sizes = sizes
        self.histories = histories
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.catalog_bytes: dict[int, bytes] = {}
        self.invalid_bytes: dict[int, bytes] = {}
        self.one_mistake_bytes: dict[int, bytes] = {}
        for n in sizes:
            self.catalog_bytes[n] = orjson.dumps(data.catalog_dict(n))
            self.invalid_bytes[n] = orjson.dumps(data.invalid_catalog_dict(n))
            self.one_mistake_bytes[n] = orjson.dumps(data.one_mistake_catalog_dict(n))

    def repeats(self, n: int) -> int:
        if self.quick:
            return 3 if n <= 1000 else 1
        return {15: 200, 1000: 15}.get(n, 3)

    def budget(self) -> float:
        return 1.0 if self.quick else 6.0

    def time(
        self,
        section: str,
        label: str,
        size: str,
        fn: Callable[[], Any] | None,
        *,
        repeats: int,
        base: str | None = None,
        note: str = "",
        skip: str | None = None,
    ) -> Row:
        """Measure ``fn`` and record a row; ``fn=None`` records "not available"."""
        if fn is None:
            row = Row(section, label, size, None, 0, base, note or NA)
        elif skip:
            row = Row(section, label, size, None, 0, base, skip)
        else:
            try:
                seconds, runs = measure(fn, repeats=repeats, budget=self.budget())
            except Exception as exc:  # a piece under construction must not stop the run
                row = Row(section, label, size, None, 0, base, f"failed: {_short(exc)}")
            else:
                row = Row(section, label, size, seconds, runs, base, note)
        self.rows.append(row)
        print(report.line(row, self.rows), flush=True)
        return row

    def too_slow(self, section: str, label: str, n: int, limit: float = 15.0) -> str | None:
        """A reason to skip ``label`` at ``n`` stretches: its 1,000 time, scaled, is over ``limit``.

        A slow piece under construction must not make the whole run take an hour.
        """
        if n <= 1000:
            return None
        for row in self.rows:
            same = row.section == section and row.label == label
            if same and row.size == "1,000 stretches" and row.seconds is not None:
                guess = row.seconds * n / 1000
                if guess > limit:
                    return f"skipped: about {guess:,.0f} s (scaled from 1,000 stretches)"
        return None

    def time_together(
        self,
        section: str,
        size: str,
        entries: list[tuple[str, Callable[[], Any] | None, str]],
        *,
        repeats: int,
        base: str | None,
        skips: dict[str, str] | None = None,
    ) -> None:
        """Like :meth:`time` for several rows at once, timed in turns (see ``measure_together``)."""
        skips = skips or {}
        runnable = {label: fn for label, fn, _ in entries if fn is not None and label not in skips}
        results = measure_together(runnable, repeats=repeats, budget=self.budget())
        for label, fn, note in entries:
            if fn is None:
                row = Row(section, label, size, None, 0, base, note or NA)
            elif label in skips:
                row = Row(section, label, size, None, 0, base, skips[label])
            else:
                seconds, runs = results[label]
                if runs == 0:
                    row = Row(section, label, size, None, 0, base, "failed")
                else:
                    row = Row(section, label, size, seconds, runs, base, note)
            self.add(row)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(report.line(row, self.rows), flush=True)


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text[:160]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="a fast smoke run: small sizes, few runs"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only sections whose name starts with this (load, dump, validate, replay, "
        "engine, generate, store, import, memory, study); repeatable",
    )
    parser.add_argument(
        "--output",
        default="docs/performance.md",
        help="where to write the report ('-' for nowhere; default %(default)s)",
    )
    args = parser.parse_args(argv)

    from bench import sections, study

    quick: bool = args.quick
    started = time.perf_counter()
    bench = Bench(
        quick=quick,
        sizes=QUICK_SIZES if quick else SIZES,
        histories=("day", "month") if quick else ("day", "month", "year"),
    )
    print(f"inputs ready: {time.perf_counter() - started:.0f} s", flush=True)
    print(report.header(), flush=True)
    todo: list[tuple[str, Callable[[Bench], None]]] = [
        ("load", sections.load),
        ("dump", sections.dump),
        ("validate", sections.validate),
        ("replay", sections.replay),
        ("engine", sections.engine),
        ("generate", sections.generate),
        ("store", sections.store),
        ("import", sections.imports),
        ("memory", sections.memory),
        ("study", study.run),
    ]
    for name, fn in todo:
        if args.only and not any(name.startswith(o) for o in args.only):
            continue
        t0 = time.perf_counter()
        try:
            fn(bench)
            print(f"-- {name}: {time.perf_counter() - t0:.0f} s", flush=True)
        except Exception as exc:  # report and carry on: one broken piece must not hide the rest
            bench.notes.append(f"section {name} stopped: {_short(exc)}")
            print(f"!! section {name} stopped: {_short(exc)}", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(f"\nwhole run: {elapsed:.0f} s", flush=True)
    if args.output != "-" and not quick and not args.only:
        Path(args.output).write_text(report.markdown(bench, elapsed), encoding="utf-8")
        print(f"wrote {args.output}")
    elif args.output != "-" and (quick or args.only):
        print("partial run: docs/performance.md left as it is (run without --quick/--only)")
    return 0
