"""What the catalog format says about each field and class, for people reading the schema.

The model is the one place the format is written down (see docs/format-design.md):
a field's type, validator and default give its shape, bounds and default, and the
:class:`About` in its metadata gives the title, description and examples that the
generated JSON Schema shows in editors. A class's own :class:`About` is attached
with :func:`described`. Nothing here is read when a catalog is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs

__all__ = ["ABOUT", "About", "Define", "about", "described", "described_class"]

ABOUT: Final = "stretchkit.about"
"""The key of a field's :class:`About` in its attrs metadata."""


@attrs.frozen
class About:
    """A title, a one-paragraph description and examples (JSON values) for the schema."""

    title: str
    description: str
    examples: tuple[Any, ...] = ()


@attrs.frozen
class Define:
    """A named, shared definition of the schema (``#/$defs/name``) a validator stands for."""

    name: str
    about: About


def about(title: str, description: str, *examples: Any) -> dict[str, About]:
    """The attrs ``metadata`` of a documented field."""
    return {ABOUT: About(title, description, examples)}


_C = TypeVar("_C", bound=type)
_CLASSES: dict[type, About] = {}


def described(title: str, description: str, *examples: Any) -> Callable[[_C], _C]:
    """Attach the schema's title, description and examples to a model class."""

    def attach(cls: _C) -> _C:
        _CLASSES[cls] = About(title, description, examples)
        return cls

    return attach


def described_class(cls: type) -> About | None:
    """The :class:`About` attached to ``cls`` with :func:`described`, if any."""
    return _CLASSES.get(cls)
