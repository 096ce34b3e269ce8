"""The agenda: what the coming local days hold, so an app can schedule reminders.

Rules
- One :class:`AgendaDay` per local day from today on, days as plans count them (the
  zone of ``now``, starting at ``day_starts_hour``; 23- and 25-hour days included).
- Nothing new is assumed to happen: the phase stays the one ``now`` is in (only a
  pain-free report can end relief; ``maintenance_from`` says on which day one could),
  and later days start with no sessions.
- ``doable_from``: from when a session can be run at all: the first instant of the
  day (``now`` today) at which some routine of the phase has a stretch neither
  resting nor parked; ``None`` when none has one all day.
- ``due_from``: from when the phase's daily minimum is due (``now`` today while it
  is not met, the day's start on later days), never before ``doable_from``: a
  reminder is never for a session the runner would refuse. ``None`` when nothing
  is due, or nothing can be done that day.
- ``allowed_from``: from when another session is allowed (``now`` today while below
  the maximum, the day's start on later days), never before ``doable_from``;
  ``None`` when the day is full, or nothing can be done that day.
- ``comebacks``: the stretches whose rest ends during that day, and when.
- Pure: the same progress and ``now`` give the same agenda.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from attrs import frozen

from stretchkit.engine._errors import EngineError
from stretchkit.engine._fold import ProgressState, sessions_on
from stretchkit.engine._plan import ProgramPhase
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import day_of, day_start, from_instant, instant
from stretchkit.model import Routine, Stretch
from stretchkit.model._validators import describe

__all__ = ["MAX_AGENDA_DAYS", "AgendaDay", "Comeback", "make_agenda"]

MAX_AGENDA_DAYS = 366
"""The longest agenda: a year ahead."""


@frozen(kw_only=True)
class Comeback:
    """A stretch that comes back from its rest during a day."""

    stretch_id: str
    name: str
    at: datetime
    """The end of its rest, in the zone of ``now``."""


@frozen(kw_only=True)
class AgendaDay:
    """One coming local day: what is due, what is allowed, what comes back."""

    date: date
    """The local date (with ``day_starts_hour``, the date the day starts on)."""
    starts_at: datetime
    ends_at: datetime
    """The first instant of the next day: a 23- or 25-hour day is that long."""
    phase: ProgramPhase
    sessions_done: int
    """Sessions of the phase already counted for the day (only today has any)."""
    min_sessions: int
    max_sessions: int
    due_from: datetime | None
    """From when the daily minimum is due; ``None`` when it is met."""
    allowed_from: datetime | None
    """From when another session is allowed; ``None`` when the day is full."""
    doable_from: datetime | None = None
    """From when a routine of the phase has a stretch to do (not resting or parked);
    ``None`` when nothing can be done all day."""
    today: bool
    """The day of ``now``: the first of the agenda."""
    comebacks: tuple[Comeback, ...] = ()
    maintenance_from: datetime | None = None
    """In relief, if the 24-hour rule can first be met during this day: from when
    (a pain-free report from then on meets it)."""


def make_agenda(
    *,
    policy: Policy,
    stretches: Mapping[str, Stretch],
    routines: tuple[tuple[Routine, ...], tuple[Routine, ...]],
    state: ProgressState,
    now: datetime,
    days: int,
) -> tuple[AgendaDay, ...]:
    """The agenda for ``state`` (events up to ``now`` already filtered) from ``now`` on.

    ``routines`` are the program's relief routines and its maintenance routines.
    """
    if type(days) is not int or not 1 <= days <= MAX_AGENDA_DAYS:
        raise EngineError(
            f"days must be an integer from 1 to {MAX_AGENDA_DAYS}, got {describe(days)}"
        )
    tz = now.tzinfo
    now_us = instant(now)
    hour = policy.day_starts_hour
    maintenance = state.met_at is not None
    phase = ProgramPhase.MAINTENANCE if maintenance else ProgramPhase.RELIEF
    if maintenance:
        low, high = policy.maintenance_min_sessions_per_day, policy.maintenance_max_sessions_per_day
        rule_at = None
    else:
        low, high = policy.min_sessions_per_day, policy.max_sessions_per_day
        since = state.pain_free_since
        rule_at = None if since is None else since + round(policy.pain_free_hours * 3_600_000_000)
    rests = sorted(
        (st.rest_until, sid)
        for sid, st in state.stretches.items()
        if not st.parked and st.rest_until is not None and st.rest_until > now_us
    )
    free = _free_from(routines[1] if maintenance else routines[0], state)
    today = day_of(now, hour)
    out: list[AgendaDay] = []
    start = day_start(today, hour, tz)
    for n in range(days):
        end = day_start(today + n + 1, hour, tz)
        lo, hi = instant(start), instant(end)
        first = now_us if n == 0 else lo
        can = next((max(first, t) for t in free if t < hi), None)
        doable = None if can is None else (now if can == now_us else from_instant(can, tz))
        if n == 0:
            done = sessions_on(state, today, maintenance)
            due_from = doable if done < low else None
            allowed_from = doable if done < high else None
        else:
            done = 0
            due_from = doable if low > 0 else None
            allowed_from = doable
        back = tuple(
            Comeback(
                stretch_id=sid,
                name=stretches[sid].name if sid in stretches else sid,
                at=from_instant(t, tz),
            )
            for t, sid in rests
            if lo <= t < hi
        )
        rule = None
        if rule_at is not None and rule_at < hi and (n == 0 or rule_at >= lo):
            rule = from_instant(max(rule_at, now_us), tz)
        out.append(
            AgendaDay(
                date=date.fromordinal(today + n),
                starts_at=start,
                ends_at=end,
                phase=phase,
                sessions_done=done,
                min_sessions=low,
                max_sessions=high,
                due_from=due_from,
                allowed_from=allowed_from,
                doable_from=doable,
                today=n == 0,
                comebacks=back,
                maintenance_from=rule,
            )
        )
        start = end
    return tuple(out)


def _free_from(routines: tuple[Routine, ...], state: ProgressState) -> tuple[int, ...]:
    """For each routine, from when one of its stretches is out of rest (sorted; a
    routine whose every stretch is parked has none). A stretch never troubled, or
    resting no longer, counts from the start of time."""
    out: list[int] = []
    for routine in routines:
        times = []
        for step in routine.steps:
            st = state.stretches.get(step.stretch)
            if st is None or (not st.parked and st.rest_until is None):
                times.append(_ALWAYS)
            elif not st.parked and st.rest_until is not None:
                times.append(st.rest_until)
        if times:
            out.append(min(times))
    return tuple(sorted(out))


_ALWAYS = -(2**63)
"""An instant before every other: a stretch free from the start."""
