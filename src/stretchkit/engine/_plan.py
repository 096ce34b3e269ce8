"""The plan: what the user should do now, and why, as data an app can show.

Rules
- Phase: maintenance once the 24-hour rule is met (see :mod:`._fold`), relief otherwise.
- Routine: the phase's routine for the given context. If the program has none for
  that context, the first of lying, sitting, standing it has, said with a reason.
- Steps: the routine's steps in its order, minus stretches left out (resting until
  an instant, or parked until re-enabled); a stretch back from a rest or re-enabled
  is flagged ``reintroduced`` so the app can say "ease in". If every stretch is left
  out, ``steps`` is empty and a reason says so.
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

from attrs import field, frozen

from stretchkit.engine._errors import EngineError
from stretchkit.engine._fold import State, StretchState, sessions_on
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import day_of, day_start, from_instant, instant
from stretchkit.model import Context, Program, Routine
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
    """The plan was made without the catalog: no steps, only the decisions."""
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


@frozen(kw_only=True)
class LeftOut:
    """A stretch of the routine that is not planned, until when, and why."""

    stretch_id: str
    state: StretchStatus
    until: datetime | None
    """The end of the rest (in the zone of ``now``); ``None`` when parked."""
    reason: Reason


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
    reasons: tuple[Reason, ...] = field(factory=tuple)

    def explain(self) -> str:
        """The reasons as lines a user can read."""
        return "\n".join(r.message for r in self.reasons)


_ORDER = (Context.LYING, Context.SITTING, Context.STANDING)


def _when(dt: datetime) -> str:
    return dt.strftime("%a %d %b %H:%M %Z").strip() if dt.tzname() else dt.isoformat()


def _hours(h: float) -> str:
    return f"{h:g} hour" + ("" if h == 1 else "s")


def _sessions(n: int) -> str:
    return f"{n} session" + ("" if n == 1 else "s")


def _left_out(sid: str, st: StretchState, policy: Policy, tz: tzinfo | None) -> LeftOut:
    if st.parked:
        return LeftOut(
            stretch_id=sid,
            state=StretchStatus.PARKED,
            until=None,
            reason=Reason(
                code=ReasonCode.STRETCH_PARKED,
                stretch_id=sid,
                message=f"{sid} is parked after {st.tries} troubled tries; it stays out "
                "until you bring it back.",
            ),
        )
    until = from_instant(st.rest_until, tz)  # type: ignore[arg-type]
    return LeftOut(
        stretch_id=sid,
        state=StretchStatus.RESTING,
        until=until,
        reason=Reason(
            code=ReasonCode.STRETCH_RESTING,
            stretch_id=sid,
            message=f"{sid} is resting for {_hours(st.rest_hours)} after discomfort "
            f"or pain (try {st.tries} of {policy.max_tries}); back on {_when(until)}.",
        ),
    )


def make_plan(
    *,
    program: Program,
    policy: Policy,
    routines: Mapping[str, Routine],
    state: State,
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
    if context in table:
        routine_id = table[context]
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_FOR_CONTEXT,
                message=f"The {phase.value} routine for {context.value}: {routine_id}.",
            )
        )
    else:
        chosen = next(c for c in _ORDER if c in table)
        routine_id = table[chosen]
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_CONTEXT_FALLBACK,
                message=f"The program has no {phase.value} routine for {context.value}; "
                f"the one for {chosen.value} instead: {routine_id}.",
            )
        )
    routine = routines.get(routine_id)
    if routine is None:
        # Without the catalog the plan still decides phase, day and stretches; it
        # cannot list steps, and says so instead of returning an empty routine.
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_UNKNOWN,
                message=f"The steps of {routine_id} are unknown here: give the catalog "
                "(Progress.start(program, catalog=catalog) or plan(..., catalog=catalog)).",
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
        if st is not None and (st.parked or (st.rest_until is not None and st.rest_until > now_us)):
            left[sid] = _left_out(sid, st, policy, tz)
            continue
        back = st is not None and st.returning
        if back and sid not in flagged:
            flagged.add(sid)
            reasons.append(
                Reason(
                    code=ReasonCode.STRETCH_REINTRODUCED,
                    stretch_id=sid,
                    message=f"{sid} is back after a rest: ease in, and skip it if it hurts.",
                )
            )
        steps.append(
            PlannedStep(stretch_id=sid, index=index, reintroduced=back, variation=step.variation)
        )
    if routine is None:
        for sid, st in sorted(state.stretches.items()):
            if st.parked or (st.rest_until is not None and st.rest_until > now_us):
                left[sid] = _left_out(sid, st, policy, tz)
    reasons.extend(lo.reason for lo in left.values())
    if not steps and routine is not None:
        reasons.append(
            Reason(
                code=ReasonCode.ROUTINE_ALL_LEFT_OUT,
                message=f"Every stretch of {routine_id} is resting or parked: nothing to do in "
                "this routine now; try another situation or wait for a rest to end.",
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
        reasons=tuple(reasons),
    )
