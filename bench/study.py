"""The optimisation study: ways to a load path as fast as pydantic, measured side by side.

Every variant starts from the same bytes and ends with a typed catalog. The
note on each row says which checks it makes; "every check" means every check
``load_catalog`` makes on a document that passes (schema, strict structuring,
the model's validators, semantic errors, duplicate keys, control characters).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import msgspec

from bench import peers
from bench.report import Row
from bench.targets import FAST_ROW

if TYPE_CHECKING:
    from bench.run import Bench

__all__ = ["run"]

PYD = "pydantic model_validate_json"
_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "catalog.schema.json"


def paused(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with the garbage collector paused, and restored afterwards (also on error)."""

    def run() -> Any:
        was = gc.isenabled()
        gc.disable()
        try:
            return fn()
        finally:
            if was:
                gc.enable()

    return run


def _rs_validator() -> tuple[Any, str]:
    try:
        import jsonschema_rs
    except ImportError:
        return None, "jsonschema-rs not installed"

    if _SCHEMA.exists():
        schema = json.loads(_SCHEMA.read_text(encoding="utf-8"))
        return jsonschema_rs.validator_for(schema), "the published schema"
    return jsonschema_rs.validator_for(msgspec.json.schema(peers.MsCatalog)), "a proxy schema"


def run(bench: Bench) -> None:
    try:
        from stretchkit.io._converter import structure_catalog
        from stretchkit.io._semantic import semantic_issues_raw
    except ImportError as exc:
        bench.notes.append(f"study skipped: {exc}")
        return
    from stretchkit.io import _fast

    rs, rs_schema = _rs_validator()
    ms_peer = msgspec.json.Decoder(peers.MsCatalog)
    sizes = [n for n in (1000, 20000) if n in bench.sizes]
    for n in sizes:
        raw = bench.catalog_bytes[n]
        size = f"{n:,} stretches"
        r = bench.repeats(n)
        if n <= 1000:
            fast = _fast.fast_catalog(raw)
            same = (
                "builds an equal catalog"
                if fast == structure_catalog(json.loads(raw))
                else "DIFFERS from load_catalog"
            )
        else:
            same = "equality checked at 1,000"

        def cattrs_strict(raw: bytes = raw) -> Any:
            doc = json.loads(raw)
            if any(i.is_error for i in semantic_issues_raw(doc)):
                raise ValueError("semantic errors")
            return structure_catalog(doc)

        def rs_then_cattrs(raw: bytes = raw) -> Any:
            if rs is None:
                raise RuntimeError(rs_schema)
            doc = json.loads(raw)
            if not rs.is_valid(doc):
                raise ValueError("schema errors")
            if any(i.is_error for i in semantic_issues_raw(doc)):
                raise ValueError("semantic errors")
            with attrs.validators.disabled():
                return structure_catalog(doc)

        structs = _fast.decode(raw)

        def convert_only(structs: Any = structs) -> Any:
            return _fast._convert(structs)

        variants: list[tuple[str, Callable[[], Any], str]] = [
            (PYD, lambda raw=raw: peers.PyCatalog.model_validate_json(raw), "the reference"),
            (
                "msgspec typed decode (peer model)",
                lambda raw=raw: ms_peer.decode(raw),
                "same checks as pydantic",
            ),
            (
                "(a) json.loads + semantic + strict cattrs, validators on",
                cattrs_strict,
                "no schema; misses duplicate keys",
            ),
            (
                "(a+d) the same, gc paused",
                paused(cattrs_strict),
                "no schema; misses duplicate keys",
            ),
            (
                "(b+e) json.loads + jsonschema-rs + semantic + cattrs, validators off",
                rs_then_cattrs,
                f"{rs_schema}; misses duplicate keys",
            ),
            (
                "(b+d+e) the same, gc paused",
                paused(rs_then_cattrs),
                f"{rs_schema}; misses duplicate keys",
            ),
            (
                "(c) _fast.decode only: msgspec Structs + bulk checks",
                lambda raw=raw: _fast.decode(raw),
                "shape, types, bounds, text rules, duplicate keys",
            ),
            (
                "(c) _fast._convert only: Structs → attrs, generated constructors",
                convert_only,
                "semantic errors, labels, slugs, blanks; gc on",
            ),
            (
                FAST_ROW,
                lambda raw=raw: _fast.fast_catalog(raw),
                f"every check; {same}",
            ),
        ]
        big_skip = ("(a) ", "(b+e) ", "(c) _fast.")
        # Seen at 1,000; at 20,000 only the contenders, to keep the run short.
        chosen = [v for v in variants if n <= 1000 or not v[0].startswith(big_skip)]
        bench.time_together("study", size, chosen, repeats=r, base=PYD)
        bench.add(
            Row(
                "study",
                "stretchkit load_catalog as it is (from the load section)",
                size,
                next(
                    (
                        row.seconds
                        for row in bench.rows
                        if row.section == "load"
                        and row.size == size
                        and row.label == "stretchkit load_catalog"
                    ),
                    None,
                ),
                0,
                PYD,
                "for comparison",
            )
        )
