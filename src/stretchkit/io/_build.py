"""Model objects from the decoded Structs, without running the checks already made.

For each model class :func:`converters` generates (once) a function that takes
the Struct :mod:`stretchkit.io._wire` made for it and builds the model object the
library's one unchecked way (:mod:`stretchkit.model._unchecked`): the values the
Struct decoded, the model's defaults where a member was left out, and what its
converters would make (tuples, floats). Everything is derived from the model's
fields, so a field added there needs nothing here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final

import attrs
import msgspec
import msgspec.inspect
from msgspec import UNSET

from stretchkit.io._wire import FieldPlan, plans
from stretchkit.model import PART_KINDS
from stretchkit.model._unchecked import setting_lines

__all__ = ["converters"]


@functools.cache
def converters(
    checked: frozenset[str],
) -> dict[type, Callable[[Any, list[str], list[int]], Any]]:
    """For each model class, a function ``(struct, slugs, quoted) -> object``, generated from
    the model.

    Each builds the object the one way validators are skipped
    (:func:`stretchkit.model._unchecked.setting_lines`), from the values the
    Struct decoded, the model's defaults where a member was left out, and its
    converters' results (tuples, floats). The Struct already checked every bound
    and type; what it cannot check runs on the built object: the validators
    :mod:`stretchkit.io._wire` lists as ``leftover`` (cross-field rules, repeats),
    each only where it can fail, except those whose ``@beyond_schema`` code is in
    ``checked`` (the semantic checks make them in full before). Slugs are collected
    into ``slugs`` for one bulk pattern check. Into ``quoted`` go counts that add
    up to how many JSON strings (keys and string values) the decoded Structs hold:
    the fast path compares twice that with the quotes of a document written
    without escapes, and so finds a duplicated key, whose member the decoder
    dropped, without encoding the document again. The code is made once.

    A tuple of objects (a dose's parts, a sequence's angles, a catalog's
    stretches) is built in a loop inside its parent's function, each kind of part
    chosen by its Struct's type, rather than with a call per item: a small catalog
    is mostly such items, and the calls were a sixth of the time. Only a class
    holding a single nested object (a program's phases) keeps a call.
    """
    writer = _Writer(plans(), checked)
    lines: list[str] = []
    for cls in writer.found:
        lines.append(f"def _conv_{cls.__name__}(s, sl, ql):")
        lines.append("    q = 0")
        lines.extend(writer.object_lines(cls, "s", "o", "", "    "))
        lines.append("    ql.append(q)")
        lines.append("    return o")
    exec("\n".join(lines), writer.namespace)
    return {cls: writer.namespace[f"_conv_{cls.__name__}"] for cls in writer.found}


_PART_CLASSES: Final = frozenset(PART_KINDS)
_FACTORY: Final[Any] = type(attrs.Factory(tuple))

_EXPR: Final = {
    "plain": "{v}",
    "float": "float({v})",
    "dict": "dict({v})",
    "object": "_conv_{cls}({v}, sl, ql)",
    "objects": "tuple([_conv_{cls}(x, sl, ql) for x in {v}])",
}
SLUG_STEPS: Final = {
    "one": "sl.append({v})",
    "many": "sl.extend({v})",
    "values": "sl.extend({v}.values())",
}
"""How the slugs of a field (``FieldPlan.slugs``) join the list ``sl``, as code of ``{v}``."""


def _made_once(factory: Any) -> Any:
    """The factory's object when nobody can change it (a frozen attrs class), else ``None``.

    Such a default (a program's reintroduction policy) is made once, here, with
    its validators, and serves every catalog instead of being made on every load.
    """
    if not (isinstance(factory, type) and attrs.has(factory) and attrs.fields(factory)):
        return None
    made = factory()
    first = attrs.fields(factory)[0].name
    try:
        setattr(made, first, getattr(made, first))
    except attrs.exceptions.FrozenInstanceError:
        return made
    return None


@functools.cache
def _info(struct: Any) -> msgspec.inspect.StructType:
    info = msgspec.inspect.type_info(struct)
    if not isinstance(info, msgspec.inspect.StructType):
        raise TypeError(f"{struct} is not a Struct")
    return info


@functools.cache
def _constant(struct: Any) -> int:
    """How many strings every object of ``struct`` holds: the tag (a key and a string),
    each required member's key, and the string a required member of one string holds."""
    info = _info(struct)
    constant = 2 if info.tag_field is not None else 0
    for field in info.fields:
        if field.required:
            count = _strings(field.type, "")
            constant += 1 + (int(count) if count.isdigit() else 0)
    return constant


def _guarded(plan: FieldPlan) -> bool:
    """Does a leftover check of this optional field run only where the member was written?"""
    return any(getattr(check, "semantic_code", None) is None for check in plan.leftover)


def _formula(plan: FieldPlan, value: str) -> str:
    return _EXPR[plan.shape].format(cls=plan.cls.__name__ if plan.cls else "", v=value)


class _Writer:
    """Writes the constructors' code: the model's plans, the semantic codes already
    checked in full, and the namespace the code will run in (defaults, checks, setters)."""

    def __init__(self, found: dict[type, Any], checked: frozenset[str]) -> None:
        self.found = found
        self.checked = checked
        self.namespace: dict[str, Any] = {"UNSET": UNSET}
        self._leaves: dict[type, bool] = {}

    def is_leaf(self, cls: type) -> bool:
        """``cls`` holds no single nested object and no dose: its building can be inlined.

        A class with a dose (a stretch, a step) keeps its own function, so the code
        for every kind of part is written twice (stretches, steps), not once per
        enclosing class: generating it is most of a first load's cost otherwise.
        """
        if cls not in self._leaves:
            self._leaves[cls] = all(
                plan.shape not in ("object", "parts")
                and (plan.cls is None or self.is_leaf(plan.cls))
                for plan in self.found[cls][1]
            )
        return self._leaves[cls]

    def inline_loop(self, plan: FieldPlan) -> bool:
        """Is this field a tuple of objects built in a loop in its parent's code?"""
        return plan.shape == "objects" and plan.cls is not None and self.is_leaf(plan.cls)

    def inlined_unique(self, plan: FieldPlan) -> Any:
        """The rule "items differ in a casefolded key" (``folded_key``) of a tuple built
        inline, to be made in that loop rather than by a call afterwards; else ``None``."""
        if not self.inline_loop(plan):
            return None
        for check in plan.leftover:
            if getattr(check, "folded_key", None) and (
                getattr(check, "semantic_code", None) not in self.checked
            ):
                return check
        return None

    def object_lines(
        self, cls: type, src: str, target: str, pre: str, indent: str, *, counted: bool = False
    ) -> list[str]:
        """Statements binding ``target`` to the ``cls`` built from the Struct ``src``.

        Locals are prefixed with ``pre``, so the statements of an inlined leaf do not
        overwrite its parent's. ``counted``: the caller added the object's constant
        strings (:func:`_constant`) already, for all the items of a tuple at once.
        """
        name = cls.__name__
        struct, fields = self.found[cls]
        info = _info(struct)
        types = {field.name: field for field in info.fields}
        planned = {plan.name for plan in fields}
        lines: list[str] = []
        constant = _constant(struct)
        if constant and not counted:
            lines.append(f"{indent}q += {constant}")
        for field in info.fields:
            if field.name not in planned:
                # A member the model keeps no field for (``$schema``): counted only.
                count = f"1 + {_strings(field.type, f'{src}.{field.name}')}"
                lines.append(f"{indent}if {src}.{field.name} is not UNSET: q += {count}")
        for plan in fields:
            lines.extend(self.field_lines(cls, plan, types[plan.name], src, pre, indent))
        values = {plan.name: f"{pre}a_{plan.name}" for plan in fields}
        lines.extend(setting_lines(cls, target, values, self.namespace, indent))
        for plan in fields:
            inlined = self.inlined_unique(plan)
            for index, check in enumerate(plan.leftover):
                if getattr(check, "semantic_code", None) in self.checked:
                    continue  # the semantic checks made it, and said where
                if check is inlined:
                    continue  # made in the loop that built the items
                key = f"{name}_{plan.name}_{index}"
                self.namespace[f"_chk_{key}"] = check
                self.namespace[f"_att_{name}_{plan.name}"] = plan.attribute
                cross = getattr(check, "semantic_code", None) is not None
                guard = (
                    ""
                    if cross or plan.attribute.default is attrs.NOTHING
                    else f"if {pre}p_{plan.name}: "
                )
                lines.append(
                    f"{indent}{guard}_chk_{key}({target}, _att_{name}_{plan.name}, "
                    f"{pre}a_{plan.name})"
                )
        return lines

    def expression(self, plan: FieldPlan, value: str) -> str | None:
        """The field's value as one expression of the decoded ``value``; ``None`` if it takes
        statements (slugs to collect, items built in a loop)."""
        if plan.slugs is not None or plan.shape == "parts" or self.inline_loop(plan):
            return None
        return _formula(plan, value)

    def work_lines(self, plan: FieldPlan, value: str, pre: str, indent: str) -> list[str]:
        """Statements that set ``{pre}a_{field}`` from the decoded ``value`` (a local name)."""
        result = f"{pre}a_{plan.name}"
        work = [] if plan.slugs is None else [indent + SLUG_STEPS[plan.slugs].format(v=value)]
        inner = f"{pre}{plan.name}_"
        item, built, kept = f"{inner}x", f"{inner}o", f"{inner}t"
        if self.inline_loop(plan) and plan.cls is not None:
            each = _constant(self.found[plan.cls][0])
            unique = self.inlined_unique(plan)
            # Items that must differ in a casefolded key: each key kept as the item is built.
            keys = f"{inner}k"
            lines = [*work]
            if each:
                lines.append(f"{indent}q += {each} * len({value})")
            lines.append(f"{indent}{kept} = []")
            if unique:
                lines.append(f"{indent}{keys} = set()")
            lines.append(f"{indent}for {item} in {value}:")
            lines += self.object_lines(plan.cls, item, built, inner, indent + "    ", counted=True)
            lines.append(f"{indent}    {kept}.append({built})")
            if unique:
                key = unique.folded_key
                lines.append(f"{indent}    {keys}.add({inner}a_{key}.casefold())")
                lines.append(f"{indent}if len({keys}) != len({kept}):")
                lines.append(f"{indent}    raise ValueError('{plan.name}: repeated {key}')")
            lines.append(f"{indent}{result} = tuple({kept})")
            return lines
        if plan.shape == "parts":
            # Each kind of part built inline, chosen by the Struct's type.
            lines = [*work, f"{indent}{kept} = []", f"{indent}for {item} in {value}:"]
            lines.append(f"{indent}    {inner}k = type({item})")
            for number, kind in enumerate(k for k in self.found if k in _PART_CLASSES):
                struct = f"_struct_{kind.__name__}"
                self.namespace[struct] = self.found[kind][0]
                lines.append(f"{indent}    {'if' if number == 0 else 'elif'} {inner}k is {struct}:")
                lines.extend(
                    self.object_lines(
                        kind, item, built, f"{inner}{kind.__name__}_", indent + "        "
                    )
                )
            lines.append(f"{indent}    else:")
            lines.append(f"{indent}        raise TypeError({item})")
            lines.append(f"{indent}    {kept}.append({built})")
            lines.append(f"{indent}{result} = tuple({kept})")
            return lines
        return [*work, f"{indent}{result} = {_formula(plan, value)}"]

    def field_lines(
        self, cls: type, plan: FieldPlan, decoded: Any, src: str, pre: str, indent: str
    ) -> list[str]:
        """Statements that set ``{pre}a_{field}`` from ``src``: the member, or the default."""
        name = plan.name
        value = f"{pre}v"
        default: Any = plan.attribute.default
        strings = _strings(decoded.type, value)
        if decoded.required:  # its key (and a lone string) are in the object's constant
            count = None if strings.isdigit() else f"q += {strings}"
        else:
            count = "q += 1" if strings == "0" else f"q += 1 + {strings}"
        if default is attrs.NOTHING:
            counted = [] if count is None else [indent + count]
            if plan.shape == "plain" and plan.slugs is None and not counted:
                return [f"{indent}{pre}a_{name} = {src}.{name}"]
            return [
                f"{indent}{value} = {src}.{name}",
                *counted,
                *self.work_lines(plan, value, pre, indent),
            ]
        key = f"_def_{cls.__name__}_{name}"
        made = _made_once(default.factory) if isinstance(default, _FACTORY) else None
        if made is not None:
            self.namespace[key] = made
            fallback = key
        elif isinstance(default, _FACTORY):
            self.namespace[key] = default.factory
            fallback = f"{key}()"
        else:
            self.namespace[key] = default
            fallback = key
        absent = f"{value} is UNSET or {value} is None" if default is None else f"{value} is UNSET"
        written = [f"{indent}{pre}p_{name} = not ({absent})"] if _guarded(plan) else []
        inner = indent + "    "
        body = [] if count is None else [inner + count]
        if default is None:
            # A member written as null is a key without a string; the model takes its default.
            body += [
                f"{inner}if {value} is None:",
                f"{inner}    {pre}a_{name} = None",
                f"{inner}else:",
            ]
            inner += "    "
        expr = self.expression(plan, value)
        if expr is not None:
            body.append(f"{inner}{pre}a_{name} = {expr}")
        else:
            body += self.work_lines(plan, value, pre, inner)
        return [
            f"{indent}{value} = {src}.{name}",
            *written,
            f"{indent}if {value} is UNSET:",
            f"{indent}    {pre}a_{name} = {fallback}",
            f"{indent}else:",
            *body,
        ]


def _strings(decoded: Any, value: str) -> str:
    """An expression of ``value`` (or a number) for how many JSON strings a member's value of
    the decoded type holds, not counting the keys and strings of nested objects
    (they count themselves)."""
    info = msgspec.inspect
    if isinstance(decoded, info.StrType | info.EnumType):
        return "1"
    if isinstance(decoded, info.LiteralType):
        return "1" if all(isinstance(v, str) for v in decoded.values) else "0"
    if isinstance(decoded, info.IntType | info.FloatType | info.BoolType | info.StructType):
        return "0"
    if isinstance(decoded, info.VarTupleType | info.ListType):
        return "0" if _strings(decoded.item_type, "") == "0" else f"len({value})"
    if isinstance(decoded, info.DictType):  # each key is a string; so may each value be
        each = _strings(decoded.value_type, "")
        return f"len({value})" if each == "0" else f"2 * len({value})"
    if isinstance(decoded, info.UnionType):
        counts = {_strings(t, value) for t in decoded.types if not isinstance(t, info.NoneType)}
        if counts == {"0"}:
            return "0"
        if len(counts) == 1 and any(isinstance(t, info.NoneType) for t in decoded.types):
            return f"(0 if {value} is None else {counts.pop()})"
    raise TypeError(f"no string count for a member of type {decoded}")
