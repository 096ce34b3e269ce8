"""A field's bounds, read back from its validators, for code that must know them.

The validators of the model are small values that say what they check
(``Whole(low=1, high=3600)``, ``MaxLen(20)``, ``Text(limit=2000)``), combined
with the model's own ``and_`` and ``optional``, whose parts are public. So code
that has to know a bound without checking a value (the Hypothesis strategies,
the pydantic and msgspec peers of the benchmark) reads it here, and a bound
changed in the model changes them too. Asking for a bound a field does not have
is a :class:`LookupError`: a bug in the caller, never a guess.
"""

from __future__ import annotations

from typing import Any

import attrs

from stretchkit.model._parts import Dose
from stretchkit.model._validators import (
    MAX_SLUG,
    AllOf,
    DeepIterable,
    DeepMapping,
    Each,
    LabelText,
    MaxLen,
    MinLen,
    Number,
    OrNone,
    Slug,
    Text,
    Whole,
)

__all__ = [
    "checks",
    "default",
    "item_checks",
    "number_range",
    "size_range",
    "text_limit",
    "whole_range",
]


def _flat(check: object) -> list[object]:
    if isinstance(check, AllOf):
        return [c for part in check.parts for c in _flat(part)]
    if isinstance(check, OrNone):
        return _flat(check.check)
    whole = check.iterable if isinstance(check, DeepIterable) else None
    if isinstance(check, DeepMapping):
        whole = check.mapping
    return [check, *(_flat(whole) if whole is not None else ())]


def checks(cls: type, name: str) -> tuple[object, ...]:
    """The validators of the field ``name`` of ``cls``, combinations and ``optional`` unpacked."""
    return tuple(_flat(attrs.fields_dict(cls)[name].validator))


def item_checks(cls: type, name: str) -> tuple[object, ...]:
    """The validators each item of the sequence field ``name`` of ``cls`` meets."""
    found: list[object] = []
    for check in checks(cls, name):
        if isinstance(check, Each):
            found += _flat(check.item)
        elif isinstance(check, DeepIterable):
            found += _flat(check.member)
    return tuple(found)


def _one(kind: type, found: tuple[object, ...], cls: type, name: str) -> Any:
    matches = [c for c in found if isinstance(c, kind)]
    if len(matches) != 1:
        raise LookupError(f"{cls.__name__}.{name} has no single {kind.__name__} validator")
    return matches[0]


def whole_range(cls: type, name: str) -> tuple[int, int]:
    """The lowest and highest whole number the field accepts."""
    check: Whole = _one(Whole, checks(cls, name), cls, name)
    return check.low, check.high


def number_range(cls: type, name: str) -> tuple[float, float]:
    """The lowest and highest number the field accepts."""
    check: Number = _one(Number, checks(cls, name), cls, name)
    return check.low, check.high


def size_range(cls: type, name: str) -> tuple[int, int | None]:
    """The fewest and most items the sequence field holds (``None``: no upper bound)."""
    found = checks(cls, name)
    dose = [c for c in found if isinstance(c, Dose)]
    if dose:
        return dose[0].low, dose[0].high
    low = [c.low for c in found if isinstance(c, MinLen)]
    high = [c.high for c in found if isinstance(c, MaxLen)]
    return (low[0] if low else 0), (high[0] if high else None)


def text_limit(cls: type, name: str) -> int:
    """The most characters the text or slug field holds (for a sequence: each item)."""
    found = checks(cls, name)
    if not any(isinstance(c, Text | LabelText | Slug) for c in found):
        found = item_checks(cls, name)
    limits = [c.limit for c in found if isinstance(c, Text | LabelText)]
    limits += [MAX_SLUG for c in found if isinstance(c, Slug)]
    if len(limits) != 1:
        raise LookupError(f"{cls.__name__}.{name} has no single text or slug validator")
    return limits[0]


def default(cls: type, name: str) -> Any:
    """The field's default value (a factory's value, made anew)."""
    value: Any = attrs.fields_dict(cls)[name].default
    if value is attrs.NOTHING:
        raise LookupError(f"{cls.__name__}.{name} has no default")
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        return value.factory()  # a Factory that takes self is not used by the model
    return value
