"""Semantic checks: what a JSON Schema cannot say about a catalog.

The schema checks shape, types and bounds one value at a time. The checks here
look across the document: ids are unique, references resolve, a routine's
declared minutes agree with what its stretches add up to, labels inside one
sequence differ, and a few things an author is likely to trip over.

There is one implementation of these rules, and every path runs it: it reads
the msgspec Structs that :mod:`stretchkit.io._wire` makes from the model. The
fast load path has them already (:func:`semantic_issues_of`); the full pipeline
runs the rules on the parsed document (:func:`semantic_issues_raw`), each item
of ``stretches``, ``routines`` and ``programs`` converted to its Struct first,
after the schema and before structuring into the model. That order matters: the
model refuses duplicate labels itself, and a refused structure cannot say
*where* the duplicate is; these checks can. They never raise, whatever the
input: an item that does not have the schema's shape is skipped (the schema
layer reports it). :func:`semantic_issues` runs the same checks on an
already-built :class:`~stretchkit.model.Catalog`.

Every issue carries a JSON pointer built from the array indices of the
document; ``line`` and ``column`` are left ``None`` for the loading pipeline
to fill from its source map.

Stable codes (tools may match on them; never reuse one for something else):

=====================  ========  =====================================================
code                   severity  meaning
=====================  ========  =====================================================
duplicate-id           error     an id is used twice among stretches, routines and
                                 programs (one namespace for all three)
duplicate-variation    error     two variations of one stretch share an id
duplicate-label        error     two angles or positions of one sequence share a label
                                 (compared without case)
unknown-stretch        error     a routine step names a stretch the catalog lacks
unknown-variation      error     a routine step names a variation its stretch lacks
unknown-routine        error     a program names a routine the catalog lacks
context-mismatch       error     a program lists a routine under a context (lying,
                                 sitting, standing) that is not the routine's own
sessions-range         error     a phase's ``max_sessions_per_day`` is below its
                                 ``min_sessions_per_day``
minutes-mismatch       warning   a routine's ``minutes`` is far from the derived
                                 duration: off by more than 30 seconds and by more
                                 than 25 % of the declared time
repeated-step          warning   a routine does the same stretch (and variation)
                                 twice in a row
rest-range             warning   ``reintroduction.max_rest_hours`` is below
                                 ``rest_hours``, so the cap cuts even the first rest
duplicate-entry        warning   a stretch or variation lists the same equipment or
                                 target twice
unknown-schema         error     ``$schema`` is neither one of stretchkit's schema ids
                                 nor a relative path to a copy of the schema file
unsafe-url             error     a media URL is not https: and not a relative path
                                 inside the catalog's folder (``javascript:``,
                                 ``file:``, ``data:``, ``..`` and the like)
=====================  ========  =====================================================

Deliberately not checked: stretches that no routine uses (a catalog is also a
library the generator draws from, so an unused stretch is normal), and a
stretch's start position against a routine's context (the same heel press is
shared by a sitting and a standing routine).
"""

from __future__ import annotations

import difflib
import enum
import functools
from collections.abc import Iterator, Mapping
from typing import Any, Final, NamedTuple

import attrs
import msgspec
from msgspec import UNSET

from stretchkit.io._build import converters
from stretchkit.io._issues import Issue, Severity
from stretchkit.io._pointer import join_pointer
from stretchkit.io._wire import structs
from stretchkit.model import PART_KINDS, Catalog, Sides
from stretchkit.model._links import schema_problem, url_problem

__all__ = [
    "CHECKED_IN_FULL",
    "MINUTES_TOLERANCE_FRACTION",
    "MINUTES_TOLERANCE_SECONDS",
    "SEMANTIC_CODES",
    "SUGGESTION_BUDGET",
    "raw_routine_seconds",
    "semantic_issues",
    "semantic_issues_of",
    "semantic_issues_raw",
]

SEMANTIC_CODES: Final[Mapping[str, Severity]] = {
    "duplicate-id": Severity.ERROR,
    "duplicate-variation": Severity.ERROR,
    "duplicate-label": Severity.ERROR,
    "unknown-stretch": Severity.ERROR,
    "unknown-variation": Severity.ERROR,
    "unknown-routine": Severity.ERROR,
    "context-mismatch": Severity.ERROR,
    "sessions-range": Severity.ERROR,
    "minutes-mismatch": Severity.WARNING,
    "repeated-step": Severity.WARNING,
    "rest-range": Severity.WARNING,
    "duplicate-entry": Severity.WARNING,
    "unknown-schema": Severity.ERROR,
    "unsafe-url": Severity.ERROR,
}
"""Every code this module can report, with its severity."""

CHECKED_IN_FULL: Final = frozenset({"duplicate-label", "unsafe-url"})
"""The codes of model rules (``@beyond_schema(code)``) these checks make in full, located.

The fast path does not run those validators again on the objects it builds.
(``sessions-range`` is not among them: it is reported only when both numbers
are written, and the model also compares a written one with the other's default.)
"""

MINUTES_TOLERANCE_SECONDS: Final = 30
"""Below this difference, declared minutes are never questioned: authors round."""

MINUTES_TOLERANCE_FRACTION: Final = 0.25
"""Above the seconds floor, a difference up to this share of the declared time is fine."""

_KINDS = ("stretches", "routines", "programs")
_SINGULAR = {"stretches": "stretch", "routines": "routine", "programs": "program"}


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer from keys and indices."""
    return join_pointer(parts)


def _issue(code: str, ptr: str, message: str) -> Issue:
    return Issue(severity=SEMANTIC_CODES[code], code=code, pointer=ptr, message=message)


SUGGESTION_BUDGET: Final = 5_000
"""How many id comparisons "did you mean" may spend on one document.

Each suggestion compares the unknown id with every known one; a huge catalog
full of dangling references must not make validation quadratic, so once the
budget is spent the remaining messages simply go without a suggestion.
"""


class _Suggester:
    """Offers the nearest known id for a misspelled one, within a per-document budget."""

    def __init__(self) -> None:
        self.budget = SUGGESTION_BUDGET

    def __call__(self, name: str, known: list[str]) -> str:
        if len(known) > self.budget:
            return ""
        self.budget -= len(known)
        close = difflib.get_close_matches(name, known, n=1)
        return f"; did you mean {close[0]!r}?" if close else ""


# --- the document as Structs ---------------------------------------------------------------

_STRUCTS: Final = structs()
_STRETCH: Final = _STRUCTS["Stretch"]
_ROUTINE: Final = _STRUCTS["Routine"]
_PROGRAM: Final = _STRUCTS["Program"]
_ITEM: Final = {"stretches": _STRETCH, "routines": _ROUTINE, "programs": _PROGRAM}
_PART_CLASSES: Final = frozenset(PART_KINDS)
_ANGLES: Final = _STRUCTS["AngleSequence"]
_POSITIONS: Final = _STRUCTS["PositionSequence"]
_NO: Final[tuple[()]] = ()
_BAD_ITEM: Final = (msgspec.ValidationError, UnicodeEncodeError, RecursionError, TypeError)


class _View(NamedTuple):
    """A catalog's items as ``(index, Struct)`` pairs; ``schema`` is ``$schema`` or ``UNSET``."""

    schema: object
    stretches: list[tuple[int, Any]]
    routines: list[tuple[int, Any]]
    programs: list[tuple[int, Any]]


def _seq(value: Any) -> Any:
    return _NO if value is UNSET or value is None else value


def _decoded(doc: Any) -> _View:
    return _View(
        schema=doc.schema_,
        stretches=list(enumerate(_seq(doc.stretches))),
        routines=list(enumerate(_seq(doc.routines))),
        programs=list(enumerate(_seq(doc.programs))),
    )


def _item(value: object, struct: Any) -> Any:
    """``value`` as ``struct`` (``30.0`` taken for ``30``, as the schema does), or ``None``."""
    if not isinstance(value, dict):
        return None
    try:
        return msgspec.convert(value, struct, strict=False)
    except _BAD_ITEM:
        return None


def _parsed(document: object) -> _View:
    if not isinstance(document, dict):
        return _View(UNSET, [], [], [])
    found: dict[str, list[tuple[int, Any]]] = {}
    for key, struct in _ITEM.items():
        items = document.get(key)
        pairs = []
        if isinstance(items, list):
            for index, value in enumerate(items):
                item = _item(value, struct)
                if item is not None:
                    pairs.append((index, item))
        found[key] = pairs
    return _View(document.get("$schema", UNSET), **found)


# --- durations ---------------------------------------------------------------------------


def _part_duration(cls: type, build: Any) -> Any:
    """How long a part Struct takes, by the model class's own ``duration``.

    A class whose fields are all required reads the same attributes on its Struct,
    so its ``duration`` runs on the Struct itself; one with defaults (``Reps``)
    is built first, so that the default is the model's.
    """
    getter = cls.duration.fget  # type: ignore[attr-defined]
    if all(f.default is attrs.NOTHING for f in attrs.fields(cls)):
        return getter
    return lambda p: getter(build(p, [], []))


@functools.cache
def _seconds_of() -> dict[type, Any]:
    """For each part Struct, its seconds: the model's one formula of how long a part takes.

    Made on first use: only the minutes warning needs it, so loading never does.
    """
    return {
        _STRUCTS[cls.__name__]: _part_duration(cls, build)
        for cls, build in converters(CHECKED_IN_FULL).items()
        if cls in _PART_CLASSES
    }


def _dose_seconds(dose: Any) -> int | None:
    """Seconds one side of a dose takes, as :func:`stretchkit.model.dose_seconds` adds them."""
    try:
        seconds_of = _seconds_of()
        return int(sum(seconds_of[type(p)](p) for p in dose))
    except ValueError:  # a model rule the part breaks: it is reported elsewhere
        return None


def _routine_seconds(
    routine: Any, stretch_by_id: Mapping[str, Any], known: dict[str, int | None] | None = None
) -> int | None:
    """Seconds a routine takes, sides included: :meth:`stretchkit.model.Routine.duration`.

    ``known`` keeps each stretch's own dose seconds across the routines of one document.
    """
    total = 0
    for step in routine.steps:
        stretch = stretch_by_id.get(step.stretch)
        if stretch is None:
            return None
        if step.dose is not UNSET and step.dose is not None:
            seconds = _dose_seconds(step.dose)
        elif known is None:
            seconds = _dose_seconds(stretch.dose)
        elif step.stretch in known:
            seconds = known[step.stretch]
        else:
            seconds = known[step.stretch] = _dose_seconds(stretch.dose)
        if seconds is None:
            return None
        total += seconds * (2 if stretch.sides is Sides.EACH else 1)
    return total


def raw_routine_seconds(routine: object, stretches: Mapping[str, object]) -> int | None:
    """Seconds a parsed routine takes (sides included), or ``None`` if a step does not resolve.

    ``stretches`` maps stretch id to the parsed stretch object. The same sum as
    :meth:`stretchkit.model.Routine.duration`, for documents not yet structured.
    """
    parsed = _item(routine, _ROUTINE)
    if parsed is None:
        return None
    by_id = {}
    for key, value in stretches.items():
        stretch = _item(value, _STRETCH)
        if stretch is not None:
            by_id[key] = stretch
    return _routine_seconds(parsed, by_id)


# --- the checks ---------------------------------------------------------------------------


def _check_ids(view: _View) -> Iterator[Issue]:
    first: dict[str, tuple[str, int]] = {}
    for kind in _KINDS:
        for index, obj in getattr(view, kind):
            ident = obj.id
            if ident in first:
                other_kind, other = first[ident]
                yield _issue(
                    "duplicate-id",
                    pointer(kind, index, "id"),
                    f"the id {ident!r} is already used by the {_SINGULAR[other_kind]} at "
                    f"{pointer(other_kind, other, 'id')}; ids must be unique across stretches, "
                    "routines and programs",
                )
            else:
                first[ident] = (kind, index)


def _labels_repeat(dose: Any) -> bool:
    """Does a sequence of ``dose`` use a label twice? The cheap question asked first."""
    for part in dose or _NO:
        kind = type(part)
        if kind is _ANGLES:
            items = part.angles
        elif kind is _POSITIONS:
            items = part.positions
        else:
            continue
        if len(items) > 1 and len({item.label.casefold() for item in items}) != len(items):
            return True
    return False


def _entries_repeat(obj: Any) -> bool:
    equipment, targets = _seq(obj.equipment), _seq(getattr(obj, "targets", UNSET))
    return len(set(equipment)) != len(equipment) or len(set(targets)) != len(targets)


def _check_labels(dose: Any, base: tuple[str | int, ...]) -> Iterator[Issue]:
    for p_index, part in enumerate(_seq(dose)):
        kind = type(part)
        if kind is _ANGLES:
            key, items = "angles", part.angles
        elif kind is _POSITIONS:
            key, items = "positions", part.positions
        else:
            continue
        if len({item.label.casefold() for item in items}) == len(items):
            continue
        seen: dict[str, int] = {}
        for i_index, item in enumerate(items):
            text = item.label
            folded = text.casefold()
            if folded in seen:
                yield _issue(
                    "duplicate-label",
                    pointer(*base, p_index, key, i_index, "label"),
                    f"the label {text!r} is already used by {key[:-1]} {seen[folded] + 1} "
                    "of this sequence; a coach could not tell them apart",
                )
            else:
                seen[folded] = i_index


def _check_entries(obj: Any, base: tuple[str | int, ...]) -> Iterator[Issue]:
    for key in ("equipment", "targets"):
        values = _seq(getattr(obj, key, UNSET))
        if len(set(values)) == len(values):
            continue
        seen: set[str] = set()
        for index, value in enumerate(values):
            if value in seen:
                yield _issue(
                    "duplicate-entry",
                    pointer(*base, key, index),
                    f"{value!r} is listed twice in {key}",
                )
            seen.add(value)


def _check_schema(view: _View) -> Iterator[Issue]:
    """``$schema`` names stretchkit's schema (or a copy of it)."""
    schema = view.schema
    if isinstance(schema, str) and (problem := schema_problem(schema)) is not None:
        yield _issue("unknown-schema", pointer("$schema"), problem)


def _check_stretches(view: _View, warnings: bool, labels: bool = True) -> Iterator[Issue]:
    """Labels and variation ids repeat nowhere, media stay https: or inside the catalog's folder.

    One pass over the stretches; each rule asks its cheap question first and
    explains (with pointers) only when the answer is yes.
    """
    for s_index, stretch in view.stretches:
        base: tuple[str | int, ...] = ("stretches", s_index)
        if labels and _labels_repeat(stretch.dose):
            yield from _check_labels(stretch.dose, (*base, "dose"))
        for m_index, media in enumerate(stretch.media or _NO):
            if (problem := url_problem(media.url)) is not None:
                yield _issue("unsafe-url", pointer(*base, "media", m_index, "url"), problem)
        if warnings and _entries_repeat(stretch):
            yield from _check_entries(stretch, base)
        variations = stretch.variations
        if not variations:
            continue
        if warnings:
            for v_index, variation in enumerate(variations):
                if _entries_repeat(variation):
                    yield from _check_entries(variation, (*base, "variations", v_index))
        if len({variation.id for variation in variations}) == len(variations):
            continue
        seen: dict[str, int] = {}
        for v_index, variation in enumerate(variations):
            ident = variation.id
            if ident in seen:
                yield _issue(
                    "duplicate-variation",
                    pointer(*base, "variations", v_index, "id"),
                    f"this stretch already has a variation with the id {ident!r} "
                    f"(at {pointer(*base, 'variations', seen[ident], 'id')})",
                )
            else:
                seen[ident] = v_index


def _check_routines(
    view: _View,
    stretches: dict[str, Any],
    suggest: _Suggester,
    warnings: bool,
    labels: bool = True,
) -> Iterator[Issue]:
    ids: list[str] = []
    known: dict[str, int | None] = {}
    for r_index, routine in view.routines:
        base: tuple[str | int, ...] = ("routines", r_index)
        resolved = True
        previous: tuple[str, str | None] | None = None
        for st_index, step in enumerate(routine.steps):
            step_base = (*base, "steps", st_index)
            if labels and step.dose and _labels_repeat(step.dose):
                yield from _check_labels(step.dose, (*step_base, "dose"))
            stretch_id = step.stretch
            variation_id = None if step.variation is UNSET else step.variation
            current = (stretch_id, variation_id)
            if warnings and previous == current:
                yield _issue(
                    "repeated-step",
                    pointer(*step_base),
                    f"the stretch {stretch_id!r} is done twice in a row; "
                    "make it one step with a longer dose",
                )
            previous = current
            stretch = stretches.get(stretch_id)
            if stretch is None:
                ids = ids or sorted(stretches)
                resolved = False
                yield _issue(
                    "unknown-stretch",
                    pointer(*step_base, "stretch"),
                    f"there is no stretch with the id {stretch_id!r} in this catalog"
                    + suggest(stretch_id, ids),
                )
                continue
            if variation_id is not None:
                names = [v.id for v in _seq(stretch.variations)]
                if variation_id not in names:
                    offer = (
                        "it has none"
                        if not names
                        else "it has " + ", ".join(repr(n) for n in names)
                    )
                    yield _issue(
                        "unknown-variation",
                        pointer(*step_base, "variation"),
                        f"the stretch {stretch_id!r} has no variation {variation_id!r} ({offer})",
                    )
        if warnings and resolved:
            yield from _check_minutes(routine, base, stretches, known)


def _check_minutes(
    routine: Any,
    base: tuple[str | int, ...],
    stretches: dict[str, Any],
    known: dict[str, int | None],
) -> Iterator[Issue]:
    minutes = float(routine.minutes)
    derived = _routine_seconds(routine, stretches, known)
    if derived is None:
        return
    declared = minutes * 60
    allowed = max(MINUTES_TOLERANCE_SECONDS, MINUTES_TOLERANCE_FRACTION * declared)
    if abs(derived - declared) > allowed:
        yield _issue(
            "minutes-mismatch",
            pointer(*base, "minutes"),
            f"the routine promises {minutes:g} min but its steps take {_clock(derived)}; "
            "change minutes or the doses",
        )


def _clock(seconds: int) -> str:
    """``2 min 5 s``, ``3 min``, ``45 s``: how an author reads a duration."""
    whole, rest = divmod(seconds, 60)
    if not whole:
        return f"{rest} s"
    return f"{whole} min {rest} s" if rest else f"{whole} min"


def _check_programs(
    view: _View, routines: dict[str, Any], suggest: _Suggester, warnings: bool
) -> Iterator[Issue]:
    known: list[str] = []
    for p_index, program in view.programs:
        for phase_key in ("relief", "maintenance"):
            phase = getattr(program, phase_key)
            base: tuple[str | int, ...] = ("programs", p_index, phase_key)
            low, high = phase.min_sessions_per_day, phase.max_sessions_per_day
            if low is not UNSET and high is not UNSET and high < low:
                yield _issue(
                    "sessions-range",
                    pointer(*base, "max_sessions_per_day"),
                    f"at most {high} session(s) a day is fewer than the minimum of {low}",
                )
            for context, routine_id in phase.routines.items():
                routine = routines.get(routine_id)
                if routine is not None and routine.context is context:
                    continue
                name = context.value
                here = pointer(*base, "routines", name)
                if routine is None:
                    known = known or sorted(routines)
                    yield _issue(
                        "unknown-routine",
                        here,
                        f"there is no routine with the id {routine_id!r} in this catalog"
                        + suggest(routine_id, known),
                    )
                    continue
                actual = routine.context.value
                if actual != name:
                    yield _issue(
                        "context-mismatch",
                        here,
                        f"the routine {routine_id!r} is listed for {name!r} but is made "
                        f"for {actual!r}",
                    )
        policy = program.reintroduction
        if warnings and policy is not UNSET:
            rest, cap = policy.rest_hours, policy.max_rest_hours
            if rest is not UNSET and cap is not UNSET and cap < rest:
                yield _issue(
                    "rest-range",
                    pointer("programs", p_index, "reintroduction", "max_rest_hours"),
                    f"the longest rest ({float(cap):g} h) is shorter than the first rest "
                    f"({float(rest):g} h), so every rest lasts the capped time",
                )


def _first_by_id(items: list[tuple[int, Any]]) -> dict[str, Any]:
    """Items by id; with duplicate ids the first wins (the rest are errors)."""
    found: dict[str, Any] = {}
    for _, obj in items:
        found.setdefault(obj.id, obj)
    return found


def _issues(view: _View, *, warnings: bool, labels: bool = True) -> list[Issue]:
    stretches = _first_by_id(view.stretches)
    routines = _first_by_id(view.routines)
    suggest = _Suggester()
    issues = [
        *_check_schema(view),
        *_check_ids(view),
        *_check_stretches(view, warnings, labels),
        *_check_routines(view, stretches, suggest, warnings, labels),
        *_check_programs(view, routines, suggest, warnings),
    ]
    issues.sort(key=lambda i: _pointer_key(i.pointer))
    return issues


def semantic_issues_of(doc: Any, *, warnings: bool = True, labels: bool = True) -> list[Issue]:
    """Every semantic issue of a decoded catalog Struct, in document order.

    Without ``warnings`` only the errors are looked for (loading needs no more).
    Without ``labels`` repeated labels are not looked for: the fast load path
    finds them while it builds the sequences (and then explains them here, in full).
    """
    return _issues(_decoded(doc), warnings=warnings, labels=labels)


def semantic_issues_raw(document: Any) -> list[Issue]:
    """Every semantic issue of a parsed catalog document (dicts and lists), in document order.

    Meant to run on a schema-valid document, before it is structured; it
    tolerates any input and never raises (an item not of the schema's shape is skipped).
    """
    return _issues(_parsed(document), warnings=True)


_ORDER = {kind: n for n, kind in enumerate(_KINDS)}


def _pointer_key(ptr: str) -> tuple[tuple[int, int | str], ...]:
    """Document order: stretches, routines, programs, then by index and key."""
    parts = ptr.split("/")[1:]
    head = (_ORDER.get(parts[0], len(_ORDER)) if parts else -1, "")
    return (head, *((0, int(p)) if p.isdigit() else (1, p) for p in parts[1:]))


def _plain(value: object) -> object:
    """A model value as the plain data the file format holds (parts tagged with ``kind``)."""
    if attrs.has(type(value)):
        cls: Any = type(value)
        out: dict[str, object] = {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(cls)}
        kind = PART_KINDS.get(cls)
        if kind is not None:
            out["kind"] = kind
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def semantic_issues(catalog: Catalog) -> list[Issue]:
    """Every semantic issue of a built catalog; pointers index its tuples as a file would."""
    return semantic_issues_raw(_plain(catalog))
