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

Cost. Histories are long (a year of heavy use is ~55,000 events), so no operation may
copy them. The history is a list of chunks of :data:`CHUNK` events (every chunk but
the last is full), each with the fold's state before every :data:`CHECKPOINT_EVERY`
of its events. A :class:`Progress` holds its own list of chunks, shared with the
progress it came from, and sees the first ``n`` events:

- one more event later than all others is appended to the last chunk in place when
  this view is its tip (nobody appended there yet), so it costs the same at any
  history length;
- a branch (an event applied to a progress another one already grew from) copies
  the last chunk and the list of chunks: O(CHUNK + n / CHUNK), not O(n);
- an event older than the latest (a late one) keeps every chunk before it, copies
  the one it lands in, and refolds from the checkpoint before it: the cost is that of
  the events after it, whatever lies before.

A replay from stored JSON (:meth:`Progress.replay_json`) keeps its pain reports as
the decoded Structs the fold reads; a chunk builds their events the first time
anything needs the events themselves (under a lock, so every reader gets the same
objects), and the family remembers each id by its position until it is looked up.

Ids are remembered once per family of views (every progress grown from one start or
snapshot): an id seen before is looked up in this view's own chunks, so two branches
may each hold a different event under one id. No view ever sees a change: entries
past its ``n`` are invisible to it, and a chunk is never changed before its end.
(Two threads applying events at once to the *same* :class:`Progress`, or to two
that grew from it by the same event, must take a lock: the shared last chunk is
appended in place. The ids each family remembers are only ever added to.)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import chain, compress, repeat
from operator import attrgetter, eq, floordiv, is_, itemgetter, le, lt, sub
from threading import Lock
from typing import TYPE_CHECKING, Any

from stretchkit.engine._errors import DuplicateEventError, EngineError
from stretchkit.engine._events import EVENT_TYPES, Event, SessionLogged, event_instant
from stretchkit.engine._fold import ProgressState, fold, fold_many
from stretchkit.engine._policy import Policy
from stretchkit.engine._stored import Light, events_from_json, materialise, read_stored
from stretchkit.engine._time import _EPOCH, _US, check_local_time, instant
from stretchkit.model import Catalog, Context, Program, Routine
from stretchkit.model._validators import describe

if TYPE_CHECKING:
    from stretchkit.engine._agenda import AgendaDay
    from stretchkit.engine._plan import Plan

__all__ = ["CHECKPOINT_EVERY", "CHUNK", "Progress"]

CHECKPOINT_EVERY = 64
"""The fold's state is kept before every this many events: a refold starts at most this far back."""
CHUNK = 1024
"""Events per chunk of history (a multiple of :data:`CHECKPOINT_EVERY`)."""


Key = tuple[int, str, int, str]
"""(effective instant, device or "", seq or 0, id): the order events are folded in."""


class _Chunk:
    """Up to :data:`CHUNK` events in fold order, their effective instants, and the
    fold's state before every :data:`CHECKPOINT_EVERY`-th (``states[0]``: before the
    first). Only appended to, and only by the view whose last chunk it is.

    A chunk of a replay from stored JSON holds its pain reports and sessions as
    checked Structs (:class:`StoredPain`, :class:`StoredLogged`: the fold reads them
    as it reads the events) until someone needs the events themselves:
    :attr:`events` builds them then, once."""

    __slots__ = ("_items", "_light", "states", "ts")

    def __init__(
        self,
        ts: list[int],
        events: list[Any],
        states: list[ProgressState],
        light: bool = False,
    ) -> None:
        self.ts = ts
        self._items = events
        self._light = light
        self.states = states

    @property
    def events(self) -> list[Event]:
        """The events (built from what was stored, the first time)."""
        if self._light:
            with _BUILDING:  # two threads reading at once build them once
                if self._light:
                    self._items = materialise(self._items)
                    self._light = False
        return self._items

    @property
    def items(self) -> list[Event | Light]:
        """The events, or what they are built from: enough for the fold and for keys."""
        return self._items


_BUILDING = Lock()


class _Family:
    """What every view grown from one start (or one snapshot) shares: the ids seen."""

    __slots__ = ("base", "ids", "more", "origin", "placed")

    def __init__(self, base: tuple[Key, int] | None = None) -> None:
        self.base = base
        """Resumed from a snapshot: the key of its last event and how many it held."""
        self.ids: dict[str, Event | int] = {}
        """The first event placed under each id, in any view; after a replay from stored
        JSON, its position in :attr:`origin` until it is first asked for."""
        self.origin: list[_Chunk] = []
        """The chunks of that replay (they stay as they were up to their ends)."""
        self.more: dict[str, list[Event]] = {}
        """Other events placed under an id already seen (branches that disagree)."""
        self.placed: dict[str, list[tuple[int, Event]]] = {}
        """For events with a device: each effective instant they were placed at."""

    def first(self, eid: str) -> Event | None:
        """The first event placed under ``eid``, if any."""
        held = self.ids.get(eid)
        if type(held) is int:
            chunk = self.origin[held // CHUNK]
            held = chunk.events[held % CHUNK]
            self.ids[eid] = held  # the same event, found once
        return held  # type: ignore[return-value]


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


def key_after(state: ProgressState, event: Event) -> Key | None:
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


def _key(t: int, event: Event | Light) -> Key:
    device = event.device
    if device is None:
        return (t, "", 0, event.id)
    return (t, device, event.seq, event.id)  # type: ignore[return-value]


class Progress:
    """One user's progress on one program. Immutable: :meth:`apply` returns a new one."""

    __slots__ = ("_chunks", "_fam", "_n", "_state", "catalog", "policy", "program")

    program: Program
    policy: Policy
    catalog: Catalog
    """Where the program's routines and their stretches come from."""

    def __init__(
        self,
        program: Program,
        policy: Policy,
        catalog: Catalog,
        fam: _Family,
        chunks: list[_Chunk],
        n: int,
        state: ProgressState,
    ) -> None:
        self.program = program
        self.policy = policy
        self.catalog = catalog
        self._fam = fam
        self._chunks = chunks
        self._n = n
        self._state = state

    def _view(self, chunks: list[_Chunk], n: int, state: ProgressState) -> Progress:
        return Progress(self.program, self.policy, self.catalog, self._fam, chunks, n, state)

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
        state = ProgressState()
        chunks = [_Chunk([], [], [state])]
        return cls(program, policy, _check_catalog(catalog, program), _Family(), chunks, 0, state)

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

    @classmethod
    def replay_json(
        cls,
        program: Program,
        data: bytes | bytearray | memoryview | str,
        policy: Policy | None = None,
        *,
        catalog: Catalog | None = None,
    ) -> Progress:
        """The progress a stored JSON array of events adds up to: what
        ``replay(program, events_from_json(data), policy, catalog=catalog)`` gives, and
        the same errors, with less work. The array is decoded in C and folded as it was
        read; the pain reports become :class:`PainReported` objects only when something
        asks for the events (:attr:`events`, a duplicate or a late event)."""
        read = read_stored(data)
        if read is None:  # not a good stored array: the reader says what is wrong
            return cls.replay(program, events_from_json(data), policy, catalog=catalog)
        progress = cls.start(program, policy, catalog=catalog)
        if not read.devices and read.docs:
            built = progress._bulk(*read.light(), light=True)
            if built is not None:
                return built
        return progress.extend(read.events())  # an id twice, or devices: the general way

    def extend(self, events: Iterable[Event]) -> Progress:
        """All ``events`` applied at once: one sort and one fold, not one refold per event."""
        if isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable):
            raise EngineError(f"events must be a sequence of events, got {describe(events)}")
        n = self._n
        if n == 0 and self._fam.base is None and not self._fam.ids:
            events = events if isinstance(events, list) else list(events)
            built = self._replayed(events)
            if built is not None:
                return built
        fresh: dict[str, Event] = {}
        for event in events:
            _check_event(event)
            if not self._known(event):
                old = fresh.setdefault(event.id, event)
                if old is not event and old != event:
                    raise DuplicateEventError(event.id)
        if not fresh:
            return self
        if self._fam.base is not None:
            return self._rekeyed(list(fresh.values()))
        if any(e.device is not None for e in fresh.values()):
            if n:
                return self._rekeyed(list(fresh.values()))
            pairs = keyed(fresh.values())
        else:
            pairs = sorted(
                (((event_instant(e), "", 0, e.id), e) for e in fresh.values()), key=_first
            )
        if n and pairs[0][0] < self._last_key():
            pos = self._lower_bound(pairs[0][0])
            ts, evs = self._slice(pos, n)
            tail = sorted([*zip(map(_key, ts, evs), evs, strict=True), *pairs], key=_first)
            return self._rebuilt([k[0] for k, _ in tail], [e for _, e in tail], pos)
        return self._appended([k[0] for k, _ in pairs], [e for _, e in pairs])

    def _replayed(self, events: list[Event]) -> Progress | None:
        """A replay from nothing, in bulk: the instants and the chunks built column by
        column, in C where it can be, then one fold. ``None`` if there are duplicates
        or devices, or something that is not an event (then :meth:`extend` takes the
        general way, which says what is wrong)."""
        if not events:
            return self
        kinds = list(map(type, events))
        if not set(kinds) <= _EVENT_CLASSES:
            return None
        ids = list(map(_get_id, events))
        index = dict(zip(ids, events, strict=True))
        if len(index) != len(ids) or set(map(_get_device, events)) != {None}:
            return None
        whens = list(map(_get_at, events))
        for i in compress(range(len(kinds)), map(is_, kinds, repeat(SessionLogged))):
            whens[i] = events[i].session.ended_at  # type: ignore[union-attr]  # at its end
        ts = list(map(floordiv, map(sub, whens, repeat(_EPOCH)), repeat(_US)))
        self._fam.ids = index
        return self._bulk(ts, events, light=False)

    def _bulk(self, ts: list[int], events: list[Any], *, light: bool) -> Progress | None:
        """``events`` (no device; each at its instant in ``ts``) put in key order, cut
        into chunks and folded, from nothing. With ``light``, ``events`` may hold
        :class:`StoredPain` and :class:`StoredLogged` Structs (built when asked for),
        the ids are remembered by position, and ``None`` says an id came twice (then
        the general way decides)."""
        if not all(map(lt, ts, ts[1:])):  # not already in key order: sort by key
            if not all(map(le, ts, ts[1:])):  # (stored in order but for ties: keep it)
                order = sorted(range(len(ts)), key=ts.__getitem__)
                ts = list(map(ts.__getitem__, order))
                events = list(map(events.__getitem__, order))
            else:
                events = list(events)
            # events at one instant go by id (the rest of their key): the few runs of them
            ties = list(compress(range(len(ts) - 1), map(eq, ts, ts[1:])))
            k = 0
            while k < len(ties):
                start = end = ties[k]
                k += 1
                while k < len(ties) and ties[k] == end + 1:
                    end = ties[k]
                    k += 1
                events[start : end + 2] = sorted(events[start : end + 2], key=_get_id)
        if light:
            positions = dict(zip(map(_get_id, events), range(len(events)), strict=False))
            if len(positions) != len(events):
                return None
        state = self._state
        policy = self.policy
        chunks: list[_Chunk] = []
        for lo in range(0, len(ts), CHUNK):
            chunk = _Chunk(ts[lo : lo + CHUNK], events[lo : lo + CHUNK], [state], light)
            state = fold_many(
                state, chunk.ts, chunk.items, policy, 0, chunk.states, CHECKPOINT_EVERY
            )
            chunks.append(chunk)
        if light:
            self._fam.ids = positions
            self._fam.origin = list(chunks)
        return self._view(chunks, len(ts), state)

    def _rekeyed(self, fresh: list[Event]) -> Progress:
        """Every event keyed afresh (device order may move some), refolded from the first change."""
        n = self._n
        base = self._fam.base
        seed = None
        if base is not None:
            # the events before the snapshot are not here: nothing may go before them
            seed = self._chunks[0].states[0].devices
            for e in fresh:
                last = None if e.device is None else seed.get(e.device)
                if (last is not None and (e.seq, e.id) <= last[:2]) or (
                    e.device is None and (event_instant(e), "", 0, e.id) <= base[0]
                ):
                    _refuse_before_base(e)
        ts, evs = self._slice(0, n)
        everything = keyed([*evs, *fresh], seed)
        if base is not None and everything[0][0] <= base[0]:
            _refuse_before_base(everything[0][1])
        m = min(n, len(everything))
        pos = 0
        while pos < m and _key(ts[pos], evs[pos]) == everything[pos][0]:
            pos += 1
        tail = everything[pos:]
        return self._rebuilt([k[0] for k, _ in tail], [e for _, e in tail], pos)

    # -- events -----------------------------------------------------------------------

    def apply(self, event: Event) -> Progress:
        """The progress after one more event; this one is unchanged."""
        _check_event(event)
        if self._fam.ids.get(event.id) is not None and self._known(event):
            return self
        key = key_after(self._state, event)
        if key is None:
            return self._rekeyed([event])  # out of its device's order: that device moves
        base = self._fam.base
        if base is not None and key <= base[0]:
            _refuse_before_base(event)
        n = self._n
        if n == 0 or key > self._last_key():
            return self._appended([key[0]], [event])
        pos = self._lower_bound(key)
        ts, evs = self._slice(pos, n)
        return self._rebuilt([key[0], *ts], [event, *evs], pos)

    def _known(self, event: Event) -> bool:
        """Whether this view holds an event with ``event``'s id: ``True`` if it is equal,
        :class:`DuplicateEventError` if it is not, ``False`` if there is none."""
        fam = self._fam
        first = fam.first(event.id)
        if first is None:
            return False
        for held in (first, *fam.more.get(event.id, ())):
            if self._holds(held):
                if held is not event and held != event:
                    raise DuplicateEventError(event.id)
                return True
        return False

    def _holds(self, event: Event) -> bool:
        """Whether ``event`` itself (that object) is one of this view's events."""
        if event.device is None:
            places: Iterable[int] = (event_instant(event),)
        else:
            places = [t for t, e in self._fam.placed.get(event.id, ()) if e is event]
        for t in places:
            pos = self._lower_bound(_key(t, event))
            if pos < self._n:
                chunk = self._chunks[pos // CHUNK]
                if chunk.events[pos % CHUNK] is event and chunk.ts[pos % CHUNK] == t:
                    return True
        return False

    def _appended(self, ts: list[int], evs: list[Event]) -> Progress:
        """This view's events, then ``evs`` (in key order, after all of this view's)."""
        n = self._n
        chunks = self._chunks
        last = chunks[-1]
        visible = n - (len(chunks) - 1) * CHUNK
        if len(last.ts) != visible:  # another view already grew this chunk
            if len(evs) == 1 and last.ts[visible] == ts[0] and last.events[visible] == evs[0]:
                # the very event that view appended: share its chunk, fold just this one
                state = fold(self._state, evs[0], ts[0], self.policy)
                return self._view(chunks, n + 1, state)
            # a different event: branch off with a copy of the chunk's visible part
            last = _Chunk(
                last.ts[:visible],
                last.events[:visible],
                last.states[: visible // CHECKPOINT_EVERY + 1],
            )
            chunks = [*chunks[:-1], last]
        return self._filled(chunks, last, self._state, ts, evs, n)

    def _filled(
        self,
        chunks: list[_Chunk],
        last: _Chunk,
        state: ProgressState,
        ts: list[int],
        evs: list[Event],
        n: int,
    ) -> Progress:
        """``chunks`` (whose last is ``last``, this view's to append to, holding events up
        to ``n`` with ``state`` after them), then ``ts``/``evs`` folded in."""
        policy = self.policy
        done = 0
        grown = False
        while done < len(evs):
            if len(last.ts) == CHUNK:
                last = _Chunk([], [], [state])
                if not grown:
                    chunks = list(chunks)
                    grown = True
                chunks.append(last)
            take = CHUNK - len(last.ts)
            part_ts, part_evs = ts[done : done + take], evs[done : done + take]
            state = fold_many(
                state, part_ts, part_evs, policy, len(last.ts), last.states, CHECKPOINT_EVERY
            )
            last.ts.extend(part_ts)
            last.events.extend(part_evs)
            done += len(part_evs)
        self._register(ts, evs)
        return self._view(chunks, n + done, state)

    def _rebuilt(self, ts: list[int], evs: list[Event], pos: int) -> Progress:
        """This view's first ``pos`` events, then ``ts``/``evs`` (in key order), refolded
        from the checkpoint before ``pos``. The chunks before ``pos`` are kept as they are,
        the one ``pos`` falls in is copied up to it; only the new tail is folded."""
        j, o = divmod(pos, CHUNK)
        chunks = self._chunks[:j]
        if o == 0:
            state = self._chunks[j].states[0] if j < len(self._chunks) else self._state
            last = _Chunk([], [], [state])
        else:
            old = self._chunks[j]
            b = o // CHECKPOINT_EVERY
            lo = b * CHECKPOINT_EVERY
            state = fold_many(old.states[b], old.ts[lo:o], old.events[lo:o], self.policy)
            last = _Chunk(old.ts[:o], old.events[:o], old.states[: b + 1])
        chunks.append(last)
        return self._filled(chunks, last, state, ts, evs, pos)

    def _register(self, ts: list[int], evs: list[Event]) -> None:
        """Remember ``evs`` (just placed at ``ts``) under their ids, for every view."""
        fam = self._fam
        ids, more, placed = fam.ids, fam.more, fam.placed
        for t, e in zip(ts, evs, strict=True):
            first = ids.setdefault(e.id, e)
            if type(first) is int:
                first = fam.first(e.id)  # type: ignore[assignment]
            if first is not e:
                others = more.setdefault(e.id, [])
                if not any(o is e for o in others):
                    others.append(e)
            if e.device is not None:
                at = placed.setdefault(e.id, [])
                if not any(pt == t and pe is e for pt, pe in at):
                    at.append((t, e))

    # -- positions --------------------------------------------------------------------

    def _visible(self, j: int) -> int:
        """How many events of chunk ``j`` this view sees."""
        return CHUNK if j < len(self._chunks) - 1 else self._n - j * CHUNK

    def _last_key(self) -> Key:
        last = self._chunks[-1]
        i = self._visible(len(self._chunks) - 1) - 1
        return _key(last.ts[i], last.items[i])

    def _after(self, t: int) -> int:
        """The position of the first event whose effective instant is after ``t``."""
        if self._n == 0:
            return 0
        j = bisect_right(self._chunks, t, key=_first_instant) - 1
        if j < 0:
            return 0
        return j * CHUNK + bisect_right(self._chunks[j].ts, t, 0, self._visible(j))

    def _lower_bound(self, key: Key) -> int:
        """The position of the first event whose key is not below ``key``."""
        n = self._n
        if n == 0:
            return 0
        t = key[0]
        chunks = self._chunks
        j = bisect_left(chunks, t, key=_first_instant) - 1
        pos = 0 if j < 0 else j * CHUNK + bisect_left(chunks[j].ts, t, 0, self._visible(j))
        while pos < n:  # the few events at the same instant, by the rest of the key
            chunk = chunks[pos // CHUNK]
            at, event = chunk.ts[pos % CHUNK], chunk.items[pos % CHUNK]
            if at != t or _key(at, event) >= key:
                break
            pos += 1
        return pos

    def _slice(self, lo: int, hi: int) -> tuple[list[int], list[Event]]:
        """The instants and events from position ``lo`` to ``hi``."""
        ts: list[int] = []
        evs: list[Event] = []
        for j in range(lo // CHUNK, (hi - 1) // CHUNK + 1 if hi > lo else lo // CHUNK):
            chunk = self._chunks[j]
            a = max(lo - j * CHUNK, 0)
            b = min(hi - j * CHUNK, CHUNK)
            ts.extend(chunk.ts[a:b])
            evs.extend(chunk.events[a:b])
        return ts, evs

    # -- queries ----------------------------------------------------------------------

    @property
    def events(self) -> tuple[Event, ...]:
        """The events, in the order they are folded."""
        chunks = self._chunks
        last = chunks[-1].events[: self._visible(len(chunks) - 1)]
        return tuple(chain.from_iterable([*(c.events for c in chunks[:-1]), last]))

    def __len__(self) -> int:
        return self._n

    @property
    def state(self) -> ProgressState:
        """The fold of every event (including any after a plan's ``now``)."""
        return self._state

    def state_at(self, now: datetime) -> tuple[ProgressState, int]:
        """The fold of the events stamped at or before ``now``, and how many were left out."""
        check_local_time(now, "now")
        return self._state_until(instant(now))

    def _state_until(self, now_us: int) -> tuple[ProgressState, int]:
        n = self._n
        base = self._fam.base
        if base is not None and now_us < base[0][0]:
            from stretchkit.engine._snapshot import SnapshotError

            raise SnapshotError(
                "this progress was resumed from a snapshot of later events; "
                "replay the history to plan for an earlier time"
            )
        if n == 0 or self._last_key()[0] <= now_us:
            return self._state, 0
        k = self._after(now_us)
        j, o = divmod(k, CHUNK)
        chunk = self._chunks[j]
        b = o // CHECKPOINT_EVERY
        lo = b * CHECKPOINT_EVERY
        state = fold_many(chunk.states[b], chunk.ts[lo:o], chunk.items[lo:o], self.policy)
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
            routines=self._phase_routines(),
            state=state,
            now=now,
            days=days,
        )

    def _phase_routines(self) -> tuple[tuple[Routine, ...], tuple[Routine, ...]]:
        """The program's relief routines and its maintenance routines, from the catalog."""
        by_id = self.catalog.routine_by_id
        relief = self.program.relief.routines.values()
        maintenance = self.program.maintenance.routines.values()
        return (
            tuple(by_id[r] for r in dict.fromkeys(relief) if r in by_id),
            tuple(by_id[r] for r in dict.fromkeys(maintenance) if r in by_id),
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

    def _snapshot_point(self, until: int | None) -> tuple[ProgressState, Key | None, int]:
        """The state of the events at or before ``until``, the last one's key, their count."""
        n = self._n
        k = n if until is None else self._after(until)
        state = self._state if k == n else self._state_until(until)[0]  # type: ignore[arg-type]
        base = self._fam.base
        base_key, base_count = base if base is not None else (None, 0)
        key = base_key
        if k:
            chunk = self._chunks[(k - 1) // CHUNK]
            key = _key(chunk.ts[(k - 1) % CHUNK], chunk.items[(k - 1) % CHUNK])
        return state, key, base_count + k

    def _resumed(self, state: ProgressState, key: Key | None, count: int) -> Progress:
        fam = _Family(None if key is None else (key, count))
        chunks = [_Chunk([], [], [state])]
        return Progress(self.program, self.policy, self.catalog, fam, chunks, 0, state)

    def __repr__(self) -> str:
        return f"<Progress {self.program.id!r}: {self._n} events>"


_first = itemgetter(0)
"""Sort (key, event) pairs by key only: keys are unique once duplicates are gone."""
_get_id = attrgetter("id")
_get_at = attrgetter("at")
_get_device = attrgetter("device")
_EVENT_CLASSES = frozenset(EVENT_TYPES)


def _first_instant(chunk: _Chunk) -> int:
    return chunk.ts[0]


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
