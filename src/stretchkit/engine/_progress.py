"""Progress: the immutable state of one user on one program, as a fold of events.

Rules
- Events are kept sorted by their key (effective instant, device, seq, id); the state
  is the fold of them in that order, so any arrival order and any duplicates give the
  same state. The effective instant of an event without a device is its own instant;
  with a device, the later of its own and that of the device's previous event by
  ``seq`` (see :mod:`._events`). An event that arrives out of its device's order can
  so move that device's later events: they are re-keyed and refolded.
- The same id twice with equal content is ignored; with different content it is a
  :class:`DuplicateEventError` naming the id, and the state is unchanged.
- Events whose effective instant is after ``now`` are kept but not used by
  ``plan(now, ...)`` (a session is stamped with its end).

Cost. Histories are long (a year of heavy use is ~50,000 events), so ``apply`` must
not copy them. A :class:`Progress` is a view of the first ``n`` entries of a log it
shares with its ancestors; applying an event later than all others appends to that
log in place when this view is its tip, so one more in-order ``apply`` costs the same
at any history length. Applying to an older :class:`Progress` (a branch), or an
event older than the latest, copies the log and refolds from the checkpoint before
the insertion point. Checkpoints (the state every :data:`CHECKPOINT_EVERY` events)
also make a plan for a ``now`` before the latest event cheap. No view ever sees a
change: entries past its ``n`` are invisible to it. (Two threads applying events to
the *same* :class:`Progress` at once must take a lock: the shared log is appended in
place.)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from stretchkit.engine._errors import DuplicateEventError, EngineError
from stretchkit.engine._events import EVENT_TYPES, Event, event_instant
from stretchkit.engine._fold import State, fold
from stretchkit.engine._policy import Policy
from stretchkit.engine._time import check_local_time, instant
from stretchkit.model import Catalog, Context, Program
from stretchkit.model._validators import describe

if TYPE_CHECKING:
    from stretchkit.engine._agenda import AgendaDay
    from stretchkit.engine._plan import Plan

__all__ = ["CHECKPOINT_EVERY", "Progress"]

CHECKPOINT_EVERY = 64


Key = tuple[int, str, int, str]
"""(effective instant, device or "", seq or 0, id): the order events are folded in."""


class _Log:
    """The shared, append-only store behind a family of :class:`Progress` views."""

    __slots__ = ("base", "checkpoints", "events", "index", "keys")

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.events: list[Event] = []
        self.index: dict[str, int] = {}
        self.checkpoints: list[State] = [State()]
        self.base: tuple[Key, int] | None = None
        """Resumed from a snapshot: the key of its last event and how many it held."""


def keyed(
    events: Iterable[Event], seed: Mapping[str, tuple[int, str, int]] | None = None
) -> list[tuple[Key, Event]]:
    """``events`` (no two with one id) with their keys, in the order they are folded.

    ``seed`` is where each device stood before these events (a resumed snapshot's).
    """
    out: list[tuple[Key, Event]] = []
    by_device: dict[str, list[tuple[int, str, int, Event]]] = {}
    for e in events:
        t = event_instant(e)
        if e.device is None:
            out.append(((t, "", 0, e.id), e))
        else:
            by_device.setdefault(e.device, []).append((e.seq, e.id, t, e))  # type: ignore[arg-type]
    for device, items in by_device.items():
        items.sort(key=_seq_id)
        before = seed.get(device) if seed else None
        eff: int | None = None if before is None else before[2]
        for seq, eid, t, e in items:
            eff = t if eff is None or t > eff else eff
            out.append(((eff, device, seq, eid), e))
    out.sort(key=_first)
    return out


def _seq_id(item: tuple[int, str, int, Event]) -> tuple[int, str]:
    return item[0], item[1]


def key_after(state: State, event: Event) -> Key | None:
    """The key ``event`` gets after the events ``state`` folded, or ``None`` if it
    belongs before the last event of its device (a re-key of that device is needed)."""
    t = event_instant(event)
    device = event.device
    if device is None:
        return (t, "", 0, event.id)
    seq: int = event.seq  # type: ignore[assignment]
    last = state.devices.get(device)
    if last is None:
        return (t, device, seq, event.id)
    if (seq, event.id) < last[:2]:
        return None
    return (t if t > last[2] else last[2], device, seq, event.id)


class Progress:
    """One user's progress on one program. Immutable: :meth:`apply` returns a new one."""

    __slots__ = ("_log", "_n", "_state", "catalog", "policy", "program")

    program: Program
    policy: Policy
    catalog: Catalog
    """Where the program's routines and their stretches come from."""

    def __init__(
        self,
        program: Program,
        policy: Policy,
        catalog: Catalog,
        log: _Log,
        n: int,
        state: State,
    ) -> None:
        self.program = program
        self.policy = policy
        self.catalog = catalog
        self._log = log
        self._n = n
        self._state = state

    # -- construction -----------------------------------------------------------------

    @classmethod
    def start(
        cls, program: Program, policy: Policy | None = None, *, catalog: Catalog | None = None
    ) -> Progress:
        """A user starting ``program``, with no history.

        ``catalog`` holds the routines and stretches plans are made of: it is
        required (``None`` is refused with :class:`EngineError`), and must hold every
        routine the program names, so a plan is never silently empty. ``policy``
        defaults to :meth:`Policy.from_program`.
        """
        if not isinstance(program, Program):
            raise EngineError(f"program must be a Program, got {describe(program)}")
        if policy is None:
            policy = Policy.from_program(program)
        if not isinstance(policy, Policy):
            raise EngineError(f"policy must be a Policy, got {describe(policy)}")
        return cls(program, policy, _check_catalog(catalog, program), _Log(), 0, State())

    @classmethod
    def replay(
        cls,
        program: Program,
        events: Iterable[Event],
        policy: Policy | None = None,
        *,
        catalog: Catalog | None = None,
    ) -> Progress:
        """The progress ``events`` add up to, whatever their order, duplicates ignored."""
        return cls.start(program, policy, catalog=catalog).extend(events)

    def extend(self, events: Iterable[Event]) -> Progress:
        """All ``events`` applied at once: one sort and one fold, not one refold per event."""
        if isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable):
            raise EngineError(f"events must be a sequence of events, got {describe(events)}")
        log, n = self._log, self._n
        fresh: dict[str, Event] = {}
        for event in events:
            _check_event(event)
            at = log.index.get(event.id)
            known = at is not None and at < n
            old = log.events[at] if known else fresh.setdefault(event.id, event)  # type: ignore[index]
            if old is not event and old != event:
                raise DuplicateEventError(event.id)
        if not fresh:
            return self
        if log.base is not None:
            return self._rekeyed(list(fresh.values()))
        if any(e.device is not None for e in fresh.values()):
            if n:
                return self._rekeyed(list(fresh.values()))
            pairs = keyed(fresh.values())
        else:
            pairs = sorted(
                (((event_instant(e), "", 0, e.id), e) for e in fresh.values()), key=_first
            )
        if n and pairs[0][0] < log.keys[n - 1]:
            pos = bisect_left(log.keys, pairs[0][0], 0, n)
            tail = sorted(
                [*zip(log.keys[pos:n], log.events[pos:n], strict=True), *pairs], key=_first
            )
            return self._rebuilt(tail, pos)
        return self._appended(pairs)

    def _rekeyed(self, fresh: list[Event]) -> Progress:
        """Every event keyed afresh (device order may move some), refolded from the first change."""
        log, n = self._log, self._n
        seed = None
        if log.base is not None:
            # the events before the snapshot are not here: nothing may go before them
            seed = log.checkpoints[0].devices
            for e in fresh:
                last = None if e.device is None else seed.get(e.device)
                if (last is not None and (e.seq, e.id) <= last[:2]) or (
                    e.device is None and (event_instant(e), "", 0, e.id) <= log.base[0]
                ):
                    _refuse_before_base(e)
        everything = keyed([*log.events[:n], *fresh], seed)
        if log.base is not None and everything[0][0] <= log.base[0]:
            _refuse_before_base(everything[0][1])
        keys = log.keys
        m = min(n, len(everything))
        pos = 0
        while pos < m and keys[pos] == everything[pos][0]:
            pos += 1
        return self._rebuilt(everything[pos:], pos)

    # -- events -----------------------------------------------------------------------

    def apply(self, event: Event) -> Progress:
        """The progress after one more event; this one is unchanged."""
        _check_event(event)
        log, n = self._log, self._n
        at = log.index.get(event.id)
        if at is not None and at < n and log.keys[at][3] == event.id:
            if log.events[at] != event:
                raise DuplicateEventError(event.id)
            return self
        key = key_after(self._state, event)
        if key is None:
            return self._rekeyed([event])  # out of its device's order: that device moves
        if log.base is not None and key <= log.base[0]:
            _refuse_before_base(event)
        if n == 0 or key > log.keys[n - 1]:
            return self._appended([(key, event)])
        pos = bisect_left(log.keys, key, 0, n)
        tail = [(key, event), *zip(log.keys[pos:n], log.events[pos:n], strict=True)]
        return self._rebuilt(tail, pos)

    def _appended(self, keyed: list[tuple[Key, Event]]) -> Progress:
        log, n = self._log, self._n
        if len(log.events) != n:  # another view already grew this log
            if len(keyed) == 1 and log.keys[n] == keyed[0][0] and log.events[n] == keyed[0][1]:
                # the very event that view appended: share its log, fold just this one
                key, event = keyed[0]
                state = fold(self._state, event, key[0], self.policy)
                return Progress(self.program, self.policy, self.catalog, log, n + 1, state)
            log = _copy(log, n)  # a different event: branch off
        state = self._state
        policy = self.policy
        keys, events, index, checkpoints = log.keys, log.events, log.index, log.checkpoints
        i = len(events)
        for key, event in keyed:
            state = fold(state, event, key[0], policy)
            keys.append(key)
            events.append(event)
            index[key[3]] = i
            i += 1
            if not i % CHECKPOINT_EVERY:
                checkpoints.append(state)
        return Progress(self.program, policy, self.catalog, log, i, state)

    def _rebuilt(self, tail: list[tuple[Key, Event]], pos: int) -> Progress:
        """A new log: this view's first ``pos`` events, then ``tail`` (sorted), refolded
        from the checkpoint before ``pos``. The kept head is copied at C speed (list
        slices, a dict copy); only the tail is walked in Python."""
        old = self._log
        log = _Log()
        log.base = old.base
        log.keys = old.keys[:pos]
        log.events = old.events[:pos]
        index = old.index.copy()
        for key in old.keys[pos:]:  # forget what follows the head, in any view
            del index[key[3]]
        log.index = index
        first = pos // CHECKPOINT_EVERY
        log.checkpoints = old.checkpoints[: first + 1]
        state = log.checkpoints[-1]
        policy = self.policy
        keys, events, checkpoints = log.keys, log.events, log.checkpoints
        for i in range(first * CHECKPOINT_EVERY, pos):
            state = fold(state, events[i], keys[i][0], policy)
        i = pos
        for key, event in tail:
            keys.append(key)
            events.append(event)
            index[key[3]] = i
            state = fold(state, event, key[0], policy)
            i += 1
            if not i % CHECKPOINT_EVERY:
                checkpoints.append(state)
        return Progress(self.program, policy, self.catalog, log, i, state)

    # -- queries ----------------------------------------------------------------------

    @property
    def events(self) -> tuple[Event, ...]:
        """The events, in the order they are folded."""
        return tuple(self._log.events[: self._n])

    def __len__(self) -> int:
        return self._n

    @property
    def state(self) -> State:
        """The fold of every event (including any after a plan's ``now``)."""
        return self._state

    def state_at(self, now: datetime) -> tuple[State, int]:
        """The fold of the events stamped at or before ``now``, and how many were left out."""
        check_local_time(now, "now")
        return self._state_until(instant(now))

    def _state_until(self, now_us: int) -> tuple[State, int]:
        log, n = self._log, self._n
        if log.base is not None and now_us < log.base[0][0]:
            from stretchkit.engine._snapshot import SnapshotError

            raise SnapshotError(
                "this progress was resumed from a snapshot of later events; "
                "replay the history to plan for an earlier time"
            )
        if n == 0 or log.keys[n - 1][0] <= now_us:
            return self._state, 0
        k = bisect_left(log.keys, (now_us + 1,), 0, n)
        c = k // CHECKPOINT_EVERY
        state = log.checkpoints[c]
        policy = self.policy
        for i in range(c * CHECKPOINT_EVERY, k):
            state = fold(state, log.events[i], log.keys[i][0], policy)
        return state, n - k

    def plan(
        self, now: datetime, context: Context | str, *, catalog: Catalog | None = None
    ) -> Plan:
        """What to do at ``now`` in ``context``: a `Plan` that gives its reasons."""
        from stretchkit.engine._plan import make_plan

        check_local_time(now, "now")
        if catalog is not None:
            _check_catalog(catalog, self.program)
        state, ignored = self._state_until(instant(now))
        return make_plan(
            program=self.program,
            policy=self.policy,
            catalog=self.catalog if catalog is None else catalog,
            state=state,
            ignored=ignored,
            now=now,
            context=context,
        )

    def agenda(self, now: datetime, days: int = 7) -> tuple[AgendaDay, ...]:
        """The coming ``days`` local days from ``now``'s on: when the minimum is due,
        from when a session is allowed, which stretches come back from rest.

        Each is an `AgendaDay`; apps schedule reminders from them.
        """
        from stretchkit.engine._agenda import make_agenda

        check_local_time(now, "now")
        state, _ = self._state_until(instant(now))
        return make_agenda(
            policy=self.policy,
            stretches=self.catalog.stretch_by_id,
            state=state,
            now=now,
            days=days,
        )

    # -- snapshots (see stretchkit.engine._snapshot) ------------------------------------

    def snapshot(self, *, until: datetime | None = None) -> dict[str, Any]:
        """The fold's state as JSON-ready data a store keeps instead of replaying.

        ``until`` leaves out the events stamped after it (keep a device clock set to
        next year out of a snapshot): a plan for a ``now`` before ``until`` needs them.
        """
        from stretchkit.engine._snapshot import snapshot_of

        if until is not None:
            check_local_time(until, "until")
        return snapshot_of(self, None if until is None else instant(until))

    @classmethod
    def from_snapshot(
        cls,
        data: Mapping[str, Any],
        program: Program,
        policy: Policy | None = None,
        *,
        catalog: Catalog | None = None,
    ) -> Progress:
        """The progress a :meth:`snapshot` stands for; apply the events after it next.

        Raises `SnapshotError` for a snapshot of
        other rules, another policy or program: replay the events instead.
        """
        from stretchkit.engine._snapshot import progress_from_snapshot

        return progress_from_snapshot(data, program, policy, catalog=catalog)

    def _snapshot_point(self, until: int | None) -> tuple[State, Key | None, int]:
        """The state of the events at or before ``until``, the last one's key, their count."""
        log, n = self._log, self._n
        k = n if until is None else bisect_left(log.keys, (until + 1,), 0, n)
        state = self._state if k == n else self._state_until(until)[0]  # type: ignore[arg-type]
        base_key, base_count = log.base if log.base is not None else (None, 0)
        key = log.keys[k - 1] if k else base_key
        return state, key, base_count + k

    def _resumed(self, state: State, key: Key | None, count: int) -> Progress:
        log = _Log()
        log.checkpoints = [state]
        if key is not None:
            log.base = (key, count)
        return Progress(self.program, self.policy, self.catalog, log, 0, state)

    def __repr__(self) -> str:
        return f"<Progress {self.program.id!r}: {self._n} events>"


_first = itemgetter(0)
"""Sort (key, event) pairs by key only: keys are unique once duplicates are gone."""


def _copy(old: _Log, n: int) -> _Log:
    log = _Log()
    log.base = old.base
    log.keys = old.keys[:n]
    log.events = old.events[:n]
    log.index = old.index.copy()  # a C-speed copy, then forget the entries past n
    for key in old.keys[n:]:
        del log.index[key[3]]
    log.checkpoints = old.checkpoints[: n // CHECKPOINT_EVERY + 1]
    return log


def _refuse_before_base(event: Event) -> None:
    from stretchkit.engine._snapshot import SnapshotError

    raise SnapshotError(
        f"event {describe(event.id)} is not after the snapshot this progress was resumed from; "
        "replay the history to add it"
    )


def _check_catalog(catalog: object, program: Program) -> Catalog:
    if catalog is None:
        raise EngineError(
            "a Progress needs catalog=, the Catalog the program's routines and stretches "
            "come from: plans are made of them"
        )
    if not isinstance(catalog, Catalog):
        raise EngineError(
            f"catalog must be the Catalog the program's routines come from, got {describe(catalog)}"
        )
    known = catalog.routine_by_id
    for phase in (program.relief, program.maintenance):
        for routine_id in phase.routines.values():
            if routine_id not in known:
                raise EngineError(
                    f"program {program.id!r} names routine {routine_id!r}, which is not in "
                    "the catalog: plans would have no steps"
                )
    return catalog


def _check_event(event: object) -> None:
    if type(event) not in EVENT_TYPES:
        raise EngineError(
            f"an event must be one of {', '.join(t.__name__ for t in EVENT_TYPES)}, "
            f"got {describe(event)}"
        )
