"""The same catalog and events modelled the way a user of pydantic or msgspec would, and the floors.

The peers make the checks the stretchkit format makes, so the ratios compare
like with like: the phase ``kind`` is a tagged union, unknown fields are
refused, types are strict (no ``"30"`` for 30), the same bounds, slugs and
text rules apply, labels are unique within a sequence, the daily maximum is not
below the minimum, and at catalog level ids are unique and references resolve.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SLUG",
    "TEXT",
    "MsCatalog",
    "PyCatalog",
    "bare_replay",
    "check_catalog_refs",
    "msgspec_replay",
]

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TEXT = r"^[^\S\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
"""The schema's text rule (no control character, not only white space) without a lookahead.

pydantic's regex engine (Rust) has no lookahead and its ``$`` is the very end;
Python's ``re`` (msgspec) needs ``\\Z``, since its ``$`` also matches before a
final newline. Both engines' ``\\s`` is Unicode white space.
"""
SLUG_PY = SLUG[:-1] + r"\Z"
TEXT_PY = TEXT[:-1] + r"\Z"


class Position(enum.Enum):
    SUPINE = "supine"
    PRONE = "prone"
    SIDE_LYING = "side_lying"
    ALL_FOURS = "all_fours"
    KNEELING = "kneeling"
    SEATED = "seated"
    STANDING = "standing"


class Context(enum.Enum):
    LYING = "lying"
    SITTING = "sitting"
    STANDING = "standing"


class Sides(enum.Enum):
    NONE = "none"
    BOTH = "both"
    EACH = "each"


class MediaKind(enum.Enum):
    IMAGE = "image"
    VIDEO = "video"
    ANIMATION = "animation"


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
PySlug = Annotated[str, Field(max_length=64, pattern=SLUG)]
PyText = Annotated[str, Field(min_length=1, max_length=2000, pattern=TEXT)]
PyLabel = Annotated[str, Field(min_length=1, max_length=120, pattern=TEXT)]
PySeconds = Annotated[int, Field(ge=1, le=3600)]


class PyHold(BaseModel):
    model_config = _CFG
    kind: Literal["hold"]
    seconds: PySeconds


class PyAngle(BaseModel):
    model_config = _CFG
    label: PyLabel
    degrees: Annotated[int, Field(ge=-360, le=360)]
    seconds: PySeconds


class PyAngleSequence(BaseModel):
    model_config = _CFG
    kind: Literal["angle_sequence"]
    angles: Annotated[tuple[PyAngle, ...], Field(min_length=2, max_length=24)]

    @model_validator(mode="after")
    def _labels(self) -> PyAngleSequence:
        _unique_labels(self.angles)
        return self


class PyNamedPosition(BaseModel):
    model_config = _CFG
    label: PyLabel
    seconds: PySeconds


class PyPositionSequence(BaseModel):
    model_config = _CFG
    kind: Literal["position_sequence"]
    positions: Annotated[tuple[PyNamedPosition, ...], Field(min_length=2, max_length=24)]

    @model_validator(mode="after")
    def _labels(self) -> PyPositionSequence:
        _unique_labels(self.positions)
        return self


class PyReps(BaseModel):
    model_config = _CFG
    kind: Literal["reps"]
    count: Annotated[int, Field(ge=1, le=1000)]
    seconds_per_rep: PySeconds
    hold_seconds: Annotated[int, Field(ge=0, le=3600)] = 0


class PyBreath(BaseModel):
    model_config = _CFG
    kind: Literal["breath"]
    rounds: Annotated[int, Field(ge=1, le=100)]
    exhale_seconds: PySeconds
    hold_seconds: PySeconds
    release_seconds: PySeconds


PyPhase = Annotated[
    PyHold | PyAngleSequence | PyPositionSequence | PyReps | PyBreath,
    Field(discriminator="kind"),
]
PyDose = Annotated[tuple[PyPhase, ...], Field(min_length=1, max_length=24)]


class PyMedia(BaseModel):
    model_config = _CFG
    kind: MediaKind
    url: PyText
    alt: PyText


class PyVariation(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    instructions: Annotated[tuple[PyText, ...], Field(max_length=20)] = ()
    equipment: tuple[PySlug, ...] = ()


class PyStretch(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    instructions: Annotated[tuple[PyText, ...], Field(min_length=1, max_length=20)]
    position: Position
    dose: PyDose
    sides: Sides = Sides.NONE
    equipment: tuple[PySlug, ...] = ()
    targets: tuple[PySlug, ...] = ()
    variations: tuple[PyVariation, ...] = ()
    media: tuple[PyMedia, ...] = ()
    cautions: tuple[PyText, ...] = ()
    other_positions: Annotated[tuple[Position, ...], Field(max_length=6)] = ()

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
    minutes: Annotated[float, Field(ge=0.1, le=600)]
    steps: Annotated[tuple[PyRoutineStep, ...], Field(min_length=1, max_length=200)]
    description: PyText | None = None


PySessions = Annotated[int, Field(ge=1, le=48)]


class PyReliefPhase(BaseModel):
    model_config = _CFG
    routines: Annotated[dict[Context, PySlug], Field(min_length=1)]
    min_sessions_per_day: PySessions = 1
    max_sessions_per_day: PySessions = 10
    in_order: bool = True

    @model_validator(mode="after")
    def _max(self) -> PyReliefPhase:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")
        return self


class PyMaintenancePhase(BaseModel):
    model_config = _CFG
    routines: Annotated[dict[Context, PySlug], Field(min_length=1)]
    min_sessions_per_day: Annotated[int, Field(ge=0, le=48)] = 1
    max_sessions_per_day: PySessions = 3

    @model_validator(mode="after")
    def _max(self) -> PyMaintenancePhase:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")
        return self


class PyReintroduction(BaseModel):
    model_config = _CFG
    rest_hours: Annotated[float, Field(ge=0, le=8760)] = 24.0
    rest_backoff: Annotated[float, Field(ge=1, le=10)] = 2.0
    max_rest_hours: Annotated[float, Field(ge=0, le=8760)] = 168.0
    max_tries: Annotated[int, Field(ge=1, le=100)] = 4


PyTexts = Annotated[tuple[PyText, ...], Field(max_length=50)]


class PyProgram(BaseModel):
    model_config = _CFG
    id: PySlug
    name: PyText
    relief: PyReliefPhase
    maintenance: PyMaintenancePhase
    pain_free_hours: Annotated[float, Field(ge=1, le=8760)] = 24.0
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

MsSlug = Annotated[str, msgspec.Meta(max_length=64, pattern=SLUG_PY)]
MsText = Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=TEXT_PY)]
MsLabel = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=TEXT_PY)]
MsSeconds = Annotated[int, msgspec.Meta(ge=1, le=3600)]
_KW: dict[str, Any] = {"forbid_unknown_fields": True, "frozen": True, "kw_only": True}


class MsHold(msgspec.Struct, tag_field="kind", tag="hold", **_KW):
    seconds: MsSeconds


class MsAngle(msgspec.Struct, **_KW):
    label: MsLabel
    degrees: Annotated[int, msgspec.Meta(ge=-360, le=360)]
    seconds: MsSeconds


class MsAngleSequence(msgspec.Struct, tag_field="kind", tag="angle_sequence", **_KW):
    angles: Annotated[tuple[MsAngle, ...], msgspec.Meta(min_length=2, max_length=24)]

    def __post_init__(self) -> None:
        _unique_labels(self.angles)


class MsNamedPosition(msgspec.Struct, **_KW):
    label: MsLabel
    seconds: MsSeconds


class MsPositionSequence(msgspec.Struct, tag_field="kind", tag="position_sequence", **_KW):
    positions: Annotated[tuple[MsNamedPosition, ...], msgspec.Meta(min_length=2, max_length=24)]

    def __post_init__(self) -> None:
        _unique_labels(self.positions)


class MsReps(msgspec.Struct, tag_field="kind", tag="reps", **_KW):
    count: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    seconds_per_rep: MsSeconds
    hold_seconds: Annotated[int, msgspec.Meta(ge=0, le=3600)] = 0


class MsBreath(msgspec.Struct, tag_field="kind", tag="breath", **_KW):
    rounds: Annotated[int, msgspec.Meta(ge=1, le=100)]
    exhale_seconds: MsSeconds
    hold_seconds: MsSeconds
    release_seconds: MsSeconds


MsPhase = MsHold | MsAngleSequence | MsPositionSequence | MsReps | MsBreath
MsDose = Annotated[tuple[MsPhase, ...], msgspec.Meta(min_length=1, max_length=24)]


class MsMedia(msgspec.Struct, **_KW):
    kind: MediaKind
    url: MsText
    alt: MsText


class MsVariation(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    instructions: Annotated[tuple[MsText, ...], msgspec.Meta(max_length=20)] = ()
    equipment: tuple[MsSlug, ...] = ()


class MsStretch(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    instructions: Annotated[tuple[MsText, ...], msgspec.Meta(min_length=1, max_length=20)]
    position: Position
    dose: MsDose
    sides: Sides = Sides.NONE
    equipment: tuple[MsSlug, ...] = ()
    targets: tuple[MsSlug, ...] = ()
    variations: tuple[MsVariation, ...] = ()
    media: tuple[MsMedia, ...] = ()
    cautions: tuple[MsText, ...] = ()
    other_positions: Annotated[tuple[Position, ...], msgspec.Meta(max_length=6)] = ()

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
    minutes: Annotated[float, msgspec.Meta(ge=0.1, le=600)]
    steps: Annotated[tuple[MsRoutineStep, ...], msgspec.Meta(min_length=1, max_length=200)]
    description: MsText | None = None


MsSessions = Annotated[int, msgspec.Meta(ge=1, le=48)]
MsRoutines = Annotated[dict[Context, MsSlug], msgspec.Meta(min_length=1)]


class MsReliefPhase(msgspec.Struct, **_KW):
    routines: MsRoutines
    min_sessions_per_day: MsSessions = 1
    max_sessions_per_day: MsSessions = 10
    in_order: bool = True

    def __post_init__(self) -> None:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")


class MsMaintenancePhase(msgspec.Struct, **_KW):
    routines: MsRoutines
    min_sessions_per_day: Annotated[int, msgspec.Meta(ge=0, le=48)] = 1
    max_sessions_per_day: MsSessions = 3

    def __post_init__(self) -> None:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise ValueError("max_sessions_per_day is below min_sessions_per_day")


class MsReintroduction(msgspec.Struct, **_KW):
    rest_hours: Annotated[float, msgspec.Meta(ge=0, le=8760)] = 24.0
    rest_backoff: Annotated[float, msgspec.Meta(ge=1, le=10)] = 2.0
    max_rest_hours: Annotated[float, msgspec.Meta(ge=0, le=8760)] = 168.0
    max_tries: Annotated[int, msgspec.Meta(ge=1, le=100)] = 4


MsTexts = Annotated[tuple[MsText, ...], msgspec.Meta(max_length=50)]


class MsProgram(msgspec.Struct, **_KW):
    id: MsSlug
    name: MsText
    relief: MsReliefPhase
    maintenance: MsMaintenancePhase
    pain_free_hours: Annotated[float, msgspec.Meta(ge=1, le=8760)] = 24.0
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
MsPain = Annotated[int, msgspec.Meta(ge=0, le=10)]


class MsSession(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: Annotated[str, msgspec.Meta(max_length=128)]
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
