"""Dose parts: what the user does, and for how long, inside one stretch.

A dose is an ordered tuple of parts. The five kinds form a tagged union; the
tag written to files (``kind``) comes from :data:`PART_KINDS`, an explicit
table, so renaming a class can never change the file format.

Everything the rest of the library needs to know about a kind is said here, on
its class: its fields (with their bounds, for the schema and the wire types), how
long it takes (``duration``), the timed beats a coach announces (``beats``) and the
one line a person reads (``summary``). A new kind is a class here, a line in
:data:`PART_KINDS` and in :data:`Part`, and its export.
"""

from __future__ import annotations

import enum
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
    "MAX_PARTS",
    "PART_ABOUT",
    "PART_KINDS",
    "Angle",
    "AngleSequence",
    "Beat",
    "Breath",
    "CueKind",
    "Dose",
    "Hold",
    "NamedPosition",
    "Part",
    "PositionSequence",
    "Reps",
    "check_dose",
    "dose_seconds",
    "parts",
]

MAX_SECONDS = 3600
"""No single hold, rep or breath lasts more than an hour."""

MAX_PARTS = 24
"""A dose has at most this many parts."""

_seconds = whole(
    1,
    MAX_SECONDS,
    Define(
        "seconds",
        About("Seconds", f"A whole number of seconds from 1 to {MAX_SECONDS}.", (5, 30)),
    ),
)
_seconds_or_zero = whole(0, MAX_SECONDS)


class CueKind(enum.StrEnum):
    """What a cue announces. Values are stable: apps map them to sounds or pictures.

    ``step``, ``side`` and ``done`` frame a session; the others are the beats of
    the dose parts below.
    """

    STEP = "step"
    SIDE = "side"
    HOLD = "hold"
    ANGLE = "angle"
    POSITION = "position"
    REP = "rep"
    REP_HOLD = "rep_hold"
    EXHALE = "exhale"
    BREATH_HOLD = "breath_hold"
    RELEASE = "release"
    DONE = "done"


@frozen(kw_only=True)
class Beat:
    """One timed beat of a dose part, one side's worth: what a coach says, and for how long."""

    kind: CueKind
    text: str
    seconds: int
    label: str | None = None
    """The angle's or position's label."""
    degrees: int | None = None


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

    def beats(self) -> tuple[Beat, ...]:
        return (
            Beat(kind=CueKind.HOLD, text=f"Hold, {self.seconds} seconds", seconds=self.seconds),
        )

    def summary(self) -> str:
        return f"hold {self.seconds} s"


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

    def beats(self) -> tuple[Beat, ...]:
        return tuple(
            Beat(
                kind=CueKind.ANGLE,
                text=f"{a.label} ({a.degrees}°), {a.seconds} seconds",
                seconds=a.seconds,
                label=a.label,
                degrees=a.degrees,
            )
            for a in self.angles
        )

    def summary(self) -> str:
        steps = " → ".join(f"{a.label} ({a.degrees}°) {a.seconds} s" for a in self.angles)
        return f"angles: {steps}"


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

    def beats(self) -> tuple[Beat, ...]:
        return tuple(
            Beat(
                kind=CueKind.POSITION,
                text=f"{p.label}, {p.seconds} seconds",
                seconds=p.seconds,
                label=p.label,
            )
            for p in self.positions
        )

    def summary(self) -> str:
        return "positions: " + " → ".join(f"{p.label} {p.seconds} s" for p in self.positions)


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

    def beats(self) -> tuple[Beat, ...]:
        out: list[Beat] = []
        top = self.hold_seconds
        for r in range(1, self.count + 1):
            out.append(
                Beat(
                    kind=CueKind.REP, text=f"Rep {r} of {self.count}", seconds=self.seconds_per_rep
                )
            )
            if top:
                out.append(Beat(kind=CueKind.REP_HOLD, text=f"Hold, {top} seconds", seconds=top))
        return tuple(out)

    def summary(self) -> str:
        hold = f", hold {self.hold_seconds} s at the top" if self.hold_seconds else ""
        return f"{self.count} reps of {self.seconds_per_rep} s{hold}"


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

    def beats(self) -> tuple[Beat, ...]:
        out: list[Beat] = []
        for r in range(1, self.rounds + 1):
            out += [
                Beat(
                    kind=CueKind.EXHALE,
                    text=f"Breath {r} of {self.rounds}: breathe out",
                    seconds=self.exhale_seconds,
                ),
                Beat(kind=CueKind.BREATH_HOLD, text="Hold the breath", seconds=self.hold_seconds),
                Beat(kind=CueKind.RELEASE, text="Release", seconds=self.release_seconds),
            ]
        return tuple(out)

    def summary(self) -> str:
        return (
            f"{self.rounds} breaths: out {self.exhale_seconds} s, hold {self.hold_seconds} s, "
            f"release {self.release_seconds} s"
        )


Part = Hold | AngleSequence | PositionSequence | Reps | Breath
"""One part of a dose; the ``kind`` field tells them apart in files."""

PART_KINDS: dict[type[Part], str] = {
    Hold: "hold",
    AngleSequence: "angle_sequence",
    PositionSequence: "position_sequence",
    Reps: "reps",
    Breath: "breath",
}
"""The tag written to files for each part class. Never derived from class names."""


def parts(items: Iterable[Part]) -> tuple[Part, ...]:
    """The typed ``tuple`` converter for doses."""
    return as_tuple(items)


def dose_seconds(dose: tuple[Part, ...]) -> int:
    """Seconds one side of a dose takes."""
    return sum(part.duration for part in dose)


PART_ABOUT: Final = About(
    "Part",
    'One part of a dose. "kind" says which; the other fields depend on it.',
    (
        {"kind": "hold", "seconds": 30},
        {"kind": "reps", "count": 5, "seconds_per_rep": 3, "hold_seconds": 4},
    ),
)
"""What the schema says about a part; each kind's own fields are on its class."""

KIND_ABOUT: Final = About(
    "Part kind",
    "What the user does in this part: "
    + ", ".join(list(PART_KINDS.values())[:-1])
    + f" or {list(PART_KINDS.values())[-1]}.",
    tuple(PART_KINDS.values()),
)


@attrs.frozen
class Dose:
    """A dose is a non-empty tuple of at most ``high`` parts."""

    low: int
    high: int
    define: Define | None = None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or not value:
            raise ModelError(f"{attribute.name} must hold at least one part")
        if len(value) > self.high:
            raise ModelError(
                f"{attribute.name} must hold at most {self.high} parts, got {len(value)}"
            )
        for part in value:
            if type(part) not in PART_KINDS:
                raise ModelTypeError(
                    f"{attribute.name} must hold dose parts, got {type(part).__name__}"
                )


check_dose = Dose(
    1,
    MAX_PARTS,
    Define(
        "dose",
        About(
            "Dose",
            'The parts of a stretch, done in order (once per side when sides is "each"): '
            f"1 to {MAX_PARTS} parts.",
            ([{"kind": "hold", "seconds": 30}],),
        ),
    ),
)
