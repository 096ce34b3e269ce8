"""Small attrs validators shared by the model classes.

They guard objects built in Python; files are checked earlier, with located
messages, by :mod:`stretchkit.io`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "Validator",
    "aware",
    "label",
    "number",
    "slug",
    "slugs",
    "strings",
    "text",
    "texts",
    "unique_labels",
    "whole",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
MAX_SLUG = 64
MAX_TEXT = 2000
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL: one regex search beats a Python loop per character."""


def slug(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Ids, equipment and targets are lower-case words joined by hyphens."""
    if not isinstance(value, str) or len(value) > MAX_SLUG or not _SLUG.fullmatch(value):
        raise ValueError(
            f"{attribute.name} must be a slug of lower-case letters, digits and single "
            f"hyphens (at most {MAX_SLUG} characters), got {value!r}"
        )


def slugs(instance: object, attribute: attrs.Attribute[Any], value: Iterable[object]) -> None:
    for item in value:
        slug(instance, attribute, item)


def _check_text(name: str, value: object, limit: int) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be non-empty text, got {value!r}")
    if len(value) > limit:
        raise ValueError(f"{name} must be at most {limit} characters, got {len(value)}")
    if _CONTROL.search(value) is not None:
        raise ValueError(f"{name} must not contain control characters, got {value!r}")


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Human text: non-empty, without control characters, of reasonable length."""
    _check_text(attribute.name, value, MAX_TEXT)


def label(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A short label such as "toe out 45°"."""
    _check_text(attribute.name, value, 120)


def texts(instance: object, attribute: attrs.Attribute[Any], value: Iterable[object]) -> None:
    for item in value:
        _check_text(attribute.name, item, MAX_TEXT)


def unique_labels(instance: object, attribute: attrs.Attribute[Any], value: Iterable[Any]) -> None:
    """Labels within one sequence must differ, or a coach could not tell them apart."""
    seen: set[str] = set()
    for item in value:
        key = item.label.casefold()
        if key in seen:
            raise ValueError(f"{attribute.name} has the label {item.label!r} twice")
        seen.add(key)


def aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Naive datetimes are refused: a time without an offset is a guess."""
    if not isinstance(value, datetime):
        raise TypeError(f"{attribute.name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{attribute.name} must be timezone-aware (carry an offset), "
            f"got naive {value.isoformat()}"
        )


def whole(low: int, high: int) -> Validator:
    """A whole number in ``[low, high]``; ``bool`` is refused although Python calls it an int."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{attribute.name} must be a whole number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{attribute.name} must be between {low} and {high}, got {value}")

    return check


def number(low: float, high: float) -> Validator:
    """A finite number in ``[low, high]`` (whole or not; never ``bool``, NaN or infinity)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{attribute.name} must be a number, got {value!r}")
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"{attribute.name} must be between {low} and {high}, got {value}")

    return check


def strings(items: Iterable[str]) -> tuple[str, ...]:
    """The typed ``tuple`` converter for text and slug lists (mypy cannot type a generic one)."""
    return tuple(items)
