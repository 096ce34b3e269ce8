"""stretchkit: typed stretching routines for apps.

Everything public is re-exported here; the modules behind it are private.
``import stretchkit`` stays light: schema validation, Hypothesis, databases
and the command line are imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stretchkit.io._issues import CatalogError, Issue, Severity
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

if TYPE_CHECKING:
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
    from stretchkit.generate import (
        Constraints,
        GenerationResult,
        Unmet,
        generate_routine,
        substitute,
    )
    from stretchkit.importers import ImportReport, ImportResult, import_free_exercise_db
    from stretchkit.io._load import catalog_schema, dump_catalog, load_catalog, validate_catalog
    from stretchkit.io._source import Limits

_LAZY: dict[str, str] = {
    "Constraints": "stretchkit.generate",
    "Cue": "stretchkit.engine",
    "CueKind": "stretchkit.engine",
    "DuplicateEventError": "stretchkit.engine",
    "EngineError": "stretchkit.engine",
    "Event": "stretchkit.engine",
    "EventFormatError": "stretchkit.engine",
    "GenerationResult": "stretchkit.generate",
    "ImportReport": "stretchkit.importers",
    "ImportResult": "stretchkit.importers",
    "LeftOut": "stretchkit.engine",
    "Limits": "stretchkit.io._source",
    "PainReported": "stretchkit.engine",
    "Plan": "stretchkit.engine",
    "PlannedStep": "stretchkit.engine",
    "Policy": "stretchkit.engine",
    "ProgramPhase": "stretchkit.engine",
    "Progress": "stretchkit.engine",
    "Reason": "stretchkit.engine",
    "ReasonCode": "stretchkit.engine",
    "SessionLogged": "stretchkit.engine",
    "SessionRunner": "stretchkit.engine",
    "StretchReenabled": "stretchkit.engine",
    "StretchStatus": "stretchkit.engine",
    "TimeError": "stretchkit.engine",
    "Unmet": "stretchkit.generate",
    "catalog_schema": "stretchkit.io._load",
    "dump_catalog": "stretchkit.io._load",
    "event_from_dict": "stretchkit.engine",
    "event_to_dict": "stretchkit.engine",
    "events_from_dicts": "stretchkit.engine",
    "generate_routine": "stretchkit.generate",
    "import_free_exercise_db": "stretchkit.importers",
    "load_catalog": "stretchkit.io._load",
    "substitute": "stretchkit.generate",
    "validate_catalog": "stretchkit.io._load",
}
"""Public names whose modules load on first use, so ``import stretchkit`` stays light."""


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is not None:
        from importlib import import_module

        value = getattr(import_module(module_name), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name == "__version__":
        from importlib.metadata import version

        return version("stretchkit")
    raise AttributeError(f"module 'stretchkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
