"""Parsing with limits: one document in, its value and every problem as a located issue.

Parsing has to survive anything: invalid UTF-8, a byte-order mark, truncation,
duplicate keys, ``NaN``, ``1e400``, a 5,000-digit integer, a 100,000-deep pile
of brackets. Each becomes a located :class:`Issue`, never an exception.

:func:`json.loads` (C) does the parsing; :func:`~stretchkit.io._values.quick_check`
enforces the :class:`Limits` on the result in one cheap loop; the source map
(:mod:`stretchkit.io._source`) is built only when there is something to point
at. Duplicate keys, which :func:`json.loads` silently resolves, are suspected
by counting key ends against the parsed members and then found by the scanner.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Final

from attrs import frozen

from stretchkit.io._decode import decode
from stretchkit.io._issues import Issue, Severity, new_issue
from stretchkit.io._limits import Limits
from stretchkit.io._pointer import unescape_token
from stretchkit.io._source import SourceText
from stretchkit.io._syntax import syntax_issue
from stretchkit.io._values import check_value, quick_check_members, text_needs_check

__all__ = ["FATAL_CODES", "Parsed", "parse_json"]

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


_KEY_END = re.compile(r'"[ \t\n\r]+:')


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
        issues.append(new_issue(code, pointer, message, where))
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
                new_issue(
                    "too-large",
                    "",
                    f"the document is {size:,} bytes, more than the limit of {limits.max_bytes:,}",
                    None,
                ),
            ),
        )
    if isinstance(data, bytes):
        text, issues = decode(data, limits)
        if text is None:
            return Parsed(value=None, parsed=False, source=None, issues=tuple(issues))
    else:
        text = data
        if text.startswith("\ufeff"):
            issues.append(
                new_issue(
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
        issues.append(syntax_issue(exc, source))
        return Parsed(value=None, parsed=False, source=source, issues=tuple(issues))
    except RecursionError:
        issues.extend(_scan_failure(source, "too-deep"))
        return Parsed(value=None, parsed=False, source=source, issues=tuple(issues))
    except ValueError:
        # Python refuses to convert integers of more than sys.get_int_max_str_digits() digits.
        issues.extend(_scan_failure(source, "number-too-large"))
        return Parsed(value=None, parsed=False, source=source, issues=tuple(issues))

    within, members = quick_check_members(value, limits)
    check_text = text_needs_check(text, decoded=isinstance(data, bytes))
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
        yield new_issue(
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
        name = unescape_token(pointer[pointer.rfind("/") + 1 :])
        first_line, first_column = source.position(first)
        issues.append(
            new_issue(
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
            new_issue(
                "too-deep",
                pointer,
                f"arrays and objects are nested more than {limits.max_depth} deep",
                source.position(offset),
            )
        ]
    if source_map is not None and source_map.long_integers:
        return [
            new_issue(
                code,
                pointer,
                f"an integer of {digits:,} digits is beyond the limit of "
                f"{limits.max_integer_digits} digits",
                source.position(offset),
            )
            for pointer, offset, digits in source_map.long_integers[: limits.max_issues]
        ]
    return [new_issue(code, "", "a number in this document cannot be read", (1, 1))]
