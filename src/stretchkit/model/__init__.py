"""The domain model: plain, frozen, typed values with derived durations."""

from stretchkit.model._catalog import FORMAT_VERSION, Catalog
from stretchkit.model._parts import (
    PART_KINDS,
    Angle,
    AngleSequence,
    Beat,
    Breath,
    CueKind,
    Hold,
    NamedPosition,
    Part,
    PositionSequence,
    Reps,
    dose_seconds,
)
from stretchkit.model._program import MaintenancePhase, Program, Reintroduction, ReliefPhase
from stretchkit.model._routine import Routine, RoutineStep
from stretchkit.model._session import Outcome, Session, SkipReason, StepResult
from stretchkit.model._stretch import Media, Stretch, Variation
from stretchkit.model._validators import ModelError, ModelTypeError
from stretchkit.model._vocabulary import Context, MediaKind, Sides, StartPosition

__all__ = [
    "FORMAT_VERSION",
    "PART_KINDS",
    "Angle",
    "AngleSequence",
    "Beat",
    "Breath",
    "Catalog",
    "Context",
    "CueKind",
    "Hold",
    "MaintenancePhase",
    "Media",
    "MediaKind",
    "ModelError",
    "ModelTypeError",
    "NamedPosition",
    "Outcome",
    "Part",
    "PositionSequence",
    "Program",
    "Reintroduction",
    "ReliefPhase",
    "Reps",
    "Routine",
    "RoutineStep",
    "Session",
    "Sides",
    "SkipReason",
    "StartPosition",
    "StepResult",
    "Stretch",
    "Variation",
    "dose_seconds",
]


def __getattr__(name: str) -> object:
    from stretchkit import _RENAMED, _renamed

    if name in _RENAMED:
        return globals()[_renamed("stretchkit.model", name, _RENAMED[name])]
    raise AttributeError(f"module 'stretchkit.model' has no attribute {name!r}")
