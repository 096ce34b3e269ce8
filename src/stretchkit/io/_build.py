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
from msgspec import UNSET

from stretchkit.io._wire import FieldPlan, plans
from stretchkit.model import PART_KINDS
from stretchkit.model._unchecked import setting_lines

__all__ = ["converters"]


@functools.cache
def converters(checked: frozenset[str]) -> dict[type, Callable[[Any, list[str]], Any]]:
    """For each model class, a function ``(struct, slugs) -> object``, generated from the model.

    Each builds the object the one way validators are skipped
    (:func:`stretchkit.model._unchecked.setting_lines`), from the values the
    Struct decoded, the model's defaults where a member was left out, and its
    converters' results (tuples, floats). The Struct already checked every bound
    and type; what it cannot check runs on the built object: the validators
    :mod:`stretchkit.io._wire` lists as ``leftover`` (cross-field rules, repeats),
    each only where it can fail, except those whose ``@beyond_schema`` code is in
    ``checked`` (the semantic checks make them in full before). Slugs are collected
    into ``slugs`` for one bulk pattern check. The code is made once.

    A tuple of objects (a dose's parts, a sequence's angles, a catalog's
    stretches) is built in a loop inside its parent's function, each kind of part
    chosen by its Struct's type, rather than with a call per item: a small catalog
    is mostly such items, and the calls were a sixth of the time. Only a class
    holding a single nested object (a program's phases) keeps a call.
    """
    found = plans()
    namespace: dict[str, Any] = {"UNSET": UNSET}
    lines: list[str] = []
    for cls in found:
        lines.append(f"def _conv_{cls.__name__}(s, sl):")
        lines.extend(_object_lines(cls, found, checked, namespace, "s", "o", "", "    "))
        lines.append("    return o")
    exec("\n".join(lines), namespace)
    return {cls: namespace[f"_conv_{cls.__name__}"] for cls in found}


_PART_CLASSES: Final = frozenset(PART_KINDS)
_FACTORY: Final[Any] = type(attrs.Factory(tuple))

_EXPR: Final = {
    "plain": "{v}",
    "float": "float({v})",
    "dict": "dict({v})",
    "object": "_conv_{cls}({v}, sl)",
    "objects": "tuple([_conv_{cls}(x, sl) for x in {v}])",
}
_SLUGS: Final = {
    "one": "sl.append({v})",
    "many": "sl.extend({v})",
    "values": "sl.extend({v}.values())",
}


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


def _is_leaf(cls: type, found: dict[type, Any]) -> bool:
    """``cls`` holds no single nested object, only tuples: its building can be inlined."""
    return all(
        plan.shape != "object" and (plan.cls is None or _is_leaf(plan.cls, found))
        for plan in found[cls][1]
    )


def _object_lines(
    cls: type,
    found: dict[type, Any],
    checked: frozenset[str],
    namespace: dict[str, Any],
    src: str,
    target: str,
    pre: str,
    indent: str,
) -> list[str]:
    """Statements binding ``target`` to the ``cls`` built from the Struct ``src``.

    Locals are prefixed with ``pre``, so the statements of an inlined leaf do not
    overwrite its parent's.
    """
    name = cls.__name__
    fields = found[cls][1]
    lines: list[str] = []
    for plan in fields:
        lines.extend(_field_lines(cls, plan, found, checked, namespace, src, pre, indent))
    values = {plan.name: f"{pre}a_{plan.name}" for plan in fields}
    lines.extend(setting_lines(cls, target, values, namespace, indent))
    for plan in fields:
        for index, check in enumerate(plan.leftover):
            if getattr(check, "semantic_code", None) in checked:
                continue  # the semantic checks made it, and said where
            key = f"{name}_{plan.name}_{index}"
            namespace[f"_chk_{key}"] = check
            namespace[f"_att_{name}_{plan.name}"] = plan.attribute
            cross = getattr(check, "semantic_code", None) is not None
            guard = (
                ""
                if cross or plan.attribute.default is attrs.NOTHING
                else f"if {pre}p_{plan.name}: "
            )
            lines.append(
                f"{indent}{guard}_chk_{key}({target}, _att_{name}_{plan.name}, {pre}a_{plan.name})"
            )
    return lines


def _guarded(plan: FieldPlan) -> bool:
    """Does a leftover check of this optional field run only where the member was written?"""
    return any(getattr(check, "semantic_code", None) is None for check in plan.leftover)


def _expression(plan: FieldPlan, found: dict[type, Any], value: str) -> str | None:
    """The field's value as one expression of the decoded ``value``; ``None`` if it takes
    statements (slugs to collect, leaves built in a loop)."""
    if (
        plan.slugs is not None
        or plan.shape == "parts"
        or (plan.shape == "objects" and plan.cls is not None and _is_leaf(plan.cls, found))
    ):
        return None
    return _formula(plan, value)


def _formula(plan: FieldPlan, value: str) -> str:
    return _EXPR[plan.shape].format(cls=plan.cls.__name__ if plan.cls else "", v=value)


def _work_lines(
    plan: FieldPlan,
    found: dict[type, Any],
    checked: frozenset[str],
    namespace: dict[str, Any],
    value: str,
    pre: str,
    indent: str,
) -> list[str]:
    """Statements that set ``{pre}a_{field}`` from the decoded ``value`` (a local name)."""
    result = f"{pre}a_{plan.name}"
    work = [] if plan.slugs is None else [indent + _SLUGS[plan.slugs].format(v=value)]
    if plan.shape == "objects" and plan.cls is not None and _is_leaf(plan.cls, found):
        inner = f"{pre}{plan.name}_"
        item, built, kept = f"{inner}x", f"{inner}o", f"{inner}t"
        return [
            *work,
            f"{indent}{kept} = []",
            f"{indent}for {item} in {value}:",
            *_object_lines(
                plan.cls, found, checked, namespace, item, built, inner, indent + "    "
            ),
            f"{indent}    {kept}.append({built})",
            f"{indent}{result} = tuple({kept})",
        ]
    if plan.shape == "parts":
        # Each kind of part built inline, chosen by the Struct's type.
        inner = f"{pre}{plan.name}_"
        item, built, kept = f"{inner}x", f"{inner}o", f"{inner}t"
        lines = [*work, f"{indent}{kept} = []", f"{indent}for {item} in {value}:"]
        lines.append(f"{indent}    {inner}k = type({item})")
        for number, kind in enumerate(k for k in found if k in _PART_CLASSES):
            struct = f"_struct_{kind.__name__}"
            namespace[struct] = found[kind][0]
            lines.append(f"{indent}    {'if' if number == 0 else 'elif'} {inner}k is {struct}:")
            lines.extend(
                _object_lines(
                    kind,
                    found,
                    checked,
                    namespace,
                    item,
                    built,
                    f"{inner}{kind.__name__}_",
                    indent + "        ",
                )
            )
        lines.append(f"{indent}    else:")
        lines.append(f"{indent}        raise TypeError({item})")
        lines.append(f"{indent}    {kept}.append({built})")
        lines.append(f"{indent}{result} = tuple({kept})")
        return lines
    return [*work, f"{indent}{result} = {_formula(plan, value)}"]


def _field_lines(
    cls: type,
    plan: FieldPlan,
    found: dict[type, Any],
    checked: frozenset[str],
    namespace: dict[str, Any],
    src: str,
    pre: str,
    indent: str,
) -> list[str]:
    name = plan.name
    value = f"{pre}v"
    default: Any = plan.attribute.default
    if default is attrs.NOTHING:
        if plan.shape == "plain" and plan.slugs is None:
            return [f"{indent}{pre}a_{name} = {src}.{name}"]
        return [
            f"{indent}{value} = {src}.{name}",
            *_work_lines(plan, found, checked, namespace, value, pre, indent),
        ]
    key = f"_def_{cls.__name__}_{name}"
    made = _made_once(default.factory) if isinstance(default, _FACTORY) else None
    if made is not None:
        namespace[key] = made
        fallback = key
    elif isinstance(default, _FACTORY):
        namespace[key] = default.factory
        fallback = f"{key}()"
    else:
        namespace[key] = default
        fallback = key
    absent = f"{value} is UNSET or {value} is None" if default is None else f"{value} is UNSET"
    expr = _expression(plan, found, value)
    if expr is not None and not _guarded(plan):
        return [
            f"{indent}{value} = {src}.{name}",
            f"{indent}{pre}a_{name} = {fallback} if {absent} else {expr}",
        ]
    written = [f"{indent}{pre}p_{name} = not ({absent})"] if _guarded(plan) else []
    return [
        f"{indent}{value} = {src}.{name}",
        *written,
        f"{indent}if {absent}:",
        f"{indent}    {pre}a_{name} = {fallback}",
        f"{indent}else:",
        *_work_lines(plan, found, checked, namespace, value, pre, indent + "    "),
    ]
