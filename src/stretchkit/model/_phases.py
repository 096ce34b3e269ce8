"""Dose phases: what the user does, and for how long, inside one stretch.

A dose is an ordered tuple of phases. The five kinds form a tagged union; the
tag written to files (``kind``) comes from :data:`PHASE_KINDS`, an explicit
table, so renaming a class can never change the file format.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import attrs
from attrs import field, frozen

from stretchkit.model._about import About, Define, about, described
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
    "KIND_ABOUT",
    "MAX_PHASES",
    "PHASE_ABOUT",
    "PHASE_KINDS",
    "Angle",
    "AngleSequence",
    "Breath",
    "Dose",
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

MAX_PHASES = 24
"""A dose has at most this many phases."""

_seconds = whole(
    1,
    MAX_SECONDS,
    Define(
        "seconds",
        About("Seconds", f"A whole number of seconds from 1 to {MAX_SECONDS}.", (5, 30)),
    ),
)
_seconds_or_zero = whole(0, MAX_SECONDS)


@described("Hold", "Hold one position for a number of seconds.", {"kind": "hold", "seconds": 30})
@frozen(kw_only=True)
class Hold:
    """Hold one position for ``seconds``."""

    seconds: int = field(
        validator=_seconds, metadata=about("Seconds", "How long to hold, 1 to 3600 seconds.", 30)
    )

    @property
    def duration(self) -> int:
        return self.seconds


@described(
    "Angle",
    "One angle of an angle sequence, held for a number of seconds.",
    {"label": "toe out", "degrees": 45, "seconds": 10},
)
@frozen(kw_only=True)
class Angle:
    """One angle of an angle sequence: "toe out 45°", held ``seconds``."""

    label: str = field(
        validator=label,
        metadata=about(
            "Label",
            'What the user sees, e.g. "toe out 45°". Labels differ within a sequence (ignoring '
            "case).",
            "toe out 45°",
        ),
    )
    degrees: int = field(
        validator=whole(-360, 360),
        metadata=about("Degrees", "The angle in whole degrees, -360 to 360.", 0, 45, -45),
    )
    seconds: int = field(
        validator=_seconds,
        metadata=about("Seconds", "How long to hold this angle, 1 to 3600 seconds.", 10),
    )


def _angles(items: Iterable[Angle]) -> tuple[Angle, ...]:
    return as_tuple(items)


@described("Angle sequence", "The same movement repeated at successive angles, in order.")
@frozen(kw_only=True)
class AngleSequence:
    """The same movement repeated at successive angles, in order.

    "Toe up, then out 45°, then in 45°"; "arms overhead, then 45°, then 90°".
    """

    angles: tuple[Angle, ...] = field(
        converter=_angles,
        validator=and_(min_len(2), max_len(24), deep_iterable(instance_of(Angle)), unique_labels),
        metadata=about(
            "Angles",
            "The angles in order, 2 to 24 of them.",
            [
                {"label": "toe up", "degrees": 0, "seconds": 10},
                {"label": "toe out", "degrees": 45, "seconds": 10},
                {"label": "toe in", "degrees": -45, "seconds": 10},
            ],
        ),
    )

    @property
    def duration(self) -> int:
        return sum(a.seconds for a in self.angles)


@described(
    "Named position",
    "One position of a position sequence, held for a number of seconds.",
    {"label": "elbows press", "seconds": 10},
)
@frozen(kw_only=True)
class NamedPosition:
    """One named position of a position sequence: "palms up", held ``seconds``."""

    label: str = field(
        validator=label,
        metadata=about(
            "Label",
            'What the user sees, e.g. "palms up". Labels differ within a sequence (ignoring case).',
            "palms up",
        ),
    )
    seconds: int = field(
        validator=_seconds,
        metadata=about("Seconds", "How long to hold this position, 1 to 3600 seconds.", 10),
    )


def _positions(items: Iterable[NamedPosition]) -> tuple[NamedPosition, ...]:
    return as_tuple(items)


@described("Position sequence", "Successive named positions without angles, in order.")
@frozen(kw_only=True)
class PositionSequence:
    """Successive named positions without angles: "elbows press → hands flat → palms up"."""

    positions: tuple[NamedPosition, ...] = field(
        converter=_positions,
        validator=and_(
            min_len(2), max_len(24), deep_iterable(instance_of(NamedPosition)), unique_labels
        ),
        metadata=about(
            "Positions",
            "The positions in order, 2 to 24 of them.",
            [
                {"label": "elbows press", "seconds": 10},
                {"label": "hands flat", "seconds": 10},
                {"label": "palms up", "seconds": 10},
            ],
        ),
    )

    @property
    def duration(self) -> int:
        return sum(p.seconds for p in self.positions)


@described(
    "Repetitions",
    "A number of repetitions, each taking some seconds, with an optional hold at the top. Seconds:"
    " count × (seconds_per_rep + hold_seconds).",
    {"kind": "reps", "count": 5, "seconds_per_rep": 3, "hold_seconds": 4},
)
@frozen(kw_only=True)
class Reps:
    """``count`` repetitions of ``seconds_per_rep``, each with an optional hold at the top.

    A bridge is ``Reps(count=5, seconds_per_rep=3, hold_seconds=4)``: lift, hold 4 s, lower.
    """

    count: int = field(
        validator=whole(1, 1000), metadata=about("Count", "How many repetitions, 1 to 1000.", 5)
    )
    seconds_per_rep: int = field(
        validator=_seconds,
        metadata=about(
            "Seconds per repetition", "How long one repetition takes, 1 to 3600 seconds.", 3
        ),
    )
    hold_seconds: int = field(
        default=0,
        validator=_seconds_or_zero,
        metadata=about(
            "Hold seconds",
            "Seconds held at the top of each repetition, 0 to 3600. Default 0 (no hold).",
            4,
        ),
    )

    @property
    def duration(self) -> int:
        return self.count * (self.seconds_per_rep + self.hold_seconds)


@described(
    "Breath",
    "Breathe out, hold the breath, release; repeated. Seconds: rounds × (exhale + hold + release).",
    {"kind": "breath", "rounds": 3, "exhale_seconds": 4, "hold_seconds": 5, "release_seconds": 3},
)
@frozen(kw_only=True)
class Breath:
    """Breathe out, hold the breath, release; ``rounds`` times."""

    rounds: int = field(
        validator=whole(1, 100), metadata=about("Rounds", "How many times to repeat, 1 to 100.", 3)
    )
    exhale_seconds: int = field(
        validator=_seconds,
        metadata=about("Exhale seconds", "Seconds to breathe out, 1 to 3600.", 4),
    )
    hold_seconds: int = field(
        validator=_seconds,
        metadata=about("Hold seconds", "Seconds to hold the breath, 1 to 3600.", 5),
    )
    release_seconds: int = field(
        validator=_seconds,
        metadata=about("Release seconds", "Seconds to release and breathe in, 1 to 3600.", 3),
    )

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


PHASE_ABOUT: Final = About(
    "Phase",
    'One phase of a dose. "kind" says which; the other fields depend on it.',
    (
        {"kind": "hold", "seconds": 30},
        {"kind": "reps", "count": 5, "seconds_per_rep": 3, "hold_seconds": 4},
    ),
)
"""What the schema says about a phase; each kind's own fields are on its class."""

KIND_ABOUT: Final = About(
    "Phase kind",
    "What the user does in this phase: "
    + ", ".join(list(PHASE_KINDS.values())[:-1])
    + f" or {list(PHASE_KINDS.values())[-1]}.",
    tuple(PHASE_KINDS.values()),
)


@attrs.frozen
class Dose:
    """A dose is a non-empty tuple of at most ``high`` phases."""

    low: int
    high: int
    define: Define | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or not value:
            raise ModelError(f"{attribute.name} must hold at least one phase")
        if len(value) > self.high:
            raise ModelError(
                f"{attribute.name} must hold at most {self.high} phases, got {len(value)}"
            )
        for phase in value:
            if type(phase) not in PHASE_KINDS:
                raise ModelTypeError(
                    f"{attribute.name} must hold dose phases, got {type(phase).__name__}"
                )


check_dose = Dose(
    1,
    MAX_PHASES,
    Define(
        "dose",
        About(
            "Dose",
            'The phases of a stretch, done in order (once per side when sides is "each"): '
            f"1 to {MAX_PHASES} phases.",
            ([{"kind": "hold", "seconds": 30}],),
        ),
    ),
)
