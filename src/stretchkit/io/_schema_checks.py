"""The catalog schema's errors, found by checks compiled once from the schema.

Explaining a mistake used to run Python ``jsonschema`` over the suspect items.
It is correct but slow for this job: every step into a subschema builds a new
validator object and looks its resource up, so one stretch cost about a
millisecond, more than validating a whole valid 15-stretch file. The schema
uses a handful of keywords (``type``, ``properties``, ``required``,
``additionalProperties``, ``items``, bounds, ``pattern``, ``enum``, ``const``,
``allOf`` with ``if``/``then``, ``uniqueItems`` and local ``$ref``), so
:func:`compile_schema` turns each schema node into a closure once, and the
closures report what ``jsonschema.Draft202012Validator.iter_errors`` reports:
the same errors, in the same order, each with the same keyword, value,
instance, schema node, path and message (``tests/test_schema_checks.py`` compares
the two, error for error, on mutated documents and every corpus file).

A schema with a keyword this module does not know is refused with
:class:`Unsupported` when it is compiled; the caller then uses ``jsonschema``.
Nothing here changes what is accepted: it only says why, faster.
"""

from __future__ import annotations

import functools
import itertools
import numbers
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

__all__ = ["Checks", "SchemaError", "Unsupported", "catalog_checks", "compile_schema"]


class Unsupported(ValueError):
    """The schema uses a keyword (or a form of one) these checks do not make."""


class SchemaError:
    """One schema error, with the attributes of ``jsonschema.ValidationError`` stretchkit reads.

    ``path`` is built from the leaf up (each enclosing object or array adds its
    key), so a valid value never pays for a path; the message is written only
    when asked for.
    """

    __slots__ = ("_message", "_rpath", "instance", "schema", "validator", "validator_value")

    context: Final[tuple[()]] = ()
    """No keyword here has sub-errors (``anyOf`` and ``oneOf`` are not supported)."""

    def __init__(
        self,
        validator: str | None,
        validator_value: Any,
        instance: Any,
        schema: Any,
        message: Callable[[], str],
    ) -> None:
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self._message = message
        self._rpath: list[str | int] = []

    @property
    def absolute_path(self) -> deque[str | int]:
        """Keys and indices from the validated value down to the one at fault."""
        return deque(reversed(self._rpath))

    @property
    def message(self) -> str:
        """``jsonschema``'s message for this error, word for word."""
        return self._message()


_Errors = list[SchemaError]
_Check = Callable[[Any], _Errors]
_NONE: Final[_Errors] = []
"""What a check returns for a valid value (never appended to)."""

_IGNORED: Final = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$comment",
        "$anchor",
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "then",  # read by "if"
        "else",  # read by "if"
    }
)
"""Keys ``jsonschema`` does not validate with (annotations, and what ``if`` reads itself)."""


def _is_number(value: object) -> bool:
    if type(value) is int or type(value) is float:
        return True
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


_TYPES: Final[dict[str, Callable[[object], bool]]] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "null": lambda v: v is None,
    "number": _is_number,
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


def _unbool(element: object, true: object = object(), false: object = object()) -> object:
    """``True`` and ``1`` (``False`` and ``0``) made different, as JSON Schema has them."""
    if element is True:
        return true
    if element is False:
        return false
    return element


def _equal(one: object, two: object) -> bool:
    """JSON Schema equality (``jsonschema._utils.equal``): ``1 == 1.0``, ``True != 1``."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and _equal(value, two[key]) for key, value in one.items()
        )
    return _unbool(one) == _unbool(two)


def _unique(container: list[Any]) -> bool:
    """No two elements equal (``jsonschema._utils.uniq``)."""
    try:
        ordered = sorted(_unbool(i) for i in container)  # type: ignore[type-var]
        return not any(
            _equal(a, b) for a, b in zip(ordered, itertools.islice(ordered, 1, None), strict=False)
        )
    except (NotImplementedError, TypeError):
        seen: list[object] = []
        for element in container:
            element = _unbool(element)
            if any(_equal(other, element) for other in seen):
                return False
            seen.append(element)
    return True


def _accepting(
    schema: dict[str, Any], vouched: frozenset[str] = frozenset()
) -> Callable[[Any], bool] | None:
    """One quick test that passes only values every keyword of ``schema`` accepts, or ``None``.

    For the schema's leaves (a bounded whole number, a text with its pattern, a
    choice of strings) the usual valid value is answered by one comparison chain
    instead of a call per keyword. It may send a valid value on to the keywords
    (a ``float`` of a whole number, a ``str`` subclass), never pass one they refuse.
    """
    keys = {key: value for key, value in schema.items() if key not in _IGNORED}
    kind = keys.pop("type", None)
    low, high = keys.pop("minimum", None), keys.pop("maximum", None)
    shortest, longest = keys.pop("minLength", None), keys.pop("maxLength", None)
    pattern = keys.pop("pattern", None)
    choices = keys.pop("enum", None)
    if keys or not all(v is None or (type(v) in (int, float) and v == v) for v in (low, high)):
        return None
    if not all(v is None or type(v) is int for v in (shortest, longest)):
        return None
    if kind == "integer" and not any(v is not None for v in (shortest, longest, pattern, choices)):
        lo = low if low is not None else float("-inf")
        hi = high if high is not None else float("inf")
        return lambda v: type(v) is int and lo <= v <= hi
    if kind == "string" and low is None and high is None and choices is None:
        at_least = shortest if shortest is not None else 0
        at_most = longest if longest is not None else float("inf")
        if pattern is None:
            return lambda v: type(v) is str and at_least <= len(v) <= at_most
        if not isinstance(pattern, str):
            return None
        search = re.compile(pattern).search
        if pattern in vouched:
            return lambda v: (
                type(v) is str and at_least <= len(v) <= at_most and (v != "" or bool(search(v)))
            )
        return lambda v: type(v) is str and at_least <= len(v) <= at_most and search(v) is not None
    if (
        kind is None
        and isinstance(choices, list)
        and all(type(c) is str for c in choices)
        and not any(v is not None for v in (low, high, shortest, longest, pattern))
    ):
        allowed = frozenset(choices)
        return lambda v: type(v) is str and v in allowed
    return None


_DESCENDING: Final = frozenset({"properties", "items", "allOf", "if", "$ref"})
"""Keywords whose errors come from inside the value (or from another schema)."""


def _shape_test(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    """One test passed only by values none of ``schema``'s other keywords refuses, or ``None``.

    For an object or an array node (``type``, ``additionalProperties: false``,
    ``required``, the sizes), so a well-formed container goes straight to the
    keywords that look inside it. ``None`` when any other keyword stands beside them.
    """
    own = {k: v for k, v in schema.items() if k not in _IGNORED and k not in _DESCENDING}
    kind = own.pop("type", None)
    if kind == "object":
        known = frozenset(schema.get("properties", {}))
        closed = own.pop("additionalProperties", True)
        needed = frozenset(own.pop("required", ()))
        fewest = own.pop("minProperties", 0)
        if own or closed not in (True, False) or "patternProperties" in schema:
            return None
        if type(fewest) is not int or not all(isinstance(n, str) for n in needed):
            return None
        if closed is False:
            return lambda v: (
                type(v) is dict and known.issuperset(v) and needed.issubset(v) and len(v) >= fewest
            )
        return lambda v: type(v) is dict and needed.issubset(v) and len(v) >= fewest
    if kind == "array":
        fewest = own.pop("minItems", 0)
        most = own.pop("maxItems", None)
        if own or type(fewest) is not int or not (most is None or type(most) is int):
            return None
        bound = most if most is not None else float("inf")
        return lambda v: type(v) is list and fewest <= len(v) <= bound
    return None


def _missing(name: str) -> Callable[[], str]:
    return lambda: f"{name!r} is a required property"


def _prefixed(errors: _Errors, key: str | int) -> _Errors:
    for error in errors:
        error._rpath.append(key)
    return errors


class _Compiler:
    """Compiles the nodes of one schema document; ``$ref`` reaches ``#/$defs/<name>`` only."""

    def __init__(
        self,
        root: Mapping[str, Any],
        vouched: frozenset[str] = frozenset(),
        shortcuts: Mapping[str, Callable[[Any], bool]] | None = None,
    ) -> None:
        self.root = root
        self.defs: Mapping[str, Any] = root.get("$defs", {})
        self.compiled: dict[str, _Check] = {}
        self.vouched = vouched
        self.shortcuts: Mapping[str, Callable[[Any], bool]] = shortcuts or {}

    def ref(self, ref: object) -> _Check:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            raise Unsupported(f"$ref {ref!r}")
        name = ref.removeprefix("#/$defs/")
        if name not in self.defs or "/" in name or "~" in name:
            raise Unsupported(f"$ref {ref!r}")
        if name not in self.compiled:
            cell: list[_Check] = []
            self.compiled[name] = lambda instance: cell[0](instance)  # a cycle reaches it early
            full = self.node(self.defs[name])
            fits = self.shortcuts.get(name)
            if fits is not None:
                inner = full

                def full(instance: Any) -> _Errors:
                    return _NONE if fits(instance) else inner(instance)

            cell.append(full)
            self.compiled[name] = cell[0]
        return self.compiled[name]

    def node(self, schema: Any) -> _Check:
        if schema is True:
            return lambda instance: _NONE
        if schema is False:

            def refuse(instance: Any) -> _Errors:
                return [
                    SchemaError(
                        None,
                        None,
                        instance,
                        False,
                        lambda: f"False schema does not allow {instance!r}",
                    )
                ]

            return refuse
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema that is a {type(schema).__name__}")
        keyed = [
            (key, self.keyword(schema, key, value))
            for key, value in schema.items()
            if key not in _IGNORED
        ]
        checks = [check for _, check in keyed]
        if not checks:
            return lambda instance: _NONE
        accept = _accepting(schema, self.vouched)
        if len(checks) == 1 and accept is None:
            return checks[0]
        shape = _shape_test(schema)
        inner = [check for key, check in keyed if key in _DESCENDING]

        def run(instance: Any) -> _Errors:
            if accept is not None and accept(instance):
                return _NONE
            found = _NONE
            # With the shape right, the keywords about the value itself say nothing:
            # only those that look inside it can.
            for check in inner if shape is not None and shape(instance) else checks:
                errors = check(instance)
                if errors:
                    if found is _NONE:
                        found = errors
                    else:
                        found.extend(errors)
            return found

        return run

    def keyword(self, schema: dict[str, Any], key: str, value: Any) -> _Check:
        def error(instance: Any, message: Callable[[], str]) -> _Errors:
            return [SchemaError(key, value, instance, schema, message)]

        if key == "$ref":
            return self.ref(value)
        if key == "type":
            types = value if isinstance(value, list) else [value]
            if not all(isinstance(t, str) and t in _TYPES for t in types):
                raise Unsupported(f"type {value!r}")
            tests = [_TYPES[t] for t in types]
            reprs = ", ".join(repr(t) for t in types)

            def type_(instance: Any) -> _Errors:
                for test in tests:
                    if test(instance):
                        return _NONE
                return error(instance, lambda: f"{instance!r} is not of type {reprs}")

            return type_
        if key == "properties":
            if not isinstance(value, dict):
                raise Unsupported("properties")
            children = [(name, self.node(sub)) for name, sub in value.items()]

            def properties(instance: Any) -> _Errors:
                if not isinstance(instance, dict):
                    return _NONE
                found = _NONE
                for name, check in children:
                    if name in instance:
                        errors = check(instance[name])
                        if errors:
                            errors = _prefixed(errors, name)
                            if found is _NONE:
                                found = errors
                            else:
                                found.extend(errors)
                return found

            return properties
        if key == "required":
            names = list(value)

            def required(instance: Any) -> _Errors:
                if not isinstance(instance, dict):
                    return _NONE
                found = _NONE
                for name in names:
                    if name not in instance:
                        if found is _NONE:
                            found = []
                        found.extend(error(instance, _missing(name)))
                return found

            return required
        if key == "additionalProperties":
            if "patternProperties" in schema or value not in (True, False):
                raise Unsupported("additionalProperties with a schema or patternProperties")
            if value is True:
                return lambda instance: _NONE
            known = schema.get("properties", {})

            def additional(instance: Any) -> _Errors:
                if not isinstance(instance, dict):
                    return _NONE
                extras = {name for name in instance if name not in known}
                if not extras:
                    return _NONE

                def message() -> str:
                    ordered = sorted(extras, key=str)
                    verb = "was" if len(ordered) == 1 else "were"
                    listed = ", ".join(repr(extra) for extra in ordered)
                    return f"Additional properties are not allowed ({listed} {verb} unexpected)"

                return error(instance, message)

            return additional
        if key == "items":
            if "prefixItems" in schema or value is False:
                raise Unsupported("prefixItems, or items: false")
            child = self.node(value)

            def items(instance: Any) -> _Errors:
                if not isinstance(instance, list):
                    return _NONE
                found = _NONE
                for index, item in enumerate(instance):
                    errors = child(item)
                    if errors:
                        errors = _prefixed(errors, index)
                        if found is _NONE:
                            found = errors
                        else:
                            found.extend(errors)
                return found

            return items
        if key == "allOf":
            parts = [self.node(sub) for sub in value]

            def all_of(instance: Any) -> _Errors:
                found = _NONE
                for part in parts:
                    errors = part(instance)
                    if errors:
                        if found is _NONE:
                            found = errors
                        else:
                            found.extend(errors)
                return found

            return all_of
        if key == "if":
            test = self.test(value)
            then = self.node(schema["then"]) if "then" in schema else None
            otherwise = self.node(schema["else"]) if "else" in schema else None

            def if_(instance: Any) -> _Errors:
                if test(instance):
                    return _NONE if then is None else then(instance)
                return _NONE if otherwise is None else otherwise(instance)

            return if_
        if key in ("minItems", "maxItems", "minLength", "maxLength", "minProperties"):
            return self.size(key, value, error)
        if key in ("minimum", "maximum"):
            if key == "minimum":

                def minimum(instance: Any) -> _Errors:
                    if _is_number(instance) and instance < value:
                        return error(
                            instance, lambda: f"{instance!r} is less than the minimum of {value!r}"
                        )
                    return _NONE

                return minimum

            def maximum(instance: Any) -> _Errors:
                if _is_number(instance) and instance > value:
                    return error(
                        instance, lambda: f"{instance!r} is greater than the maximum of {value!r}"
                    )
                return _NONE

            return maximum
        if key == "pattern":
            search = re.compile(value).search
            vouched = value in self.vouched

            def pattern(instance: Any) -> _Errors:
                if vouched and type(instance) is str and instance:
                    return _NONE
                if isinstance(instance, str) and not search(instance):
                    return error(instance, lambda: f"{instance!r} does not match {value!r}")
                return _NONE

            return pattern
        if key == "enum":
            strings = frozenset(value) if all(type(v) is str for v in value) else None

            def enum(instance: Any) -> _Errors:
                if strings is not None:
                    # Only a string equals a string (``_equal``): a set lookup says it.
                    if isinstance(instance, str) and instance in strings:
                        return _NONE
                elif any(_equal(each, instance) for each in value):
                    return _NONE
                return error(instance, lambda: f"{instance!r} is not one of {value!r}")

            return enum
        if key == "const":

            def const(instance: Any) -> _Errors:
                if _equal(instance, value):
                    return _NONE
                return error(instance, lambda: f"{value!r} was expected")

            return const
        if key == "uniqueItems":
            if not value:
                return lambda instance: _NONE

            def unique(instance: Any) -> _Errors:
                if isinstance(instance, list) and not _unique(instance):
                    return error(instance, lambda: f"{instance!r} has non-unique elements")
                return _NONE

            return unique
        raise Unsupported(f"the keyword {key!r}")

    def test(self, schema: Any) -> Callable[[Any], bool]:
        """Whether a value is valid against ``schema`` (``is_valid``), as ``if`` asks.

        The usual ``if`` of a tagged union, ``{"properties": {"kind": {"const": c}},
        "required": ["kind"]}``, is answered without building the errors it would
        report for every other kind: anything but an object passes it (neither
        keyword looks at one), an object passes when its ``kind`` equals ``c``.
        """
        if isinstance(schema, dict):
            keys = [key for key in schema if key not in _IGNORED]
            props, required = schema.get("properties"), schema.get("required")
            if (
                sorted(keys) == ["properties", "required"]
                and isinstance(props, dict)
                and len(props) == 1
                and required == list(props)
            ):
                ((name, sub),) = props.items()
                if isinstance(sub, dict) and [k for k in sub if k not in _IGNORED] == ["const"]:
                    wanted = sub["const"]
                    if type(wanted) is str:  # then _equal is ==, whatever the value
                        return lambda instance: (
                            not isinstance(instance, dict)
                            or (name in instance and instance[name] == wanted)
                        )
                    return lambda instance: (
                        not isinstance(instance, dict)
                        or (name in instance and _equal(instance[name], wanted))
                    )
        check = self.node(schema)
        return lambda instance: not check(instance)

    @staticmethod
    def size(key: str, value: Any, error: Callable[[Any, Callable[[], str]], _Errors]) -> _Check:
        if type(value) is not int:
            raise Unsupported(f"{key} {value!r}")
        kind: Callable[[object], bool] = {
            "minItems": _TYPES["array"],
            "maxItems": _TYPES["array"],
            "minLength": _TYPES["string"],
            "maxLength": _TYPES["string"],
            "minProperties": _TYPES["object"],
        }[key]
        if key.startswith("min"):
            words = {
                "minItems": "is too short",
                "minLength": "is too short",
                "minProperties": "does not have enough properties",
            }[key]
            said = "should be non-empty" if value == 1 else words

            def at_least(instance: Any) -> _Errors:
                if kind(instance) and len(instance) < value:
                    return error(instance, lambda: f"{instance!r} {said}")
                return _NONE

            return at_least
        said = "is expected to be empty" if value == 0 else "is too long"

        def at_most(instance: Any) -> _Errors:
            if kind(instance) and len(instance) > value:
                return error(instance, lambda: f"{instance!r} {said}")
            return _NONE

        return at_most


class Checks:
    """``iter_errors`` of one compiled schema (the part of a jsonschema validator used here)."""

    __slots__ = ("_check",)

    def __init__(self, check: _Check) -> None:
        self._check = check

    def iter_errors(self, instance: object) -> Iterator[SchemaError]:
        """Every error of ``instance``, in ``jsonschema``'s order."""
        return iter(list(self._check(instance)))

    def is_valid(self, instance: object) -> bool:
        return not self._check(instance)


def compile_schema(
    root: Mapping[str, Any],
    node: Any = None,
    *,
    vouched: frozenset[str] = frozenset(),
    shortcuts: Mapping[str, Callable[[Any], bool]] | None = None,
) -> Checks:
    """Checks for ``node`` (a part of the schema document ``root``; ``root`` itself by default).

    What the caller knows of the instances may save work, never change an error:

    * ``vouched``: patterns every non-empty string of the instances is known to
      match (the text rules, when the raw bytes were scanned and found clean);
    * ``shortcuts``: for some ``$defs`` names, a test passed only by values that
      draw no error there (they fit the msgspec Struct of that definition).

    Raises :class:`Unsupported` for a keyword or reference not covered here.
    """
    compiler = _Compiler(root, vouched, shortcuts)
    return Checks(compiler.node(root if node is None else node))


@functools.cache
def catalog_checks(key: str | None = None) -> Checks | None:
    """The catalog schema's checks, or those of one item of its array ``key``; built once.

    ``None`` if the schema uses something not covered here (the caller uses
    ``jsonschema`` then).
    """
    from stretchkit.io._schema import _schema

    schema = _schema()
    try:
        if key is None:
            return compile_schema(schema)
        return compile_schema(schema, schema["properties"][key]["items"])
    except (Unsupported, KeyError, TypeError, re.error):
        return None
