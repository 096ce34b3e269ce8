"""Store factories the store tests run against: SQLite on real files, PostgreSQL for real.

A factory makes one fresh, empty store *place* (a file in a new temporary folder, or a
new PostgreSQL schema); ``open()`` opens a store on it (again and again, to test that
data survives reopening) and ``cleanup()`` removes it. PostgreSQL needs a server: the
DSN comes from ``STRETCHKIT_TEST_POSTGRES_DSN`` (``.ci/run`` starts a throwaway cluster
and sets it). Without it the PostgreSQL tests skip, except under ``CI`` where they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from stretchkit import ProgressStore, SQLiteStore

POSTGRES_DSN_VARIABLE = "STRETCHKIT_TEST_POSTGRES_DSN"


class Place:
    """One fresh store location; ``open`` may be called many times."""

    def __init__(self, open_: Callable[[], ProgressStore], cleanup: Callable[[], None]) -> None:
        self._open = open_
        self._cleanup = cleanup
        self.opened: list[ProgressStore] = []

    def open(self) -> ProgressStore:
        store = self._open()
        self.opened.append(store)
        return store

    def cleanup(self) -> None:
        for store in self.opened:
            store.close()
        self._cleanup()


def sqlite_place() -> Place:
    folder = Path(tempfile.mkdtemp(prefix="stretchkit-store-"))
    return Place(lambda: SQLiteStore(folder / "store.db"), lambda: shutil.rmtree(folder, True))


def postgres_dsn() -> str:
    """The test server's DSN; skip (or, under CI, fail) when there is none."""
    dsn = os.environ.get(POSTGRES_DSN_VARIABLE, "")
    if not dsn:
        message = (
            f"PostgreSQL tests need a server: set {POSTGRES_DSN_VARIABLE} "
            "(bash .ci/run starts a throwaway cluster and sets it)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return dsn


def postgres_place() -> Place:
    """A new schema of its own on the test server, dropped by ``cleanup``."""
    dsn = postgres_dsn()
    import psycopg
    from psycopg import conninfo, sql

    from stretchkit.store._postgres import PostgresStore  # type: ignore[import-not-found,unused-ignore]

    schema = f"stretchkit_test_{uuid.uuid4().hex}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    scoped = conninfo.make_conninfo(dsn, options=f"-c search_path={schema}")

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))

    store_class: Any = PostgresStore
    return Place(lambda: store_class(scoped), drop)


FACTORIES: dict[str, Callable[[], Place]] = {
    "sqlite": sqlite_place,
    "postgres": postgres_place,
}
"""Every store the contract suite runs against."""


@contextmanager
def fresh(factory: Callable[[], Place]) -> Iterator[Place]:
    place = factory()
    try:
        yield place
    finally:
        place.cleanup()
