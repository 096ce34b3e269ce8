"""PostgresStore under concurrent writers: four processes and four connections at once.

Each writer opens the same new schema at the same moment (the schema creation
races), then appends interleaved, overlapping batches with duplicate ids, for a
user they all share and for one of their own. Afterwards nothing is lost, nothing
is doubled, the counts ``append`` returned add up to the distinct events, and a
batch that conflicted stored none of its events.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pg_support import fresh_schema
from stretchkit import DuplicateEventError, Event, PainReported
from stretchkit.store._postgres import PostgresStore

WRITERS = 4
POOL = 240
"""Distinct events each user can receive."""
T0 = datetime(2026, 1, 1, 8, 0, 0, 250_000, tzinfo=UTC)


def event(user: str, i: int) -> PainReported:
    """Event ``i`` of ``user``'s pool: the same value whoever makes it (so duplicates agree)."""
    return PainReported(
        id=f"{user}/{i:04d}", at=T0 + timedelta(minutes=17 * (i % 97)), level=i % 11
    )


def plan(writer: int, seed: int) -> list[tuple[str, list[int]]]:
    """The batches one writer appends: ranges overlapping the others', with repeats inside."""
    rnd = random.Random(seed * 1000 + writer)
    batches: list[tuple[str, list[int]]] = []
    for _ in range(24):
        user = rnd.choice(["shared", "shared", f"own-{writer}"])
        start = rnd.randrange(POOL)
        ids = [(start + k) % POOL for k in range(rnd.randint(1, 30))]
        ids += rnd.sample(ids, k=min(3, len(ids)))  # duplicates inside the batch
        rnd.shuffle(ids)
        batches.append((user, ids))
    return batches


def write(dsn: str, writer: int, seed: int, barrier: Any, results: Any) -> None:
    """One writer: open the store when all are ready, append its batches, record the counts."""
    barrier.wait(timeout=60)
    counts: dict[str, int] = {}
    conflicts = 0
    with PostgresStore(dsn) as store:
        for n, (user, ids) in enumerate(plan(writer, seed)):
            counts[user] = counts.get(user, 0) + store.append(user, [event(user, i) for i in ids])
            if n % 6 == 5:  # a batch with a new event and a conflicting copy of a known one
                fresh = PainReported(id=f"conflict/{writer}/{n}", at=T0, level=1)
                clash = PainReported(id=event(user, ids[0]).id, at=T0, level=(ids[0] % 11 + 1) % 11)
                try:
                    store.append(user, [fresh, clash])
                except DuplicateEventError as e:
                    conflicts += e.event_id == clash.id
    results.put((writer, counts, conflicts))


def check(dsn: str, seed: int, outcomes: list[tuple[int, dict[str, int], int]]) -> None:
    expected: dict[str, set[int]] = {}
    for writer in range(WRITERS):
        for user, ids in plan(writer, seed):
            expected.setdefault(user, set()).update(ids)
    returned: dict[str, int] = {}
    for _, counts, conflicts in outcomes:
        assert conflicts == 4  # every conflicting batch was refused, naming the id
        for user, count in counts.items():
            returned[user] = returned.get(user, 0) + count
    with PostgresStore(dsn) as store:
        assert store.users() == tuple(sorted(expected))
        for user, ids in expected.items():
            stored = store.events(user)
            want: list[Event] = sorted(
                (event(user, i) for i in ids), key=lambda e: (e.at.astimezone(UTC), e.id)
            )
            assert [e.id for e in stored] == [e.id for e in want]  # none lost, none doubled
            assert stored == tuple(want)  # and none of a conflicting batch
            assert returned[user] == len(ids)  # each new event counted by exactly one writer


def run_processes(dsn: str, seed: int) -> list[tuple[int, dict[str, int], int]]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [
        ctx.Process(target=write, args=(dsn, w, seed, barrier, results)) for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    try:
        outcomes = [results.get(timeout=120) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():  # pragma: no cover - only when a writer hangs
                p.kill()
    assert [p.exitcode for p in procs] == [0] * WRITERS
    return outcomes


def run_threads(dsn: str, seed: int) -> list[tuple[int, dict[str, int], int]]:
    """Four threads, each with its own store (so four connections, one per writer)."""
    barrier = threading.Barrier(WRITERS)
    outcomes: list[tuple[int, dict[str, int], int]] = []
    errors: list[BaseException] = []

    class Results:
        def put(self, item: tuple[int, dict[str, int], int]) -> None:
            outcomes.append(item)

    def target(w: int) -> None:
        try:
            write(dsn, w, seed, barrier, Results())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=target, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return outcomes


def test_one_store_shared_by_four_threads_uses_four_connections() -> None:
    seed = 7
    with fresh_schema() as (dsn, _), PostgresStore(dsn, max_connections=WRITERS) as store:
        errors: list[BaseException] = []
        barrier = threading.Barrier(WRITERS)
        counts = [0] * WRITERS

        def target(w: int) -> None:
            try:
                barrier.wait(timeout=60)
                for user, ids in plan(w, seed):
                    counts[w] += store.append(user, [event(user, i) for i in ids])
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=target, args=(w,)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        distinct = {(u, i) for w in range(WRITERS) for u, ids in plan(w, seed) for i in ids}
        assert sum(counts) == len(distinct)
        assert sum(len(store.events(u)) for u in store.users()) == len(distinct)


@pytest.mark.parametrize(
    ("runner", "seed"),
    [(run_processes, 1), (run_processes, 2), (run_threads, 3), (run_threads, 4)],
    ids=["processes-1", "processes-2", "threads-1", "threads-2"],
)
def test_four_writers_on_a_new_schema_lose_and_double_nothing(
    runner: Callable[[str, int], list[tuple[int, dict[str, int], int]]], seed: int
) -> None:
    with fresh_schema() as (dsn, _):
        check(dsn, seed, runner(dsn, seed))
