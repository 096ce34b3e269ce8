"""The plan: what the user should do now, and why, as data an app can show.

Rules
- Phase: maintenance once the 24-hour rule is met (see :mod:`._fold`), relief otherwise.
- Routine: the phase's routine for the given context. If the program has none for
  that context, the first of lying, sitting, standing it has, said with a reason.
- Steps: the routine's steps in its order, minus stretches left out (resting until
  an instant, or parked until re-enabled); a stretch back from a rest or re-enabled
  is flagged ``reintroduced`` so the app can say "ease in". If every stretch is left
  out, ``steps`` is empty, a reason says so and names the contexts whose routines
  can still be done now (``doable_contexts``).
- People read plans: reasons name stretches and routines by their names (ids stay
  in the data), and dates are written the same way in every locale
  (``Mon 2026-03-02 09:00 +01:00``).
- Day: today is the local date of ``now`` in its own zone, days starting at
  ``day_starts_hour``. ``sessions_today`` counts the sessions that started on that
  date read in their own recorded offsets with at least one completed step. ``due``
  while below the phase's minimum; ``allowed`` while below its maximum, otherwise
  ``next_allowed_at`` is the start of the next local day.
- Every decision is a :class:`Reason`: a stable :class:`ReasonCode` and a sentence.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

import attrs
from attrs import field, frozen

from stretchkit.engine._errors import EngineError
from stretchkit.engine._fold import ProgressState, StretchTroubles, sessions_on
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import day_of, day_start, from_instant, instant
from stretchkit.model import Catalog, Context, Program, Stretch, Variation
from stretchkit.model._validators import describe

__all__ = [
    "LeftOut",
    "Plan",
    "PlannedStep",
    "ProgramPhase",
    "Reason",
    "ReasonCode",
    "StretchStatus",
    "make_plan",
]


class ProgramPhase(enum.StrEnum):
    """Which part of the program applies (not a dose phase such as a hold)."""

    RELIEF = "relief"
    MAINTENANCE = "maintenance"


class StretchStatus(enum.StrEnum):
    """Why a stretch is left out of a plan."""

    RESTING = "resting"
    PARKED = "parked"


class ReasonCode(enum.StrEnum):
    """Stable machine codes for every decision of a plan. Values never change."""

    RELIEF_NO_EVIDENCE = "relief-no-evidence"
    """No pain-free report since the last painful one (or none at all)."""
    RELIEF_CLOCK_RUNNING = "relief-clock-running"
    """Pain-free since a report; the rule can be met at ``maintenance_at``."""
    RELIEF_CONFIRM = "relief-confirm"
    """Enough time has passed; a pain-free report now will meet the rule."""
    RELIEF_RELAPSE = "relief-relapse"
    """Pain came back during maintenance: relief again, the clock restarted."""
    MAINTENANCE = "maintenance"
    """Pain-free for the full period: maintenance routines."""
    ROUTINE_FOR_CONTEXT = "routine-for-context"
    ROUTINE_CONTEXT_FALLBACK = "routine-context-fallback"
    ROUTINE_ALL_LEFT_OUT = "routine-all-left-out"
    ROUTINE_UNKNOWN = "routine-unknown"
    """The catalog given to ``plan(..., catalog=...)`` lacks the routine: no steps."""
    STRETCH_RESTING = "stretch-resting"
    STRETCH_PARKED = "stretch-parked"
    STRETCH_REINTRODUCED = "stretch-reintroduced"
    DAY_MINIMUM_DUE = "day-minimum-due"
    DAY_MINIMUM_MET = "day-minimum-met"
    DAY_LIMIT_REACHED = "day-limit-reached"
    FUTURE_EVENTS_IGNORED = "future-events-ignored"


@frozen(kw_only=True)
class Reason:
    """One decision: a code for programs, a sentence for people."""

    code: ReasonCode
    message: str
    stretch_id: str | None = None
    """The stretch the decision is about, if any."""

    def __str__(self) -> str:
        return self.message


@frozen(kw_only=True)
class PlannedStep:
    """One step to do: ``index`` is its position in the routine's steps."""

    stretch_id: str
    index: int
    reintroduced: bool = False
    variation: str | None = None
    """The chosen variation's id (the routine's choice unless the app picked another)."""
    name: str = ""
    """The stretch's name, for people."""
    variation_name: str | None = None
    variations: tuple[Variation, ...] = ()
    """The stretch's variations an app may choose from (:meth:`Plan.with_variation`)."""


@frozen(kw_only=True)
class LeftOut:
    """A stretch of the routine that is not planned, until when, and why."""

    stretch_id: str
    state: StretchStatus
    until: datetime | None
    """The end of the rest (in the zone of ``now``); ``None`` when parked."""
    reason: Reason
    name: str = ""
    """The stretch's name, for people."""


@frozen(kw_only=True)
class Plan:
    """What to do at ``now`` in ``context``, with every decision explained."""

    now: datetime
    context: Context
    phase: ProgramPhase
    routine_id: str
    steps: tuple[PlannedStep, ...]
    left_out: tuple[LeftOut, ...]
    sessions_today: int
    min_sessions_per_day: int
    max_sessions_per_day: int
    due: bool
    allowed: bool
    next_allowed_at: datetime | None
    pain_free_since: datetime | None
    maintenance_at: datetime | None
    """In relief, the earliest time the 24-hour rule can be met; in maintenance, when it was."""
    time_to_maintenance: timedelta | None = None
    """Elapsed time still to go before a pain-free report can meet the 24-hour rule:
    ``None`` when no pain-free clock runs (or in maintenance), zero once a report now
    meets it."""
    ignored_events: int = 0
    """Events stamped after ``now`` (a clock set wrong?), kept but not used."""
    routine_name: str = ""
    doable_contexts: tuple[Context, ...] = ()
    """Contexts whose routine in this phase has a step that can be done now."""
    reasons: tuple[Reason, ...] = field(factory=tuple)

    def explain(self) -> str:
        """The reasons as lines a user can read."""
        return "\n".join(r.message for r in self.reasons)

    def with_variation(self, stretch_id: str, variation: str | None) -> Plan:
        """This plan with ``variation`` (an id of the stretch's variations, or ``None``
        for the stretch as written) chosen for every step of ``stretch_id``."""
        if not any(s.stretch_id == stretch_id for s in self.steps):
            raise EngineError(f"the plan has no step of stretch {stretch_id!r}")
        steps = []
        for s in self.steps:
            if s.stretch_id == stretch_id:
                chosen = _variation(s.variations, variation, stretch_id)
                s = attrs.evolve(
                    s, variation=variation, variation_name=None if chosen is None else chosen.name
                )
            steps.append(s)
        return attrs.evolve(self, steps=tuple(steps))


def _variation(
    choices: tuple[Variation, ...], variation: str | None, stretch_id: str
) -> Variation | None:
    if variation is None:
        return None
    for v in choices:
        if v.id == variation:
            return v
    known = ", ".join(v.id for v in choices) or "none"
    raise EngineError(
        f"stretch {stretch_id!r} has no variation {variation!r} (its variations: {known})"
    )


_ORDER = (Context.LYING, Context.SITTING, Context.STANDING)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when(dt: datetime) -> str:
    """``Mon 2026-03-02 09:00 +01:00``: the same in every locale, and never ambiguous."""
    offset = dt.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{_WEEKDAYS[dt.weekday()]} {dt:%Y-%m-%d %H:%M} {sign}{hours:02d}:{mins:02d}"


_when = when


def _hours(h: float) -> str:
    return f"{h:g} hour" + ("" if h == 1 else "s")


def _sessions(n: int) -> str:
    return f"{n} session" + ("" if n == 1 else "s")


def _left_out(
    sid: str, name: str, st: StretchTroubles, policy: Policy, tz: tzinfo | None
) -> LeftOut:
    if st.parked:
        return LeftOut(
            stretch_id=sid,
            name=name,
            state=StretchStatus.PARKED,
            until=None,
            reason=Reason(
                code=ReasonCode.STRETCH_PARKED,
                stretch_id=sid,
                message=f"{name} is parked after {st.tries} troubled tries; it stays out "
                "until you bring it back.",
            ),
        )
    until = from_instant(st.rest_until, tz)  # type: ignore[arg-type]
    return LeftOut(
        stretch_id=sid,
        name=name,
        state=StretchStatus.RESTING,
        until=until,
        reason=Reason(
            code=ReasonCode.STRETCH_RESTING,
            stretch_id=sid,
            message=f"{name} is resting for {_hours(st.rest_hours)} after discomfort "
            f"or pain (try {st.tries} of {policy.max_tries}); back on {_when(until)}.",
        ),
    )


def _out(st: StretchTroubles | None, now_us: int) -> bool:
    """Left out of a plan at ``now_us``: parked, or resting until later."""
    return st is not None and (st.parked or (st.rest_until is not None and st.rest_until > now_us))


def _name(stretches: Mapping[str, Stretch], sid: str) -> str:
    found = stretches.get(sid)
    return sid if found is None else found.name


def make_plan(
    *,
    program: Program,
    policy: Policy,
    catalog: Catalog,
    state: ProgressState,
    ignored: int,
    now: datetime,
    context: Context | str,
) -> Plan:
    """The plan for ``state`` (events up to ``now`` already filtered) at ``now``."""
    if not isinstance(context, Context):
        try:
            context = Context(context)
        except ValueError:
            raise EngineError(
                f"context must be one of {', '.join(c.value for c in Context)}, "
                f"got {describe(context)}"
            ) from None
    tz = now.tzinfo
    now_us = instant(now)
    reasons: list[Reason] = []

    # phase
    since = None if state.pain_free_since is None else from_instant(state.pain_free_since, tz)
    met = None if state.met_at is None else from_instant(state.met_at, tz)
    if met is not None:
        phase = ProgramPhase.MAINTENANCE
        maintenance_at: datetime | None = met
        reasons.append(
            Reason(
                code=ReasonCode.MAINTENANCE,
                message=f"Pain-free since {_when(since or met)} and still on {_when(met)}: "
                "maintenance routines now.",
            )
        )
    else:
        phase = ProgramPhase.RELIEF
        need = policy.pain_free_hours
        maintenance_at = None
        if state.relapsed_at is not None:
            reasons.append(
                Reason(
                    code=ReasonCode.RELIEF_RELAPSE,
                    message=f"Pain came back on {_when(from_instant(state.relapsed_at, tz))}: "
                    "back to relief, and the pain-free clock starts again.",
                )
            )
        if since is None:
            reasons.append(
                Reason(
                    code=ReasonCode.RELIEF_NO_EVIDENCE,
                    message="Relief routines: no pain-free report yet"
                    + ("" if state.last_painful is None else " since the last painful one")
                    + f". Maintenance starts after {_hours(need)} without pain, "
                    "confirmed by your reports.",
                )
            )
        else:
            maintenance_at = from_instant(instant(since) + round(need * 3_600_000_000), tz)
            if instant(maintenance_at) <= now_us:
                reasons.append(
                    Reason(
                        code=ReasonCode.RELIEF_CONFIRM,
                        message=f"Pain-free since {_when(since)}: report how you feel; a "
                        "pain-free report now moves you to maintenance.",
                    )
                )
            else:
                reasons.append(
                    Reason(
                        code=ReasonCode.RELIEF_CLOCK_RUNNING,
                        message=f"Pain-free since {_when(since)}: a pain-free report from "
                        f"{_when(maintenance_at)} on moves you to maintenance.",
                    )
                )

    to_go = None
    if phase is ProgramPhase.RELIEF and maintenance_at is not None:
        to_go = timedelta(microseconds=max(0, instant(maintenance_at) - now_us))

    # routine
    table = (
        program.maintenance.routines
        if phase is ProgramPhase.MAINTENANCE
        else program.relief.routines
    )
    routines = catalog.routine_by_id
    stretches = catalog.stretch_by_id
    if context in table:
        chosen = context
        routine_id = table[context]
    else:
        chosen = next(c for c in _ORDER if c in table)
        routine_id = table[chosen]
    routine = routines.get(routine_id)
    routine_name = routine_id if routine is None else routine.name
    if chosen is context:
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_FOR_CONTEXT,
                message=f"The {phase.value} routine for {context.value}: {routine_name}.",
            )
        )
    else:
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_CONTEXT_FALLBACK,
                message=f"The program has no {phase.value} routine for {context.value}; "
                f"the one for {chosen.value} instead: {routine_name}.",
            )
        )
    if routine is None:
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_UNKNOWN,
                message=f"The steps of {routine_id} are not in the catalog given: plan with "
                "the catalog the program comes from.",
            )
        )
    # steps
    steps: list[PlannedStep] = []
    left: dict[str, LeftOut] = {}
    flagged: set[str] = set()
    routine_steps = routine.steps if routine is not None else ()
    for index, step in enumerate(routine_steps):
        sid = step.stretch
        st = state.stretches.get(sid)
        if sid in left:
            continue
        stretch = stretches.get(sid)
        name = sid if stretch is None else stretch.name
        if _out(st, now_us):
            left[sid] = _left_out(sid, name, st, policy, tz)  # type: ignore[arg-type]
            continue
        back = st is not None and st.returning
        if back and sid not in flagged:
            flagged.add(sid)
            reasons.append(
                Reason(
                    code=ReasonCode.STRETCH_REINTRODUCED,
                    stretch_id=sid,
                    message=f"{name} is back after a rest: ease in, and skip it if it hurts.",
                )
            )
        choices = () if stretch is None else stretch.variations
        picked = next((v for v in choices if v.id == step.variation), None)
        steps.append(
            PlannedStep(
                stretch_id=sid,
                index=index,
                reintroduced=back,
                variation=step.variation,
                name=name,
                variation_name=None if picked is None else picked.name,
                variations=choices,
            )
        )
    if routine is None:
        for sid, st in sorted(state.stretches.items()):
            if _out(st, now_us):
                left[sid] = _left_out(sid, _name(stretches, sid), st, policy, tz)
    reasons.extend(lo.reason for lo in left.values())
    doable = tuple(
        c
        for c in _ORDER
        if c in table
        and (r := routines.get(table[c])) is not None
        and any(not _out(state.stretches.get(rs.stretch), now_us) for rs in r.steps)
    )
    if not steps and routine is not None:
        others = [c for c in doable if table[c] != routine_id]
        hint = (
            "the routine for " + " or ".join(c.value for c in others) + " can be done now."
            if others
            else "no other routine of this phase can be done now; the first rest ends on "
            + (_when(min(lo.until for lo in left.values() if lo.until)) + ".")
            if any(lo.until for lo in left.values())
            else "no other routine of this phase can be done now; bring a stretch back."
        )
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_ALL_LEFT_OUT,
                message=f"Every stretch of {routine_name} is resting or parked, so this "
                f"routine has nothing to do now; {hint}",
            )
        )

    # day
    if phase is ProgramPhase.MAINTENANCE:
        low, high = policy.maintenance_min_sessions_per_day, policy.maintenance_max_sessions_per_day
    else:
        low, high = policy.min_sessions_per_day, policy.max_sessions_per_day
    today = day_of(now, policy.day_starts_hour)
    done = sessions_on(state, today, phase is ProgramPhase.MAINTENANCE)
    due = done < low
    allowed = done < high
    next_allowed = None if allowed else day_start(today + 1, policy.day_starts_hour, tz)
    if due:
        reasons.append(
            Reason(
                code=ReasonCode.DAY_MINIMUM_DUE,
                message=f"{done} of at least {_sessions(low)} done today: one is due.",
            )
        )
    elif allowed:
        reasons.append(
            Reason(
                code=ReasonCode.DAY_MINIMUM_MET,
                message=f"{_sessions(done)} today: the minimum of {low} is met; up to {high} "
                "are fine.",
            )
        )
    if not allowed:
        reasons.append(
            Reason(
                code=ReasonCode.DAY_LIMIT_REACHED,
                message=f"{_sessions(done)} today reach the maximum of {high}: the next one "
                f"from {_when(next_allowed)} on.",  # type: ignore[arg-type]
            )
        )
    if ignored:
        reasons.append(
            Reason(
                code=ReasonCode.FUTURE_EVENTS_IGNORED,
                message=f"{ignored} event{'s' if ignored != 1 else ''} stamped after now "
                "(a clock set wrong?) not used.",
            )
        )

    return Plan(
        now=now,
        context=context,
        phase=phase,
        routine_id=routine_id,
        steps=tuple(steps),
        left_out=tuple(left.values()),
        sessions_today=done,
        min_sessions_per_day=low,
        max_sessions_per_day=high,
        due=due,
        allowed=allowed,
        next_allowed_at=next_allowed,
        pain_free_since=since,
        maintenance_at=maintenance_at,
        time_to_maintenance=to_go,
        ignored_events=ignored,
        routine_name=routine_name,
        doable_contexts=doable,
        reasons=tuple(reasons),
    )
