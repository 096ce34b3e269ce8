"""The store contract: one state machine, checked against an in-memory model, for every store.

The machine appends (new events, the same again, the same written in another offset,
and a different event under a used id), loads, reads since a time, loads progress
(late events and policy changes included), saves and clears the unfinished session,
sets preferences, exports and imports, deletes users and reopens the store, for
users whose ids are full of SQL metacharacters, quotes, control characters,
non-ASCII text and 10,000 characters.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from store_support import FACTORIES, Place
from stretchkit import (
    DuplicateEventError,
    Event,
    PainReported,
    Policy,
    Progress,
    ProgressStore,
    SessionLogged,
    SessionRunner,
    SkipReason,
    StretchReenabled,
)
from stretchkit.engine._events import event_instant
from stretchkit.engine._time import instant
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS, session

USERS = (
    "alice",
    "bob'); DROP TABLE events; --",
    '"quoted" \\ back %_ * ? $1',
    "tab\there\x01\x1f\x7f",
    "名前 Ünïcödé 🧘",
    "x" * 10_000,
)
A_USER = st.sampled_from(USERS[:3]) | st.sampled_from(USERS)
"""Mostly the first three (checked after every step), so histories grow and interleave."""
T0 = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=30)
OFFSETS = (UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30)))
POLICIES = (
    Policy.from_program(PROGRAM),
    attrs.evolve(Policy.from_program(PROGRAM), pain_free_hours=6, rest_hours=2),
)


def make_pool() -> list[Event]:
    """Events with fixed ids at instants that collide often, microseconds included."""
    pool: list[Event] = []
    for i in range(24):
        at = (T0 + timedelta(hours=7 * (i % 9), microseconds=(i % 9) * 1001)).astimezone(
            OFFSETS[i % len(OFFSETS)]
        )
        if i % 4 == 3:
            pool.append(
                session(
                    at,
                    id=f"s-{i}",
                    skipped={STRETCH_IDS[i % 5]: SkipReason.DISCOMFORT} if i % 8 == 3 else None,
                    pain_before=i % 3,
                    pain_after=0,
                )
            )
        elif i % 6 == 5:
            pool.append(StretchReenabled(id=f"r-{i}", at=at, stretch_id=STRETCH_IDS[i % 5]))
        elif i % 4 == 2:  # a watch whose clock runs backwards: its seq says the order
            back = at - timedelta(hours=3 * (i % 3))
            pool.append(PainReported(id=f"w-{i}", at=back, level=i % 3, device="watch", seq=i))
        else:
            pool.append(PainReported(id=f"p-{i}" if i % 5 else f"P-é🧘{i}", at=at, level=i % 4))
    return pool


POOL = make_pool()


def conflicting(event: Event) -> Event:
    """Another event under the same id."""
    if isinstance(event, PainReported):
        return attrs.evolve(event, level=(event.level + 1) % 11)
    if isinstance(event, SessionLogged):
        return attrs.evolve(event, session=attrs.evolve(event.session, pain_after=7))
    return attrs.evolve(event, at=event.at + timedelta(seconds=1))


def reoffset(event: Event) -> Event:
    """The same event written in another offset: equal, but not the same text."""
    zone = timezone(timedelta(hours=9))
    if isinstance(event, SessionLogged):
        s = event.session
        return attrs.evolve(
            event,
            at=event.at.astimezone(zone),
            session=attrs.evolve(
                s, started_at=s.started_at.astimezone(zone), ended_at=s.ended_at.astimezone(zone)
            ),
        )
    return attrs.evolve(event, at=event.at.astimezone(zone))


def engine_order(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (event_instant(e), e.id))


def same_text(a: Event, b: Event) -> bool:
    return bool(a.to_dict() == b.to_dict())


class StoreMachine(RuleBasedStateMachine):
    place_factory: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.place: Place = type(self).place_factory()
        self.store: ProgressStore = self.place.open()
        self.model: dict[str, dict[str, Event]] = {}
        self.runners: dict[str, dict[str, Any]] = {}
        self.prefs: dict[tuple[str, str], str] = {}

    def teardown(self) -> None:
        self.place.cleanup()

    @initialize()
    def start(self) -> None:
        assert self.store.users() == ()

    # -- events -----------------------------------------------------------------------

    @rule(
        user=A_USER,
        picks=st.lists(
            st.tuples(
                st.integers(0, len(POOL) - 1),
                st.sampled_from(["same", "same", "same", "offset", "offset", "other"]),
            ),
            max_size=8,
        ),
    )
    def append(self, user: str, picks: list[tuple[int, str]]) -> None:
        batch: list[Event] = []
        for i, how in picks:
            event = POOL[i]
            batch.append(
                conflicting(event)
                if how == "other"
                else reoffset(event)
                if how == "offset"
                else event
            )
        known = self.model.get(user, {})
        seen: dict[str, Event] = {}
        clash = None
        for e in batch:
            first = known.get(e.id, seen.setdefault(e.id, e))
            if first != e:
                clash = e.id
                break
        if clash is not None:
            with pytest.raises(DuplicateEventError) as info:
                self.store.append(user, batch)
            assert clash in str(info.value) or info.value.event_id in {e.id for e in batch}
            return
        new = {k: v for k, v in seen.items() if k not in known}
        assert self.store.append(user, batch) == len(new)
        if new:
            self.model.setdefault(user, {}).update(new)

    @rule(
        user=st.sampled_from(USERS[:3]), picks=st.lists(st.integers(0, len(POOL) - 1), max_size=3)
    )
    def append_some(self, user: str, picks: list[int]) -> None:
        """Plain appends, often of events older than the latest: late events."""
        self.append(user, [(i, "same") for i in picks])

    @precondition(lambda self: any(self.model.get(u) for u in USERS[:3]))
    @rule(data=st.data())
    def append_again(self, data: st.DataObject) -> None:
        """A stored event again: in another offset (kept once) or changed (refused, all of it)."""
        user = data.draw(st.sampled_from([u for u in USERS[:3] if self.model.get(u)]))
        victim = data.draw(st.sampled_from(sorted(self.model[user])))
        index = [e.id for e in POOL].index(victim)
        extra = data.draw(st.lists(st.integers(0, len(POOL) - 1), max_size=3))
        how = data.draw(st.sampled_from(["other", "offset"]))
        self.append(user, [*((i, "same") for i in extra), (index, how)])

    @rule(user=A_USER)
    def load(self, user: str) -> None:
        got = self.store.events(user)
        want = engine_order(list(self.model.get(user, {}).values()))
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert same_text(g, w), (g, w)  # the first stored copy, offsets and microseconds

    @rule(user=A_USER, hours=st.integers(-10, 70), zone=st.sampled_from(OFFSETS))
    def since(self, user: str, hours: int, zone: timezone) -> None:
        since = (T0 + timedelta(hours=hours, microseconds=hours * 999)).astimezone(zone)
        got = self.store.events(user, since=since)
        want = [
            e
            for e in engine_order(list(self.model.get(user, {}).values()))
            if event_instant(e) >= instant(since)
        ]
        assert [e.to_dict() for e in got] == [e.to_dict() for e in want]

    @rule(user=A_USER, which=st.sampled_from(range(len(POLICIES))))
    def progress(self, user: str, which: int) -> None:
        self.check_progress(user, POLICIES[which])

    @invariant()
    def progress_of_the_first_users(self) -> None:
        """Every step: so a snapshot exists when a late event or a deletion comes."""
        for user in USERS[:3]:
            self.check_progress(user, POLICIES[0])

    def check_progress(self, user: str, policy: Policy) -> None:
        events = list(self.model.get(user, {}).values())
        got = self.store.progress(user, PROGRAM, CATALOG, policy=policy)
        want = Progress.replay(PROGRAM, events, policy, catalog=CATALOG)
        assert got.state == want.state
        assert got.policy == policy
        assert got.plan(NOW, "lying") == want.plan(NOW, "lying")

    # -- the unfinished session, settings ---------------------------------------------

    @rule(user=A_USER, done=st.integers(0, 3), hour=st.integers(0, 40))
    def save_runner(self, user: str, done: int, hour: int) -> None:
        runner = SessionRunner.start(
            "relief-lying", CATALOG, session_id=f"run-{hour}", started_at=T0 + timedelta(hours=hour)
        )
        for _ in range(done):
            runner = runner.complete()
        self.store.save_runner(user, runner)
        self.runners[user] = runner.to_dict()

    @rule(user=A_USER)
    def clear_runner(self, user: str) -> None:
        self.store.clear_runner(user)
        self.runners.pop(user, None)

    @rule(user=A_USER)
    def load_runner(self, user: str) -> None:
        runner = self.store.runner(user, CATALOG)
        want = self.runners.get(user)
        assert (None if runner is None else runner.to_dict()) == want

    @rule(
        user=A_USER,
        key=st.sampled_from(["disclaimer", "zone", "k'; --"]),
        value=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    )
    def set_preference(self, user: str, key: str, value: str) -> None:
        self.store.set_preference(user, key, value)
        self.prefs[(user, key)] = value

    @rule(user=A_USER, key=st.sampled_from(["disclaimer", "zone", "k'; --"]))
    def preference(self, user: str, key: str) -> None:
        assert self.store.preference(user, key) == self.prefs.get((user, key))

    # -- users, deletion, moving ------------------------------------------------------

    @rule(user=A_USER)
    def delete(self, user: str) -> None:
        self.store.delete(user)
        self.model.pop(user, None)
        self.runners.pop(user, None)
        self.prefs = {k: v for k, v in self.prefs.items() if k[0] != user}
        assert self.store.events(user) == ()
        assert self.store.runner(user, CATALOG) is None

    @rule(source=A_USER, dest=A_USER)
    def export_import(self, source: str, dest: str) -> None:
        lines = list(self.store.export(source))
        assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
        mine = engine_order(list(self.model.get(source, {}).values()))
        assert len(lines) == len(mine)
        known = self.model.get(dest, {})
        clash = next((e.id for e in mine if e.id in known and known[e.id] != e), None)
        if clash is not None:
            with pytest.raises(DuplicateEventError):
                self.store.import_(dest, lines)
            return
        new = {e.id: e for e in mine if e.id not in known}
        assert self.store.import_(dest, lines) == len(new)
        if new:
            self.model.setdefault(dest, {}).update(new)

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = self.place.open()

    @invariant()
    def users_are_those_with_events(self) -> None:
        assert self.store.users() == tuple(sorted(u for u, e in self.model.items() if e))


def _settings() -> settings:
    ci = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
    return settings(
        max_examples=60 if ci else 20,
        stateful_step_count=30 if ci else 20,
        deadline=None,
    )


@pytest.mark.parametrize("factory", list(FACTORIES.values()), ids=list(FACTORIES))
def test_store_contract(factory: Any) -> None:
    if factory is FACTORIES["postgres"]:
        factory().cleanup()  # skips (or under CI fails) before the machine starts

    class Machine(StoreMachine):
        place_factory = factory

    run_state_machine_as_test(Machine, settings=_settings())


@pytest.mark.parametrize("factory", list(FACTORIES.values()), ids=list(FACTORIES))
def test_an_empty_user_id_is_refused(factory: Any) -> None:
    from stretchkit import StoreError

    place = factory()
    try:
        store = place.open()
        for bad in ("", "nul\x00inside", "lone \ud800 surrogate", "x" * 10_001):
            with pytest.raises(StoreError):
                store.append(bad, POOL[:1])
            with pytest.raises(StoreError):
                store.events(bad)
        with pytest.raises(StoreError):
            store.append(42, POOL[:1])  # type: ignore[arg-type]
        assert store.users() == ()
    finally:
        place.cleanup()
