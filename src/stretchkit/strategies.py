"""Hypothesis strategies for every stretchkit model type (the ``testing`` extra).

Apps that embed stretchkit can property-test their own code with these:
``@given(catalogs())`` gives whole catalogs that load, dump to schema-valid
JSON and pass every semantic check without a warning (unique ids, references
that resolve, routine minutes that match the derived duration, relief and
maintenance routines listed under their own context).

``st.builds`` would ignore the attrs bounds, so every field has an explicit
strategy, whose bounds are read from the model's own validators: a bound
changed in the model changes what is drawn, and no number of the format is
written here again. Sizes are kept small so that tests stay fast; the building
blocks take bounds where a caller may want more. (Model objects are built from
keyword dicts because the ``converter=tuple`` fields type their ``__init__``
parameters too loosely for mypy to check such calls.) Strategies without model
arguments are cached: building and validating strategy objects would otherwise dominate.
"""

from __future__ import annotations

import functools
import string
import typing
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import attrs
from hypothesis import strategies as st

from stretchkit.model import (
    PART_KINDS,
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
    Part,
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
    StartPosition,
    StepResult,
    Stretch,
    Variation,
)
from stretchkit.model._bounds import default, number_range, size_range, text_limit, whole_range

__all__ = [
    "angle_sequences",
    "aware_datetimes",
    "breaths",
    "catalogs",
    "doses",
    "event_times",
    "events",
    "histories",
    "holds",
    "labels",
    "maintenance_phases",
    "media",
    "media_urls",
    "parts",
    "policies",
    "position_sequences",
    "programs",
    "reintroductions",
    "relief_phases",
    "reps",
    "routine_steps",
    "routines",
    "seconds",
    "sessions",
    "slugs",
    "step_results",
    "stretches",
    "texts",
    "variations",
]

MAX_SECONDS = whole_range(Hold, "seconds")[1]
_SLUG_ALPHABET = string.ascii_lowercase + string.digits
_TEXT_CHARS = st.characters(
    exclude_categories=("Cc", "Cs"),
    exclude_characters="".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])),
)
"""Any character but controls (U+0000-U+001F, U+007F-U+009F), lone surrogates and the
bidirectional controls the model refuses (U+202A-U+202E, U+2066-U+2069)."""


def _integers(cls: type, name: str, cap: int | None = None) -> st.SearchStrategy[int]:
    """The whole numbers the field ``name`` of ``cls`` accepts, at most ``cap``."""
    low, high = whole_range(cls, name)
    return st.integers(low, high if cap is None else min(cap, high))


def _floats(cls: type, name: str) -> st.SearchStrategy[float]:
    low, high = number_range(cls, name)
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _most(cls: type, name: str, wanted: int) -> int:
    """``wanted`` items, or fewer if the field holds fewer."""
    high = size_range(cls, name)[1]
    return wanted if high is None else min(wanted, high)


def _fewest(cls: type, name: str) -> int:
    return size_range(cls, name)[0]


@functools.cache
def slugs(*, max_words: int = 4) -> st.SearchStrategy[str]:
    """Ids, equipment and targets: ``heel-press``, ``a1-b2``."""
    word = st.text(_SLUG_ALPHABET, min_size=1, max_size=8)
    joined = st.lists(word, min_size=1, max_size=max_words).map("-".join)
    limit = text_limit(Stretch, "id")
    return joined if max_words * 9 - 1 <= limit else joined.filter(lambda s: len(s) <= limit)


@functools.cache
def texts(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Human text: at least one visible character, no control characters."""
    high = min(max_size, text_limit(Stretch, "name"))
    return st.text(_TEXT_CHARS, min_size=1, max_size=high).filter(str.strip)


@functools.cache
def labels(*, max_size: int = 20) -> st.SearchStrategy[str]:
    """Short labels for angles and positions (no longer than the model allows either)."""
    return texts(
        max_size=min(max_size, text_limit(Angle, "label"), text_limit(NamedPosition, "label"))
    )


@functools.cache
def seconds(*, max_value: int = MAX_SECONDS) -> st.SearchStrategy[int]:
    return _integers(Hold, "seconds", max_value)


@functools.cache
def holds(*, max_seconds: int = MAX_SECONDS) -> st.SearchStrategy[Hold]:
    return st.builds(Hold, seconds=_integers(Hold, "seconds", max_seconds))


def _angle_sequence(angles: list[Angle]) -> AngleSequence:
    fields: dict[str, Any] = {"angles": angles}
    return AngleSequence(**fields)


def _position_sequence(positions: list[NamedPosition]) -> PositionSequence:
    fields: dict[str, Any] = {"positions": positions}
    return PositionSequence(**fields)


@functools.cache
def angle_sequences(
    *, max_seconds: int = MAX_SECONDS, max_angles: int = 4
) -> st.SearchStrategy[AngleSequence]:
    """2 to ``max_angles`` angles with labels that differ even ignoring case."""
    angle = st.builds(
        Angle,
        label=labels(),
        degrees=_integers(Angle, "degrees"),
        seconds=_integers(Angle, "seconds", max_seconds),
    )
    return st.lists(
        angle,
        min_size=_fewest(AngleSequence, "angles"),
        max_size=_most(AngleSequence, "angles", max_angles),
        unique_by=lambda a: a.label.casefold(),
    ).map(_angle_sequence)


@functools.cache
def position_sequences(
    *, max_seconds: int = MAX_SECONDS, max_positions: int = 4
) -> st.SearchStrategy[PositionSequence]:
    position = st.builds(
        NamedPosition, label=labels(), seconds=_integers(NamedPosition, "seconds", max_seconds)
    )
    return st.lists(
        position,
        min_size=_fewest(PositionSequence, "positions"),
        max_size=_most(PositionSequence, "positions", max_positions),
        unique_by=lambda p: p.label.casefold(),
    ).map(_position_sequence)


@functools.cache
def reps(*, max_count: int = 1000, max_seconds: int = MAX_SECONDS) -> st.SearchStrategy[Reps]:
    return st.builds(
        Reps,
        count=_integers(Reps, "count", max_count),
        seconds_per_rep=_integers(Reps, "seconds_per_rep", max_seconds),
        hold_seconds=_integers(Reps, "hold_seconds", max_seconds),
    )


@functools.cache
def breaths(*, max_rounds: int = 100, max_seconds: int = MAX_SECONDS) -> st.SearchStrategy[Breath]:
    return st.builds(
        Breath,
        rounds=_integers(Breath, "rounds", max_rounds),
        exhale_seconds=_integers(Breath, "exhale_seconds", max_seconds),
        hold_seconds=_integers(Breath, "hold_seconds", max_seconds),
        release_seconds=_integers(Breath, "release_seconds", max_seconds),
    )


_SMALL = 10
"""With ``small``, counts and times (fields whose range starts at 0 or 1) stop here."""


def _derived(cls: type, small: bool) -> st.SearchStrategy[Any]:
    """Instances of the attrs class ``cls`` from its fields' own types and bounds alone.

    Whole numbers take the field's range (capped at ``_SMALL`` with ``small`` unless
    the range is signed, as degrees are); text takes labels; a tuple of attrs items
    takes 2 to 4 of them (within the field's size) with labels that differ ignoring
    case. A kind of dose part without a strategy of its own is drawn this way.
    """
    hints = typing.get_type_hints(cls)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for f in attrs.fields(cls):
        hint = hints[f.name]
        if hint is int:
            low, high = whole_range(cls, f.name)
            fields[f.name] = st.integers(low, min(high, _SMALL) if small and low >= 0 else high)
        elif hint is str:
            fields[f.name] = labels()
        elif typing.get_origin(hint) is tuple and attrs.has(item := typing.get_args(hint)[0]):
            fewest, most = size_range(cls, f.name)
            unique = "label" in attrs.fields_dict(item)
            fields[f.name] = st.lists(
                _derived(item, small),
                min_size=fewest,
                max_size=max(fewest, min(4, most if most is not None else 4)),
                unique_by=(lambda x: x.label.casefold()) if unique else None,
            ).map(tuple)
        else:  # pragma: no cover - a part field of a new type: teach this function
            raise TypeError(f"no strategy for {cls.__name__}.{f.name}: {hint!r}")
    return st.builds(cls, **fields)


def _own(small: bool) -> dict[type, st.SearchStrategy[Any]]:
    """The kinds with a strategy of their own (tuned sizes); the rest are derived."""
    if small:
        return {
            Hold: holds(max_seconds=120),
            AngleSequence: angle_sequences(max_seconds=60),
            PositionSequence: position_sequences(max_seconds=60),
            Reps: reps(max_count=10, max_seconds=10),
            Breath: breaths(max_rounds=5, max_seconds=10),
        }
    return {
        Hold: holds(),
        AngleSequence: angle_sequences(),
        PositionSequence: position_sequences(),
        Reps: reps(),
        Breath: breaths(),
    }


@functools.cache
def parts(*, small: bool = False) -> st.SearchStrategy[Part]:
    """Any kind of dose part in ``PART_KINDS``. ``small`` keeps each under about ten minutes."""
    own = _own(small)
    return st.one_of([own[cls] if cls in own else _derived(cls, small) for cls in PART_KINDS])


@functools.cache
def doses(*, small: bool = False, max_parts: int = 3) -> st.SearchStrategy[tuple[Part, ...]]:
    return st.lists(
        parts(small=small),
        min_size=_fewest(Stretch, "dose"),
        max_size=_most(Stretch, "dose", max_parts),
    ).map(tuple)


@functools.cache
def _unique_slugs(max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(slugs(max_words=2), max_size=max_size, unique=True)


_URL_PART = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)


def media_urls() -> st.SearchStrategy[str]:
    """Links a catalog may hold: https: URLs and relative paths inside its folder."""
    path = st.lists(_URL_PART, min_size=1, max_size=3).map("/".join)
    return st.one_of(
        st.builds("https://{}.example/{}".format, _URL_PART, path),
        st.builds("{}.{}".format, path, st.sampled_from(["png", "jpg", "mp4", "webp"])),
    )


@functools.cache
def media() -> st.SearchStrategy[Media]:
    return st.builds(Media, kind=st.sampled_from(MediaKind), url=media_urls(), alt=texts())


@functools.cache
def variations(*, id: str | None = None) -> st.SearchStrategy[Variation]:
    return st.builds(
        Variation,
        id=slugs() if id is None else st.just(id),
        name=texts(),
        instructions=st.lists(texts(), max_size=_most(Variation, "instructions", 3)),
        equipment=_unique_slugs(_most(Variation, "equipment", 2)),
    )


@st.composite
def _stretch(draw: st.DrawFn, stretch_id: str | None, small: bool) -> Stretch:
    variation_ids = draw(st.lists(slugs(max_words=2), max_size=2, unique=True))
    fields: dict[str, Any] = {
        "id": draw(slugs()) if stretch_id is None else stretch_id,
        "name": draw(texts()),
        "instructions": draw(
            st.lists(
                texts(),
                min_size=_fewest(Stretch, "instructions"),
                max_size=_most(Stretch, "instructions", 2),
            )
        ),
        "position": draw(st.sampled_from(StartPosition)),
        "dose": draw(doses(small=small)),
        "sides": draw(st.sampled_from(Sides)),
        "equipment": draw(_unique_slugs(_most(Stretch, "equipment", 2))),
        "targets": draw(_unique_slugs(_most(Stretch, "targets", 2))),
        "variations": [draw(variations(id=v)) for v in variation_ids],
        "media": draw(st.lists(media(), max_size=_most(Stretch, "media", 1))),
        "cautions": draw(st.lists(texts(), max_size=_most(Stretch, "cautions", 1))),
    }
    others = [p for p in StartPosition if p is not fields["position"]]
    most = _most(Stretch, "other_positions", 2)
    fields["other_positions"] = draw(st.lists(st.sampled_from(others), max_size=most, unique=True))
    return Stretch(**fields)


@functools.cache
def stretches(*, id: str | None = None, small: bool = False) -> st.SearchStrategy[Stretch]:
    """A stretch; ``small`` keeps its dose short enough for routines under ten hours."""
    return _stretch(id, small)


@st.composite
def _steps(draw: st.DrawFn, pool: tuple[Stretch, ...], max_steps: int) -> list[RoutineStep]:
    steps: list[RoutineStep] = []
    fewest, most = _fewest(Routine, "steps"), _most(Routine, "steps", max_steps)
    for stretch in draw(st.lists(st.sampled_from(pool), min_size=fewest, max_size=most)):
        variation: str | None = None
        wants_variation: bool = draw(st.booleans())
        if stretch.variations and wants_variation:
            variation = draw(st.sampled_from(stretch.variations)).id
        dose = draw(st.none() | doses(small=True, max_parts=2))
        if steps and (steps[-1].stretch, steps[-1].variation) == (stretch.id, variation):
            continue  # the same stretch twice in a row draws a warning
        steps.append(RoutineStep(stretch=stretch.id, dose=dose, variation=variation))
    return steps


def routine_steps(pool: tuple[Stretch, ...] | list[Stretch]) -> st.SearchStrategy[RoutineStep]:
    """One step naming a stretch of ``pool`` (and maybe one of its variations)."""
    return _steps(tuple(pool), 1).map(lambda steps: steps[0])


@st.composite
def _routine(
    draw: st.DrawFn,
    pool: tuple[Stretch, ...],
    routine_id: str | None,
    context: Context | None,
    max_steps: int,
) -> Routine:
    steps = draw(_steps(pool, max_steps))
    by_id = {s.id: s for s in pool}
    derived = sum(by_id[s.stretch].duration_with(s.dose) for s in steps)
    fields: dict[str, Any] = {
        "id": draw(slugs()) if routine_id is None else routine_id,
        "name": draw(texts()),
        "context": draw(st.sampled_from(Context)) if context is None else context,
        "minutes": max(number_range(Routine, "minutes")[0], round(derived / 60, 1)),
        "steps": steps,
        "description": draw(st.none() | texts()),
    }
    return Routine(**fields)


def routines(
    pool: tuple[Stretch, ...] | list[Stretch],
    *,
    id: str | None = None,
    context: Context | None = None,
    max_steps: int = 5,
) -> st.SearchStrategy[Routine]:
    """A routine of stretches from ``pool`` whose ``minutes`` match its derived duration.

    Use stretches drawn with ``small=True`` so that the duration stays within the
    most minutes a routine may promise.
    """
    return _routine(tuple(pool), id, context, max_steps)


@st.composite
def _sessions_per_day(
    draw: st.DrawFn, phase: type[ReliefPhase | MaintenancePhase]
) -> tuple[int, int]:
    if draw(st.booleans()):  # the defaults, which the canonical dump leaves out
        return default(phase, "min_sessions_per_day"), default(phase, "max_sessions_per_day")
    low = draw(_integers(phase, "min_sessions_per_day"))
    least, most = whole_range(phase, "max_sessions_per_day")
    high = draw(st.integers(max(low, least), most))
    return low, high


def _routines_by_context(pool: tuple[Routine, ...]) -> st.SearchStrategy[dict[Context, str]]:
    by_context: dict[Context, list[str]] = {}
    for r in pool:
        by_context.setdefault(r.context, []).append(r.id)
    entries = [st.tuples(st.just(c), st.sampled_from(ids)) for c, ids in by_context.items()]
    return st.lists(
        st.one_of(entries), min_size=1, max_size=len(entries), unique_by=lambda e: e[0]
    ).map(dict)


@st.composite
def _relief(draw: st.DrawFn, pool: tuple[Routine, ...]) -> ReliefPhase:
    low, high = draw(_sessions_per_day(ReliefPhase))
    return ReliefPhase(
        routines=draw(_routines_by_context(pool)),
        min_sessions_per_day=low,
        max_sessions_per_day=high,
        in_order=draw(st.booleans()),
    )


@st.composite
def _maintenance(draw: st.DrawFn, pool: tuple[Routine, ...]) -> MaintenancePhase:
    low, high = draw(_sessions_per_day(MaintenancePhase))
    return MaintenancePhase(
        routines=draw(_routines_by_context(pool)),
        min_sessions_per_day=low,
        max_sessions_per_day=high,
    )


def relief_phases(pool: tuple[Routine, ...] | list[Routine]) -> st.SearchStrategy[ReliefPhase]:
    """A relief phase listing routines of ``pool`` under their own context."""
    return _relief(tuple(pool))


def maintenance_phases(
    pool: tuple[Routine, ...] | list[Routine],
) -> st.SearchStrategy[MaintenancePhase]:
    return _maintenance(tuple(pool))


@st.composite
def _reintroduction(draw: st.DrawFn) -> Reintroduction:
    rest = draw(_floats(Reintroduction, "rest_hours"))
    least, most = number_range(Reintroduction, "max_rest_hours")
    cap = draw(st.floats(max(rest, least), most, allow_nan=False, allow_infinity=False))
    return Reintroduction(
        rest_hours=rest,
        rest_backoff=draw(_floats(Reintroduction, "rest_backoff")),
        max_rest_hours=cap,
        max_tries=draw(_integers(Reintroduction, "max_tries")),
    )


@functools.cache
def reintroductions() -> st.SearchStrategy[Reintroduction]:
    """A reintroduction policy whose cap is not below the first rest."""
    return st.one_of(st.just(Reintroduction()), _reintroduction())


@st.composite
def _program(draw: st.DrawFn, pool: tuple[Routine, ...], program_id: str | None) -> Program:
    few_texts = st.lists(texts(), max_size=_most(Program, "symptoms", 2))
    fields: dict[str, Any] = {
        "id": draw(slugs()) if program_id is None else program_id,
        "name": draw(texts()),
        "relief": draw(_relief(pool)),
        "maintenance": draw(_maintenance(pool)),
        "pain_free_hours": draw(
            st.just(default(Program, "pain_free_hours")) | _floats(Program, "pain_free_hours")
        ),
        "reintroduction": draw(reintroductions()),
        "audience": draw(st.none() | texts()),
        "symptoms": draw(few_texts),
        "disclaimer": draw(few_texts),
        "red_flags": draw(few_texts),
    }
    return Program(**fields)


def programs(
    pool: tuple[Routine, ...] | list[Routine],
    *,
    id: str | None = None,
) -> st.SearchStrategy[Program]:
    """A program whose phases list routines of ``pool`` (not empty) under their own context."""
    if not pool:
        raise ValueError("programs() needs at least one routine to refer to")
    return _program(tuple(pool), id)


@st.composite
def _catalog(draw: st.DrawFn, max_stretches: int, max_routines: int, max_programs: int) -> Catalog:
    n_stretches = draw(st.integers(0, max_stretches))
    n_routines = draw(st.integers(0, max_routines)) if n_stretches else 0
    n_programs = draw(st.integers(0, max_programs)) if n_routines else 0
    total = n_stretches + n_routines + n_programs
    ids = draw(st.lists(slugs(), min_size=total, max_size=total, unique=True))
    stretch_ids = ids[:n_stretches]
    routine_ids = ids[n_stretches : n_stretches + n_routines]
    program_ids = ids[n_stretches + n_routines :]
    stretch_pool = tuple(draw(stretches(id=i, small=True)) for i in stretch_ids)
    routine_pool = tuple(draw(routines(stretch_pool, id=i)) for i in routine_ids)
    program_pool = tuple(draw(programs(routine_pool, id=i)) for i in program_ids)
    fields: dict[str, Any] = {
        "stretches": stretch_pool,
        "routines": routine_pool,
        "programs": program_pool,
    }
    return Catalog(**fields)


def catalogs(
    *, max_stretches: int = 4, max_routines: int = 3, max_programs: int = 1
) -> st.SearchStrategy[Catalog]:
    """Whole catalogs that load and pass every semantic check without an issue."""
    return _catalog(max_stretches, max_routines, max_programs)


# --- sessions -----------------------------------------------------------------------------


def _unambiguous(dt: datetime) -> bool:
    # Inside a DST fold the wall time names two instants and Python compares such
    # times across zones as unequal; skip them so round trips compare equal.
    return dt.utcoffset() == dt.replace(fold=1 - dt.fold).utcoffset()


@functools.cache
def aware_datetimes(
    *, timezones: st.SearchStrategy[tzinfo] | None = None
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes from 2000 to 2099 in random IANA zones (or ``timezones``).

    Never imaginary (in a DST gap) or ambiguous (in a DST fold).
    """
    return st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2099, 12, 31),
        timezones=st.timezones() if timezones is None else timezones,
        allow_imaginary=False,
    ).filter(_unambiguous)


@st.composite
def _step_result(draw: st.DrawFn, stretch: str | None) -> StepResult:
    outcome = draw(st.sampled_from(Outcome))
    return StepResult(
        stretch=draw(slugs()) if stretch is None else stretch,
        outcome=outcome,
        reason=draw(st.sampled_from(SkipReason)) if outcome is Outcome.SKIPPED else None,
    )


@functools.cache
def step_results(*, stretch: str | None = None) -> st.SearchStrategy[StepResult]:
    """A completed step, or a skipped one with its reason."""
    return _step_result(stretch)


@st.composite
def _session(draw: st.DrawFn, routine: str | None) -> Session:
    started = draw(aware_datetimes())
    zone = started.tzinfo
    length = timedelta(seconds=draw(st.integers(0, 4 * 3600)))
    ended = (started.astimezone(UTC) + length).astimezone(zone)
    if not _unambiguous(ended) or ended.replace(tzinfo=None) < started.replace(tzinfo=None):
        ended = started
    pain = st.none() | _integers(Session, "pain_before")
    fields: dict[str, Any] = {
        "id": draw(
            st.uuids().map(str)
            | st.text(_TEXT_CHARS, min_size=1, max_size=min(40, text_limit(Session, "id")))
        ),
        "routine": draw(slugs()) if routine is None else routine,
        "started_at": started,
        "ended_at": ended,
        "steps": draw(st.lists(step_results(), max_size=_most(Session, "steps", 6))),
        "pain_before": draw(pain),
        "pain_after": draw(pain),
    }
    return Session(**fields)


def sessions(*, routine: str | None = None) -> st.SearchStrategy[Session]:
    """One session with aware start and end times in the same random IANA zone."""
    return _session(routine)


# -- the engine: events, histories and policies, for apps' own property tests -----------------

_ENGINE_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "UTC")


def event_times(
    *,
    start: datetime = datetime(2026, 3, 20, tzinfo=UTC),
    days: int = 30,
    zones: tuple[str, ...] = _ENGINE_ZONES,
) -> st.SearchStrategy[datetime]:
    """Instants within ``days`` of ``start`` on the clocks of real zones, as
    ``datetime.now(zone)`` would give them: the repeated autumn hour included (with
    its ``fold``), the spring gap never. Whole minutes, so that instants collide."""
    from zoneinfo import ZoneInfo

    return st.builds(
        lambda minutes, zone: (start + timedelta(minutes=minutes)).astimezone(ZoneInfo(zone)),
        st.integers(0, days * 24 * 60) | st.integers(0, days * 4).map(lambda k: k * 360),
        st.sampled_from(zones),
    )


@st.composite
def _policy(draw: st.DrawFn, program: Any) -> Any:
    from stretchkit.engine import Policy

    base = Policy() if program is None else Policy.from_program(program)
    low = draw(st.integers(0, 4))
    mlow = draw(st.integers(0, 3))
    return attrs.evolve(
        base,
        min_sessions_per_day=low,
        max_sessions_per_day=draw(st.integers(max(low, 1), 12)),
        maintenance_min_sessions_per_day=mlow,
        maintenance_max_sessions_per_day=draw(st.integers(max(mlow, 1), 6)),
        pain_free_hours=draw(st.sampled_from([0.0, 2.0, 24.0, 48.0])),
        pain_free_level=draw(st.integers(0, 3)),
        rest_hours=draw(st.sampled_from([1.0, 24.0, 36.0])),
        rest_backoff=draw(st.sampled_from([1.0, 1.5, 2.0])),
        max_rest_hours=draw(st.sampled_from([24.0, 168.0])),
        max_tries=draw(st.integers(1, 5)),
        day_starts_hour=draw(st.sampled_from([0, 0, 4])),
    )


def policies(*, program: Any = None) -> st.SearchStrategy[Any]:
    """Valid engine policies (every number in range, maxima at or above minima); with
    ``program``, varied from :meth:`~stretchkit.Policy.from_program`."""
    return _policy(program)


@st.composite
def _event(
    draw: st.DrawFn,
    event_id: str | None,
    stretch_ids: tuple[str, ...],
    routine: str,
    times: st.SearchStrategy[datetime],
    device: str | None,
    seq: int | None,
) -> Any:
    from stretchkit.engine import PainReported, SessionLogged, StretchReenabled

    eid = event_id or draw(st.uuids().map(str))
    at = draw(times)
    where: dict[str, Any] = {} if device is None else {"device": device, "seq": seq}
    kind = draw(st.sampled_from(["pain", "pain", "session", "session", "reenable"]))
    if kind == "pain":
        level = draw(st.integers(0, 10) | st.integers(0, 2))
        return PainReported(id=eid, at=at, level=level, **where)
    if kind == "reenable":
        return StretchReenabled(
            id=eid, at=at, stretch_id=draw(st.sampled_from(stretch_ids)), **where
        )
    length = timedelta(minutes=draw(st.sampled_from([0, 10, 45, 120])))
    end = (at.astimezone(UTC) + length).astimezone(at.tzinfo)
    picked = draw(st.lists(st.sampled_from(stretch_ids), max_size=len(stretch_ids), unique=True))
    steps = [draw(_step_result(s)) for s in picked]
    session = Session(
        id=eid,
        routine=routine,
        started_at=at,
        ended_at=end,
        steps=tuple(steps),
        pain_before=draw(st.none() | st.integers(0, 4)),
        pain_after=draw(st.none() | st.integers(0, 4)),
    )
    return SessionLogged(id=eid, session=session, **where)


def events(
    *,
    stretch_ids: tuple[str, ...] = ("chin-tuck", "wall-angel", "bridge"),
    routine: str = "relief-lying",
    times: st.SearchStrategy[datetime] | None = None,
    id: str | None = None,
    device: str | None = None,
    seq: int | None = None,
) -> st.SearchStrategy[Any]:
    """One engine event (a pain report, a session of ``routine`` over ``stretch_ids``,
    or a re-enabled stretch), at :func:`event_times` unless ``times`` is given; with
    ``device`` it carries that device and ``seq``."""
    if (device is None) != (seq is None):
        raise ValueError("device and seq go together")
    return _event(id, stretch_ids, routine, event_times() if times is None else times, device, seq)


@st.composite
def _history(
    draw: st.DrawFn,
    stretch_ids: tuple[str, ...],
    routine: str,
    times: st.SearchStrategy[datetime],
    max_size: int,
    devices: tuple[str, ...],
) -> list[Any]:
    n = draw(st.integers(0, max_size))
    counters = dict.fromkeys(devices, 0)
    unique = []
    for i in range(n):
        device = draw(st.none() | st.sampled_from(devices)) if devices else None
        seq = None
        if device is not None:
            counters[device] += draw(st.integers(1, 3))  # gaps are fine
            seq = counters[device]
        unique.append(draw(_event(f"e{i}", stretch_ids, routine, times, device, seq)))
    extra = draw(st.lists(st.sampled_from(unique), max_size=n // 2)) if unique else []
    return draw(st.permutations(unique + extra))


def histories(
    *,
    stretch_ids: tuple[str, ...] = ("chin-tuck", "wall-angel", "bridge"),
    routine: str = "relief-lying",
    times: st.SearchStrategy[datetime] | None = None,
    max_size: int = 30,
    devices: tuple[str, ...] = ("phone", "watch"),
) -> st.SearchStrategy[list[Any]]:
    """A valid stored history as an app may receive it: unique ids, each device's
    ``seq`` rising (with gaps), in any order and with duplicates (the same event again)."""
    return _history(
        stretch_ids, routine, event_times() if times is None else times, max_size, devices
    )


def __getattr__(name: str) -> object:
    if name == "phases":  # renamed with the model's ``Phase``, which is now ``Part``
        from stretchkit import _renamed

        return globals()[_renamed("stretchkit.strategies", name, "parts")]
    raise AttributeError(f"module 'stretchkit.strategies' has no attribute {name!r}")
