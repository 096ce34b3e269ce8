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

The success path is shorter still: :mod:`stretchkit.io._fast` decodes the
bytes with msgspec and checks every rule the stages above make; when it
vouches for a document its catalog is the answer (and :func:`validate_catalog`
adds the semantic warnings, computed from the parsed document as before).
When it cannot vouch, the stages run as listed. There, the strict converter
and the semantic checks (:func:`_structure`) decide; only when something fails
does the schema run, to say exactly what is wrong, and then only on the top
level and the items the converter (or the parser) found fault with.

Warnings (a byte-order mark, minutes that do not match) never stop the
pipeline. Lines and columns are filled in from the source map at the end, so
a valid document never pays for building one.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import importlib
import json
import os
import re
import typing
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, TypeAlias

import attrs

from stretchkit._files import read_regular
from stretchkit.io._issues import CatalogError, Issue, Severity
from stretchkit.io._migrate import migrate
from stretchkit.io._screen import ITEM_KEYS, Screened, screen
from stretchkit.io._source import (
    FATAL_CODES,
    Limits,
    Parsed,
    SourceText,
    check_value,
    join_pointer,
    parse_json,
    quick_check,
)
from stretchkit.model import FORMAT_VERSION, PHASE_KINDS, Catalog

ValidationError: TypeAlias = Any
"""A ``jsonschema.exceptions.ValidationError`` (jsonschema ships no type stubs)."""

__all__ = [
    "CatalogSource",
    "catalog_schema",
    "check_catalog",
    "load_catalog",
    "loads_catalog",
    "validate_catalog",
]

CatalogSource: TypeAlias = "str | bytes | bytearray | os.PathLike[str] | Mapping[str, Any]"
"""What :func:`load_catalog` and :func:`validate_catalog` accept.

A ``str`` is a file path. (For compatibility a ``str`` whose first character
other than white space or a byte-order mark is ``{`` or ``[``, or a blank one,
is still parsed as JSON text, with a :class:`DeprecationWarning`.) A
:class:`pathlib.Path` is always a path, ``bytes`` always the document itself.
Text that did not come from the app itself goes to :func:`loads_catalog`,
which never opens a file.
"""

CatalogData: TypeAlias = "str | bytes | bytearray | Mapping[str, Any]"
"""What :func:`loads_catalog` accepts: the document itself, never a path."""

_TEXT_AS_PATH: Final = (
    "a str given to {name}() is a file path; this one looks like JSON text and is parsed "
    "as such for now, but that will stop: call {text_name}(text) for text, or pass bytes"
)
_TEXT_NAMES: Final = {"load_catalog": "loads_catalog"}
"""The text counterpart the warning names; the validating calls' is validates_catalog."""


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


def _warn_if_text(source: object, name: str) -> None:
    """Old callers passed JSON text as a ``str``: keep them working, and tell them."""
    if isinstance(source, str) and _is_text(source):
        text_name = _TEXT_NAMES.get(name, "validates_catalog")
        message = _TEXT_AS_PATH.format(name=name, text_name=text_name)
        warnings.warn(message, DeprecationWarning, stacklevel=3)


def _read(
    source: CatalogSource, limits: Limits
) -> tuple[bytes | str | Mapping[str, Any] | None, str | None, list[Issue]]:
    """The document's bytes, text or mapping, the file name if it came from one, and issues."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None, []
    if isinstance(source, Mapping):
        return source, None, []
    if isinstance(source, str) and _is_text(source):
        return source, None, []  # deprecated: see _warn_if_text
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            "a catalog source is a path, bytes, JSON text or a mapping, "
            f"got {type(source).__name__}"
        )
    name = os.fsdecode(source)
    try:
        data, size = read_regular(source, limits.max_bytes)
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


def _schema_issues(
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
                _issue(
                    code,
                    join_pointer([*path, key]),
                    f"unknown field {key!r}{_suggest(key, known)}",
                ),
                True,
            )
        return
    if keyword in ("enum", "const") and path and path[-1] == "kind":
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
    if keyword == "pattern" and isinstance(value, str) and "\\u001f" in value:
        yield (
            _issue(
                code,
                pointer,
                f"{_describe(instance)} is not usable text: it must not be blank, "
                "and must not hold control or bidirectional characters",
            ),
            False,
        )
        return
    yield _issue(code, pointer, error.message), False


def _within(pointer: str, ancestor: str) -> bool:
    return pointer == ancestor or pointer.startswith(ancestor + "/")


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


def suspect_items(pointers: Iterable[str]) -> set[tuple[str, int]]:
    """The top-level array items that ``pointers`` fall in: ``/stretches/3/name`` → stretch 3."""
    found = set()
    for pointer in pointers:
        m = _ITEM.match(pointer)
        if m is not None:
            found.add((m.group(1), int(m.group(2))))
    return found


def _schema_errors(
    document: dict[str, Any], limit: int, items: set[tuple[str, int]] | None = None
) -> list[tuple[Issue, bool]]:
    """Every schema issue: of the whole document, or of its top level and ``items`` only.

    The schema checks each item of ``stretches``, ``routines`` and
    ``programs`` on its own, so the top level with those arrays emptied plus
    the suspect items give exactly the errors of the whole document when the
    other items are known to be valid. That keeps a file with one mistake from
    costing a full run of the (slow) schema validator.
    """
    from stretchkit.io._schema import catalog_validator

    streams: list[tuple[tuple[str | int, ...], Iterator[ValidationError]]]
    if items is None:
        streams = [((), catalog_validator().iter_errors(document))]
    else:
        top = {k: [] if k in ITEM_KEYS and isinstance(v, list) else v for k, v in document.items()}
        streams = [((), catalog_validator().iter_errors(top))]
        for key, index in sorted(items, key=lambda item: (ITEM_KEYS.index(item[0]), item[1])):
            array = document.get(key)
            if isinstance(array, list) and index < len(array):
                streams.append(((key, index), _item_validator(key).iter_errors(array[index])))
    found: list[tuple[Issue, bool]] = []
    for prefix, errors in streams:
        for error in errors:
            found.extend(_schema_issues(error, prefix))
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
    unexplained: int = 0
    """Faulty items left unexplained once ``max_issues`` were found: at least one issue each."""
    partial: bool = False
    """The document was not looked at to its end (too many duplicate keys): more may hide."""

    def add(self, issues: Iterable[Issue], *, at_key: bool = False) -> None:
        self.issues.extend((issue, at_key) for issue in issues)

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue, _ in self.issues)

    def finish(self) -> list[Issue]:
        if self.source is not None:
            self.source.prepare(issue.pointer for issue, _ in self.issues if issue.line is None)
        located = [self._locate(issue, at_key) for issue, at_key in self.issues]
        if self.source is not None:
            located.sort(key=lambda i: (i.line or 0, i.column or 0))
        cap = self.limits.max_issues
        if len(located) > cap or self.unexplained:
            first = located[min(cap, len(located) - 1)]
            more = len(located) - cap if len(located) > cap else 0
            counted = (
                f"at least {more + self.unexplained}"
                if self.unexplained or self.partial
                else f"{more}"
            )
            note = _issue(
                "too-many-issues",
                "",
                f"{counted} more issues are not shown (the next is here)",
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


def _hopeless(
    document: dict[str, Any], report: _Report, limits: Limits, faulty: tuple[tuple[str, int], ...]
) -> bool:
    """Explain only the first ``max_issues`` faulty items when there are more: bounded work.

    ``faulty`` are the items their msgspec Struct refuses (shape, types, bounds:
    :func:`stretchkit.io._screen.screen`), in document order. When more items
    fail than ``max_issues``, the output is cut anyway; so the schema explains
    the first ``max_issues`` of them and the rest are counted, instead of the
    converter and the schema going through all of them (199,000 bad stretches
    took 45 s). With fewer faulty items the pipeline runs as before, and says
    everything.
    """
    cap = limits.max_issues
    if len(faulty) <= cap:
        return False
    flagged = [issue.pointer for issue, _ in report.issues if issue.is_error]
    explained = set(faulty[:cap])
    found = [
        (issue, at_key)
        for issue, at_key in _schema_errors(document, cap, explained | suspect_items(flagged))
        if not any(_within(issue.pointer, p) for p in flagged)
    ]
    if not any(issue.is_error for issue, _ in found):
        return False  # the Structs are stricter here than the schema (30.0 for 30): say it all
    report.issues.extend(found)
    report.unexplained = len(faulty) - cap
    return True


def _structure(document: dict[str, Any]) -> tuple[Catalog | None, list[tuple[str, str]]]:
    """The strict converter's verdict: the catalog, or (pointer, message) for every problem.

    This is the success path: the converter refuses everything the schema
    refuses (a differential test in ``tests/test_load.py`` holds the two
    together), so a document it accepts with no semantic error needs no schema
    run. On failure its pointers say which items the schema must explain.
    ``$schema`` is checked by the schema alone, so the converter sees the rest.
    """
    from stretchkit.io._converter import (
        STRUCTURE_ERRORS,
        structure_catalog,
        structure_errors_to_messages,
    )

    body = {k: v for k, v in document.items() if k != "$schema"}
    try:
        catalog = structure_catalog(body)
    except STRUCTURE_ERRORS as exc:
        return None, structure_errors_to_messages(exc)
    if not isinstance(document.get("$schema", ""), str):
        return None, []
    return catalog, []


def _item_problems(document: dict[str, Any], key: str, index: int) -> list[tuple[str, str]]:
    """The converter's problems with one top-level item, pointed as in the whole document.

    The item is structured in a catalog of its own (the same code and words as
    the whole document's), and ``/key/0`` in its pointers becomes ``/key/index``.
    """
    _, problems = _structure({"format_version": FORMAT_VERSION, key: [document[key][index]]})
    mine, theirs = f"/{key}/0", f"/{key}/{index}"
    return [
        (theirs + pointer[len(mine) :] if _within(pointer, mine) else pointer, message)
        for pointer, message in problems
    ]


_PENDING: Final = object()
"""The converter would accept every item and the top level: the catalog is built when needed."""


def _structure_items(
    document: dict[str, Any], suspects: frozenset[tuple[str, int]]
) -> tuple[object, list[tuple[str, str]]]:
    """:func:`_structure`'s verdict, asking the converter only about ``suspects``.

    The converter judges the top level and each item of the three arrays on its
    own (the catalog has no rule across items: those are semantic), so the top
    level with those arrays emptied, plus each suspect item alone, give every
    problem the whole document gives. With none, the answer is
    :data:`_PENDING`: the items not suspected break no rule the schema states
    (:mod:`stretchkit.io._screen`), and the whole catalog is built only if the
    semantic checks find no error either.
    """
    top = {k: [] if k in ITEM_KEYS and isinstance(v, list) else v for k, v in document.items()}
    top_catalog, problems = _structure(top)
    for key, index in sorted(suspects, key=lambda item: (ITEM_KEYS.index(item[0]), item[1])):
        problems.extend(_item_problems(document, key, index))
    if top_catalog is None or problems:
        return None, problems
    return _PENDING, []


_DEFAULT_LIMITS: Final = Limits()


def _fast_allowed(limits: Limits) -> bool:
    """The fast path checks the default limits; it may answer when ``limits`` are no stricter."""
    d = _DEFAULT_LIMITS
    return (
        limits.max_bytes >= d.max_bytes
        and limits.max_depth >= d.max_depth
        and limits.max_string_length >= d.max_string_length
        and limits.max_items >= d.max_items
        and limits.max_integer_digits >= d.max_integer_digits
    )


def _fast(
    data: bytes | str, report: _Report, *, warnings: bool
) -> tuple[list[Issue], Catalog] | None:
    """The fast path's answer (issues are the semantic warnings), or ``None`` to run the stages.

    A document the fast path accepts gives no parse issue (a byte-order mark
    sends it down the full path), so its only issues are the semantic
    warnings, located against the text only when there are any.
    """
    from stretchkit.io._fast import fast_check

    try:
        raw = data.encode("utf-8") if isinstance(data, str) else data
    except UnicodeEncodeError:  # a lone surrogate: the parse stage explains it
        return None
    found = fast_check(raw, warnings=warnings)
    if found is None:
        return None
    catalog, issues = found
    if issues:
        text = data if isinstance(data, str) else data.decode("utf-8")
        # What the fast path vouches for, the parse stage accepts whole: JSON with no
        # duplicate key, within the limits. So the warnings need no full source map.
        report.source = SourceText(text, report.limits, clean=True)
        report.add(issues)
    return report.finish(), catalog


def check_catalog(
    source: CatalogSource, *, limits: Limits | None = None
) -> tuple[list[Issue], Catalog | None]:
    """Every issue of ``source``, and the catalog when there is no error."""
    _warn_if_text(source, "check_catalog")
    return _check(source, limits or _DEFAULT_LIMITS, warnings=True)


def _check(
    source: CatalogSource, limits: Limits, *, warnings: bool, text: bool = False
) -> tuple[list[Issue], Catalog | None]:
    """:func:`check_catalog`; without ``warnings`` a valid document's warnings may be left out.

    With ``text`` a ``str`` is the document itself, never a path.
    """
    if text and isinstance(source, str):
        data: bytes | str | Mapping[str, Any] | None = source
        file: str | None = None
        read_issues: list[Issue] = []
    else:
        data, file, read_issues = _read(source, limits)
    report = _Report(source=None, limits=limits, file=file)
    report.add(read_issues)
    if data is None:
        return report.finish(), None
    if not isinstance(data, Mapping) and _fast_allowed(limits):
        answer = _fast(data, report, warnings=warnings)
        if answer is not None:
            return answer
    return _stages(data, report, limits)


_WHITE: Final = b" \t\r\n"


def _not_an_object(data: bytes | str, limits: Limits) -> Issue | None:
    """``wrong-type`` at ``/`` for valid JSON that is not an object, decided in C.

    Without this, 50 MB of numbers took a pure-Python walk of every value (to
    check limits a catalog never reaches) only to say it is not a catalog. JSON
    that is not valid, or that starts with a byte-order mark, goes on to the
    parse stage, which says where it breaks.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    body = raw.lstrip(_WHITE)
    start = body[:1]
    if start in (b"{", b"") or len(raw) > limits.max_bytes or raw.startswith(b"\xef\xbb\xbf"):
        return None
    import msgspec

    try:
        value = msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError, ValueError):
        return None
    lead = raw[: len(raw) - len(body)]  # white space only: bytes are characters
    return Issue(
        severity=Severity.ERROR,
        code="wrong-type",
        pointer="",
        message=f"a catalog is a JSON object {{…}}, got {_describe(value)}",
        line=lead.count(b"\n") + 1,
        column=len(lead) - (lead.rfind(b"\n") + 1) + 1,
    )


def _parse_screened(data: bytes, limits: Limits) -> tuple[Parsed, Screened] | None:
    """:func:`parse_json`'s answer for a document it would find nothing wrong with, or ``None``.

    The parse stage walks every value in Python to check the limits and scans
    the text for control characters and duplicate keys, which cost more than
    loading a valid file. For bytes of the current format version this finds
    the same answer with passes in C: the fast path's byte scan for the text
    rules, the re-encoded document's members against the text's for duplicate
    keys (a dropped key is a missing member), and the limits on the top level
    and on the items their Struct refuses only; an item that fits its Struct
    is within the default limits (every string, number and array of it is
    bounded tighter, and it nests a few levels deep). Any doubt returns
    ``None``, and the parse stage runs as before.
    """
    from stretchkit.io._fast import _doubtful_text, _members

    if not _fast_allowed(limits) or data.startswith(_BOM) or len(data) > limits.max_bytes:
        return None
    if _doubtful_text(data):
        return None
    import msgspec

    try:
        # The value json.loads gives, where msgspec reads the text at all: numbers,
        # strings and key order alike (a test compares the two); 1e400 and the
        # like, which json.loads makes infinite, it refuses.
        value = msgspec.json.decode(data)
        text = data.decode("utf-8")
    except (msgspec.DecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if type(value) is not dict:
        return None
    version = value.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        return None
    try:
        kept = msgspec.json.encode(value)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return None  # a number JSON cannot write back, say: the parse stage decides
    if b"\\" not in data:
        if kept.count(b":") != data.count(b":"):
            return None
    elif _members(kept) != _members(data):
        return None
    arrays = [value[k] for k in ITEM_KEYS if isinstance(value.get(k), list)]
    if any(len(items) > limits.max_items for items in arrays):
        return None
    top = {k: [] if k in ITEM_KEYS and isinstance(v, list) else v for k, v in value.items()}
    if not quick_check(top, limits):
        return None
    found = screen(value, text_checked=True)
    misfits = [value[key][index] for key, index in found.misfits]
    # One level down: inside ``[...]`` instead of ``{"stretches": [...]}``.
    if misfits and not quick_check(misfits, attrs.evolve(limits, max_depth=limits.max_depth - 1)):
        return None
    return Parsed(value=value, source=SourceText(text, limits, clean=True), issues=()), found


_BOM: Final = b"\xef\xbb\xbf"


def _stages(
    data: bytes | str | Mapping[str, Any], report: _Report, limits: Limits, *, screened: bool = True
) -> tuple[list[Issue], Catalog | None]:
    """The full pipeline: parse, version, structure, and the schema to explain failures.

    With ``screened`` (always, but in the tests that compare the two) the
    converter sees only the items :func:`~stretchkit.io._screen.screen` suspects;
    without, the whole document. The issues are the same.
    """
    document: object
    found: Screened | None = None  # the items worth a closer look, once the document is known
    if isinstance(data, Mapping):
        document = dict(data)
        problems = check_value(document, limits, json_types_only=True)
        report.add(_issue(code, pointer, message) for code, pointer, message in problems)
        # A value JSON cannot hold (a tuple, a date, an int key) stops here: no later
        # stage is written for it.
        if any(code in FATAL_CODES or code == "wrong-type" for code, _, _ in problems):
            return report.finish(), None
    else:
        not_an_object = _not_an_object(data, limits)
        if not_an_object is not None:
            report.add([not_an_object])
            return report.finish(), None
        early = _parse_screened(data, limits) if screened and isinstance(data, bytes) else None
        if early is not None:
            parsed, found = early
        else:
            parsed = parse_json(data, limits)
        report.source = parsed.source
        report.add(parsed.issues)
        report.partial = parsed.stopped
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

    from stretchkit.io._semantic import semantic_issues_raw

    if found is None:
        found = screen(document)
    if _hopeless(document, report, limits, found.misfits):
        return report.finish(), None
    catalog: object
    if screened:
        catalog, structure_problems = _structure_items(document, found.suspects)
    else:
        catalog, structure_problems = _structure(document)
    semantic: list[Issue] | None = None
    if catalog is not None and not report.has_errors:
        semantic = semantic_issues_raw(document)
        if catalog is _PENDING and not any(issue.is_error for issue in semantic):
            catalog, structure_problems = _structure(document)
        if catalog is not None and not any(issue.is_error for issue in semantic):
            report.add(semantic)
            return report.finish(), typing.cast(Catalog, catalog)

    # Something is wrong: explain it. Only suspect items meet the schema validator.
    flagged = [issue.pointer for issue, _ in report.issues if issue.is_error]
    suspects = suspect_items([*flagged, *(pointer for pointer, _ in structure_problems)])
    for issue, at_key in _schema_errors(document, limits.max_issues, suspects):
        if not any(_within(issue.pointer, p) for p in flagged):
            report.issues.append((issue, at_key))
    if report.has_errors:
        return report.finish(), None

    report.add(semantic_issues_raw(document) if semantic is None else semantic)
    if report.has_errors:
        return report.finish(), None
    if catalog is None:
        # A value the schema allows but the model refuses: a backstop, kept located.
        report.add(
            _issue("invalid-value", pointer, message) for pointer, message in structure_problems
        )
        return report.finish(), None
    # Unreachable with _PENDING: without an error so far the catalog was built above.
    return report.finish(), typing.cast(Catalog, catalog)


def validate_catalog(source: CatalogSource, *, limits: Limits | None = None) -> list[Issue]:
    """Every problem of a catalog, errors and warnings, located; never raises for bad content.

    A file that cannot be read gives an ``unreadable`` issue. An empty list
    (or one with only warnings) means :func:`load_catalog` will succeed.
    """
    _warn_if_text(source, "validate_catalog")
    return _check(source, limits or _DEFAULT_LIMITS, warnings=True)[0]


def load_catalog(source: CatalogSource, *, limits: Limits | None = None) -> Catalog:
    """The catalog in ``source``; :class:`CatalogError` listing every problem if it has errors.

    Warnings do not stop loading; :func:`validate_catalog` shows them.
    """
    _warn_if_text(source, "load_catalog")
    return _load(source, limits)


def _load(source: CatalogSource, limits: Limits | None, *, text: bool = False) -> Catalog:
    issues, catalog = _check(source, limits or _DEFAULT_LIMITS, warnings=False, text=text)
    if catalog is None:
        file = next((i.file for i in issues if i.file), None)
        raise CatalogError(issues, file=file)
    return catalog


def loads_catalog(data: CatalogData, *, limits: Limits | None = None) -> Catalog:
    """The catalog in ``data`` (JSON text, UTF-8 bytes or a parsed mapping); never opens a file.

    Use this for any text the app did not write itself: :func:`load_catalog`
    takes a ``str`` for a path, so a string from a request or a database
    passed there could make the app read a local file. Raises
    :class:`CatalogError` as :func:`load_catalog` does.
    """
    if isinstance(data, str | bytes | bytearray | memoryview | Mapping):
        return _load(data, limits, text=True)
    raise TypeError(
        "loads_catalog() takes the document itself (str, bytes or a mapping), got "
        f"{type(data).__name__[:40]}; to read a file use load_catalog(path)"
    )


def validates_catalog(data: CatalogData, *, limits: Limits | None = None) -> list[Issue]:
    """Every problem of the document ``data`` (text, bytes or a mapping); never opens a file.

    :func:`validate_catalog` for a document the app holds rather than a file:
    as with :func:`loads_catalog`, every ``str`` is taken as the text itself.
    """
    if isinstance(data, str | bytes | bytearray | memoryview | Mapping):
        return _check(data, limits or _DEFAULT_LIMITS, warnings=True, text=True)[0]
    raise TypeError(
        "validates_catalog() takes the document itself (str, bytes or a mapping), got "
        f"{type(data).__name__[:40]}; to check a file use validate_catalog(path)"
    )


def catalog_schema() -> dict[str, Any]:
    """The catalog JSON Schema (Draft 2020-12), as published in ``schemas/catalog.schema.json``."""
    from stretchkit.io._schema import catalog_schema as schema

    return schema()
