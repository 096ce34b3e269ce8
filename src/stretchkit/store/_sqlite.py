"""The embedded store: one SQLite file, safe from several threads and processes.

Rules
- The file is checked before SQLite writes anything: a directory, a FIFO, random
  bytes, a damaged file, a foreign SQLite database (even one with an ``events``
  table) or one from a newer stretchkit raise :class:`StoreFormatError` (or
  :class:`StoreError`) and leave it as it was. A zero-byte file is a new, empty
  store (that is what ``mkstemp`` and ``touch`` make), and is initialised.
- A stretchkit store carries ``PRAGMA application_id`` :data:`APPLICATION_ID` and its
  schema version in ``PRAGMA user_version`` and in the ``meta`` table; older
  schemas are migrated forward in one transaction by :data:`MIGRATIONS`.
- WAL journal, ``synchronous=FULL`` (a returned append survives a crash of the
  process and of the machine), a busy timeout, and ``BEGIN IMMEDIATE`` for every
  write, so two writers never deadlock; a write still blocked after the timeout
  raises :class:`StoreBusyError`, never a bare ``database is locked``.
- Events are stored as the library's JSON plus columns (user id, instant, id) with
  an index in that order. Ids are stored as UTF-8 bytes (lone surrogates passed
  through), whose byte order is code-point order, so ``ORDER BY`` gives the
  engine's order whatever collation is configured.
- One connection per store, used under a lock: a store may be shared by threads.
- ``secure_delete`` is on: a deleted user's bytes are overwritten, and ``delete``
  checkpoints the WAL so they leave it too.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import frozen

from stretchkit.engine import DuplicateEventError, Event
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
    event_key,
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
    from stretchkit.engine import Policy, Progress, SessionRunner
    from stretchkit.model import Catalog, Program

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore", "StoreCheck"]

_T = TypeVar("_T")

APPLICATION_ID = 0x736B6974
"""``PRAGMA application_id`` of a stretchkit store: "skit" in ASCII."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 0 -> 1: the first schema
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE events ("
        " user_id TEXT NOT NULL, event_id BLOB NOT NULL, instant INTEGER NOT NULL,"
        " data TEXT NOT NULL, PRIMARY KEY (user_id, event_id))",
        "CREATE INDEX events_order ON events (user_id, instant, event_id)",
        "CREATE TABLE snapshots ("
        " user_id TEXT NOT NULL, program_id TEXT NOT NULL, through_instant INTEGER NOT NULL,"
        " data TEXT NOT NULL, PRIMARY KEY (user_id, program_id))",
        "CREATE TABLE runners (user_id TEXT PRIMARY KEY, data TEXT NOT NULL)",
        "CREATE TABLE preferences ("
        " user_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (user_id, key))",
    ),
)
"""``MIGRATIONS[n]`` takes a store from schema version ``n`` to ``n + 1``. Append only."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this library writes."""

_MAGIC = b"SQLite format 3\x00"
_TABLES = frozenset({"meta", "events", "snapshots", "runners", "preferences"})
_CHUNK = 500  # ids per IN (...) look-up, well under SQLite's variable limit
_INSERT_NEW = "INSERT OR IGNORE INTO events (user_id, event_id, instant, data) VALUES (?, ?, ?, ?)"


@frozen(kw_only=True)
class StoreCheck:
    """What ``store check`` reports: the file's health, version and contents."""

    path: str
    schema_version: int
    integrity: tuple[str, ...]
    """``PRAGMA integrity_check``: ``("ok",)`` when the file is sound."""
    users: int
    events: int
    bad_rows: tuple[str, ...]
    """One sentence per stored event that no longer parses (user and event id)."""

    @property
    def ok(self) -> bool:
        return self.integrity == ("ok",) and not self.bad_rows


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class SQLiteStore(Closing):
    """A :class:`~stretchkit.store.ProgressStore` in one SQLite file at ``path``.

    ``timeout`` is how long (seconds) a write waits for other writers before
    :class:`StoreBusyError`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        if isinstance(path, bytes) or not isinstance(path, str | os.PathLike):
            raise StoreError(f"path must be a str or os.PathLike, got {type(path).__name__}")
        self.path = os.fspath(path)
        if not isinstance(self.path, str) or not self.path or "\x00" in self.path:
            raise StoreError(f"store path {shorten(self.path)} is not a usable file name")
        self._timeout = float(timeout)
        self._lock = threading.RLock()
        self._check_file()
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self._timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as e:
            raise StoreError(f"cannot open store {shorten(self.path)}: {e}") from None
        self._conn: sqlite3.Connection | None = conn
        try:
            self._open()
        except BaseException:
            conn.close()
            self._conn = None
            raise

    # -- opening ----------------------------------------------------------------------

    def _check_file(self) -> None:
        where = shorten(self.path)
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            parent = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(parent):
                raise StoreError(
                    f"cannot create store {where}: its folder does not exist"
                ) from None
            return
        except OSError as e:
            raise StoreError(f"cannot open store {where}: {e.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            raise StoreError(f"store path {where} is a directory; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"store path {where} is not a regular file")
        if info.st_size == 0:
            return  # a new, empty store (documented)
        try:
            with open(self.path, "rb") as f:
                head = f.read(100)
        except OSError as e:
            raise StoreError(f"cannot read store {where}: {e.strerror}") from None
        if not head.startswith(_MAGIC) or len(head) < 100:
            raise StoreFormatError(
                f"{where} is not a stretchkit store (not an SQLite database; "
                f"it starts with {shorten(head[:16])})"
            )
        app_id = int.from_bytes(head[68:72], "big")
        if app_id not in (0, APPLICATION_ID):
            raise StoreFormatError(
                f"{where} is an SQLite database of another application "
                f"(application_id {app_id:#x}), not a stretchkit store"
            )

    def _inspect(self, conn: sqlite3.Connection) -> int | None:
        """The schema version of the file, ``None`` for a new one; refuse anything else."""
        where = shorten(self.path)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchall()
        }
        if app_id == 0 and version == 0 and not names:
            return None
        if app_id != APPLICATION_ID:
            raise StoreFormatError(
                f"{where} is an SQLite database of another application "
                f"(tables {shorten(sorted(names))}), not a stretchkit store"
            )
        if version > SCHEMA_VERSION:
            raise StoreFormatError(
                f"{where} was written by a newer stretchkit (schema version {version}; "
                f"this one reads up to {SCHEMA_VERSION}): upgrade stretchkit"
            )
        if version == SCHEMA_VERSION and not names >= _TABLES:
            raise StoreFormatError(f"{where} is damaged: tables are missing")
        return int(version)

    def _inspect_at_once(self, conn: sqlite3.Connection) -> int | None:
        """:meth:`_inspect` in one read transaction.

        Its reads must see one state of the file: read one by one, another process
        creating the schema can commit between them, and a new store then looks like
        one of another application (its tables, but not yet its application id).
        """
        conn.execute("BEGIN")
        try:
            return self._inspect(conn)
        finally:
            conn.execute("ROLLBACK")

    def _open(self) -> None:
        conn = self._conn
        assert conn is not None
        where = shorten(self.path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA trusted_schema = OFF")
            version = self._retry(lambda: self._inspect_at_once(conn))
            if version != SCHEMA_VERSION:
                self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
                self._retry(self._migrate)
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA foreign_keys = OFF")
        except StoreError:
            raise
        except sqlite3.DatabaseError as e:
            raise StoreFormatError(f"{where} is damaged or not a store: {e}") from None

    def _migrate(self) -> None:
        conn = self._conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._inspect(conn) or 0  # another process may have got here first
            for step in MIGRATIONS[version:]:
                for statement in step:
                    conn.execute(statement)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES "
                    "('application', 'stretchkit'), ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- running statements -----------------------------------------------------------

    def _retry(self, action: Callable[[], _T]) -> _T:
        """``action``, tried again while other connections hold the database."""
        deadline = time.monotonic() + self._timeout
        pause = 0.001
        while True:
            try:
                return action()
            except sqlite3.OperationalError as e:
                if not _is_busy(e):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"store {shorten(self.path)} stayed busy for {self._timeout:g} s: {e}"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)

    def _run(self, work: Callable[[sqlite3.Connection], _T], *, write: bool) -> _T:
        """``work`` in one transaction (``BEGIN IMMEDIATE`` to write), retried while busy."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreClosedError(f"store {shorten(self.path)} is closed")

            def attempt() -> _T:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                return result

            try:
                return self._retry(attempt)
            except sqlite3.DatabaseError as e:
                if isinstance(e, sqlite3.OperationalError) and not _is_damage(e):
                    raise StoreError(f"store {shorten(self.path)}: {e}") from None
                raise StoreFormatError(f"store {shorten(self.path)} is damaged: {e}") from None

    # -- events -----------------------------------------------------------------------

    def append(self, user: str, events: Iterable[Event]) -> int:
        user = check_user(user)
        batch = unique_batch(events)
        if not batch:
            return 0

        def work(conn: sqlite3.Connection) -> int:
            rows = [(user, id_bytes(e.id), event_key(e)[0], event_text(e)) for e in batch.values()]
            # Most batches are all new: insert them in one go, and only when some id
            # was already there undo that and check the stored copies one by one.
            conn.execute("SAVEPOINT fresh")
            before = conn.total_changes
            conn.executemany(_INSERT_NEW, rows)
            if conn.total_changes - before == len(rows):
                conn.execute("RELEASE fresh")
            else:
                conn.execute("ROLLBACK TO fresh")
                conn.execute("RELEASE fresh")
                known = set()
                for old in rows_to_events(user, self._by_ids(conn, user, list(batch))):
                    if old != batch[old.id]:
                        raise DuplicateEventError(old.id)
                    known.add(old.id)
                rows = [row for row, eid in zip(rows, batch, strict=True) if eid not in known]
                if not rows:
                    return 0
                conn.executemany(_INSERT_NEW, rows)
            oldest = min(row[2] for row in rows)
            conn.execute(  # a late event: a snapshot that may have folded past it is wrong now
                "DELETE FROM snapshots WHERE user_id = ? AND through_instant >= ?",
                (user, oldest),
            )
            return len(rows)

        return self._run(work, write=True)

    def events(self, user: str, *, since: datetime | None = None) -> tuple[Event, ...]:
        user = check_user(user)
        start = since_instant(since)

        def work(conn: sqlite3.Connection) -> list[tuple[bytes, str]]:
            if start is None:
                return conn.execute(
                    "SELECT event_id, data FROM events WHERE user_id = ? "
                    "ORDER BY instant, event_id",
                    (user,),
                ).fetchall()
            return conn.execute(
                "SELECT event_id, data FROM events WHERE user_id = ? AND instant >= ? "
                "ORDER BY instant, event_id",
                (user, start),
            ).fetchall()

        return tuple(rows_to_events(user, self._run(work, write=False)))

    def progress(
        self, user: str, program: Program, catalog: Catalog, *, policy: Policy | None = None
    ) -> Progress:
        user = check_user(user)
        from stretchkit.model import Program as ProgramType

        if not isinstance(program, ProgramType):
            raise StoreError(f"program must be a Program, got {type(program).__name__}")

        def work(conn: sqlite3.Connection) -> Loaded:
            row = conn.execute(
                "SELECT data FROM snapshots WHERE user_id = ? AND program_id = ?",
                (user, program.id),
            ).fetchone()

            def after(start: int | None, pending: Sequence[str]) -> list[Event]:
                if start is None:
                    rows = conn.execute(
                        "SELECT event_id, data FROM events WHERE user_id = ?", (user,)
                    ).fetchall()
                    return rows_to_events(user, rows)
                rows = conn.execute(
                    "SELECT event_id, data FROM events WHERE user_id = ? AND instant > ?",
                    (user, start),
                ).fetchall()
                rows += self._by_ids(conn, user, pending)
                return rows_to_events(user, rows)

            return progress_of(program, catalog, policy, None if row is None else row[0], after)

        loaded = self._run(work, write=False)
        if loaded.worth_a_snapshot:
            self._save_snapshot(user, program.id, loaded)
        return loaded.progress

    @staticmethod
    def _by_ids(conn: sqlite3.Connection, user: str, ids: Sequence[str]) -> list[Any]:
        rows: list[Any] = []
        for i in range(0, len(ids), _CHUNK):
            chunk = [id_bytes(x) for x in ids[i : i + _CHUNK]]
            marks = ",".join("?" * len(chunk))
            rows += conn.execute(
                f"SELECT event_id, data FROM events WHERE user_id = ? AND event_id IN ({marks})",
                (user, *chunk),
            ).fetchall()
        return rows

    def _save_snapshot(self, user: str, program_id: str, loaded: Loaded) -> None:
        """Keep a snapshot of the events up to the clock's now (later ones stay events)."""
        row = snapshot_row(loaded, datetime.now(UTC))
        if row is None:
            return

        def work(conn: sqlite3.Connection) -> None:
            # Another process may have stored events since the load: then this is stale.
            (count,) = conn.execute(
                "SELECT count(*) FROM events WHERE user_id = ?", (user,)
            ).fetchone()
            if count != loaded.total:
                return
            conn.execute(
                "INSERT OR REPLACE INTO snapshots (user_id, program_id, through_instant, data) "
                "VALUES (?, ?, ?, ?)",
                (user, program_id, row.through_instant, row.text),
            )

        with suppress(StoreBusyError):  # a snapshot is a cache; the next load tries again
            self._run(work, write=True)

    # -- the unfinished session ---------------------------------------------------------

    def runner(self, user: str, catalog: Catalog) -> SessionRunner | None:
        from stretchkit.engine import EngineError, SessionRunner

        user = check_user(user)
        row = self._run(
            lambda c: c.execute("SELECT data FROM runners WHERE user_id = ?", (user,)).fetchone(),
            write=False,
        )
        if row is None:
            return None
        try:
            return SessionRunner.from_dict(json.loads(row[0]), catalog)
        except (EngineError, ValueError, TypeError, KeyError, RecursionError) as e:
            raise StoreFormatError(
                f"the saved session of user {shorten(user, 40)} cannot be resumed: "
                f"{shorten(str(e), 160)}"
            ) from None

    def save_runner(self, user: str, runner: SessionRunner) -> None:
        from stretchkit.engine import SessionRunner

        user = check_user(user)
        if not isinstance(runner, SessionRunner):
            raise StoreError(f"runner must be a SessionRunner, got {type(runner).__name__}")
        text = json.dumps(runner.to_dict(), separators=(",", ":"))
        self._run(
            lambda c: c.execute(
                "INSERT OR REPLACE INTO runners (user_id, data) VALUES (?, ?)", (user, text)
            ),
            write=True,
        )

    def clear_runner(self, user: str) -> None:
        user = check_user(user)
        self._run(lambda c: c.execute("DELETE FROM runners WHERE user_id = ?", (user,)), write=True)

    # -- settings ---------------------------------------------------------------------

    def preference(self, user: str, key: str) -> str | None:
        user, key = check_user(user), check_key(key)
        row = self._run(
            lambda c: c.execute(
                "SELECT value FROM preferences WHERE user_id = ? AND key = ?", (user, key)
            ).fetchone(),
            write=False,
        )
        return None if row is None else str(row[0])

    def set_preference(self, user: str, key: str, value: str) -> None:
        user, key, value = check_user(user), check_key(key), check_value(value)
        self._run(
            lambda c: c.execute(
                "INSERT OR REPLACE INTO preferences (user_id, key, value) VALUES (?, ?, ?)",
                (user, key, value),
            ),
            write=True,
        )

    # -- users ------------------------------------------------------------------------

    def users(self) -> tuple[str, ...]:
        rows = self._run(
            lambda c: c.execute("SELECT DISTINCT user_id FROM events").fetchall(), write=False
        )
        return tuple(sorted(str(r[0]) for r in rows))

    def delete(self, user: str) -> None:
        user = check_user(user)

        def work(conn: sqlite3.Connection) -> None:
            for table in ("events", "snapshots", "runners", "preferences"):
                conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user,))

        self._run(work, write=True)
        with self._lock:
            if self._conn is not None:
                # move the overwritten pages out of the WAL too, if nobody reads
                with suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    def export(self, user: str) -> Iterator[str]:
        events = self.events(user)  # read at once: the caller may use the store meanwhile
        return (export_line(e) for e in events)

    def import_(self, user: str, lines: Iterable[str]) -> int:
        user = check_user(user)
        return self.append(user, read_lines(lines))

    # -- the file ---------------------------------------------------------------------

    def check(self) -> StoreCheck:
        """The file's integrity, schema version and every stored row that no longer parses."""

        def work(conn: sqlite3.Connection) -> tuple[Any, ...]:
            integrity = tuple(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            users = [str(r[0]) for r in conn.execute("SELECT DISTINCT user_id FROM events")]
            total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            bad: list[str] = []
            for u in users:
                rows: Sequence[tuple[bytes, str]] = conn.execute(
                    "SELECT event_id, data FROM events WHERE user_id = ?", (u,)
                ).fetchall()
                try:
                    rows_to_events(u, rows)
                except StoreFormatError:
                    for row in rows:  # name every bad row, not just the first
                        try:
                            rows_to_events(u, [row])
                        except StoreFormatError as e:
                            bad.append(str(e))
            return integrity, int(version), len(users), int(total), tuple(bad)

        integrity, version, users, total, bad = self._run(work, write=False)
        return StoreCheck(
            path=self.path,
            schema_version=version,
            integrity=integrity,
            users=users,
            events=total,
            bad_rows=bad,
        )

    def backup(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the whole store at ``target`` (SQLite's online backup).

        Writers may go on meanwhile; the copy is written next to ``target`` and renamed
        into place, so ``target`` is never half a database.
        """
        destination = os.fspath(target)
        folder = os.path.dirname(os.path.abspath(destination))
        if os.path.isdir(destination):
            raise StoreError(f"backup target {shorten(destination)} is a directory")
        if not os.path.isdir(folder):
            raise StoreError(f"backup target {shorten(destination)}: its folder does not exist")
        temporary = os.path.join(folder, f".{os.path.basename(destination)}.{os.getpid()}.tmp")
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreClosedError(f"store {shorten(self.path)} is closed")
            try:
                copy = sqlite3.connect(temporary)
                try:
                    self._retry(lambda: conn.backup(copy))
                    copy.execute("PRAGMA journal_mode = DELETE")
                finally:
                    copy.close()
                os.replace(temporary, destination)
            except (sqlite3.Error, OSError) as e:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise StoreError(f"backup to {shorten(destination)} failed: {e}") from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __repr__(self) -> str:
        return f"<SQLiteStore {shorten(self.path)}>"


def _is_damage(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text
