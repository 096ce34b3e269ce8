"""Differential check of the prototype fast path: ``python -m bench.check_fastload``.

The fast path may only ever say "yes, and here is the catalog" when the full
pipeline says so too and builds an equal catalog. This runs it against
``load_catalog`` on the repository's corpus and examples, on thousands of
mutated catalogs (wrong types and values, missing and unknown keys, white
space and control characters, escapes), and on duplicated keys, and prints
what it found. A port into ``src`` should turn these into Hypothesis tests.
"""

from __future__ import annotations

import copy
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import data
from bench.fastload import fast_load

ROOT = Path(__file__).resolve().parent.parent

VALUES: list[Any] = [
    0, -1, 1, 30.0, 30.5, 1e300, True, False, None, "", " ", "\u00a0", "\u2003", "x", "X",
    "a b", "a--b", "-a", "a\u0085b", "a\x7fb", "ok text", [], {}, [1], {"k": 1}, 10**30,
    3600, 3601, 24, 25, "hold", "wiggle", "lying", "sitting", "standing", "seated", "each",
    "image", "stretch-00001", "routine-00001", "a" * 65, "é",
]  # fmt: skip


def _verdict(raw: bytes) -> str:
    from stretchkit import CatalogError, load_catalog

    fast = fast_load(raw)
    try:
        full = load_catalog(raw)
    except CatalogError:
        full = None
    if fast is None:
        return "fallback" if full is None else "fallback-on-valid"
    if full is None:
        return "UNSOUND"
    return "accepted" if fast == full else "DIFFERENT"


def _paths(o: Any, p: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield p
    if isinstance(o, dict):
        for k, v in o.items():
            yield from _paths(v, (*p, k))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from _paths(v, (*p, i))


def _mutate(doc: Any, rng: random.Random, paths: list[tuple[Any, ...]]) -> None:
    for _ in range(rng.randint(1, 2)):
        p = rng.choice(paths)
        try:
            parent = doc
            for k in p[:-1]:
                parent = parent[k]
            op = rng.random()
            if op < 0.5:
                parent[p[-1]] = rng.choice(VALUES)
            elif op < 0.65:
                del parent[p[-1]]
            elif op < 0.75 and isinstance(parent, dict):
                parent[rng.choice(["extra", "kind", "id", "seconds"])] = rng.choice(VALUES)
            elif op < 0.85 and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[p[-1]]))
            elif isinstance(parent[p[-1]], str):
                v = parent[p[-1]]
                parent[p[-1]] = rng.choice(
                    [v.upper(), v + " ", " ", v + "\n", v + "\t", v + '"', v + '":', v[:-1]]
                )
        except (KeyError, IndexError, TypeError):
            continue


def main() -> int:
    counts: dict[str, int] = {}

    def record(kind: str, what: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1
        if kind in ("UNSOUND", "DIFFERENT"):
            print(f"{kind}: {what}")

    files = sorted((ROOT / "tests" / "corpus").rglob("*.json"))
    files += sorted((ROOT / "examples").rglob("*.json"))
    for f in files:
        record(_verdict(f.read_bytes()), str(f.relative_to(ROOT)))
    base = data.catalog_dict(15)
    paths = [p for p in _paths(base) if p]
    rng = random.Random(1)
    for i in range(3000):
        doc = copy.deepcopy(base)
        _mutate(doc, rng, paths)
        raw = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()
        if rng.random() < 0.2:
            text = raw.decode()
            at = text.find('"seconds":')
            if at > 0:
                raw = (text[:at] + '"seconds": 5, ' + text[at:]).encode()
        record(_verdict(raw), f"mutation {i}")
    for indent in (None, 2):
        raw = json.dumps(base, ensure_ascii=False, indent=indent).encode()
        pairs = list(re.finditer(rb'"([a-z_$]+)": ?("[^"\\]*"|-?[0-9.]+|true|false|null)', raw))
        for m in random.Random(3).sample(pairs, 150):
            dup = raw[: m.end()] + b", " + m.group(0) + raw[m.end() :]
            record(_verdict(dup), f"duplicate {m.group(0)!r}")
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 1 if counts.get("UNSOUND") or counts.get("DIFFERENT") else 0


if __name__ == "__main__":
    sys.exit(main())
