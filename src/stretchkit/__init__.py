"""stretchkit: typed stretching routines for apps.

Everything public is re-exported here; the modules behind it are private.
``import stretchkit`` stays light: schema validation, Hypothesis, databases
and the command line are imported only when used.
"""

from __future__ import annotations

from stretchkit.engine import (
    Cue,
    CueKind,
    DuplicateEventError,
    EngineError,
    Event,
    EventFormatError,
    LeftOut,
    PainReported,
    Plan,
    PlannedStep,
    Policy,
    ProgramPhase,
    Progress,
    Reason,
    ReasonCode,
    SessionLogged,
    SessionRunner,
    StretchReenabled,
    StretchStatus,
    TimeError,
    event_from_dict,
    event_to_dict,
    events_from_dicts,
)
from stretchkit.generate import Constraints, GenerationResult, Unmet, generate_routine, substitute
from stretchkit.importers import ImportReport, ImportResult, import_free_exercise_db
from stretchkit.io._issues import CatalogError, Issue, Severity
from stretchkit.io._load import catalog_schema, dump_catalog, load_catalog, validate_catalog
from stretchkit.io._source import Limits
from stretchkit.model import (
    FORMAT_VERSION,
    PHASE_KINDS,
    Angle,
    AngleSequence,
    Breath,
    Catalog,
    Context,
    Hold,
    MaintenancePhase,
    Media,
    MediaKind,
    NamedPosition,
    Outcome,
    Phase,
    Position,
    PositionSequence,
    Program,
    Reintroduction,
    ReliefPhase,
    Reps,
    Routine,
    RoutineStep,
    Session,
    Sides,
    SkipReason,
    StepResult,
    Stretch,
    Variation,
    dose_seconds,
)


def __getattr__(name: str) -> object:
    if name == "__version__":
        from importlib.metadata import version

        return version("stretchkit")
    raise AttributeError(f"module 'stretchkit' has no attribute {name!r}")


__all__ = [
    "FORMAT_VERSION",
    "PHASE_KINDS",
    "Angle",
    "AngleSequence",
    "Breath",
    "Catalog",
    "CatalogError",
    "Constraints",
    "Context",
    "Cue",
    "CueKind",
    "DuplicateEventError",
    "EngineError",
    "Event",
    "EventFormatError",
    "GenerationResult",
    "Hold",
    "ImportReport",
    "ImportResult",
    "Issue",
    "LeftOut",
    "Limits",
    "MaintenancePhase",
    "Media",
    "MediaKind",
    "NamedPosition",
    "Outcome",
    "PainReported",
    "Phase",
    "Plan",
    "PlannedStep",
    "Policy",
    "Position",
    "PositionSequence",
    "Program",
    "ProgramPhase",
    "Progress",
    "Reason",
    "ReasonCode",
    "Reintroduction",
    "ReliefPhase",
    "Reps",
    "Routine",
    "RoutineStep",
    "Session",
    "SessionLogged",
    "SessionRunner",
    "Severity",
    "Sides",
    "SkipReason",
    "StepResult",
    "Stretch",
    "StretchReenabled",
    "StretchStatus",
    "TimeError",
    "Unmet",
    "Variation",
    "catalog_schema",
    "dose_seconds",
    "dump_catalog",
    "event_from_dict",
    "event_to_dict",
    "events_from_dicts",
    "generate_routine",
    "import_free_exercise_db",
    "load_catalog",
    "substitute",
    "validate_catalog",
]
