"""The measurements, one function per section of the report."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import orjson
from pydantic import ValidationError

from bench import adapters, data, peers
from bench.report import SK_REPLAY, Row
from bench.subjects import sk
from bench.timing import measure_together

if TYPE_CHECKING:
    from bench.run import Bench

__all__ = ["dump", "engine", "generate", "imports", "load", "memory", "replay", "validate"]

PYD = "pydantic model_validate_json"
SK_LOAD = "stretchkit load_catalog"
_MS_CATALOG = msgspec.json.Decoder(peers.MsCatalog)


def size_label(n: int) -> str:
    return f"{n:,} stretches"


def load(bench: Bench) -> None:
    """The five paths timed in turns, so their ratios share the machine's conditions."""
    load_catalog = sk("load_catalog")
    for n in bench.sizes:
        b = bench.catalog_bytes[n]
        size = size_label(n)
        skip = bench.too_slow("load", SK_LOAD, n)
        bench.time_together(
            "load",
            size,
            [
                ("orjson.loads (floor)", lambda b=b: orjson.loads(b), f"{len(b) / 1024:,.0f} KiB"),
                ("json.loads (floor)", lambda b=b: json.loads(b), ""),
                ("msgspec typed decode", lambda b=b: _MS_CATALOG.decode(b), ""),
                (PYD, lambda b=b: peers.PyCatalog.model_validate_json(b), ""),
                (SK_LOAD, None if load_catalog is None else (lambda b=b: load_catalog(b)), ""),
            ],
            repeats=bench.repeats(n),
            base=PYD,
            skips={SK_LOAD: skip} if skip else None,
        )


def dump(bench: Bench) -> None:
    """Every row timed in turns; the target is pydantic's indented dump (``indent=2``)."""
    load_catalog = sk("load_catalog")
    dump_catalog = sk("dump_catalog")
    base = "pydantic model_dump_json(indent=2)"
    for n in bench.sizes:
        b = bench.catalog_bytes[n]
        size = size_label(n)
        doc = orjson.loads(b)
        py = peers.PyCatalog.model_validate_json(b)
        ms = _MS_CATALOG.decode(b)
        fn = None
        if dump_catalog is not None:
            try:
                catalog = _typed_catalog(b, load_catalog)
            except Exception as exc:
                bench.notes.append(f"dump {size}: could not build the catalog: {exc!s:.200}")
            else:
                fn = lambda catalog=catalog: dump_catalog(catalog)  # noqa: E731
        bench.time_together(
            "dump",
            size,
            [
                ("orjson.dumps of the dict (floor)", lambda doc=doc: orjson.dumps(doc), ""),
                ("json.dumps of the dict (floor)", lambda doc=doc: json.dumps(doc), ""),
                ("msgspec.json.encode", lambda ms=ms: msgspec.json.encode(ms), ""),
                (
                    "pydantic model_dump_json",
                    lambda py=py: py.model_dump_json(by_alias=True, exclude_defaults=True),
                    "",
                ),
                (
                    base,
                    lambda py=py: py.model_dump_json(
                        indent=2, by_alias=True, exclude_defaults=True
                    ),
                    "",
                ),
                ("stretchkit dump_catalog", fn, "indented, as the base row"),
            ],
            repeats=bench.repeats(n),
            base=base,
        )


def _typed_catalog(raw: bytes, load_catalog: Any) -> Any:
    """The catalog ``load_catalog`` gives, built with the converter alone when it can (faster)."""
    try:
        from stretchkit.io._converter import structure_catalog
    except ImportError:
        return load_catalog(raw)
    return structure_catalog(json.loads(raw))


_FIFTY = "stretchkit validate_catalog, one mistake in fifty stretches"
_ONE = "stretchkit validate_catalog, one mistake (in the last stretch)"


def validate(bench: Bench) -> None:
    """Valid file, one mistake in fifty, one mistake at the end, load and pydantic: in turns.

    The ratio that matters is a file with errors against the valid file of the same
    size, so every row of a size is timed in the same turns (base: the valid file).
    """
    validate_catalog = sk("validate_catalog")
    load_catalog = sk("load_catalog")
    valid_label = "stretchkit validate_catalog, valid file"
    for n in bench.sizes:
        size = size_label(n)
        good = bench.catalog_bytes[n]
        bad = bench.invalid_bytes[n]
        one = bench.one_mistake_bytes[n]
        notes = {"bad": "", "one": ""}
        if validate_catalog is not None and n <= 1000:
            errors = [i for i in validate_catalog(good) if i.is_error]
            if errors:
                bench.notes.append(
                    f"validate {size}: the valid file gave {len(errors)} error(s), first: "
                    f"{errors[0].format()[:200]}"
                )
            for key, raw in (("bad", bad), ("one", one)):
                issues = [i for i in validate_catalog(raw) if i.is_error]
                located = sum(1 for i in issues if i.line is not None)
                notes[key] = f"{len(issues)} errors, {located} with line and column"

        def pyd_errors(b: bytes = bad) -> int:
            try:
                peers.PyCatalog.model_validate_json(b)
            except ValidationError as exc:
                return len(exc.errors())
            return 0

        def run(raw: bytes) -> Any:
            return None if validate_catalog is None else (lambda raw=raw: validate_catalog(raw))

        bench.time_together(
            "validate",
            size,
            [
                (valid_label, run(good), ""),
                (
                    "stretchkit validate_catalog, one mistake in fifty stretches",
                    run(bad),
                    notes["bad"],
                ),
                (
                    "stretchkit validate_catalog, one mistake (in the last stretch)",
                    run(one),
                    notes["one"],
                ),
                (SK_LOAD, None if load_catalog is None else (lambda b=good: load_catalog(b)), ""),
                ("pydantic, invalid file, all errors (paths, no lines)", pyd_errors, ""),
            ],
            repeats=bench.repeats(n),
            base=valid_label,
        )


def _history_bytes(bench: Bench, name: str) -> tuple[bytes, list[dict[str, Any]]]:
    cache: dict[str, tuple[bytes, list[dict[str, Any]]]] = bench.__dict__.setdefault("_hist", {})
    if name not in cache:
        evs = data.events(data.HISTORY_DAYS[name], adapters.history_routines())
        cache[name] = (orjson.dumps(evs), evs)
    return cache[name]


def replay(bench: Bench) -> None:
    engine = adapters.engine()
    base = "bare loop: json.loads + fromisoformat + fold (floor)"
    for name in bench.histories:
        raw, evs = _history_bytes(bench, name)
        size = f"{name} ({len(evs):,} events)"
        r = 5 if name == "year" else (10 if bench.quick else 30)
        fn = None
        note = engine.why if engine.why else ""
        if engine.ok:
            try:
                stored = engine.stored_bytes(evs)
                fn = lambda stored=stored: engine.replay_bytes(stored)  # noqa: E731
                note = f"{len(stored) / 1024:,.0f} KiB stored"
            except Exception as exc:
                note = f"failed: {exc!s:.160}"
        bench.time_together(
            "replay",
            size,
            [
                (base, lambda raw=raw: peers.bare_replay(raw), f"{len(raw) / 1024:,.0f} KiB"),
                ("msgspec decode + the same fold", lambda raw=raw: peers.msgspec_replay(raw), ""),
                (SK_REPLAY, fn, note),
            ],
            repeats=r,
            base=base,
        )


def engine(bench: Bench) -> None:
    eng = adapters.engine()
    if not eng.ok:
        for label in ("apply one more event", "plan(now, context)"):
            bench.add(Row("engine", label, "—", None, 0, None, eng.why))
        return
    histories = [h for h in ("day", "year") if h in bench.histories] or ["day"]
    if "year" not in bench.histories:
        histories.append("month")
    base = "apply one more event"
    batch = 50
    built: dict[str, tuple[Any, Any, Any]] = {}
    for name in histories:
        _raw, evs = _history_bytes(bench, name)
        try:
            built[name] = (eng.progress(evs), eng.next_event(evs), eng.now_after(evs))
        except Exception as exc:
            bench.add(Row("engine", base, name, None, 0, None, f"failed: {exc!s:.160}"))

    def applies(p: Any, e: Any) -> None:
        for _ in range(batch):
            p.apply(e)

    # The histories in turns, 50 applies per sample: a few microseconds each is
    # below what one timer reading can tell apart.
    results = measure_together(
        {name: (lambda p=p, e=e: applies(p, e)) for name, (p, e, _) in built.items()},
        repeats=400,
        budget=2.0,
    )
    for name, (seconds, runs) in results.items():
        bench.add(
            Row(
                "engine",
                base,
                name,
                seconds / batch if runs else None,
                runs * batch,
                f"{base}@@{histories[0]}",
                f"in turns, {batch} per sample",
            )
        )
    for name, (progress, _, now) in built.items():
        bench.time(
            "engine",
            "plan(now, context)",
            name,
            lambda p=progress, now=now: eng.plan(p, now),
            repeats=200,
        )
    _late_and_branch(bench, eng)


def generate(bench: Bench) -> None:
    gen = adapters.generator()
    n = 20000 if 20000 in bench.sizes else max(bench.sizes)
    size = size_label(n)
    if not gen.ok:
        bench.add(
            Row("generate", "generate_routine, sitting, 10 minutes", size, None, 0, None, gen.why)
        )
        return
    try:
        catalog = gen.catalog(bench.catalog_bytes[n])
        gen.run(catalog, 1)
    except Exception as exc:
        bench.add(
            Row(
                "generate",
                "generate_routine, sitting, 10 minutes",
                size,
                None,
                0,
                None,
                f"failed: {exc!s:.160}",
            )
        )
        return
    seeds = iter(range(10**6))
    bench.time(
        "generate",
        "generate_routine, sitting, 10 minutes",
        size,
        lambda: gen.run(catalog, next(seeds)),
        repeats=10 if bench.quick else 30,
    )


# --- import ---------------------------------------------------------------------------------

_MODEL_ONLY = textwrap.dedent(
    """
    import sys, types, importlib.util
    spec = importlib.util.find_spec("stretchkit")
    pkg = types.ModuleType("stretchkit")
    pkg.__path__ = list(spec.submodule_search_locations)
    sys.modules["stretchkit"] = pkg
    import attrs, cattrs
    import stretchkit.model
    """
)
IMPORTS = {
    "nothing (python -c pass)": "pass",
    "attrs + cattrs + stretchkit.model (baseline)": _MODEL_ONLY,
    "import stretchkit": "import stretchkit",
    "import pydantic": "import pydantic",
    "import msgspec": "import msgspec",
    "import jsonschema": "import jsonschema",
}


def _child_env() -> dict[str, str]:
    """The environment for fresh interpreters, allowed to write bytecode caches.

    With ``PYTHONDONTWRITEBYTECODE`` set (as in some shells), the project's own
    modules would be compiled from source in every child while the installed
    libraries load their ``.pyc`` files (pip writes them at install): an
    unequal race. An installed stretchkit has its caches too, so the children
    may write them, and a warm-up round does before any is timed.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _spawn(code: str) -> float:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import time; t=time.perf_counter()\n{code}\nprint(time.perf_counter()-t)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _spawn_timed(setup: str, code: str) -> float:
    """Seconds ``code`` takes in a fresh interpreter, after an untimed ``setup``."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{setup}\nimport time; t=time.perf_counter()\n{code}\nprint(time.perf_counter()-t)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=_child_env(),
    )
    return float(out.stdout.strip().splitlines()[-1])


FIRST_SK = "stretchkit: import, then the first load_catalog"
FIRST_PYD = "pydantic peer: import, model classes, then the first model_validate_json"
FIRST_SIZE = "first call, 15 stretches"
_FIRST = {
    # The peer module also defines msgspec Structs: msgspec is imported untimed first,
    # so the pydantic row is not billed for it.
    FIRST_PYD: (
        "import msgspec",
        "from bench.peers import PyCatalog\nPyCatalog.model_validate_json(open(PATH, 'rb').read())",
    ),
    FIRST_SK: ("", "import stretchkit\nstretchkit.load_catalog(PATH)"),
}


def _first_calls(bench: Bench, runs: int) -> None:
    """Import plus the first load in a fresh process, the two in turns: what a CLI run pays."""
    times: dict[str, list[float]] = {k: [] for k in _FIRST}
    broken: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.json"
        path.write_bytes(bench.catalog_bytes.get(15, b""))
        for turn in range(runs + 1):  # the first turn, untimed, writes the bytecode caches
            for label, (setup, code) in _FIRST.items():
                if label in broken:
                    continue
                try:
                    seconds = _spawn_timed(setup, code.replace("PATH", repr(str(path))))
                except (subprocess.CalledProcessError, ValueError) as exc:
                    broken[label] = f"failed: {exc!s:.160}"
                    continue
                if turn:
                    times[label].append(seconds)
    for label in _FIRST:
        base = None if label == FIRST_PYD else FIRST_PYD
        if label in broken or not times[label]:
            bench.add(Row("import", label, FIRST_SIZE, None, 0, base, broken.get(label, "")))
            continue
        med = statistics.median(times[label])
        bench.add(Row("import", label, FIRST_SIZE, med, len(times[label]), base, "in turns"))


def _spawn_wall(code: str) -> float:
    import time

    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=_child_env())
    return time.perf_counter() - t


def imports(bench: Bench) -> None:
    """Whole-process wall time, minus a bare interpreter; runs interleaved to share the noise."""
    runs = 5 if bench.quick else 21
    times: dict[str, list[float]] = {k: [] for k in IMPORTS}
    broken: dict[str, str] = {}
    for turn in range(runs + 1):  # the first turn, untimed, writes the bytecode caches
        for label, code in IMPORTS.items():
            if label in broken:
                continue
            try:
                seconds = _spawn_wall(code)
                if turn:
                    times[label].append(seconds)
            except subprocess.CalledProcessError as exc:
                broken[label] = (
                    (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:][0:1][0]
                    if exc.stderr
                    else "failed"
                )
    bare = statistics.median(times["nothing (python -c pass)"])
    base = "attrs + cattrs + stretchkit.model (baseline)"
    for label in IMPORTS:
        if label in broken:
            bench.add(
                Row("import", label, "fresh process", None, 0, base, f"failed: {broken[label]}")
            )
            continue
        med = statistics.median(times[label])
        value = med if label.startswith("nothing") else max(med - bare, 0.0)
        note = (
            "the interpreter itself (subtracted from the others)"
            if label.startswith("nothing")
            else ""
        )
        bench.add(
            Row(
                "import",
                label,
                "fresh process",
                value,
                runs,
                None if label.startswith("nothing") else base,
                note,
            )
        )
    _first_calls(bench, runs)
    _importer(bench)
    modules = _heavy_modules()
    if modules:
        bench.notes.append(modules)
    top = _import_self_times()
    if top:
        bench.notes.append(
            "`python -X importtime -c 'import stretchkit'`, largest self times: " + top
        )


_FREE_EXERCISE_DB = Path(__file__).resolve().parent.parent / "tests" / "data" / "free-exercise-db"
IMPORT_DISTINCT = "import_free_exercise_db, distinct entries"
IMPORT_DUPLICATED = "import_free_exercise_db, one entry repeated"


def _importer_files(folder: Path, n: int) -> tuple[Path, Path]:
    """Two source files of ``n`` entries: the real stretching entries cycled with fresh ids,
    and ``n`` copies of one entry (every id collides: the case that used to be quadratic)."""
    real = json.loads((_FREE_EXERCISE_DB / "stretching.json").read_text(encoding="utf-8"))
    distinct = []
    for i in range(n):
        entry = dict(real[i % len(real)])
        entry["id"] = f"{entry.get('id', 'entry')}_{i}"
        entry["name"] = f"{entry.get('name', 'Entry')} {i}"
        distinct.append(entry)
    paths = (folder / f"distinct-{n}.json", folder / f"duplicated-{n}.json")
    paths[0].write_bytes(orjson.dumps(distinct))
    paths[1].write_bytes(orjson.dumps([real[0]] * n))
    return paths


def _importer(bench: Bench) -> None:
    """The importer from a file, at 2,000 and 20,000 entries: the time per entry stays flat.

    The two files of a size are timed in turns, as their ratio is shown.
    """
    importer = sk("import_free_exercise_db")
    per_entry: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in (2_000, 20_000):
            distinct, duplicated = _importer_files(Path(folder), n)
            size = f"{n:,} entries"
            entries = (
                (IMPORT_DISTINCT, distinct, None),
                (IMPORT_DUPLICATED, duplicated, IMPORT_DISTINCT),
            )
            if importer is None:
                for label, _, base in entries:
                    bench.add(Row("import", label, size, None, 0, base, "not available"))
                continue
            results = measure_together(
                {label: (lambda path=path: importer(path)) for label, path, _ in entries},
                repeats=1 if bench.quick else 3,
                budget=bench.budget(),
            )
            for label, _, base in entries:
                seconds, runs = results[label]
                if runs == 0:  # a piece under construction must not stop the run
                    bench.add(Row("import", label, size, None, 0, base, "failed"))
                    continue
                us = seconds / n * 1e6
                first = per_entry.setdefault(label, us)
                note = f"{us:,.0f} µs per entry, in turns" + (
                    f", {us / first:.2f}× the per-entry time at 2,000" if n > 2_000 else ""
                )
                bench.add(Row("import", label, size, seconds, runs, base, note))


def _import_self_times(limit: int = 8) -> str:
    """The modules that cost most to import themselves (not counting what they import)."""
    try:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import stretchkit"],
            capture_output=True,
            text=True,
            check=True,
        )
    except subprocess.CalledProcessError:
        return ""
    rows: list[tuple[int, str]] = []
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].startswith("import time:"):
            continue
        try:
            own = int(parts[0].removeprefix("import time:").strip())
        except ValueError:
            continue
        rows.append((own, parts[2].strip()))
    rows.sort(reverse=True)
    return ", ".join(f"`{name}` {us / 1000:.0f} ms" for us, name in rows[:limit])


def _heavy_modules() -> str:
    code = (
        "import sys; import stretchkit; "
        "print(','.join(sorted(m for m in ('jsonschema','hypothesis','sqlite3','cattrs','pydantic',"
        "'msgspec','orjson','jsonschema_rs','stretchkit.cli','referencing') if m in sys.modules)))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    except subprocess.CalledProcessError:
        return ""
    found = out.stdout.strip()
    return f"`import stretchkit` loads these of the watched modules: {found or 'none'}."


# --- memory ---------------------------------------------------------------------------------

_MEMORY_CHILD = textwrap.dedent(
    """
    import sys

    def status(key):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
        raise SystemExit(f"no {key}")

    which, path, small = sys.argv[1], sys.argv[2], sys.argv[3]
    raw = open(path, "rb").read()
    warm = open(small, "rb").read()
    if which == "stretchkit":
        import stretchkit
        fn = stretchkit.load_catalog
    elif which == "pydantic":
        from bench.peers import PyCatalog
        fn = PyCatalog.model_validate_json
    elif which == "msgspec":
        import msgspec
        from bench.peers import MsCatalog
        fn = msgspec.json.Decoder(MsCatalog).decode
    else:
        import orjson
        fn = orjson.loads
    fn(warm)
    before = status("VmRSS:")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident set
    kept = fn(raw)
    print((status("VmHWM:") - before) / 1024)
    """
)


def memory(bench: Bench) -> None:
    n = 20000 if 20000 in bench.sizes else max(bench.sizes)
    size = size_label(n)
    base = "pydantic"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "catalog.json")
        path.write_bytes(bench.catalog_bytes[n])
        small = Path(tmp, "small.json")
        small.write_bytes(bench.catalog_bytes[min(bench.sizes)])
        for which in ("orjson (floor)", "msgspec", "pydantic", "stretchkit"):
            key = which.split()[0]
            if key == "stretchkit" and sk("load_catalog") is None:
                bench.add(
                    Row("memory", f"{which}: peak RSS growth", size, None, 0, base, "not available")
                )
                continue
            try:
                out = subprocess.run(
                    [sys.executable, "-c", _MEMORY_CHILD, key, str(path), str(small)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=Path(__file__).resolve().parent.parent,
                )
                mb = float(out.stdout.strip().splitlines()[-1])
                bench.add(
                    Row(
                        "memory",
                        f"{key}: peak RSS growth",
                        size,
                        mb,
                        1,
                        "pydantic: peak RSS growth",
                        unit="MB",
                    )
                )
            except subprocess.CalledProcessError as exc:
                bench.add(
                    Row(
                        "memory",
                        f"{key}: peak RSS growth",
                        size,
                        None,
                        0,
                        None,
                        f"failed: {exc.stderr[-160:]}",
                    )
                )
    subjects: dict[str, Any] = {
        "pydantic": peers.PyCatalog.model_validate_json,
        "msgspec": _MS_CATALOG.decode,
    }
    load_catalog = sk("load_catalog")
    if load_catalog is not None:
        subjects["stretchkit"] = load_catalog
    raw = bench.catalog_bytes[n]
    for key, fn in subjects.items():
        try:
            tracemalloc.start()
            kept = fn(raw)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            del kept
        except Exception as exc:
            bench.add(
                Row(
                    "memory",
                    f"{key}: tracemalloc peak",
                    size,
                    None,
                    0,
                    None,
                    f"failed: {exc!s:.120}",
                )
            )
            continue
        finally:
            tracemalloc.stop()
        bench.add(
            Row(
                "memory",
                f"{key}: tracemalloc peak",
                size,
                peak,
                1,
                "pydantic: tracemalloc peak",
                unit="MB",
            )
        )


def _shifted(neutral: list[dict[str, Any]], days: int) -> list[dict[str, Any]]:
    """The history moved ``days`` earlier (fixed offsets stay valid), ids unchanged."""
    from datetime import datetime, timedelta

    delta = timedelta(days=days)

    def move(text: str) -> str:
        return (datetime.fromisoformat(text) - delta).isoformat()

    out = []
    for e in neutral:
        e = dict(e)
        e["at"] = move(e["at"])
        if "session" in e:
            s = dict(e["session"])
            s["started_at"], s["ended_at"] = move(s["started_at"]), move(s["ended_at"])
            e["session"] = s
        out.append(e)
    return out


_BARE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events (user_id TEXT NOT NULL, event_id BLOB NOT NULL,"
    " instant INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (user_id, event_id));"
    "CREATE INDEX IF NOT EXISTS events_order ON events (user_id, instant, event_id)"
)


def store(bench: Bench) -> None:
    """SQLiteStore appends beside a bare sqlite3 loop doing the same inserts, and loads.

    Both sides use the same file settings (WAL, synchronous=FULL: an append that
    returned survives a crash), the same table and index, and the same JSON text of
    each event, so the ratio is the store's own cost: checking the batch, looking up
    ids already stored, the snapshot invalidation, locking.
    """
    import itertools
    import sqlite3

    from stretchkit.engine._time import instant

    SQLiteStore = sk("SQLiteStore")
    engine = adapters.engine()
    if SQLiteStore is None or not engine.ok:
        bench.add(Row("store", "SQLiteStore append", "—", None, 0, None, "not available"))
        return
    _raw, neutral = _history_bytes(bench, "month")
    events = engine.events(neutral)
    texts = [json.dumps(engine.to_dict(e), separators=(",", ":")) for e in events]  # type: ignore[misc]
    keys = [
        (instant(e.session.ended_at if hasattr(e, "session") else e.at), e.id.encode())
        for e in events
    ]
    folder = tempfile.mkdtemp(prefix="stretchkit-bench-store-")
    store = SQLiteStore(Path(folder) / "store.db")
    bare = sqlite3.connect(Path(folder) / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.executescript(_BARE_SCHEMA)
    users = itertools.count()
    single, batch = 20, 100

    def store_single() -> None:
        user = f"u{next(users)}"
        for e in events[:single]:
            store.append(user, [e])

    def bare_single() -> None:
        user = f"u{next(users)}"
        for (t, eid), text in zip(keys[:single], texts, strict=False):
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (user, eid, t, text))
            bare.execute("COMMIT")

    def store_batch() -> None:
        store.append(f"u{next(users)}", events[:batch])

    def bare_batch() -> None:
        user = f"u{next(users)}"
        bare.execute("BEGIN IMMEDIATE")
        bare.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            [(user, eid, t, text) for (t, eid), text in zip(keys[:batch], texts, strict=False)],
        )
        bare.execute("COMMIT")

    r = 10 if bench.quick else 40
    for size, base_label, label, bare_fn, store_fn, n in (
        (
            "single events",
            "bare sqlite3: one INSERT per transaction",
            "SQLiteStore.append([event])",
            bare_single,
            store_single,
            single,
        ),
        (
            "batches of 100",
            "bare sqlite3: executemany of 100 in one transaction",
            "SQLiteStore.append(100 events)",
            bare_batch,
            store_batch,
            batch,
        ),
    ):
        results = measure_together(
            {base_label: bare_fn, label: store_fn}, repeats=r, budget=bench.budget()
        )
        for row_label in (base_label, label):
            seconds, runs = results[row_label]
            per = seconds / n if runs else None
            rate = f"{n / seconds:,.0f} events/s" if runs and seconds else ""
            bench.add(Row("store", row_label, size, per, runs, base_label, f"per event; {rate}"))

    # Loading: a year of heavy history, and four years ending on the same day.
    catalog, program = engine.catalog, engine.program
    Progress = sk("Progress")
    histories = {"year": 365}
    if not bench.quick:
        histories["4 years"] = 4 * 364
    for name, days in histories.items():
        hist = data.events(days, adapters.history_routines())
        if days > 365:
            hist = _shifted(hist, days - 364)
        evs = engine.events(hist)
        user = f"history-{name}"
        for i in range(0, len(evs), 5000):
            store.append(user, evs[i : i + 5000])
        store.progress(user, program, catalog)  # writes the snapshot
        size = f"{name} ({len(evs):,} events)"
        without = "load without a snapshot: events() + Progress.replay"
        bench.time_together(
            "store",
            size,
            [
                (
                    without,
                    lambda u=user: Progress.replay(program, store.events(u), catalog=catalog),
                    "",
                ),
                (
                    "load through the snapshot: progress()",
                    lambda u=user: store.progress(u, program, catalog),
                    "",
                ),
            ],
            repeats=3 if bench.quick else 15,
            base=without,
        )
    store.close()
    bare.close()
    import shutil

    shutil.rmtree(folder, ignore_errors=True)

    from bench import store_pg

    store_pg.run(bench)


def _late_and_branch(bench: Bench, eng: Any) -> None:
    """One late event and a branch, at one and eight years of history, in turns.

    A late event is a pain report stamped a day before the latest; a branch is a
    different event applied to a Progress another one already grew from.
    """
    built: dict[str, tuple[Any, Any, Any, Any]] = {}
    for name, days in (("year", 365), ("8 years", 8 * 365)):
        if name == "8 years" and bench.quick:
            continue
        evs = data.events(days, adapters.history_routines())
        try:
            progress = eng.progress(evs[:-1])
            tip_event = eng.events(evs[-1:])[0]
            progress.apply(tip_event)  # the log grows past `progress`: it is now a branch point
            last = datetime.fromisoformat(evs[-2]["at"])
            late = eng.from_dict(
                {
                    "type": "pain_reported",
                    "id": "event-late",
                    "at": (last - timedelta(days=1)).isoformat(),
                    "level": 0,
                }
            )
            other = eng.next_event(evs)
        except Exception as exc:
            bench.add(Row("engine", "one late event", name, None, 0, None, f"failed: {exc!s:.160}"))
            continue
        built[name] = (progress, tip_event, late, other)
    if not built:
        return
    fns: dict[str, Any] = {}
    for name, (progress, _tip, late, other) in built.items():
        fns[f"late@@{name}"] = lambda p=progress, e=late: p.apply(e)
        fns[f"branch@@{name}"] = lambda p=progress, e=other: p.apply(e)
    results = measure_together(fns, repeats=60, budget=3.0)
    first = next(iter(built))
    for key, (seconds, runs) in results.items():
        kind, name = key.split("@@")
        label = (
            "one late event (stamped a day before the latest)"
            if kind == "late"
            else "apply to an older Progress (a branch)"
        )
        bench.add(
            Row(
                "engine",
                label,
                name,
                seconds if runs else None,
                runs,
                f"{label}@@{first}" if name != first else None,
                f"in turns; {len(built[name][0]):,} events",
            )
        )
