"""What every store does the same way: event text, batches, JSON Lines and snapshots.

Pure helpers with no database in them, so the SQLite and PostgreSQL stores agree
by construction: the stored text of an event, the check of a batch, the reading of
JSON Lines (every problem located by line), and the resumption of a snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self

import msgspec
from attrs import frozen

from stretchkit.engine import DuplicateEventError, EngineError, Event, Progress, event_from_dict
from stretchkit.engine._codec import event_to_dict
from stretchkit.engine._events import EVENT_TYPES, event_instant
from stretchkit.engine._stored import strict_loads
from stretchkit.engine._time import check_local_time, instant
from stretchkit.store._protocol import StoreError, StoreFormatError, shorten

if TYPE_CHECKING:
    from stretchkit.engine import Policy
    from stretchkit.model import Catalog, Program

__all__ = [
    "MAX_LINE_LENGTH",
    "SNAPSHOT_AFTER",
    "Loaded",
    "SnapshotRow",
    "event_key",
    "event_text",
    "export_line",
    "id_bytes",
    "progress_of",
    "read_lines",
    "rows_to_events",
    "since_instant",
    "snapshot_row",
    "unique_batch",
]

MAX_LINE_LENGTH = 1_000_000
"""The longest JSON line ``import_`` reads (an event is a few kilobytes at most)."""

SNAPSHOT_AFTER = 200
"""A store writes a new snapshot when a load folds this many events after the last one."""


_ENCODE = msgspec.json.Encoder().encode
_ENCODE_ASCII = json.JSONEncoder(separators=(",", ":")).encode


def event_text(event: Event) -> str:
    """The stored text of an event: its compact JSON, ASCII only.

    ASCII, so the text fits a database of any encoding. msgspec writes it, in C and
    several times faster than ``json.dumps`` (which was most of what appending a
    batch cost); text that is not all ASCII is written by ``json``, which escapes it.
    """
    data = event_to_dict(event)
    text = _ENCODE(data)
    return text.decode() if text.isascii() else _ENCODE_ASCII(data)


def export_line(event: Event) -> str:
    """One line of an export: the event's JSON (ASCII, so any file encoding works) and a newline."""
    return json.dumps(event_to_dict(event)) + "\n"


def id_bytes(event_id: str) -> bytes:
    """An id as bytes whose order is code-point order (UTF-8, surrogates passed through)."""
    return event_id.encode("utf-8", "surrogatepass")


def event_key(event: Event) -> tuple[int, str]:
    """Where an event sits in history: its instant (microseconds), then its id."""
    return event_instant(event), event.id


def since_instant(since: datetime | None) -> int | None:
    """``since`` as an instant, checked as the engine checks times."""
    if since is None:
        return None
    return instant(check_local_time(since, "since"))


def unique_batch(events: Iterable[Event]) -> dict[str, Event]:
    """The batch by id: the same event twice kept once, two different ones refused."""
    if isinstance(events, str | bytes) or not isinstance(events, Iterable):
        raise StoreError(f"events must be an iterable of events, got {type(events).__name__}")
    batch: dict[str, Event] = {}
    for event in events:
        if type(event) not in EVENT_TYPES:
            raise StoreError(f"not an event: {type(event).__name__}")
        old = batch.setdefault(event.id, event)
        if old is not event and old != event:
            raise DuplicateEventError(event.id)
    return batch


def read_lines(lines: Iterable[str]) -> list[Event]:
    """The events of JSON Lines, every problem located by line number (1-based)."""
    if isinstance(lines, str | bytes) or not isinstance(lines, Iterable):
        raise StoreError(f"lines must be an iterable of strings, got {type(lines).__name__}")
    out: list[Event] = []
    for number, line in enumerate(lines, 1):
        if not isinstance(line, str):
            raise StoreError(f"line {number}: must be a string, got {type(line).__name__}")
        if len(line) > MAX_LINE_LENGTH:
            raise StoreError(f"line {number}: longer than {MAX_LINE_LENGTH} characters")
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip():
            continue
        try:
            data = strict_loads(line)
        except RecursionError:
            raise StoreError(f"line {number}: nested too deeply") from None
        except ValueError as e:
            raise StoreError(f"line {number}: not JSON: {shorten(str(e), 200)}") from None
        try:
            out.append(event_from_dict(data))
        except EngineError as e:
            raise StoreError(f"line {number}: {shorten(str(e), 240)}") from None
    return out


def rows_to_events(user: str, rows: Sequence[tuple[bytes | str, str]]) -> list[Event]:
    """Stored (id, text) rows as events; a row that no longer parses is named, not dropped."""
    try:
        everything = json.loads("[" + ",".join(text for _, text in rows) + "]")
        if len(everything) == len(rows):  # an empty row, or one holding two, is found below
            return [event_from_dict(d) for d in everything]
    except (ValueError, TypeError, RecursionError):
        pass  # find the bad row below and say which it is
    out: list[Event] = []
    for raw_id, text in rows:
        event_id = raw_id.decode("utf-8", "surrogatepass") if isinstance(raw_id, bytes) else raw_id
        try:
            event = event_from_dict(json.loads(text))
        except (ValueError, TypeError, RecursionError) as e:
            raise StoreFormatError(
                f"stored event {shorten(event_id, 40)} of user {shorten(user, 40)} "
                f"does not parse: {shorten(str(e), 120)}"
            ) from None
        if event.id != event_id:
            raise StoreFormatError(
                f"stored event {shorten(event_id, 40)} of user {shorten(user, 40)} "
                f"holds another id, {shorten(event.id, 40)}"
            )
        out.append(event)
    return out


class Closing:
    """``with store:`` closes the store at the end, the same for every store."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@frozen(kw_only=True)
class Loaded:
    """A user's progress as a store loaded it, and what it took."""

    progress: Progress
    base: int
    """Events in the snapshot it was resumed from (0: replayed from the start)."""
    fresh: int
    """Events folded after the snapshot (all of them when replayed)."""

    @property
    def total(self) -> int:
        """The user's events in the store when it was loaded."""
        return self.base + self.fresh

    @property
    def worth_a_snapshot(self) -> bool:
        return (self.base == 0 and self.fresh > 0) or self.fresh >= SNAPSHOT_AFTER


@frozen(kw_only=True)
class SnapshotRow:
    """What a store keeps of a snapshot: the text and what loading needs to find the rest."""

    text: str
    through_instant: int
    """The (effective) instant of the snapshot's last event. A stored event with an
    instant after it is not in the snapshot; a new event at or before it invalidates it."""
    pending: tuple[str, ...]
    """Ids of stored events at or before that instant left out (stamped after ``until``)."""


def progress_of(
    program: Program,
    catalog: Catalog,
    policy: Policy | None,
    snapshot: str | None,
    events_after: Callable[[int | None, Sequence[str]], list[Event]],
) -> Loaded:
    """The user's progress, resumed from ``snapshot`` text when it is current.

    ``events_after(instant, pending)`` gives the stored events with an instant after
    ``instant`` plus those whose ids are in ``pending`` (all of them for ``None``).
    A snapshot that is stale, damaged or that the new events do not fit after is
    ignored: the events are replayed (and the caller writes a new snapshot).
    """
    from stretchkit.engine import SnapshotError

    if snapshot is not None:
        try:
            row = json.loads(snapshot)
            data, through_instant, pending = row["snapshot"], row["instant"], row["pending"]
            resumed = Progress.from_snapshot(data, program, policy, catalog=catalog)
            after = events_after(through_instant, pending)
            return Loaded(progress=resumed.extend(after), base=data["events"], fresh=len(after))
        except (SnapshotError, ValueError, TypeError, KeyError, RecursionError):
            pass  # a snapshot is a cache: stale, damaged or overtaken, it is rebuilt
    everything = events_after(None, ())
    progress = Progress.replay(program, everything, policy, catalog=catalog)
    return Loaded(progress=progress, base=0, fresh=len(everything))


def snapshot_row(loaded: Loaded, until: datetime) -> SnapshotRow | None:
    """The snapshot of ``loaded`` to store, of the events up to ``until`` (the clock)."""
    snap = loaded.progress.snapshot(until=until)
    through = snap["through"]
    if through is None:
        return None
    kept = snap["events"] - loaded.base
    pending = tuple(e.id for e in loaded.progress.events[kept:])
    row = {"snapshot": snap, "instant": through["instant"], "pending": list(pending)}
    return SnapshotRow(
        text=json.dumps(row, separators=(",", ":")),
        through_instant=through["instant"],
        pending=pending,
    )
