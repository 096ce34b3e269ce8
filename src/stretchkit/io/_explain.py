"""Explaining a failure with the schema, run on only the parts at fault.

The schema is the precise witness: it says exactly what is wrong. Its checks
run compiled (:mod:`stretchkit.io._schema_checks`, jsonschema's errors word for
word), or with jsonschema itself should the schema use a keyword they lack; either
way a run over a 20,000-stretch file costs far more than the parts at fault. Its checks of each
item of ``stretches``, ``routines`` and ``programs`` are independent, so the top
level (with those arrays emptied) plus the suspect items give every error the
whole document would. Suspects come from the pointers the parser, the
converter or the Structs already flagged.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from stretchkit.io._issues import Issue
from stretchkit.io._pointer import is_within
from stretchkit.io._screen import ITEM_KEYS
from stretchkit.io._wording import ValidationError, schema_issues

__all__ = ["schema_errors", "suspect_items"]

_ITEM = re.compile(r"^/(stretches|routines|programs)/(\d+)(?:/|$)")


def _inline(node: Any, defs: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/x", ...}`` replaced by the definition itself.

    The schema's references sit beside annotations only (title, description,
    examples), which validate nothing, so the merged object validates exactly
    as the reference did, keyword for keyword, in the same order; jsonschema
    no longer looks each reference up (a quarter of its time on an item).
    Raises ``ValueError`` for anything else (a cycle, a sibling that validates).
    """
    if isinstance(node, list):
        return [_inline(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix("#/$defs/")
        siblings = set(node) - {"$ref", "title", "description", "examples", "$comment"}
        if name == ref or name not in defs or name in seen or siblings:
            raise ValueError(f"cannot inline {ref!r}")
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**rest, **_inline(defs[name], defs, (*seen, name))}
    return {
        k: v if k in ("examples", "const", "enum") else _inline(v, defs, seen)
        for k, v in node.items()
    }


@functools.cache
def _item_validator(key: str) -> Any:
    """A validator for one item of a top-level array, sharing the catalog schema's definitions.

    Its references are inlined (:func:`_inline`) when they can be, once per process.
    """
    from stretchkit.io._schema import catalog_validator

    root: Any = catalog_validator()
    schema = root.schema
    items = schema["properties"][key]["items"]
    with contextlib.suppress(ValueError):  # else the references stay, and are looked up
        items = _inline(items, schema["$defs"])
    sub = {"$schema": schema["$schema"], "$id": schema["$id"], "$defs": schema["$defs"], **items}
    registry = importlib.import_module("referencing").Registry()
    return type(root)(sub, registry=registry, format_checker=root.format_checker)


def _validator(key: str | None) -> Any:
    """The schema's checks compiled once (:mod:`stretchkit.io._schema_checks`), else jsonschema.

    Both give the same errors (``tests/test_schema_checks.py``); the compiled ones
    about ten times faster, which is most of explaining one bad item of a small file.
    ``key`` names a top-level array whose item is checked; ``None`` is the whole document.
    """
    from stretchkit.io._schema_checks import catalog_checks

    found = catalog_checks(key)
    if found is not None:
        return found
    if key is None:
        from stretchkit.io._schema import catalog_validator

        return catalog_validator()
    return _item_validator(key)


@functools.cache
def _clean_text_validator(key: str | None) -> Any:
    """:func:`_validator` for a document whose raw bytes the text scan found clean.

    Then every non-empty string meets the text pattern, and a part of the
    document that fits the msgspec Struct of its ``$defs`` entry (slugs and
    unique arrays checked too) draws no schema error: the screen's rule, one
    level down. Both save the compiled checks work on a bad item's good parts;
    ``tests/test_schema_checks.py`` holds the errors to jsonschema's.
    """
    import msgspec

    from stretchkit.io._schema import _schema
    from stretchkit.io._schema_checks import Unsupported, compile_schema
    from stretchkit.io._screen import fits_beyond_struct
    from stretchkit.io._wire import def_name, plans
    from stretchkit.model import PART_KINDS
    from stretchkit.model._validators import TEXT_PATTERN

    bad = (msgspec.ValidationError, TypeError, UnicodeEncodeError, RecursionError, OverflowError)

    def fitting(target: Any, struct: Any) -> Any:
        def fits(instance: Any) -> bool:
            if type(instance) is not dict:
                return False
            try:
                decoded = msgspec.convert(instance, target, strict=True)
            except bad:
                return False
            return struct is None or fits_beyond_struct(struct, decoded)

        return fits

    found = plans()
    shortcuts = {def_name(cls): fitting(struct, struct) for cls, (struct, _) in found.items()}
    # A part is one Struct of a union tagged by ``kind``: pick it by the tag (converting
    # to the union itself costs msgspec a type lookup per call). No part holds a slug.
    by_kind = {kind: shortcuts[kind] for kind in PART_KINDS.values()}

    def part(instance: Any) -> bool:
        kind = instance.get("kind") if type(instance) is dict else None
        fits = by_kind.get(kind) if type(kind) is str else None
        return fits is not None and fits(instance)

    shortcuts["part"] = part
    schema = _schema()
    node = None if key is None else schema["properties"][key]["items"]
    try:
        return compile_schema(schema, node, vouched=frozenset({TEXT_PATTERN}), shortcuts=shortcuts)
    except (Unsupported, KeyError, TypeError, re.error):
        return _validator(key)


def suspect_items(pointers: Iterable[str]) -> set[tuple[str, int]]:
    """The top-level array items that ``pointers`` fall in: ``/stretches/3/name`` → stretch 3."""
    found = set()
    for pointer in pointers:
        m = _ITEM.match(pointer)
        if m is not None:
            found.add((m.group(1), int(m.group(2))))
    return found


def schema_errors(
    document: dict[str, Any],
    limit: int,
    items: set[tuple[str, int]] | None = None,
    *,
    clean_text: bool = False,
) -> list[tuple[Issue, bool]]:
    """Every schema issue: of the whole document, or of its top level and ``items`` only.

    The schema checks each item of ``stretches``, ``routines`` and
    ``programs`` on its own, so the top level with those arrays emptied plus
    the suspect items give exactly the errors of the whole document when the
    other items are known to be valid. That keeps a file with one mistake from
    costing a full run of the (slow) schema validator.

    ``clean_text``: the document's raw bytes passed the text scan, so its
    strings keep the text rules (see :func:`_clean_text_validator`).
    """
    validator = _clean_text_validator if clean_text else _validator
    streams: list[tuple[tuple[str | int, ...], Iterator[ValidationError]]]
    if items is None:
        streams = [((), validator(None).iter_errors(document))]
    else:
        top = {k: [] if k in ITEM_KEYS and isinstance(v, list) else v for k, v in document.items()}
        streams = [((), validator(None).iter_errors(top))]
        for key, index in sorted(items, key=lambda item: (ITEM_KEYS.index(item[0]), item[1])):
            array = document.get(key)
            if isinstance(array, list) and index < len(array):
                streams.append(((key, index), validator(key).iter_errors(array[index])))
    found: list[tuple[Issue, bool]] = []
    for prefix, errors in streams:
        for error in errors:
            found.extend(schema_issues(error, prefix))
        if len(found) > limit:
            break
    # An unknown kind explains every other complaint about that part.
    parts = {issue.pointer.rsplit("/", 1)[0] for issue, _ in found if issue.code == "unknown-kind"}
    kept: list[tuple[Issue, bool]] = []
    seen: set[tuple[str, str, str]] = set()
    for issue, at_key in found:
        if issue.code != "unknown-kind" and any(is_within(issue.pointer, p) for p in parts):
            continue
        identity = (issue.code, issue.pointer, issue.message)
        if identity not in seen:
            seen.add(identity)
            kept.append((issue, at_key))
    return kept
