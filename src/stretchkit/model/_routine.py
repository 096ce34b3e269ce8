"""Routines: an ordered list of stretches for one situation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attrs import field, frozen

from stretchkit.model._about import about, described
from stretchkit.model._parts import Part, check_dose
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


def _optional_tuple(value: Iterable[Part] | None) -> tuple[Part, ...] | None:
    return None if value is None else as_tuple(value)


@described(
    "Routine step",
    "One step of a routine: a stretch by id, optionally in one of its variations or with its own "
    "dose.",
    {"stretch": "heel-press"},
    {"stretch": "head-press", "dose": [{"kind": "hold", "seconds": 30}]},
)
@frozen(kw_only=True)
class RoutineStep:
    """One step: a stretch by id, optionally in one of its variations or with its own dose."""

    stretch: str = field(
        validator=slug,
        metadata=about("Stretch", "The id of a stretch in this catalog.", "heel-press"),
    )
    dose: tuple[Part, ...] | None = field(
        default=None,
        converter=_optional_tuple,
        validator=optional(check_dose),
        metadata=about(
            "Dose override",
            "Replaces the stretch's own dose for this step (1 to 24 parts). Leave out (or null) "
            "to keep the stretch's dose.",
        ),
    )
    variation: str | None = field(
        default=None,
        validator=optional(slug),
        metadata=about(
            "Variation",
            "The id of one of the stretch's variations. Leave out (or null) for the stretch "
            "itself.",
            "facing-the-wall",
        ),
    )


def _steps(items: Iterable[RoutineStep]) -> tuple[RoutineStep, ...]:
    return as_tuple(items)


@described("Routine", "Stretches in the order given, for one situation.")
@frozen(kw_only=True)
class Routine:
    """Stretches in the order given, for one situation (lying, sitting, standing).

    ``minutes`` is what the author promises the user; the derived duration is
    checked against it when a catalog is validated.
    """

    id: str = field(
        validator=slug,
        metadata=about(
            "Routine id", "Unique in the catalog; programs refer to it.", "sitting-relief"
        ),
    )
    name: str = field(
        validator=text,
        metadata=about(
            "Name", "The routine's name as the user sees it.", "Upper back relief, sitting"
        ),
    )
    context: Context = field(
        validator=instance_of(Context),
        metadata=about(
            "Context", "The situation the routine is for: where the user is right now.", "sitting"
        ),
    )
    minutes: float = field(
        validator=number(0.1, 600),
        metadata=about(
            "Minutes",
            "The time the author promises, 0.1 to 600 minutes; a warning is given when it is far "
            "from the duration derived from the steps.",
            3,
            2.5,
        ),
    )
    steps: tuple[RoutineStep, ...] = field(
        converter=_steps,
        validator=and_(min_len(1), max_len(200), deep_iterable(instance_of(RoutineStep))),
        metadata=about("Steps", "The steps in order, 1 to 200."),
    )
    description: str | None = field(
        default=None,
        validator=optional(text),
        metadata=about(
            "Description",
            "Optional text about the routine. null means the same as leaving it out.",
            "Five stretches you can do at your desk.",
        ),
    )

    def duration(self, stretches: Mapping[str, Stretch]) -> int:
        """Seconds the routine takes, derived from its stretches (sides included)."""
        return sum(stretches[s.stretch].duration_with(s.dose) for s in self.steps)
