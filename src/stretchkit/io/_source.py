"""The source map: where each value of a JSON text starts, by JSON pointer.

Neither :func:`json.loads` nor jsonschema nor cattrs knows positions, so a small
scanner maps each pointer of the decoded document to the character offset of
its value (and of its key), and :class:`SourceText` turns offsets into lines
and columns. The scanner decodes strings with the C routine :func:`json.loads`
uses, so its pointers are exactly the parsed document's, escapes, ``/`` and
``~`` in keys included. It is iterative and stops at the depth limit.

The map costs a pass in Python, so it is built only when something has to be
reported, the first time it is asked for. When the text parsed cleanly (no
duplicate key, within the limits), the few pointers to report are found by a
walk through only the containers on their way, every other value skipped by
the C decoder (:meth:`SourceText.prepare`); given the text's bytes too, the walk
steps over each skipped value by its length, as msgspec measured it.

Lines and columns count from 1; a column counts characters (not bytes) from
the start of the line, as :class:`json.JSONDecodeError` does.
"""

from __future__ import annotations

import bisect
import functools
import json
import json.decoder
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, cast

from attrs import define, field, frozen

from stretchkit.io._limits import Limits
from stretchkit.io._pointer import escape_token, parent_pointer

__all__ = ["ScanError", "SourceMap", "SourceText", "scan"]


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
                        raise ScanError(pos, parent_pointer(pointer))  # no value here: say where
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
    trie, edges = _trie(pointers)  # edges not yet met: the walk stops when none is left
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


_WS_BYTES: Final = re.compile(rb"[ \t\n\r]*")
_KEY_BYTES: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def _trie(pointers: Iterable[str]) -> tuple[dict[str, Any], int]:
    """The pointers' tokens as a tree, and how many edges it has."""
    trie: dict[str, Any] = {}
    edges = 0
    for pointer in pointers:
        node = trie
        for token in pointer.split("/")[1:]:
            if token not in node:
                node[token] = {}
                edges += 1
            node = node[token]
    return trie, edges


def _blank_end(data: bytes, pos: int) -> int:
    """The offset after the JSON white space at ``pos``."""
    found = _WS_BYTES.match(data, pos)
    return pos if found is None else found.end()


@functools.cache
def _span_decoders() -> tuple[Any, Any]:
    """msgspec decoders splitting an object or an array into its members' raw spans."""
    import msgspec

    return (
        msgspec.json.Decoder(dict[str, msgspec.Raw]),
        msgspec.json.Decoder(list[msgspec.Raw]),
    )


def _targeted_bytes(
    data: bytes, pointers: Iterable[str], spans: Mapping[str, Any] | None = None
) -> tuple[dict[str, int], dict[str, int]] | None:
    """:func:`_targeted` on the text's UTF-8 bytes, each skipped value stepped over in C.

    msgspec splits a container on the way into its members' raw spans
    (``msgspec.Raw``), so a value off the way costs its length, not a decode
    into Python objects: the one item at fault in the last of 20,000 stretches
    is found by stepping over 19,999 spans. The offsets are turned from bytes
    into characters at the end. Every step is checked against the text (each
    key read back, each container closed where its span ends); ``None`` on any
    surprise, and the caller walks the text as :func:`_targeted` does.
    ``spans`` has containers already split, by pointer (the screen's).
    """
    import msgspec

    trie, edges = _trie(pointers)
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    ws = _blank_end
    objects, arrays = _span_decoders()
    split = spans or {}
    blank = b" \t\n\r"

    def after(p: int) -> int:
        """The offset of the next member after a value ending at ``p`` (or of the closing)."""
        if data[p] in blank:
            p = ws(data, p)
        if data[p] == 0x2C:  # ,
            p += 1
            if data[p] in blank:
                p = ws(data, p)
        return p

    def walk(pos: int, raw: Any, pointer: str, node: dict[str, Any]) -> None:
        nonlocal edges
        values[pointer] = pos
        if pointer:
            edges -= 1
        if not edges:
            raise _Done
        c = data[pos]
        if not node or c not in b"{[":
            return
        p = pos + 1 if data[pos + 1] not in blank else ws(data, pos + 1)
        if c == 0x7B:  # {
            members = split.get(pointer)
            for name, span in (objects.decode(raw) if members is None else members).items():
                plain = b'"' + name.encode() + b'"'
                if 0x5C not in plain and data.startswith(plain, p):  # the key, unescaped
                    end = p + len(plain)
                else:
                    m = _KEY_BYTES.match(data, p)
                    if m is None or msgspec.json.decode(data[p : m.end()]) != name:
                        raise ValueError(p)
                    end = m.end()
                q = end if data[end] == 0x3A else ws(data, end)
                if data[q] != 0x3A:  # :
                    raise ValueError(q)
                start = q + 1 if data[q + 1] not in blank else ws(data, q + 1)
                token = escape_token(name) if "~" in name or "/" in name else name
                sub = node.get(token)
                if sub is not None:
                    child = pointer + "/" + token
                    keys[child] = p
                    walk(start, span, child, sub)
                p = after(start + len(span))
            closing = 0x7D
        else:
            items = split.get(pointer)
            for index, span in enumerate(arrays.decode(raw) if items is None else items):
                sub = node.get(str(index))
                if sub is not None:
                    walk(p, span, f"{pointer}/{index}", sub)
                p = after(p + len(span))
            closing = 0x5D
        if data[p] != closing or p + 1 != pos + len(raw):
            raise ValueError(p)

    start = ws(data, 0)
    end = len(data.rstrip(blank))
    try:
        walk(start, data if (start, end) == (0, len(data)) else data[start:end], "", trie)
    except _Done:
        pass
    except (ValueError, IndexError, RecursionError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not data.isascii():
        # Characters before each offset: decode the stretch between consecutive offsets once.
        chars: dict[int, int] = {}
        done = counted = 0
        for offset in sorted({*values.values(), *keys.values()}):
            counted += len(data[done:offset].decode("utf-8"))
            chars[offset] = counted
            done = offset
        values = {k: chars[v] for k, v in values.items()}
        keys = {k: chars[v] for k, v in keys.items()}
    return values, keys


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
    data: bytes | None = field(default=None, kw_only=True, repr=False)
    """The text's UTF-8 bytes, when the caller holds them (a clean text is then walked in C)."""
    spans: Mapping[str, Any] | None = field(default=None, kw_only=True, repr=False)
    """Containers of ``data`` already split into msgspec raw spans, by pointer."""
    _partial: tuple[set[str], dict[str, int], dict[str, int]] | None = field(
        default=None, init=False
    )

    def prepare(self, pointers: Iterable[str]) -> None:
        """Find ``pointers`` ahead of :meth:`locate`, cheaply if the text is clean."""
        if self._map is not None or not self.clean:
            return
        wanted = set(pointers)
        found = None if self.data is None else _targeted_bytes(self.data, wanted, self.spans)
        if found is None:
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
            pointer = parent_pointer(pointer)
        return self.position(values[pointer])
