"""Source text: decode and parse JSON safely, and say where each value is.

A catalog file comes from people and tools we do not control, so parsing has
to survive anything: invalid UTF-8, a byte-order mark, truncation, duplicate
keys, ``NaN``, ``1e400``, a 5,000-digit integer, a 100,000-deep pile of
brackets. Each of these becomes a located :class:`Issue`, never an exception.

Two costs are kept off the success path:

* :func:`json.loads` (C) does the parsing; a cheap iterative walk of the result
  enforces the :class:`Limits`. Nothing here recurses, so depth can never raise
  :class:`RecursionError` past this module.
* The source map (JSON pointer → line and column) is built by a small scanner
  only when something has to be reported, the first time it is asked for.
  When the text parsed cleanly (no duplicate key, within the limits), the few
  pointers to report are found by a walk through only the containers on their
  way, every other value skipped by the C decoder (:meth:`SourceText.prepare`).

Lines and columns count from 1; a column counts characters (not bytes) from
the start of the line, as :class:`json.JSONDecodeError` does. A UTF-8
byte-order mark is accepted with a ``bom`` warning and not counted as a column.
"""

from __future__ import annotations

import bisect
import codecs
import json
import json.decoder
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, TypeAlias, cast

from attrs import define, field, frozen

from stretchkit.io._issues import Issue, Severity
from stretchkit.model._validators import BIDI, CONTROL, SURROGATE, whole

__all__ = [
    "FATAL_CODES",
    "Limits",
    "Parsed",
    "SourceMap",
    "SourceText",
    "check_value",
    "escape_token",
    "join_pointer",
    "parse_json",
    "quick_check",
    "scan",
]

_positive = whole(1, 2**63)


@frozen(kw_only=True)
class Limits:
    """Bounds on what a document may hold; anything beyond is an error, never a crash.

    The defaults are far beyond any real catalog (the worked example is 12 KB,
    7 levels deep) yet keep a hostile file from costing more than a moment:

    * ``max_bytes`` 64 MiB: a 20,000-stretch catalog is about 16 MB.
    * ``max_depth`` 64 nested arrays/objects: a catalog needs 7.
    * ``max_string_length`` 100,000 characters in one string or key.
    * ``max_items`` 200,000 members in one array or object.
    * ``max_integer_digits`` 100: a larger integer is never a duration or a
      count, and Python itself refuses to convert more than 4,300 digits.
    * ``max_issues`` 1,000 issues reported per document; a ``too-many-issues``
      warning says when more were left out.
    """

    max_bytes: int = field(default=64 * 1024 * 1024, validator=_positive)
    max_depth: int = field(default=64, validator=_positive)
    max_string_length: int = field(default=100_000, validator=_positive)
    max_items: int = field(default=200_000, validator=_positive)
    max_integer_digits: int = field(default=100, validator=_positive)
    max_issues: int = field(default=1_000, validator=_positive)


FATAL_CODES: Final = frozenset(
    {
        "unreadable",
        "too-large",
        "invalid-utf8",
        "json-syntax",
        "too-deep",
        "too-many-items",
        "string-too-long",
    }
)
"""Codes after which the document is not looked at further (its shape is unknown or unsafe)."""


# --- JSON pointers ---------------------------------------------------------------------------


def escape_token(token: str) -> str:
    """RFC 6901: ``~`` is written ``~0`` and ``/`` is written ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(parts: Iterable[str | int]) -> str:
    """The JSON pointer of a path such as ``("stretches", 3, "dose")``."""
    return "".join("/" + escape_token(str(part)) for part in parts)


def _parent(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


# --- the source map ----------------------------------------------------------------------------

scanstring = cast(
    "Callable[[str, int, bool], tuple[str, int]]",
    json.decoder.scanstring,  # type: ignore[attr-defined]
)
"""The C routine :func:`json.loads` decodes strings with (so keys match exactly)."""
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")


class ScanError(ValueError):
    """The text is not JSON at ``offset``, inside the value at ``pointer``."""

    def __init__(self, offset: int, pointer: str = "") -> None:
        super().__init__(f"not JSON at offset {offset} (in {pointer or 'the document'})")
        self.offset = offset
        self.pointer = pointer


@frozen(kw_only=True)
class SourceMap:
    """Where each value and each member's key starts, by JSON pointer (character offsets).

    ``values[ptr]`` is the offset of the value at ``ptr``; ``keys[ptr]`` the
    offset of the key naming it (for object members). With duplicate keys the
    last occurrence wins, as in :func:`json.loads`; every earlier one is listed
    in ``duplicates`` as (pointer, key offset, offset of the later key).
    ``too_deep`` is the pointer and offset of the first container nested
    beyond the depth limit (scanning stops there); ``long_integers`` lists the
    integers with more digits than allowed. ``cut`` is the offset where the scan
    stopped because it had found more duplicate keys than it was asked to list
    (the document's issues would be cut there anyway): the map holds nothing
    beyond it.
    """

    values: dict[str, int]
    keys: dict[str, int]
    duplicates: list[tuple[str, int, int]]
    too_deep: tuple[str, int] | None
    long_integers: list[tuple[str, int, int]]
    cut: int | None = None


class _Cut(Exception):
    """More duplicate keys than asked for: the scan stops at ``offset``."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def scan(
    text: str,
    *,
    max_depth: int = 64,
    max_integer_digits: int = 100,
    max_duplicates: int | None = None,
) -> SourceMap:
    """Map every JSON pointer of ``text`` to the offset where its value starts.

    Iterative, linear, and stops at ``max_depth``; strings are decoded by the
    same C routine :func:`json.loads` uses, so keys (escapes, ``/``, ``~``)
    give exactly the pointers of the parsed document. Raises
    :class:`ScanError` where the text is not JSON. With ``max_duplicates`` it
    stops once it has found one duplicate key more than that (see ``cut``):
    a million repeated keys cost what ``max_duplicates`` of them cost.
    """
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    long_integers: list[tuple[str, int, int]] = []
    # Frames: [is_object, pointer, next index or seen keys {key: key offset}].
    stack: list[tuple[bool, str, list[int] | dict[str, int]]] = []
    ws = _WS.match
    number = _NUMBER.match
    n = len(text)
    pos = ws(text, 0).end()  # type: ignore[union-attr]
    pointer = ""

    def member(frame_pointer: str, seen: dict[str, int], at: int) -> tuple[str, int]:
        if at >= n or text[at] != '"':
            raise ScanError(at, frame_pointer)
        try:
            key, end = scanstring(text, at + 1, True)
        except ValueError as exc:
            raise ScanError(at, frame_pointer) from exc
        child = frame_pointer + "/" + escape_token(key)
        if key in seen:
            duplicates.append((child, seen[key], at))
            if max_duplicates is not None and len(duplicates) > max_duplicates:
                raise _Cut(at)
        seen[key] = at
        keys[child] = at
        end = ws(text, end).end()  # type: ignore[union-attr]
        if end >= n or text[end] != ":":
            raise ScanError(end, child)
        return child, ws(text, end + 1).end()  # type: ignore[union-attr]

    try:
        while True:
            # A value starts at ``pos``; its pointer is ``pointer``.
            values[pointer] = pos
            c = text[pos] if pos < n else ""
            if c in ("{", "["):
                if len(stack) >= max_depth:
                    return SourceMap(
                        values=values,
                        keys=keys,
                        duplicates=duplicates,
                        too_deep=(pointer, pos),
                        long_integers=long_integers,
                    )
                inner = ws(text, pos + 1).end()  # type: ignore[union-attr]
                if inner < n and text[inner] == ("}" if c == "{" else "]"):
                    pos = inner + 1
                elif c == "{":
                    seen: dict[str, int] = {}
                    stack.append((True, pointer, seen))
                    pointer, pos = member(pointer, seen, inner)
                    continue
                else:
                    stack.append((False, pointer, [0]))
                    pointer, pos = pointer + "/0", inner
                    continue
            elif c == '"':
                try:
                    pos = scanstring(text, pos + 1, True)[1]
                except ValueError as exc:
                    raise ScanError(pos, pointer) from exc
            else:
                m = number(text, pos)
                if m is not None and not text.startswith("-Infinity", pos):
                    if m.group(1) is None and m.group(2) is None:
                        digits = m.end() - pos - (text[pos] == "-")
                        if digits > max_integer_digits:
                            long_integers.append((pointer, pos, digits))
                    pos = m.end()
                else:
                    for literal in _LITERALS:
                        if text.startswith(literal, pos):
                            pos += len(literal)
                            break
                    else:
                        raise ScanError(pos, _parent(pointer))  # no value here: say where
            # After a value: a comma, or close containers until one continues.
            while True:
                if not stack:
                    return SourceMap(
                        values=values,
                        keys=keys,
                        duplicates=duplicates,
                        too_deep=None,
                        long_integers=long_integers,
                    )
                pos = ws(text, pos).end()  # type: ignore[union-attr]
                is_object, frame_pointer, state = stack[-1]
                c = text[pos] if pos < n else ""
                if c == ",":
                    after = ws(text, pos + 1).end()  # type: ignore[union-attr]
                    if is_object:
                        assert isinstance(state, dict)
                        pointer, pos = member(frame_pointer, state, after)
                    else:
                        assert isinstance(state, list)
                        state[0] += 1
                        pointer, pos = f"{frame_pointer}/{state[0]}", after
                    break
                if c == ("}" if is_object else "]"):
                    stack.pop()
                    pos += 1
                    continue
                raise ScanError(pos, frame_pointer)
    except _Cut as cut:
        return SourceMap(
            values=values,
            keys=keys,
            duplicates=duplicates,
            too_deep=None,
            long_integers=long_integers,
            cut=cut.offset,
        )


_DECODER: Final = json.JSONDecoder()


def _targeted(text: str, pointers: Iterable[str]) -> tuple[dict[str, int], dict[str, int]] | None:
    """Value and key offsets of ``pointers`` and their ancestors that ``text`` holds.

    For text :func:`json.loads` accepts with no duplicate keys and no nesting
    beyond the limit, these are exactly the entries :func:`scan` would give
    for them; but only the containers on the way to a wanted pointer are
    walked in Python, every other value is skipped by the C decoder. ``None``
    when the text turns out otherwise (the caller then scans it whole).
    """
    trie: dict[str, Any] = {}
    edges = 0  # trie edges not yet met in the text: the walk stops when none is left
    for pointer in pointers:
        node = trie
        for token in pointer.split("/")[1:]:
            if token not in node:
                node[token] = {}
                edges += 1
            node = node[token]
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    ws = _WS.match
    skip = _DECODER.raw_decode

    def walk(pos: int, pointer: str, node: dict[str, Any]) -> int:
        """Record the value at ``pos`` (and wanted descendants); the offset after it."""
        nonlocal edges
        values[pointer] = pos
        if pointer:
            edges -= 1
        if not edges:
            raise _Done
        c = text[pos]
        if not node or c not in "{[":
            return skip(text, pos)[1]
        pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
        if c == "{":
            if text[pos] == "}":
                return pos + 1
            seen: set[str] = set()
            while True:
                if text[pos] != '"':
                    raise ValueError(pos)
                key, end = scanstring(text, pos + 1, True)
                if key in seen:
                    raise ValueError(pos)
                seen.add(key)
                end = ws(text, end).end()  # type: ignore[union-attr]
                if text[end] != ":":
                    raise ValueError(end)
                start = ws(text, end + 1).end()  # type: ignore[union-attr]
                token = escape_token(key)
                sub = node.get(token)
                if sub is None:
                    end = skip(text, start)[1]
                else:
                    child = pointer + "/" + token
                    keys[child] = pos
                    end = walk(start, child, sub)
                end = ws(text, end).end()  # type: ignore[union-attr]
                if text[end] == "}":
                    return end + 1
                if text[end] != ",":
                    raise ValueError(end)
                pos = ws(text, end + 1).end()  # type: ignore[union-attr]
        if text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            sub = node.get(str(index))
            end = skip(text, pos)[1] if sub is None else walk(pos, f"{pointer}/{index}", sub)
            end = ws(text, end).end()  # type: ignore[union-attr]
            if text[end] == "]":
                return end + 1
            if text[end] != ",":
                raise ValueError(end)
            pos = ws(text, end + 1).end()  # type: ignore[union-attr]
            index += 1

    try:
        walk(ws(text, 0).end(), "", trie)  # type: ignore[union-attr]
    except _Done:
        pass
    except (ValueError, IndexError, RecursionError):
        return None
    return values, keys


class _Done(Exception):
    """Every wanted pointer has been met: :func:`_targeted` need read no further."""


@define
class SourceText:
    """Decoded text whose source map is built on first use (only failures need it)."""

    text: str
    limits: Limits = field(factory=Limits)
    _map: SourceMap | None = field(default=None, init=False)
    _newlines: list[int] | None = field(default=None, init=False)
    clean: bool = field(default=False, kw_only=True)
    """Set when :func:`json.loads` accepted the text, with no duplicate key and no
    nesting beyond the limits: then :meth:`prepare` can find a few pointers
    without the whole source map."""
    _partial: tuple[set[str], dict[str, int], dict[str, int]] | None = field(
        default=None, init=False
    )

    def prepare(self, pointers: Iterable[str]) -> None:
        """Find ``pointers`` ahead of :meth:`locate`, cheaply if the text is clean."""
        if self._map is not None or not self.clean:
            return
        wanted = set(pointers)
        found = _targeted(self.text, wanted)
        if found is not None:
            self._partial = (wanted, *found)

    @property
    def source_map(self) -> SourceMap | None:
        """The map, or ``None`` if the text is not JSON (then only offsets can be located)."""
        if self._map is None:
            try:
                self._map = scan(
                    self.text,
                    max_depth=self.limits.max_depth,
                    max_integer_digits=self.limits.max_integer_digits,
                    max_duplicates=self.limits.max_issues,
                )
            except (ScanError, ValueError):
                return None
        return self._map

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset, both from 1."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int] | None:
        """Where ``pointer``'s value starts (its key with ``key=True``).

        A pointer the text does not have (a missing property, a pointer into a
        migrated document) falls back to its nearest ancestor.
        """
        if self._map is None and self._partial is not None and pointer in self._partial[0]:
            _, values, keys = self._partial
        else:
            source_map = self.source_map
            if source_map is None:
                return None
            values, keys = source_map.values, source_map.keys
        if key and pointer in keys:
            return self.position(keys[pointer])
        while pointer not in values:
            if not pointer:
                return None
            pointer = _parent(pointer)
        return self.position(values[pointer])


# --- checking a parsed value against the limits -----------------------------------------------

_Link: TypeAlias = "tuple[_Link, str | int] | None"

_CONTROL = CONTROL  # the one set of refused characters lives in model._validators
_SURROGATE = SURROGATE
_CONTROL_ESCAPE = re.compile(r"\\(?:[bfnrt]|u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F])")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_RAW_CONTROL = re.compile("[\x7f-\x9f]")  # JSON itself refuses only U+0000 to U+001F raw
_BIDI = BIDI
_BIDI_ANY = re.compile(r"[\u202a-\u202e\u2066-\u2069]|\\u(?:202[a-eA-E]|206[6-9])")
"""A bidirectional control typed as itself or written as an escape."""


def _path(link: _Link) -> list[str | int]:
    parts: list[str | int] = []
    while link is not None:
        link, part = link
        parts.append(part)
    parts.reverse()
    return parts


def _describe(value: object) -> str:
    return type(value).__name__


def check_value(
    value: object,
    limits: Limits,
    *,
    check_text: bool = True,
    json_types_only: bool = False,
) -> list[tuple[str, str, str]]:
    """Problems of a parsed value as (code, pointer, message), iteratively, in document order.

    Catches what :func:`json.loads` lets through: non-finite and oversized
    numbers, nesting beyond the limit, huge containers and strings, control
    characters and lone surrogates in text (``check_text``; the caller skips
    it when the source text has no escapes that could produce them). With
    ``json_types_only`` (a value built in Python) anything that is not a
    JSON type is reported too. Stops at the first container too deep.
    """
    problems: list[tuple[str, str, str]] = []
    bound = 10**limits.max_integer_digits
    max_len = limits.max_string_length
    max_items = limits.max_items
    cap = limits.max_issues

    def text_problems(s: str, link: _Link) -> None:
        if len(s) > max_len:
            problems.append(
                (
                    "string-too-long",
                    join_pointer(_path(link)),
                    f"a string of {len(s):,} characters is longer than the limit of {max_len:,}",
                )
            )
        elif check_text:
            if (m := _CONTROL.search(s)) is not None:
                problems.append(
                    (
                        "control-character",
                        join_pointer(_path(link)),
                        f"text contains the control character U+{ord(m.group()):04X} "
                        f"(at character {m.start() + 1}); remove it",
                    )
                )
            if (m := _BIDI.search(s)) is not None:
                problems.append(
                    (
                        "bidi-control",
                        join_pointer(_path(link)),
                        f"text contains the bidirectional control U+{ord(m.group()):04X} "
                        f"(at character {m.start() + 1}), which makes text read other than "
                        "it is; remove it",
                    )
                )
            if (m := _SURROGATE.search(s)) is not None:
                problems.append(
                    (
                        "lone-surrogate",
                        join_pointer(_path(link)),
                        f"text contains a lone UTF-16 surrogate U+{ord(m.group()):04X} "
                        "(an escape like \\ud800 without its pair), which is not a character",
                    )
                )

    def scalar(child: object, link: _Link) -> None:
        if isinstance(child, str):
            text_problems(child, link)
        elif isinstance(child, float):
            if not math.isfinite(child):
                problems.append(("non-finite-number", join_pointer(_path(link)), repr(child)))
        elif isinstance(child, bool) or child is None:
            pass
        elif isinstance(child, int):
            if not -bound < child < bound:
                problems.append(
                    (
                        "number-too-large",
                        join_pointer(_path(link)),
                        f"an integer of more than {limits.max_integer_digits} digits",
                    )
                )
        elif json_types_only:
            problems.append(
                (
                    "wrong-type",
                    join_pointer(_path(link)),
                    f"{_describe(child)} is not a JSON value (use dict, list, str, int, "
                    "float, bool or None)",
                )
            )

    stack: list[tuple[object, _Link, int]] = [(value, None, 1)]
    if type(value) not in (dict, list):
        scalar(value, None)
        stack.clear()
    while stack and len(problems) < cap:
        node, link, depth = stack.pop()
        if depth > limits.max_depth:
            problems.append(
                (
                    "too-deep",
                    join_pointer(_path(link)),
                    f"arrays and objects are nested more than {limits.max_depth} deep",
                )
            )
            break
        assert isinstance(node, dict | list)
        if len(node) > max_items:
            problems.append(
                (
                    "too-many-items",
                    join_pointer(_path(link)),
                    f"{len(node):,} items in one {'object' if type(node) is dict else 'array'}"
                    f" is more than the limit of {max_items:,}",
                )
            )
            continue
        children: list[tuple[object, _Link, int]] = []
        items: Iterable[tuple[object, object]] = (
            node.items() if type(node) is dict else enumerate(node)
        )
        for key, child in items:
            if type(node) is dict:
                if type(key) is not str:
                    problems.append(
                        (
                            "wrong-type",
                            join_pointer([*_path(link), str(key)]),
                            f"object keys must be strings, got {_describe(key)} {key!r}",
                        )
                    )
                    continue
                if len(key) > max_len or check_text:
                    text_problems(key, (link, key))
            child_link: _Link = (link, key)  # type: ignore[assignment]
            t = type(child)
            if t is dict or t is list:
                children.append((child, child_link, depth + 1))
            else:
                scalar(child, child_link)
        stack.extend(reversed(children))
    return problems


# --- parsing ---------------------------------------------------------------------------------


@frozen(kw_only=True)
class Parsed:
    """The outcome of parsing: the value (if any), its source, and what went wrong.

    ``issues`` carry line and column already; ``fatal`` says the value must not
    be looked at further.
    """

    value: object
    source: SourceText | None
    issues: tuple[Issue, ...]
    parsed: bool = True
    """Whether the text was JSON at all (``value`` is ``None`` otherwise, and for ``null``)."""
    stopped: bool = False
    """The text holds more duplicate keys than ``Limits.max_issues``: only the first
    were listed (and ``issues`` is not cut to the limit), the rest is not looked at."""

    @property
    def fatal(self) -> bool:
        return not self.parsed or self.stopped or any(i.code in FATAL_CODES for i in self.issues)


def _issue(
    code: str,
    pointer: str,
    message: str,
    where: tuple[int, int] | None = None,
    severity: Severity = Severity.ERROR,
) -> Issue:
    line, column = where if where is not None else (None, None)
    return Issue(
        severity=severity, code=code, pointer=pointer, message=message, line=line, column=column
    )


def _decode(data: bytes, limits: Limits) -> tuple[str | None, list[Issue]]:
    issues: list[Issue] = []
    if data.startswith(codecs.BOM_UTF8):
        issues.append(
            _issue(
                "bom",
                "",
                "the file starts with a UTF-8 byte-order mark; it is ignored, "
                "but JSON files should be saved without one",
                (1, 1),
                Severity.WARNING,
            )
        )
        data = data[len(codecs.BOM_UTF8) :]
    head = data[:4]
    if (
        head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or (len(head) >= 2 and (head[0] == 0 or head[1] == 0))
    ) and not head.startswith(b"\x00\x00\x00\x00"):
        issues.append(
            _issue(
                "invalid-utf8",
                "",
                "the file looks like UTF-16 or UTF-32; save it as UTF-8",
                (1, 1),
            )
        )
        return None, issues
    try:
        return data.decode("utf-8"), issues
    except UnicodeDecodeError:
        pass
    # Locate every bad byte run (each shows up as lone low surrogates).
    escaped = data.decode("utf-8", "surrogateescape")
    where = SourceText(escaped, limits)
    runs = list(re.finditer("[\udc80-\udcff]+", escaped))
    for m in runs[: min(limits.max_issues, 20)]:
        raw = m.group().encode("utf-8", "surrogateescape")
        shown = " ".join(f"0x{b:02x}" for b in raw[:8]) + (" …" if len(raw) > 8 else "")
        issues.append(
            _issue(
                "invalid-utf8",
                "",
                f"bytes that are not UTF-8 ({shown}); save the file as UTF-8",
                where.position(m.start()),
            )
        )
    if len(runs) > 20:
        issues.append(
            _issue(
                "too-many-issues",
                "",
                f"{len(runs) - 20} more places are not UTF-8 (the first shown here)",
                where.position(runs[20].start()),
                Severity.WARNING,
            )
        )
    return None, issues


_SYNTAX_HINTS: Final = {
    "Expecting value": "expected a value (an object, array, string, number, true, false or null)",
    "Expecting ',' delimiter": "expected ',' between items, or a closing bracket",
    "Expecting ':' delimiter": "expected ':' after the property name",
    "Expecting property name enclosed in double quotes": (
        "expected a property name in double quotes"
    ),
    "Unterminated string starting at": "this string is never closed (missing '\"')",
    "Extra data": "unexpected text after the end of the document",
    "Invalid \\escape": "invalid escape in a string (a lone backslash? write \\\\)",
    "Invalid \\uXXXX escape": "invalid \\u escape: it needs exactly four hex digits",
}


def _syntax_pointer(source: SourceText) -> str:
    """The innermost value a syntax error sits in: "the 4th stretch" beats "the document"."""
    try:
        scan(source.text, max_depth=source.limits.max_depth, max_integer_digits=sys.maxsize)
    except ScanError as exc:
        return exc.pointer
    except ValueError:
        pass
    return ""


def _syntax_issue(exc: json.JSONDecodeError, source: SourceText) -> Issue:
    text = source.text
    if exc.msg.startswith("Invalid control character"):
        char = text[exc.pos] if exc.pos < len(text) else "?"
        return _issue(
            "control-character",
            _syntax_pointer(source),
            f"a raw control character U+{ord(char):04X} inside a string; "
            "strings cannot hold line breaks or tabs as typed characters",
            source.position(exc.pos),
        )
    before = text[: exc.pos].rstrip()[-1:]
    if not text.strip():
        message = "the document is empty; a catalog is a JSON object {…}"
    elif exc.pos >= len(text.rstrip()) and exc.msg != "Extra data":
        message = "the document ends too early (is it truncated?)"
    else:
        message = _SYNTAX_HINTS.get(exc.msg, exc.msg)
        here = text[exc.pos : exc.pos + 1]
        if before == "," and here in ("]", "}"):
            message = f"a comma before {here!r} with nothing after it (a trailing comma)"
        elif here == "/":
            message = "JSON has no comments; remove it"
        elif here == "'":
            message = "JSON strings and property names take double quotes, not single ones"
    inside = _syntax_pointer(source)
    if inside:
        message += f" (inside {inside})"
    return _issue("json-syntax", "", message, source.position(exc.pos))


def _quick_check(value: object, limits: Limits) -> tuple[bool, int]:
    """Whether ``value`` is certainly within the limits, and how many object members it has.

    The success path's whole cost of safety: a tight loop with no pointers. On
    ``False``, :func:`check_value` finds and locates the problems.
    """
    if type(value) not in (dict, list):
        return False, 0
    max_depth, max_items = limits.max_depth, limits.max_items
    max_len, bound = limits.max_string_length, 10**limits.max_integer_digits
    members = 0
    level: list[Any] = [value]  # breadth first, one level at a time: no tuples to allocate
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            return False, members
        deeper: list[Any] = []
        push = deeper.append
        for node in level:
            if len(node) > max_items:
                return False, members
            if type(node) is dict:
                members += len(node)
                for key in node:
                    if len(key) > max_len:
                        return False, members
                children = node.values()
            else:
                children = node
            for child in children:
                t = type(child)
                if t is str:
                    if len(child) > max_len:
                        return False, members
                elif t is dict or t is list:
                    push(child)
                elif t is int:
                    if not -bound < child < bound:
                        return False, members
                elif t is float and child - child != 0.0:  # inf and nan
                    return False, members
        level = deeper
    return True, members


_KEY_END = re.compile(r'"[ \t\n\r]+:')


def quick_check(value: object, limits: Limits) -> bool:
    """Whether ``value`` (a parsed array or object) is certainly within ``limits``."""
    return _quick_check(value, limits)[0]


def _may_have_duplicates(text: str, members: int) -> bool:
    """Every key ends with ``"`` then ``:``; fewer parsed members than that means duplicates.

    A string holding ``":`` makes this say "maybe"; the scanner then decides.
    """
    return text.count('":') + len(_KEY_END.findall(text)) != members


_NON_FINITE = re.compile(r"-?(?:NaN|Infinity)")


def _problem_issues(problems: list[tuple[str, str, str]], source: SourceText) -> list[Issue]:
    issues = []
    for code, pointer, message in problems:
        where = source.locate(pointer)
        if code == "non-finite-number":
            source_map = source.source_map
            offset = source_map.values.get(pointer) if source_map is not None else None
            literal = _NON_FINITE.match(source.text, offset) if offset is not None else None
            if literal is not None:
                message = f"{literal.group()} is not valid JSON; write a finite number"
            else:
                code = "number-too-large"
                message = "this number is too large to represent (it overflows to infinity)"
        issues.append(_issue(code, pointer, message, where))
    return issues


def parse_json(data: bytes | str, limits: Limits | None = None) -> Parsed:
    """Decode and parse one document; every problem comes back as a located issue."""
    limits = limits or Limits()
    issues: list[Issue] = []
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        return Parsed(
            value=None,
            parsed=False,
            source=None,
            issues=(
                _issue(
                    "too-large",
                    "",
                    f"the document is {size:,} bytes, more than the limit of {limits.max_bytes:,}",
                    None,
                ),
            ),
        )
    if isinstance(data, bytes):
        text, issues = _decode(data, limits)
        if text is None:
            return Parsed(value=None, parsed=False, source=None, issues=tuple(issues))
    else:
        text = data
        if text.startswith("\ufeff"):
            issues.append(
                _issue(
                    "bom",
                    "",
                    "the text starts with a byte-order mark (U+FEFF); it is ignored",
                    (1, 1),
                    Severity.WARNING,
                )
            )
            text = text[1:]
    source = SourceText(text, limits)

    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.append(_syntax_issue(exc, source))
        return Parsed(value=None, parsed=False, source=source, issues=tuple(issues))
    except RecursionError:
        issues.extend(_scan_failure(source, "too-deep"))
        return Parsed(value=None, parsed=False, source=source, issues=tuple(issues))
    except ValueError:
        # Python refuses to convert integers of more than sys.get_int_max_str_digits() digits.
        issues.extend(_scan_failure(source, "number-too-large"))
        return Parsed(value=None, parsed=False, source=source, issues=tuple(issues))

    within, members = _quick_check(value, limits)
    check_text = bool(
        _CONTROL_ESCAPE.search(text)
        or _SURROGATE_ESCAPE.search(text)
        or _RAW_CONTROL.search(text)
        or _BIDI_ANY.search(text)
    ) or (not isinstance(data, bytes) and _SURROGATE.search(text) is not None)
    if not within or check_text:
        problems = check_value(value, limits, check_text=check_text)
        issues.extend(_problem_issues(problems, source))
        if any(code in FATAL_CODES for code, _, _ in problems):
            return Parsed(value=value, source=source, issues=tuple(_capped(issues, limits)))
    if _may_have_duplicates(text, members):
        issues.extend(_duplicate_issues(source))
        source_map = source.source_map
        if source_map is not None and source_map.cut is not None:
            return Parsed(value=value, source=source, issues=tuple(issues), stopped=True)
    elif within:
        source.clean = True
    return Parsed(value=value, source=source, issues=tuple(_capped(issues, limits)))


def _capped(issues: list[Issue], limits: Limits) -> Iterator[Issue]:
    yield from issues[: limits.max_issues]
    if len(issues) > limits.max_issues:
        yield _issue(
            "too-many-issues",
            "",
            f"{len(issues) - limits.max_issues} more issues are not shown (the next is here)",
            (issues[limits.max_issues].line or 1, issues[limits.max_issues].column or 1)
            if issues[limits.max_issues].line is not None
            else None,
            Severity.WARNING,
        )


def _duplicate_issues(source: SourceText) -> list[Issue]:
    source_map = source.source_map
    if source_map is None:  # pragma: no cover - json.loads accepted the text
        return []
    issues = []
    for pointer, first, later in source_map.duplicates:
        line, column = source.position(later)
        name = pointer[pointer.rfind("/") + 1 :].replace("~1", "/").replace("~0", "~")
        first_line, first_column = source.position(first)
        issues.append(
            _issue(
                "duplicate-key",
                pointer,
                f"the property {name!r} appears more than once in this object (also at line "
                f"{first_line}, column {first_column}); only the last one would count",
                (line, column),
            )
        )
    return issues


def _scan_failure(source: SourceText, code: str) -> list[Issue]:
    """Locate why :func:`json.loads` gave up on text that is otherwise JSON."""
    limits = source.limits
    source_map = source.source_map
    if code == "too-deep" or (source_map is not None and source_map.too_deep is not None):
        where = source_map.too_deep if source_map is not None else None
        pointer, offset = where if where is not None else ("", 0)
        return [
            _issue(
                "too-deep",
                pointer,
                f"arrays and objects are nested more than {limits.max_depth} deep",
                source.position(offset),
            )
        ]
    if source_map is not None and source_map.long_integers:
        return [
            _issue(
                code,
                pointer,
                f"an integer of {digits:,} digits is beyond the limit of "
                f"{limits.max_integer_digits} digits",
                source.position(offset),
            )
            for pointer, offset, digits in source_map.long_integers[: limits.max_issues]
        ]
    return [_issue(code, "", "a number in this document cannot be read", (1, 1))]
