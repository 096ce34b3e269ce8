"""The catalog format, derived from the model: the JSON Schema and the msgspec Structs.

The attrs classes of :mod:`stretchkit.model` are the one statement of the
format (docs/format-design.md says why): each field's type gives its shape,
its validator (:mod:`stretchkit.model._validators`) the bounds and patterns,
its default the default, and its :class:`~stretchkit.model._about.About` the
title, description and examples. From that one walk this module makes

* the JSON Schema (:func:`catalog_schema_document`), which ``make schema``
  writes to ``schemas/catalog.schema.json`` and its packaged copy; a test fails
  when a committed copy differs from what this module makes now;
* the msgspec Structs of the fast load path (:func:`structs`), with the same
  bounds as ``msgspec.Meta``, every optional field ``UNSET`` unless present.

A validator it does not understand is an error here, not a rule silently left
out: rules that no schema can state are marked with
:func:`~stretchkit.model._validators.beyond_schema` and are the semantic
checks' business.
"""

from __future__ import annotations

import enum
import functools
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import attrs
import msgspec
from msgspec import UNSET, Meta, UnsetType

from stretchkit.model import FORMAT_VERSION, PART_KINDS, Catalog, Part
from stretchkit.model._about import ABOUT, About, Define, described_class
from stretchkit.model._catalog import SCHEMA_ABOUT
from stretchkit.model._links import CATALOG_SCHEMA_ID
from stretchkit.model._parts import KIND_ABOUT, PART_ABOUT, Dose
from stretchkit.model._validators import (
    MAX_SLUG,
    SLUG_PATTERN,
    TEXT_PATTERN,
    AllOf,
    DeepIterable,
    DeepMapping,
    Each,
    InstanceOf,
    MaxLen,
    MinLen,
    Number,
    OrNone,
    Slug,
    Text,
    Unique,
    Whole,
)

__all__ = [
    "MAX_ITEMS",
    "SCHEMA_FILES",
    "FieldPlan",
    "catalog_schema_document",
    "catalog_schema_text",
    "main",
    "plans",
    "structs",
]

MAX_ITEMS: Final = 200_000
"""``Limits().max_items``: the Structs stop there on arrays the schema leaves unbounded."""
MAX_SCHEMA_TEXT: Final = 100_000
"""The longest ``$schema`` the fast path decodes (the semantic check says what is wrong)."""
DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES: Final = ("schemas/catalog.schema.json", "src/stretchkit/schemas/catalog.schema.json")
"""The committed copies, relative to the repository: the published one and the packaged one."""

_PARTS: Final = tuple(PART_KINDS)


class FormatError(TypeError):
    """The model says something the generator cannot turn into a schema (a bug, not bad input)."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def def_name(cls: type) -> str:
    """The ``$defs`` name of a model class: ``RoutineStep`` → ``routine_step``."""
    kinds: dict[type, str] = dict(PART_KINDS)
    return kinds.get(cls, _snake(cls.__name__))


def _noop(instance: object, attribute: object, value: object) -> None:
    """A validator that accepts everything: only the class attrs wraps it in is wanted."""


_ATTRS_AND: Final[Any] = type(attrs.validators.and_(_noop))
"""attrs' own combination (of a list, or of a ``@field.validator`` method): its parts are
private, so the model combines with :func:`~stretchkit.model._validators.and_` instead."""
_ATTRS_OPTIONAL: Final[Any] = type(attrs.validators.optional(_noop))


def _flatten(check: Any) -> Iterator[object]:
    if isinstance(check, _ATTRS_AND | _ATTRS_OPTIONAL):
        raise FormatError(
            f"{check!r}: combine a field's validators with the model's own and_() and "
            "optional() (a list of validators or a @field.validator method hides the parts)"
        )
    if isinstance(check, AllOf):
        for part in check.parts:
            yield from _flatten(part)
    elif isinstance(check, DeepIterable):
        if check.iterable is not None:
            yield from _flatten(check.iterable)
        yield Each(check.member)
    else:
        yield check


def _strip_optional(checks: list[Any]) -> list[Any]:
    """The checks with each :class:`OrNone` replaced by what it checks when not ``None``."""
    return [c.check if isinstance(c, OrNone) else c for c in checks]


def _is_beyond(check: object) -> bool:
    return hasattr(check, "semantic_code")


# --- one value: its schema and its msgspec type ------------------------------------------------


@attrs.frozen
class _Value:
    schema: dict[str, Any]
    """The value's schema: a ``$ref`` to a shared definition, or inline keywords."""
    wire: Any
    """The msgspec type that decodes it with the same bounds."""


class _Walk:
    """One walk of the model from :class:`Catalog`: shared definitions and Structs, in order."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.structs: dict[type, type[msgspec.Struct]] = {}
        self.examples: dict[str, list[Any]] = {}

    # shared definitions

    def _define(self, define: Define, keywords: dict[str, Any], wire: Any) -> _Value:
        if define.name not in self.defs:
            about = define.about
            self.defs[define.name] = {
                "title": about.title,
                "description": about.description,
                **keywords,
                "examples": list(about.examples),
            }
            self.examples[define.name] = list(about.examples)
        return _Value({"$ref": f"#/$defs/{define.name}"}, wire)

    def _inline(self, value: _Value) -> dict[str, Any]:
        """The keywords of ``value`` without the reference (to make it nullable)."""
        ref = value.schema.get("$ref")
        if ref is None:
            return dict(value.schema)
        target = self.defs[ref.removeprefix("#/$defs/")]
        return {k: v for k, v in target.items() if k not in ("title", "description", "examples")}

    def nullable(self, value: _Value) -> _Value:
        keywords = self._inline(value)
        kind = keywords.get("type")
        if not isinstance(kind, str):
            raise FormatError(f"cannot make {value.schema} nullable")
        keywords["type"] = [kind, "null"]
        return _Value(keywords, value.wire | None)

    # values

    def value(self, tp: Any, given: list[Any], where: str) -> _Value:
        checks: list[Any] = [c for check in given for c in _flatten(check)]
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and tp != Part:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                raise FormatError(f"{where}: only X | None unions are written, got {tp}")
            inner = _strip_optional(checks)
            return self.nullable(self.value(args[0], inner, where))
        checks = _strip_optional(checks)
        checks = [c for check in checks for c in _flatten(check)]
        if tp == Part:
            return self._part()
        if attrs.has(tp):
            self._ignore(checks, (InstanceOf,), where)
            return _Value({"$ref": f"#/$defs/{self.object(tp)}"}, self.structs[tp])
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            self._ignore(checks, (InstanceOf,), where)
            return _Value({"enum": [m.value for m in tp]}, tp)
        if tp is bool:
            self._ignore(checks, (InstanceOf,), where)
            return _Value({"type": "boolean"}, bool)
        if tp is str:
            return self._string(checks, where)
        if tp is int:
            return self._whole(checks, where)
        if tp is float:
            number = self._one(checks, Number, where)
            self._ignore(checks, (Number,), where)
            return _Value(
                {"type": "number", "minimum": number.low, "maximum": number.high},
                Annotated[float, Meta(ge=number.low, le=number.high)],
            )
        if typing.get_origin(tp) is tuple:
            return self._array(tp, checks, where)
        if typing.get_origin(tp) is dict:
            return self._mapping(tp, checks, where)
        raise FormatError(f"{where}: no schema for the type {tp}")

    def _ignore(self, checks: list[object], known: tuple[type, ...], where: str) -> None:
        for check in checks:
            if not isinstance(check, known) and not _is_beyond(check):
                raise FormatError(f"{where}: the generator does not know the validator {check!r}")

    def _one(self, checks: list[object], kind: type, where: str) -> Any:
        found = [c for c in checks if isinstance(c, kind)]
        if len(found) != 1:
            raise FormatError(f"{where}: expected one {kind.__name__} validator, got {checks}")
        return found[0]

    def _string(self, checks: list[object], where: str) -> _Value:
        self._ignore(checks, (Slug, Text), where)
        found = [c for c in checks if isinstance(c, Slug | Text)]
        if len(found) != 1 or found[0].define is None:
            raise FormatError(f"{where}: a string field needs one slug or text validator")
        check = found[0]
        assert check.define is not None
        if isinstance(check, Slug):
            keywords = {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_SLUG,
                "pattern": SLUG_PATTERN.removesuffix("$") + r"(?![\s\S])",
            }
            wire: Any = Annotated[str, Meta(min_length=1, max_length=MAX_SLUG)]
        else:
            keywords = {
                "type": "string",
                "minLength": 1,
                "maxLength": check.limit,
                "pattern": TEXT_PATTERN,
            }
            wire = Annotated[str, Meta(min_length=1, max_length=check.limit)]
        return self._define(check.define, keywords, wire)

    def _whole(self, checks: list[object], where: str) -> _Value:
        self._ignore(checks, (Whole,), where)
        check: Whole = self._one(checks, Whole, where)
        keywords = {"type": "integer", "minimum": check.low, "maximum": check.high}
        wire = Annotated[int, Meta(ge=check.low, le=check.high)]
        if check.define is not None:
            return self._define(check.define, keywords, wire)
        return _Value(keywords, wire)

    def _array(self, tp: Any, checks: list[object], where: str) -> _Value:
        args = typing.get_args(tp)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise FormatError(f"{where}: only tuple[X, ...] is written, got {tp}")
        self._ignore(checks, (MinLen, MaxLen, Unique, Each, Dose), where)
        members = [c.item for c in checks if isinstance(c, Each)]
        item = self.value(args[0], members, f"{where}[]")
        keywords: dict[str, Any] = {"type": "array", "items": item.schema}
        low = next((c.low for c in checks if isinstance(c, MinLen | Dose)), 0)
        high = next((c.high for c in checks if isinstance(c, MaxLen | Dose)), None)
        if low:
            keywords["minItems"] = low
        if high is not None:
            keywords["maxItems"] = high
        if any(isinstance(c, Unique) for c in checks):
            keywords["uniqueItems"] = True
        meta = Meta(min_length=low or None, max_length=MAX_ITEMS if high is None else high)
        wire = _annotated(tuple.__class_getitem__((item.wire, ...)), meta)
        dose = next((c for c in checks if isinstance(c, Dose)), None)
        if dose is not None and dose.define is not None:
            return self._define(dose.define, keywords, wire)
        return _Value(keywords, wire)

    def _mapping(self, tp: Any, checks: list[object], where: str) -> _Value:
        key, value = typing.get_args(tp)
        check = self._one(checks, DeepMapping, where)
        if not (isinstance(key, type) and issubclass(key, enum.Enum)) or check.define is None:
            raise FormatError(f"{where}: only named mappings keyed by an enum are written")
        item = self.value(value, [check.value], f"{where}{{}}")
        low = check.mapping.low if isinstance(check.mapping, MinLen) else 0
        properties = {}
        for member in key:
            properties[member.value] = {
                "title": f"Routine when {member.value}",
                "description": f"The id of the routine to do when {member.value}.",
                "examples": [f"{member.value}-relief"],
                **item.schema,
            }
        keywords = {
            "type": "object",
            "additionalProperties": False,
            "minProperties": low,
            "properties": properties,
        }
        wire = _annotated(dict.__class_getitem__((key, item.wire)), Meta(min_length=low))
        return self._define(check.define, keywords, wire)

    def _part(self) -> _Value:
        names = [self.object(cls) for cls in _PARTS]
        if "part" not in self.defs:
            self.defs["part"] = {
                "title": PART_ABOUT.title,
                "description": PART_ABOUT.description,
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": _property(KIND_ABOUT, {"enum": names})},
                "allOf": [
                    {
                        "if": {"properties": {"kind": {"const": n}}, "required": ["kind"]},
                        "then": {"$ref": f"#/$defs/{n}"},
                    }
                    for n in names
                ],
                "examples": list(PART_ABOUT.examples),
            }
            self.examples["part"] = list(PART_ABOUT.examples)
        members: Any = tuple(self.structs[cls] for cls in _PARTS)
        wire = typing.Union[members]  # noqa: UP007 (a union made at run time)
        return _Value({"$ref": "#/$defs/part"}, wire)

    # objects

    def object(self, cls: type) -> str:
        """The definition of a model class (written once), and its Struct; returns its name."""
        name = def_name(cls)
        if cls in self.structs:
            return name
        about = described_class(cls)
        if about is None:
            raise FormatError(f"{cls.__name__} has no @described title and description")
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        fields: list[tuple[str, Any, Any]] = []
        tag = dict[type, str](PART_KINDS).get(cls)
        if tag is not None:
            kind = About("Part kind", f'Always "{tag}" in this kind of dose part.', (tag,))
            properties["kind"] = _property(kind, {"const": tag})
            required.append("kind")
        for field in attrs.fields(cls):
            value = self.value(hints[field.name], [field.validator], f"{cls.__name__}.{field.name}")
            keywords = dict(value.schema)
            wire = value.wire
            if field.default is attrs.NOTHING:
                required.append(field.name)
                fields.append((field.name, wire, attrs.NOTHING))
            else:
                default = field.default
                if isinstance(default, enum.Enum):
                    keywords["default"] = default.value
                elif isinstance(default, bool | int | float | str):
                    keywords["default"] = default
                fields.append((field.name, wire | UnsetType, UNSET))
            properties[field.name] = _property(_field_about(field), keywords, self.examples)
        self.structs[cls] = _struct(cls, fields, tag)
        example = list(about.examples) or [
            {
                key: properties[key]["examples"][0]
                for key in required
                if properties[key].get("examples")
            }
        ]
        self.defs[name] = {
            "title": about.title,
            "description": about.description,
            "type": "object",
            "additionalProperties": False,
            **({"required": required} if required else {}),
            "properties": properties,
            "examples": example,
        }
        self.examples[name] = example
        return name


def _annotated(tp: Any, meta: Meta) -> Any:
    """``Annotated[tp, meta]`` for a type made at run time."""
    return Annotated[tp, meta]


def _field_about(field: attrs.Attribute[Any]) -> About:
    about = field.metadata.get(ABOUT)
    if not isinstance(about, About):
        raise FormatError(f"the field {field.name} has no metadata=about(...)")
    return about


def _property(
    about: About, keywords: dict[str, Any], examples: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    """A property's schema: the title, description and examples first, then its keywords.

    Without examples of its own, a reference borrows its definition's, and an array of
    references a one-item array of the first.
    """
    shown = list(about.examples)
    if not shown and examples is not None:
        ref = keywords.get("$ref") or keywords.get("items", {}).get("$ref")
        borrowed = examples.get(str(ref).removeprefix("#/$defs/"), []) if ref else []
        if "$ref" in keywords:
            shown = borrowed
        elif borrowed:
            shown = [[borrowed[0]]]
    return {"title": about.title, "description": about.description, "examples": shown, **keywords}


_KW: Final[dict[str, Any]] = {"forbid_unknown_fields": True, "kw_only": True, "gc": False}


def _struct(cls: type, fields: list[tuple[str, Any, Any]], tag: str | None) -> type[msgspec.Struct]:
    spec = [(n, t) if d is attrs.NOTHING else (n, t, d) for n, t, d in fields]
    extra: dict[str, Any] = {"tag_field": "kind", "tag": tag} if tag is not None else {}
    return msgspec.defstruct(f"_{cls.__name__}", spec, module=__name__, **_KW, **extra)


# --- how the fast path turns a Struct into a model object -------------------------------------


@attrs.frozen
class FieldPlan:
    """What the fast path does with one field of a decoded Struct to build the model's value.

    ``shape`` is one of ``plain`` (passed as is: strings, numbers, enums, tuples of
    those), ``float``, ``dict``, ``object`` and ``objects`` (a model class, or a tuple
    of them: ``cls``), and ``parts`` (a dose). ``slugs`` says where slugs are, for the
    bulk pattern check: ``one``, ``many``, ``values`` (of a mapping) or ``None``.
    ``leftover`` are the validators no Struct bound or bulk check makes: they run on
    the built object, so a rule added to the model is never skipped by the fast path.
    """

    attribute: attrs.Attribute[Any]
    shape: str
    cls: type | None
    slugs: str | None
    leftover: tuple[Any, ...]

    @property
    def name(self) -> str:
        return self.attribute.name


def _unwrap(given: list[Any]) -> list[Any]:
    flat = [c for check in given for c in _flatten(check)]
    flat = _strip_optional(flat)
    return [c for check in flat for c in _flatten(check)]


def _left(check: Any) -> bool:
    if isinstance(check, Each):
        return _left(check.item)
    return isinstance(check, Unique) or _is_beyond(check)


def _shape(tp: Any, checks: list[Any]) -> tuple[str, type | None, str | None]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and tp != Part:
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _shape(inner, checks)
    if tp == Part:
        return "part", None, None
    if attrs.has(tp):
        return "object", tp, None
    if tp is str:
        return "plain", None, "one" if any(isinstance(c, Slug) for c in checks) else None
    if tp is float:
        return "float", None, None
    if typing.get_origin(tp) is tuple:
        item, cls, slugs = _shape(
            typing.get_args(tp)[0], [c.item for c in checks if isinstance(c, Each)]
        )
        if item == "object":
            return "objects", cls, None
        if item == "part":
            return "parts", None, None
        return "plain", None, "many" if slugs == "one" else None
    if typing.get_origin(tp) is dict:
        mapping = next(c for c in checks if isinstance(c, DeepMapping))
        return "dict", None, "values" if isinstance(mapping.value, Slug) else None
    return "plain", None, None


def _plan(cls: type) -> tuple[FieldPlan, ...]:
    hints = typing.get_type_hints(cls)
    plans = []
    for field in attrs.fields(cls):
        checks = _unwrap([field.validator])
        shape, inner, slugs = _shape(hints[field.name], checks)
        leftover = tuple(c for c in checks if _left(c))
        plans.append(FieldPlan(field, shape, inner, slugs, leftover))
    return tuple(plans)


# --- the whole document --------------------------------------------------------------------------


@functools.cache
def _walk() -> tuple[dict[str, Any], dict[str, type[msgspec.Struct]]]:
    walk = _Walk()
    hints = typing.get_type_hints(Catalog)
    properties: dict[str, Any] = {
        "$schema": _property(SCHEMA_ABOUT, {"type": "string"}),
    }
    version = attrs.fields(Catalog).format_version
    properties["format_version"] = _property(_field_about(version), {"const": FORMAT_VERSION})
    spec: list[tuple[str, Any, Any]] = [
        ("format_version", Literal[FORMAT_VERSION], attrs.NOTHING),
        (
            "schema_",
            Annotated[str, Meta(max_length=MAX_SCHEMA_TEXT)] | UnsetType,
            msgspec.field(default=UNSET, name="$schema"),
        ),
    ]
    for field in attrs.fields(Catalog):
        if field.name == "format_version":
            continue
        value = walk.value(hints[field.name], [field.validator], f"Catalog.{field.name}")
        properties[field.name] = _property(_field_about(field), value.schema, walk.examples)
        spec.append((field.name, value.wire | UnsetType, UNSET))
    about = described_class(Catalog)
    assert about is not None
    document = {
        "$schema": DRAFT,
        "$id": CATALOG_SCHEMA_ID,
        "title": about.title,
        "description": about.description,
        "type": "object",
        "additionalProperties": False,
        "required": ["format_version"],
        "properties": properties,
        "$defs": walk.defs,
        "examples": list(about.examples),
    }
    found = {cls.__name__: struct for cls, struct in walk.structs.items()}
    found["Catalog"] = _struct(Catalog, spec, None)
    return document, found


def catalog_schema_document() -> dict[str, Any]:
    """The catalog JSON Schema as made from the model now (a fresh copy)."""
    document: dict[str, Any] = json.loads(json.dumps(_walk()[0]))
    return document


def catalog_schema_text() -> str:
    """The schema file's text: two-space indent, UTF-8 as is, a final newline."""
    return json.dumps(_walk()[0], indent=2, ensure_ascii=False) + "\n"


def plans() -> dict[type, tuple[type[msgspec.Struct], tuple[FieldPlan, ...]]]:
    """For each model class of the catalog: its Struct and how to build it from one."""
    found = _walk()[1]
    import stretchkit.model as model

    return {
        getattr(model, name): (struct, _plan(getattr(model, name)))
        for name, struct in found.items()
    }


def structs() -> dict[str, type[msgspec.Struct]]:
    """The Struct of each model class of the catalog, by class name (``"Catalog"`` too)."""
    return dict(_walk()[1])


def main(argv: list[str] | None = None) -> int:
    """``python -m stretchkit.io._wire [--check] [ROOT]``: write (or check) both schema copies."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    root = Path(rest[0]) if rest else Path.cwd()
    text = catalog_schema_text()
    stale = []
    for name in SCHEMA_FILES:
        path = root / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    for name in stale:
        print(f"{name}: {'stale' if check else 'rewritten'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
