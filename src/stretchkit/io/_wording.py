"""Schema errors in the words of the format: one jsonschema error, one or more issues.

jsonschema's own messages quote whole instances and name keywords
(``'x' is not valid under any of the given schemas``). Here each keyword gets a
sentence about the catalog: which field is unknown (and which was probably
meant), which dose part kind does not exist, how many items were allowed, what an
id must look like. Values are described briefly and never echoed whole.
"""

from __future__ import annotations

import difflib
import importlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, TypeAlias

from stretchkit.io._issues import Issue, new_issue
from stretchkit.io._pointer import join_pointer
from stretchkit.model import PART_KINDS

ValidationError: TypeAlias = Any
"""A ``jsonschema.exceptions.ValidationError`` (jsonschema ships no type stubs)."""

__all__ = ["ValidationError", "describe", "schema_issues"]

_SLUG_HINT: Final = "lower-case letters and digits, words joined by single hyphens"
_KIND_NAMES: Final = ", ".join(PART_KINDS.values())
_SIZES: Final = {
    "minItems": ("item(s)", True),
    "maxItems": ("item(s)", False),
    "minLength": ("character(s)", True),
    "maxLength": ("character(s)", False),
    "minProperties": ("entries", True),
    "maxProperties": ("entries", False),
}
_TYPE_NAMES: Final = {
    "object": "an object {…}",
    "array": "an array […]",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        text = repr(value)
        return f"the number {text if len(text) <= 40 else text[:37] + '…'}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _best(error: ValidationError) -> ValidationError:
    """For ``anyOf``/``oneOf``, the branch error that says most about the instance."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        best_match = importlib.import_module("jsonschema.exceptions").best_match
        found = best_match(error.context)
        if found is not None:
            return _best(found)
    return error


def schema_issues(
    error: ValidationError, prefix: tuple[str | int, ...] = ()
) -> Iterator[tuple[Issue, bool]]:
    """Issues for one schema error, each with whether it points at a key (not a value)."""
    error = _best(error)
    path = [*prefix, *error.absolute_path]
    pointer = join_pointer(path)
    keyword = str(error.validator)
    instance = error.instance
    value = error.validator_value
    code = f"schema-{_kebab(keyword)}"
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        known = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        for key in instance:
            if key in known or any(re.search(p, key) for p in patterns):
                continue
            yield (
                new_issue(
                    code,
                    join_pointer([*path, key]),
                    f"unknown field {key!r}{_suggest(key, known)}",
                ),
                True,
            )
        return
    if keyword in ("enum", "const") and path and path[-1] == "kind":
        yield (
            new_issue(
                "unknown-kind",
                pointer,
                f"{describe(instance)} is not a dose part kind; use one of {_KIND_NAMES}"
                + (_suggest(instance, PART_KINDS.values()) if isinstance(instance, str) else ""),
            ),
            False,
        )
        return
    if keyword == "required" and isinstance(instance, Mapping):
        for name in value if isinstance(value, list) else []:
            if name not in instance:
                yield new_issue(code, pointer, f"the required field {name!r} is missing"), False
        return
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in types)
        yield new_issue(code, pointer, f"expected {wanted}, got {describe(instance)}"), False
        return
    if keyword == "enum" and isinstance(value, list):
        allowed = ", ".join(json.dumps(v) for v in value)
        hint = (
            _suggest(instance, [v for v in value if isinstance(v, str)])
            if isinstance(instance, str)
            else ""
        )
        yield (
            new_issue(code, pointer, f"{describe(instance)} is not one of {allowed}{hint}"),
            False,
        )
        return
    if keyword in _SIZES and isinstance(value, int) and hasattr(instance, "__len__"):
        noun, least = _SIZES[keyword]
        bound = "at least" if least else "at most"
        yield (
            new_issue(code, pointer, f"needs {bound} {value} {noun}, has {len(instance)}"),
            False,
        )
        return
    if keyword == "pattern" and isinstance(value, str) and value.startswith("^[a-z0-9]+"):
        yield (
            new_issue(code, pointer, f"{describe(instance)} is not a valid id: use {_SLUG_HINT}"),
            False,
        )
        return
    if keyword == "pattern" and isinstance(value, str) and "\\u001f" in value:
        yield (
            new_issue(
                code,
                pointer,
                f"{describe(instance)} is not usable text: it must not be blank, "
                "and must not hold control or bidirectional characters",
            ),
            False,
        )
        return
    yield new_issue(code, pointer, error.message), False
