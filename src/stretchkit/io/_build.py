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
    """
    found = plans()
    namespace: dict[str, Any] = {"UNSET": UNSET}
    lines: list[str] = []
    part_of: dict[type, str] = {}
    for cls, (struct, fields) in found.items():
        name = cls.__name__
        if cls in _PART_CLASSES:
            part_of[struct] = f"_conv_{name}"
        lines.append(f"def _conv_{name}(s, sl):")
        for plan in fields:
            lines.extend(_field_lines(cls, plan, namespace))
        values = {plan.name: f"a_{plan.name}" for plan in fields}
        lines.extend(setting_lines(cls, "o", values, namespace, "    "))
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
                    else "if p_" + plan.name + ": "
                )
                lines.append(f"    {guard}_chk_{key}(o, _att_{name}_{plan.name}, a_{plan.name})")
        lines.append("    return o")
    exec("\n".join(lines), namespace)
    namespace["_PH"] = {struct: namespace[conv] for struct, conv in part_of.items()}
    return {cls: namespace[f"_conv_{cls.__name__}"] for cls in found}


_PART_CLASSES: Final = frozenset(PART_KINDS)
_FACTORY: Final[Any] = type(attrs.Factory(tuple))

_EXPR: Final = {
    "plain": "v",
    "float": "float(v)",
    "dict": "dict(v)",
    "object": "_conv_{cls}(v, sl)",
    "objects": "tuple([_conv_{cls}(x, sl) for x in v])",
    "parts": "tuple([_PH[type(x)](x, sl) for x in v])",
}
_SLUGS: Final = {"one": "sl.append(v)", "many": "sl.extend(v)", "values": "sl.extend(v.values())"}


def _field_lines(cls: type, plan: FieldPlan, namespace: dict[str, Any]) -> list[str]:
    name = plan.name
    expr = _EXPR[plan.shape].format(cls=plan.cls.__name__ if plan.cls else "")
    work = [f"a_{name} = {expr}"]
    if plan.slugs is not None:
        work.insert(0, _SLUGS[plan.slugs])
    default: Any = plan.attribute.default
    if default is attrs.NOTHING:
        return [f"    v = s.{name}", *(f"    {w}" for w in work)]
    key = f"_def_{cls.__name__}_{name}"
    if isinstance(default, _FACTORY):
        namespace[key] = default.factory
        fallback = f"{key}()"
    else:
        namespace[key] = default
        fallback = key
    absent = "v is UNSET or v is None" if default is None else "v is UNSET"
    return [
        f"    v = s.{name}",
        f"    p_{name} = not ({absent})",
        f"    if p_{name}:",
        *(f"        {w}" for w in work),
        "    else:",
        f"        a_{name} = {fallback}",
    ]
