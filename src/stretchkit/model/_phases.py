"""Dose phases: what the user does, and for how long, inside one stretch.

A dose is an ordered tuple of phases. The five kinds form a tagged union; the
tag written to files (``kind``) comes from :data:`PHASE_KINDS`, an explicit
table, so renaming a class can never change the file format.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from attrs import field, frozen

from stretchkit.model._validators import (
    ModelError,
    ModelTypeError,
    and_,
    as_tuple,
    deep_iterable,
    instance_of,
    label,
    max_len,
    min_len,
    unique_labels,
    whole,
)

__all__ = [
    "PHASE_KINDS",
    "Angle",
    "AngleSequence",
    "Breath",
    "Hold",
    "NamedPosition",
    "Phase",
    "PositionSequence",
    "Reps",
    "check_dose",
    "dose_seconds",
    "phases",
]

MAX_SECONDS = 3600
"""No single hold, rep or breath lasts more than an hour."""

_seconds = whole(1, MAX_SECONDS)
_seconds_or_zero = whole(0, MAX_SECONDS)


@frozen(kw_only=True)
class Hold:
    """Hold one position for ``seconds``."""

    seconds: int = field(validator=_seconds)

    @property
    def duration(self) -> int:
        return self.seconds


@frozen(kw_only=True)
class Angle:
    """One angle of an angle sequence: "toe out 45°", held ``seconds``."""

    label: str = field(validator=label)
    degrees: int = field(validator=whole(-360, 360))
    seconds: int = field(validator=_seconds)


def _angles(items: Iterable[Angle]) -> tuple[Angle, ...]:
    return as_tuple(items)


@frozen(kw_only=True)
class AngleSequence:
    """The same movement repeated at successive angles, in order.

    "Toe up, then out 45°, then in 45°"; "arms overhead, then 45°, then 90°".
    """

    angles: tuple[Angle, ...] = field(
        converter=_angles,
        validator=and_(min_len(2), max_len(24), deep_iterable(instance_of(Angle)), unique_labels),
    )

    @property
    def duration(self) -> int:
        return sum(a.seconds for a in self.angles)


@frozen(kw_only=True)
class NamedPosition:
    """One named position of a position sequence: "palms up", held ``seconds``."""

    label: str = field(validator=label)
    seconds: int = field(validator=_seconds)


def _positions(items: Iterable[NamedPosition]) -> tuple[NamedPosition, ...]:
    return as_tuple(items)


@frozen(kw_only=True)
class PositionSequence:
    """Successive named positions without angles: "elbows press → hands flat → palms up"."""

    positions: tuple[NamedPosition, ...] = field(
        converter=_positions,
        validator=and_(
            min_len(2), max_len(24), deep_iterable(instance_of(NamedPosition)), unique_labels
        ),
    )

    @property
    def duration(self) -> int:
        return sum(p.seconds for p in self.positions)


@frozen(kw_only=True)
class Reps:
    """``count`` repetitions of ``seconds_per_rep``, each with an optional hold at the top.

    A bridge is ``Reps(count=5, seconds_per_rep=3, hold_seconds=4)``: lift, hold 4 s, lower.
    """

    count: int = field(validator=whole(1, 1000))
    seconds_per_rep: int = field(validator=_seconds)
    hold_seconds: int = field(default=0, validator=_seconds_or_zero)

    @property
    def duration(self) -> int:
        return self.count * (self.seconds_per_rep + self.hold_seconds)


@frozen(kw_only=True)
class Breath:
    """Breathe out, hold the breath, release; ``rounds`` times."""

    rounds: int = field(validator=whole(1, 100))
    exhale_seconds: int = field(validator=_seconds)
    hold_seconds: int = field(validator=_seconds)
    release_seconds: int = field(validator=_seconds)

    @property
    def duration(self) -> int:
        return self.rounds * (self.exhale_seconds + self.hold_seconds + self.release_seconds)


Phase = Hold | AngleSequence | PositionSequence | Reps | Breath
"""One phase of a dose; the ``kind`` field tells them apart in files."""

PHASE_KINDS: dict[type[Phase], str] = {
    Hold: "hold",
    AngleSequence: "angle_sequence",
    PositionSequence: "position_sequence",
    Reps: "reps",
    Breath: "breath",
}
"""The tag written to files for each phase class. Never derived from class names."""


def phases(items: Iterable[Phase]) -> tuple[Phase, ...]:
    """The typed ``tuple`` converter for doses."""
    return as_tuple(items)


def dose_seconds(dose: tuple[Phase, ...]) -> int:
    """Seconds one side of a dose takes."""
    return sum(phase.duration for phase in dose)


def check_dose(instance: object, attribute: attrs.Attribute[object], value: object) -> None:
    """A dose is a non-empty tuple of phases."""
    if not isinstance(value, tuple) or not value:
        raise ModelError(f"{attribute.name} must hold at least one phase")
    if len(value) > 24:
        raise ModelError(f"{attribute.name} must hold at most 24 phases, got {len(value)}")
    for phase in value:
        if type(phase) not in PHASE_KINDS:
            raise ModelTypeError(
                f"{attribute.name} must hold dose phases, got {type(phase).__name__}"
            )
