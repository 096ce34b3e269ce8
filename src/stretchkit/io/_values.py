"""Checking a parsed value: what :func:`json.loads` lets through, found and pointed at.

:func:`json.loads` is fast and strict about syntax, but it accepts ``NaN``,
``1e400`` (as infinity), integers of thousands of digits, strings and
containers of any size, and text holding control characters, bidirectional
controls or lone surrogates written as escapes. Nothing here recurses, so depth
can never raise :class:`RecursionError`.

:func:`quick_check` is the success path's whole cost of safety: one tight loop
that says a value is certainly within the :class:`Limits`. Only when it cannot
say so, or the text may hold refused characters (:func:`text_needs_check`),
does :func:`check_value` walk the value again to find and point at each problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, TypeAlias

from stretchkit.io._limits import Limits
from stretchkit.io._pointer import join_pointer
from stretchkit.model._validators import BIDI, CONTROL, SURROGATE

__all__ = ["check_value", "quick_check", "quick_check_members", "text_needs_check"]

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


def quick_check_members(value: object, limits: Limits) -> tuple[bool, int]:
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


def quick_check(value: object, limits: Limits) -> bool:
    """Whether ``value`` (a parsed array or object) is certainly within ``limits``."""
    return quick_check_members(value, limits)[0]


def text_needs_check(text: str, *, decoded: bool) -> bool:
    """Whether ``text`` may hold a character :func:`check_value` refuses in a string.

    Raw control characters below U+0020 are refused by JSON itself; the rest
    can only come from an escape or (bidirectional controls, U+007F to U+009F)
    be typed as themselves. A lone surrogate can be typed only into a ``str``,
    never ``decoded`` from UTF-8 bytes.
    """
    return bool(
        _CONTROL_ESCAPE.search(text)
        or _SURROGATE_ESCAPE.search(text)
        or _RAW_CONTROL.search(text)
        or _BIDI_ANY.search(text)
    ) or (not decoded and _SURROGATE.search(text) is not None)
