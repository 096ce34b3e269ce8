"""A session: one performed run of a routine, as the user lived it."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from attrs import field, frozen

from stretchkit.model._validators import (
    ModelError,
    and_,
    as_tuple,
    aware,
    deep_iterable,
    describe,
    instance_of,
    label_text,
    max_len,
    optional,
    slug,
    whole,
)

__all__ = ["Outcome", "Session", "SkipReason", "StepResult", "moment"]


class Outcome(enum.StrEnum):
    """How a step ended: done as written, or skipped (the reason is a ``SkipReason``)."""

    COMPLETED = "completed"
    SKIPPED = "skipped"


class SkipReason(enum.StrEnum):
    """Why a step was skipped. Only ``discomfort`` and ``pain`` rest the stretch."""

    DISCOMFORT = "discomfort"
    PAIN = "pain"
    NO_EQUIPMENT = "no_equipment"
    NO_TIME = "no_time"
    USER_CHOICE = "user_choice"

    @property
    def is_trouble(self) -> bool:
        """The stretch itself hurt: rest it and bring it back later."""
        return self in (SkipReason.DISCOMFORT, SkipReason.PAIN)


@frozen(kw_only=True)
class StepResult:
    """What happened to one step: completed, or skipped with a reason."""

    stretch: str = field(validator=slug)
    outcome: Outcome = field(validator=instance_of(Outcome))
    reason: SkipReason | None = field(default=None, validator=optional(instance_of(SkipReason)))

    @reason.validator
    def _check_reason(self, attribute: object, value: SkipReason | None) -> None:
        if self.outcome is Outcome.SKIPPED and value is None:
            raise ModelError(f"step {describe(self.stretch)} was skipped without a reason")
        if self.outcome is Outcome.COMPLETED and value is not None:
            raise ModelError(
                f"step {describe(self.stretch)} was completed but carries a skip reason"
            )


_pain = optional(whole(0, 10))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment(value: datetime) -> tuple[datetime, timedelta | None]:
    """What two timestamps must share to be equal: the instant and the offset it was
    written with.

    Python's own ``==`` compares two times of one zone by their wall clocks (the two
    01:30 of the repeated autumn hour are "equal") and two times of different zones
    by instant, except in that hour, where it is always False (PEP 495): a time from
    ``datetime.now(zone)`` would not equal its own JSON round trip. Sessions and
    events compare their times by this key instead, so equal means "the same instant,
    on the same local clock", whatever ``tzinfo`` object says so.
    """
    return value.astimezone(UTC), value.utcoffset()


def _results(items: Iterable[StepResult]) -> tuple[StepResult, ...]:
    return as_tuple(items)


@frozen(kw_only=True)
class Session:
    """One run of a routine, from ``started_at`` to ``ended_at`` (both timezone-aware)."""

    id: str = field(validator=label_text(128))
    routine: str = field(validator=slug)
    started_at: datetime = field(validator=aware, eq=moment)
    ended_at: datetime = field(validator=aware, eq=moment)
    steps: tuple[StepResult, ...] = field(
        default=(),
        converter=_results,
        validator=and_(max_len(200), deep_iterable(instance_of(StepResult))),
    )
    pain_before: int | None = field(default=None, validator=_pain)
    pain_after: int | None = field(default=None, validator=_pain)

    @ended_at.validator
    def _check_order(self, attribute: object, value: datetime) -> None:
        # Compare instants: Python compares two times of the same zone by wall clock,
        # which gets a session across a daylight-saving fold wrong.
        if value.astimezone(UTC) < self.started_at.astimezone(UTC):
            raise ModelError(
                f"session {describe(self.id)} ends ({value.isoformat()}) before it starts "
                f"({self.started_at.isoformat()})"
            )

    @property
    def completed_any(self) -> bool:
        """A session counts toward the day only if at least one step was done."""
        return any(s.outcome is Outcome.COMPLETED for s in self.steps)
