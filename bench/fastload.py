"""Prototype: a success path for ``load_catalog`` that makes every check and is as fast as pydantic.

Not used by the library; the optimisation study (:mod:`bench.study`) measures it
so the io owners can move it into ``src/stretchkit/io``. The idea:

1. **Decide fast, explain slowly.** :func:`fast_load` either returns the very
   catalog the full pipeline would build, or ``None`` — "I cannot vouch for this
   document" — and the caller then runs the full, located pipeline (which also
   builds the error report). Only one direction must hold for correctness:
   *if the fast path accepts, the full pipeline accepts and builds an equal
   catalog*. Falling back too often only costs time.
2. **msgspec does the shape.** Structs mirroring the schema (tagged union on
   ``kind``, unknown fields forbidden, strict types, every bound as
   ``msgspec.Meta``) decode the bytes in C. Text rules that would cost a Python
   regex per string are checked in bulk instead: control characters with one
   scan of the raw bytes, slugs with one regex over all of them joined,
   blank texts with ``str.isspace``.
3. **Duplicate keys** (which msgspec, like every fast parser, lets the last one
   win) are caught by counting: every optional field is ``UNSET`` unless
   present, so re-encoding the Structs writes exactly the members that were
   kept. Without backslashes in the raw text, every kept string is byte for
   byte in the raw text too, so the raw text has more colons than the
   re-encoding exactly when a member was dropped. With backslashes, key ends
   (``":``) are counted instead, and any doubt means ``None``.
4. **Build the attrs objects with their validators off** (every rule they
   check was just checked) and with the garbage collector paused: at 20,000
   stretches the collector otherwise takes half the time.
5. The semantic *errors* (duplicate ids, unresolved references, context
   mismatches, sessions ranges) are checked on the typed Structs with sets and
   dicts; warnings are :func:`validate_catalog`'s business, not ``load``'s.
"""

from __future__ import annotations

import gc
import re
from typing import Annotated, Any, Literal

import attrs
import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from stretchkit.model import (
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
    Position,
    PositionSequence,
    Program,
    Reintroduction,
    ReliefPhase,
    Reps,
    Routine,
    RoutineStep,
    Sides,
    Stretch,
    Variation,
)

__all__ = ["convert", "decode", "fast_load"]

# --- Structs mirroring the schema ----------------------------------------------------------

_MaxItems = Meta(max_length=200_000)
"""``Limits().max_items``: arrays the schema leaves unbounded still stop there."""
Slug = Annotated[str, Meta(min_length=1, max_length=64)]
"""Slug pattern checked in bulk by :func:`_slugs_ok`."""
Text = Annotated[str, Meta(min_length=1, max_length=2000)]
"""Blank texts checked by ``isspace``; control characters by the byte scan."""
Label = Annotated[str, Meta(min_length=1, max_length=120)]
Seconds = Annotated[int, Meta(ge=1, le=3600)]
_KW: dict[str, Any] = {"forbid_unknown_fields": True, "kw_only": True, "gc": False}


class _Hold(Struct, tag_field="kind", tag="hold", **_KW):
    seconds: Seconds


class _Angle(Struct, **_KW):
    label: Label
    degrees: Annotated[int, Meta(ge=-360, le=360)]
    seconds: Seconds


class _AngleSequence(Struct, tag_field="kind", tag="angle_sequence", **_KW):
    angles: Annotated[tuple[_Angle, ...], Meta(min_length=2, max_length=24)]


class _NamedPosition(Struct, **_KW):
    label: Label
    seconds: Seconds


class _PositionSequence(Struct, tag_field="kind", tag="position_sequence", **_KW):
    positions: Annotated[tuple[_NamedPosition, ...], Meta(min_length=2, max_length=24)]


class _Reps(Struct, tag_field="kind", tag="reps", **_KW):
    count: Annotated[int, Meta(ge=1, le=1000)]
    seconds_per_rep: Seconds
    hold_seconds: Annotated[int, Meta(ge=0, le=3600)] | UnsetType = UNSET


class _Breath(Struct, tag_field="kind", tag="breath", **_KW):
    rounds: Annotated[int, Meta(ge=1, le=100)]
    exhale_seconds: Seconds
    hold_seconds: Seconds
    release_seconds: Seconds


_Phase = _Hold | _AngleSequence | _PositionSequence | _Reps | _Breath
_Dose = Annotated[tuple[_Phase, ...], Meta(min_length=1, max_length=24)]


class _Media(Struct, **_KW):
    kind: MediaKind
    url: Text
    alt: Text


class _Variation(Struct, **_KW):
    id: Slug
    name: Text
    instructions: Annotated[tuple[Text, ...], Meta(max_length=20)] | UnsetType = UNSET
    equipment: Annotated[tuple[Slug, ...], _MaxItems] | UnsetType = UNSET


class _Stretch(Struct, **_KW):
    id: Slug
    name: Text
    instructions: Annotated[tuple[Text, ...], Meta(min_length=1, max_length=20)]
    position: Position
    dose: _Dose
    sides: Sides | UnsetType = UNSET
    equipment: Annotated[tuple[Slug, ...], _MaxItems] | UnsetType = UNSET
    targets: Annotated[tuple[Slug, ...], _MaxItems] | UnsetType = UNSET
    variations: Annotated[tuple[_Variation, ...], _MaxItems] | UnsetType = UNSET
    media: Annotated[tuple[_Media, ...], _MaxItems] | UnsetType = UNSET
    cautions: Annotated[tuple[Text, ...], _MaxItems] | UnsetType = UNSET
    other_positions: Annotated[tuple[Position, ...], Meta(max_length=6)] | UnsetType = UNSET


class _Step(Struct, **_KW):
    stretch: Slug
    dose: _Dose | UnsetType | None = UNSET
    variation: Slug | UnsetType | None = UNSET


class _Routine(Struct, **_KW):
    id: Slug
    name: Text
    context: Context
    minutes: Annotated[float, Meta(ge=0.1, le=600)]
    steps: Annotated[tuple[_Step, ...], Meta(min_length=1, max_length=200)]
    description: Text | UnsetType | None = UNSET


_Sessions = Annotated[int, Meta(ge=1, le=48)]
_ByContext = Annotated[dict[Context, Slug], Meta(min_length=1)]


class _Relief(Struct, **_KW):
    routines: _ByContext
    min_sessions_per_day: _Sessions | UnsetType = UNSET
    max_sessions_per_day: _Sessions | UnsetType = UNSET
    in_order: bool | UnsetType = UNSET


class _Maintenance(Struct, **_KW):
    routines: _ByContext
    min_sessions_per_day: Annotated[int, Meta(ge=0, le=48)] | UnsetType = UNSET
    max_sessions_per_day: _Sessions | UnsetType = UNSET


_Hours = Annotated[float, Meta(ge=0, le=8760)]


class _Reintroduction(Struct, **_KW):
    rest_hours: _Hours | UnsetType = UNSET
    rest_backoff: Annotated[float, Meta(ge=1, le=10)] | UnsetType = UNSET
    max_rest_hours: _Hours | UnsetType = UNSET
    max_tries: Annotated[int, Meta(ge=1, le=100)] | UnsetType = UNSET


_Texts = Annotated[tuple[Text, ...], Meta(max_length=50)]


class _Program(Struct, **_KW):
    id: Slug
    name: Text
    relief: _Relief
    maintenance: _Maintenance
    pain_free_hours: Annotated[float, Meta(ge=1, le=8760)] | UnsetType = UNSET
    reintroduction: _Reintroduction | UnsetType = UNSET
    audience: Text | UnsetType | None = UNSET
    symptoms: _Texts | UnsetType = UNSET
    disclaimer: _Texts | UnsetType = UNSET
    red_flags: _Texts | UnsetType = UNSET


class _Catalog(Struct, **_KW):
    format_version: Literal[1]
    schema_: Annotated[str, Meta(max_length=100_000)] | UnsetType = msgspec.field(
        default=UNSET, name="$schema"
    )
    stretches: Annotated[tuple[_Stretch, ...], _MaxItems] | UnsetType = UNSET
    routines: Annotated[tuple[_Routine, ...], _MaxItems] | UnsetType = UNSET
    programs: Annotated[tuple[_Program, ...], _MaxItems] | UnsetType = UNSET


_DECODER = msgspec.json.Decoder(_Catalog)
MAX_BYTES = 64 * 1024 * 1024
"""``Limits().max_bytes``; with other limits the caller takes the full path."""
_ENCODER = msgspec.json.Encoder()

# --- bulk checks -----------------------------------------------------------------------------

_ESCAPE = re.compile(
    rb"\\(?:[bfnrt]|u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|u[dD][89a-fA-F])"
)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_BLANK = re.compile(
    rb'"(?: |\xc2\xa0|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f'
    rb'|\xe3\x80\x80|\\u[0-9a-fA-F]{4})+"'
)
_BLANK_STARTS = (
    b'" ',
    b'"\xc2\xa0',
    b'"\xe1\x9a\x80',
    b'"\xe2\x80',
    b'"\xe2\x81\x9f',
    b'"\xe3\x80\x80',
    b'"\\u',
)


def _doubtful_text(raw: bytes) -> bool:
    """Could a decoded string break a text rule? One cheap pass per kind of breach.

    * A control character (or a lone surrogate): raw U+0000–U+001F are not
      valid JSON (msgspec refuses them); U+007F and U+0080–U+009F may appear raw
      (``\\x7f``, ``\\xc2\\x80``–``\\xc2\\x9f``) or as escapes.
    * A string of white space only: ``"``, then nothing but the UTF-8 of the
      schema's white-space characters (space, U+00A0, U+1680, U+2000–U+200A,
      U+2028, U+2029, U+202F, U+205F, U+3000: ``str.isspace`` minus the control
      characters) or ``\\uXXXX`` escapes, then ``"``. Empty strings are refused
      by ``min_length``. Candidates are found with ``bytes.find`` (C speed) and
      confirmed with a regex at that spot.

    ``True`` anywhere (a key, an escaped backslash, escapes that are not
    spaces) only means "take the full path"; every real breach gives ``True``.
    """
    if b"\\" in raw and _ESCAPE.search(raw) is not None:
        return True
    if b"\x7f" in raw or (b"\xc2" in raw and _C1.search(raw) is not None):
        return True
    for start in _BLANK_STARTS:
        at = raw.find(start)
        while at != -1:
            if _BLANK.match(raw, at) is not None:
                return True
            at = raw.find(start, at + 1)
    return False


_SLUG_LINES = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\n)*")


def _slugs_ok(slugs: list[str]) -> bool:
    # No string holds a newline (no escapes were seen), so each line is one slug.
    return _SLUG_LINES.fullmatch("\n".join(slugs) + "\n") is not None


def _keys_in_text(raw: bytes) -> int:
    """At least the number of keys the raw text holds.

    Every key ends with ``"`` and then, after optional white space, ``:``; each
    such end contributes to one of these counts (strings may add more).
    """
    return (
        raw.count(b'":')
        + raw.count(b" :")
        + raw.count(b"\t:")
        + raw.count(b"\n:")
        + raw.count(b"\r:")
    )


def decode(raw: bytes) -> _Catalog | None:
    """The Structs for ``raw`` when every shape, type, bound and text rule holds, else ``None``."""
    if _doubtful_text(raw):
        return None
    try:
        doc = _DECODER.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
        return None
    kept = _ENCODER.encode(doc)
    if b"\\" not in raw:
        # Without escapes every kept string is byte for byte in the raw text, so
        # only dropped members (a duplicate key and its value) can lose a colon.
        if kept.count(b":") != raw.count(b":"):
            return None
    elif b'\\"' in kept or kept.count(b'":') != _keys_in_text(raw):
        return None  # a duplicate key, or a string holding '":' (then we cannot tell)
    return doc


# --- conversion into the attrs model, with the semantic error checks -------------------------

_NO: tuple[()] = ()


class _Reject(Exception):
    """Something the full pipeline reports; the fast path gives up."""


def _unique_labels(items: tuple[Any, ...]) -> None:
    if len({item.label.casefold() for item in items}) != len(items):
        raise _Reject  # duplicate-label


def _hold(p: Any) -> Hold:
    return Hold(seconds=p.seconds)


def _angles(p: Any) -> AngleSequence:
    _unique_labels(p.angles)
    return AngleSequence(
        angles=tuple([Angle(label=a.label, degrees=a.degrees, seconds=a.seconds) for a in p.angles])
    )


def _positions(p: Any) -> PositionSequence:
    _unique_labels(p.positions)
    return PositionSequence(
        positions=tuple([NamedPosition(label=a.label, seconds=a.seconds) for a in p.positions])
    )


def _reps(p: Any) -> Reps:
    hold = p.hold_seconds
    return Reps(
        count=p.count,
        seconds_per_rep=p.seconds_per_rep,
        hold_seconds=0 if hold is UNSET else hold,
    )


def _breath(p: Any) -> Breath:
    return Breath(
        rounds=p.rounds,
        exhale_seconds=p.exhale_seconds,
        hold_seconds=p.hold_seconds,
        release_seconds=p.release_seconds,
    )


_PHASE: dict[type, Any] = {
    _Hold: _hold,
    _AngleSequence: _angles,
    _PositionSequence: _positions,
    _Reps: _reps,
    _Breath: _breath,
}


def _dose(dose: tuple[Any, ...]) -> tuple[Any, ...]:
    phase = _PHASE
    return tuple([phase[type(p)](p) for p in dose])


def _or(value: Any, default: Any) -> Any:
    return default if value is UNSET else value


def convert(doc: _Catalog) -> Catalog:
    """The attrs catalog for checked Structs; raises :class:`_Reject` on a semantic error.

    Must run with attrs validators disabled (see :func:`fast_load`): every rule
    they check has been checked here or by :func:`decode`.
    """
    slugs: list[str] = []
    add_slug = slugs.append
    add_slugs = slugs.extend
    unset = UNSET
    none = Sides.NONE
    stretches: list[Stretch] = []
    variations_of: dict[str, set[str]] = {}
    for s in _or(doc.stretches, _NO):
        variations: tuple[Variation, ...] = _NO
        if s.variations is not unset:
            vids = {v.id for v in s.variations}
            if len(vids) != len(s.variations):
                raise _Reject  # duplicate-variation
            variations_of[s.id] = vids
            add_slugs(vids)
            vs = []
            for v in s.variations:
                equipment = _NO if v.equipment is unset else v.equipment
                add_slugs(equipment)
                vs.append(
                    Variation(
                        id=v.id,
                        name=v.name,
                        instructions=_NO if v.instructions is unset else v.instructions,
                        equipment=equipment,
                    )
                )
            variations = tuple(vs)
        equipment = _NO if s.equipment is unset else s.equipment
        targets = _NO if s.targets is unset else s.targets
        others = _NO if s.other_positions is unset else s.other_positions
        if others and (len(set(others)) != len(others) or s.position in others):
            raise _Reject  # a repeated position, or the start position again
        add_slug(s.id)
        add_slugs(equipment)
        add_slugs(targets)
        stretches.append(
            Stretch(
                id=s.id,
                name=s.name,
                instructions=s.instructions,
                position=s.position,
                dose=_dose(s.dose),
                sides=none if s.sides is unset else s.sides,
                equipment=equipment,
                targets=targets,
                variations=variations,
                media=_NO
                if s.media is unset
                else tuple([Media(kind=m.kind, url=m.url, alt=m.alt) for m in s.media]),
                cautions=_NO if s.cautions is unset else s.cautions,
                other_positions=others,
            )
        )
    ids = {s.id for s in stretches}
    if len(ids) != len(stretches):
        raise _Reject  # duplicate-id
    context_of: dict[str, Context] = {}
    routines: list[Routine] = []
    for r in _or(doc.routines, _NO):
        add_slug(r.id)
        steps = []
        for st in r.steps:
            stretch = st.stretch
            if stretch not in ids:
                raise _Reject  # unknown-stretch
            add_slug(stretch)
            variation = st.variation
            if variation is unset:
                variation = None
            elif variation is not None:
                if variation not in variations_of.get(stretch, _NO):
                    raise _Reject  # unknown-variation
                add_slug(variation)
            dose = st.dose
            steps.append(
                RoutineStep(
                    stretch=stretch,
                    dose=None if dose is unset or dose is None else _dose(dose),
                    variation=variation,
                )
            )
        routines.append(
            Routine(
                id=r.id,
                name=r.name,
                context=r.context,
                minutes=float(r.minutes),
                steps=tuple(steps),
                description=_or(r.description, None),
            )
        )
        context_of[r.id] = r.context
    if len(context_of) != len(routines) or not ids.isdisjoint(context_of):
        raise _Reject  # duplicate-id
    programs: list[Program] = []
    program_ids: set[str] = set()
    for p in _or(doc.programs, _NO):
        add_slug(p.id)
        program_ids.add(p.id)
        for phase, default_max in ((p.relief, 10), (p.maintenance, 3)):
            if _or(phase.max_sessions_per_day, default_max) < _or(phase.min_sessions_per_day, 1):
                raise _Reject  # sessions-range
            for context, rid in phase.routines.items():
                if context_of.get(rid) is not context:
                    raise _Reject  # unknown-routine or context-mismatch
                add_slug(rid)
        ri = p.reintroduction
        programs.append(
            Program(
                id=p.id,
                name=p.name,
                relief=ReliefPhase(
                    routines=dict(p.relief.routines),
                    min_sessions_per_day=_or(p.relief.min_sessions_per_day, 1),
                    max_sessions_per_day=_or(p.relief.max_sessions_per_day, 10),
                    in_order=_or(p.relief.in_order, True),
                ),
                maintenance=MaintenancePhase(
                    routines=dict(p.maintenance.routines),
                    min_sessions_per_day=_or(p.maintenance.min_sessions_per_day, 1),
                    max_sessions_per_day=_or(p.maintenance.max_sessions_per_day, 3),
                ),
                pain_free_hours=float(_or(p.pain_free_hours, 24.0)),
                reintroduction=Reintroduction()
                if ri is unset
                else Reintroduction(
                    rest_hours=float(_or(ri.rest_hours, 24.0)),
                    rest_backoff=float(_or(ri.rest_backoff, 2.0)),
                    max_rest_hours=float(_or(ri.max_rest_hours, 168.0)),
                    max_tries=_or(ri.max_tries, 4),
                ),
                audience=_or(p.audience, None),
                symptoms=_or(p.symptoms, _NO),
                disclaimer=_or(p.disclaimer, _NO),
                red_flags=_or(p.red_flags, _NO),
            )
        )
    if len(program_ids) != len(programs) or not program_ids.isdisjoint(ids | context_of.keys()):
        raise _Reject  # duplicate-id
    if not _slugs_ok(slugs):
        raise _Reject  # a slug field that is not a slug
    return Catalog(
        stretches=tuple(stretches),
        routines=tuple(routines),
        programs=tuple(programs),
        format_version=1,
    )


def fast_load(raw: bytes, *, pause_gc: bool = True) -> Catalog | None:
    """The catalog, or ``None`` when the full pipeline must decide (and explain).

    Pauses the garbage collector (``pause_gc``) for decoding and the bulk
    build, and attrs validators for the build, and restores both, also on
    error. ``attrs.validators.set_disabled`` is process-wide: a library wiring
    this in must hold a lock or accept that another thread's objects built
    meanwhile skip their validators (or generate validator-free constructors).
    """
    if len(raw) > MAX_BYTES:
        return None
    was_enabled = gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        doc = decode(raw)
        if doc is None:
            return None
        validators_were_on = not attrs.validators.get_disabled()
        attrs.validators.set_disabled(True)
        try:
            return convert(doc)
        except _Reject:
            return None
        finally:
            attrs.validators.set_disabled(not validators_were_on)
    finally:
        if was_enabled:
            gc.enable()
