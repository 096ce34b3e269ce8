"""Limits: how much a document may hold before it is refused, never crashed on.

A catalog file comes from people and tools we do not control, so every stage
that reads one is bounded: the size of the bytes, the nesting, the length of a
string, the members of one container, the digits of an integer, and the number
of issues reported (which bounds the work of explaining them too).
"""

from __future__ import annotations

from typing import Final

from attrs import field, frozen

from stretchkit.model._validators import whole

__all__ = ["DEFAULT_LIMITS", "Limits", "fast_allowed"]

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


DEFAULT_LIMITS: Final = Limits()


def fast_allowed(limits: Limits) -> bool:
    """The fast path checks the default limits; it may answer when ``limits`` are no stricter."""
    d = DEFAULT_LIMITS
    return limits is d or (
        limits.max_bytes >= d.max_bytes
        and limits.max_depth >= d.max_depth
        and limits.max_string_length >= d.max_string_length
        and limits.max_items >= d.max_items
        and limits.max_integer_digits >= d.max_integer_digits
    )
