"""Events: the facts an app stores. The engine's state is a fold of them.

Rules
- Every event has an ``id`` (unique across the user's history) and ``at``, an aware
  timestamp checked by :func:`check_local_time` (no naive, impossible or ambiguous times).
- Events are ordered by the instant of ``at``, then by ``id``; the offset ``at`` was
  written with is kept, because it says which local day a session counts for.
- A :class:`SessionLogged` takes its place in history at the session's end: its
  instant is ``session.ended_at`` (``at`` defaults to it; an app may stamp the time it
  logged the session instead, which changes nothing in the fold). Its pain levels
  count as reports at the session's start (``pain_before``) and end (``pain_after``);
  a step skipped for ``pain`` counts as a painful report at the end.
- Sessions last at most :data:`MAX_SESSION_HOURS`, so a session's reports are never
  older than that before its event.
- The tag written to files (``type``) comes from :data:`EVENT_TYPES`, never from
  class names.
- Two events are equal when all their fields are. ``at`` is compared by its instant
  alone, whatever the offset or zone it is written in (the fold uses only the
  instant; a server that rewrites times in UTC sends the same event back). A
  session's own times are compared by instant *and* offset (see
  :func:`stretchkit.model._session.moment`): the offset says which local day the
  session counts for, so a session rewritten in another offset is other content.
  Neither uses Python's ``==`` on datetimes, which in the repeated autumn hour says
  a time from ``datetime.now(zone)`` differs from its own JSON round trip (PEP 495).
- Device order. An event may carry the ``device`` that recorded it and that device's
  sequence number ``seq`` (both or neither). Within one device ``seq`` is the truth
  about order: an event's *effective instant* is the later of its own and that of
  the device's previous event (by ``seq``), so a device clock corrected backwards
  cannot put a later report before an earlier one. Across devices, the instant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

import attrs
from attrs import field, frozen

from stretchkit.engine._errors import EngineError
from stretchkit.engine._time import check_local_time, instant
from stretchkit.model import Session
from stretchkit.model._validators import describe, text_problem

__all__ = [
    "EVENT_TYPES",
    "MAX_ID",
    "MAX_SEQ",
    "MAX_SESSION_HOURS",
    "Event",
    "PainReported",
    "SessionLogged",
    "StretchReenabled",
    "check_id",
    "event_instant",
]

MAX_SESSION_HOURS = 24
"""A session longer than a day is a logging mistake (a timer left running)."""

MAX_SEQ = 2**53 - 1
"""The largest ``seq``: every JSON reader can hold it exactly."""

MAX_ID = 128
"""Event and session ids are at most this many characters of plain text."""


def check_id(value: object, name: str) -> str:
    """An id: 1 to :data:`MAX_ID` characters of plain text (see ``text_problem``)."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID:
        raise EngineError(f"{name} must be 1 to {MAX_ID} characters of text, got {describe(value)}")
    problem = text_problem(value)
    if problem is not None:
        raise EngineError(f"{name} must be plain text, but it {problem}")
    return value


def _id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_id(value, attribute.name)


def _device(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_id(value, attribute.name)


def _seq(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        if getattr(instance, "device", None) is not None:
            raise EngineError("an event with a device needs its seq (the device's own order)")
        return
    if type(value) is not int or not 0 <= value <= MAX_SEQ:
        raise EngineError(f"seq must be an integer from 0 to {MAX_SEQ}, got {describe(value)}")
    if getattr(instance, "device", None) is None:
        raise EngineError("seq is the order within a device: give the device too")


def _instant_key(value: datetime) -> datetime:
    """``at`` as equality sees it: the instant (PEP 495 makes ``==`` across zones
    unreliable in the repeated hour)."""
    return value.astimezone(UTC)


def _at(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_local_time(value, attribute.name)


def _stretch_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    from stretchkit.model._validators import slug

    try:
        slug(instance, attribute, value)
    except ValueError as e:
        raise EngineError(str(e)) from None


def _level(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or not 0 <= value <= 10:
        raise EngineError(
            f"{attribute.name} must be an integer from 0 to 10, got {describe(value)}"
        )


def _session(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Session):
        raise EngineError(f"{attribute.name} must be a Session, got {describe(value)}")


class _Stored:
    """``to_dict`` / ``from_dict`` for every event; :mod:`._codec` does the work."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict, tagged with ``type`` (see :mod:`._codec`)."""
        from stretchkit.engine._codec import event_to_dict

        return event_to_dict(self)  # type: ignore[arg-type]  # only events inherit this

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The event ``data`` describes; it must be of this class."""
        from stretchkit.engine._codec import event_from_dict

        event = event_from_dict(data)
        if not isinstance(event, cls):
            tag = EVENT_TYPES[cls]  # type: ignore[index]  # only events inherit this
            raise EngineError(f"expected a {tag} event, got {describe(data.get('type'))}")
        return event


@frozen(kw_only=True)
class PainReported(_Stored):
    """The user said how much it hurts, 0 (nothing) to 10."""

    id: str = field(validator=_id)
    at: datetime = field(validator=_at, eq=_instant_key)
    level: int = field(validator=_level)
    device: str | None = field(default=None, validator=_device)
    """The device that recorded the event (optional; see *Device order*)."""
    seq: int | None = field(default=None, validator=_seq)
    """The event's position in the device's own order; required with ``device``."""


def _session_end(self: SessionLogged) -> datetime:
    # A default runs before the validators: a wrong ``session`` is refused by them, not here.
    end: Any = getattr(self.session, "ended_at", None)
    return end  # type: ignore[no-any-return]


@frozen(kw_only=True)
class SessionLogged(_Stored):
    """A session was done (or started and abandoned); it counts if a step was completed."""

    id: str = field(validator=_id)
    session: Session = field(validator=_session)
    at: datetime = field(
        default=attrs.Factory(_session_end, takes_self=True), validator=_at, eq=_instant_key
    )
    device: str | None = field(default=None, validator=_device)
    """The device that recorded the event (optional; see *Device order*)."""
    seq: int | None = field(default=None, validator=_seq)
    """The event's position in the device's own order; required with ``device``."""

    def __attrs_post_init__(self) -> None:
        s = self.session
        check_local_time(s.started_at, "session.started_at")
        check_local_time(s.ended_at, "session.ended_at")
        if instant(s.ended_at) - instant(s.started_at) > MAX_SESSION_HOURS * 3_600_000_000:
            raise EngineError(
                f"session event {describe(self.id)}: the session lasts more than "
                f"{MAX_SESSION_HOURS} hours ({s.started_at.isoformat()} to "
                f"{s.ended_at.isoformat()})"
            )


@frozen(kw_only=True)
class StretchReenabled(_Stored):
    """The user brings back a parked stretch (or ends a rest early)."""

    id: str = field(validator=_id)
    at: datetime = field(validator=_at, eq=_instant_key)
    stretch_id: str = field(validator=_stretch_id)
    device: str | None = field(default=None, validator=_device)
    """The device that recorded the event (optional; see *Device order*)."""
    seq: int | None = field(default=None, validator=_seq)
    """The event's position in the device's own order; required with ``device``."""


Event = PainReported | SessionLogged | StretchReenabled
"""Anything that can happen; ``type`` tells them apart in files."""


def event_instant(event: Event) -> int:
    """Where the event sits in history: a session at its end, anything else at ``at``."""
    if type(event) is SessionLogged:
        return instant(event.session.ended_at)
    return instant(event.at)


EVENT_TYPES: dict[type[Event], str] = {
    PainReported: "pain_reported",
    SessionLogged: "session_logged",
    StretchReenabled: "stretch_reenabled",
}
"""The tag written to files for each event class. Never derived from class names."""
