"""The PostgreSQL store: many users on one server, or many servers (psycopg 3).

Rules
- Tables are created in the first schema of the connection's ``search_path``
  (``public`` unless the DSN says otherwise, e.g. ``options=-csearch_path=sk``),
  under a transaction-scoped advisory lock, so any number of processes may open
  a new database at once. ``stretchkit_schema`` holds the schema version; a newer
  one is refused, an ``events`` table without it is foreign and refused.
- Every primary key and index leads with ``user_id``: the tables hash-partition by
  user natively and distribute by user with Citus without a change (see
  docs/storage.md). ``user_id`` is the SHA-256 of the user's name in UTF-8, a
  fixed 32 bytes, because a B-tree entry holds at most ~2.7 kB and user names may
  be long; ``users`` maps it back to the name.
- An event is its JSON text (``body``, the stores' shared ``event_text``: compact,
  ASCII only) plus the columns it is found and ordered by: ``instant``
  (microseconds since the epoch of a session's end or the event's ``at``) and
  ``event_id`` as UTF-8 bytes. Byte order of UTF-8 is code-point order, so
  ``ORDER BY instant, event_id`` is the engine's order whatever the database's
  collation. The body keeps the offset and microseconds the event was written with.
- Every write is one transaction that first locks the user's ``users`` row, so two
  writers for one user queue up (no deadlocks between overlapping batches) and
  writers for different users never wait for each other. A batch is all or nothing.
- Snapshots: see :meth:`PostgresStore.progress`; one per user and program.
  ``users.generation`` grows with every append, so a snapshot computed from events
  that changed meanwhile is not saved.
- Every failure is a :class:`StoreError` (or the engine's own error), one line,
  never a bare psycopg error, and never shows the DSN (it may hold a password).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import psycopg
import psycopg.errors
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from stretchkit.engine._errors import DuplicateEventError, EngineError, EventFormatError
from stretchkit.engine._events import Event, event_instant
from stretchkit.engine._policy import Policy
from stretchkit.engine._progress import Progress
from stretchkit.store._protocol import (
    StoreBusyError,
    StoreClosedError,
    StoreError,
    StoreFormatError,
    check_key,
    check_user,
    check_value,
    shorten,
)
from stretchkit.store._shared import (
    Closing,
    Loaded,
    event_text,
    export_line,
    id_bytes,
    progress_of,
    read_lines,
    rows_to_events,
    since_instant,
    snapshot_row,
    unique_batch,
)

if TYPE_CHECKING:
    from stretchkit.engine._runner import SessionRunner
    from stretchkit.model import Catalog, Program

__all__ = ["SCHEMA_VERSION", "PostgresStore"]

SCHEMA_VERSION: Final = 1
"""The layout this library writes. A database with a higher number is refused."""

_LOCK_KEY: Final = 0x5354_5245_5443_484B  # "STRETCHK": the schema-creation advisory lock
_RETRIES: Final = 5
"""Attempts for a transaction the server aborted to resolve a conflict (deadlock, serialization)."""

_SCHEMA: Final = (
    """CREATE TABLE stretchkit_schema (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version integer NOT NULL
    )""",
    """CREATE TABLE users (
        user_id bytea NOT NULL,
        name text NOT NULL,
        generation bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id)
    )""",
    """CREATE TABLE events (
        user_id bytea NOT NULL,
        event_id bytea NOT NULL,
        instant bigint NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (user_id, event_id)
    )""",
    "CREATE INDEX events_by_instant ON events (user_id, instant, event_id)",
    """CREATE TABLE snapshots (
        user_id bytea NOT NULL,
        program_id text NOT NULL,
        through_instant bigint NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (user_id, program_id)
    )""",
    """CREATE TABLE runners (
        user_id bytea NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (user_id)
    )""",
    """CREATE TABLE preferences (
        user_id bytea NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (user_id, key)
    )""",
)
"""Version 1 of the layout; ``_MIGRATIONS`` takes older ones forward."""

_MIGRATIONS: Final[dict[int, tuple[str, ...]]] = {}
"""``{version: statements}`` that take a database at ``version`` to ``version + 1``."""

_TABLES: Final = ("events", "snapshots", "runners", "preferences", "users")
"""Every table holding a user's data; :meth:`PostgresStore.delete` empties them all."""

_T = TypeVar("_T")


def _first_line(error: BaseException) -> str:
    """The first line of a server's message, cut to 200 characters (never the DSN)."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= 200 else f"{text[:200]}… ({len(text)} characters)"


def _user_key(user: object) -> tuple[str, bytes]:
    """The checked user id and its key: SHA-256 of its UTF-8 (fixed size for the B-trees)."""
    name = check_user(user)
    return name, hashlib.sha256(name.encode("utf-8")).digest()


class PostgresStore(Closing):
    """Events, snapshots, runners and preferences of many users in one PostgreSQL database.

    ``dsn`` is a libpq connection string or URI. Thread-safe: a pool of connections
    (at most ``max_connections``) serves the threads of one process; a call that waits
    longer than ``timeout`` seconds for one raises :class:`StoreBusyError`. Use as a
    context manager, or call :meth:`close`.
    """

    def __init__(self, dsn: str, *, max_connections: int = 4, timeout: float = 15.0) -> None:
        if not isinstance(dsn, str):
            raise StoreError(f"dsn must be a string, got {type(dsn).__name__}")
        if type(max_connections) is not int or not 1 <= max_connections <= 100:
            raise StoreError(f"max_connections must be an integer 1-100, got {max_connections!r}")
        if not isinstance(timeout, int | float) or not 0 < timeout <= 3600:
            raise StoreError(f"timeout must be 0-3600 seconds, got {timeout!r}")
        connect_timeout = max(1, round(timeout))
        try:
            with psycopg.connect(dsn, connect_timeout=connect_timeout) as conn:
                _create_schema(conn)
        except psycopg.Error as e:
            raise StoreError(f"cannot open the PostgreSQL store: {_first_line(e)}") from None
        self._lock = threading.Lock()
        self._closed = False
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max_connections,
            timeout=timeout,
            kwargs={"connect_timeout": connect_timeout},
            open=False,
            name="stretchkit",
        )
        self._pool.open(wait=False)

    # -- plumbing ---------------------------------------------------------------------

    def _run(self, work: Callable[[psycopg.Cursor[Any]], _T], *, read_only: bool = False) -> _T:
        """``work`` in one transaction, retried when the server aborted it over a conflict."""
        if self._closed:
            raise StoreClosedError("the PostgreSQL store is closed")
        for attempt in range(_RETRIES):
            try:
                with self._pool.connection() as conn:
                    if read_only:  # one consistent view of the user's rows
                        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                        conn.read_only = True
                    else:
                        conn.isolation_level = None
                        conn.read_only = False
                    with conn.transaction(), conn.cursor() as cur:
                        return work(cur)
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                if attempt == _RETRIES - 1:
                    raise StoreBusyError(
                        f"PostgreSQL kept aborting the transaction ({_RETRIES} tries)"
                    ) from None
            except PoolTimeout:
                raise StoreBusyError("no PostgreSQL connection became free in time") from None
            except PoolClosed:
                raise StoreClosedError("the PostgreSQL store is closed") from None
            except psycopg.Error as e:
                raise StoreError(f"PostgreSQL: {_first_line(e)}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connections; later calls raise :class:`StoreClosedError`. Twice is fine."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._pool.close()

    def __repr__(self) -> str:
        return f"<PostgresStore{' (closed)' if self._closed else ''}>"

    # -- events -----------------------------------------------------------------------

    def append(self, user: str, events: Iterable[Event]) -> int:
        """Store the events that are new; return how many. All or nothing.

        The same id with equal content is skipped (the first stored copy stays, even
        if this one is written in another offset); with other content it raises the
        engine's :class:`DuplicateEventError` naming the id, and nothing is stored.
        """
        name, key = _user_key(user)
        batch = unique_batch(events)
        if not batch:
            return 0
        rows = [(key, id_bytes(e.id), event_instant(e), event_text(e)) for e in batch.values()]
        rows.sort(key=lambda r: r[1])

        def work(cur: psycopg.Cursor[Any]) -> int:
            _lock_user(cur, key, name, bump=True)
            inserted: list[tuple[int, bytes]] = []
            for i in range(0, len(rows), _ROWS_PER_INSERT):  # one statement per chunk
                chunk = rows[i : i + _ROWS_PER_INSERT]
                cur.execute(_insert_events(len(chunk)), [v for row in chunk for v in row])
                inserted.extend(cur.fetchall())
            if len(inserted) < len(rows):
                _check_known(cur, name, key, batch, {bytes(i) for _, i in inserted})
            if inserted:  # a late event: a snapshot that may have folded past it is wrong now
                cur.execute(
                    "DELETE FROM snapshots WHERE user_id = %s AND through_instant >= %s",
                    (key, min(inserted)[0]),
                )
            return len(inserted)

        return self._run(work)

    def events(self, user: str, *, since: datetime | None = None) -> tuple[Event, ...]:
        """The user's events in the engine's order; ``since``: those at or after it."""
        name, key = _user_key(user)
        start = since_instant(since)

        def work(cur: psycopg.Cursor[Any]) -> list[tuple[bytes, str]]:
            if start is None:
                cur.execute(
                    "SELECT event_id, body FROM events WHERE user_id = %s "
                    "ORDER BY instant, event_id",
                    (key,),
                )
            else:
                cur.execute(
                    "SELECT event_id, body FROM events WHERE user_id = %s AND instant >= %s "
                    "ORDER BY instant, event_id",
                    (key, start),
                )
            return cur.fetchall()

        return tuple(rows_to_events(name, self._run(work, read_only=True)))

    def progress(
        self, user: str, program: Program, catalog: Catalog, *, policy: Policy | None = None
    ) -> Progress:
        """The user's progress on ``program``: the stored snapshot plus the events after it.

        The snapshot is the engine's (:meth:`Progress.snapshot`), which names the rules
        version, program and policy; one made under others, damaged, or that the stored
        events no longer fit after is ignored, the history replayed, and a new snapshot
        saved. It holds the events up to the time of saving (later ones, from a device
        clock set ahead, are listed and read by id), and it is renewed once
        ``SNAPSHOT_AFTER`` events follow it, so a load folds a bounded number of events
        whatever the length of the history. An appended event at or before a snapshot's
        last instant deletes it, in the append's own transaction.
        """
        from stretchkit.model import Program as ProgramType

        name, key = _user_key(user)
        if not isinstance(program, ProgramType):
            raise StoreError(f"program must be a Program, got {type(program).__name__}")

        def work(cur: psycopg.Cursor[Any]) -> tuple[int | None, Loaded]:
            cur.execute("SELECT generation FROM users WHERE user_id = %s", (key,))
            row = cur.fetchone()
            cur.execute(
                "SELECT body FROM snapshots WHERE user_id = %s AND program_id = %s",
                (key, program.id),
            )
            snap = cur.fetchone()

            def after(start: int | None, pending: Sequence[str]) -> list[Event]:
                if start is None:
                    cur.execute("SELECT event_id, body FROM events WHERE user_id = %s", (key,))
                    return rows_to_events(name, cur.fetchall())
                cur.execute(
                    "SELECT event_id, body FROM events WHERE user_id = %s AND instant > %s",
                    (key, start),
                )
                rows = cur.fetchall()
                if pending:
                    cur.execute(
                        "SELECT event_id, body FROM events WHERE user_id = %s "
                        "AND event_id = ANY(%s)",
                        (key, [id_bytes(i) for i in pending]),
                    )
                    rows += cur.fetchall()
                return rows_to_events(name, rows)

            text = None if snap is None else snap[0]
            loaded = progress_of(program, catalog, policy, text, after)
            return (None if row is None else row[0]), loaded

        generation, loaded = self._run(work, read_only=True)
        if loaded.worth_a_snapshot and generation is not None:
            self._save_snapshot(key, program.id, generation, loaded)
        return loaded.progress

    def _save_snapshot(self, key: bytes, program_id: str, generation: int, loaded: Loaded) -> None:
        """Keep a snapshot of ``loaded``, unless the user's events changed since it was read."""
        row = snapshot_row(loaded, datetime.now(UTC))
        if row is None:
            return

        def work(cur: psycopg.Cursor[Any]) -> None:
            # Waits for a writer of this user that has not committed, then sees its count.
            cur.execute("SELECT generation FROM users WHERE user_id = %s FOR SHARE", (key,))
            found = cur.fetchone()
            if found is None or found[0] != generation:
                return  # appended or deleted meanwhile: the next load makes a new one
            cur.execute(
                "INSERT INTO snapshots (user_id, program_id, through_instant, body) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (user_id, program_id) DO UPDATE SET "
                "through_instant = EXCLUDED.through_instant, body = EXCLUDED.body",
                (key, program_id, row.through_instant, row.text),
            )

        self._run(work)

    def users(self) -> tuple[str, ...]:
        """The users that have events, by code point."""

        def work(cur: psycopg.Cursor[Any]) -> list[tuple[str]]:
            cur.execute(
                "SELECT name FROM users u "
                "WHERE EXISTS (SELECT 1 FROM events e WHERE e.user_id = u.user_id)"
            )
            return cur.fetchall()

        return tuple(sorted(name for (name,) in self._run(work, read_only=True)))

    def delete(self, user: str) -> None:
        """Every trace of ``user``: events, snapshots, runner, preferences, name."""
        _, key = _user_key(user)

        def work(cur: psycopg.Cursor[Any]) -> None:
            cur.execute("SELECT 1 FROM users WHERE user_id = %s FOR UPDATE", (key,))
            for table in _TABLES:  # constant names; the user is a parameter
                cur.execute(f"DELETE FROM {table} WHERE user_id = %s", (key,))

        self._run(work)

    def export(self, user: str) -> Iterator[str]:
        """The user's events as JSON Lines (one event and a newline each), in engine order."""
        return iter([export_line(e) for e in self.events(user)])

    def import_(self, user: str, lines: Iterable[str]) -> int:
        """Append the events of JSON Lines, all or nothing; return how many were new."""
        check_user(user)
        return self.append(user, read_lines(lines))

    # -- the unfinished session -------------------------------------------------------

    def runner(self, user: str, catalog: Catalog) -> SessionRunner | None:
        """The user's unfinished session, or ``None``."""
        from stretchkit.engine._runner import SessionRunner

        name, key = _user_key(user)

        def work(cur: psycopg.Cursor[Any]) -> tuple[str] | None:
            cur.execute("SELECT body FROM runners WHERE user_id = %s", (key,))
            return cur.fetchone()

        row = self._run(work, read_only=True)
        if row is None:
            return None
        try:
            return SessionRunner.from_dict(json.loads(row[0]), catalog)
        except (ValueError, RecursionError) as e:
            if isinstance(e, EngineError) and not isinstance(e, EventFormatError):
                raise  # the catalog lacks the runner's routine: the engine says so
            raise StoreFormatError(
                f"the stored runner of user {shorten(name, 40)} does not load: "
                f"{shorten(str(e), 120)}"
            ) from None

    def save_runner(self, user: str, runner: SessionRunner) -> None:
        """Keep ``runner`` as the user's one unfinished session (replacing any other)."""
        from stretchkit.engine._runner import SessionRunner

        name, key = _user_key(user)
        if not isinstance(runner, SessionRunner):
            raise StoreError(f"runner must be a SessionRunner, got {type(runner).__name__}")
        body = json.dumps(runner.to_dict(), separators=(",", ":"))

        def work(cur: psycopg.Cursor[Any]) -> None:
            _lock_user(cur, key, name, bump=False)
            cur.execute(
                "INSERT INTO runners (user_id, body) VALUES (%s, %s) "
                "ON CONFLICT (user_id) DO UPDATE SET body = EXCLUDED.body",
                (key, body),
            )

        self._run(work)

    def clear_runner(self, user: str) -> None:
        """Forget the user's unfinished session (finished or abandoned); fine if there is none."""
        _, key = _user_key(user)
        self._run(lambda cur: cur.execute("DELETE FROM runners WHERE user_id = %s", (key,)))

    # -- preferences ------------------------------------------------------------------

    def preference(self, user: str, key: str) -> str | None:
        """The user's setting ``key``, or ``None``."""
        _, user_key = _user_key(user)
        name = check_key(key)

        def work(cur: psycopg.Cursor[Any]) -> tuple[str] | None:
            cur.execute(
                "SELECT value FROM preferences WHERE user_id = %s AND key = %s", (user_key, name)
            )
            return cur.fetchone()

        row = self._run(work, read_only=True)
        return None if row is None else row[0]

    def set_preference(self, user: str, key: str, value: str) -> None:
        """Set the user's setting ``key`` to ``value``."""
        user_name, user_key = _user_key(user)
        name, text = check_key(key), check_value(value)

        def work(cur: psycopg.Cursor[Any]) -> None:
            _lock_user(cur, user_key, user_name, bump=False)
            cur.execute(
                "INSERT INTO preferences (user_id, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value",
                (user_key, name, text),
            )

        self._run(work)


# -- helpers ----------------------------------------------------------------------------


def _create_schema(conn: psycopg.Connection[Any]) -> None:
    """Create or check the tables, holding an advisory lock so concurrent openers queue."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        cur.execute(
            "SELECT current_schema(), to_regclass('stretchkit_schema') IS NOT NULL, "
            "to_regclass('events') IS NOT NULL"
        )
        row = cur.fetchone()
        assert row is not None
        schema, versioned, has_events = row
        if schema is None:
            raise StoreError("the connection's search_path names no existing schema")
        where = f"schema {shorten(schema, 60)}"
        if not versioned:
            if has_events:
                raise StoreFormatError(
                    f"{where} has an events table that stretchkit did not create "
                    "(no stretchkit_schema table); use another schema or database"
                )
            for statement in _SCHEMA:
                cur.execute(statement)  # constant text: no value of anyone's goes into DDL
            cur.execute("INSERT INTO stretchkit_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
            return
        try:
            cur.execute("SELECT version FROM stretchkit_schema")
        except psycopg.errors.UndefinedColumn:
            raise StoreFormatError(
                f"{where}: stretchkit_schema is not stretchkit's table"
            ) from None
        found = cur.fetchall()
        if len(found) != 1 or type(found[0][0]) is not int:
            raise StoreFormatError(f"{where}: stretchkit_schema is damaged")
        version = found[0][0]
        if version > SCHEMA_VERSION:
            raise StoreFormatError(
                f"{where} was written by a newer stretchkit (layout {version}; this version "
                f"reads up to {SCHEMA_VERSION}); upgrade stretchkit"
            )
        while version < SCHEMA_VERSION:
            for statement in _MIGRATIONS[version]:
                cur.execute(statement)
            version += 1
            cur.execute("UPDATE stretchkit_schema SET version = %s", (version,))


_ROWS_PER_INSERT: Final = 1000
"""Events per INSERT statement (4 parameters each, well under PostgreSQL's 65,535)."""


@functools.cache
def _insert_events(rows: int) -> str:
    """A multi-row INSERT of ``rows`` events: placeholders only, never a value."""
    values = ", ".join(["(%s, %s, %s, %s)"] * rows)
    return (
        f"INSERT INTO events (user_id, event_id, instant, body) VALUES {values} "
        "ON CONFLICT (user_id, event_id) DO NOTHING RETURNING instant, event_id"
    )


def _lock_user(cur: psycopg.Cursor[Any], key: bytes, name: str, *, bump: bool) -> None:
    """Create or lock the user's row until the transaction ends; ``bump`` its generation."""
    cur.execute(
        "INSERT INTO users (user_id, name) VALUES (%s, %s) ON CONFLICT (user_id) "
        "DO UPDATE SET generation = users.generation + %s RETURNING name",
        (key, name, 1 if bump else 0),
    )
    row = cur.fetchone()
    if row is None or row[0] != name:  # two names with one SHA-256: never seen, never ignored
        raise StoreError(f"user id {shorten(name, 40)} collides with another user's key")


def _check_known(
    cur: psycopg.Cursor[Any],
    name: str,
    key: bytes,
    batch: dict[str, Event],
    inserted: set[bytes],
) -> None:
    """Raise :class:`DuplicateEventError` if an already stored id holds other content."""
    known = [raw for raw in map(id_bytes, batch) if raw not in inserted]
    cur.execute(
        "SELECT event_id, body FROM events WHERE user_id = %s AND event_id = ANY(%s)",
        (key, known),
    )
    for raw, body in cur.fetchall():
        new = batch[bytes(raw).decode("utf-8", "surrogatepass")]
        if body == event_text(new):
            continue  # the same text: no need to read it
        (stored,) = rows_to_events(name, [(bytes(raw), body)])
        if stored != new:  # equal events in other offsets are the same event
            raise DuplicateEventError(new.id)
