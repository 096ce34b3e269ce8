"""Semantic checks: what a JSON Schema cannot say about a catalog.

The schema checks shape, types and bounds one value at a time. The checks here
look across the document: ids are unique, references resolve, a routine's
declared minutes agree with what its stretches add up to, labels inside one
sequence differ, and a few things an author is likely to trip over.

They are written against the *raw* document (dicts and lists as parsed from
JSON) so that they run after schema validation and before structuring into
the model. That order matters: the model refuses duplicate labels itself, and
a refused structure cannot say *where* the duplicate is; these checks can.
They never raise, whatever the input: parts that do not have the expected
shape are skipped (the schema layer reports those). :func:`semantic_issues`
runs the same checks on an already-built :class:`~stretchkit.model.Catalog`.

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
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from stretchkit.io._issues import Issue, Severity
from stretchkit.model import PHASE_KINDS, Catalog
from stretchkit.model._links import schema_problem, url_problem

__all__ = [
    "MINUTES_TOLERANCE_FRACTION",
    "MINUTES_TOLERANCE_SECONDS",
    "SEMANTIC_CODES",
    "SUGGESTION_BUDGET",
    "raw_routine_seconds",
    "semantic_issues",
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

MINUTES_TOLERANCE_SECONDS: Final = 30
"""Below this difference, declared minutes are never questioned: authors round."""

MINUTES_TOLERANCE_FRACTION: Final = 0.25
"""Above the seconds floor, a difference up to this share of the declared time is fine."""

_KINDS = ("stretches", "routines", "programs")
_SINGULAR = {"stretches": "stretch", "routines": "routine", "programs": "program"}


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer from keys and indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _issue(code: str, ptr: str, message: str) -> Issue:
    return Issue(severity=SEMANTIC_CODES[code], code=code, pointer=ptr, message=message)


def _objects(container: object, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, object)`` for each object in ``container[key]``; anything else is skipped."""
    if not isinstance(container, dict):
        return
    items = container.get(key)
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield index, item


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


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


# --- durations on the raw document --------------------------------------------------------


def _phase_seconds(phase: object) -> int | None:
    """Seconds one raw phase takes, or ``None`` if its shape is not one the schema accepts."""
    if not isinstance(phase, dict):
        return None
    kind = phase.get("kind")
    if kind == "hold":
        return _whole(phase.get("seconds"))
    if kind in ("angle_sequence", "position_sequence"):
        items = phase.get("angles" if kind == "angle_sequence" else "positions")
        if not isinstance(items, list):
            return None
        total = 0
        for item in items:
            seconds = _whole(item.get("seconds")) if isinstance(item, dict) else None
            if seconds is None:
                return None
            total += seconds
        return total
    if kind == "reps":
        count, per_rep = _whole(phase.get("count")), _whole(phase.get("seconds_per_rep"))
        hold = _whole(phase.get("hold_seconds", 0))
        if count is None or per_rep is None or hold is None:
            return None
        return count * (per_rep + hold)
    if kind == "breath":
        parts = [
            _whole(phase.get(k))
            for k in ("rounds", "exhale_seconds", "hold_seconds", "release_seconds")
        ]
        if any(p is None for p in parts):
            return None
        rounds, exhale, hold, release = (p or 0 for p in parts)
        return rounds * (exhale + hold + release)
    return None


def _dose_seconds(dose: object) -> int | None:
    if not isinstance(dose, list):
        return None
    total = 0
    for phase in dose:
        seconds = _phase_seconds(phase)
        if seconds is None:
            return None
        total += seconds
    return total


def raw_routine_seconds(routine: object, stretches: Mapping[str, object]) -> int | None:
    """Seconds a raw routine takes (sides included), or ``None`` if a step does not resolve.

    ``stretches`` maps stretch id to the raw stretch object. This mirrors
    :meth:`stretchkit.model.Routine.duration` for documents not yet structured.
    """
    total = 0
    for _, step in _objects(routine, "steps"):
        stretch_id = _str(step, "stretch")
        stretch = stretches.get(stretch_id) if stretch_id is not None else None
        if not isinstance(stretch, dict):
            return None
        dose = step.get("dose")
        seconds = _dose_seconds(stretch.get("dose") if dose is None else dose)
        if seconds is None:
            return None
        total += seconds * (2 if stretch.get("sides") == "each" else 1)
    return total


# --- the checks ---------------------------------------------------------------------------


def _check_ids(document: object) -> Iterator[Issue]:
    first: dict[str, tuple[str, str]] = {}
    for kind in _KINDS:
        for index, obj in _objects(document, kind):
            ident = _str(obj, "id")
            if ident is None:
                continue
            here = pointer(kind, index, "id")
            if ident in first:
                other_kind, where = first[ident]
                yield _issue(
                    "duplicate-id",
                    here,
                    f"the id {ident!r} is already used by the {_SINGULAR[other_kind]} at "
                    f"{where}; ids must be unique across stretches, routines and programs",
                )
            else:
                first[ident] = (kind, here)


def _check_labels(dose: object, base: tuple[str | int, ...]) -> Iterator[Issue]:
    if not isinstance(dose, list):
        return
    for p_index, phase in enumerate(dose):
        if not isinstance(phase, dict):
            continue
        for key in ("angles", "positions"):
            seen: dict[str, int] = {}
            for i_index, item in _objects(phase, key):
                text = _str(item, "label")
                if text is None:
                    continue
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


def _check_entries(obj: dict[str, Any], base: tuple[str | int, ...]) -> Iterator[Issue]:
    for key in ("equipment", "targets"):
        values = obj.get(key)
        if not isinstance(values, list):
            continue
        seen: set[object] = set()
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            if value in seen:
                yield _issue(
                    "duplicate-entry",
                    pointer(*base, key, index),
                    f"{value!r} is listed twice in {key}",
                )
            seen.add(value)


def _check_links(document: object) -> Iterator[Issue]:
    """``$schema`` names stretchkit's schema; media stay https: or inside the catalog's folder."""
    if isinstance(document, dict):
        schema = document.get("$schema")
        if isinstance(schema, str) and (problem := schema_problem(schema)) is not None:
            yield _issue("unknown-schema", pointer("$schema"), problem)
    for s_index, stretch in _objects(document, "stretches"):
        for m_index, media in _objects(stretch, "media"):
            url = _str(media, "url")
            if url is not None and (problem := url_problem(url)) is not None:
                yield _issue(
                    "unsafe-url", pointer("stretches", s_index, "media", m_index, "url"), problem
                )


def _check_stretches(document: object) -> Iterator[Issue]:
    for s_index, stretch in _objects(document, "stretches"):
        base: tuple[str | int, ...] = ("stretches", s_index)
        yield from _check_labels(stretch.get("dose"), (*base, "dose"))
        yield from _check_entries(stretch, base)
        seen: dict[str, int] = {}
        for v_index, variation in _objects(stretch, "variations"):
            yield from _check_entries(variation, (*base, "variations", v_index))
            ident = _str(variation, "id")
            if ident is None:
                continue
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
    document: object, stretches: dict[str, dict[str, Any]], suggest: _Suggester
) -> Iterator[Issue]:
    known = sorted(stretches)
    for r_index, routine in _objects(document, "routines"):
        base: tuple[str | int, ...] = ("routines", r_index)
        resolved = True
        previous: tuple[str | None, str | None] | None = None
        for st_index, step in _objects(routine, "steps"):
            step_base = (*base, "steps", st_index)
            yield from _check_labels(step.get("dose"), (*step_base, "dose"))
            stretch_id, variation_id = _str(step, "stretch"), _str(step, "variation")
            current = (stretch_id, variation_id)
            if previous == current and stretch_id is not None:
                yield _issue(
                    "repeated-step",
                    pointer(*step_base),
                    f"the stretch {stretch_id!r} is done twice in a row; "
                    "make it one step with a longer dose",
                )
            previous = current
            if stretch_id is None:
                resolved = False
                continue
            stretch = stretches.get(stretch_id)
            if stretch is None:
                resolved = False
                yield _issue(
                    "unknown-stretch",
                    pointer(*step_base, "stretch"),
                    f"there is no stretch with the id {stretch_id!r} in this catalog"
                    + suggest(stretch_id, known),
                )
                continue
            if variation_id is not None:
                variations = [_str(v, "id") for _, v in _objects(stretch, "variations")]
                names = [v for v in variations if v is not None]
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
        if resolved:
            yield from _check_minutes(routine, base, stretches)


def _check_minutes(
    routine: dict[str, Any], base: tuple[str | int, ...], stretches: dict[str, dict[str, Any]]
) -> Iterator[Issue]:
    minutes = _number(routine.get("minutes"))
    derived = raw_routine_seconds(routine, stretches)
    if minutes is None or derived is None:
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
    document: object, routines: dict[str, dict[str, Any]], suggest: _Suggester
) -> Iterator[Issue]:
    known = sorted(routines)
    for p_index, program in _objects(document, "programs"):
        for phase_key in ("relief", "maintenance"):
            phase = program.get(phase_key)
            if not isinstance(phase, dict):
                continue
            base: tuple[str | int, ...] = ("programs", p_index, phase_key)
            low, high = (
                _whole(phase.get("min_sessions_per_day")),
                _whole(phase.get("max_sessions_per_day")),
            )
            if low is not None and high is not None and high < low:
                yield _issue(
                    "sessions-range",
                    pointer(*base, "max_sessions_per_day"),
                    f"at most {high} session(s) a day is fewer than the minimum of {low}",
                )
            by_context = phase.get("routines")
            if not isinstance(by_context, dict):
                continue
            for context, routine_id in by_context.items():
                if not isinstance(routine_id, str):
                    continue
                here = pointer(*base, "routines", context)
                routine = routines.get(routine_id)
                if routine is None:
                    yield _issue(
                        "unknown-routine",
                        here,
                        f"there is no routine with the id {routine_id!r} in this catalog"
                        + suggest(routine_id, known),
                    )
                    continue
                actual = routine.get("context")
                if isinstance(actual, str) and actual != context:
                    yield _issue(
                        "context-mismatch",
                        here,
                        f"the routine {routine_id!r} is listed for {context!r} but is made "
                        f"for {actual!r}",
                    )
        policy = program.get("reintroduction")
        if isinstance(policy, dict):
            rest, cap = _number(policy.get("rest_hours")), _number(policy.get("max_rest_hours"))
            if rest is not None and cap is not None and cap < rest:
                yield _issue(
                    "rest-range",
                    pointer("programs", p_index, "reintroduction", "max_rest_hours"),
                    f"the longest rest ({cap:g} h) is shorter than the first rest ({rest:g} h), "
                    "so every rest lasts the capped time",
                )


def _first_by_id(document: object, kind: str) -> dict[str, dict[str, Any]]:
    """Objects of one kind by id; with duplicate ids the first wins (the rest are errors)."""
    found: dict[str, dict[str, Any]] = {}
    for _, obj in _objects(document, kind):
        ident = _str(obj, "id")
        if ident is not None and ident not in found:
            found[ident] = obj
    return found


def semantic_issues_raw(document: Any) -> list[Issue]:
    """Every semantic issue of a parsed catalog document (dicts and lists), in document order.

    Meant to run on a schema-valid document, before it is structured; it
    tolerates any input and never raises.
    """
    stretches = _first_by_id(document, "stretches")
    routines = _first_by_id(document, "routines")
    suggest = _Suggester()
    issues = [
        *_check_links(document),
        *_check_ids(document),
        *_check_stretches(document),
        *_check_routines(document, stretches, suggest),
        *_check_programs(document, routines, suggest),
    ]
    issues.sort(key=lambda i: _pointer_key(i.pointer))
    return issues


_ORDER = {kind: n for n, kind in enumerate(_KINDS)}


def _pointer_key(ptr: str) -> tuple[tuple[int, int | str], ...]:
    """Document order: stretches, routines, programs, then by index and key."""
    parts = ptr.split("/")[1:]
    head = (_ORDER.get(parts[0], len(_ORDER)) if parts else -1, "")
    return (head, *((0, int(p)) if p.isdigit() else (1, p) for p in parts[1:]))


def _plain(value: object) -> object:
    """A model value as the plain data the file format holds (phases tagged with ``kind``)."""
    if attrs.has(type(value)):
        cls: Any = type(value)
        out: dict[str, object] = {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(cls)}
        kind = PHASE_KINDS.get(cls)
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
