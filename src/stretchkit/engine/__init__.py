"""The progress engine: a pure function of (program, policy, events, now).

No I/O and no clock reads: the app stores events and passes ``now``.
"""

from stretchkit.engine._agenda import MAX_AGENDA_DAYS, AgendaDay, Comeback
from stretchkit.engine._codec import event_from_dict, event_to_dict, events_from_dicts
from stretchkit.engine._errors import (
    DuplicateEventError,
    EngineError,
    EventFormatError,
    NotAllowedError,
    TimeError,
)
from stretchkit.engine._events import (
    EVENT_TYPES,
    MAX_SESSION_HOURS,
    Event,
    PainReported,
    SessionLogged,
    StretchReenabled,
)
from stretchkit.engine._fold import ProgressState, StretchTroubles
from stretchkit.engine._plan import (
    LeftOut,
    Plan,
    PlannedStep,
    ProgramPhase,
    Reason,
    ReasonCode,
    StretchStatus,
)
from stretchkit.engine._policy import Policy
from stretchkit.engine._progress import Progress
from stretchkit.engine._runner import Cue, RunnerStep, Segment, SessionRunner
from stretchkit.engine._snapshot import RULES_VERSION, SnapshotError
from stretchkit.engine._stored import events_from_json
from stretchkit.engine._time import EARLIEST_YEAR, LATEST_YEAR, check_local_time
from stretchkit.model import CueKind

__all__ = [
    "EARLIEST_YEAR",
    "EVENT_TYPES",
    "LATEST_YEAR",
    "MAX_AGENDA_DAYS",
    "MAX_SESSION_HOURS",
    "RULES_VERSION",
    "AgendaDay",
    "Comeback",
    "Cue",
    "CueKind",
    "DuplicateEventError",
    "EngineError",
    "Event",
    "EventFormatError",
    "LeftOut",
    "NotAllowedError",
    "PainReported",
    "Plan",
    "PlannedStep",
    "Policy",
    "ProgramPhase",
    "Progress",
    "ProgressState",
    "Reason",
    "ReasonCode",
    "RunnerStep",
    "Segment",
    "SessionLogged",
    "SessionRunner",
    "SnapshotError",
    "StretchReenabled",
    "StretchStatus",
    "StretchTroubles",
    "TimeError",
    "check_local_time",
    "event_from_dict",
    "event_to_dict",
    "events_from_dicts",
    "events_from_json",
]
