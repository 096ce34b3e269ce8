"""PostgreSQL for the tests: the server ``.ci/run`` starts, a fresh schema per test.

``STRETCHKIT_TEST_POSTGRES_DSN`` names the server. Without it the PostgreSQL
tests skip with a message saying how to run them, except under ``CI`` (set by
CI runs), where a missing server is a failure: CI must never skip them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

DSN_VARIABLE = "STRETCHKIT_TEST_POSTGRES_DSN"


def server_dsn() -> str:
    """The test server's DSN; skip the test (fail it under CI) when there is none."""
    dsn = os.environ.get(DSN_VARIABLE, "").strip()
    if dsn:
        return dsn
    message = (
        f"no PostgreSQL server: set {DSN_VARIABLE} to a libpq DSN to run the PostgreSQL "
        "tests (bash .ci/run starts a throwaway cluster and sets it)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so these tests may not be skipped", pytrace=False)
    pytest.skip(message)


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
