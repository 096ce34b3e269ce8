"""Routines: an ordered list of stretches for one situation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attrs import field, frozen

from stretchkit.model._phases import Phase, check_dose
from stretchkit.model._stretch import Stretch
from stretchkit.model._validators import (
    and_,
    as_tuple,
    deep_iterable,
    instance_of,
    max_len,
    min_len,
    number,
    optional,
    slug,
    text,
)
from stretchkit.model._vocabulary import Context

__all__ = ["Routine", "RoutineStep"]


def _optional_tuple(value: Iterable[Phase] | None) -> tuple[Phase, ...] | None:
    return None if value is None else as_tuple(value)


@frozen(kw_only=True)
class RoutineStep:
    """One step: a stretch by id, optionally in one of its variations or with its own dose."""

    stretch: str = field(validator=slug)
    dose: tuple[Phase, ...] | None = field(default=None, converter=_optional_tuple)
    variation: str | None = field(default=None, validator=optional(slug))

    @dose.validator
    def _check_dose(self, attribute: object, value: tuple[Phase, ...] | None) -> None:
        if value is not None:
            check_dose(self, attribute, value)  # type: ignore[arg-type]


def _steps(items: Iterable[RoutineStep]) -> tuple[RoutineStep, ...]:
    return as_tuple(items)


@frozen(kw_only=True)
class Routine:
    """Stretches in the order given, for one situation (lying, sitting, standing).

    ``minutes`` is what the author promises the user; the derived duration is
    checked against it when a catalog is validated.
    """

    id: str = field(validator=slug)
    name: str = field(validator=text)
    context: Context = field(validator=instance_of(Context))
    minutes: float = field(validator=number(0.1, 600))
    steps: tuple[RoutineStep, ...] = field(
        converter=_steps,
        validator=and_(min_len(1), max_len(200), deep_iterable(instance_of(RoutineStep))),
    )
    description: str | None = field(default=None, validator=optional(text))

    def duration(self, stretches: Mapping[str, Stretch]) -> int:
        """Seconds the routine takes, derived from its stretches (sides included)."""
        return sum(stretches[s.stretch].duration_with(s.dose) for s in self.steps)
