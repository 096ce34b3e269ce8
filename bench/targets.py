"""Issue 5's targets, judged from the rows of one run, and the closing note."""

from __future__ import annotations

from bench.report import Row, find_base, fmt_time, ratio

__all__ = ["closing", "statements"]

NOISE = 1.3
"""Ratios closer than this to a target are within the machine's noise."""


def _row(rows: list[Row], section: str, label: str, size: str) -> Row | None:
    for row in rows:
        if row.section == section and row.label == label and row.size == size:
            return row
    return None


def _verdict(value: float | None, limit: float, unit: str = "×") -> str:
    if value is None:
        return "**not measured**"
    if value <= limit:
        return f"**met** ({value:.2f}{unit})"
    over = value / limit
    band = " — within the noise band" if over < NOISE else ""
    times = f", {over:.2f}× the target" if limit != 1.0 else ""
    return f"**missed** ({value:.2f}{unit}{times}{band})"


def _why_missing(row: Row | None) -> str:
    if row is None:
        return "the row was not run"
    return row.note or "not available"


def _load_statement(rows: list[Row]) -> list[str]:
    out = []
    for size in ("1,000 stretches", "20,000 stretches"):
        row = _row(rows, "load", "stretchkit load_catalog", size)
        r = ratio(row, rows) if row else None
        best = _row(rows, "study", "(c+d) fast_load, gc paused", size)
        rb = ratio(best, rows) if best else None
        text = f"- Catalog load, {size}: at most 1.0× pydantic — {_verdict(r, 1.0)}"
        if r is None:
            text += f" ({_why_missing(row)})"
        elif r > 1.0:
            text += (
                ". Why: `load_catalog` parses with `json.loads`, walks the document for the "
                "limits, runs the semantic checks on the dicts, then structures it with "
                "cattrs in Python with every attrs validator on; building the objects in "
                "Python is the cost (pydantic builds them in Rust)"
            )
        if rb is not None:
            text += f". The prototype fast path of the study (c+d) makes every check in {rb:.2f}×"
        out.append(text + ".")
    return out


def statements(rows: list[Row]) -> list[str]:
    out = _load_statement(rows)
    for size in ("1,000 stretches", "20,000 stretches"):
        row = _row(rows, "validate", "stretchkit validate_catalog, valid file", size)
        r = ratio(row, rows) if row else None
        text = f"- Valid-file validate, {size}: at most 3× the load time — {_verdict(r, 3.0)}"
        if r is None:
            text += f" ({_why_missing(row)})"
        fast = _row(rows, "study", "(c+d) fast_load, gc paused", size)
        if row is not None and row.seconds and fast is not None and fast.seconds:
            text += (
                f" (against today's load; against the fast path's {fmt_time(fast.seconds)} it "
                f"would be {row.seconds / fast.seconds:.1f}×, so validate needs the fast path "
                "too, plus the warnings checked on the typed catalog)"
            )
        out.append(text + ".")
    year = next((r for r in rows if r.section == "replay" and r.size.startswith("year")), None)
    if year is not None:
        row = _row(rows, "replay", "stretchkit: stored JSON → events → Progress.replay", year.size)
        r = ratio(row, rows) if row else None
        count = year.size.split("(")[1].rstrip(")")
        text = f"- Replay of a year ({count}): at most 3× the bare loop — {_verdict(r, 3.0)}"
        if r is None:
            text += f" ({_why_missing(row)})"
        out.append(text + ".")
    plan = _row(rows, "engine", "plan(now, context)", "year")
    if plan is not None and plan.seconds is not None:
        ms = plan.seconds * 1e3
        out.append(f"- `plan()` on a year of history: under 1 ms — {_verdict(ms, 1.0, ' ms')}.")
    else:
        out.append(f"- `plan()` on a year of history: **not measured** ({_why_missing(plan)}).")
    apply_year = _row(rows, "engine", "apply one more event", "year")
    if apply_year is not None and apply_year.seconds is not None:
        r = ratio(apply_year, rows)
        base = find_base(apply_year, rows)
        out.append(
            "- One more `apply()` costs the same at any history length — "
            + (
                f"**met** (a year: {fmt_time(apply_year.seconds)}, a day: "
                f"{fmt_time(base.seconds if base else None)}, {r:.2f}×)"
                if r is not None and r < NOISE
                else f"**missed** (a year: {fmt_time(apply_year.seconds)}, a day: "
                f"{fmt_time(base.seconds if base else None)}: {r or 0:.1f}× — it grows with "
                "the history)"
            )
            + "."
        )
    else:
        out.append(f"- One more `apply()`: **not measured** ({_why_missing(apply_year)}).")
    imp = _row(rows, "import", "import stretchkit", "fresh process")
    r = ratio(imp, rows) if imp else None
    out.append(
        "- `import stretchkit`: at most 1.1× attrs + cattrs + the model classes — "
        + _verdict(r, 1.1)
        + "."
    )
    for view in ("peak RSS growth", "tracemalloc peak"):
        row = next(
            (x for x in rows if x.section == "memory" and x.label == f"stretchkit: {view}"),
            None,
        )
        r = ratio(row, rows) if row else None
        out.append(
            f"- Peak memory loading {row.size if row else 'the biggest catalog'} ({view}): at "
            f"most pydantic's — {_verdict(r, 1.0)}"
            + (f" ({_why_missing(row)})" if r is None else "")
            + "."
        )
    gen = next((x for x in rows if x.section == "generate"), None)
    if gen is not None:
        out.append(
            f"- Generation on {gen.size} (issue 4): well under a second — "
            + (
                f"**met** ({fmt_time(gen.seconds)})"
                if gen.seconds is not None and gen.seconds < 0.5
                else _verdict(gen.seconds, 0.5, " s")
            )
            + "."
        )
    return out


CLOSING = """\
## What would close the gaps

The study above measures, in the same run, what each known idea buys on the
load path. Its conclusions, with the numbers of the rows above:

- **The schema is not the cost once it is compiled**: jsonschema-rs validates
  the published schema in a few milliseconds per 1,000 stretches. Python
  `jsonschema` must stay off the success path (it is 10–50× the whole budget);
  it remains the right tool to *explain* an invalid file.
- **cattrs structuring is the cost.** Strict cattrs with the attrs validators
  is 2–4× pydantic on its own; turning the validators off (they repeat what
  the schema checked) and pausing the garbage collector helps, but the
  Python-level structuring still leaves it at ~1.5× pydantic: (b+d+e).
- **msgspec as the strict decoder, then a cheap conversion** — variant (c+d),
  `bench/fastload.py` — meets the target while making every check: msgspec
  Structs that mirror the schema decode and check shapes, types, bounds and
  unknown fields in C; the text rules are checked in bulk on the raw bytes
  (control characters, blank strings) and on all slugs joined; duplicate keys
  are caught by counting keys (optional fields are `UNSET` unless present);
  the semantic errors are set and dict look-ups on the Structs; the attrs
  objects are built with their validators off and the collector paused. It
  either returns exactly the catalog `load_catalog` builds or `None`, and
  then the full, located pipeline runs — so it needs to be right in one
  direction only (accept ⇒ the full pipeline accepts and builds an equal
  catalog), which a differential test over the hostile corpus and
  mutated catalogs checks.
- **Pausing the garbage collector** during a bulk build is worth 1.5–2.5× at
  20,000 stretches for every path that builds objects (pydantic included —
  pydantic does not pause it).

Wiring it in (for the owners of `stretchkit.io`): move `bench/fastload.py` to
`src/stretchkit/io/_fast.py` (msgspec imported inside it, so `import
stretchkit` stays light), and at the top of `check_catalog` in `_load.py`,
when the source is bytes or text and the limits are the defaults, call
`fast_load(raw)`; if it returns a catalog, `load_catalog` returns it at once,
otherwise the present pipeline runs unchanged and reports. `validate_catalog`
can take the same path and then only look for warnings, on the typed catalog
(`semantic_issues`), to stay within 3× of load. msgspec becomes a run-time
dependency. The Structs must follow the schema: a test that every schema
property has its Struct field (and bound), and the differential tests, keep
them together.

The other gaps:

- **Import.** `stretchkit/__init__.py` imports the engine, the generator, the
  importers and the io pipeline eagerly (see the largest self times in the
  notes). Re-exporting those names lazily (a module `__getattr__`, as
  `__version__` already is) and compiling their regular expressions on first
  use brings `import stretchkit` back to the model and the issues.
- **Replay** sits at the edge of its 3× target (2.5–5× the bare loop across
  runs on this machine). Of the year replay, `json.loads` is about a tenth,
  `events_from_dicts` (Python checks per event) about a third and the fold in
  `Progress.replay` about half. msgspec decoding of the stored events into
  checked Structs plus the same fold is below the bare loop (the msgspec row),
  so the same decode-then-convert idea applies, and the fold can skip
  re-checking what decoding checked.
- **Dump** has no target; it is cattrs unstructuring plus `json.dumps` with an
  indent, 8–9× pydantic. Encoding with msgspec or orjson would take most of it.
"""


def closing(rows: list[Row]) -> list[str]:
    return CLOSING.splitlines()
