"""What a report shows, as plain data: the history of one user over the last days.

Pure (no I/O, no clock, no matplotlib): the charts and the page are drawn from a
:class:`History`, and tests check a :class:`History` against the events it came from.

Rules
- The report covers the last ``days`` local days in the zone of ``now`` (today
  included), each starting at the policy's ``day_starts_hour``. Events stamped after
  ``now`` are left out and counted.
- Pain points are every level the user gave: a ``PainReported`` at its time, a
  session's ``pain_before`` at its start and ``pain_after`` at its end.
- A session is drawn on the local day the engine counts it for, and only if it
  counts (at least one step completed); the day's minimum, maximum and whether the
  minimum was met are the engine's own plan at the end of that day (or at ``now``
  for today), so the report never re-decides a rule.
- Phases, the pain-free stretch and each stretch's rests, reintroductions and
  parking are read from the engine's state after each event
  (:meth:`Progress.state_at`): a rest runs from the troubled session's end to its
  ``rest_until``; after that the stretch is *reintroduced* until it is done without
  trouble (or troubled again); *parked* lasts until a ``StretchReenabled``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo

from attrs import frozen

from stretchkit.engine import (
    EngineError,
    Event,
    PainReported,
    ProgramPhase,
    Progress,
    SessionLogged,
    StretchReenabled,
    check_local_time,
)
from stretchkit.engine._events import event_instant
from stretchkit.engine._fold import ProgressState, StretchTroubles
from stretchkit.engine._time import day_of, day_start, from_instant, instant
from stretchkit.model import Outcome

__all__ = [
    "MAX_DAYS",
    "DayCount",
    "History",
    "PainFree",
    "PainPoint",
    "PhaseChange",
    "SessionBlock",
    "SpanKind",
    "StretchMark",
    "StretchSpan",
    "history",
]

MAX_DAYS = 3660
"""The longest report: ten years of days."""

_US = 1
_Local = Callable[[int], datetime]


class SpanKind(enum.StrEnum):
    """What a stretch is going through on the timeline."""

    RESTING = "resting"
    REINTRODUCED = "reintroduced"
    PARKED = "parked"


@frozen(kw_only=True)
class PainPoint:
    """One pain level the user gave."""

    at: datetime
    level: int
    source: str
    """``report``, ``before`` (a session's start) or ``after`` (its end)."""
    event_id: str


@frozen(kw_only=True)
class SessionBlock:
    """One counted session, on the local day it counts for."""

    day: date
    session_id: str
    routine: str
    started_at: datetime
    phase: ProgramPhase


@frozen(kw_only=True)
class DayCount:
    """One local day: sessions counted, and the limits of the phase at its end."""

    day: date
    sessions: int
    """Sessions drawn for this day (every counted session)."""
    counted: int
    """Sessions the engine counts against this day's limits (its ``sessions_today``)."""
    minimum: int
    maximum: int
    phase: ProgramPhase
    met: bool
    """The engine's own verdict: ``counted`` reached ``minimum``."""
    today: bool


@frozen(kw_only=True)
class PainFree:
    """A pain-free stretch: from its first pain-free report until pain came back (or now)."""

    since: datetime
    until: datetime | None
    """When pain came back; ``None`` while it lasts."""
    met_at: datetime | None
    """When the 24-hour rule was met within this stretch, if it was."""


@frozen(kw_only=True)
class PhaseChange:
    """The program phase changed: ``kind`` is ``maintenance`` or ``relapse``."""

    at: datetime
    phase: ProgramPhase
    kind: str


@frozen(kw_only=True)
class StretchSpan:
    """A stretch resting, reintroduced or parked from ``start`` to ``end`` (``None``: still)."""

    stretch_id: str
    kind: SpanKind
    start: datetime
    end: datetime | None


@frozen(kw_only=True)
class StretchMark:
    """A moment on a stretch's timeline: ``trouble`` (skipped for discomfort or pain) or
    ``reenabled``."""

    stretch_id: str
    at: datetime
    kind: str


@frozen(kw_only=True)
class History:
    """Everything one report shows, in the zone of ``now``."""

    now: datetime
    start: datetime
    """The first instant of the first day shown."""
    first_at: datetime | None
    """The user's first event (its place in history), if any is shown or came before."""
    days: tuple[DayCount, ...]
    sessions: tuple[SessionBlock, ...]
    pain: tuple[PainPoint, ...]
    pain_free: tuple[PainFree, ...]
    phase_at_start: ProgramPhase
    phase_changes: tuple[PhaseChange, ...]
    phase_now: ProgramPhase
    spans: tuple[StretchSpan, ...]
    marks: tuple[StretchMark, ...]
    stretch_ids: tuple[str, ...]
    """Every stretch with a span or a mark, in the order they first appear."""
    days_tracked: int
    """Days shown since the user's first event (today included)."""
    days_met: int
    """Of those, days on which the engine counted the minimum as met."""
    streak: int
    """Consecutive days with the minimum met, ending today (or yesterday, if today's
    minimum is still open)."""
    average_this_week: float | None
    """Mean pain level of the last seven local days (today included)."""
    average_last_week: float | None
    """Mean pain level of the seven days before."""
    ignored: int
    """Events stamped after ``now``: not shown."""


def history(progress: Progress, *, now: datetime, days: int = 28) -> History:
    """The history of ``progress`` over the last ``days`` local days up to ``now``."""
    if not isinstance(progress, Progress):
        raise EngineError(f"progress must be a Progress, got {type(progress).__name__}")
    check_local_time(now, "now")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise EngineError(f"days must be a whole number from 1 to {MAX_DAYS}, got {days!r}")
    tz = now.tzinfo
    policy = progress.policy
    dsh = policy.day_starts_hour
    now_us = instant(now)
    today = day_of(now, dsh)
    first_day = today - days + 1
    start = day_start(first_day, dsh, tz)
    start_us = instant(start)

    events = progress.events
    used = [e for e in events if event_instant(e) <= now_us]
    ignored = len(events) - len(used)
    context = next(iter(progress.program.relief.routines))

    def local(us: int) -> datetime:
        return from_instant(us, tz)

    # pain points
    pain: list[PainPoint] = []
    for e in used:
        for at, level, source in _levels(e):
            if start_us <= instant(at) <= now_us:
                pain.append(
                    PainPoint(at=at.astimezone(tz), level=level, source=source, event_id=e.id)
                )
    pain.sort(key=lambda p: (instant(p.at), p.event_id, p.source))

    # states after each event instant in the window (and the one at its start)
    state0, _ = progress.state_at(local(start_us - _US))
    instants = sorted({event_instant(e) for e in used if event_instant(e) >= start_us})
    snapshots: list[tuple[int, ProgressState]] = [(start_us, state0)]
    for t in instants:
        snapshots.append((t, progress.state_at(local(t))[0]))

    # sessions
    blocks: list[SessionBlock] = []
    for e in used:
        if type(e) is not SessionLogged or not e.session.completed_any:
            continue
        d = day_of(e.session.started_at, dsh)
        if first_day <= d <= today:
            s = e.session
            phase = _phase(progress.state_at(local(instant(s.started_at)))[0])
            blocks.append(
                SessionBlock(
                    day=date.fromordinal(d),
                    session_id=s.id,
                    routine=s.routine,
                    started_at=s.started_at,
                    phase=phase,
                )
            )
    blocks.sort(key=lambda b: (b.day, instant(b.started_at), b.session_id))
    per_day: dict[date, int] = {}
    for b in blocks:
        per_day[b.day] = per_day.get(b.day, 0) + 1

    # days, judged by the engine's own plan at each day's end
    day_counts: list[DayCount] = []
    for d in range(first_day, today + 1):
        end_us = min(instant(day_start(d + 1, dsh, tz)) - _US, now_us)
        plan = progress.plan(local(end_us), context)
        day_counts.append(
            DayCount(
                day=date.fromordinal(d),
                sessions=per_day.get(date.fromordinal(d), 0),
                counted=plan.sessions_today,
                minimum=plan.min_sessions_per_day,
                maximum=plan.max_sessions_per_day,
                phase=plan.phase,
                met=plan.sessions_today >= plan.min_sessions_per_day,
                today=d == today,
            )
        )

    first_event_day = min((_event_day(e, tz, dsh) for e in used), default=today + 1)
    tracked = [c for c in day_counts if c.day.toordinal() >= first_event_day]
    streak = _streak(progress, today, first_event_day, tz, dsh, now_us, context)

    # averages by local day in the zone of now
    this_week: list[int] = []
    last_week: list[int] = []
    for e in used:
        for at, level, _ in _levels(e):
            if instant(at) > now_us:
                continue
            d = day_of(at.astimezone(tz), dsh)
            if today - 6 <= d <= today:
                this_week.append(level)
            elif today - 13 <= d <= today - 7:
                last_week.append(level)

    pain_free, changes = _phases(snapshots, local)
    spans, marks, order = _stretches(snapshots, used, start_us, now_us, local)

    return History(
        now=now,
        start=start,
        first_at=local(min(event_instant(e) for e in used)) if used else None,
        days=tuple(day_counts),
        sessions=tuple(blocks),
        pain=tuple(pain),
        pain_free=tuple(pain_free),
        phase_at_start=_phase(state0),
        phase_changes=tuple(changes),
        phase_now=_phase(snapshots[-1][1]),
        spans=tuple(spans),
        marks=tuple(marks),
        stretch_ids=tuple(order),
        days_tracked=len(tracked),
        days_met=sum(c.met for c in tracked),
        streak=streak,
        average_this_week=_mean(this_week),
        average_last_week=_mean(last_week),
        ignored=ignored,
    )


def _levels(event: object) -> Iterable[tuple[datetime, int, str]]:
    if type(event) is PainReported:
        yield event.at, event.level, "report"
    elif type(event) is SessionLogged:
        s = event.session
        if s.pain_before is not None:
            yield s.started_at, s.pain_before, "before"
        if s.pain_after is not None:
            yield s.ended_at, s.pain_after, "after"


def _event_day(event: object, tz: tzinfo | None, dsh: int) -> int:
    if type(event) is SessionLogged:
        return day_of(event.session.started_at, dsh)
    at: datetime = event.at  # type: ignore[attr-defined]
    return day_of(at.astimezone(tz), dsh)


def _phase(state: ProgressState) -> ProgramPhase:
    return ProgramPhase.MAINTENANCE if state.met_at is not None else ProgramPhase.RELIEF


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _streak(
    progress: Progress,
    today: int,
    first_day: int,
    tz: tzinfo | None,
    dsh: int,
    now_us: int,
    context: object,
) -> int:
    streak = 0
    d = today
    while d >= first_day:
        end_us = min(instant(day_start(d + 1, dsh, tz)) - _US, now_us)
        plan = progress.plan(from_instant(end_us, tz), context)  # type: ignore[arg-type]
        if plan.sessions_today >= plan.min_sessions_per_day:
            streak += 1
        elif d != today:  # today still open: it does not break the streak
            break
        d -= 1
    return streak


def _phases(
    snapshots: list[tuple[int, ProgressState]], local: _Local
) -> tuple[list[PainFree], list[PhaseChange]]:
    """Pain-free stretches and phase changes, from the states after each event."""
    stretches: dict[int, list[int | None]] = {}  # since -> [until, met]
    order: list[int] = []
    changes: list[PhaseChange] = []
    previous: ProgressState | None = None
    for _, state in snapshots:
        since = state.pain_free_since
        if since is not None:
            if since not in stretches:
                # an earlier report can move the start back: the later start was the same stretch
                if (
                    previous is not None
                    and previous.pain_free_since is not None
                    and previous.last_painful == state.last_painful
                    and previous.pain_free_since in stretches
                ):
                    del stretches[previous.pain_free_since]
                    order.remove(previous.pain_free_since)
                stretches[since] = [None, None]
                order.append(since)
            stretches[since][1] = state.met_at
        if previous is not None:
            old = previous.pain_free_since
            if old is not None and old in stretches and old != since and state.last_painful:
                stretches[old][0] = state.last_painful
            if previous.met_at is None and state.met_at is not None:
                changes.append(
                    PhaseChange(
                        at=local(state.met_at), phase=ProgramPhase.MAINTENANCE, kind="maintenance"
                    )
                )
            elif previous.met_at is not None and state.met_at is None:
                at = state.relapsed_at if state.relapsed_at is not None else state.last_painful
                changes.append(
                    PhaseChange(at=local(at or 0), phase=ProgramPhase.RELIEF, kind="relapse")
                )
        previous = state
    pain_free = [
        PainFree(
            since=local(s),
            until=None if stretches[s][0] is None else local(stretches[s][0]),  # type: ignore[arg-type]
            met_at=None if stretches[s][1] is None else local(stretches[s][1]),  # type: ignore[arg-type]
        )
        for s in order
    ]
    return pain_free, changes


def _stretches(
    snapshots: list[tuple[int, ProgressState]],
    used: list[Event],
    start_us: int,
    now_us: int,
    local: _Local,
) -> tuple[list[StretchSpan], list[StretchMark], list[str]]:
    """Rests, reintroductions and parking per stretch, and the moments that caused them."""
    order: list[str] = []
    marks: list[StretchMark] = []
    for e in used:
        if type(e) is SessionLogged:
            if instant(e.session.ended_at) < start_us:
                continue
            for step in e.session.steps:
                if step.outcome is Outcome.SKIPPED and step.reason and step.reason.is_trouble:
                    marks.append(
                        StretchMark(
                            stretch_id=step.stretch, at=local(event_instant(e)), kind="trouble"
                        )
                    )
        elif type(e) is StretchReenabled and instant(e.at) >= start_us:
            marks.append(
                StretchMark(stretch_id=e.stretch_id, at=local(instant(e.at)), kind="reenabled")
            )

    # per stretch: the sequence of (instant, state) where its state changed
    seen: dict[str, list[tuple[int, StretchTroubles | None]]] = {}
    for t, state in snapshots:
        for sid in sorted({*state.stretches, *seen}):
            st = state.stretches.get(sid)
            runs = seen.setdefault(sid, [])
            if not runs or runs[-1][1] != st:
                runs.append((t, st))
    spans: list[StretchSpan] = []
    for sid, runs in seen.items():
        for i, (t, st) in enumerate(runs):
            end = runs[i + 1][0] if i + 1 < len(runs) else None
            spans.extend(_spans_of(sid, t, end, st, start_us, now_us, local))
    spans.sort(key=lambda s: (instant(s.start), s.stretch_id, s.kind.value))
    for sid in [*(s.stretch_id for s in spans), *(m.stretch_id for m in marks)]:
        if sid not in order:
            order.append(sid)
    marks.sort(key=lambda m: (instant(m.at), m.stretch_id, m.kind))
    return spans, marks, order


def _spans_of(
    sid: str,
    t: int,
    end: int | None,
    st: StretchTroubles | None,
    start_us: int,
    now_us: int,
    local: _Local,
) -> list[StretchSpan]:
    if st is None or (not st.parked and st.rest_until is None and not st.returning):
        return []
    t = max(t, start_us)
    if st.parked:
        parts = [(SpanKind.PARKED, t, end)]
    elif st.rest_until is not None:
        rest_end = st.rest_until if end is None else min(st.rest_until, end)
        parts = [(SpanKind.RESTING, t, rest_end)]
        if end is None or st.rest_until < end:
            parts.append((SpanKind.REINTRODUCED, max(st.rest_until, t), end))
    else:
        parts = [(SpanKind.REINTRODUCED, t, end)]
    return [
        StretchSpan(
            stretch_id=sid,
            kind=kind,
            start=local(a),
            end=None if b is None else local(b),
        )
        for kind, a, b in parts
        if a <= now_us and (b is None or b > a)
    ]
