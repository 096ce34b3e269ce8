"""The success path of loading: decide fast, explain slowly.

:func:`fast_catalog` either returns the very :class:`Catalog` the full
pipeline (:mod:`stretchkit.io._pipeline`) would build from the same bytes, or
``None``, meaning "I cannot vouch for this document": the caller then runs the
full, located pipeline, which also explains what is wrong. Only one direction
matters for correctness: *whenever this module accepts, the full pipeline
accepts and builds an equal catalog*. Falling back too often only costs time
(``tests/test_fast_load.py`` holds both to that, on generated, mutated and
corpus documents).

How it stays fast with every check made:

1. **msgspec does the shape.** Structs made from the model by
   :mod:`stretchkit.io._wire`, in the same walk that writes the schema (a tagged
   union on ``kind``, unknown fields forbidden, strict types, every bound as
   ``msgspec.Meta``), decode the bytes in C.
2. **Text rules in bulk.** Control characters are found with one scan of the
   raw bytes, blank strings by candidate positions, slugs with one regex over
   all of them joined by newlines (no string holds a newline: escapes that
   could write one send the document to the full path).
3. **Duplicate keys** (msgspec, like every fast parser, lets the last one win)
   are caught by counting what the decoder kept against the raw text. Without
   backslashes a quote only ever opens or closes a string, so the text holds
   twice as many quotes as strings (keys and string values); the generated
   constructors add up, from the model's fields, how many strings the decoded
   Structs hold (every optional field is ``UNSET`` unless present), and the two
   differ exactly when a member was dropped. A document with escapes is
   re-encoded instead and its members counted as colons outside strings (one
   regex pass, on the rare escaped document).
4. **The attrs objects are built without running their validators**, every
   rule they check having just been checked. Not with
   ``attrs.validators.set_disabled`` (process-wide: another thread's objects
   would skip validation meanwhile) but with a constructor per class,
   generated once, that does what a frozen slotted ``__init__`` does: a new
   instance, then each slot set through its descriptor. Converters are not
   run either, so every value passed is already what they would make (tuples).
5. **The garbage collector is left alone.** Pausing it halved the time at
   20,000 stretches, but a pause is a process-wide switch and not thread-safe
   (with 8 threads loading at once it stayed off for the rest of the process).
   Its cost is kept down instead by making fewer tracked objects: the Structs
   are ``gc=False`` (they hold no cycles), and each model object is made once.
6. The semantic rules (duplicate ids, unresolved references, context
   mismatches, session ranges, duplicate labels, and the warnings that only
   :func:`~stretchkit.io.validate_catalog` reports) are the one implementation
   in :mod:`stretchkit.io._semantic`, run on the decoded Structs, so a valid
   document is never parsed twice and both paths say the same thing.

Documents with a byte-order mark, and anything beyond the default
:class:`~stretchkit.io.Limits`, always take the full path.
"""

from __future__ import annotations

import re
from typing import Any, Final

import msgspec
from msgspec import UNSET, Struct

from stretchkit.io._build import converters
from stretchkit.io._issues import Issue
from stretchkit.io._semantic import CHECKED_IN_FULL, semantic_issues_of
from stretchkit.io._wire import structs
from stretchkit.model import (
    Catalog,
)

__all__ = ["ITEM_STRUCTS", "MAX_BYTES", "STRUCTS", "decode", "fast_catalog", "fast_check"]

# --- the Structs, derived from the model with the schema (stretchkit.io._wire) ------------------

_STRUCTS: Final = structs()
_Hold = _STRUCTS["Hold"]
_AngleSequence = _STRUCTS["AngleSequence"]
_PositionSequence = _STRUCTS["PositionSequence"]
_Reps = _STRUCTS["Reps"]
_Breath = _STRUCTS["Breath"]
_Catalog = _STRUCTS["Catalog"]
_Reintroduction = _STRUCTS["Reintroduction"]

_DECODER: Final = msgspec.json.Decoder(_Catalog)
MAX_BYTES: Final = 64 * 1024 * 1024
"""``Limits().max_bytes``; with other limits the caller takes the full path."""
_ENCODER: Final = msgspec.json.Encoder()
_BOM: Final = b"\xef\xbb\xbf"

# --- bulk checks -----------------------------------------------------------------------------

_ESCAPE = re.compile(
    rb"\\(?:[bfnrt]|u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|u[dD][89a-fA-F])"
)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_BIDI = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])|\\u(?:202[a-eA-E]|206[6-9])")
"""U+202A–U+202E and U+2066–U+2069, as UTF-8 or as an escape: bidirectional controls."""
_BLANK = re.compile(
    rb'"(?: |\xc2\xa0|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f'
    rb'|\xe3\x80\x80|\\u(?:0020|00[aA]0|1680|200[0-9aA]|202[89fF]|205[fF]|3000))+"'
)
_BLANK_START = re.compile(rb'"[ \xc2\xe1\xe2\xe3\\]')
"""Where a blank string could start: one regex pass finds the few candidates."""
_SPACE_START = re.compile(rb'" ')
"""Where a string of spaces could start: a two-byte literal, which the regex engine scans fast."""
_ODD_C2 = re.compile(rb"\xc2[\x80-\xa0]")
"""A C1 control or U+00A0, as UTF-8 (a degree sign, ``\xc2\xb0``, is neither)."""
_ODD_E2 = re.compile(rb"\xe2(?:\x80[\x80-\x8a\xa8-\xaf]|\x81[\x9f\xa6-\xa9])")
"""A white space or bidirectional control of U+2000–U+206F, as UTF-8 (not dashes, quotes)."""
_ODD_E1 = re.compile(rb"\xe1\x9a\x80")
_ODD_E3 = re.compile(rb"\xe3\x80\x80")


def _odd_c2(raw: bytes) -> bool:
    """Does ``raw`` hold a C1 control or U+00A0 (``\\xc2`` then ``\\x80``–``\\xa0``)?

    A few ``\\xc2`` (degree signs, middle dots) are looked at one by one, each
    found with memchr; a text full of them is left to the pattern.
    """
    find = raw.find
    at = find(b"\xc2")
    for _ in range(16):
        if at < 0:
            return False
        if at + 1 < len(raw) and 0x80 <= raw[at + 1] <= 0xA0:
            return True
        at = find(b"\xc2", at + 1)
    return at >= 0 and _ODD_C2.search(raw, at) is not None


def _doubtful_text(raw: bytes) -> bool:
    """Could a decoded string break a text rule? One cheap pass per kind of breach.

    * A bidirectional control (U+202A–U+202E, U+2066–U+2069), raw or escaped.
    * A control character (or a lone surrogate): raw U+0000–U+001F are not
      valid JSON (msgspec refuses them); U+007F and U+0080–U+009F may appear raw
      (``\\x7f``, ``\\xc2\\x80``–``\\xc2\\x9f``) or as escapes.
    * A string of white space only: ``"``, then nothing but the UTF-8 of the
      schema's white-space characters (space, U+00A0, U+1680, U+2000–U+200A,
      U+2028, U+2029, U+202F, U+205F, U+3000: ``str.isspace`` minus the control
      characters) or their ``\\uXXXX`` escapes, then ``"``. Empty strings are refused
      by ``min_length``. Candidates are found with one regex pass and
      confirmed with a regex at that spot.

    ``True`` where there is no breach (a candidate that is a key, say) only
    means "take the full path"; every real breach gives ``True``.
    """
    if b"\\" not in raw:
        if b"\x7f" in raw:
            return True
        if not (
            (b"\xc2" in raw and _odd_c2(raw))
            or (b"\xe2" in raw and _ODD_E2.search(raw) is not None)
            or (b"\xe1" in raw and _ODD_E1.search(raw) is not None)
            or (b"\xe3" in raw and _ODD_E3.search(raw) is not None)
        ):
            # No escape, control or white space beyond ASCII: only a string of
            # spaces is left to look for. (Each lead byte is found with memchr;
            # only a document holding one pays for its pattern.)
            return any(_BLANK.match(raw, m.start()) is not None for m in _SPACE_START.finditer(raw))
    else:
        # An escaped backslash starts no escape: drop those pairs (left to right,
        # as JSON reads them) so that ``\\\\r`` (a backslash, then "r") is not taken for ``\\r``.
        raw = raw.replace(b"\\\\", b"")
        if _ESCAPE.search(raw) is not None:
            return True
    if b"\x7f" in raw or (b"\xc2" in raw and _C1.search(raw) is not None):
        return True
    if (b"\xe2" in raw or b"\\" in raw) and _BIDI.search(raw) is not None:
        return True
    # With the escaped backslashes gone, a quote right after a backslash is an
    # escaped quote inside a string, not the start of one.
    return any(
        _BLANK.match(raw, m.start()) is not None
        for m in _BLANK_START.finditer(raw)
        if m.start() == 0 or raw[m.start() - 1] != 0x5C
    )


_SLUG_BYTES: Final = b"abcdefghijklmnopqrstuvwxyz0123456789-\n"
_SLUG_BREAKS: Final = (b"--", b"-\n", b"\n-", b"\n\n")


def _slugs_ok(slugs: list[str]) -> bool:
    """Every one matches ``SLUG_PATTERN`` (lowercase words joined by single hyphens).

    All of them at once, joined by newlines (no string holds one: escapes that
    could write one were refused): nothing but those characters, and no hyphen
    or newline next to another or at either end. A few C passes over the joined
    bytes cost less than a regex walking them (``tests/test_fast_load.py``
    holds this to the model's pattern).
    """
    if not slugs:
        return True
    joined = "\n".join(slugs)
    if not joined or not joined.isascii():
        return False
    data = joined.encode()
    return (
        not data.translate(None, _SLUG_BYTES)
        and not any(pair in data for pair in _SLUG_BREAKS)
        and data[:1] not in (b"-", b"\n")
        and data[-1:] not in (b"-", b"\n")
    )


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A JSON string, escapes included; between strings JSON text holds no quote."""


def _members(text: bytes) -> int:
    """How many object members valid JSON ``text`` holds: the colons left outside its strings."""
    return _STRING.sub(b"", text).count(b":")


def _structs(raw: bytes, text_checked: bool) -> Any:
    """The Structs for ``raw`` when every shape, type, bound and text rule holds, else ``None``;
    a duplicated key is not looked for (the decoder keeps the last member)."""
    if not text_checked and _doubtful_text(raw):
        return None
    try:
        return _DECODER.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
        return None


def _no_member_dropped(raw: bytes, doc: Any) -> bool:
    """``raw`` has no duplicated key: it holds as many members as ``doc`` re-encoded."""
    kept = _ENCODER.encode(doc)
    if b"\\" not in raw:
        # Without escapes every kept string is byte for byte in the raw text, so
        # only dropped members (a duplicate key and its value) can lose a colon.
        return kept.count(b":") == raw.count(b":")
    return _members(kept) == _members(raw)


def decode(raw: bytes, *, text_checked: bool = False) -> Any:
    """The Structs for ``raw`` when every shape, type, bound and text rule holds and no key is
    duplicated, else ``None``.

    ``text_checked``: the caller ran :func:`_doubtful_text` and it found nothing.
    """
    doc = _structs(raw, text_checked)
    return None if doc is None or not _no_member_dropped(raw, doc) else doc


STRUCTS: Final[dict[str, type[Struct]]] = _STRUCTS
"""The Struct for each model class (by name)."""

ITEM_STRUCTS: Final[dict[str, type[Struct]]] = {
    "stretches": _STRUCTS["Stretch"],
    "routines": _STRUCTS["Routine"],
    "programs": _STRUCTS["Program"],
}
"""The Struct of each item of the catalog's top-level arrays, for checking items one by one."""


# --- building the model from the Structs, without re-running the checks just made -------------


_NO: tuple[()] = ()


def _or(value: Any, default: Any) -> Any:
    return default if value is UNSET else value


class _Reject(Exception):
    """Something the full pipeline reports; the fast path gives up."""


_LABELS_INLINE: Final = CHECKED_IN_FULL - {"duplicate-label"}
"""Loading builds with the label rule checked in the loops that build the labels
(cheaper than a separate walk); it then asks the semantic checks for no labels.
Validating, which reports labels with the other semantic issues, builds without.
Each set of constructors is generated on first use (a CLI run that only loads
pays for one)."""


def _convert(doc: Any, *, labels_checked: bool = True) -> tuple[Catalog, int]:
    """The attrs catalog for checked Structs whose semantics are known to be fine, and how
    many JSON strings (keys and string values) the Structs hold.

    Without ``labels_checked`` the repeated-label rule is made while building.
    """
    slugs: list[str] = []
    quoted: list[int] = []
    build = converters(CHECKED_IN_FULL if labels_checked else _LABELS_INLINE)[Catalog]
    try:
        catalog: Catalog = build(doc, slugs, quoted)
    except ValueError:  # a model rule: every refusal is a ValueError (ModelError included)
        raise _Reject from None
    if not _slugs_ok(slugs):
        raise _Reject  # a slug field that is not a slug
    return catalog, sum(quoted)


# --- the entry points --------------------------------------------------------------------------


def fast_catalog(raw: bytes) -> Catalog | None:
    """The catalog, or ``None`` when the full pipeline must decide (and explain).

    Only for documents within the default :class:`~stretchkit.io.Limits`
    (the caller checks that custom limits are at least as generous).
    """
    found = fast_check(raw, warnings=False)
    return None if found is None else found[0]


def fast_check(
    raw: bytes, *, warnings: bool = True, text_checked: bool = False
) -> tuple[Catalog, list[Issue]] | None:
    """The catalog and its semantic warnings (unlocated), or ``None`` for the full pipeline.

    Without ``warnings`` the list is empty: loading does not look for them.
    ``text_checked``: the caller ran :func:`_doubtful_text` and it found nothing.
    """
    if len(raw) > MAX_BYTES or raw.startswith(_BOM):
        return None
    doc = _structs(raw, text_checked)
    if doc is None:
        return None
    escaped = b"\\" in raw
    if escaped and not _no_member_dropped(raw, doc):
        return None
    # Loading asks for errors only, and leaves repeated labels to the building.
    issues = semantic_issues_of(doc, warnings=warnings, labels=warnings)
    if any(issue.is_error for issue in issues):
        return None  # the full pipeline says where, with the same words
    try:
        catalog, quoted = _convert(doc, labels_checked=warnings)
    except _Reject:
        return None
    if not escaped and raw.count(b'"') != 2 * quoted:
        # Without escapes a quote only ever opens or closes a string, so the raw
        # text holds more strings than the Structs exactly when the decoder
        # dropped a member: a duplicated key (the full pipeline says where).
        return None
    return catalog, issues
