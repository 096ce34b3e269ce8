"""Small attrs validators shared by the model classes, and the errors they raise.

They guard objects built in Python; files are checked earlier, with located
messages, by :mod:`stretchkit.io`. Every refusal is a :class:`ModelError` (a
:class:`~stretchkit.StretchkitError`; :class:`ModelTypeError` is also a
:class:`TypeError` for a value of the wrong kind) whose one-line message starts with
the field's name and quotes the bad value through :func:`describe`, so a huge or
deeply nested value never makes a huge message or a ``RecursionError``. The
drop-in replacements for attrs' own ``instance_of``, ``min_len``, ``max_len``,
``deep_iterable`` and ``deep_mapping`` exist for that reason: attrs' messages
embed ``repr(value)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs

from stretchkit._errors import StretchkitError
from stretchkit.model._about import About, Define

__all__ = [
    "BAD_TEXT",
    "BIDI",
    "CONTROL",
    "MAX_LABEL",
    "MAX_SLUG",
    "MAX_TEXT",
    "SLUG_PATTERN",
    "SURROGATE",
    "TEXT_PATTERN",
    "AllOf",
    "DeepIterable",
    "DeepMapping",
    "Each",
    "InstanceOf",
    "LabelText",
    "MaxLen",
    "MinLen",
    "ModelError",
    "ModelTypeError",
    "Number",
    "OrNone",
    "Slug",
    "Text",
    "Unique",
    "Validator",
    "Whole",
    "and_",
    "as_tuple",
    "aware",
    "beyond_schema",
    "deep_iterable",
    "deep_mapping",
    "describe",
    "instance_of",
    "label",
    "label_text",
    "max_len",
    "min_len",
    "number",
    "optional",
    "slug",
    "slugs",
    "strings",
    "text",
    "text_problem",
    "texts",
    "unique",
    "unique_labels",
    "whole",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
_F = TypeVar("_F", bound=Callable[..., None])


class ModelError(StretchkitError):
    """A model object was given a value it cannot hold; the message names the field."""


class ModelTypeError(ModelError, TypeError):
    """A model object was given a value of the wrong kind (also a :class:`TypeError`)."""


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
MAX_SLUG = 64
MAX_TEXT = 2000
MAX_LABEL = 120
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL: one regex search beats a Python loop per character."""
SURROGATE = re.compile("[\ud800-\udfff]")
"""Lone UTF-16 surrogates (a ``\\ud800`` escape without its pair): not characters, not UTF-8."""
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidirectional embedding, override and isolate controls: they make text read other than it is."""
BAD_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
"""Any of the three above, in one search: what no id, name or other text may hold."""
_CONTROL = CONTROL
TEXT_PATTERN = (
    r"^(?![\s\S]*[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069])[\s\S]*"
    r"[^\u0000-\u001f\u007f-\u009f \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
""":func:`text` as a JSON Schema pattern: no control or bidirectional character, not blank.

The blank characters are what ``str.isspace`` calls space, less the control characters
already refused; a lone surrogate cannot be named portably (the parser refuses it).
"""
_SHOWN = 40
"""How much of a bad string a message quotes; the rest is given as a length."""


def text_problem(value: str) -> str | None:
    """Why ``value`` is not clean text (a control character, a lone surrogate or a
    bidirectional control), or ``None``. The one text check the model, the engine, the
    importer and the generator share; the reason names the character and where it is.
    """
    m = BAD_TEXT.search(value)
    if m is None:
        return None
    char = m.group()
    if SURROGATE.match(char):
        what = "a lone surrogate"
    elif BIDI.match(char):
        what = "a bidirectional control"
    else:
        what = "a control character"
    return f"contains {what} U+{ord(char):04X} at character {m.start() + 1}"


def describe(value: object) -> str:
    """A short, JSON-flavoured description of a bad value for a message: ``string '30'``.

    Never longer than about 100 characters whatever the value: a long string is cut
    to a prefix and its length, a huge integer is given by its digit count, and a
    container by its size (``repr`` of a deep one would recurse without end).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if len(value) <= _SHOWN:
            return f"string {value!r}"
        return f"string {value[:_SHOWN]!r}… ({len(value):,} characters)"
    if isinstance(value, int):
        if value.bit_length() < 128:
            return f"number {int(value)}"
        return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
    if isinstance(value, float):
        return f"number {float(value)!r}"
    kind = type(value).__name__[:_SHOWN]
    if isinstance(value, Mapping):
        return "an object" if type(value) is dict else f"an object ({kind})"
    if isinstance(value, list | tuple):
        return "an array" if type(value) in (list, tuple) else f"an array ({kind})"
    return f"a {kind}"


def beyond_schema(code: str) -> Callable[[_F], _F]:
    """Mark a validator as a rule no JSON Schema states: a semantic check reports it as ``code``.

    The schema generator refuses any validator it does not understand unless it is
    marked so: a new rule is never silently missing from the schema or the fast path.
    """

    def mark(check: _F) -> _F:
        check.semantic_code = code  # type: ignore[attr-defined]
        return check

    return mark


@attrs.frozen
class Slug:
    """Ids, equipment and targets are lower-case words joined by hyphens."""

    define: Define | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or len(value) > MAX_SLUG or not _SLUG.fullmatch(value):
            raise ModelError(
                f"{attribute.name} must be a slug of lower-case letters, digits and single "
                f"hyphens (at most {MAX_SLUG} characters), got {describe(value)}"
            )


def _check_text(name: str, value: object, limit: int) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"{name} must be non-empty text, got {describe(value)}")
    if len(value) > limit:
        raise ModelError(f"{name} must be at most {limit} characters, got {len(value)}")
    problem = text_problem(value)
    if problem is not None:
        raise ModelError(f"{name} must be plain text, but it {problem}")


@attrs.frozen
class Text:
    """Human text: not blank, without control characters, at most ``limit`` characters."""

    limit: int
    define: Define | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        _check_text(attribute.name, value, self.limit)


@attrs.frozen
class Each:
    """Every item of a sequence passes ``item`` (the sequence itself is not checked)."""

    item: Validator

    def __call__(
        self, instance: object, attribute: attrs.Attribute[Any], value: Iterable[object]
    ) -> None:
        check = self.item
        for one in value:
            check(instance, attribute, one)


@attrs.frozen
class AllOf:
    """Every one of ``parts`` passes, in order: attrs' ``and_`` with its parts public.

    The schema generator and the strategies read a field's bounds from its
    validators, so a combination must say what it combines: attrs keeps the
    parts of its own ``and_`` (and of a list, or of a ``@field.validator``
    method joined to the field's validator) in a private attribute.
    """

    parts: tuple[Validator, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        for check in self.parts:
            check(instance, attribute, value)


def and_(*checks: Validator) -> AllOf:
    """All of ``checks``, in order (nested combinations are flattened)."""
    parts: list[Validator] = []
    for check in checks:
        parts.extend(check.parts if isinstance(check, AllOf) else (check,))
    return AllOf(tuple(parts))


@attrs.frozen
class OrNone:
    """``None``, or a value ``check`` accepts: attrs' ``optional`` with its part public."""

    check: Validator

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            self.check(instance, attribute, value)


def optional(check: Validator) -> OrNone:
    """``None`` or a value ``check`` accepts."""
    return OrNone(check)


slug = Slug(
    define=Define(
        "slug",
        About(
            "Slug",
            "Lower-case letters and digits, words joined by single hyphens, "
            f"at most {MAX_SLUG} characters.",
            ("heel-press", "door-frame"),
        ),
    )
)
text = Text(
    MAX_TEXT,
    Define(
        "text",
        About(
            "Text",
            f"Human text: at least one visible character, at most {MAX_TEXT} characters, "
            "no control characters (no tabs or line breaks either).",
            ("Press your heel into the floor.",),
        ),
    ),
)
label = Text(
    MAX_LABEL,
    Define(
        "label",
        About(
            "Label",
            f"A short label: at least one visible character, at most {MAX_LABEL} characters, "
            "no control characters.",
            ("toe out 45°", "palms up"),
        ),
    ),
)
slugs = Each(slug)
texts = Each(text)


@attrs.frozen
class LabelText:
    """An id-like text: 1 to ``limit`` characters, none of them refused by :func:`text_problem`."""

    limit: int

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        limit = self.limit
        if not isinstance(value, str) or not 0 < len(value) <= limit:
            raise ModelError(
                f"{attribute.name} must be 1 to {limit} characters of text, got {describe(value)}"
            )
        problem = text_problem(value)
        if problem is not None:
            raise ModelError(f"{attribute.name} must be plain text, but it {problem}")


def label_text(limit: int) -> LabelText:
    """An id-like text: 1 to ``limit`` characters, none of them refused by :func:`text_problem`."""
    return LabelText(limit)


@attrs.frozen
class Unique:
    """No item of a sequence is repeated."""

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        items = list(_iterate(attribute, value))
        if len(set(items)) != len(items):
            raise ModelError(f"{attribute.name} must not repeat an item")


unique = Unique()


@beyond_schema("duplicate-label")
def unique_labels(instance: object, attribute: attrs.Attribute[Any], value: Iterable[Any]) -> None:
    """Labels within one sequence must differ, or a coach could not tell them apart."""
    seen: set[str] = set()
    for item in value:
        key = item.label.casefold()
        if key in seen:
            raise ModelError(f"{attribute.name} has the label {describe(item.label)} twice")
        seen.add(key)


unique_labels.folded_key = "label"  # type: ignore[attr-defined]
"""What the items must differ in, compared casefolded: code generated from the model
(the fast load path) makes this check inline, while it builds the items."""


def aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Naive datetimes are refused: a time without an offset is a guess."""
    if not isinstance(value, datetime):
        raise ModelTypeError(f"{attribute.name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ModelError(
            f"{attribute.name} must be timezone-aware (carry an offset), "
            f"got naive {value.isoformat()}"
        )


@attrs.frozen
class Whole:
    """A whole number in ``[low, high]``; ``bool`` is refused although Python calls it an int."""

    low: int
    high: int
    define: Define | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ModelTypeError(f"{attribute.name} must be a whole number, got {describe(value)}")
        if not self.low <= value <= self.high:
            raise ModelError(
                f"{attribute.name} must be between {self.low} and {self.high}, "
                f"got {describe(value)}"
            )


def whole(low: int, high: int, define: Define | None = None) -> Whole:
    """A whole number in ``[low, high]``."""
    return Whole(low, high, define)


@attrs.frozen
class Number:
    """A finite number in ``[low, high]`` (whole or not; never ``bool``, NaN or infinity)."""

    low: float
    high: float

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ModelTypeError(f"{attribute.name} must be a number, got {describe(value)}")
        if not self.low <= value <= self.high:  # NaN and infinity fail this; huge ints compare
            raise ModelError(
                f"{attribute.name} must be between {self.low} and {self.high}, "
                f"got {describe(value)}"
            )


def number(low: float, high: float) -> Number:
    """A finite number in ``[low, high]``."""
    return Number(low, high)


def as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """The converter of every sequence field: a tuple, or :class:`ModelTypeError`.

    A string is refused rather than split into characters, and so is anything that
    is not iterable (``tuple(5)`` would raise a bare :class:`TypeError`).
    """
    if isinstance(items, tuple):
        return items
    if isinstance(items, str | bytes | bytearray | Mapping) or not isinstance(items, Iterable):
        raise ModelTypeError(f"a sequence was expected, got {describe(items)}")
    return tuple(items)


def strings(items: Iterable[str]) -> tuple[str, ...]:
    """The typed ``tuple`` converter for text and slug lists (mypy cannot type a generic one)."""
    return as_tuple(items)


def _kind_name(types: tuple[type, ...]) -> str:
    names = [t.__name__ for t in types]
    return " or ".join(f"an {n}" if n[:1].lower() in "aeiou" else f"a {n}" for n in names)


@attrs.frozen
class InstanceOf:
    """attrs' ``instance_of`` with a short message (``steps must be a RoutineStep, got …``)."""

    types: tuple[type, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, self.types):
            raise ModelTypeError(
                f"{attribute.name} must be {_kind_name(self.types)}, got {describe(value)}"
            )


def instance_of(*types: type) -> InstanceOf:
    """A value of one of ``types``."""
    wanted = types[0] if len(types) == 1 and isinstance(types[0], tuple) else types
    return InstanceOf(tuple(wanted))


def _count(attribute: attrs.Attribute[Any], value: object) -> int:
    try:
        return len(value)  # type: ignore[arg-type]
    except TypeError:
        raise ModelTypeError(
            f"{attribute.name} must be a sequence or mapping, got {describe(value)}"
        ) from None


def _unit(value: object) -> str:
    return "character(s)" if isinstance(value, str) else "item(s)"


@attrs.frozen
class MinLen:
    low: int

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        n = _count(attribute, value)
        if n < self.low:
            raise ModelError(
                f"{attribute.name} must hold at least {self.low} {_unit(value)}, got {n}"
            )


@attrs.frozen
class MaxLen:
    high: int

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        n = _count(attribute, value)
        if n > self.high:
            raise ModelError(
                f"{attribute.name} must hold at most {self.high} {_unit(value)}, got {n}"
            )


def min_len(low: int) -> MinLen:
    return MinLen(low)


def max_len(high: int) -> MaxLen:
    return MaxLen(high)


def _iterate(attribute: attrs.Attribute[Any], value: object) -> Iterable[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ModelTypeError(f"{attribute.name} must be a sequence, got {describe(value)}")
    return value


@attrs.frozen
class DeepIterable:
    """Each member checked by ``member`` (and the whole by ``iterable``)."""

    member: Validator
    iterable: Validator | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if self.iterable is not None:
            self.iterable(instance, attribute, value)
        check = self.member
        for item in _iterate(attribute, value):
            check(instance, attribute, item)


def deep_iterable(
    member_validator: Validator, iterable_validator: Validator | None = None
) -> DeepIterable:
    return DeepIterable(member_validator, iterable_validator)


@attrs.frozen
class DeepMapping:
    """Each key and value of a mapping checked; ``define`` names it in the schema."""

    key: Validator
    value: Validator
    mapping: Validator | None = None
    define: Define | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if self.mapping is not None:
            self.mapping(instance, attribute, value)
        if not isinstance(value, Mapping):
            raise ModelTypeError(f"{attribute.name} must be a mapping, got {describe(value)}")
        for k, v in value.items():
            self.key(instance, attribute, k)
            self.value(instance, attribute, v)


def deep_mapping(
    key_validator: Validator,
    value_validator: Validator,
    mapping_validator: Validator | None = None,
    define: Define | None = None,
) -> DeepMapping:
    return DeepMapping(key_validator, value_validator, mapping_validator, define)
