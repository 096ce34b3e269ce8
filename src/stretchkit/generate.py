"""Custom sequences: a routine made to measure from a catalog, under constraints.

The generator works in four steps:

1. **Filter** — hard constraints drop stretches: avoided ids, start positions
   outside the allowed set, equipment the user does not have, and anything
   longer than the budget. Nothing later can bring them back.
2. **Rank** — a seeded greedy order: stretches that cover a wanted target not
   yet covered come first (by weight), then those that work wanted areas
   again, then those that add an area not yet worked; ties are broken by a
   local :class:`random.Random` seeded with ``Constraints.seed``.
3. **Pick** — walk the ranked list and take a stretch whenever the budget
   window (90–100 % of the minutes) is still reachable afterwards. Durations
   are whole seconds, so reachability is an exact subset-sum over seconds
   (Python integers used as bit sets, with a step-count dimension when
   ``max_steps`` binds). When the window is unreachable, the band within
   10 % under the fullest reachable total is aimed at instead, and the
   shortfall is reported.
4. **Order** — by :attr:`StartPosition.level` (lying, kneeling, seated, standing),
   same positions kept together, so the user gets up once and never goes
   down again.

Large catalogs are cut to a candidate pool first (best ranked, plus a spread
of durations), so 20,000 stretches generate in well under a second. On small
catalogs the pool is every allowed stretch and the fill is exact.
"""

from __future__ import annotations

import heapq
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from attrs import field, frozen

from stretchkit.model._routine import Routine, RoutineStep
from stretchkit.model._validators import (
    _SLUG,
    MAX_SLUG,
    ModelError,
    ModelTypeError,
    describe,
    instance_of,
    number,
    optional,
    slug,
    text,
    whole,
)
from stretchkit.model._vocabulary import Context, StartPosition

if TYPE_CHECKING:
    from stretchkit.model._catalog import Catalog
    from stretchkit.model._stretch import Stretch

__all__ = ["Constraints", "GenerationResult", "Unmet", "generate_routine", "substitute"]

MAX_STEPS = 200
"""A routine holds at most this many steps (the file format's limit)."""

FILL_RATIO = 0.9
"""The budget counts as filled from 90 % up; never above 100 %."""

POOL_SIZE = 320
"""Catalogs with more allowed stretches than this are cut to a candidate pool."""

_BITS_LIMIT = 1 << 28
"""At most this many bits of reachability tables (32 MiB)."""

MAX_ITEMS = 100_000
"""At most this many ids in ``avoid``, ``include``, ``equipment`` or ``targets``."""

_POSITION_ORDER = {p: i for i, p in enumerate(StartPosition)}
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def _enum(kind: type[Context] | type[StartPosition], value: object, name: str) -> Any:
    if isinstance(value, kind):
        return value
    for member in kind:
        if isinstance(value, str) and value == member.value:
            return member
    choices = ", ".join(m.value for m in kind)
    raise ModelError(f"{name} must be one of {choices}, got {describe(value)}")


def _many(value: object, name: str) -> tuple[object, ...]:
    """A single string is one item; anything else must be a finite collection of items."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise ModelError(f"{name} must be a list of ids, got {describe(value)}")
    items = tuple(value)
    if len(items) > MAX_ITEMS:
        raise ModelError(f"{name} must hold at most {MAX_ITEMS:,} items, got {len(items):,}")
    return items


def _slug_items(value: object, name: str) -> tuple[str, ...]:
    items = _many(value, name)
    for item in items:
        if not isinstance(item, str) or len(item) > MAX_SLUG or not _SLUG.fullmatch(item):
            raise ModelError(
                f"{name} must hold slugs (lower-case letters, digits and single hyphens), "
                f"got {describe(item)}"
            )
    return items  # type: ignore[return-value]  # each item was checked to be a str


def _context(value: object) -> Context | None:
    return None if value is None else _enum(Context, value, "context")


def _positions(value: object) -> frozenset[StartPosition] | None:
    if value is None:
        return None
    return frozenset(_enum(StartPosition, p, "positions") for p in _many(value, "positions"))


def _ids(value: object) -> frozenset[str]:
    return frozenset(_slug_items(value, "avoid"))


def _equipment(value: object) -> frozenset[str] | None:
    return None if value is None else frozenset(_slug_items(value, "equipment"))


def _include(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_slug_items(value, "include")))


def _targets(value: object) -> dict[str, float]:
    if isinstance(value, Mapping):
        names = _slug_items(tuple(value), "targets")
        weights: dict[str, float] = {}
        for name in names:
            weight = value[name]
            if (
                isinstance(weight, bool)
                or not isinstance(weight, int | float)
                or not 0 < weight < math.inf
            ):
                raise ModelError(
                    f"targets: the weight of {name!r} must be a positive number, "
                    f"got {describe(weight)}"
                )
            weights[name] = float(weight)
        return weights
    return dict.fromkeys(_slug_items(value, "targets"), 1.0)


def _routine_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        slug(instance, attribute, value)


def _name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        text(instance, attribute, value)


@frozen(kw_only=True)
class Constraints:
    """What the user asks of a generated routine.

    ``equipment=None`` means "do not filter by equipment" (the user has
    whatever the catalog needs); a set, even an empty one, lists exactly what
    the user has, and a stretch needing anything else is left out. ``context``
    and ``positions`` both restrict start positions; given together, a
    stretch must fit both. ``targets`` maps body areas to weights (an iterable
    of names gives each weight 1). ``include`` is honoured unless it breaks a
    hard constraint; ``avoid`` always wins over it.
    """

    minutes: float = field(validator=number(0.05, 600))
    context: Context | None = field(
        default=None, converter=_context, validator=optional(instance_of(Context))
    )
    positions: frozenset[StartPosition] | None = field(default=None, converter=_positions)
    equipment: frozenset[str] | None = field(default=None, converter=_equipment)
    targets: dict[str, float] = field(factory=dict, converter=_targets, hash=False)
    avoid: frozenset[str] = field(default=frozenset(), converter=_ids)
    include: tuple[str, ...] = field(default=(), converter=_include)
    max_steps: int | None = field(default=None, validator=optional(whole(1, MAX_STEPS)))
    seed: int = field(default=0, validator=whole(-(2**63), 2**63))
    routine_id: str | None = field(default=None, validator=_routine_id)
    """Id of the generated routine (a slug); by default derived from context, budget and seed."""
    name: str | None = field(default=None, validator=_name)
    """Name of the generated routine (catalog text); default "Sitting routine, 5 minutes"."""

    @property
    def budget_seconds(self) -> int:
        """The budget in whole seconds, rounded down: a routine is never over it."""
        return int(self.minutes * 60 + 1e-9)

    @property
    def allowed_positions(self) -> frozenset[StartPosition]:
        allowed = frozenset(StartPosition)
        if self.context is not None:
            allowed &= self.context.positions
        if self.positions is not None:
            allowed &= self.positions
        return allowed

    def refusal(self, stretch: Stretch) -> str | None:
        """Why a hard constraint rules ``stretch`` out, or ``None`` if it may be used.

        The budget is not checked here: a stretch may be allowed and still too long.
        """
        if stretch.id in self.avoid:
            return "it is to be avoided"
        if not stretch.positions & self.allowed_positions:
            names = " or ".join(sorted(p.value for p in stretch.positions))
            return f"its start position {names} is not allowed"
        if self.equipment is not None:
            missing = [e for e in stretch.equipment if e not in self.equipment]
            if missing:
                return "it needs " + ", ".join(missing)
        return None


@frozen(kw_only=True)
class Unmet:
    """One wish the generator could not grant: a stable ``code`` and a sentence for people.

    Codes: ``include-unknown``, ``include-refused``, ``include-over-budget``,
    ``target-uncovered``, ``budget-underfilled``, ``no-positions``, ``no-stretches``.
    """

    code: str
    message: str
    subject: str | None = None
    """The stretch id or target the message is about, if any."""


@frozen(kw_only=True)
class GenerationResult:
    """A generated routine (``None`` when nothing at all could be chosen) and what was not met."""

    routine: Routine | None
    unmet: tuple[Unmet, ...]
    stretches: tuple[Stretch, ...]
    """The stretches the routine uses, in step order."""
    seconds: int
    """Derived duration of the routine, sides included."""
    budget_seconds: int

    @property
    def fill(self) -> float:
        """Share of the budget used, from 0 to 1."""
        return self.seconds / self.budget_seconds if self.budget_seconds else 0.0

    @property
    def covered_targets(self) -> frozenset[str]:
        return frozenset(t for s in self.stretches for t in s.targets)

    def as_catalog(self) -> Catalog:
        """A catalog of the routine and exactly the stretches it uses: valid on its own."""
        from stretchkit.model._catalog import Catalog

        routines = () if self.routine is None else (self.routine,)
        return Catalog(stretches=self.stretches, routines=routines)


def _check_arguments(catalog: object, constraints: object, *, optional: bool = False) -> None:
    from stretchkit.model._catalog import Catalog

    if not isinstance(catalog, Catalog):
        raise ModelTypeError(f"catalog must be a Catalog, got {describe(catalog)}")
    if not (optional and constraints is None) and not isinstance(constraints, Constraints):
        raise ModelTypeError(f"constraints must be Constraints, got {describe(constraints)}")


def generate_routine(catalog: Catalog, constraints: Constraints) -> GenerationResult:
    """Build a routine from ``catalog`` that meets every hard constraint of ``constraints``.

    Never raises for an impossible wish: what could not be met is listed in
    :attr:`GenerationResult.unmet`. The same catalog and constraints always
    give the same routine.
    """
    _check_arguments(catalog, constraints)
    budget = constraints.budget_seconds
    rng = random.Random(constraints.seed)
    unmet: list[Unmet] = []
    step_cap = constraints.max_steps or MAX_STEPS

    if not constraints.allowed_positions:
        unmet.append(
            Unmet(
                code="no-positions",
                message="the context and the positions asked for have no start position in common",
            )
        )

    by_id: dict[str, Stretch] = {}
    for stretch in catalog.stretches:
        by_id.setdefault(stretch.id, stretch)

    forced = _forced(by_id, constraints, budget, step_cap, unmet)
    forced_ids = {s.id for s in forced}
    room = budget - sum(s.duration for s in forced)
    steps_left = step_cap - len(forced)

    wanted = constraints.targets
    allowed = _allowed(by_id.values(), constraints, forced_ids)
    if len(allowed) > POOL_SIZE:
        allowed = _pool(allowed, wanted, room, rng)
    eligible = [s for s in allowed if 0 < s.duration <= room]
    rank = {s.id: rng.random() for s in eligible}
    ordered = _ranked(eligible, forced, wanted, rank)

    low = max(0, -(-9 * budget // 10) - (budget - room))
    chosen = _pick(ordered, room, low, steps_left)
    total = budget - room + sum(s.duration for s in chosen)

    covered = {t for s in (*forced, *chosen) for t in s.targets}
    coverable = {t for s in eligible for t in s.targets}
    for target in wanted:
        if target not in covered:
            why = (
                "the stretches that work it did not fit alongside the others"
                if target in coverable
                else "no allowed stretch that fits the budget works it"
            )
            unmet.append(
                Unmet(
                    code="target-uncovered",
                    subject=target,
                    message=f"the routine does not work the {target}: {why}",
                )
            )
    if total * 10 < 9 * budget:
        unmet.append(
            Unmet(
                code="budget-underfilled",
                message=(
                    f"the routine takes {total} s of the {budget} s asked for: no combination "
                    f"of the allowed stretches reaches {FILL_RATIO:.0%} without going over"
                    + (" within the step limit" if constraints.max_steps else "")
                ),
            )
        )

    steps = _order([*forced, *chosen], constraints.allowed_positions)
    if not steps:
        unmet.append(
            Unmet(
                code="no-stretches",
                message="no stretch in the catalog meets the constraints and fits the budget",
            )
        )
        return GenerationResult(
            routine=None, unmet=tuple(unmet), stretches=(), seconds=0, budget_seconds=budget
        )
    routine = _routine(steps, total, constraints)
    return GenerationResult(
        routine=routine,
        unmet=tuple(unmet),
        stretches=tuple(steps),
        seconds=total,
        budget_seconds=budget,
    )


def _forced(
    by_id: Mapping[str, Stretch],
    constraints: Constraints,
    budget: int,
    step_cap: int,
    unmet: list[Unmet],
) -> list[Stretch]:
    """The ``include`` stretches that break no hard constraint, first come first fit."""
    forced: list[Stretch] = []
    used = 0
    for stretch_id in constraints.include:
        stretch = by_id.get(stretch_id)
        if stretch is None:
            unmet.append(
                Unmet(
                    code="include-unknown",
                    subject=stretch_id,
                    message=f"the catalog has no stretch {stretch_id!r} to include",
                )
            )
            continue
        reason = constraints.refusal(stretch)
        if reason is not None:
            unmet.append(
                Unmet(
                    code="include-refused",
                    subject=stretch_id,
                    message=f"{stretch_id!r} is not included because {reason}",
                )
            )
            continue
        if used + stretch.duration > budget or len(forced) >= step_cap:
            unmet.append(
                Unmet(
                    code="include-over-budget",
                    subject=stretch_id,
                    message=(
                        f"{stretch_id!r} ({stretch.duration} s) does not fit in what is left "
                        f"of the budget or the step limit"
                    ),
                )
            )
            continue
        forced.append(stretch)
        used += stretch.duration
    return forced


def _allowed(
    stretches: Iterable[Stretch], constraints: Constraints, forced_ids: set[str]
) -> list[Stretch]:
    """The stretches no hard constraint rules out (the budget is checked later).

    The same test as :meth:`Constraints.refusal`, written flat: on 20,000
    stretches this loop is a large part of the generator's time.
    """
    allowed_positions = constraints.allowed_positions
    avoid = constraints.avoid
    have = constraints.equipment
    allowed: list[Stretch] = []
    for s in stretches:
        if s.id in forced_ids or s.id in avoid:
            continue
        if s.position not in allowed_positions and not allowed_positions.intersection(
            s.other_positions
        ):
            continue
        if have is not None and s.equipment and not have.issuperset(s.equipment):
            continue
        allowed.append(s)
    return allowed


SPREAD_SAMPLE = 2000
"""How many other stretches a large catalog's duration spread is drawn from."""


def _pool(
    allowed: list[Stretch], wanted: Mapping[str, float], room: int, rng: random.Random
) -> list[Stretch]:
    """Cut a large candidate list: the best for the wanted targets, plus a spread of durations.

    Durations are derived (a sum over dose parts), so they are computed only
    for the stretches looked at: the target-ranked best and a seeded sample.
    The spread keeps short and odd durations available, which is what lets
    the subset-sum hit the budget window.
    """
    half = POOL_SIZE // 2
    if wanted:
        keyed = [
            (sum(wanted.get(t, 0.0) for t in s.targets), i)
            for i, s in enumerate(allowed)
            if not wanted.keys().isdisjoint(s.targets)
        ]
        top = heapq.nlargest(4 * half, keyed)
        # Equal scores: a seeded shuffle decides, so seeds vary the routine.
        rng.shuffle(top)
        top.sort(key=lambda item: -item[0])
        best = [allowed[i] for _, i in top if 0 < allowed[i].duration <= room][:half]
    else:
        best = []
    chosen = {s.id for s in best}
    rest = [s for s in allowed if s.id not in chosen]
    sample = rng.sample(rest, min(len(rest), SPREAD_SAMPLE))
    by_duration: dict[int, list[Stretch]] = {}
    for s in sample:
        d = s.duration
        if 0 < d <= room:
            by_duration.setdefault(d, []).append(s)
    per_duration = max(1, (POOL_SIZE - len(best)) // max(1, len(by_duration)))
    spread = [s for d in sorted(by_duration) for s in by_duration[d][:per_duration]]
    if len(spread) > POOL_SIZE - len(best):
        spread = rng.sample(spread, POOL_SIZE - len(best))
    return best + spread


def _ranked(
    eligible: Sequence[Stretch],
    forced: Sequence[Stretch],
    wanted: Mapping[str, float],
    rank: Mapping[str, float],
) -> list[Stretch]:
    """Greedy order: new wanted targets first, then wanted areas again, then new areas.

    Every part of the key can only shrink as coverage grows, so a lazy
    priority queue gives the exact greedy order cheaply.
    """
    covered_wanted = {t for s in forced for t in s.targets if t in wanted}
    covered_any = {t for s in forced for t in s.targets}

    def key(s: Stretch) -> tuple[float, float, int, float]:
        targets = set(s.targets)
        new_wanted = sum(wanted[t] for t in targets if t in wanted and t not in covered_wanted)
        again = sum(wanted.get(t, 0.0) for t in targets)
        new_any = len(targets - covered_any)
        return (new_wanted, again, new_any, rank[s.id])

    heap = [(_negate(key(s)), i) for i, s in enumerate(eligible)]
    heapq.heapify(heap)
    ordered: list[Stretch] = []
    while heap:
        _, i = heapq.heappop(heap)
        fresh = _negate(key(eligible[i]))
        if heap and fresh > heap[0][0]:
            heapq.heappush(heap, (fresh, i))
            continue
        s = eligible[i]
        ordered.append(s)
        covered_wanted.update(t for t in s.targets if t in wanted)
        covered_any.update(s.targets)
    return ordered


def _negate(key: tuple[float, float, int, float]) -> tuple[float, float, int, float]:
    return (-key[0], -key[1], -key[2], -key[3])


def _pick(ordered: Sequence[Stretch], room: int, low: int, steps: int) -> list[Stretch]:
    """Take stretches in rank order while the fill window stays reachable.

    ``reach[i]`` is the set of totals (bit ``t`` set for ``t`` seconds) the
    stretches ``ordered[i:]`` can make; with a binding step limit it is a list
    indexed by how many steps may still be used. The window is ``[low, room]``,
    or the fullest reachable total when that window cannot be reached.
    """
    if room <= 0 or steps <= 0 or not ordered:
        return []
    durations = [s.duration for s in ordered]
    mask = (1 << (room + 1)) - 1
    n = len(ordered)
    fits_anyway = steps >= min(n, room // min(durations))
    if not fits_anyway and n * (steps + 1) * (room + 1) > _BITS_LIMIT:
        # Memory guard for huge budgets with a binding step limit: keep the longest.
        n = max(steps, _BITS_LIMIT // ((steps + 1) * (room + 1)))
        longest = set(heapq.nlargest(n, range(len(ordered)), key=durations.__getitem__))
        ordered = [s for i, s in enumerate(ordered) if i in longest]
        durations = [s.duration for s in ordered]
        fits_anyway = steps >= n
    if fits_anyway:
        reach_flat = [0] * (n + 1)
        reach_flat[n] = 1
        for i in range(n - 1, -1, -1):
            after = reach_flat[i + 1]
            reach_flat[i] = (after | (after << durations[i])) & mask
        window = _window(reach_flat[0], room, low)
        chosen: list[Stretch] = []
        total = 0
        for i, s in enumerate(ordered):
            new_total = total + durations[i]
            if new_total <= room and (reach_flat[i + 1] << new_total) & window:
                chosen.append(s)
                total = new_total
        return chosen

    reach: list[list[int]] = [[] for _ in range(n + 1)]
    reach[n] = [1] * (steps + 1)
    for i in range(n - 1, -1, -1):
        below = reach[i + 1]
        d = durations[i]
        row = [1]
        row.extend((below[k] | (below[k - 1] << d)) & mask for k in range(1, steps + 1))
        reach[i] = row
    window = _window(reach[0][steps], room, low)
    chosen = []
    total = 0
    used = 0
    for i, s in enumerate(ordered):
        new_total = total + durations[i]
        if (
            used < steps
            and new_total <= room
            and (reach[i + 1][steps - used - 1] << new_total) & window
        ):
            chosen.append(s)
            total = new_total
            used += 1
    return chosen


def _window(reachable: int, room: int, low: int) -> int:
    """Bits ``low..room``; when none is reachable, the same 90 % band under the fullest total.

    A band rather than the single fullest total leaves the rank order room to
    cover wanted targets when the budget cannot be filled anyway.
    """
    window = ((1 << (room + 1)) - 1) ^ ((1 << low) - 1)
    if reachable & window:
        return window
    best = reachable.bit_length() - 1
    floor = -(-9 * best // 10)
    return ((1 << (best + 1)) - 1) ^ ((1 << floor) - 1)


def start_position(stretch: Stretch, allowed: frozenset[StartPosition]) -> StartPosition:
    """The position ``stretch`` is done from when only ``allowed`` ones fit.

    Its own start position when allowed, else the lowest allowed one of its
    ``other_positions`` (so a heel press in a standing routine is done standing).
    """
    if stretch.position in allowed or not stretch.other_positions:
        return stretch.position
    fitting = [p for p in stretch.other_positions if p in allowed] or [stretch.position]
    return min(fitting, key=lambda p: (p.level, _POSITION_ORDER[p]))


def _order(stretches: Iterable[Stretch], allowed: frozenset[StartPosition]) -> list[Stretch]:
    """Lowest position first, same positions together, rank order kept inside a position."""
    keyed = []
    for rank, s in enumerate(stretches):
        p = start_position(s, allowed)
        keyed.append(((p.level, _POSITION_ORDER[p], rank), s))
    keyed.sort(key=lambda item: item[0])
    return [s for _, s in keyed]


def _routine(steps: Sequence[Stretch], total: int, constraints: Constraints) -> Routine:
    context = constraints.context or _context_for(
        start_position(steps[0], constraints.allowed_positions)
    )
    minutes = constraints.minutes
    shown = f"{minutes:g}"
    routine_id = constraints.routine_id or _slug(
        f"generated-{context.value}-{shown}-min-seed-{constraints.seed}"
    )
    name = constraints.name or (
        f"{context.value.capitalize()} routine, {shown} minute{'s' if minutes != 1 else ''}"
    )
    routine_steps: tuple[RoutineStep, ...] = tuple(RoutineStep(stretch=s.id) for s in steps)
    return Routine(
        id=routine_id,
        name=name,
        context=context,
        minutes=max(0.1, round(total / 60, 1)),
        steps=routine_steps,
        description=(
            f"Generated by stretchkit for a {shown}-minute budget with seed "
            f"{constraints.seed}; it takes {total} seconds."
        ),
    )


def _context_for(position: StartPosition) -> Context:
    for context in Context:
        if position in context.positions:
            return context
    return Context.STANDING  # pragma: no cover - every position belongs to a context


def _slug(text: str) -> str:
    slug = _SLUG_JUNK.sub("-", text.lower()).strip("-")
    return slug[:64].rstrip("-") or "generated"


def substitute(
    catalog: Catalog, stretch_id: str, constraints: Constraints | None = None
) -> Stretch | None:
    """The best replacement for one stretch, or ``None`` if nothing shares a target with it.

    A replacement works at least one of the same targets, needs no equipment
    the original (or, with ``constraints``, the user) does not have, and
    starts in a compatible position: one of the constraints' positions, or
    else a position of the same context as the original. The stretch itself
    and every avoided stretch are never proposed. Among candidates, the most
    shared targets win, then the same start position, then the closest
    duration; ties go to the seeded draw, so the answer is deterministic.
    """
    _check_arguments(catalog, constraints, optional=True)
    if not isinstance(stretch_id, str):
        raise ModelTypeError(f"stretch_id must be a string, got {describe(stretch_id)}")
    by_id = {s.id: s for s in reversed(catalog.stretches)}
    original = by_id.get(stretch_id)
    if original is None:
        return None
    if constraints is None:
        allowed = _context_for(original.position).positions
        have: frozenset[str] | None = frozenset(original.equipment)
        avoid: frozenset[str] = frozenset()
        seed = 0
    else:
        allowed = constraints.allowed_positions
        have = constraints.equipment
        avoid = constraints.avoid
        seed = constraints.seed
    targets = set(original.targets)
    if not targets:
        return None
    rng = random.Random(seed)
    best: tuple[tuple[int, int, int, float], Stretch] | None = None
    for s in catalog.stretches:
        if s.id == stretch_id or s.id in avoid or not s.positions & allowed:
            continue
        if have is not None and not set(s.equipment) <= have:
            continue
        shared = len(targets & set(s.targets))
        if not shared:
            continue
        key = (
            shared,
            int(s.position is original.position),
            -abs(s.duration - original.duration),
            rng.random(),
        )
        if best is None or key > best[0]:
            best = (key, s)
    return None if best is None else best[1]
