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
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from attrs import frozen

from stretchkit.engine._events import MAX_SESSION_HOURS, Event, PainReported, SessionLogged
from stretchkit.engine._policy import Policy
from stretchkit.engine._stored import Light, StoredLogged, StoredPain, StoredSession
from stretchkit.engine._time import _EPOCH, _US, day_of
from stretchkit.model import Outcome, Session, SkipReason

__all__ = ["ProgressState", "StretchTroubles", "fold", "fold_many"]

_HOUR = 3_600_000_000
_WINDOW = MAX_SESSION_HOURS * _HOUR
_DAYS_KEPT = 4
_EMPTY: Mapping[str, StretchTroubles] = MappingProxyType({})


@frozen(kw_only=True)
class StretchTroubles:
    """One stretch's troubles. Instants are microseconds since the epoch."""

    tries: int = 0
    """Troubled tries since the stretch was last done without trouble (or re-enabled)."""
    rest_until: int | None = None
    """Left out of plans before this instant."""
    rest_hours: float = 0.0
    returning: bool = False
    """Rested or re-enabled and not yet done without trouble since: plans flag it."""
    parked: bool = False


_ACTIVE = StretchTroubles()
_TROUBLE = frozenset(r for r in SkipReason if r.is_trouble)
_RETURNING = StretchTroubles(returning=True)


class ProgressState(NamedTuple):
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
    stretches: Mapping[str, StretchTroubles] = _EMPTY
    sessions: int = 0
    reports: int = 0
    devices: Mapping[str, tuple[int, str, int]] = MappingProxyType({})
    """Per device, (seq, id, effective instant) of its last event folded in: where the
    device's next event can sit (see *Device order* in :mod:`._events`)."""


def fold(state: ProgressState, event: Event, key: int, policy: Policy) -> ProgressState:
    """The state after ``event`` (at instant ``key``); ``state`` is left as it was."""
    return fold_many(state, (key,), (event,), policy)


def fold_many(
    state: ProgressState,
    instants: Iterable[int],
    events: Iterable[Event | Light],
    policy: Policy,
    count: int = 0,
    checkpoints: list[ProgressState] | None = None,
    every: int = 64,
) -> ProgressState:
    """The state after each of ``events`` in order, at its effective instant from
    ``instants`` (as many); ``state`` is left as it was.

    With ``checkpoints``, the state is appended to it each time the number of events
    folded, counted from ``count``, reaches a multiple of ``every``.

    ``events`` may hold :class:`StoredPain` and :class:`StoredLogged` Structs (a replay
    from stored JSON builds the events later): every field the fold reads is the same.

    The one implementation of the rules above. It folds into local variables and
    freezes them into a :class:`ProgressState` only at checkpoints and at the end: a year of
    history is ~50,000 events, and a new state per event is most of a replay's cost.
    Mappings the frozen states hold are copied before they change again.
    """
    latest, last, since, met, relapsed, recent_t, days, stretches, sessions, reports, devices = (
        state
    )
    recent = list(recent_t)
    own_devices = False  # is ``devices`` a dict no frozen state holds?
    free_level = policy.pain_free_level
    need = policy.pain_free_hours * _HOUR
    day_hour = policy.day_starts_hour
    window = _WINDOW
    completed, trouble, pain = Outcome.COMPLETED, _TROUBLE, SkipReason.PAIN
    ts: Sequence[int] = instants if isinstance(instants, list | tuple) else list(instants)
    evs: Sequence[Event | Light] = events if isinstance(events, list | tuple) else list(events)
    n = len(evs)
    # the events in runs that end where a checkpoint is due: no count kept per event
    ends = [n] if checkpoints is None else [*range(every - count % every, n, every), n]
    lo = 0
    for hi in ends:
        if hi <= lo:
            continue
        run_ts, run = (ts, evs) if hi - lo == n else (ts[lo:hi], evs[lo:hi])
        lo = hi
        for t, event in zip(run_ts, run):  # noqa: B905  (as many, by contract)
            cls = type(event)
            if cls is PainReported or cls is StoredPain:  # the same report, built or as stored
                # A report that is its own event: no earlier report can lie after it.
                if last is None or t > last:
                    if event.level > free_level:  # type: ignore[union-attr]
                        if met is not None and met <= t:
                            relapsed = t
                        last, since, met, recent = t, None, None, []
                    else:
                        if recent and recent[0] < t - window:
                            del recent[: bisect_left(recent, t - window)]
                        recent.append(t)
                        if since is None:
                            since = t
                        if met is None and t - since >= need:
                            met = t
                reports += 1
            elif cls is SessionLogged or cls is StoredLogged:  # built, or as stored
                s: Session | StoredSession = event.session  # type: ignore[union-attr]
                # ``t`` is the effective instant of the session's end (without a device, its
                # end itself): a session moved later by its device's order (see
                # :mod:`._events`) moves as a whole.
                start = (s.started_at - _EPOCH) // _US
                if event.device is not None:  # its end may sit later than recorded
                    start += t - (s.ended_at - _EPOCH) // _US
                met_before = met  # the phase the session started in, before its own reports
                if s.pain_before is not None:
                    last, since, met, relapsed, recent = _report(
                        last,
                        since,
                        met,
                        relapsed,
                        recent,
                        start,
                        s.pain_before > free_level,
                        t,
                        need,
                    )
                troubled: set[str] = set()
                done: set[str] = set()
                hurt = False
                for step in s.steps:
                    if step.outcome is completed:
                        done.add(step.stretch)
                    elif step.reason in trouble:
                        troubled.add(step.stretch)
                        hurt = hurt or step.reason is pain
                if hurt:
                    last, since, met, relapsed, recent = _report(
                        last, since, met, relapsed, recent, t, True, t, need
                    )
                if s.pain_after is not None:
                    last, since, met, relapsed, recent = _report(
                        last, since, met, relapsed, recent, t, s.pain_after > free_level, t, need
                    )
                if done:
                    maintenance = met_before is not None and met_before <= start
                    days = _count_day(days, day_of(s.started_at, day_hour), maintenance)
                if troubled or done:
                    changed = dict(stretches) if troubled else None
                    for sid in troubled:
                        changed[sid] = _troubled(changed.get(sid, _ACTIVE), t, policy)  # type: ignore[index, union-attr]
                    for sid in done:
                        if sid in troubled:
                            continue
                        old = stretches.get(sid, _ACTIVE)
                        if old is not _ACTIVE and not old.parked and old != _ACTIVE:
                            if changed is None:
                                changed = dict(stretches)
                            changed[sid] = _ACTIVE
                    if changed is not None:  # else every stretch done was active already
                        stretches = MappingProxyType(changed)
                sessions += 1
            else:
                sid = event.stretch_id  # type: ignore[union-attr]
                if stretches.get(sid, _ACTIVE) != _ACTIVE:  # else nothing to bring back
                    changed = dict(stretches)
                    changed[sid] = _RETURNING
                    stretches = MappingProxyType(changed)
            device = event.device
            if device is not None:
                if not own_devices:
                    devices = dict(devices)
                    own_devices = True
                devices[device] = (event.seq, event.id, t)  # type: ignore[index]
        latest = t
        count += len(run)
        if checkpoints is not None and not count % every:
            if own_devices:
                devices = MappingProxyType(devices)
                own_devices = False
            checkpoints.append(
                _new(
                    ProgressState,
                    (
                        latest,
                        last,
                        since,
                        met,
                        relapsed,
                        tuple(recent),
                        days,
                        stretches,
                        sessions,
                        reports,
                        devices,
                    ),
                )
            )
    if own_devices:
        devices = MappingProxyType(devices)
    return _new(
        ProgressState,
        (
            latest,
            last,
            since,
            met,
            relapsed,
            tuple(recent),
            days,
            stretches,
            sessions,
            reports,
            devices,
        ),
    )


_new = tuple.__new__


def _report(
    last: int | None,
    since: int | None,
    met: int | None,
    relapsed: int | None,
    recent: list[int],
    t: int,
    painful: bool,
    now: int,
    need: float,
) -> tuple[int | None, int | None, int | None, int | None, list[int]]:
    """Place one session report at instant ``t``; ``now`` is the session event's instant.

    Returns the new (last painful, pain-free since, met at, relapsed at, recent);
    ``recent`` is the fold's own list (frozen states hold copies), changed in place."""
    if last is not None and t <= last:
        return last, since, met, relapsed, recent  # older than the last painful report
    cut = bisect_left(recent, now - _WINDOW)
    if cut:
        del recent[:cut]
    if painful:
        if met is not None and met <= t:
            relapsed = t  # maintenance had begun: this pain is a relapse
        del recent[: bisect_left(recent, t + 1)]
        since = recent[0] if recent else None
        return t, since, _first_at_or_after(recent, since, need), relapsed, recent
    insort(recent, t)
    if since is None or t < since:
        since = t
        met = _first_at_or_after(recent, since, need)
    elif t >= since + need and (met is None or t < met):
        met = t
    return last, since, met, relapsed, recent


def _first_at_or_after(sorted_reports: list[int], since: int | None, need: float) -> int | None:
    if since is None:
        return None
    i = bisect_left(sorted_reports, since + need)
    return sorted_reports[i] if i < len(sorted_reports) else None


def _troubled(old: StretchTroubles, at: int, policy: Policy) -> StretchTroubles:
    if old.parked:
        return old
    tries = old.tries + 1
    if tries >= policy.max_tries:
        return StretchTroubles(tries=tries, parked=True)
    hours = policy.rest_for(tries)
    return StretchTroubles(
        tries=tries, rest_until=at + round(hours * _HOUR), rest_hours=hours, returning=True
    )


def _count_day(
    days: tuple[tuple[int, int, int], ...], day: int, maintenance: bool
) -> tuple[tuple[int, int, int], ...]:
    if days and days[-1][0] == day:  # the newest day again: nothing drops out
        _, r, m = days[-1]
        return (*days[:-1], (day, r, m + 1) if maintenance else (day, r + 1, m))
    counts = {d: (r, m) for d, r, m in days}
    r, m = counts.get(day, (0, 0))
    counts[day] = (r, m + 1) if maintenance else (r + 1, m)
    newest = max(counts)
    return tuple(sorted((d, r, m) for d, (r, m) in counts.items() if d > newest - _DAYS_KEPT))


def sessions_on(state: ProgressState, day: int, maintenance: bool = False) -> int:
    """Sessions of one phase counted for local day ``day`` (only recent days are kept)."""
    for d, r, m in state.days:
        if d == day:
            return m if maintenance else r
    return 0
