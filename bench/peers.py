"""The same catalog and events modelled the way a user of pydantic or msgspec would, and the floors.

The peers make the checks the stretchkit format makes, so the ratios compare
like with like: the phase ``kind`` is a tagged union, unknown fields are
refused, types are strict (no ``"30"`` for 30), the same bounds, slugs and
text rules apply, labels are unique within a sequence, the daily maximum is not
below the minimum, and at catalog level ids are unique and references resolve.

The classes are written as a user of each library would write them, but every
bound, default, enum and character rule is read from the stretchkit model
(its validators and field defaults), so a bound changed there changes the
peers too; tests/test_bench_peers.py fails if a number is written here again.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict, Field, model_validator

from stretchkit.model import (
    Angle,
    AngleSequence,
    Breath,
    Context,
    Hold,
    MaintenancePhase,
    MediaKind,
    NamedPosition,
    PositionSequence,
    Program,
    Reintroduction,
    ReliefPhase,
    Reps,
    Routine,
    Session,
    Sides,
    StartPosition,
    Stretch,
    Variation,
)
from stretchkit.model._bounds import default, number_range, size_range, text_limit, whole_range
from stretchkit.model._validators import BIDI, CONTROL, SLUG_PATTERN

__all__ = [
    "SLUG",
    "TEXT",
    "MsCatalog",
    "PyCatalog",
    "bare_replay",
    "check_catalog_refs",
    "msgspec_replay",
]


def _whole(cls: type, name: str) -> dict[str, int]:
    """The field's bounds as ``Field`` and ``msgspec.Meta`` keywords (both say ``ge``, ``le``)."""
    low, high = whole_range(cls, name)
    return {"ge": low, "le": high}


def _number(cls: type, name: str) -> dict[str, float]:
    low, high = number_range(cls, name)
    return {"ge": low, "le": high}


def _size(cls: type, name: str) -> dict[str, int]:
    """The field's fewest and most items as ``min_length`` and ``max_length``."""
    low, high = size_range(cls, name)
    return {
        **({"min_length": low} if low else {}),
        **({"max_length": high} if high is not None else {}),
    }


SLUG = SLUG_PATTERN
_REFUSED = CONTROL.pattern[1:-1] + BIDI.pattern[1:-1]
"""The characters no text may hold (control and bidirectional), as a character class body."""
TEXT = f"^[^\\S{_REFUSED}]*[^\\s{_REFUSED}][^{_REFUSED}]*$"
"""The schema's text rule (no refused character, not only white space) without a lookahead.

pydantic's regex engine (Rust) has no lookahead and its ``$`` is the very end;
Python's ``re`` (msgspec) needs ``\\Z``, since its ``$`` also matches before a
final newline. Both engines' ``\\s`` is Unicode white space.
"""
SLUG_PY = SLUG[:-1] + r"\Z"
TEXT_PY = TEXT[:-1] + r"\Z"


def _unique_labels(items: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for item in items:
        key = item.label.casefold()
        if key in seen:
            raise ValueError(f"label {item.label!r} twice")
        seen.add(key)


def _check_others(position: Any, others: tuple[Any, ...]) -> None:
    if others and (len(set(others)) != len(others) or position in others):
        raise ValueError("other_positions repeats a position or the start position")


def check_catalog_refs(catalog: Any) -> None:
    """Ids unique across the catalog; steps, variations and programs point at what exists."""
    stretches: dict[str, Any] = {}
    ids: set[str] = set()
    for s in catalog.stretches:
        if s.id in ids:
            raise ValueError(f"id {s.id!r} twice")
        ids.add(s.id)
        stretches[s.id] = s
    routine_ids: set[str] = set()
    for r in catalog.routines:
        if r.id in ids:
            raise ValueError(f"id {r.id!r} twice")
        ids.add(r.id)
        routine_ids.add(r.id)
        for step in r.steps:
            s = stretches.get(step.stretch)
            if s is None:
                raise ValueError(f"routine {r.id!r} uses unknown stretch {step.stretch!r}")
            if step.variation is not None and all(v.id != step.variation for v in s.variations):
                raise ValueError(f"unknown variation {step.variation!r}")
    for p in catalog.programs:
        if p.id in ids:
            raise ValueError(f"id {p.id!r} twice")
        ids.add(p.id)
        for rid in (*p.relief.routines.values(), *p.maintenance.routines.values()):
            if rid not in routine_ids:
                raise ValueError(f"program {p.id!r} uses unknown routine {rid!r}")


# --- pydantic v2 ---------------------------------------------------------------------------

_CFG = ConfigDict(extra="forbid", strict=True, frozen=True)
PySlug = Annotated[str, Field(max_length=text_limit(Stretch, "id"), pattern=SLUG)]
PyText = Annotated[str, Field(min_length=1, max_length=text_limit(Stretch, "name"), pattern=TEXT)]
PyLabel = Annotated[str, Field(min_length=1, max_length=text_limit(Angle, "label"), pattern=TEXT)]


class PyHold(BaseModel):
    model_config = _CFG
    kind: Literal["hold"]
    seconds: Annotated[int, Field(**_whole(Hold, "seconds"))]


class PyAngle(BaseModel):
    model_config = _CFG
    label: PyLabel
    degrees: Annotated[int, Field(**_whole(Angle, "degrees"))]
    seconds: Annotated[int, Field(**_whole(Angle, "seconds"))]


class PyAngleSequence(BaseModel):
    model_config = _CFG
    kind: Literal["angle_sequence"]
    angles: Annotated[tuple[PyAngle, ...], Field(**_size(AngleSequence, "angles"))]

    @model_validator(mode="after")
    def _labels(self) -> PyAngleSequence:
        _unique_labels(self.angles)
        return self


class PyNamedPosition(BaseModel):
    model_config = _CFG
    label: PyLabel
    seconds: Annotated[int, Field(**_whole(NamedPosition, "seconds"))]


class PyPositionSequence(BaseModel):
    model_config = _CFG
    kind: Literal["position_sequence"]
    positions: Annotated[tuple[PyNamedPosition, ...], Field(**_size(PositionSequence, "positions"))]

    @model_validator(mode="after")
    def _labels(self) -> PyPositionSequence:
        _unique_labels(self.positions)
        return self


class PyReps(BaseModel):
    model_config = _CFG
    kind: Literal["reps"]
    count: Annotated[int, Field(**_whole(Reps, "count"))]
    seconds_per_rep: Annotated[int, Field(**_whole(Reps, "seconds_per_rep"))]
    hold_seconds: Annotated[int, Field(**_whole(Reps, "hold_seconds"))] = default(
        Reps, "hold_seconds"
    )


class PyBreath(BaseModel):
    model_config = _CFG
    kind: Literal["breath"]
    rounds: Annotated[int, Field(**_whole(Breath, "rounds"))]
    exhale_seconds: Annotated[int, Field(**_whole(Breath, "exhale_seconds"))]
    hold_seconds: Annotated[int, Field(**_whole(Breath, "hold_seconds"))]
    release_seconds: Annotated[int, Field(**_whole(Breath, "release_seconds"))]


PyPhase = Annotated[
    PyHold | PyAngleSequence | PyPositionSequence | PyReps | PyBreath,
    Field(discriminator="kind"),
]
PyDose = Annotated[tuple[PyPhase, ...], Field(**_size(Stretch, "dose"))]


class PyMedia(BaseModel):
    model_config = _CFG
    kind: MediaKind
    url: PyText
    alt: PyText


class PyVariation(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    instructions: Annotated[tuple[PyText, ...], Field(**_size(Variation, "instructions"))] = ()
    equipment: tuple[PySlug, ...] = ()


class PyStretch(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    instructions: Annotated[tuple[PyText, ...], Field(**_size(Stretch, "instructions"))]
    position: StartPosition
    dose: PyDose
    sides: Sides = default(Stretch, "sides")
    equipment: tuple[PySlug, ...] = ()
    targets: tuple[PySlug, ...] = ()
    variations: tuple[PyVariation, ...] = ()
    media: tuple[PyMedia, ...] = ()
    cautions: tuple[PyText, ...] = ()
    other_positions: Annotated[
        tuple[StartPosition, ...], Field(**_size(Stretch, "other_positions"))
    ] = ()

    @model_validator(mode="after")
    def _others(self) -> PyStretch:
        _check_others(self.position, self.other_positions)
        return self


class PyRoutineStep(BaseModel):
    model_config = _CFG
    stretch: PySlug
    dose: PyDose | None = None
    variation: PySlug | None = None


class PyRoutine(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    context: Context
    minutes: Annotated[float, Field(**_number(Routine, "minutes"))]
    steps: Annotated[tuple[PyRoutineStep, ...], Field(**_size(Routine, "steps"))]
    description: PyText | None = None


class PyReliefPhase(BaseModel):
    model_config = _CFG
    routines: Annotated[dict[Context, PySlug], Field(**_size(ReliefPhase, "routines"))]
    min_sessions_per_day: Annotated[int, Field(**_whole(ReliefPhase, "min_sessions_per_day"))] = (
        default(ReliefPhase, "min_sessions_per_day")
    )
    max_sessions_per_day: Annotated[int, Field(**_whole(ReliefPhase, "max_sessions_per_day"))] = (
        default(ReliefPhase, "max_sessions_per_day")
    )
    in_order: bool = default(ReliefPhase, "in_order")

    @model_validator(mode="after")
    def _max(self) -> PyReliefPhase:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")
        return self


class PyMaintenancePhase(BaseModel):
    model_config = _CFG
    routines: Annotated[dict[Context, PySlug], Field(**_size(MaintenancePhase, "routines"))]
    min_sessions_per_day: Annotated[
        int, Field(**_whole(MaintenancePhase, "min_sessions_per_day"))
    ] = default(MaintenancePhase, "min_sessions_per_day")
    max_sessions_per_day: Annotated[
        int, Field(**_whole(MaintenancePhase, "max_sessions_per_day"))
    ] = default(MaintenancePhase, "max_sessions_per_day")

    @model_validator(mode="after")
    def _max(self) -> PyMaintenancePhase:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")
        return self


class PyReintroduction(BaseModel):
    model_config = _CFG
    rest_hours: Annotated[float, Field(**_number(Reintroduction, "rest_hours"))] = default(
        Reintroduction, "rest_hours"
    )
    rest_backoff: Annotated[float, Field(**_number(Reintroduction, "rest_backoff"))] = default(
        Reintroduction, "rest_backoff"
    )
    max_rest_hours: Annotated[float, Field(**_number(Reintroduction, "max_rest_hours"))] = default(
        Reintroduction, "max_rest_hours"
    )
    max_tries: Annotated[int, Field(**_whole(Reintroduction, "max_tries"))] = default(
        Reintroduction, "max_tries"
    )


PyTexts = Annotated[tuple[PyText, ...], Field(**_size(Program, "symptoms"))]


class PyProgram(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    relief: PyReliefPhase
    maintenance: PyMaintenancePhase
    pain_free_hours: Annotated[float, Field(**_number(Program, "pain_free_hours"))] = default(
        Program, "pain_free_hours"
    )
    reintroduction: PyReintroduction = PyReintroduction()
    audience: PyText | None = None
    symptoms: PyTexts = ()
    disclaimer: PyTexts = ()
    red_flags: PyTexts = ()


class PyCatalog(BaseModel):
    model_config = _CFG
    schema_: Annotated[str | None, Field(alias="$schema")] = None
    format_version: Literal[1]
    stretches: tuple[PyStretch, ...] = ()
    routines: tuple[PyRoutine, ...] = ()
    programs: tuple[PyProgram, ...] = ()

    @model_validator(mode="after")
    def _refs(self) -> PyCatalog:
        check_catalog_refs(self)
        return self


# --- msgspec -------------------------------------------------------------------------------

MsSlug = Annotated[str, msgspec.Meta(max_length=text_limit(Stretch, "id"), pattern=SLUG_PY)]
MsText = Annotated[
    str, msgspec.Meta(min_length=1, max_length=text_limit(Stretch, "name"), pattern=TEXT_PY)
]
MsLabel = Annotated[
    str, msgspec.Meta(min_length=1, max_length=text_limit(Angle, "label"), pattern=TEXT_PY)
]
_KW: dict[str, Any] = {"forbid_unknown_fields": True, "frozen": True, "kw_only": True}


class MsHold(msgspec.Struct, tag_field="kind", tag="hold", **_KW):
    seconds: Annotated[int, msgspec.Meta(**_whole(Hold, "seconds"))]


class MsAngle(msgspec.Struct, **_KW):
    label: MsLabel
    degrees: Annotated[int, msgspec.Meta(**_whole(Angle, "degrees"))]
    seconds: Annotated[int, msgspec.Meta(**_whole(Angle, "seconds"))]


class MsAngleSequence(msgspec.Struct, tag_field="kind", tag="angle_sequence", **_KW):
    angles: Annotated[tuple[MsAngle, ...], msgspec.Meta(**_size(AngleSequence, "angles"))]

    def __post_init__(self) -> None:
        _unique_labels(self.angles)


class MsNamedPosition(msgspec.Struct, **_KW):
    label: MsLabel
    seconds: Annotated[int, msgspec.Meta(**_whole(NamedPosition, "seconds"))]


class MsPositionSequence(msgspec.Struct, tag_field="kind", tag="position_sequence", **_KW):
    positions: Annotated[
        tuple[MsNamedPosition, ...], msgspec.Meta(**_size(PositionSequence, "positions"))
    ]

    def __post_init__(self) -> None:
        _unique_labels(self.positions)


class MsReps(msgspec.Struct, tag_field="kind", tag="reps", **_KW):
    count: Annotated[int, msgspec.Meta(**_whole(Reps, "count"))]
    seconds_per_rep: Annotated[int, msgspec.Meta(**_whole(Reps, "seconds_per_rep"))]
    hold_seconds: Annotated[int, msgspec.Meta(**_whole(Reps, "hold_seconds"))] = default(
        Reps, "hold_seconds"
    )


class MsBreath(msgspec.Struct, tag_field="kind", tag="breath", **_KW):
    rounds: Annotated[int, msgspec.Meta(**_whole(Breath, "rounds"))]
    exhale_seconds: Annotated[int, msgspec.Meta(**_whole(Breath, "exhale_seconds"))]
    hold_seconds: Annotated[int, msgspec.Meta(**_whole(Breath, "hold_seconds"))]
    release_seconds: Annotated[int, msgspec.Meta(**_whole(Breath, "release_seconds"))]


MsPhase = MsHold | MsAngleSequence | MsPositionSequence | MsReps | MsBreath
MsDose = Annotated[tuple[MsPhase, ...], msgspec.Meta(**_size(Stretch, "dose"))]


class MsMedia(msgspec.Struct, **_KW):
    kind: MediaKind
    url: MsText
    alt: MsText


class MsVariation(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    instructions: Annotated[
        tuple[MsText, ...], msgspec.Meta(**_size(Variation, "instructions"))
    ] = ()
    equipment: tuple[MsSlug, ...] = ()


class MsStretch(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    instructions: Annotated[tuple[MsText, ...], msgspec.Meta(**_size(Stretch, "instructions"))]
    position: StartPosition
    dose: MsDose
    sides: Sides = default(Stretch, "sides")
    equipment: tuple[MsSlug, ...] = ()
    targets: tuple[MsSlug, ...] = ()
    variations: tuple[MsVariation, ...] = ()
    media: tuple[MsMedia, ...] = ()
    cautions: tuple[MsText, ...] = ()
    other_positions: Annotated[
        tuple[StartPosition, ...], msgspec.Meta(**_size(Stretch, "other_positions"))
    ] = ()

    def __post_init__(self) -> None:
        _check_others(self.position, self.other_positions)


class MsRoutineStep(msgspec.Struct, **_KW):
    stretch: MsSlug
    dose: MsDose | None = None
    variation: MsSlug | None = None


class MsRoutine(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    context: Context
    minutes: Annotated[float, msgspec.Meta(**_number(Routine, "minutes"))]
    steps: Annotated[tuple[MsRoutineStep, ...], msgspec.Meta(**_size(Routine, "steps"))]
    description: MsText | None = None


MsRoutines = Annotated[dict[Context, MsSlug], msgspec.Meta(**_size(ReliefPhase, "routines"))]


class MsReliefPhase(msgspec.Struct, **_KW):
    routines: MsRoutines
    min_sessions_per_day: Annotated[
        int, msgspec.Meta(**_whole(ReliefPhase, "min_sessions_per_day"))
    ] = default(ReliefPhase, "min_sessions_per_day")
    max_sessions_per_day: Annotated[
        int, msgspec.Meta(**_whole(ReliefPhase, "max_sessions_per_day"))
    ] = default(ReliefPhase, "max_sessions_per_day")
    in_order: bool = default(ReliefPhase, "in_order")

    def __post_init__(self) -> None:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")


class MsMaintenancePhase(msgspec.Struct, **_KW):
    routines: MsRoutines
    min_sessions_per_day: Annotated[
        int, msgspec.Meta(**_whole(MaintenancePhase, "min_sessions_per_day"))
    ] = default(MaintenancePhase, "min_sessions_per_day")
    max_sessions_per_day: Annotated[
        int, msgspec.Meta(**_whole(MaintenancePhase, "max_sessions_per_day"))
    ] = default(MaintenancePhase, "max_sessions_per_day")

    def __post_init__(self) -> None:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")


class MsReintroduction(msgspec.Struct, **_KW):
    rest_hours: Annotated[float, msgspec.Meta(**_number(Reintroduction, "rest_hours"))] = default(
        Reintroduction, "rest_hours"
    )
    rest_backoff: Annotated[float, msgspec.Meta(**_number(Reintroduction, "rest_backoff"))] = (
        default(Reintroduction, "rest_backoff")
    )
    max_rest_hours: Annotated[float, msgspec.Meta(**_number(Reintroduction, "max_rest_hours"))] = (
        default(Reintroduction, "max_rest_hours")
    )
    max_tries: Annotated[int, msgspec.Meta(**_whole(Reintroduction, "max_tries"))] = default(
        Reintroduction, "max_tries"
    )


MsTexts = Annotated[tuple[MsText, ...], msgspec.Meta(**_size(Program, "symptoms"))]


class MsProgram(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    relief: MsReliefPhase
    maintenance: MsMaintenancePhase
    pain_free_hours: Annotated[float, msgspec.Meta(**_number(Program, "pain_free_hours"))] = (
        default(Program, "pain_free_hours")
    )
    reintroduction: MsReintroduction = msgspec.field(default_factory=MsReintroduction)
    audience: MsText | None = None
    symptoms: MsTexts = ()
    disclaimer: MsTexts = ()
    red_flags: MsTexts = ()


class MsCatalog(msgspec.Struct, **_KW):
    format_version: Literal[1]
    schema_: str | None = msgspec.field(default=None, name="$schema")
    stretches: tuple[MsStretch, ...] = ()
    routines: tuple[MsRoutine, ...] = ()
    programs: tuple[MsProgram, ...] = ()

    def __post_init__(self) -> None:
        check_catalog_refs(self)


# --- events: the floors and msgspec --------------------------------------------------------

_TROUBLE = frozenset({"discomfort", "pain"})


class _Fold:
    """The fold a replay does, written as plainly as possible: the floor for replay.

    Sessions per local day, the pain-free clock, and the rest/backoff/park state
    of every stretch; no explanations, no plan, no immutability.
    """

    __slots__ = ("last_pain", "pain_free_since", "parked", "rest", "sessions")

    def __init__(self) -> None:
        self.sessions: Counter[Any] = Counter()
        self.last_pain: datetime | None = None
        self.pain_free_since: datetime | None = None
        self.rest: dict[str, tuple[datetime, int]] = {}
        self.parked: set[str] = set()

    def pain(self, at: datetime, level: int) -> None:
        if level > 0:
            self.last_pain = at
            self.pain_free_since = None
        elif self.pain_free_since is None and (self.last_pain is None or at > self.last_pain):
            self.pain_free_since = at

    def trouble(self, at: datetime, stretch: str) -> None:
        _, tries = self.rest.get(stretch, (at, 0))
        tries += 1
        if tries >= 4:
            self.parked.add(stretch)
        hours = min(24.0 * 2.0 ** (tries - 1), 168.0)
        self.rest[stretch] = (at + timedelta(hours=hours), tries)


def bare_replay(raw: bytes) -> _Fold:
    """``json.loads`` the stored events, parse instants, sort, drop duplicate ids, fold."""
    docs = json.loads(raw)
    fromiso = datetime.fromisoformat
    items = sorted(((fromiso(d["at"]), d["id"], d) for d in docs), key=lambda t: t[:2])
    seen: set[str] = set()
    fold = _Fold()
    for at, eid, d in items:
        if eid in seen:
            continue
        seen.add(eid)
        kind = d["type"]
        if kind == "pain_reported":
            fold.pain(at, d["level"])
        elif kind == "session_logged":
            s = d["session"]
            started = fromiso(s["started_at"])
            ended = fromiso(s["ended_at"])
            if s.get("pain_before") is not None:
                fold.pain(started, s["pain_before"])
            done = False
            for step in s["steps"]:
                if step["outcome"] == "completed":
                    done = True
                elif step.get("reason") in _TROUBLE:
                    fold.trouble(ended, step["stretch"])
            if done:
                fold.sessions[started.date()] += 1
            if s.get("pain_after") is not None:
                fold.pain(ended, s["pain_after"])
        elif kind == "stretch_reenabled":
            fold.parked.discard(d["stretch_id"])
            fold.rest.pop(d["stretch_id"], None)
    return fold


class MsStep(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    stretch: MsSlug
    outcome: Literal["completed", "skipped"]
    reason: Literal["discomfort", "pain", "no_equipment", "no_time", "user_choice"] | None = None


MsAware = Annotated[datetime, msgspec.Meta(tz=True)]
MsPain = Annotated[int, msgspec.Meta(**_whole(Session, "pain_before"))]


class MsSession(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: Annotated[str, msgspec.Meta(max_length=text_limit(Session, "id"))]
    routine: MsSlug
    started_at: MsAware
    ended_at: MsAware
    steps: tuple[MsStep, ...] = ()
    pain_before: MsPain | None = None
    pain_after: MsPain | None = None


class MsPainReported(msgspec.Struct, tag_field="type", tag="pain_reported", frozen=True):
    id: str
    at: MsAware
    level: MsPain


class MsSessionLogged(msgspec.Struct, tag_field="type", tag="session_logged", frozen=True):
    id: str
    at: MsAware
    session: MsSession


class MsStretchReenabled(msgspec.Struct, tag_field="type", tag="stretch_reenabled", frozen=True):
    id: str
    at: MsAware
    stretch_id: MsSlug


MsEvent = MsPainReported | MsSessionLogged | MsStretchReenabled
_MS_EVENTS = msgspec.json.Decoder(list[MsEvent])


def msgspec_replay(raw: bytes) -> _Fold:
    """Typed, checked decode with msgspec, then the same fold."""
    evs = sorted(_MS_EVENTS.decode(raw), key=lambda e: (e.at, e.id))
    seen: set[str] = set()
    fold = _Fold()
    for e in evs:
        if e.id in seen:
            continue
        seen.add(e.id)
        if type(e) is MsPainReported:
            fold.pain(e.at, e.level)
        elif type(e) is MsSessionLogged:
            s = e.session
            if s.pain_before is not None:
                fold.pain(s.started_at, s.pain_before)
            done = False
            for step in s.steps:
                if step.outcome == "completed":
                    done = True
                elif step.reason in _TROUBLE:
                    fold.trouble(s.ended_at, step.stretch)
            if done:
                fold.sessions[s.started_at.date()] += 1
            if s.pain_after is not None:
                fold.pain(s.ended_at, s.pain_after)
        elif type(e) is MsStretchReenabled:
            fold.parked.discard(e.stretch_id)
            fold.rest.pop(e.stretch_id, None)
    return fold
