"""Time rules: every instant is explicit, every local time is unambiguous.

Rules
- A timestamp must be timezone-aware; a naive one is a guess and is refused.
- Offsets must be whole minutes between -12:00 and +14:00 (the range real zones use).
- A datetime carrying an IANA zone (:class:`zoneinfo.ZoneInfo`) must name a wall time
  that exists in that zone: times skipped by a spring-forward change are refused,
  never guessed. Times repeated by a fall-back change are accepted, because
  ``fold`` says which of the two instants is meant (``datetime.now(zone)`` sets it);
  Python's own arithmetic (``utcoffset()``, subtraction) honours it. Fixed offsets
  (``+01:00``) are always unambiguous.
- Dates lie in the years :data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`, read on the
  timestamp's own wall clock. Every instant in that range can be planned from and
  finished at: rests, day boundaries and the instants derived from them stay far
  inside what :class:`datetime` can hold (years 1 to 9999).
- Elapsed time is real time: instants are integer microseconds since the Unix epoch,
  so a 23-hour DST day is 23 hours long.
- A *day* is a local calendar date, starting at ``day_starts_hour`` on the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from stretchkit.engine._errors import TimeError
from stretchkit.model._validators import describe

__all__ = [
    "EARLIEST_YEAR",
    "INSTANT_RANGE",
    "LATEST_YEAR",
    "check_local_time",
    "day_of",
    "day_start",
    "fixed_offset_ok",
    "fixed_time_ok",
    "from_instant",
    "instant",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MINUTE = timedelta(minutes=1)
_MIN_OFFSET = timedelta(hours=-12)
_MAX_OFFSET = timedelta(hours=14)
EARLIEST_YEAR = 1900
"""The first year the engine accepts in a timestamp (no history is older)."""
LATEST_YEAR = 2999
"""The last year the engine accepts: rests and day starts after it still fit in a datetime."""


INSTANT_RANGE = (
    (datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC) - _MAX_OFFSET - _EPOCH) // _US,
    (datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC) - _MIN_OFFSET - _EPOCH) // _US,
)
"""The first and last instant (microseconds since the epoch) an accepted timestamp can be."""


def check_local_time(value: object, name: str = "time") -> datetime:
    """Return ``value`` if it is a usable timestamp, else raise :class:`TimeError` saying why.

    In the repeated autumn hour ``value.fold`` picks the instant (0: the first time
    the clocks show it, 1: the second), as :meth:`datetime.now` returns it.
    """
    if not isinstance(value, datetime):
        raise TimeError(f"{name} must be a datetime, got {describe(value)}")
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise TimeError(
            f"{name} {value.replace(tzinfo=None).isoformat()} is outside the years "
            f"{EARLIEST_YEAR} to {LATEST_YEAR} that the engine accepts"
        )
    try:
        offset = value.utcoffset()
    except Exception:  # a tzinfo written by someone else may fail in any way
        raise TimeError(f"{name} has a time zone whose offset cannot be read") from None
    if offset is None:
        raise TimeError(
            f"{name} {value.isoformat()} is naive; give it an offset or a zone "
            "(for example datetime(..., tzinfo=ZoneInfo('Europe/Berlin')))"
        )
    if not _offset_ok(offset):
        raise TimeError(
            f"{name} {value.isoformat()} has an impossible offset; offsets are whole "
            "minutes between -12:00 and +14:00"
        )
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        back = value.astimezone(UTC).astimezone(tz)
        if back.replace(tzinfo=None) != value.replace(tzinfo=None):
            raise TimeError(
                f"{name} {value.replace(tzinfo=None).isoformat()} does not exist in {tz.key} "
                "(the clocks skipped it); give the offset explicitly"
            )
    return value


def _offset_ok(offset: timedelta) -> bool:
    return not offset % _MINUTE and _MIN_OFFSET <= offset <= _MAX_OFFSET


_FIXED: dict[timezone, bool] = {}
"""Whether each fixed offset seen so far is allowed (bounded: real offsets are a few dozen)."""


def fixed_offset_ok(tz: timezone) -> bool:
    """Whether :func:`check_local_time` accepts the fixed offset ``tz``, remembered: a
    stored history repeats a handful of offsets tens of thousands of times."""
    ok = _FIXED.get(tz)
    if ok is None:
        ok = _offset_ok(tz.utcoffset(None))
        if len(_FIXED) < 4096:
            _FIXED[tz] = ok
    return ok


def fixed_time_ok(value: datetime) -> bool:
    """Whether :func:`check_local_time` accepts ``value``, whose ``tzinfo`` is a fixed
    :class:`datetime.timezone` (as :meth:`datetime.fromisoformat` gives for an RFC 3339
    offset): the same rules, cheaper. ``False`` for any other ``tzinfo``."""
    tz = value.tzinfo
    return (
        type(tz) is timezone and fixed_offset_ok(tz) and EARLIEST_YEAR <= value.year <= LATEST_YEAR
    )


def instant(value: datetime) -> int:
    """Microseconds since the epoch: exact, comparable across zones, real elapsed time."""
    return (value - _EPOCH) // _US


def from_instant(us: int, tz: tzinfo | None) -> datetime:
    """The instant ``us`` shown on the wall clock of ``tz``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz or UTC)


def day_of(value: datetime, day_starts_hour: int) -> int:
    """The ordinal of the local day ``value`` falls on, read in its own offset or zone."""
    if not day_starts_hour:  # the commonest case, and a tenth of the cost
        return value.toordinal()
    wall = value.replace(tzinfo=None) - timedelta(hours=day_starts_hour)
    return wall.toordinal()


def day_start(day: int, day_starts_hour: int, tz: tzinfo | None) -> datetime:
    """The first instant of local day ``day`` in ``tz``.

    If the wall time the day starts at was skipped by a DST change, the day starts
    when the clocks jump past it: the first instant whose wall time is the start or
    later, as :func:`day_of` reads it (Pacific/Chatham jumps from 02:45 to 03:45, so a
    day starting at 3 starts at 03:45, not at 04:00). If it repeats, the day starts
    at its first occurrence.
    """
    wall = datetime.combine(date.fromordinal(day), time(day_starts_hour), tzinfo=tz)
    start = wall.astimezone(UTC).astimezone(tz)
    if start.replace(tzinfo=None) == wall.replace(tzinfo=None):
        return start
    # Skipped: the jump lies between the wall time read with the offset after it
    # (fold=1, earlier) and with the offset before it (fold=0, ``start``).
    naive = wall.replace(tzinfo=None)
    low = instant(wall.replace(fold=1))
    high = instant(start)
    while high - low > 1:
        mid = (low + high) // 2
        if from_instant(mid, tz).replace(tzinfo=None) >= naive:
            high = mid
        else:
            low = mid
    return from_instant(high, tz)
