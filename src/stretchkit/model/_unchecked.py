"""The one way to build a model object without running its validators again.

Readers that have just checked every value the way the validators would (the
fast catalog path, the event codec) may skip them: it halves the cost of a large
catalog or a long history. Not with ``attrs.validators.set_disabled`` (a
process-wide switch: another thread's objects would skip validation meanwhile),
but with code generated once per class that does what a frozen slotted
``__init__`` does: a new instance, then each slot set through its own
descriptor (which is how attrs' ``__init__`` gets past ``__setattr__``).
Converters do not run either, so each value must already be what they make.

:func:`unchecked` gives a keyword constructor; :func:`setting_lines` gives the
same statements for code generators that build many objects in one function.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["setting_lines", "unchecked"]

_T = TypeVar("_T")


def setting_lines(
    cls: type, target: str, values: dict[str, str], namespace: dict[str, Any], indent: str
) -> list[str]:
    """Statements that bind ``target`` to a new ``cls`` whose fields are the ``values`` expressions.

    Every field must be given: a field added to the model and not passed fails
    loudly here, never with a half-built object. ``namespace`` receives the names
    the statements use.
    """
    names = [a.name for a in attrs.fields(cls)]
    if set(values) != set(names):
        missing = sorted(set(names) - set(values))
        extra = sorted(set(values) - set(names))
        raise TypeError(f"{cls.__name__}: missing fields {missing}, unknown fields {extra}")
    key = f"{cls.__module__}.{cls.__qualname__}".replace(".", "_")
    namespace["_new"] = object.__new__
    namespace[f"_cls_{key}"] = cls
    lines = [f"{indent}{target} = _new(_cls_{key})"]
    for name in names:
        namespace[f"_set_{key}_{name}"] = cls.__dict__[name].__set__
        lines.append(f"{indent}_set_{key}_{name}({target}, {values[name]})")
    return lines


def unchecked(cls: type[_T]) -> Callable[..., _T]:
    """A keyword-only constructor of the frozen slotted attrs class ``cls`` that skips
    validators and converters; every field must be passed. Made once per class."""
    target: type = cls
    build: Callable[..., _T] = _constructor(target)
    return build


@functools.cache
def _constructor(cls: type) -> Callable[..., Any]:
    names = [a.name for a in attrs.fields(cls)]
    namespace: dict[str, Any] = {}
    body = setting_lines(cls, "self", {n: n for n in names}, namespace, "    ")
    code = "\n".join([f"def build(*, {', '.join(names)}):", *body, "    return self"])
    exec(code, namespace)
    build: Callable[..., Any] = namespace["build"]
    return build
