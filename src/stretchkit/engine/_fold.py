"""The fold: one event in, a new state out. Pure, and cheap per event.

Rules (every number from :class:`Policy`)
- Pain. A report is *painful* if its level is above ``pain_free_level``. Pain-free
  begins at the first pain-free report strictly after the last painful one (a
  pain-free report at the same instant as a painful one does not start it). The
  24-hour rule is met by a pain-free report at least ``pain_free_hours`` of elapsed
  time after that start; no painful report can lie between, since any would have
  moved the start. A painful report after the rule was met is a relapse: relief
  again, and the clock starts again. Absence of reports is not evidence.
- A session's ``pain_before`` is a report at its start, ``pain_after`` one at its
  end, and a step skipped for ``pain`` a painful report at its end.
- Sessions. A session counts for the local day it started on, read in its own
  recorded offset, if at least one step was completed, and for the phase the user
  was in when it started: relief sessions count towards the relief limits,
  maintenance sessions towards the maintenance limits.
- Stretches. In a session, a stretch with a step skipped for ``discomfort`` or
  ``pain`` had a *troubled try*: its try count rises; below ``max_tries`` it rests
  ``rest_for(tries)`` hours from the session's end, then returns (reintroduced);
  at ``max_tries`` it is parked. A stretch completed without trouble becomes active
  again with its count reset. Other skip reasons change nothing. A parked stretch
  stays parked, whatever sessions say, until :class:`StretchReenabled`, which makes
  it return (reintroduced) with its count reset; re-enabling a resting stretch ends
  its rest the same way, and re-enabling an active one changes nothing.

Events arrive in (instant, id) order. Session reports are older than their event by
at most the session's length, so the fold keeps the pain-free reports of the last
:data:`MAX_SESSION_HOURS` to place such a report exactly; older ones are summarised
by the pain-free start and the time the rule was met.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from attrs import frozen

from stretchkit.engine._events import MAX_SESSION_HOURS, Event, PainReported, SessionLogged
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import day_of, instant
from stretchkit.model import Outcome, SkipReason

__all__ = ["State", "StretchState", "fold"]

_HOUR = 3_600_000_000
_WINDOW = MAX_SESSION_HOURS * _HOUR
_DAYS_KEPT = 4
_EMPTY: Mapping[str, StretchState] = MappingProxyType({})


@frozen(kw_only=True)
class StretchState:
    """One stretch's troubles. Instants are microseconds since the epoch."""

    tries: int = 0
    """Troubled tries since the stretch was last done without trouble (or re-enabled)."""
    rest_until: int | None = None
    """Left out of plans before this instant."""
    rest_hours: float = 0.0
    returning: bool = False
    """Rested or re-enabled and not yet done without trouble since: plans flag it."""
    parked: bool = False


_ACTIVE = StretchState()
_RETURNING = StretchState(returning=True)


class State(NamedTuple):
    """What the events so far add up to. Never mutated; each event gives a new one.

    A named tuple rather than an attrs class: a year of history folds ~50,000 of
    them, and building a tuple is several times cheaper than ``attrs.evolve``.
    """

    latest: int | None = None
    """The instant of the latest event folded in."""
    last_painful: int | None = None
    pain_free_since: int | None = None
    met_at: int | None = None
    """The pain-free report that met the 24-hour rule: maintenance since then."""
    relapsed_at: int | None = None
    """The painful report that ended the last maintenance, if the current relief followed one."""
    recent_pain_free: tuple[int, ...] = ()
    """Pain-free reports after ``last_painful`` in the last window, sorted."""
    days: tuple[tuple[int, int, int], ...] = ()
    """(day ordinal, relief sessions, maintenance sessions) for the most recent days, sorted."""
    stretches: Mapping[str, StretchState] = _EMPTY
    sessions: int = 0
    reports: int = 0
    devices: Mapping[str, tuple[int, str, int]] = MappingProxyType({})
    """Per device, (seq, id, effective instant) of its last event folded in: where the
    device's next event can sit (see *Device order* in :mod:`._events`)."""


_new = tuple.__new__


def fold(state: State, event: Event, key: int, policy: Policy) -> State:
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


def _pain_report(state: State, event: PainReported, t: int, policy: Policy) -> State:
    """A report that is its own event: no earlier report can lie after it, so no search."""
    _, last, since, met, relapsed, recent, days, stretches, sessions, reports, devices = state
    if last is not None and t <= last:
        return _new(
            State,
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
            State, (t, t, None, None, relapsed, (), days, stretches, sessions, reports + 1, devices)
        )
    if recent and recent[0] < t - _WINDOW:
        recent = recent[bisect_left(recent, t - _WINDOW) :]
    recent = (*recent, t)
    if since is None:
        since = t
    if met is None and t - since >= policy.pain_free_hours * _HOUR:
        met = t
    return _new(
        State,
        (t, last, since, met, relapsed, recent, days, stretches, sessions, reports + 1, devices),
    )


def _report(state: State, t: int, painful: bool, now: int, policy: Policy) -> State:
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


def _session(state: State, event: SessionLogged, key: int, policy: Policy) -> State:
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


def _troubled(old: StretchState, at: int, policy: Policy) -> StretchState:
    if old.parked:
        return old
    tries = old.tries + 1
    if tries >= policy.max_tries:
        return StretchState(tries=tries, parked=True)
    hours = policy.rest_for(tries)
    return StretchState(
        tries=tries, rest_until=at + round(hours * _HOUR), rest_hours=hours, returning=True
    )


def _count_day(
    days: tuple[tuple[int, int, int], ...], day: int, maintenance: bool
) -> tuple[tuple[int, int, int], ...]:
    counts = {d: (r, m) for d, r, m in days}
    r, m = counts.get(day, (0, 0))
    counts[day] = (r, m + 1) if maintenance else (r + 1, m)
    newest = max(counts)
    return tuple(sorted((d, r, m) for d, (r, m) in counts.items() if d > newest - _DAYS_KEPT))


def sessions_on(state: State, day: int, maintenance: bool = False) -> int:
    """Sessions of one phase counted for local day ``day`` (only recent days are kept)."""
    for d, r, m in state.days:
        if d == day:
            return m if maintenance else r
    return 0
