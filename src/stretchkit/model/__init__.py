"""The domain model: plain, frozen, typed values with derived durations."""

from stretchkit.model._catalog import FORMAT_VERSION, Catalog
from stretchkit.model._phases import (
    PHASE_KINDS,
    Angle,
    AngleSequence,
    Breath,
    Hold,
    NamedPosition,
    Phase,
    PositionSequence,
    Reps,
    dose_seconds,
)
from stretchkit.model._program import MaintenancePhase, Program, Reintroduction, ReliefPhase
from stretchkit.model._routine import Routine, RoutineStep
from stretchkit.model._session import Outcome, Session, SkipReason, StepResult
from stretchkit.model._stretch import Media, Stretch, Variation
from stretchkit.model._validators import ModelError, ModelTypeError
from stretchkit.model._vocabulary import Context, MediaKind, Position, Sides

__all__ = [
    "FORMAT_VERSION",
    "PHASE_KINDS",
    "Angle",
    "AngleSequence",
    "Breath",
    "Catalog",
    "Context",
    "Hold",
    "MaintenancePhase",
    "Media",
    "MediaKind",
    "ModelError",
    "ModelTypeError",
    "NamedPosition",
    "Outcome",
    "Phase",
    "Position",
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
    "StepResult",
    "Stretch",
    "Variation",
    "dose_seconds",
]
