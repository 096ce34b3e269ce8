"""Policy: every number the engine's rules use, in one frozen value.

Defaults are the issue's; :meth:`Policy.from_program` takes them from a program so
that a catalog author, not the app, decides how a course behaves. An app may still
``attrs.evolve`` a policy (a late-night user sets ``day_starts_hour=4``).
"""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from stretchkit.engine._errors import EngineError
from stretchkit.model import Program
from stretchkit.model._validators import describe

__all__ = ["Policy"]


def _int(low: int, high: int) -> Any:
    def check(instance: object, attribute: Any, value: object) -> None:
        if type(value) is not int or not low <= value <= high:
            raise EngineError(
                f"{attribute.name} must be a whole number from {low} to {high}, "
                f"got {describe(value)}"
            )

    return check


def _number(low: float, high: float) -> Any:
    def check(instance: object, attribute: Any, value: object) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high  # NaN and infinity fail this too
        ):
            raise EngineError(
                f"{attribute.name} must be a finite number from {low:g} to {high:g}, "
                f"got {describe(value)}"
            )

    return check


@frozen(kw_only=True)
class Policy:
    """The rules' numbers. Relief limits apply in relief, maintenance limits in maintenance."""

    min_sessions_per_day: int = field(default=1, validator=_int(0, 48))
    max_sessions_per_day: int = field(default=10, validator=_int(1, 48))
    maintenance_min_sessions_per_day: int = field(default=1, validator=_int(0, 48))
    maintenance_max_sessions_per_day: int = field(default=3, validator=_int(1, 48))
    pain_free_hours: float = field(default=24.0, validator=_number(0, 8760))
    """Elapsed hours pain must have been gone before maintenance begins."""
    pain_free_level: int = field(default=0, validator=_int(0, 9))
    """The highest 0–10 level that still counts as pain-free."""
    rest_hours: float = field(default=24.0, validator=_number(0, 8760))
    """The first rest of a stretch that caused discomfort or pain."""
    rest_backoff: float = field(default=2.0, validator=_number(1, 10))
    """Each further rest is this many times longer than the one before."""
    max_rest_hours: float = field(default=168.0, validator=_number(0, 8760))
    max_tries: int = field(default=4, validator=_int(1, 100))
    """After this many troubled tries the stretch is parked until re-enabled."""
    day_starts_hour: int = field(default=0, validator=_int(0, 23))
    """The local hour at which a new day begins (4 lets a 1 a.m. session count for yesterday)."""

    def __attrs_post_init__(self) -> None:
        if self.max_sessions_per_day < self.min_sessions_per_day:
            raise EngineError(
                f"max_sessions_per_day ({self.max_sessions_per_day}) is below "
                f"min_sessions_per_day ({self.min_sessions_per_day})"
            )
        if self.maintenance_max_sessions_per_day < self.maintenance_min_sessions_per_day:
            raise EngineError(
                f"maintenance_max_sessions_per_day ({self.maintenance_max_sessions_per_day}) is "
                f"below maintenance_min_sessions_per_day ({self.maintenance_min_sessions_per_day})"
            )

    @classmethod
    def from_program(cls, program: Program, *, day_starts_hour: int = 0) -> Policy:
        """The program's numbers; the day boundary is the user's, so it is passed separately."""
        if not isinstance(program, Program):
            raise EngineError(f"program must be a Program, got {describe(program)}")
        r = program.reintroduction
        return cls(
            min_sessions_per_day=program.relief.min_sessions_per_day,
            max_sessions_per_day=program.relief.max_sessions_per_day,
            maintenance_min_sessions_per_day=program.maintenance.min_sessions_per_day,
            maintenance_max_sessions_per_day=program.maintenance.max_sessions_per_day,
            pain_free_hours=program.pain_free_hours,
            rest_hours=r.rest_hours,
            rest_backoff=r.rest_backoff,
            max_rest_hours=r.max_rest_hours,
            max_tries=r.max_tries,
            day_starts_hour=day_starts_hour,
        )

    def rest_for(self, tries: int) -> float:
        """Hours of rest after the ``tries``-th troubled try (1-based), capped."""
        return min(self.rest_hours * self.rest_backoff ** (tries - 1), self.max_rest_hours)
