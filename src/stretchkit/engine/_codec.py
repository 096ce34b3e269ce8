"""Events to JSON-ready dicts and back, by hand, because replay reads a year of them.

Rules
- An event is ``{"type": <tag from EVENT_TYPES>, "id": ..., "at": <RFC 3339>, ...}``
  with the fields of its class; a session is the catalog format's session object
  (keys are the attrs field names, enums their values, ``None`` and ``()`` omitted).
- Timestamps are written with ``isoformat()`` (the offset they were given in) and
  must come back with an offset; naive, impossible or ambiguous ones are refused.
- Bad input raises :class:`EventFormatError` with a JSON-pointer-like path, never
  a bare ``KeyError`` or ``TypeError``. Unknown keys are refused (a typo must not be
  silently dropped from a user's history).
- ``device`` and ``seq`` are written only when set, and read only together.
- The schema ``schemas/events.schema.json`` describes the same shape; tests hold
  the two together.

Hand-written rather than cattrs: structuring 55,000 events through cattrs costs
6–11 times a bare loop (see ../shared performance facts); this stays near 2–3 times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from stretchkit.engine._errors import EngineError, EventFormatError, TimeError
from stretchkit.engine._events import (
    EVENT_TYPES,
    MAX_SEQ,
    MAX_SESSION_HOURS,
    Event,
    PainReported,
    SessionLogged,
    StretchReenabled,
)
from stretchkit.engine._time import check_local_time, instant
from stretchkit.model import Outcome, Session, SkipReason, StepResult
from stretchkit.model._unchecked import unchecked
from stretchkit.model._validators import BAD_TEXT, describe, text_problem

_T = TypeVar("_T")

__all__ = [
    "event_from_dict",
    "event_to_dict",
    "events_from_dicts",
    "session_from_dict",
    "session_to_dict",
]

_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"
)
_NO_OFFSET = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?\Z")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_TAGS = {tag: cls for cls, tag in EVENT_TYPES.items()}
_OUTCOMES = {o.value: o for o in Outcome}
_REASONS = {r.value: r for r in SkipReason}
_KEYS = {
    "pain_reported": frozenset({"type", "id", "at", "level", "device", "seq"}),
    "session_logged": frozenset({"type", "id", "at", "session", "device", "seq"}),
    "stretch_reenabled": frozenset({"type", "id", "at", "stretch_id", "device", "seq"}),
}
_SESSION_KEYS = frozenset(
    {"id", "routine", "started_at", "ended_at", "steps", "pain_before", "pain_after"}
)
_STEP_KEYS = frozenset({"stretch", "outcome", "reason"})


def session_to_dict(session: Session) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": session.id,
        "routine": session.routine,
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat(),
    }
    if session.steps:
        out["steps"] = [_step_to_dict(s) for s in session.steps]
    if session.pain_before is not None:
        out["pain_before"] = session.pain_before
    if session.pain_after is not None:
        out["pain_after"] = session.pain_after
    return out


def _step_to_dict(step: StepResult) -> dict[str, Any]:
    if step.reason is None:
        return {"stretch": step.stretch, "outcome": step.outcome.value}
    return {"stretch": step.stretch, "outcome": step.outcome.value, "reason": step.reason.value}


def event_to_dict(event: Event) -> dict[str, Any]:
    """The JSON-ready dict of ``event``: ``json.dumps`` it as it is."""
    tag = EVENT_TYPES.get(type(event))
    if tag is None:
        raise EngineError(f"not an event: {type(event).__name__}")
    out: dict[str, Any] = {"type": tag, "id": event.id, "at": event.at.isoformat()}
    if isinstance(event, PainReported):
        out["level"] = event.level
    elif isinstance(event, SessionLogged):
        out["session"] = session_to_dict(event.session)
    else:
        out["stretch_id"] = event.stretch_id
    if event.device is not None:
        out["device"] = event.device
        out["seq"] = event.seq
    return out


def _device(data: Mapping[str, Any], path: str) -> tuple[str | None, int | None]:
    """``device`` and ``seq``: both or neither."""
    if "device" not in data and "seq" not in data:
        return None, None
    if "device" not in data or "seq" not in data:
        missing = "device" if "device" not in data else "seq"
        raise EventFormatError(path, f"'device' and 'seq' go together: {missing!r} is missing")
    device = _event_id(data, path, "device")
    seq = data["seq"]
    if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
        raise EventFormatError(
            f"{path}/seq", f"must be an integer from 0 to {MAX_SEQ}, got {describe(seq)}"
        )
    return device, seq


def _time(value: object, path: str) -> datetime:
    if not isinstance(value, str):
        raise EventFormatError(path, f"must be an RFC 3339 date-time string, got {_kind(value)}")
    # Checked the same way every time: the pattern, the parse, then the engine's time rules.
    if not _RFC3339.match(value):
        if _NO_OFFSET.match(value):
            raise EventFormatError(
                path, f"{describe(value)} has no offset; add one, e.g. +01:00 or Z"
            )
        raise EventFormatError(
            path,
            f"{describe(value)} is not an RFC 3339 date-time such as 2026-03-02T09:00:00+01:00",
        )
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise EventFormatError(path, f"{describe(value)} is not an RFC 3339 date-time") from None
    try:
        check_local_time(dt, "time")
    except TimeError as e:
        raise EventFormatError(path, str(e)) from None
    return dt


def _built(cls: type[_T], **values: object) -> _T:
    """An event from values this module has already checked as its validators would.

    Skipping the attrs validators halves the cost of reading a long history; it is
    done the library's one way (:func:`stretchkit.model._unchecked.unchecked`).
    """
    return unchecked(cls)(**values)


def _event_id(data: Mapping[str, Any], path: str, key: str = "id") -> str:
    value = _str(data, key, path)
    if not 0 < len(value) <= 128:
        raise EventFormatError(f"{path}/{key}", "must be 1 to 128 characters long")
    problem = text_problem(value)
    if problem is not None:
        raise EventFormatError(f"{path}/{key}", f"must be plain text, but it {problem}")
    return value


def _kind(value: object) -> str:
    return describe(value)


def _str(data: Mapping[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        if key not in data:
            raise EventFormatError(path, f"{key!r} is required")
        raise EventFormatError(f"{path}/{key}", f"must be a string, got {_kind(value)}")
    return value


def _level(value: object, path: str) -> int:
    if type(value) is not int or not 0 <= value <= 10:
        raise EventFormatError(path, f"must be an integer from 0 to 10, got {describe(value)}")
    return value


def _extra(data: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
    extra = sorted(str(k)[:100] for k in data if k not in allowed)
    if extra:
        raise EventFormatError(path, f"unknown key {describe(extra[0])}")


def session_from_dict(data: object, path: str = "") -> Session:
    if not isinstance(data, dict):
        raise EventFormatError(path, f"a session must be an object, got {_kind(data)}")
    if not data.keys() <= _SESSION_KEYS:
        _extra(data, _SESSION_KEYS, path)
    if "started_at" not in data or "ended_at" not in data:
        missing = "started_at" if "started_at" not in data else "ended_at"
        raise EventFormatError(path, f"{missing!r} is required")
    steps_in = data.get("steps", ())
    if not isinstance(steps_in, list | tuple):
        raise EventFormatError(f"{path}/steps", f"must be an array, got {_kind(steps_in)}")
    steps: list[StepResult] = []
    for i, raw in enumerate(steps_in):
        if type(raw) is dict:  # the same few step results recur: share the values
            key = (raw.get("stretch"), raw.get("outcome"), raw.get("reason"))
            if (
                type(key[0]) is str
                and type(key[1]) is str
                and (key[2] is None or type(key[2]) is str)
                and len(raw) == (2 if key[2] is None else 3)
            ):
                hit = _STEP_CACHE.get(key)  # type: ignore[arg-type]
                if hit is not None:
                    steps.append(hit)
                    continue
        p = f"{path}/steps/{i}"
        if not isinstance(raw, dict):
            raise EventFormatError(p, f"must be an object, got {_kind(raw)}")
        if not raw.keys() <= _STEP_KEYS:
            _extra(raw, _STEP_KEYS, p)
        outcome_raw = raw.get("outcome")
        outcome = _OUTCOMES.get(outcome_raw) if isinstance(outcome_raw, str) else None
        if outcome is None:
            raise EventFormatError(
                f"{p}/outcome", f"must be 'completed' or 'skipped', got {describe(outcome_raw)}"
            )
        reason_raw = raw.get("reason")
        reason = None
        if reason_raw is not None:
            reason = _REASONS.get(reason_raw) if isinstance(reason_raw, str) else None
            if reason is None:
                raise EventFormatError(
                    f"{p}/reason",
                    f"must be one of {', '.join(_REASONS)}, got {describe(reason_raw)}",
                )
        stretch = _str(raw, "stretch", p)
        if len(stretch) > 64 or not _SLUG.match(stretch):
            raise EventFormatError(
                f"{p}/stretch", f"must be a slug such as wall-angel, got {describe(stretch)}"
            )
        if (outcome is Outcome.SKIPPED) != (reason is not None):
            raise EventFormatError(
                p, "a skipped step needs a reason, and a completed one must not have one"
            )
        step = _built(StepResult, stretch=stretch, outcome=outcome, reason=reason)
        steps.append(step)
        if len(_STEP_CACHE) < 4096 and len(raw) == (2 if reason_raw is None else 3):
            _STEP_CACHE[(stretch, outcome_raw, reason_raw)] = step  # type: ignore[index]
    before = data.get("pain_before")
    after = data.get("pain_after")
    for name, value in (("pain_before", before), ("pain_after", after)):
        if value is None and name in data:  # the schema says integer: leave the key out instead
            raise EventFormatError(f"{path}/{name}", "must be an integer from 0 to 10, got None")
    session_id = _event_id(data, path)
    routine = _str(data, "routine", path)
    if len(routine) > 64 or not _SLUG.match(routine):
        raise EventFormatError(f"{path}/routine", f"must be a slug, got {describe(routine)}")
    started = _time(data["started_at"], f"{path}/started_at")
    ended = _time(data["ended_at"], f"{path}/ended_at")
    if instant(ended) < instant(started):
        raise EventFormatError(
            f"{path}/ended_at", f"the session ends ({ended.isoformat()}) before it starts"
        )
    if len(steps) > 200:
        raise EventFormatError(f"{path}/steps", "must hold at most 200 steps")
    # Every field is checked above as Session's validators would: build it directly.
    return _built(
        Session,
        id=session_id,
        routine=routine,
        started_at=started,
        ended_at=ended,
        steps=tuple(steps),
        pain_before=None if before is None else _level(before, f"{path}/pain_before"),
        pain_after=None if after is None else _level(after, f"{path}/pain_after"),
    )


_STEP_CACHE: dict[tuple[str, str, str | None], StepResult] = {}


def event_from_dict(data: object, path: str = "") -> Event:
    """The event ``data`` describes; :class:`EventFormatError` naming the path if it is bad."""
    # Fast path for the commonest event, taken only when every check passes; anything
    # else goes through the full reader below, which says what is wrong.
    if type(data) is dict and len(data) == 4 and data.get("type") == "pain_reported":
        eid, at, level = data.get("id"), data.get("at"), data.get("level")
        if (
            type(eid) is str
            and 0 < len(eid) <= 128
            and _BAD_TEXT.search(eid) is None
            and type(level) is int
            and 0 <= level <= 10
            and type(at) is str
        ):
            dt = _time(at, f"{path}/at")  # the one time check, the same on every path
            return _pain(id=eid, at=dt, level=level, device=None, seq=None)
    return _read_event(data, path)


_pain = unchecked(PainReported)
_BAD_TEXT = BAD_TEXT


def _read_event(data: object, path: str) -> Event:
    if not isinstance(data, dict):
        raise EventFormatError(path, f"an event must be an object, got {_kind(data)}")
    tag = data.get("type")
    cls = _TAGS.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise EventFormatError(
            f"{path}/type", f"must be one of {', '.join(_TAGS)}, got {describe(tag)}"
        )
    allowed = _KEYS[tag]  # type: ignore[index]
    if not data.keys() <= allowed:
        _extra(data, allowed, path)
    event_id = _event_id(data, path)
    if "at" not in data:
        raise EventFormatError(path, "'at' is required")
    at = _time(data["at"], f"{path}/at")
    device, seq = _device(data, path)
    try:
        if cls is PainReported:
            if "level" not in data:
                raise EventFormatError(path, "'level' is required")
            level = _level(data["level"], f"{path}/level")
            return _built(PainReported, id=event_id, at=at, level=level, device=device, seq=seq)
        if cls is SessionLogged:
            if "session" not in data:
                raise EventFormatError(path, "'session' is required")
            s = session_from_dict(data["session"], f"{path}/session")
            if instant(s.ended_at) - instant(s.started_at) > MAX_SESSION_HOURS * 3_600_000_000:
                raise EventFormatError(
                    f"{path}/session", f"a session lasts at most {MAX_SESSION_HOURS} hours"
                )
            return _built(SessionLogged, id=event_id, session=s, at=at, device=device, seq=seq)
        stretch_id = _str(data, "stretch_id", path)
        if len(stretch_id) > 64 or not _SLUG.match(stretch_id):
            raise EventFormatError(
                f"{path}/stretch_id",
                f"must be a slug such as wall-angel, got {describe(stretch_id)}",
            )
        return _built(
            StretchReenabled, id=event_id, at=at, stretch_id=stretch_id, device=device, seq=seq
        )
    except EventFormatError:
        raise
    except (TypeError, ValueError) as e:
        raise EventFormatError(path, str(e)[:200]) from None


def events_from_dicts(items: Iterable[object]) -> list[Event]:
    """Many events; the path of a bad one starts with its index (``/12/at``)."""
    if isinstance(items, str | bytes | bytearray | Mapping) or not isinstance(items, Iterable):
        raise EventFormatError("", f"events must be an array of objects, got {describe(items)}")
    return [event_from_dict(item, f"/{i}") for i, item in enumerate(items)]
