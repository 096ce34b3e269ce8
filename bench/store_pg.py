"""The PostgreSQL rows of the ``store`` section: PostgresStore beside a bare psycopg loop.

The server is the one ``STRETCHKIT_TEST_POSTGRES_DSN`` names, or a throwaway
cluster this module starts (:mod:`bench.pgcluster`, fsync on, as a real server
has it) and removes afterwards. Without either, every row says "not available"
and why. Each run works in a schema of its own, dropped at the end.

Rows, timed in turns with the bare loop they are compared with:
- single appends: 20 one-event appends (each its own transaction), new events each run;
- batches of 100: one 100-event append, new events each run;
- loading a heavy year (and four years) of history: ``store.progress`` through the
  stored snapshot, and the same events read and replayed with no snapshot.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench import adapters, data
from bench.report import Row
from bench.timing import measure_together

if TYPE_CHECKING:
    from bench.run import Bench

__all__ = ["run"]

SECTION = "store"
SINGLES = 20
"""One-event appends per timed run."""
BATCH = 100


def _server() -> tuple[str | None, Callable[[], None], str]:
    """A DSN, how to stop what was started, and where it came from (or why there is none)."""
    dsn = os.environ.get("STRETCHKIT_TEST_POSTGRES_DSN", "").strip()
    if dsn:
        return dsn, lambda: None, "the server in STRETCHKIT_TEST_POSTGRES_DSN"
    from bench import pgcluster

    try:
        cluster = pgcluster.start(fast=False)
    except (RuntimeError, OSError) as e:
        return None, lambda: None, f"no PostgreSQL server could be started ({e})"
    return cluster.dsn, cluster.stop, "a throwaway cluster (initdb + pg_ctl, fsync on)"


def _na(bench: Bench, why: str) -> None:
    for label in (
        "PostgresStore.append: 20 single events",
        "PostgresStore.append: a batch of 100",
        "PostgresStore.progress: a heavy year",
    ):
        bench.add(Row(SECTION, label, "—", None, 0, None, f"not available: {why}"))


def run(bench: Bench) -> None:
    try:
        import psycopg

        from stretchkit.store._postgres import PostgresStore
    except ImportError as e:
        _na(bench, f"the postgres extra is not installed ({e.name})")
        return
    engine = adapters.engine()
    if not engine.ok:
        _na(bench, engine.why)
        return
    dsn, stop, origin = _server()
    if dsn is None:
        _na(bench, origin)
        return
    schema = f"sk_bench_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        from psycopg.conninfo import make_conninfo

        in_schema = make_conninfo(dsn, options=f"-csearch_path={schema}")
        with PostgresStore(in_schema) as store, psycopg.connect(in_schema) as bare:
            bench.notes.append(f"PostgreSQL rows: {origin}")
            _appends(bench, store, bare)
            _loads(bench, store, engine)
    finally:
        try:
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            stop()


def _event_chunks(prefix: str, size: int) -> Iterator[list[Any]]:
    """Endless lists of ``size`` new pain reports, a minute apart."""
    from stretchkit import PainReported

    t0 = datetime(2026, 1, 5, 8, 0, 0, 123_456, tzinfo=UTC)
    n = 0
    while True:
        chunk = []
        for _ in range(size):
            at = t0 + timedelta(minutes=n)
            chunk.append(PainReported(id=f"{prefix}-{n:08d}", at=at, level=n % 11))
            n += 1
        yield chunk


def _ahead(chunks: Iterator[Any], repeats: int) -> Iterator[Any]:
    """Enough chunks for every timed run and the warm-up, made before the clock starts."""
    return iter([next(chunks) for _ in range(repeats + 1)])


def _bare_rows(chunk: list[Any]) -> list[tuple[bytes, bytes, int, str]]:
    """What the store writes for ``chunk``, made ahead so the bare loop only inserts."""
    import hashlib
    import json

    from stretchkit import event_to_dict
    from stretchkit.engine._events import event_instant

    key = hashlib.sha256(b"bare").digest()
    return [
        (
            key,
            e.id.encode(),
            event_instant(e),
            json.dumps(event_to_dict(e), separators=(",", ":")),
        )
        for e in chunk
    ]


def _appends(bench: Bench, store: Any, bare: Any) -> None:
    bare.execute(
        "CREATE TABLE bare_events (user_id bytea, event_id bytea, instant bigint, body text, "
        "PRIMARY KEY (user_id, event_id))"
    )
    bare.execute("CREATE INDEX ON bare_events (user_id, instant, event_id)")
    bare.commit()
    insert = "INSERT INTO bare_events VALUES (%s, %s, %s, %s)"
    repeats = 10 if bench.quick else 40

    singles = _ahead(_event_chunks("single", SINGLES), repeats)
    bare_singles = _ahead(map(_bare_rows, _event_chunks("bare-single", SINGLES)), repeats)

    def store_singles() -> None:
        for event in next(singles):
            store.append("single", [event])

    def bare_single_loop() -> None:
        for row in next(bare_singles):
            bare.execute(insert, row)
            bare.commit()

    base = "bare psycopg: 20 single INSERTs, one commit each"
    bench.time_together(
        SECTION,
        "20 single events",
        [
            (base, bare_single_loop, "prepared rows, no checks"),
            ("PostgresStore.append: 20 single events", store_singles, ""),
        ],
        repeats=repeats,
        base=base,
    )
    _rate(bench, "20 single events", SINGLES)

    batches = _ahead(_event_chunks("batch", BATCH), repeats)
    bare_batches = _ahead(map(_bare_rows, _event_chunks("bare-batch", BATCH)), repeats)

    def store_batch() -> None:
        store.append("batch", next(batches))

    def bare_batch() -> None:
        with bare.cursor() as cur:
            cur.executemany(insert, next(bare_batches))
        bare.commit()

    base = "bare psycopg: executemany of 100 INSERTs, one commit"
    bench.time_together(
        SECTION,
        "a batch of 100",
        [
            (base, bare_batch, "prepared rows, no checks"),
            ("PostgresStore.append: a batch of 100", store_batch, ""),
        ],
        repeats=repeats,
        base=base,
    )
    _rate(bench, "a batch of 100", BATCH)


def _rate(bench: Bench, size: str, events: int) -> None:
    """Turn the last two rows' times into appends per second, in their notes."""
    for row in bench.rows[-2:]:
        if row.size == size and row.seconds:
            rate = f"{events / row.seconds:,.0f} events/s"
            bench.notes.append(f"{row.label} ({size}): {rate}")


def _in_the_past(neutral: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history moved back in time so that it ends a day before today.

    The generated histories start in January 2025, so four years of them reach past
    today. A store snapshots up to the time it saves and keeps later events apart,
    as it should for a device clock set ahead; years of "future" events would
    measure that path instead of the ordinary one.
    """
    last = datetime.fromisoformat(neutral[-1]["at"])
    back = last - (datetime.now(UTC) - timedelta(days=1))
    if back <= timedelta(0):
        return neutral
    back = timedelta(days=back.days + 1)  # whole days: the local days stay the same weekdays

    def moved(stamp: str) -> str:
        return (datetime.fromisoformat(stamp) - back).isoformat()

    out = []
    for e in neutral:
        e = {**e, "at": moved(e["at"])}
        if "session" in e:
            s = e["session"]
            e["session"] = {
                **s,
                "started_at": moved(s["started_at"]),
                "ended_at": moved(s["ended_at"]),
            }
        out.append(e)
    return out


def _loads(bench: Bench, store: Any, engine: Any) -> None:
    from stretchkit import Progress

    program, catalog = engine.program, engine.catalog
    routines = adapters.history_routines()
    for years in (1, 4):
        user = f"heavy-{years}y"
        neutral = _in_the_past(data.events(365 * years, routines))
        events = engine.events(neutral)
        for i in range(0, len(events), 2000):
            store.append(user, events[i : i + 2000])
        store.progress(user, program, catalog)  # writes the snapshot
        now = engine.now_after(neutral)

        def through_snapshot(user: str = user, now: datetime = now) -> None:
            store.progress(user, program, catalog).plan(now, "sitting")

        def full_replay(user: str = user, now: datetime = now) -> None:
            Progress.replay(program, store.events(user), catalog=catalog).plan(now, "sitting")

        base = "no snapshot: read every event, replay, plan"
        size = f"{years} year{'s' if years > 1 else ''} ({len(events):,} events)"
        results = measure_together(
            {"full": full_replay, "snap": through_snapshot},
            repeats=3 if years > 1 or bench.quick else 8,
            budget=bench.budget(),
        )
        for key, label in (
            ("full", base),
            ("snap", "PostgresStore.progress through the snapshot, plan"),
        ):
            seconds, runs = results[key]
            bench.add(
                Row(
                    SECTION,
                    label,
                    size,
                    seconds if runs else None,
                    runs,
                    base,
                    "" if runs else "failed",
                )
            )
