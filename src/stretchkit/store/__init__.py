"""Stores for users' events: the :class:`ProgressStore` protocol and its implementations.

``SQLiteStore`` is the embedded default (standard library ``sqlite3``); the
PostgreSQL store lives in ``_postgres`` and loads psycopg only when used.
"""

from stretchkit.store._protocol import (
    ProgressStore,
    StoreBusyError,
    StoreClosedError,
    StoreError,
    StoreFormatError,
)
from stretchkit.store._sqlite import SQLiteStore, StoreCheck

__all__ = [
    "ProgressStore",
    "SQLiteStore",
    "StoreBusyError",
    "StoreCheck",
    "StoreClosedError",
    "StoreError",
    "StoreFormatError",
]
