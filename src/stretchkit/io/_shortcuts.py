"""The parse stage's answer found in C, when it is certain: two shortcuts.

The parse stage (:func:`~stretchkit.io._parse.parse_json`) walks every value
in Python to check the limits and scans the text for refused characters and
duplicate keys. That is the price of locating problems, and it is too high for
two common cases that msgspec settles in C: valid JSON that is not a catalog
at all, and a document the parse stage would find nothing wrong with.
"""

from __future__ import annotations

import re
from typing import Any, Final

import attrs

from stretchkit.io._issues import Issue, Severity
from stretchkit.io._limits import DEFAULT_LIMITS, Limits, fast_allowed
from stretchkit.io._parse import Parsed
from stretchkit.io._screen import ITEM_KEYS, Screened, screen, screen_bytes
from stretchkit.io._source import SourceText
from stretchkit.io._values import quick_check
from stretchkit.io._wording import describe
from stretchkit.model import FORMAT_VERSION

__all__ = ["not_an_object", "parse_screened"]

_WHITE: Final = b" \t\r\n"


def not_an_object(data: bytes | str, limits: Limits) -> Issue | None:
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
        message=f"a catalog is a JSON object {{…}}, got {describe(value)}",
        line=lead.count(b"\n") + 1,
        column=len(lead) - (lead.rfind(b"\n") + 1) + 1,
    )


def parse_screened(
    data: bytes, limits: Limits, *, text_checked: bool = False
) -> tuple[Parsed, Screened] | None:
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
    ``None``, and the parse stage runs as before. ``text_checked`` says the
    caller already ran the byte scan and it found nothing.
    """
    from stretchkit.io._fast import _doubtful_text, _members

    if not fast_allowed(limits) or data.startswith(_BOM) or len(data) > limits.max_bytes:
        return None
    if not text_checked and _doubtful_text(data):
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
    return Parsed(
        value=value, source=SourceText(text, limits, clean=True, data=data), issues=()
    ), found


_BOM: Final = b"\xef\xbb\xbf"
_ITEM_DEPTH: Final = DEFAULT_LIMITS.max_depth - 2
"""How deep an item of a top-level array may nest: the document and its array are two levels."""
_LONG_NUMBER: Final = re.compile(
    rb"[0-9]{%d}|[0-9][eE][-+]?[0-9]" % (DEFAULT_LIMITS.max_integer_digits + 1)
)
"""An integer with too many digits, or an exponent (which alone can make a float infinite)."""


def _within_by_size(span: Any) -> bool:
    """Is an item's raw JSON text within the default limits by its size alone?

    No string, key or array of ``n`` bytes of text is longer than ``n``; no value
    nests deeper than it has brackets; no number breaks a limit without a long
    run of digits or an exponent. What this cannot vouch for, :func:`quick_check`
    checks on the decoded value (the limits given are never stricter than these).
    """
    data = bytes(span)
    size = len(data)
    return (
        size <= DEFAULT_LIMITS.max_string_length
        and size <= DEFAULT_LIMITS.max_items
        and data.count(b"{") + data.count(b"[") <= _ITEM_DEPTH
        and _LONG_NUMBER.search(data) is None
    )


def screened_bytes(
    data: bytes, limits: Limits, *, text_checked: bool = False
) -> tuple[dict[str, Any], Screened, SourceText] | None:
    """What :func:`parse_screened` finds, with only the top level and the misfits decoded.

    For a document with mistakes: the document with every item that fits its
    Struct left ``None`` (:func:`~stretchkit.io._screen.screen_bytes`), the
    screen's verdict, and the source. The same checks as :func:`parse_screened`
    decide (text rules, version, duplicate keys by counted members, the limits
    on the top level and the misfits), so this answers only where it would,
    and the same. Enough to explain the suspects; a document whose suspects
    turn out fine is parsed whole after all.
    """
    from stretchkit.io._fast import _doubtful_text, _members

    if not fast_allowed(limits) or data.startswith(_BOM) or len(data) > limits.max_bytes:
        return None
    if not text_checked and _doubtful_text(data):
        return None
    found = screen_bytes(data)
    if found is None:
        return None
    document, screened, kept, spans = found
    version = document.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        return None
    if b"\\" not in data:
        if kept.count(b":") != data.count(b":"):
            return None
    elif _members(kept) != _members(data):
        return None
    arrays = [document[k] for k in ITEM_KEYS if isinstance(document.get(k), list)]
    if any(len(items) > limits.max_items for items in arrays):
        return None
    top = {k: [] if k in ITEM_KEYS and isinstance(v, list) else v for k, v in document.items()}
    if not quick_check(top, limits):
        return None
    misfits = [document[key][index] for key, index in screened.misfits]
    if (
        misfits
        and not all(_within_by_size(spans["/" + key][index]) for key, index in screened.misfits)
        and not quick_check(misfits, attrs.evolve(limits, max_depth=limits.max_depth - 1))
    ):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return document, screened, SourceText(text, limits, clean=True, data=data, spans=spans)
