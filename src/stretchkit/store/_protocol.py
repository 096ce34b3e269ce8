"""What every store promises (:class:`ProgressStore`) and the errors stores raise.

Rules (each store holds them; ``tests/test_store_contract.py`` checks every store)
- One user id at a time: a non-empty string of at most :data:`MAX_USER_LENGTH`
  characters, without NUL or lone surrogates (neither survives every database). A
  handle never reads, counts, exports or deletes another user's data.
- ``append`` is idempotent by event id and all or nothing: it returns how many events
  were new; the same id with different content raises the engine's
  :class:`~stretchkit.DuplicateEventError` and stores none of the batch. The same event
  again written in another offset (the same instant) is the same event: the first
  stored copy stays.
- ``events`` come back in the engine's order (the event's instant, a session's end,
  then id by code point, whatever the database's collation), exactly as appended.
- ``progress`` resumes a stored snapshot (see :mod:`stretchkit.engine._snapshot`) and
  folds only the events after it; a snapshot of other rules, another program or
  policy is rebuilt, and an event older than a snapshot invalidates it.
- Reading a user that has nothing stored creates nothing; ``users`` lists the users
  that have events; ``delete`` removes every trace of a user.
- Bad input or bad stored data raise a :class:`StoreError` (or the engine's errors
  for events), with one short sentence that names the user and the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

from stretchkit._errors import StretchkitError

if TYPE_CHECKING:
    from stretchkit.engine import Event, Policy, Progress, SessionRunner
    from stretchkit.model import Catalog, Program

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_USER_LENGTH",
    "MAX_VALUE_LENGTH",
    "ProgressStore",
    "StoreBusyError",
    "StoreClosedError",
    "StoreError",
    "StoreFormatError",
    "check_key",
    "check_user",
    "check_value",
    "shorten",
]

MAX_USER_LENGTH = 10_000
"""The longest user id a store accepts, in characters."""
MAX_KEY_LENGTH = 200
"""The longest preference key."""
MAX_VALUE_LENGTH = 100_000
"""The longest preference value."""


class StoreError(StretchkitError):
    """A store cannot do what was asked: bad input, or a store it cannot use."""


class StoreFormatError(StoreError):
    """The database is not a stretchkit store, is damaged or newer, or a stored row is bad."""


class StoreBusyError(StoreError):
    """Other writers held the database for longer than the store's timeout."""


class StoreClosedError(StoreError):
    """The store was closed."""


def shorten(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to a prefix with its length, for one-line messages."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return f"{text[:limit]}…{size}"


def _check_text(value: object, what: str, limit: int, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{what} must be a string, got {type(value).__name__}")
    if not value and not empty:
        raise StoreError(f"{what} must not be empty")
    if len(value) > limit:
        raise StoreError(f"{what} {shorten(value)} is longer than {limit} characters")
    if "\x00" in value:
        raise StoreError(f"{what} {shorten(value)} contains NUL")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"{what} {shorten(value)} contains a lone surrogate") from None
    return value


def check_user(user: object) -> str:
    """``user`` if it is a usable user id, else :class:`StoreError` saying why."""
    return _check_text(user, "user id", MAX_USER_LENGTH)


def check_key(key: object) -> str:
    """``key`` if it is a usable preference key."""
    return _check_text(key, "preference key", MAX_KEY_LENGTH)


def check_value(value: object) -> str:
    """``value`` if it is a usable preference value (may be empty)."""
    return _check_text(value, "preference value", MAX_VALUE_LENGTH, empty=True)


@runtime_checkable
class ProgressStore(Protocol):
    """Where an app keeps its users' events, snapshots, unfinished sessions and settings."""

    def append(self, user: str, events: Iterable[Event]) -> int:
        """Store ``events`` for ``user`` at once; how many were new."""
        ...

    def events(self, user: str, *, since: datetime | None = None) -> tuple[Event, ...]:
        """The user's events in the engine's order; with ``since``, those at or after it."""
        ...

    def progress(
        self, user: str, program: Program, catalog: Catalog, *, policy: Policy | None = None
    ) -> Progress:
        """The user's progress on ``program``: a snapshot plus the events after it."""
        ...

    def runner(self, user: str, catalog: Catalog) -> SessionRunner | None:
        """The user's unfinished session, if one was saved."""
        ...

    def save_runner(self, user: str, runner: SessionRunner) -> None:
        """Keep ``runner`` as the user's unfinished session (replacing any other)."""
        ...

    def clear_runner(self, user: str) -> None:
        """Forget the user's unfinished session (it was finished or abandoned)."""
        ...

    def preference(self, user: str, key: str) -> str | None:
        """A small per-user setting, or ``None``."""
        ...

    def set_preference(self, user: str, key: str, value: str) -> None:
        """Keep a small per-user setting; deleted with the user."""
        ...

    def users(self) -> tuple[str, ...]:
        """The users that have events, sorted by code point."""
        ...

    def delete(self, user: str) -> None:
        """Every trace of ``user``: events, snapshots, runner and settings."""
        ...

    def export(self, user: str) -> Iterator[str]:
        """The user's events as JSON Lines (one event and a newline each), in engine order."""
        ...

    def import_(self, user: str, lines: Iterable[str]) -> int:
        """Append the events of JSON Lines (all or nothing); how many were new."""
        ...

    def close(self) -> None:
        """Release the database; the store cannot be used after."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
