"""JSON syntax errors in words a catalog author can act on.

:class:`json.JSONDecodeError` says what the decoder expected ("Expecting ','
delimiter"); an author wants to know what is wrong and where: a trailing comma,
a comment, single quotes, a truncated file, and which stretch it happened in
(the innermost value the scanner had reached).
"""

from __future__ import annotations

import json
import sys
from typing import Final

from stretchkit.io._issues import Issue, new_issue
from stretchkit.io._source import ScanError, SourceText, scan

__all__ = ["syntax_issue"]


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


def syntax_issue(exc: json.JSONDecodeError, source: SourceText) -> Issue:
    text = source.text
    if exc.msg.startswith("Invalid control character"):
        char = text[exc.pos] if exc.pos < len(text) else "?"
        return new_issue(
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
    return new_issue("json-syntax", "", message, source.position(exc.pos))
