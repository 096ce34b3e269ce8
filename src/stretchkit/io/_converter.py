"""The one cattrs converter between the model and JSON-shaped Python data.

Structuring is strict: JSON has types, and a file that writes ``"30"`` where a
number belongs has a mistake the author must see, not a value silently
coerced. The rules, which agree with ``schemas/catalog.schema.json``:

- ``str`` fields take only strings (``None`` is never turned into ``"None"``).
- ``int`` fields take integers, and floats with an integral value (``30.0``
  becomes ``30``), because JSON Schema's ``integer`` accepts ``30.0`` too and
  the two layers must agree; ``30.7``, ``"30"`` and booleans are refused.
- ``float`` fields take integers and floats (stored as ``float``); booleans,
  strings, NaN and infinities are refused.
- ``bool`` fields take only ``true``/``false``.
- enums take their string value; tuples take JSON arrays only (never a string
  or an object, which Python would happily iterate); ``dict[Context, str]``
  takes a JSON object.
- objects take JSON objects only; unknown keys are refused.
- datetimes take ISO 8601 / RFC 3339 strings that carry an offset; naive
  strings are refused. They are written back with ``datetime.isoformat()``,
  so the instant and the offset survive but an IANA zone name does not.
- optional fields accept ``null`` or omission alike, meaning the default.

Unstructuring gives the canonical form:

- keys in the order of the attrs fields, except that a part starts with
  ``kind`` and a catalog with ``format_version``;
- every field equal to its default is omitted (``None``, ``()``, the default
  numbers, enums and booleans, and a :class:`Reintroduction` equal to
  ``Reintroduction()``); ``format_version`` is always written;
- tuples become lists, enums their values, ``float`` fields are written as
  floats (``24`` becomes ``24.0``), and the keys of the routines-by-context
  objects follow the order of :class:`Context`.

So ``unstructure(structure(unstructure(x))) == unstructure(x)``, and equal
models give equal output.
"""

from __future__ import annotations

import ast
import enum
import math
import re
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn
from cattrs.strategies import configure_tagged_union

from stretchkit.io._pointer import escape_token
from stretchkit.model import (
    FORMAT_VERSION,
    PART_KINDS,
    Catalog,
    Context,
    Part,
)
from stretchkit.model._validators import describe

__all__ = [
    "STRUCTURE_ERRORS",
    "UnknownFieldError",
    "converter",
    "describe",
    "make_converter",
    "path_to_pointer",
    "structure_as",
    "structure_catalog",
    "structure_errors_to_messages",
    "unstructure_catalog",
]

T = TypeVar("T")

STRUCTURE_ERRORS: tuple[type[Exception], ...] = (
    ClassValidationError,
    IterableValidationError,
    ValueError,
    TypeError,
)
"""Every exception :func:`structure_catalog` raises for bad data (nothing else escapes)."""


# --- strict primitive hooks ---------------------------------------------------------------


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {describe(value)}")
    return value


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, bool):
        raise TypeError(f"expected an integer, got {describe(value)}")
    if isinstance(value, float) and value.is_integer():
        # JSON Schema's "integer" accepts 30.0; agree with it.
        value = int(value)
    if isinstance(value, int):
        if value.bit_length() > 63:
            # No field allows anything near this; keep 10**5000 out of messages and maths.
            raise ValueError("integer far out of range")
        return value
    raise TypeError(f"expected an integer, got {describe(value)}")


def _structure_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {describe(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise ValueError("number is far out of range") from None
    if not math.isfinite(result):
        raise ValueError(f"expected a finite number, got {describe(value)}")
    return result


def _structure_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {describe(value)}")
    return value


def _unstructure_float(value: float) -> float:
    return float(value)


def _structure_datetime(value: object, _: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected a date-time string with an offset, got {describe(value)}")
    try:
        result = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected an ISO 8601 date-time, got {describe(value)}") from None
    if result.tzinfo is None or result.utcoffset() is None:
        raise ValueError(
            f"date-time {value!r} has no offset; write it with one, e.g. 'Z' or '+02:00'"
        )
    return result


def _unstructure_datetime(value: datetime) -> str:
    return value.isoformat()


def _enum_structure_factory(cl: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    by_value = {m.value: m for m in cl}
    allowed = ", ".join(repr(v) for v in by_value)

    def structure_enum(value: object, _: object) -> enum.Enum:
        if isinstance(value, str) and value in by_value:
            return by_value[value]
        raise ValueError(f"expected one of {allowed}, got {describe(value)}")

    return structure_enum


def _structure_str_enum() -> Callable[[object, Any], enum.Enum]:
    hooks: dict[type[enum.Enum], Callable[[object, object], enum.Enum]] = {}

    def structure(value: object, cl: Any) -> enum.Enum:
        hook = hooks.get(cl)
        if hook is None:
            hook = hooks[cl] = _enum_structure_factory(cl)
        return hook(value, cl)

    return structure


# --- containers ---------------------------------------------------------------------------


def _is_homogeneous_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_structure_factory(t: Any, conv: cattrs.Converter) -> Callable[[object, object], Any]:
    elem_type = typing.get_args(t)[0]
    elem_hook = conv.get_structure_hook(elem_type)

    def structure_tuple(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise TypeError(f"expected an array, got {describe(value)}")
        result = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                result.append(elem_hook(item, elem_type))
            except Exception as exc:
                exc.add_note(
                    IterableValidationNote(f"Structuring item @ index {index}", index, elem_type)
                )
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return tuple(result)

    return structure_tuple


def _tuple_unstructure_factory(t: Any, conv: cattrs.Converter) -> Callable[[Any], list[Any]]:
    elem_hook = conv.get_unstructure_hook(typing.get_args(t)[0])
    if elem_hook is identity:
        return list  # strings, numbers: copied in C, no call per item

    def unstructure_tuple(value: tuple[Any, ...]) -> list[Any]:
        return [elem_hook(item) for item in value]

    return unstructure_tuple


_CONTEXT_ORDER = {c: i for i, c in enumerate(Context)}


def _structure_routines_by_context(value: object, _: object) -> dict[Context, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object keyed by context, got {describe(value)}")
    context_hook = _enum_structure_factory(Context)
    result: dict[Context, str] = {}
    errors: list[Exception] = []
    for key, item in value.items():
        try:
            context = context_hook(key, Context)
            result[typing.cast(Context, context)] = _structure_str(item, str)
        except Exception as exc:
            exc.add_note(IterableValidationNote(f"Structuring mapping @ key {key!r}", key, str))
            errors.append(exc)
    if errors:
        raise IterableValidationError("While structuring dict[Context, str]", errors, dict)
    return result


def _is_routines_by_context(t: Any) -> bool:
    return bool(t == dict[Context, str])


def _unstructure_routines_by_context(value: Mapping[Context, str]) -> dict[str, str]:
    return {k.value: value[k] for k in sorted(value, key=_CONTEXT_ORDER.__getitem__)}


# --- attrs classes ------------------------------------------------------------------------


class UnknownFieldError(ForbiddenExtraKeysError):
    """One key an object may not have; ``key`` says which, so errors can point at it."""

    def __init__(self, cl: type, key: str) -> None:
        super().__init__(f"unknown field {key!r}", cl, {key})
        self.key = key

    def __str__(self) -> str:
        return f"unknown field {self.key!r}"


def _locate_init_errors(cl: type, exc: ClassValidationError) -> ClassValidationError:
    """Point errors raised by the attrs validators at their field where the message names it.

    cattrs reports a failure of ``cl(**fields)`` for the whole object; our
    validators start their messages with the field name and attrs' own ones
    with it quoted (or ``Length of 'name'``), which is enough to find it again.
    Cross-field messages that name no field stay on the object.
    """
    fields = attrs.fields(cl)
    new: list[Exception] = []
    for sub in exc.exceptions:
        if isinstance(sub, ForbiddenExtraKeysError) and not isinstance(sub, UnknownFieldError):
            new.extend(UnknownFieldError(cl, key) for key in sorted(sub.extra_fields))
            continue
        notes = getattr(sub, "__notes__", ())
        if isinstance(sub, ValueError | TypeError) and not any(
            isinstance(n, AttributeValidationNote) for n in notes
        ):
            message = str(sub.args[0]) if sub.args else ""
            for f in fields:
                if message.startswith((f"{f.name} ", f"'{f.name}' ", f"Length of '{f.name}'")):
                    sub.add_note(
                        AttributeValidationNote(f"Validating attribute {f.name}", f.name, f.type)
                    )
                    break
        new.append(sub)
    return ClassValidationError(exc.message, new, cl)


def _attrs_structure_factory(cl: type, conv: cattrs.Converter) -> Callable[[object, object], Any]:
    base: Callable[[Any, Any], Any] = make_dict_structure_fn(cl, conv)

    def structure_object(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {describe(value)}")
        try:
            return base(value, cl)
        except ClassValidationError as exc:
            raise _locate_init_errors(cl, exc) from None

    return structure_object


# --- parts -------------------------------------------------------------------------------

_KIND_TO_CLASS = {tag: cl for cl, tag in PART_KINDS.items()}


def _kind_error(message: str) -> ClassValidationError:
    exc = ValueError(message)
    exc.add_note(AttributeValidationNote("Structuring part @ attribute kind", "kind", str))
    return ClassValidationError("While structuring a dose part", [exc], object)


def _is_part(t: Any) -> bool:
    return bool(t == Part)


def _configure_parts(conv: cattrs.Converter) -> None:
    configure_tagged_union(Part, conv, tag_name="kind", tag_generator=PART_KINDS.__getitem__)
    tagged = conv.get_structure_hook(Part)
    member_unstructure = {cl: conv.get_unstructure_hook(cl) for cl in PART_KINDS}
    kinds = ", ".join(repr(k) for k in _KIND_TO_CLASS)

    def structure_part(value: object, _: object) -> Any:
        # cattrs would report an unknown or missing tag as a missing field: say what it is.
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a dose part (an object), got {describe(value)}")
        if "kind" not in value:
            raise ValueError(f"a dose part needs a 'kind', one of {kinds}")
        kind = value["kind"]
        if not isinstance(kind, str) or kind not in _KIND_TO_CLASS:
            raise _kind_error(
                f"unknown dose part kind {kind!r}; expected one of {kinds}"
                if isinstance(kind, str)
                else f"a dose part's 'kind' is a string, one of {kinds}; got {describe(kind)}"
            )
        return tagged(dict(value), Part)

    def unstructure_part(value: Any) -> dict[str, Any]:
        cl = type(value)
        return {"kind": PART_KINDS[cl], **member_unstructure[cl](value)}

    # Predicate hooks rather than the union registry: ``Converter.copy()`` keeps these.
    conv.register_structure_hook_func(_is_part, structure_part)
    conv.register_unstructure_hook_func(_is_part, unstructure_part)


def make_converter() -> cattrs.Converter:
    """A fresh converter with every stretchkit rule; copy or extend it for new types."""
    conv = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
    conv.register_structure_hook(str, _structure_str)
    # The vocabularies are StrEnums; a class hook for `str` also catches str subclasses,
    # so StrEnum gets its own (it comes before `str` in their MRO).
    conv.register_structure_hook(enum.StrEnum, _structure_str_enum())
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_unstructure_hook(float, _unstructure_float)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_structure_factory
    )
    conv.register_structure_hook_func(_is_routines_by_context, _structure_routines_by_context)
    conv.register_unstructure_hook_func(_is_routines_by_context, _unstructure_routines_by_context)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_structure_factory)
    conv.register_unstructure_hook_factory(_is_homogeneous_tuple, _tuple_unstructure_factory)
    conv.register_structure_hook_factory(attrs.has, _attrs_structure_factory)
    _configure_parts(conv)
    return conv


converter = make_converter()
"""The shared converter. Reuse it, or ``converter.copy()`` to add hooks of your own."""


# --- catalogs -----------------------------------------------------------------------------


def _top_level_error(name: str, message: str) -> ClassValidationError:
    exc = ValueError(message)
    exc.add_note(AttributeValidationNote(f"Structuring catalog @ attribute {name}", name, object))
    return ClassValidationError("While structuring Catalog", [exc], Catalog)


def structure_catalog(data: object) -> Catalog:
    """Build a :class:`Catalog` from parsed JSON of the current format version.

    ``$schema`` (a string naming the schema, for editors) is allowed and
    ignored; ``format_version`` is required and must be
    :data:`FORMAT_VERSION` (older documents go through ``migrate`` first).
    Raises one of :data:`STRUCTURE_ERRORS`; see :func:`structure_errors_to_messages`.
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"a catalog is a JSON object, got {describe(data)}")
    body = dict(data)
    schema = body.pop("$schema", "")
    if not isinstance(schema, str):
        raise _top_level_error("$schema", f"expected a string, got {describe(schema)}")
    if "format_version" not in body:
        raise _top_level_error(
            "format_version",
            f"a catalog needs 'format_version' (this library writes {FORMAT_VERSION})",
        )
    version = body["format_version"]
    if (
        isinstance(version, bool)
        or not isinstance(version, int | float)
        or version != FORMAT_VERSION
    ):
        raise _top_level_error(
            "format_version",
            f"format_version must be {FORMAT_VERSION} here, got {describe(version)}",
        )
    return converter.structure(body, Catalog)


def unstructure_catalog(
    catalog: Catalog, *, conv: cattrs.Converter | None = None
) -> dict[str, Any]:
    """The canonical JSON-shaped form of a catalog: ``format_version`` first, defaults omitted.

    ``conv`` is the converter to use (a copy with hooks of its own); the shared one by default.
    """
    body = (conv or converter).unstructure(catalog, Catalog)
    body.pop("format_version", None)
    return {"format_version": catalog.format_version, **body}


# --- error messages -----------------------------------------------------------------------

_PATH_SEGMENT = re.compile(
    r"""\.(?P<name>[A-Za-z_$][A-Za-z0-9_$]*)"""
    r"""|\[(?P<index>-?\d+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]"""
)


_escape = escape_token


def path_to_pointer(path: str) -> str:
    """``$.stretches[0].dose[1].seconds`` to ``/stretches/0/dose/1/seconds`` (RFC 6901)."""
    if not path.startswith("$"):
        return ""
    parts: list[str] = []
    pos = 1
    while pos < len(path):
        m = _PATH_SEGMENT.match(path, pos)
        if m is None:
            break
        if m.group("name") is not None:
            parts.append(m.group("name"))
        else:
            parts.append(str(ast.literal_eval(m.group("index"))))
        pos = m.end()
    return "".join("/" + _escape(p) for p in parts)


def _message(exc: BaseException) -> str:
    if isinstance(exc, UnknownFieldError):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown fields {', '.join(repr(k) for k in sorted(exc.extra_fields))}"
    if isinstance(exc, KeyError):
        return (
            f"required field {exc.args[0]!r} is missing" if exc.args else "required field missing"
        )
    text = str(exc)
    return text or type(exc).__name__


def structure_errors_to_messages(exc: BaseException) -> list[tuple[str, str]]:
    """Every problem inside a structuring error, as ``(json_pointer, message)`` pairs.

    Messages keep the exception text (which names the field and the bad
    value). A missing field or an unknown key points at the key itself.
    """
    recorded: list[tuple[str, str]] = []

    def fmt(error: BaseException, _type: object) -> str:
        suffix = ""
        if isinstance(error, UnknownFieldError):
            suffix = "/" + _escape(error.key)
        recorded.append((suffix, _message(error)))
        return str(len(recorded) - 1)

    result = []
    for line in cattrs.transform_error(exc, path="$", format_exception=fmt):
        index, _, path = line.partition(" @ ")
        suffix, message = recorded[int(index)]
        result.append((path_to_pointer(path) + suffix, message))
    return result


def structure_as(data: object, cl: type[T]) -> T:
    """Structure any model type with the shared converter (sessions, steps, parts...)."""
    return converter.structure(data, cl)
