"""PostgreSQL for the PostgreSQL store's own tests: the server, a fresh schema per test.

The server and the skip-or-fail rule are ``store_support.postgres_dsn``'s (the
contract suite's): ``STRETCHKIT_TEST_POSTGRES_DSN``, set by ``.ci/run``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import make_conninfo

from store_support import postgres_dsn


def server_dsn() -> str:
    """The test server's DSN; skip the test (fail it under CI) when there is none."""
    return postgres_dsn()


def admin() -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to the test server for set-up and tampering."""
    return psycopg.connect(server_dsn(), autocommit=True)


def in_schema(dsn: str, schema: str) -> str:
    """``dsn`` with ``schema`` first on the search path: where the store makes its tables."""
    return make_conninfo(dsn, options=f"-csearch_path={schema}")


@contextmanager
def fresh_schema() -> Iterator[tuple[str, str]]:
    """A new, empty schema: ``(dsn using it, schema name)``; dropped afterwards."""
    dsn = server_dsn()
    schema = f"sk_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield in_schema(dsn, schema), schema
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
