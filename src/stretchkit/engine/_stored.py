"""Events from stored JSON text, decoded in C: the fast way into a replay.

Rules
- :func:`events_from_json` reads a JSON array of events (``bytes`` in UTF-8, or
  ``str``) and gives exactly what :func:`~stretchkit.engine.events_from_dicts` gives
  for the same text parsed strictly: the same events, or the same
  :class:`EventFormatError` with the same path. Parsed strictly means a duplicate key
  in an object, ``NaN`` or ``Infinity``, text that is not UTF-8 and anything that is
  not JSON are refused, with an :class:`EventFormatError` too.
- msgspec decodes the array into Structs that check in C what is cheap to check
  there: the tags, the keys (unknown ones refused), the types (no ``1.0`` for an
  integer, no ``null`` for an absent key) and the integer ranges. Everything else
  (ids as plain text, slugs, RFC 3339 timestamps and the engine's time rules, the
  session rules) is checked here by the same rules, written once in
  :mod:`._codec`, :mod:`._time` and :mod:`._events`.
- The fast path never decides that input is bad: at the first doubt it gives up and
  the whole text is read again by the dict reader, which says where and why. So a
  bad file costs a second, slower read, and a good one is read once.

Why: a year of heavy use is ~55,000 events. Through ``json.loads`` and one dict at a
time it is several times the cost of the loop an app would write by hand; decoding
into Structs in C and building the events from them is below that.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from itertools import chain, compress, repeat
from operator import attrgetter, floordiv, is_, itemgetter, not_, sub
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from stretchkit.engine._codec import _RFC3339, _SLUG, events_from_dicts
from stretchkit.engine._errors import EventFormatError
from stretchkit.engine._events import (
    EVENT_TYPES,
    MAX_ID,
    MAX_SEQ,
    MAX_SESSION_HOURS,
    Event,
    PainReported,
    SessionLogged,
    StretchReenabled,
)
from stretchkit.engine._time import _EPOCH, _US, EARLIEST_YEAR, LATEST_YEAR, fixed_offset_ok
from stretchkit.model import Outcome, Session, SkipReason, StepResult
from stretchkit.model._unchecked import setting_lines, unchecked
from stretchkit.model._validators import BAD_TEXT, describe

__all__ = [
    "Light",
    "Read",
    "StoredLogged",
    "StoredPain",
    "StoredSession",
    "events_from_json",
    "materialise",
    "read_stored",
    "strict_loads",
]

_Level = Annotated[int, Meta(ge=0, le=10)]
_Id = Annotated[str, Meta(min_length=1, max_length=MAX_ID)]
_Seq = Annotated[int, Meta(ge=0, le=MAX_SEQ)]
_Outcome: Any = Literal[tuple(o.value for o in Outcome)]
_Reason: Any = Literal[tuple(r.value for r in SkipReason)]
_TAG = EVENT_TYPES
_MAX_STEPS = 200
_MAX_SLUG = 64
_SESSION_US = MAX_SESSION_HOURS * 3_600_000_000


class _Step(Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True, gc=False):
    stretch: str
    outcome: _Outcome
    reason: _Reason | None = None


class _Session(Struct, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    id: _Id
    routine: str
    started_at: str
    ended_at: str
    steps: tuple[_Step, ...] = ()
    pain_before: _Level | UnsetType = UNSET
    pain_after: _Level | UnsetType = UNSET


class _Stored(
    Struct,
    tag_field="type",
    forbid_unknown_fields=True,
    omit_defaults=True,
    gc=False,
    kw_only=True,
):
    """What every stored event has; each kind adds its own fields and its tag."""

    id: _Id
    at: str
    device: _Id | None = None
    seq: _Seq | None = None


class StoredPain(_Stored, tag=_TAG[PainReported]):
    """A stored pain report, decoded and checked: the fold reads it as it reads a
    :class:`PainReported` (``id``, ``level``, ``device``, ``seq``); ``at`` is the
    stored text."""

    level: _Level


class _Logged(_Stored, tag=_TAG[SessionLogged]):
    session: _Session


class _Reenabled(_Stored, tag=_TAG[StretchReenabled]):
    stretch_id: str


class StoredSession(Struct, gc=False):
    """A stored session, checked: what the fold reads of a :class:`Session` (the same
    names and values), not yet built as one."""

    id: str
    routine: str
    started_at: datetime
    ended_at: datetime
    steps: tuple[StepResult, ...]
    pain_before: int | None
    pain_after: int | None


class StoredLogged(Struct, gc=False):
    """A stored session event, checked: the fold reads it as it reads a
    :class:`SessionLogged`; :func:`materialise` builds that."""

    id: str
    session: StoredSession
    at: datetime
    device: str | None
    seq: int | None


Light = StoredPain | StoredLogged
"""What a replay from stored JSON keeps of an event until the event is needed."""


_DECODER = msgspec.json.Decoder(tuple[StoredPain | _Logged | _Reenabled, ...])
"""A tuple, not a list: of objects the collector does not track, it stops looking into it."""
_OUTCOMES = {o.value: o for o in Outcome}
_REASONS = {r.value: r for r in SkipReason}
_STEPS: dict[_Step, StepResult] = {}
"""Checked steps and the results built for them: a history repeats a few hundred."""


def events_from_json(data: bytes | bytearray | memoryview | str) -> list[Event]:
    """The events of a stored JSON array; :class:`EventFormatError` naming the path of
    the first bad one (``/12/at``), as :func:`events_from_dicts` says it."""
    if not isinstance(data, bytes | bytearray | memoryview | str):
        raise EventFormatError(
            "", f"stored events must be JSON text (bytes or str), got {describe(data)}"
        )
    try:
        events = _fast(data)
    except (ValueError, TypeError, OverflowError):
        # a doubt its checks did not foresee: never a traceback, the dict reader decides
        # (the tests call _fast itself, so such a case still shows up there)
        events = None
    return _slow(data) if events is None else events


def _fast(data: bytes | bytearray | memoryview | str) -> list[Event] | None:
    """The events, or ``None`` at the first doubt (then the dict reader decides)."""
    read = _read(data)
    return None if read is None else read.events()


class Read:
    """A stored array that passed every check: what its events are built from.

    The pain reports (most of a history) are kept as the decoded :class:`StoredPain`
    Structs, which the fold reads as it reads :class:`PainReported` (every field it
    uses has the same name and value) and which the collector does not track; the
    other events are built. :meth:`events` builds the reports too, :meth:`light`
    gives the mix with each event's instant, for a replay that builds the reports only
    when someone asks for them (:func:`materialise`).
    """

    __slots__ = ("devices", "docs", "ends", "others", "pains", "ts")

    def __init__(
        self,
        docs: Sequence[Any],
        ts: Sequence[int],
        pains: Sequence[bool],
        others: dict[int, StoredLogged | StretchReenabled],
        ends: dict[int, int],
        devices: bool,
    ) -> None:
        self.docs = docs
        self.ts = ts
        """The instant of every event's ``at``."""
        self.pains = pains
        """Which of ``docs`` are pain reports."""
        self.others = others
        """The other events, built, by their position."""
        self.ends = ends
        """The instant each session ends, by its event's position."""
        self.devices = devices
        """Whether any event has a device."""

    def events(self) -> list[Event]:
        return materialise(self.light()[1])

    def light(self) -> tuple[list[int], list[Any]]:
        """Each event's instant (a session's end for a session) and the events, the pain
        reports left as their Structs (see :func:`materialise`)."""
        ts = list(self.ts)
        items = list(self.docs)
        for i, e in self.others.items():
            items[i] = e
        for i, t in self.ends.items():
            ts[i] = t
        return ts, items


def materialise(items: list[Any]) -> list[Event]:
    """``items`` with every :class:`StoredPain` and :class:`StoredLogged` replaced by
    the event it stands for (the others are kept as they are)."""
    sessions = [i for i, e in enumerate(items) if type(e) is StoredLogged]
    if sessions:
        items = list(items)
        logged = list(map(items.__getitem__, sessions))
        stored = list(map(_get_session, logged))
        built = _build_logged(
            map(_get_id, logged),
            _build_sessions(
                map(_get_id, stored),
                map(_get_routine, stored),
                map(_get_started, stored),
                map(_get_ended, stored),
                map(_get_steps, stored),
                map(_get_before, stored),
                map(_get_after, stored),
            ),
            map(_get_at, logged),
            map(_get_device, logged),
            map(_get_seq, logged),
        )
        for i, e in zip(sessions, built, strict=True):
            items[i] = e
    mask = list(map(is_, map(type, items), repeat(StoredPain)))
    if False not in mask:
        return _build_pains(  # type: ignore[no-any-return]
            map(_get_id, items),
            map(_parse, map(_get_at, items)),
            map(_get_level, items),
            map(_get_device, items),
            map(_get_seq, items),
        )
    if True not in mask:
        return list(items)
    docs = list(compress(items, mask))
    built = _build_pains(
        map(_get_id, docs),
        map(_parse, map(_get_at, docs)),  # read and checked before: the same time again
        map(_get_level, docs),
        map(_get_device, docs),
        map(_get_seq, docs),
    )
    out = list(items)
    for i, e in zip(compress(range(len(items)), mask), built, strict=True):
        out[i] = e
    return out


def read_stored(data: bytes | bytearray | memoryview | str) -> Read | None:
    """``data`` read and checked, or ``None`` if it is not a good stored array: then
    :func:`events_from_json` says what is wrong (the caller uses it)."""
    if not isinstance(data, bytes | bytearray | memoryview | str):
        return None
    try:
        return _read(data)
    except (ValueError, TypeError, OverflowError):
        return None


def _read(data: bytes | bytearray | memoryview | str) -> Read | None:
    """The checked columns, or ``None`` at the first doubt.

    Column by column: each check runs over every event at once, in C where it can
    (``map``, ``str.join``, one search over the joined ids, one check per distinct
    offset, slug or step), and the events are built the same way.
    """
    try:
        docs = _DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
        return None
    raw = _text_bytes(data)
    colons = -1 if b"\\" in raw else raw.count(b":")
    if not docs:
        return Read([], [], [], {}, {}, False) if colons == 0 else None
    n = len(docs)
    ids = tuple(map(_get_id, docs))  # (tuples: see _DECODER)
    raw_ats = tuple(map(_get_at, docs))
    timed = _instants(raw_ats)
    id_colons = _id_colons(ids)
    if timed is None or id_colons < 0:
        return None
    ts, members = timed
    members += id_colons + 4 * n  # the colons in strings, and a colon per member
    pains = tuple(map(is_, map(type, docs), repeat(StoredPain)))
    others = list(compress(range(n), map(not_, pains)))
    wheres: list[Any] | None = None
    if (b'"device"' in raw or b'"seq"' in raw) and (
        set(map(_get_device, docs)) != {None} or set(map(_get_seq, docs)) != {None}
    ):  # (without an escape, a key is in the text as it is)
        wheres = list(map(_where, docs))
        if None in wheres:
            return None
        devices = [d for d, _ in wheres if d is not None]
        members += 2 * len(devices) + "".join(devices).count(":")
    built: dict[int, StoredLogged | StretchReenabled] = {}
    ends: dict[int, int] = {}
    if others:
        logged = [i for i in others if type(docs[i]) is _Logged]
        logged_docs = list(map(docs.__getitem__, logged))
        sessions = _sessions(list(map(_get_session, logged_docs)))
        if sessions is None:
            return None
        made, session_ends, count = sessions
        members += count
        ends = dict(zip(logged, session_ends, strict=True))
        built = dict(
            zip(
                logged,
                map(
                    StoredLogged,
                    map(ids.__getitem__, logged),
                    made,
                    map(_parse, map(raw_ats.__getitem__, logged)),
                    map(_get_device, logged_docs),
                    map(_get_seq, logged_docs),
                ),
                strict=True,
            )
        )
        for i in others:
            doc = docs[i]
            if type(doc) is _Reenabled:
                stretch_id = doc.stretch_id
                if not _slug_ok(stretch_id):
                    return None
                built[i] = _reenabled(
                    id=ids[i],
                    at=_parse(raw_ats[i]),
                    stretch_id=stretch_id,
                    device=doc.device,
                    seq=doc.seq,
                )
    if members != colons:
        return None
    return Read(docs, ts, pains, built, ends, wheres is not None)


def _id_colons(ids: Sequence[str]) -> int:
    """The colons in ``ids`` if every one is plain text, else -1 (their lengths are
    checked by the Structs)."""
    joined = " ".join(ids)  # a space is plain text: it hides nothing
    return -1 if BAD_TEXT.search(joined) is not None else joined.count(":")


def _instants(raw: Sequence[str]) -> tuple[Sequence[int], int] | None:
    """The instants of RFC 3339 times and the colons the times hold, if every one is
    valid and passes the engine's time rules.

    The form :meth:`datetime.isoformat` writes (seconds or microseconds, then the
    offset: what :func:`event_to_dict` stores) is checked all at once: the joined text,
    every digit read as ``0`` and ``+`` as ``-``, is that many of those two shapes and
    nothing else. Then each distinct offset is checked once, the wall times are read
    without their offsets, which is cheaper, the years checked on the earliest and
    latest of them, and the offsets taken off. Other forms (``Z``, fewer
    digits) take :func:`_times`.
    """
    if not raw:
        return [], 0
    joined = "\n".join(raw) + "\n"
    shapes = joined.translate(_DIGITS_AND_SIGNS)
    n = len(raw)
    seconds = shapes.count(_IN_SECONDS)
    micros = 0 if seconds == n else shapes.count(_IN_MICROS)
    if seconds + micros != n or (
        seconds * len(_IN_SECONDS) + micros * len(_IN_MICROS) != len(joined)
    ):
        times = _times(raw)
        if times is None:
            return None
        instants = tuple(map(floordiv, map(sub, times, repeat(_EPOCH)), repeat(_US)))
        return instants, joined.count(":")
    walls = map(_parse, map(_wall_text, raw))
    first = raw[0][-6:]
    if joined.count(first + "\n") == n:  # one offset (most histories): the epoch moves
        offset = _offset(first)
        if offset is None:
            return None
        local = tuple(map(floordiv, map(sub, walls, repeat(_WALL_EPOCH + offset)), repeat(_US)))
        shift = offset // _US
    else:
        tails = list(map(_offset_text, raw))
        offsets: dict[str, int] = {}
        for tail in set(tails):
            offset = _offset(tail)
            if offset is None:
                return None
            offsets[tail] = offset // _US
        walls_us = tuple(map(floordiv, map(sub, walls, repeat(_WALL_EPOCH)), repeat(_US)))
        if min(walls_us) < _WALL_YEARS[0] or max(walls_us) >= _WALL_YEARS[1]:
            return None
        return tuple(map(sub, walls_us, map(offsets.__getitem__, tails))), 3 * n
    # the years on the wall clock: its first and last times, the offset put back
    if min(local) + shift < _WALL_YEARS[0] or max(local) + shift >= _WALL_YEARS[1]:
        return None
    return local, 3 * n


def _offset(text: str) -> timedelta | None:
    """The offset ``+01:00`` stands for, if the engine accepts it."""
    tz = _parse(_SOME_DAY + text).tzinfo  # as a full time reads it
    return tz.utcoffset(None) if _fixed_ok(tz) else None  # type: ignore[union-attr]


def _times(raw: Sequence[str]) -> list[datetime] | None:
    """The RFC 3339 times, if every one is valid and passes the engine's time rules."""
    if not raw:
        return []
    if not all(map(_rfc3339, raw)):
        return None
    try:
        times = list(map(_parse, raw))
    except (
        ValueError
    ):  # the pattern's shape, not a real time (24:00, 31 April): the slow reader says
        return None
    if not all(map(_fixed_ok, set(map(_get_tzinfo, times)))):
        return None
    if min(map(_get_year, times)) < EARLIEST_YEAR or max(map(_get_year, times)) > LATEST_YEAR:
        return None
    return times


def _slug_ok(value: str) -> bool:
    return len(value) <= _MAX_SLUG and _SLUG.match(value) is not None


def _sessions(docs: list[_Session]) -> tuple[list[StoredSession], Sequence[int], int] | None:
    """The sessions, the instants they end at, and how many members their objects hold
    and colons their strings hold, if every one is valid."""
    if not docs:
        return [], [], 0
    ids = list(map(_get_id, docs))
    raw_started = list(map(_get_started, docs))
    raw_ended = list(map(_get_ended, docs))
    n = len(docs)
    timed = _instants([*raw_started, *raw_ended])
    id_colons = _id_colons(ids)
    if timed is None or id_colons < 0:
        return None
    both, colons = timed
    starts, ends = both[:n], both[n:]
    if not all(map(_slug_ok, set(map(_get_routine, docs)))):
        return None
    lengths = list(map(sub, ends, starts))
    if min(lengths) < 0 or max(lengths) > _SESSION_US:
        return None
    step_lists = list(map(_get_steps, docs))
    patterns = Counter(step_lists)  # a history repeats a few: each is checked and built once
    if max(map(len, patterns)) > _MAX_STEPS:
        return None
    results = _step_results(set(chain.from_iterable(patterns)))
    if results is None:
        return None
    built_steps = {p: tuple(map(results.__getitem__, p)) for p in patterns}
    befores = [None if v is UNSET else v for v in map(_get_before, docs)]
    afters = [None if v is UNSET else v for v in map(_get_after, docs)]
    built = list(
        map(
            StoredSession,
            ids,
            map(_get_routine, docs),
            map(_parse, raw_started),
            map(_parse, raw_ended),
            map(built_steps.__getitem__, step_lists),
            befores,
            afters,
        )
    )
    count = (
        colons
        + id_colons
        + 4 * len(docs)
        + len(docs)
        - befores.count(None)
        + len(docs)
        - afters.count(None)
    )
    count += len(docs) - patterns[()]  # "steps" itself, where there are any
    for pattern, times in patterns.items():  # each step's stretch, outcome and reason
        count += times * (3 * len(pattern) - list(map(_get_reason, pattern)).count(None))
    return built, ends, count


def _step_results(distinct: set[_Step]) -> dict[_Step, StepResult] | None:
    """The result for each distinct step, if every one is valid."""
    out: dict[_Step, StepResult] = {}
    for raw in distinct:
        step = _STEPS.get(raw)
        if step is None:
            if not _slug_ok(raw.stretch):
                return None
            if (raw.outcome == Outcome.SKIPPED.value) != (raw.reason is not None):
                return None
            step = _step(
                stretch=raw.stretch,
                outcome=_OUTCOMES[raw.outcome],
                reason=None if raw.reason is None else _REASONS[raw.reason],
            )
            if len(_STEPS) < 4096:
                _STEPS[raw] = step
        out[raw] = step
    return out


def _where(doc: StoredPain | _Logged | _Reenabled) -> tuple[str | None, int | None] | None:
    """``(device, seq)``, ``(None, None)`` without them, ``None`` if they are bad."""
    device, seq = doc.device, doc.seq
    if device is None and seq is None:
        return None, None
    if device is None or seq is None or _id_colons([device]) < 0:
        return None
    return device, seq


def _text_bytes(data: bytes | bytearray | memoryview | str) -> bytes:
    """The stored text as bytes, to count and search in.

    Every member the Structs kept is counted back (:func:`_read`) against the colons of
    the text: if the text held more members, some key came twice (the decoder keeps the
    last silently) or a member held its default explicitly (``"reason": null``);
    either way the dict reader decides. Without escapes (a text with any is left to
    the dict reader) a kept string is in the text as it is, so counting colons, in
    keys and strings alike, compares the members."""
    return data.encode() if isinstance(data, str) else bytes(data)


def _slow(data: bytes | bytearray | memoryview | str) -> list[Event]:
    """The dict reader over the strictly parsed text: it names what is wrong."""
    if isinstance(data, str):
        text = data
    else:
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as e:
            raise EventFormatError(
                "", f"stored events are not UTF-8 text (byte {e.start})"
            ) from None
    try:
        docs = strict_loads(text)
    except RecursionError:
        raise EventFormatError("", "stored events are nested too deeply") from None
    except ValueError as e:
        raise EventFormatError("", f"stored events are not valid JSON: {str(e)[:150]}") from None
    return events_from_dicts(docs)


def strict_loads(text: str) -> Any:
    """``json.loads`` refusing what JSON does not allow and Python's parser lets by:
    ``NaN`` and ``Infinity``, and a key given twice (``ValueError`` saying which).
    Every reader of stored events uses it."""
    return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_one_key_each)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _one_key_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {describe(key)}")
            seen.add(key)
    return out


def _columns(cls: type, fields: tuple[str, ...]) -> Any:
    """A builder of many ``cls`` at once from one iterable per field (in ``fields``
    order), made with the model's one way past the validators (every value here was
    checked as they would check it)."""
    namespace: dict[str, Any] = {}
    body = setting_lines(cls, "o", {f: f"v_{f}" for f in fields}, namespace, "        ")
    args = ", ".join(f"c_{f}" for f in fields)
    names = ", ".join(f"v_{f}" for f in fields)
    code = "\n".join(
        [
            f"def build({args}):",
            "    out = []",
            "    append = out.append",
            f"    for {names} in zip({args}):",
            *body,
            "        append(o)",
            "    return out",
        ]
    )
    exec(code, namespace)
    return namespace["build"]


_build_pains = _columns(PainReported, ("id", "at", "level", "device", "seq"))
_build_sessions = _columns(
    Session, ("id", "routine", "started_at", "ended_at", "steps", "pain_before", "pain_after")
)
_build_logged = _columns(SessionLogged, ("id", "session", "at", "device", "seq"))
_reenabled = unchecked(StretchReenabled)
_step = unchecked(StepResult)

_get_session = attrgetter("session")
_get_started = attrgetter("started_at")
_get_ended = attrgetter("ended_at")
_get_routine = attrgetter("routine")
_get_steps = attrgetter("steps")
_get_before = attrgetter("pain_before")
_get_after = attrgetter("pain_after")
_get_reason = attrgetter("reason")
_get_id = attrgetter("id")
_get_at = attrgetter("at")
_get_level = attrgetter("level")
_get_device = attrgetter("device")
_get_seq = attrgetter("seq")
_get_tzinfo = attrgetter("tzinfo")
_get_year = attrgetter("year")
_parse = datetime.fromisoformat
_DIGITS_AND_SIGNS = str.maketrans("123456789+", "000000000-")
_IN_SECONDS = "0000-00-00T00:00:00-00:00\n"
_IN_MICROS = "0000-00-00T00:00:00.000000-00:00\n"
_offset_text = itemgetter(slice(-6, None))
_wall_text = itemgetter(slice(None, -6))
_SOME_DAY = "2000-01-01T00:00:00"
_WALL_EPOCH = datetime(1970, 1, 1)
_WALL_YEARS = (
    (datetime(EARLIEST_YEAR, 1, 1) - _WALL_EPOCH) // _US,
    (datetime(LATEST_YEAR + 1, 1, 1) - _WALL_EPOCH) // _US,
)
"""The wall-clock times (microseconds, read as if at UTC) of the years the engine accepts."""
_rfc3339 = _RFC3339.match


def _fixed_ok(tz: object) -> bool:
    return type(tz) is timezone and fixed_offset_ok(tz)
