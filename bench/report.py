"""The printed table and the Markdown report."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Bench

__all__ = ["SK_REPLAY", "Row", "find_base", "fmt_time", "header", "line", "markdown", "ratio"]

SK_REPLAY = "stretchkit: stored JSON → Progress.replay_json"
"""The replay row an issue-10 target is judged by (sections writes it, targets reads it)."""

LIBRARIES = (
    "stretchkit",
    "attrs",
    "cattrs",
    "jsonschema",
    "jsonschema-rs",
    "pydantic",
    "pydantic-core",
    "msgspec",
    "orjson",
)


@dataclass(frozen=True)
class Row:
    section: str
    label: str
    size: str
    seconds: float | None
    runs: int
    base: str | None = None
    """Label of the row, same section and size, this one is compared with."""
    note: str = ""
    unit: str = "s"
    """``s`` for a time; ``MB`` for memory (``seconds`` then holds megabytes)."""


def fmt_time(seconds: float | None, unit: str = "s") -> str:
    if seconds is None:
        return "—"
    if unit != "s":
        return f"{seconds:.1f} {unit}"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def find_base(row: Row, rows: list[Row]) -> Row | None:
    """The row ``row.base`` names: ``label``, ``section::label`` and/or ``label@@size``."""
    if row.base is None:
        return None
    section, _, label = row.base.rpartition("::")
    label, _, size = label.partition("@@")
    section = section or row.section
    size = size or row.size
    for other in rows:
        if other.section == section and other.size == size and other.label == label:
            return other
    return None


def ratio(row: Row, rows: list[Row]) -> float | None:
    other = find_base(row, rows)
    if other is None or row.seconds is None or not other.seconds:
        return None
    return row.seconds / other.seconds


def header() -> str:
    return f"{'section':<9} {'size':<10} {'what':<58} {'median':>10} {'ratio':>8}  runs  note"


def line(row: Row, rows: list[Row]) -> str:
    r = ratio(row, rows)
    rs = f"{r:.2f}x" if r is not None else ""
    return (
        f"{row.section:<9} {row.size:<10} {row.label:<58} "
        f"{fmt_time(row.seconds, row.unit):>10} {rs:>8}  {row.runs:>4}  {row.note}"
    )


def versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def machine() -> list[str]:
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs (`nproc` {len(os.sched_getaffinity(0))}), "
        f"{platform.machine()}, {platform.system()} {platform.release()}",
        f"- Python: {sys.version.split()[0]} ({platform.python_implementation()})",
        "- Libraries: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
    ]


def _table(rows: list[Row], all_rows: list[Row], ratio_title: str) -> list[str]:
    out = [
        f"| size | what | median | {ratio_title} | runs | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for row in rows:
        r = ratio(row, all_rows)
        rs = f"{r:.2f}×" if r is not None else ""
        out.append(
            f"| {row.size} | {row.label} | {fmt_time(row.seconds, row.unit)} | {rs} | "
            f"{row.runs or ''} | {row.note} |"
        )
    return out


def markdown(bench: Bench, elapsed: float) -> str:
    from bench import targets

    rows = bench.rows
    parts: list[str] = [
        "# Performance",
        "",
        "Written by `make bench` (`python -m bench`) from the run described below; "
        "do not edit by hand — change `bench/` and run it again. Medians of wall-clock "
        "time; ratios are against a row of the same run. The machine is shared and "
        "noisy: treat ratios closer than about 1.3× as equal.",
        "",
        "## The run",
        "",
        *machine(),
        f"- Whole run: {elapsed:.0f} s",
        "",
        "## Targets",
        "",
        *targets.statements(rows),
        "",
    ]
    for section, title, ratio_title, intro in SECTIONS:
        chosen = [r for r in rows if r.section == section]
        if not chosen:
            continue
        parts += [f"## {title}", "", intro, "", *_table(chosen, rows, ratio_title), ""]
    if bench.notes:
        parts += ["## Notes from the run", "", *[f"- {n}" for n in bench.notes], ""]
    parts += [*targets.closing(rows), ""]
    return "\n".join(parts)


SECTIONS: list[tuple[str, str, str, str]] = [
    (
        "load",
        "Catalog load: bytes in memory → typed catalog",
        "vs pydantic",
        "Each path makes the same checks: strict types, bounds, slugs and text rules, the "
        "`kind` tagged union, unknown fields refused, unique labels, unique ids and "
        "references that resolve (the pydantic and msgspec models are in `bench/peers.py`). "
        "The floors only parse JSON.",
    ),
    (
        "dump",
        "Catalog dump: typed catalog → JSON",
        "vs pydantic",
        "`stretchkit.dump_catalog` returns canonical text (field order, defaults left out, "
        "indented); the base is pydantic's indented dump. All rows are timed in turns.",
    ),
    (
        "validate",
        "Validate: every issue, located",
        "vs the valid file",
        "`stretchkit.validate_catalog` on bytes: schema and semantic checks, every issue "
        "with line, column and pointer. The invalid files are the valid one with a mistake "
        "in about one stretch in fifty, or with one mistake in its last stretch (same size). "
        "Every row of a size is timed in turns; the ratio is against validating the valid "
        "file; `load_catalog` and pydantic's own full error collection on the one-in-fifty "
        "file are shown for comparison.",
    ),
    (
        "replay",
        "Event replay from stored JSON",
        "vs bare loop",
        "A history of heavy use (ten sessions a day of five steps, 140 pain reports a day, "
        "a stretch brought back weekly) stored as one JSON array. The bare loop is "
        "`json.loads`, `datetime.fromisoformat`, a sort by instant then id, duplicate ids "
        "dropped, and a dict fold of the same rules (sessions per day, pain-free clock, "
        "rest/backoff/park); msgspec decodes into checked Structs and runs the same fold.",
    ),
    (
        "engine",
        "Engine: one more apply, and plan",
        "vs day",
        "`apply` of one more event on a state built from a day and from a year of history; "
        "`plan(now, context)` on a year of history.",
    ),
    (
        "generate",
        "Generation",
        "",
        "`generate_routine` on a 20,000-stretch catalog: a sitting routine of 10 minutes.",
    ),
    (
        "store",
        "Store append and load",
        "",
        "Appending a year of events to the embedded store and reading them back.",
    ),
    (
        "import",
        "`import` in a fresh process",
        "vs attrs+cattrs+model",
        "Median over fresh interpreters of `python -c 'import X'` minus `python -c pass`. "
        "The baseline imports attrs, cattrs and `stretchkit.model` without running the "
        "package's `__init__`.",
    ),
    (
        "memory",
        "Peak memory loading the 20,000-stretch catalog",
        "vs pydantic",
        "Two views: growth of the peak resident set (`ru_maxrss`) in a fresh process that "
        "already holds the bytes, and the `tracemalloc` peak (Python allocations only; "
        "pydantic-core's and msgspec's internal buffers are invisible to it).",
    ),
    (
        "study",
        "Optimisation study: ways to a faster load path",
        "vs pydantic",
        "Variants measured in the same run; (c+d) is the fast path `load_catalog` ships. They "
        "make every check unless the note says otherwise. See the closing note.",
    ),
]
