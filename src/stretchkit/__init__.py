"""stretchkit: typed stretching routines for apps.

Everything public is re-exported here; the modules behind it are private.
``import stretchkit`` stays light: every name, the model classes included,
is imported on its first look-up (as pydantic does), so an app that imports
the package and uses one part pays for that part alone.

The import statements in this file are the one list of public names. The
base error is imported at once; the others sit in the ``if TYPE_CHECKING:``
block, which type checkers read as it stands and which this module reads (once,
on the first look-up of a name it has not loaded) to know which module to
import. ``__all__`` is derived from the same statements. To add a public name,
add one ``from stretchkit.x import Name as Name`` line, in either place;
nothing else. ``stretchkit.io`` works the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# `Name as Name` marks a re-export; isort would give each its own statement.
# isort: off
from stretchkit._errors import StretchkitError as StretchkitError
from stretchkit._names import attach as _attach

if TYPE_CHECKING:
    from stretchkit.io._issues import (
        CatalogError as CatalogError,
        Issue as Issue,
        Severity as Severity,
    )
    from stretchkit.model import (
        FORMAT_VERSION as FORMAT_VERSION,
        PART_KINDS as PART_KINDS,
        Angle as Angle,
        AngleSequence as AngleSequence,
        Beat as Beat,
        Breath as Breath,
        CueKind as CueKind,
        Catalog as Catalog,
        Context as Context,
        Hold as Hold,
        MaintenancePhase as MaintenancePhase,
        Media as Media,
        MediaKind as MediaKind,
        ModelError as ModelError,
        ModelTypeError as ModelTypeError,
        NamedPosition as NamedPosition,
        Outcome as Outcome,
        Part as Part,
        StartPosition as StartPosition,
        PositionSequence as PositionSequence,
        Program as Program,
        Reintroduction as Reintroduction,
        ReliefPhase as ReliefPhase,
        Reps as Reps,
        Routine as Routine,
        RoutineStep as RoutineStep,
        Session as Session,
        Sides as Sides,
        SkipReason as SkipReason,
        StepResult as StepResult,
        Stretch as Stretch,
        Variation as Variation,
        dose_seconds as dose_seconds,
    )
    from stretchkit.engine import (
        AgendaDay as AgendaDay,
        Comeback as Comeback,
        EARLIEST_YEAR as EARLIEST_YEAR,
        LATEST_YEAR as LATEST_YEAR,
        Cue as Cue,
        DuplicateEventError as DuplicateEventError,
        EngineError as EngineError,
        Event as Event,
        EventFormatError as EventFormatError,
        LeftOut as LeftOut,
        NotAllowedError as NotAllowedError,
        PainReported as PainReported,
        Plan as Plan,
        PlannedStep as PlannedStep,
        Policy as Policy,
        ProgramPhase as ProgramPhase,
        Progress as Progress,
        ProgressState as ProgressState,
        Reason as Reason,
        ReasonCode as ReasonCode,
        SessionLogged as SessionLogged,
        RunnerStep as RunnerStep,
        Segment as Segment,
        SessionRunner as SessionRunner,
        SnapshotError as SnapshotError,
        StretchReenabled as StretchReenabled,
        StretchStatus as StretchStatus,
        StretchTroubles as StretchTroubles,
        TimeError as TimeError,
        event_from_dict as event_from_dict,
        event_to_dict as event_to_dict,
        events_from_dicts as events_from_dicts,
        events_from_json as events_from_json,
    )
    from stretchkit.examples import example_catalog as example_catalog
    from stretchkit.generate import (
        Constraints as Constraints,
        GenerationResult as GenerationResult,
        Unmet as Unmet,
        generate_routine as generate_routine,
        substitute as substitute,
    )
    from stretchkit.importers import (
        EntryReport as EntryReport,
        ImporterError as ImporterError,
        ImportNote as ImportNote,
        ImportReport as ImportReport,
        ImportResult as ImportResult,
        import_free_exercise_db as import_free_exercise_db,
    )
    from stretchkit.io._dump import dump_catalog as dump_catalog
    from stretchkit.io._load import (
        catalog_schema as catalog_schema,
        load_catalog as load_catalog,
        loads_catalog as loads_catalog,
        validate_catalog as validate_catalog,
        validates_catalog as validates_catalog,
    )
    from stretchkit.io._limits import Limits as Limits
    from stretchkit.report import ReportError as ReportError, report_html as report_html
    from stretchkit.store import (
        ProgressStore as ProgressStore,
        SQLiteStore as SQLiteStore,
        StoreCheck as StoreCheck,
        StoreBusyError as StoreBusyError,
        StoreClosedError as StoreClosedError,
        StoreError as StoreError,
        StoreFormatError as StoreFormatError,
    )
    from stretchkit.store._postgres import PostgresStore as PostgresStore
# isort: on


_look_up, __dir__ = _attach(globals())

_RENAMED: dict[str, str] = {
    "PHASE_KINDS": "PART_KINDS",
    "Phase": "Part",
    "Position": "StartPosition",
}
"""Old public names that still work, with a ``DeprecationWarning``, and their new names."""


def _renamed(module: str, name: str, new: str) -> str:
    import warnings

    warnings.warn(
        f"{module}.{name} is renamed {module}.{new}; the old name goes in a later release",
        DeprecationWarning,
        stacklevel=3,
    )
    return new


def __getattr__(name: str) -> object:
    if name in _RENAMED:
        return _look_up(_renamed("stretchkit", name, _RENAMED[name]))
    if name == "__version__":
        from importlib.metadata import version

        return version("stretchkit")
    return _look_up(name)
