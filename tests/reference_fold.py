"""The fold as it was before it folded into local variables: the oracle for the fast one.

A copy of the per-event fold (a new immutable state for every event), kept only so
that a property test can show the rewritten :func:`stretchkit.engine._fold.fold_many`
gives the same states. The rules themselves are documented, and live, in
:mod:`stretchkit.engine._fold`.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from types import MappingProxyType

from stretchkit.engine._events import MAX_SESSION_HOURS, Event, PainReported, SessionLogged
from stretchkit.engine._fold import (
    _ACTIVE,
    _RETURNING,
    ProgressState,
    _troubled,
)
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import day_of, instant
from stretchkit.model import Outcome, SkipReason

__all__ = ["fold"]

_HOUR = 3_600_000_000
_WINDOW = MAX_SESSION_HOURS * _HOUR


_new = tuple.__new__


def fold(state: ProgressState, event: Event, key: int, policy: Policy) -> ProgressState:
    """The state after ``event`` (at instant ``key``); ``state`` is left as it was."""
    cls = type(event)
    if cls is PainReported:
        new = _pain_report(state, event, key, policy)  # type: ignore[arg-type]
    elif cls is SessionLogged:
        new = _session(state, event, key, policy)  # type: ignore[arg-type]
    else:
        sid: str = event.stretch_id  # type: ignore[union-attr]
        if state.stretches.get(sid, _ACTIVE) == _ACTIVE:
            new = state._replace(latest=key)  # nothing to bring back
        else:
            stretches = dict(state.stretches)
            stretches[sid] = _RETURNING
            new = state._replace(latest=key, stretches=MappingProxyType(stretches))
    if event.device is None:
        return new
    devices = dict(state.devices)
    devices[event.device] = (event.seq, event.id, key)  # type: ignore[assignment]
    return new._replace(devices=MappingProxyType(devices))


def _pain_report(
    state: ProgressState, event: PainReported, t: int, policy: Policy
) -> ProgressState:
    """A report that is its own event: no earlier report can lie after it, so no search."""
    _, last, since, met, relapsed, recent, days, stretches, sessions, reports, devices = state
    if last is not None and t <= last:
        return _new(
            ProgressState,
            (
                t,
                last,
                since,
                met,
                relapsed,
                recent,
                days,
                stretches,
                sessions,
                reports + 1,
                devices,
            ),
        )
    if event.level > policy.pain_free_level:
        if met is not None and met <= t:
            relapsed = t
        return _new(
            ProgressState,
            (t, t, None, None, relapsed, (), days, stretches, sessions, reports + 1, devices),
        )
    if recent and recent[0] < t - _WINDOW:
        recent = recent[bisect_left(recent, t - _WINDOW) :]
    recent = (*recent, t)
    if since is None:
        since = t
    if met is None and t - since >= policy.pain_free_hours * _HOUR:
        met = t
    return _new(
        ProgressState,
        (t, last, since, met, relapsed, recent, days, stretches, sessions, reports + 1, devices),
    )


def _report(state: ProgressState, t: int, painful: bool, now: int, policy: Policy) -> ProgressState:
    """Place one report at instant ``t``; ``now`` is the current event's instant."""
    last = state.last_painful
    if last is not None and t <= last:
        return state  # older than the last painful report: it changes nothing
    window_start = now - _WINDOW
    recent = state.recent_pain_free
    cut = bisect_left(recent, window_start)
    kept = recent[cut:]
    need = policy.pain_free_hours * _HOUR
    if painful:
        relapsed = state.relapsed_at
        if state.met_at is not None and state.met_at <= t:
            relapsed = t  # maintenance had begun: this pain is a relapse
        after = kept[bisect_left(kept, t + 1) :]
        since = after[0] if after else None
        return state._replace(
            last_painful=t,
            pain_free_since=since,
            met_at=_first_at_or_after(after, since, need),
            relapsed_at=relapsed,
            recent_pain_free=after,
        )
    lst = list(kept)
    insort(lst, t)
    since = state.pain_free_since
    met = state.met_at
    if since is None or t < since:
        since = t
        met = _first_at_or_after(tuple(lst), since, need)
    elif t >= since + need and (met is None or t < met):
        met = t
    return state._replace(pain_free_since=since, met_at=met, recent_pain_free=tuple(lst))


def _first_at_or_after(
    sorted_reports: tuple[int, ...], since: int | None, need: float
) -> int | None:
    if since is None:
        return None
    i = bisect_left(sorted_reports, since + need)
    return sorted_reports[i] if i < len(sorted_reports) else None


def _session(state: ProgressState, event: SessionLogged, key: int, policy: Policy) -> ProgressState:
    s = event.session
    # ``key`` is the effective instant of the session's end: a session moved later by
    # its device's order (see :mod:`._events`) moves as a whole.
    start = instant(s.started_at) + key - instant(s.ended_at)
    new = state
    if s.pain_before is not None:
        new = _report(new, start, s.pain_before > policy.pain_free_level, key, policy)
    troubled: set[str] = set()
    done: set[str] = set()
    hurt = False
    for step in s.steps:
        if step.outcome is Outcome.COMPLETED:
            done.add(step.stretch)
        elif step.reason is not None and step.reason.is_trouble:
            troubled.add(step.stretch)
            hurt = hurt or step.reason is SkipReason.PAIN
    if hurt:
        new = _report(new, key, True, key, policy)
    if s.pain_after is not None:
        new = _report(new, key, s.pain_after > policy.pain_free_level, key, policy)
    days = new.days
    if done:
        # the phase the user was in when the session started (before its own reports)
        maintenance = state.met_at is not None and state.met_at <= start
        days = _count_day(days, day_of(s.started_at, policy.day_starts_hour), maintenance)
    stretches = new.stretches
    if troubled or done:
        changed = dict(stretches)
        for sid in troubled:
            changed[sid] = _troubled(changed.get(sid, _ACTIVE), key, policy)
        for sid in done - troubled:
            old = changed.get(sid, _ACTIVE)
            if not old.parked and old != _ACTIVE:
                changed[sid] = _ACTIVE
        stretches = MappingProxyType(changed)
    return new._replace(latest=key, days=days, stretches=stretches, sessions=state.sessions + 1)


def _count_day(
    days: tuple[tuple[int, int, int], ...], day: int, maintenance: bool
) -> tuple[tuple[int, int, int], ...]:
    counts = {d: (r, m) for d, r, m in days}
    r, m = counts.get(day, (0, 0))
    counts[day] = (r, m + 1) if maintenance else (r + 1, m)
    newest = max(counts)
    return tuple(sorted((d, r, m) for d, (r, m) in counts.items() if d > newest - 4))
