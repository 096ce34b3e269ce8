"""The issues' targets, judged from the rows of one run, and the closing note.

Each target is stated once here, beside the rows it reads; ``statements`` returns
one block per issue for ``docs/performance.md``.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.report import SK_REPLAY, Row, find_base, fmt_time, ratio

__all__ = ["closing", "statements"]

NOISE = 1.3
"""Ratios closer than this to a target are within the machine's noise."""


VALID = "stretchkit validate_catalog, valid file"
FAST_ROW = "(c+d) fast_catalog, gc paused (shipped in stretchkit.io._fast)"


def _row(rows: list[Row], section: str, label: str, size: str) -> Row | None:
    for row in rows:
        if row.section == section and row.label == label and row.size == size:
            return row
    return None


def _verdict_at_least(value: float | None, floor: float) -> str:
    """A rate that must reach ``floor`` of its base's (``value`` is base time / own time)."""
    if value is None:
        return "**not measured**"
    if value >= floor:
        return f"**met** ({value:.2f})"
    band = " — within the noise band" if value * NOISE >= floor else ""
    return f"**missed** ({value:.2f}{band})"


def _verdict(value: float | None, limit: float, unit: str = "×") -> str:
    if value is None:
        return "**not measured**"
    if value <= limit:
        return f"**met** ({value:.2f}{unit})"
    over = value / limit
    band = " — within the noise band" if over < NOISE else ""
    times = f", {over:.2f}× the target" if limit != 1.0 else ""
    return f"**missed** ({value:.2f}{unit}{times}{band})"


def _seconds(rows: list[Row], section: str, label: str, size: str) -> float | None:
    row = _row(rows, section, label, size)
    return row.seconds if row is not None else None


def _against(rows: list[Row], section: str, label: str, other: str, size: str) -> float | None:
    """``label``'s time over ``other``'s, both rows of one section and size."""
    a, b = _seconds(rows, section, label, size), _seconds(rows, section, other, size)
    return a / b if a is not None and b else None


def _sizes(rows: list[Row], section: str, label: str) -> list[str]:
    return [r.size for r in rows if r.section == section and r.label == label]


def _issue5(rows: list[Row]) -> list[str]:
    out = []
    for size in ("1,000 stretches", "20,000 stretches"):
        r = _against(rows, "validate", VALID, "stretchkit load_catalog", size)
        out.append(f"- Valid-file validate, {size}: at most 3× the load time — {_verdict(r, 3.0)}.")
    plan = _seconds(rows, "engine", "plan(now, context)", "year")
    out.append(
        "- `plan()` on a year of history: under 1 ms — "
        + _verdict(plan * 1e3 if plan is not None else None, 1.0, " ms")
        + "."
    )
    apply_year = _row(rows, "engine", "apply one more event", "year")
    r = ratio(apply_year, rows) if apply_year else None
    base = find_base(apply_year, rows) if apply_year else None
    if apply_year is None or r is None or base is None:
        out.append("- One more `apply()` costs the same at any history length — **not measured**.")
    else:
        verdict = "**met**" if r < NOISE else "**missed** (it grows with the history)"
        out.append(
            f"- One more `apply()` costs the same at any history length — {verdict} (a year: "
            f"{fmt_time(apply_year.seconds)}, a day: {fmt_time(base.seconds)}, {r:.2f}×)."
        )
    for view in ("peak RSS growth", "tracemalloc peak"):
        row = next(
            (x for x in rows if x.section == "memory" and x.label == f"stretchkit: {view}"), None
        )
        r = ratio(row, rows) if row else None
        out.append(
            f"- Peak memory loading {row.size if row else 'the biggest catalog'} ({view}): at "
            f"most pydantic's — {_verdict(r, 1.0)}."
        )
    gen = next((x for x in rows if x.section == "generate"), None)
    if gen is not None:
        ms = gen.seconds * 1e3 if gen.seconds is not None else None
        out.append(f"- Generation on {gen.size}: well under a second — {_verdict(ms, 500, ' ms')}.")
    return out


def _issue8(rows: list[Row]) -> list[str]:
    out = []
    for what, bare, own, size in (
        (
            "SQLite appends in batches of 100: at least 0.5 of a bare `sqlite3` loop's rate",
            "bare sqlite3: executemany of 100 in one transaction",
            "SQLiteStore.append(100 events)",
            "batches of 100",
        ),
        (
            "PostgreSQL appends in a batch of 100: at least 0.5 of bare psycopg's rate",
            "bare psycopg: executemany of 100 INSERTs, one commit",
            "PostgresStore.append: a batch of 100",
            "a batch of 100",
        ),
    ):
        r = _against(rows, "store", bare, own, size)
        out.append(f"- {what} — {_verdict_at_least(r, 0.5)}.")
    for label in (
        "load through the snapshot: progress()",
        "PostgresStore.progress through the snapshot, plan",
    ):
        sizes = _sizes(rows, "store", label)
        times = [_seconds(rows, "store", label, size) for size in sizes]
        known = [(size, t) for size, t in zip(sizes, times, strict=True) if t]
        store = "SQLite" if label.startswith("load") else "PostgreSQL"
        if len(known) < 2:
            out.append(f"- {store}: loading through the snapshot — **not measured**.")
            continue
        (short, t1), (long, t2) = known[0], known[-1]
        verdict = "**met**" if t2 / t1 < NOISE else "**missed**"
        out.append(
            f"- {store}: loading through the snapshot does not grow with history — {verdict} "
            f"({short}: {fmt_time(t1)}, {long}: {fmt_time(t2)}, {t2 / t1:.2f}×)."
        )
    return out


def _issue9(rows: list[Row]) -> list[str]:
    out = []
    for size in ("15 stretches", "1,000 stretches", "20,000 stretches"):
        row = _row(rows, "load", "stretchkit load_catalog", size)
        r = ratio(row, rows) if row else None
        out.append(f"- Catalog load, {size}: at most 1.0× pydantic — {_verdict(r, 1.0)}.")
    for size in ("15 stretches", "1,000 stretches", "20,000 stretches"):
        for label, what in (
            ("stretchkit validate_catalog, one mistake in fifty stretches", "one in fifty"),
            ("stretchkit validate_catalog, one mistake (in the last stretch)", "a single one"),
        ):
            r = _against(rows, "validate", label, VALID, size)
            out.append(
                f"- Validate with mistakes ({what}), {size}: at most 1.5× the valid file — "
                f"{_verdict(r, 1.5)}."
            )
    for size in _sizes(rows, "dump", "stretchkit dump_catalog"):
        r = _against(
            rows, "dump", "stretchkit dump_catalog", "pydantic model_dump_json(indent=2)", size
        )
        out.append(
            f"- `dump_catalog`, {size}: at most 1.0× pydantic's indented dump — {_verdict(r, 1.0)}."
        )
    r = _against(rows, "import", "import stretchkit", "import pydantic", "fresh process")
    out.append(f"- `import stretchkit`: at most 1.0× `import pydantic` — {_verdict(r, 1.0)}.")
    first = [
        r for r in rows if r.section == "import" and r.label.endswith("the first load_catalog")
    ]
    for row in first:
        r = ratio(row, rows)
        out.append(
            f"- The first `load_catalog` in a fresh process ({row.size}): at most 1.0× "
            f"pydantic's first load — {_verdict(r, 1.0)}."
        )
    if not first:
        out.append("- The first `load_catalog` in a fresh process: **not measured**.")
    return out


def _issue10(rows: list[Row]) -> list[str]:
    out = []
    for size in [r.size for r in rows if r.section == "replay" and r.label.startswith("bare loop")]:
        row = _row(rows, "replay", SK_REPLAY, size)
        r = ratio(row, rows) if row else None
        if size.startswith("year"):  # the issue's target is a year of history
            out.append(
                f"- Replay from stored JSON to a Progress, {size}: at most 1.0× the bare loop — "
                f"{_verdict(r, 1.0)}."
            )
        else:
            shown = f"{r:.2f}× the bare loop" if r is not None else "not measured"
            out.append(f"- Replay from stored JSON, {size} (for scale, not a target): {shown}.")
    for label, what in (
        ("one late event (stamped a day before the latest)", "One late event"),
        ("apply to an older Progress (a branch)", "Applying to an older Progress (a branch)"),
    ):
        for size in _sizes(rows, "engine", label):
            t = _seconds(rows, "engine", label, size)
            out.append(
                f"- {what}, {size} of history: at most 1 ms — "
                f"{_verdict(t * 1e3 if t is not None else None, 1.0, ' ms')}."
            )
    return out


ISSUES: tuple[tuple[str, Callable[[list[Row]], list[str]]], ...] = (
    ("Issue 5: the first performance round", _issue5),
    ("Issue 8: persistence", _issue8),
    ("Issue 9: one format definition", _issue9),
    ("Issue 10: engine, round two", _issue10),
)


def statements(rows: list[Row]) -> list[str]:
    out: list[str] = []
    for title, judge in ISSUES:
        out += [f"### {title}", "", *judge(rows), ""]
    return out[:-1]


CLOSING = """\
## How the paths are built, and what the rows say

- **Load**: msgspec Structs made from the model (`stretchkit.io._wire`) decode
  and check shapes, types, bounds and unknown fields in C; the text rules run in
  bulk on the raw bytes; the semantic rules (`stretchkit.io._semantic`, one
  implementation for every path) run on the Structs; the model objects are built
  once each by constructors generated from the model, without a check run twice.
  The garbage collector is left alone (a pause is a process-wide switch).
  Property tests hold that this path returns exactly what the full pipeline
  (cattrs, jsonschema, the semantic rules) returns, or steps aside to it.
- **Validate**: a file with mistakes is screened item by item in C: msgspec
  splits the bytes into each item's raw span and decodes each span straight into
  its Struct (`stretchkit.io._screen`), so the items that fit never become Python
  dicts; only the top level and the suspect items do. The schema explains the
  suspects with checks compiled once from it (`stretchkit.io._schema_checks`,
  jsonschema's errors word for word, a property test compares them); the
  converter is asked only when the schema finds nothing. Lines and columns come
  from stepping over the same spans to the issue. What is left at 15 stretches
  is fixed cost of the same order as validating the whole valid file.
- **Dump**: one writer per model class, generated from its fields, builds the
  canonical form; msgspec encodes and indents each top-level item in C.
- **Replay**: `Progress.replay_json` decodes the stored array in C and checks it
  column by column (as `events_from_json` does); the log is built in bulk (one
  sort) from the decoded Structs and folded on local variables, frozen only at
  checkpoints. Pain reports become event objects only when the events are asked
  for. What is left above msgspec's row is checking every time and computing
  every instant.
- **Late events and branches**: the history is kept in shared chunks of 1,024
  events with a checkpoint every 64, so a late event copies one chunk and refolds
  from the checkpoint before it, and a branch copies the last chunk only.
- **Stores**: an append checks the batch, inserts it (looking up stored copies
  only when an id was already there: all or nothing on a conflict) and
  invalidates a snapshot a late event makes stale, in one transaction; the bare
  loops do only the inserts.
"""


def closing(rows: list[Row]) -> list[str]:
    return CLOSING.splitlines()
