"""The command line's one clock reading, and the speed of its countdowns.

The engine never reads the clock; a command reads it once, here, and passes
``now`` on. Tests and demos set the time instead:

- ``STRETCHKIT_NOW``: an ISO 8601 time with an offset ("2026-03-02T09:00:00+01:00");
  the command starts at that instant.
- ``STRETCHKIT_TZ``: an IANA zone name the time is shown in (else ``TZ``, else the
  system's zone, else the system's current offset).
- ``STRETCHKIT_SPEED``: how many times faster than real time countdowns run
  (``--fast[=SPEED]`` on the command line wins).

Inside the repeated autumn hour a zoned time is ambiguous by its wall clock; the
reading keeps its instant and shows it with its fixed offset, which every engine
version accepts.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["FAST_SPEED", "MAX_SPEED", "ClockError", "local_zone", "read_now", "speed"]

FAST_SPEED = 10.0
"""How much faster ``--fast`` alone runs the countdowns."""
MAX_SPEED = 100_000.0


class ClockError(ValueError):
    """A clock setting (environment variable or option) that cannot be used."""


def _cut(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:40]!r}... ({len(value)} characters)"


def local_zone() -> tzinfo:
    """The user's zone: ``STRETCHKIT_TZ``, ``TZ``, ``/etc/localtime``, else the current offset."""
    for name in (os.environ.get("STRETCHKIT_TZ"), os.environ.get("TZ")):
        if name:
            key = name.removeprefix(":")
            try:
                return ZoneInfo(key)
            except (ValueError, OSError) as e:  # ZoneInfoNotFoundError is a KeyError
                raise ClockError(f"unknown time zone {_cut(name)}") from e
            except KeyError as e:
                raise ClockError(f"unknown time zone {_cut(name)}") from e
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
    except (OSError, ValueError, KeyError):
        pass
    return datetime.now().astimezone().tzinfo or UTC


def settle(value: datetime) -> datetime:
    """``value`` itself, or with a fixed offset where its zone's wall clock is ambiguous."""
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        other = value.replace(fold=1 - value.fold)
        if other.utcoffset() != value.utcoffset():
            offset = value.utcoffset() or timedelta(0)
            return value.astimezone(timezone(offset))
    return value


def read_now() -> datetime:
    """Now, in the user's zone (or the instant ``STRETCHKIT_NOW`` names)."""
    zone = local_zone()
    fixed = os.environ.get("STRETCHKIT_NOW")
    if fixed:
        try:
            parsed = datetime.fromisoformat(fixed)
        except ValueError:
            raise ClockError(
                f"STRETCHKIT_NOW {_cut(fixed)} is not an ISO 8601 time "
                "(like 2026-03-02T09:00:00+01:00)"
            ) from None
        if parsed.utcoffset() is None:
            raise ClockError(f"STRETCHKIT_NOW {_cut(fixed)} needs an offset, like +01:00")
        try:
            return settle(parsed.astimezone(UTC).astimezone(zone))
        except (OverflowError, ValueError):
            raise ClockError(f"STRETCHKIT_NOW {_cut(fixed)} is out of range") from None
    return settle(datetime.now(zone))


def speed(option: float | None) -> float:
    """Countdown speed: the option, else ``STRETCHKIT_SPEED``, else real time (1)."""
    raw: object = option
    if raw is None:
        text = os.environ.get("STRETCHKIT_SPEED")
        if not text:
            return 1.0
        try:
            raw = float(text)
        except ValueError:
            raise ClockError(f"STRETCHKIT_SPEED {_cut(text)} is not a number") from None
    assert isinstance(raw, float)
    if not math.isfinite(raw) or not 0 < raw <= MAX_SPEED:
        raise ClockError(f"speed must be a number above 0 and at most {MAX_SPEED:g}, got {raw:g}")
    return raw
