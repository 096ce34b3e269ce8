"""Which items of a parsed document could the schema or the converter find fault with?

A document with one mistake used to cost four or five times a valid one: any
error sent the whole document through the strict converter, the slow part.
The converter and the schema judge each item of ``stretches``, ``routines``
and ``programs`` on its own, so only the items that could fail need them.
:func:`screen` finds those in C-speed passes:

* each item meets its msgspec Struct (:data:`~stretchkit.io._fast.ITEM_STRUCTS`,
  generated from the model as the schema is) with ``strict=True``: shapes,
  types, bounds, enums, the ``kind`` of a part, unknown fields;
* the text rules (no control or bidirectional character, not blank) on the
  document's JSON text, re-encoded in C, with the fast path's byte scan; only
  when it finds something are the items looked at one by one;
* the slug pattern on every slug, joined, and the ``uniqueItems`` arrays:
  the two schema rules a Struct does not state. Where they sit in the model
  comes from :func:`stretchkit.io._wire.plans`, so a new field needs no edit here.

An item that passes all of them gives no schema error, and the converter
refuses it, if at all, only for a rule beyond the schema (a repeated label, an
unsafe link, a cross-field rule), which the semantic checks report in their
own words. A flagged item is only a suspect: the caller asks the converter
about it, and a false alarm (``30.0`` for ``30``, which the Structs refuse and
the schema allows) costs time, never a different answer. The tests compare
the screened pipeline with the full one on mutated documents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final

import attrs
import msgspec
from msgspec import UNSET

from stretchkit.model._validators import Unique

__all__ = ["ITEM_KEYS", "Screened", "fits_beyond_struct", "screen", "screen_bytes"]

ITEM_KEYS: Final = ("stretches", "routines", "programs")
"""The top-level arrays whose items are judged one by one, in document order."""

Item = tuple[str, int]


@attrs.frozen(kw_only=True)
class Screened:
    """What :func:`screen` found."""

    misfits: tuple[Item, ...]
    """Items their Struct refuses, in document order (the bound on explained items counts these)."""
    suspects: frozenset[Item]
    """Every item the converter or the schema might refuse: the misfits and the rest found."""


_Check = Callable[[Any, list[str]], bool]


def _nothing_to_check(s: Any, sl: list[str]) -> bool:
    return True


@functools.cache
def _checkers() -> dict[type, _Check]:
    """For each Struct, a function collecting its slugs; ``False`` if an array repeats.

    Made from the field plans of :mod:`stretchkit.io._wire` (where the slugs are,
    which arrays are unique, which fields hold other objects); classes with
    nothing to check inside (a part) are skipped.
    """
    from stretchkit.io._build import SLUG_STEPS
    from stretchkit.io._wire import plans
    from stretchkit.model import PART_KINDS

    found = plans()
    pending: dict[type, list[tuple[str, str, type | None, str | None, bool]]] = {}
    for cls, (_, fields) in found.items():
        pending[cls] = [
            (
                plan.name,
                plan.shape,
                plan.cls,
                plan.slugs,
                any(isinstance(check, Unique) for check in plan.leftover),
            )
            for plan in fields
        ]

    def needed(cls: type, seen: frozenset[type] = frozenset()) -> bool:
        if cls in seen:
            return False
        return any(
            slugs is not None or unique or (child is not None and needed(child, seen | {cls}))
            for _, _, child, slugs, unique in pending.get(cls, [])
        )

    if any(needed(part) for part in PART_KINDS):
        # Not so today: a dose holds no slug and no unique array. Say so rather than miss one.
        raise TypeError("a part class holds slugs or unique arrays: teach _screen its doses")

    # One function per class, generated: for each field with something to check,
    # its slugs collected, its uniqueness tested, its objects visited (a loop in
    # the function, not an interpreted list of fields per object).
    lines: list[str] = []
    for cls in pending:
        if not needed(cls):
            continue
        lines.append(f"def _check_{cls.__name__}(s, sl):")
        for name, shape, child, slugs, unique in pending[cls]:
            inner = child.__name__ if child is not None and needed(child) else None
            if slugs is None and not unique and inner is None:
                continue
            lines += [f"    v = s.{name}", "    if v is not UNSET and v is not None:"]
            if slugs is not None:
                lines.append("        " + SLUG_STEPS[slugs].format(v="v"))
            if unique:
                lines.append("        if len(set(v)) != len(v): return False")
            if inner is not None and shape == "object":
                lines.append(f"        if not _check_{inner}(v, sl): return False")
            elif inner is not None:
                lines += [
                    "        for x in v:",
                    f"            if not _check_{inner}(x, sl): return False",
                ]
        lines.append("    return True")
    namespace: dict[str, Any] = {"UNSET": UNSET}
    exec("\n".join(lines), namespace)

    return {
        struct: namespace.get(f"_check_{cls.__name__}", _nothing_to_check)
        for cls, (struct, _) in found.items()
    }


def fits_beyond_struct(struct: Any, decoded: Any) -> bool:
    """Do the decoded Struct's slugs match their pattern and its unique arrays not repeat?

    With the text rules, what a value fitting its Struct must also meet to draw
    no schema error (the two schema rules a Struct does not state).
    """
    from stretchkit.io._fast import _slugs_ok

    slugs: list[str] = []
    return _checkers()[struct](decoded, slugs) and _slugs_ok(slugs)


def _text_doubtful(value: object) -> bool:
    """Could a string in ``value`` break a text rule? (Sure to say so when one does.)"""
    from stretchkit.io._fast import _doubtful_text

    try:
        return _doubtful_text(msgspec.json.encode(value))
    except (UnicodeEncodeError, TypeError, OverflowError, msgspec.EncodeError):
        return True  # a lone surrogate, or a value JSON cannot hold: look closer


def screen(document: dict[str, Any], *, text_checked: bool = False) -> Screened:
    """The items of ``document`` (a parsed catalog of the current version) worth a closer look.

    ``text_checked`` says the caller already found no string that could break a
    text rule (the fast path's scan of the raw bytes).
    """
    from stretchkit.io._fast import ITEM_STRUCTS

    convert = msgspec.convert
    misfits: list[Item] = []
    fitting: list[tuple[Item, Any]] = []
    for key, struct in ITEM_STRUCTS.items():
        items = document.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            try:
                fitting.append(((key, index), convert(item, struct, strict=True)))
            except (msgspec.ValidationError, UnicodeEncodeError):
                # msgspec cannot even encode a lone surrogate: that item is a misfit too.
                misfits.append((key, index))
    found = _judged(misfits, fitting)
    if not text_checked and _text_doubtful(
        {k: document[k] for k in ITEM_KEYS if isinstance(document.get(k), list)}
    ):
        others = {where for where, _ in fitting if _text_doubtful(document[where[0]][where[1]])}
        return attrs.evolve(found, suspects=found.suspects | others)
    return found


@functools.cache
def _span_decoders() -> tuple[Any, Any, dict[str, Any]]:
    """Decoders of the catalog's members as raw spans, of an array's items, of each item."""
    from stretchkit.io._fast import ITEM_STRUCTS

    return (
        msgspec.json.Decoder(dict[str, msgspec.Raw]),
        msgspec.json.Decoder(list[msgspec.Raw]),
        {key: msgspec.json.Decoder(struct) for key, struct in ITEM_STRUCTS.items()},
    )


_LOST: Final = (msgspec.DecodeError, UnicodeDecodeError, ValueError, RecursionError)


def screen_bytes(
    data: bytes,
) -> tuple[dict[str, Any], Screened, bytes, dict[str, Any]] | None:
    """:func:`screen` of ``data`` (UTF-8 JSON whose text rules were checked), decoding the least.

    Each item of the three arrays is decoded from its own span of the bytes
    straight into its Struct, in C: an item that fits needs no Python dicts and
    lists, which for a big file cost more than everything else (their memory,
    and the garbage collector walking them). Only the top level and the items
    that do not fit are decoded as plain values. The answer is the document
    with every fitting item but the suspects left ``None`` (enough to explain them),
    what :func:`screen` would find in the whole parsed document (a test
    compares the two), the members re-encoded (to count them against the
    text's, as a duplicate key drops one), and the raw spans it split the text
    into by the pointer of their container (``""`` and each array: what
    :class:`~stretchkit.io._source.SourceText` steps over to locate an issue).
    ``None`` when msgspec cannot read the text or the top level is not an
    object: the caller parses it whole.
    """
    members_of, items_of, item_decoders = _span_decoders()
    decode = msgspec.json.decode
    try:
        members = members_of.decode(data)
        split: dict[str, Any] = {"": members}
        document: dict[str, Any] = {}
        kept: dict[str, Any] = {}
        misfits: list[Item] = []
        fitting: list[tuple[Item, Any]] = []
        spans: dict[Item, Any] = {}
        for key, raw in members.items():
            item_decoder = item_decoders.get(key)
            if item_decoder is None or bytes(memoryview(raw)[:1]) != b"[":
                document[key] = kept[key] = decode(raw)
                continue
            sparse: list[Any] = []
            whole: list[Any] = []
            split["/" + key] = every = items_of.decode(raw)
            for index, span in enumerate(every):
                try:
                    struct = item_decoder.decode(span)
                except msgspec.ValidationError:
                    value = decode(span)
                    sparse.append(value)
                    whole.append(value)
                    misfits.append((key, index))
                else:
                    sparse.append(None)
                    whole.append(struct)
                    fitting.append(((key, index), struct))
                    spans[key, index] = span
            document[key], kept[key] = sparse, whole
        encoded = msgspec.json.encode(kept)
        order = {key: n for n, key in enumerate(ITEM_KEYS)}
        misfits.sort(key=lambda item: (order[item[0]], item[1]))
        fitting.sort(key=lambda pair: (order[pair[0][0]], pair[0][1]))
        found = _judged(misfits, fitting)
        for key, index in found.suspects.difference(misfits):
            document[key][index] = decode(spans[key, index])  # a suspect that fits: a slug, say
    except (*_LOST, TypeError, OverflowError, msgspec.EncodeError, msgspec.ValidationError):
        return None
    return document, found, encoded, split


def _judged(misfits: list[Item], fitting: list[tuple[Item, Any]]) -> Screened:
    """The slug and unique-array checks on the fitting Structs, and the verdict."""
    from stretchkit.io._fast import _slugs_ok

    checkers = _checkers()
    others: set[Item] = set()
    slugs: list[str] = []
    spans: list[tuple[Item, int, int]] = []
    for where, decoded in fitting:
        start = len(slugs)
        if not checkers[type(decoded)](decoded, slugs):
            others.add(where)
        spans.append((where, start, len(slugs)))
    if not _slugs_ok(slugs):
        others.update(where for where, a, b in spans if not _slugs_ok(slugs[a:b]))
    return Screened(misfits=tuple(misfits), suspects=frozenset({*misfits, *others}))
