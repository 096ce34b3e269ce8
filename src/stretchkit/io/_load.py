"""Loading and validating catalogs: every problem, located, in one pass.

The pipeline, each stage run only if the ones before found no error (a later
stage on a broken document would only repeat the earlier complaint in worse
words):

1. read: a path, bytes, text or an already-parsed mapping;
2. parse (:mod:`stretchkit.io._source`): UTF-8, JSON syntax, the limits,
   duplicate keys, non-finite numbers, control characters;
3. version (:mod:`stretchkit.io._migrate`): ``format_version`` known, older
   documents upgraded by explicit steps;
4. schema: the published JSON Schema, every error collected;
5. semantics (:mod:`stretchkit.io._semantic`): ids, references, durations;
6. structure (:mod:`stretchkit.io._converter`): the typed :class:`Catalog`.

A document without parse errors first tries the quick path (:func:`_quick`):
structure and semantics only. Only when that fails do stages 4 to 6 run, to
say exactly what is wrong.

Warnings (a byte-order mark, minutes that do not match) never stop the
pipeline. Lines and columns are filled in from the source map at the end, so
a valid document never pays for building one.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, TypeAlias

import attrs

from stretchkit.io._issues import CatalogError, Issue, Severity
from stretchkit.io._migrate import migrate
from stretchkit.io._source import (
    FATAL_CODES,
    Limits,
    SourceText,
    check_value,
    join_pointer,
    parse_json,
)
from stretchkit.model import PHASE_KINDS, Catalog

ValidationError: TypeAlias = Any
"""A ``jsonschema.exceptions.ValidationError`` (jsonschema ships no type stubs)."""

__all__ = [
    "CatalogSource",
    "catalog_schema",
    "check_catalog",
    "dump_catalog",
    "load_catalog",
    "validate_catalog",
]

CatalogSource: TypeAlias = "str | bytes | bytearray | os.PathLike[str] | Mapping[str, Any]"
"""What :func:`load_catalog` and :func:`validate_catalog` accept.

A ``str`` is JSON text when its first character other than white space (or a
byte-order mark) is ``{`` or ``[``, or when it is blank; any other ``str`` is
a file path. A :class:`pathlib.Path` is always a path, ``bytes`` always the
document itself.
"""


# --- reading ---------------------------------------------------------------------------------


def _issue(
    code: str,
    pointer: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Issue:
    return Issue(severity=severity, code=code, pointer=pointer, message=message)


def _is_text(source: str) -> bool:
    stripped = source.lstrip(" \t\r\n\ufeff")
    return not stripped or stripped[0] in "{["


def _read(
    source: CatalogSource, limits: Limits
) -> tuple[bytes | str | Mapping[str, Any] | None, str | None, list[Issue]]:
    """The document's bytes, text or mapping, the file name if it came from one, and issues."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None, []
    if isinstance(source, Mapping):
        return source, None, []
    if isinstance(source, str) and _is_text(source):
        return source, None, []
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            "a catalog source is a path, bytes, JSON text or a mapping, "
            f"got {type(source).__name__}"
        )
    name = os.fsdecode(source)
    try:
        with open(source, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limits.max_bytes:
                data = b""
            else:
                data = f.read(limits.max_bytes + 1)
                size = len(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, name, [_issue("unreadable", "", f"cannot read the file: {reason}")]
    if size > limits.max_bytes:
        message = f"the file is {size:,} bytes, more than the limit of {limits.max_bytes:,}"
        return None, name, [_issue("too-large", "", message)]
    return data, name, []


# --- schema errors as issues -----------------------------------------------------------------

_SLUG_HINT: Final = "lower-case letters and digits, words joined by single hyphens"
_KIND_NAMES: Final = ", ".join(PHASE_KINDS.values())
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


def _describe(value: object) -> str:
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


def _schema_issues(error: ValidationError) -> Iterator[tuple[Issue, bool]]:
    """Issues for one schema error, each with whether it points at a key (not a value)."""
    error = _best(error)
    pointer = join_pointer(error.absolute_path)
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
                _issue(
                    code,
                    join_pointer([*error.absolute_path, key]),
                    f"unknown field {key!r}{_suggest(key, known)}",
                ),
                True,
            )
        return
    if keyword in ("enum", "const") and error.absolute_path and error.absolute_path[-1] == "kind":
        yield (
            _issue(
                "unknown-kind",
                pointer,
                f"{_describe(instance)} is not a phase kind; use one of {_KIND_NAMES}"
                + (_suggest(instance, PHASE_KINDS.values()) if isinstance(instance, str) else ""),
            ),
            False,
        )
        return
    if keyword == "required" and isinstance(instance, Mapping):
        for name in value if isinstance(value, list) else []:
            if name not in instance:
                yield _issue(code, pointer, f"the required field {name!r} is missing"), False
        return
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in types)
        yield _issue(code, pointer, f"expected {wanted}, got {_describe(instance)}"), False
        return
    if keyword == "enum" and isinstance(value, list):
        allowed = ", ".join(json.dumps(v) for v in value)
        hint = (
            _suggest(instance, [v for v in value if isinstance(v, str)])
            if isinstance(instance, str)
            else ""
        )
        yield (
            _issue(code, pointer, f"{_describe(instance)} is not one of {allowed}{hint}"),
            False,
        )
        return
    if keyword in _SIZES and isinstance(value, int) and hasattr(instance, "__len__"):
        noun, least = _SIZES[keyword]
        bound = "at least" if least else "at most"
        yield (
            _issue(code, pointer, f"needs {bound} {value} {noun}, has {len(instance)}"),
            False,
        )
        return
    if keyword == "pattern" and isinstance(value, str) and value.startswith("^[a-z0-9]+"):
        yield (
            _issue(code, pointer, f"{_describe(instance)} is not a valid id: use {_SLUG_HINT}"),
            False,
        )
        return
    yield _issue(code, pointer, error.message), False


def _within(pointer: str, ancestor: str) -> bool:
    return pointer == ancestor or pointer.startswith(ancestor + "/")


def _schema_errors(document: object, limit: int) -> list[tuple[Issue, bool]]:
    from stretchkit.io._schema import catalog_validator

    found: list[tuple[Issue, bool]] = []
    for error in catalog_validator().iter_errors(document):
        found.extend(_schema_issues(error))
        if len(found) > limit:
            break
    # An unknown kind explains every other complaint about that phase.
    phases = {issue.pointer.rsplit("/", 1)[0] for issue, _ in found if issue.code == "unknown-kind"}
    kept: list[tuple[Issue, bool]] = []
    seen: set[tuple[str, str, str]] = set()
    for issue, at_key in found:
        if issue.code != "unknown-kind" and any(_within(issue.pointer, p) for p in phases):
            continue
        identity = (issue.code, issue.pointer, issue.message)
        if identity not in seen:
            seen.add(identity)
            kept.append((issue, at_key))
    return kept


# --- the pipeline ----------------------------------------------------------------------------


@attrs.define
class _Report:
    """Issues gathered so far, located against the source text at the end."""

    source: SourceText | None
    limits: Limits
    file: str | None
    issues: list[tuple[Issue, bool]] = attrs.field(factory=list)

    def add(self, issues: Iterable[Issue], *, at_key: bool = False) -> None:
        self.issues.extend((issue, at_key) for issue in issues)

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue, _ in self.issues)

    def finish(self) -> list[Issue]:
        located = [self._locate(issue, at_key) for issue, at_key in self.issues]
        if self.source is not None:
            located.sort(key=lambda i: (i.line or 0, i.column or 0))
        cap = self.limits.max_issues
        if len(located) > cap:
            first = located[cap]
            note = _issue(
                "too-many-issues",
                "",
                f"{len(located) - cap} more issues are not shown (the next is here)",
                Severity.WARNING,
            )
            located = [*located[:cap], attrs.evolve(note, line=first.line, column=first.column)]
        if self.file is not None:
            located = [attrs.evolve(i, file=self.file) for i in located]
        return located

    def _locate(self, issue: Issue, at_key: bool) -> Issue:
        if issue.line is not None or self.source is None:
            return issue
        where = self.source.locate(issue.pointer, key=at_key)
        if where is None:
            return issue
        return attrs.evolve(issue, line=where[0], column=where[1])


def _quick(document: dict[str, Any]) -> tuple[Catalog | None, list[Issue]]:
    """The success path: the strict converter and the semantic checks, without the schema.

    The converter refuses everything the schema refuses (a differential test
    in ``tests/test_load.py`` holds the two together), so a document it
    accepts, with no semantic error, needs no schema run: the Python schema
    validator is by far the slowest stage and is only needed to *explain* a
    bad document. Anything short of success returns ``None`` and the full
    pipeline reports it.
    """
    from stretchkit.io._converter import STRUCTURE_ERRORS, structure_catalog
    from stretchkit.io._semantic import semantic_issues_raw

    if not isinstance(document.get("$schema", ""), str):
        return None, []
    try:
        catalog = structure_catalog(document)
    except STRUCTURE_ERRORS:
        return None, []
    semantic = semantic_issues_raw(document)
    if any(issue.is_error for issue in semantic):
        return None, []
    return catalog, semantic


def check_catalog(
    source: CatalogSource, *, limits: Limits | None = None
) -> tuple[list[Issue], Catalog | None]:
    """Every issue of ``source``, and the catalog when there is no error."""
    limits = limits or Limits()
    data, file, read_issues = _read(source, limits)
    report = _Report(source=None, limits=limits, file=file)
    report.add(read_issues)
    if data is None:
        return report.finish(), None

    document: object
    if isinstance(data, Mapping):
        document = dict(data)
        problems = check_value(document, limits, json_types_only=True)
        report.add(_issue(code, pointer, message) for code, pointer, message in problems)
        if any(code in FATAL_CODES for code, _, _ in problems):
            return report.finish(), None
    else:
        parsed = parse_json(data, limits)
        report.source = parsed.source
        report.add(parsed.issues)
        if parsed.fatal:
            return report.finish(), None
        document = parsed.value

    if not isinstance(document, dict):
        report.add(
            [
                _issue(
                    "wrong-type",
                    "",
                    f"a catalog is a JSON object {{…}}, got {_describe(document)}",
                )
            ]
        )
        return report.finish(), None

    try:
        document = migrate(document)
    except CatalogError as exc:
        report.add(exc.issues)
        return report.finish(), None

    if not report.has_errors:
        catalog, semantic = _quick(document)
        if catalog is not None:
            report.add(semantic)
            return report.finish(), catalog

    # Problems already reported (a control character, NaN) need no schema echo.
    flagged = [issue.pointer for issue, _ in report.issues if issue.is_error]
    for issue, at_key in _schema_errors(document, limits.max_issues):
        if not any(_within(issue.pointer, p) for p in flagged):
            report.issues.append((issue, at_key))
    if report.has_errors:
        return report.finish(), None

    from stretchkit.io._semantic import semantic_issues_raw

    report.add(semantic_issues_raw(document))
    if report.has_errors:
        return report.finish(), None

    from stretchkit.io._converter import (
        STRUCTURE_ERRORS,
        structure_catalog,
        structure_errors_to_messages,
    )

    try:
        catalog = structure_catalog(document)
    except STRUCTURE_ERRORS as exc:
        report.add(
            _issue("invalid-value", pointer, message)
            for pointer, message in structure_errors_to_messages(exc)
        )
        return report.finish(), None
    return report.finish(), catalog


def validate_catalog(source: CatalogSource, *, limits: Limits | None = None) -> list[Issue]:
    """Every problem of a catalog, errors and warnings, located; never raises for bad content.

    A file that cannot be read gives an ``unreadable`` issue. An empty list
    (or one with only warnings) means :func:`load_catalog` will succeed.
    """
    return check_catalog(source, limits=limits)[0]


def load_catalog(source: CatalogSource, *, limits: Limits | None = None) -> Catalog:
    """The catalog in ``source``; :class:`CatalogError` listing every problem if it has errors.

    Warnings do not stop loading; :func:`validate_catalog` shows them.
    """
    issues, catalog = check_catalog(source, limits=limits)
    if catalog is None:
        file = next((i.file for i in issues if i.file), None)
        raise CatalogError(issues, file=file)
    return catalog


def dump_catalog(catalog: Catalog) -> str:
    """Canonical JSON text: defaults omitted, two-space indent, UTF-8 as is, a final newline.

    Equal catalogs give equal text, so dumps diff cleanly under version control.
    """
    from stretchkit.io._converter import unstructure_catalog

    return json.dumps(unstructure_catalog(catalog), indent=2, ensure_ascii=False) + "\n"


def catalog_schema() -> dict[str, Any]:
    """The catalog JSON Schema (Draft 2020-12), as published in ``schemas/catalog.schema.json``."""
    from stretchkit.io._schema import catalog_schema as schema

    return schema()
