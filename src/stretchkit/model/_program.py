"""Programs: a course such as "upper back relief", with its rules.

A program has a *relief* phase (routines per situation, done between a minimum
and a maximum number of times a day) that lasts until pain has been gone for
``pain_free_hours``, then a *maintenance* phase. The reintroduction numbers say
how a stretch that caused discomfort is rested and brought back.
"""

from __future__ import annotations

from attrs import field, frozen

from stretchkit.model._validators import (
    ModelError,
    Validator,
    and_,
    deep_mapping,
    instance_of,
    max_len,
    min_len,
    number,
    optional,
    slug,
    strings,
    text,
    texts,
    whole,
)
from stretchkit.model._vocabulary import Context

__all__ = ["MaintenancePhase", "Program", "Reintroduction", "ReliefPhase"]

_routines_by_context: Validator = and_(
    min_len(1), deep_mapping(key_validator=instance_of(Context), value_validator=slug)
)


@frozen(kw_only=True)
class ReliefPhase:
    """Routines to do while there is pain: at least ``min_sessions_per_day``, at most the max."""

    routines: dict[Context, str] = field(validator=_routines_by_context)
    min_sessions_per_day: int = field(default=1, validator=whole(1, 48))
    max_sessions_per_day: int = field(default=10, validator=whole(1, 48))
    in_order: bool = field(default=True, validator=instance_of(bool))
    """Stretches are done in the order the routine gives."""

    @max_sessions_per_day.validator
    def _check_max(self, attribute: object, value: int) -> None:
        if value < self.min_sessions_per_day:
            raise ModelError(
                f"max_sessions_per_day ({value}) is below min_sessions_per_day "
                f"({self.min_sessions_per_day})"
            )


@frozen(kw_only=True)
class MaintenancePhase:
    """Routines that keep the user well once the pain is gone: daily warm-ups."""

    routines: dict[Context, str] = field(validator=_routines_by_context)
    min_sessions_per_day: int = field(default=1, validator=whole(0, 48))
    max_sessions_per_day: int = field(default=3, validator=whole(1, 48))

    @max_sessions_per_day.validator
    def _check_max(self, attribute: object, value: int) -> None:
        if value < self.min_sessions_per_day:
            raise ModelError(
                f"max_sessions_per_day ({value}) is below min_sessions_per_day "
                f"({self.min_sessions_per_day})"
            )


@frozen(kw_only=True)
class Reintroduction:
    """How a stretch that caused trouble is rested and brought back.

    The first rest lasts ``rest_hours``; each further one ``rest_backoff`` times
    longer, never more than ``max_rest_hours``. After ``max_tries`` troubled
    tries the stretch is parked until the user brings it back.
    """

    rest_hours: float = field(default=24.0, validator=number(0, 8760))
    rest_backoff: float = field(default=2.0, validator=number(1, 10))
    max_rest_hours: float = field(default=168.0, validator=number(0, 8760))
    max_tries: int = field(default=4, validator=whole(1, 100))


@frozen(kw_only=True)
class Program:
    """A named course, its audience, its safety text and its rules."""

    id: str = field(validator=slug)
    name: str = field(validator=text)
    relief: ReliefPhase = field(validator=instance_of(ReliefPhase))
    maintenance: MaintenancePhase = field(validator=instance_of(MaintenancePhase))
    pain_free_hours: float = field(default=24.0, validator=number(1, 8760))
    reintroduction: Reintroduction = field(
        factory=Reintroduction, validator=instance_of(Reintroduction)
    )
    audience: str | None = field(default=None, validator=optional(text))
    symptoms: tuple[str, ...] = field(
        default=(), converter=strings, validator=and_(max_len(50), texts)
    )
    disclaimer: tuple[str, ...] = field(
        default=(), converter=strings, validator=and_(max_len(50), texts)
    )
    red_flags: tuple[str, ...] = field(
        default=(), converter=strings, validator=and_(max_len(50), texts)
    )
