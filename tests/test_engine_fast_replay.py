"""The fast ways through the engine give what the plain ones give.

- ``fold_many`` (local variables, frozen at checkpoints) gives the states the
  per-event fold in ``reference_fold`` gives, at every checkpoint.
- ``events_from_json`` (msgspec Structs, column by column) gives the events the dict
  reader gives for the strictly parsed text, and refuses what it refuses, the same way.
- A replay from stored JSON is the same Progress (state, plans, snapshot) as one
  from the events.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import reference_fold
from stretchkit import (
    Context,
    DuplicateEventError,
    EngineError,
    EventFormatError,
    PainReported,
    Progress,
    event_to_dict,
    events_from_dicts,
    events_from_json,
)
from stretchkit.engine import _stored
from stretchkit.engine._fold import ProgressState, fold_many
from stretchkit.engine._progress import keyed
from stretchkit.strategies import event_times, histories, policies
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS

START = datetime(2026, 10, 20, tzinfo=UTC)  # Europe's and America's autumn hours are near
TIMES = event_times(start=START, days=20)
HISTORIES = histories(stretch_ids=STRETCH_IDS, routine="relief-lying", times=TIMES, max_size=40)


def unique(history: list[Any]) -> list[Any]:
    return list({e.id: e for e in history}.values())


@settings(max_examples=150)
@given(history=HISTORIES, policy=policies(program=PROGRAM), every=st.integers(1, 9))
def test_fold_many_gives_the_per_event_folds_states(
    history: list[Any], policy: Any, every: int
) -> None:
    pairs = keyed(unique(history))
    expected = [ProgressState()]
    state = ProgressState()
    for i, (key, event) in enumerate(pairs, 1):
        state = reference_fold.fold(state, event, key[0], policy)
        if not i % every:
            expected.append(state)
    checkpoints = [ProgressState()]
    got = fold_many(
        ProgressState(),
        [k[0] for k, _ in pairs],
        [e for _, e in pairs],
        policy,
        0,
        checkpoints,
        every,
    )
    assert got == state
    assert checkpoints == expected
    # one event at a time, from any checkpoint, lands on the same states
    again = ProgressState()
    for key, event in pairs:
        again = fold_many(again, [key[0]], [event], policy)
    assert again == state


def stored(history: list[Any]) -> str:
    return json.dumps([event_to_dict(e) for e in history])


def plain(text: str | bytes) -> list[Any]:
    """The reference: the strict parse and the dict reader, nothing fast."""
    return _stored._slow(text)


@settings(max_examples=100)
@given(history=HISTORIES, as_bytes=st.booleans())
def test_stored_json_reads_as_the_dict_reader_reads_it(history: list[Any], as_bytes: bool) -> None:
    text = stored(history)
    data: str | bytes = text.encode() if as_bytes else text
    fast = _stored._fast(data)
    assert fast is not None  # the fast way is taken for what the engine itself writes
    assert fast == events_from_dicts(json.loads(text)) == history
    assert events_from_json(data) == fast
    assert [type(e) for e in fast] == [type(e) for e in history]


@settings(max_examples=60)
@given(history=HISTORIES, hours=st.integers(0, 24 * 21))
def test_a_replay_from_stored_json_is_the_same_progress(history: list[Any], hours: int) -> None:
    from_json = Progress.replay(PROGRAM, events_from_json(stored(history)), catalog=CATALOG)
    plain_way = Progress.start(PROGRAM, catalog=CATALOG)
    for event in history:
        plain_way = plain_way.apply(event)
    assert from_json.state == plain_way.state
    assert from_json.events == plain_way.events
    assert from_json.snapshot() == plain_way.snapshot()
    now = START + timedelta(hours=hours)
    for context in (Context.LYING, Context.SITTING):
        assert from_json.plan(now, context) == plain_way.plan(now, context)
    assert from_json.state_at(now) == plain_way.state_at(now)


# -- bad input: refused exactly as the dict reader refuses it ---------------------------

ODD_VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.sampled_from([2**53, 2**53 - 1, 2**64, -(2**63) - 1, 1.0, 0.5, -0.0])
    | st.sampled_from(
        [
            "",
            "x" * 129,
            "x" * 128,
            "a\x00b",
            "a\u202eb",
            "a\x7f",
            "\u00e9t\u00e9",
            "wall-angel",
            "Wall-Angel",
            "wall--angel",
            "wall-angel\n",
            "completed",
            "skipped",
            "pain",
            "discomfort",
            "user_choice",
            "2026-10-25T02:30:00+01:00",
            "2026-10-25T02:30:00+02:00",
            "2026-10-25t02:30:00+01:00",
            "2026-10-25 02:30:00Z",
            "2026-10-25T02:30:00z",
            "2026-10-25T02:30:00.1234567Z",
            "2026-10-25T02:30:00.5Z",
            "2026-10-25T02:30Z",
            "2026-10-25T02:30:00",
            "2026-10-25T02:30:00+0100",
            "2026-10-25T02:30:00+14:00",
            "2026-10-25T02:30:00+14:01",
            "2026-10-25T02:30:00-12:01",
            "2026-10-25T02:30:00-00:00",
            "2026-10-25T24:00:00Z",
            "2026-02-30T10:00:00Z",
            "1899-12-31T23:00:00Z",
            "1900-01-01T00:00:00+01:00",
            "3000-01-01T00:00:00Z",
            "2999-12-31T23:59:59-12:00",
        ]
    )
    | st.lists(st.integers(0, 3), max_size=2)
    | st.dictionaries(st.sampled_from(["stretch", "outcome", "reason", "x"]), st.text(max_size=3))
)
KEYS = st.sampled_from(
    [
        "type",
        "id",
        "at",
        "level",
        "device",
        "seq",
        "session",
        "stretch_id",
        "unknown",
        "session.id",
        "session.routine",
        "session.started_at",
        "session.ended_at",
        "session.steps",
        "session.pain_before",
        "session.pain_after",
        "session.extra",
        "session.steps.0",
        "session.steps.0.stretch",
        "session.steps.0.outcome",
        "session.steps.0.reason",
        "session.steps.0.extra",
    ]
)


def mutate(doc: dict[str, Any], path: str, value: Any, delete: bool) -> None:
    *parents, last = path.split(".")
    target: Any = doc
    for part in parents:
        if isinstance(target, list):
            if not target or not part.isdigit():
                return
            target = target[int(part)]
        elif isinstance(target, dict) and part in target:
            target = target[part]
        else:
            return
    if isinstance(target, list):
        if not last.isdigit():  # a list where the path names a key: nothing to change
            return
        if target and delete:
            del target[int(last)]
        elif target:
            target[int(last)] = value
    elif isinstance(target, dict):
        if delete:
            target.pop(last, None)
        else:
            target[last] = value


def outcome(data: str | bytes) -> tuple[str, Any]:
    try:
        return "ok", plain(data)
    except EngineError as e:
        return type(e).__name__, str(e)


@settings(max_examples=300)
@given(
    history=HISTORIES.filter(bool),
    data=st.data(),
    edits=st.integers(1, 3),
)
def test_bad_stored_json_is_refused_as_the_dict_reader_refuses_it(
    history: list[Any], data: st.DataObject, edits: int
) -> None:
    docs = [event_to_dict(e) for e in history]
    for _ in range(edits):
        i = data.draw(st.integers(0, len(docs) - 1))
        mutate(docs[i], data.draw(KEYS), data.draw(ODD_VALUES), data.draw(st.booleans()))
    text = json.dumps(docs)
    expected = outcome(text)
    fast = _stored._fast(text)
    if fast is not None:  # the fast way only answers when the plain one agrees
        assert expected == ("ok", fast)
    try:
        got: tuple[str, Any] = ("ok", events_from_json(text))
    except EngineError as e:
        got = (type(e).__name__, str(e))
    assert got == expected
    if got[0] != "ok":
        assert got[0] == "EventFormatError"
        assert len(got[1]) < 300
        assert "\n" not in got[1]


TEXT_EDITS = st.sampled_from(
    [
        ('"level": ', '"level": 3, "level": '),  # a duplicate key
        ('"id": ', '"id": "twice", "id": '),
        ('"at": "', '"at": "\\u0032'),  # an escape where a digit was
        ('"level": 0', '"level": NaN'),
        ('"level": 0', '"level": Infinity'),
        ('"level": 0', '"level": 0.0'),
        ('"level": 0', '"level": 1e0'),
        ("[", "[\ufeff"),
        ("}", "}}"),
        ('"', "'"),
        (", ", ",,"),
        ('"type": ', '"ty\\u0070e": '),
        ('"steps": [', '"steps": [null, '),
    ]
)


def _edited(history: list[Any], edit: tuple[str, str], at: int) -> str:
    """The stored text of ``history`` with one occurrence (picked by ``at``) of ``edit`` made."""
    text = stored(history)
    old, new = edit
    spots = [i for i in range(len(text)) if text.startswith(old, i)]
    assume(spots)
    i = spots[at % len(spots)]
    return text[:i] + new + text[i + len(old) :]


@settings(max_examples=150)
@given(history=HISTORIES.filter(bool), edit=TEXT_EDITS, at=st.integers(0, 10**6))
def test_broken_text_is_refused_as_the_strict_parse_refuses_it(
    history: list[Any], edit: tuple[str, str], at: int
) -> None:
    text = _edited(history, edit, at)
    expected = outcome(text)
    fast = _stored._fast(text)
    if fast is not None:
        assert expected == ("ok", fast)
    for data in (text, text.encode()):
        try:
            got: tuple[str, Any] = ("ok", events_from_json(data))
        except EngineError as e:
            got = (type(e).__name__, str(e))
        assert got == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff[]", "not UTF-8 text (byte 0)"),
        (b"", "not valid JSON"),
        (b"[1, 2", "not valid JSON"),
        (b'[{"a": 1, "a": 2}]', "duplicate key string 'a'"),
        (b"[NaN]", "NaN is not a number JSON allows"),
        (b"{}", "events must be an array of objects"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[[]]", "/0: an event must be an object"),
    ],
)
def test_text_that_is_not_json_is_refused_with_a_short_error(data: bytes, message: str) -> None:
    with pytest.raises(EventFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        events_from_json(data)


def test_what_is_not_text_is_refused() -> None:
    with pytest.raises(EventFormatError, match="must be JSON text"):
        events_from_json([{"type": "pain_reported"}])  # type: ignore[arg-type]
    assert events_from_json(b"[]") == []
    assert events_from_json("  [ ]  ") == []
    assert events_from_json(memoryview(b"[]")) == []


# -- equality in the repeated autumn hour ------------------------------------------------

REPEATED = [
    # the first and the second 02:30 in Berlin, 01:30 in New York (datetime.now's fold)
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Europe/Berlin"),
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/Berlin"),
    (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York"),
    (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York"),
]


@pytest.mark.parametrize(("when", "zone"), REPEATED)
def test_events_and_sessions_of_the_repeated_hour_equal_their_json_round_trip(
    when: datetime, zone: str
) -> None:
    from zoneinfo import ZoneInfo

    from stretchkit import Outcome, PainReported, Session, SessionLogged, StepResult

    local = when.astimezone(ZoneInfo(zone))  # as datetime.now(zone) gives it, fold set
    assert local.dst() is not None
    assert local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset()  # ambiguous
    end = (when + timedelta(minutes=20)).astimezone(ZoneInfo(zone))
    session = Session(
        id="s",
        routine="relief-lying",
        started_at=local,
        ended_at=end,
        steps=(StepResult(stretch="chin-tuck", outcome=Outcome.COMPLETED),),
    )
    originals = [PainReported(id="p", at=local, level=2), SessionLogged(id="s", session=session)]
    back = events_from_json(stored(originals))
    assert local != back[0].at  # Python's own == (PEP 495): why events do not use it
    assert back == originals
    assert back[1].session == session
    assert {*back, *originals} == set(originals)  # equal events hash alike
    # so a store that gets the event back from JSON does not see a conflict
    p = Progress.replay(PROGRAM, originals, catalog=CATALOG)
    assert p.extend(back) is p
    # the other instant of the same wall clock is another time
    other = local.replace(fold=1 - local.fold)
    assert PainReported(id="p", at=other, level=2) != originals[0]
    later = (other.astimezone(UTC) + timedelta(minutes=20)).astimezone(ZoneInfo(zone))
    assert attrs.evolve(session, ended_at=later, started_at=other) != session


def test_times_compare_by_instant_and_sessions_by_offset_too() -> None:
    from zoneinfo import ZoneInfo

    from stretchkit import PainReported, SessionLogged

    berlin = datetime(2026, 10, 25, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    tokyo = berlin.astimezone(ZoneInfo("Asia/Tokyo"))  # the next day on Tokyo's clock
    # a report's offset changes nothing the fold does: the same instant is the same event
    assert PainReported(id="p", at=berlin, level=1) == PainReported(id="p", at=tokyo, level=1)
    # a session's start says which local day it counts for: another offset is other content
    [logged] = events_from_json(
        json.dumps(
            [
                {
                    "type": "session_logged",
                    "id": "s",
                    "at": "2026-10-25T23:50:00+01:00",
                    "session": {
                        "id": "s",
                        "routine": "relief-lying",
                        "started_at": "2026-10-25T23:30:00+01:00",
                        "ended_at": "2026-10-25T23:50:00+01:00",
                    },
                }
            ]
        )
    )
    assert isinstance(logged, SessionLogged)
    moved = attrs.evolve(
        logged,
        session=attrs.evolve(logged.session, started_at=logged.session.started_at.astimezone(UTC)),
    )
    assert moved.session.started_at == logged.session.started_at  # Python: same instant
    assert moved != logged
    p = Progress.replay(PROGRAM, [logged], catalog=CATALOG)
    with pytest.raises(DuplicateEventError):
        p.apply(moved)


@settings(max_examples=100)
@given(
    history=histories(
        stretch_ids=STRETCH_IDS, routine="relief-lying", times=TIMES, max_size=60, devices=()
    ),
    policy=policies(program=PROGRAM),
)
def test_a_replay_in_bulk_folds_in_key_order(history: list[Any], policy: Any) -> None:
    """Unique ids and no devices: the bulk way (instants in C, one sort, ties by id)."""
    events = unique(history)
    p = Progress.replay(PROGRAM, events, policy, catalog=CATALOG)
    pairs = keyed(events)
    assert list(p.events) == [e for _, e in pairs]
    state = ProgressState()
    for key, event in pairs:
        state = reference_fold.fold(state, event, key[0], policy)
    assert p.state == state
    one_by_one = Progress.start(PROGRAM, policy, catalog=CATALOG)
    for event in events:
        one_by_one = one_by_one.apply(event)
    assert one_by_one.snapshot() == p.snapshot()


def test_a_history_all_at_one_instant_replays_by_id() -> None:
    from stretchkit import PainReported

    at = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    events = [PainReported(id=f"p{i:05d}", at=at, level=i % 11) for i in range(3000)]
    p = Progress.replay(PROGRAM, list(reversed(events)), catalog=CATALOG)
    assert list(p.events) == events
    assert p.state.last_painful == p.state.latest


TIMES_TO_TRY = [
    "2026-10-25T02:30:00+01:00",
    "2026-10-25t02:30:00+01:00",
    "2026-10-25 02:30:00Z",
    "2026-10-25T02:30:00.1234567Z",
    "2026-10-25T02:30Z",
    "2026-10-25T02:30:00",
    "2026-10-25T02:30:00+0100",
    "2026-10-25T02:30:00+14:01",
    "2026-10-25T02:30:00-12:01",
    "2026-10-25T02:30:00-00:00",
    "2026-10-25T24:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-04-31T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-10-25T10:61:00Z",
    "2026-10-25T10:00:60Z",
    "1899-12-31T23:00:00Z",
    "1900-01-01T00:00:00+01:00",
    "3000-01-01T00:00:00Z",
    "2999-12-31T23:59:59-12:00",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-12:00",
    # the years' edges in the form isoformat writes, with one offset and with two
    "1899-12-31T23:59:59+00:00",
    "1899-12-31T23:59:59.999999-05:00",
    "1900-01-01T00:00:00+00:00",
    "1900-01-01T00:00:00-05:00",
    "2999-12-31T23:59:59.999999+14:00",
    "3000-01-01T00:00:00+00:00",
    "3000-01-01T00:00:00.000000-12:00",
    "2026-10-25T02:30:00+24:00",
    "2026-10-25T02:30:00+01:60",
    "2026-10-25T02:30:00.123456+05:45",
]


@pytest.mark.parametrize("value", TIMES_TO_TRY)
@pytest.mark.parametrize("where", ["at", "session.started_at", "session.ended_at"])
def test_every_odd_time_is_read_as_the_dict_reader_reads_it(value: str, where: str) -> None:
    from stretchkit import Session, SessionLogged

    start = datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    session = Session(id="s", routine="relief-lying", started_at=start, ended_at=start)
    doc = event_to_dict(SessionLogged(id="s", session=session))
    mutate(doc, where, value, delete=False)
    text = json.dumps([doc])
    expected = outcome(text)
    try:
        got: tuple[str, Any] = ("ok", events_from_json(text))
    except EngineError as e:
        got = (type(e).__name__, str(e))
    assert got == expected


# -- Progress.replay_json: the same Progress as a replay of the events it reads ----------

NO_DEVICES = histories(
    stretch_ids=STRETCH_IDS, routine="relief-lying", times=TIMES, max_size=40, devices=()
)


def assert_same_progress(got: Progress, expected: Progress, hours: list[int]) -> None:
    assert got.state == expected.state
    assert len(got) == len(expected)
    assert got.events == expected.events
    assert got.snapshot() == expected.snapshot()
    for h in hours:
        now = START + timedelta(hours=h)
        assert got.state_at(now) == expected.state_at(now)
        for context in (Context.LYING, Context.SITTING):
            assert got.plan(now, context) == expected.plan(now, context)


@settings(max_examples=80)
@given(
    history=NO_DEVICES | HISTORIES,
    policy=policies(program=PROGRAM),
    hours=st.lists(st.integers(0, 24 * 21), min_size=1, max_size=3),
    as_bytes=st.booleans(),
)
def test_replay_json_is_the_replay_of_the_events_it_reads(
    history: list[Any], policy: Any, hours: list[int], as_bytes: bool
) -> None:
    text = stored(history)
    data: str | bytes = text.encode() if as_bytes else text
    expected = Progress.replay(PROGRAM, events_from_json(data), policy, catalog=CATALOG)
    got = Progress.replay_json(PROGRAM, data, policy, catalog=CATALOG)
    # plans and states first: they must not need the events built
    for h in hours:
        now = START + timedelta(hours=h)
        assert got.plan(now, Context.LYING) == expected.plan(now, Context.LYING)
    assert_same_progress(got, expected, hours)
    state = ProgressState()
    for key, event in keyed(unique(history)):
        state = reference_fold.fold(state, event, key[0], policy)
    assert got.state == state


@settings(max_examples=40)
@given(history=NO_DEVICES.filter(bool))
def test_replay_json_keeps_the_stored_reports_until_the_events_are_asked_for(
    history: list[Any],
) -> None:
    """The way that builds nothing up front is the one taken for what the engine writes
    (unique ids, no devices); asking for the events builds each report once."""
    events = unique(history)
    p = Progress.replay_json(PROGRAM, stored(events), catalog=CATALOG)
    chunks = p._chunks
    pains = sum(isinstance(e, PainReported) for e in events)
    if pains:
        assert any(isinstance(i, _stored.StoredPain) for c in chunks for i in c.items)
    first = p.events
    assert all(a is b for a, b in zip(first, p.events, strict=True))
    assert not any(isinstance(i, _stored.StoredPain) for c in chunks for i in c.items)
    assert first == tuple(e for _, e in keyed(events))


def test_two_threads_asking_for_the_events_at_once_get_the_same_objects() -> None:
    from concurrent.futures import ThreadPoolExecutor

    at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    events = [
        PainReported(id=f"p{i}", at=at + timedelta(minutes=i), level=i % 4) for i in range(5000)
    ]
    data = stored(events)
    for _ in range(5):
        p = Progress.replay_json(PROGRAM, data, catalog=CATALOG)
        with ThreadPoolExecutor(4) as pool:
            seen = list(pool.map(lambda q: q.events, [p] * 4))
        assert all(all(a is b for a, b in zip(seen[0], s, strict=True)) for s in seen)
        assert list(seen[0]) == events


def replay_outcome(data: str | bytes) -> tuple[str, Any]:
    try:
        return "ok", Progress.replay(PROGRAM, events_from_json(data), catalog=CATALOG).state
    except EngineError as e:
        return type(e).__name__, str(e)


@settings(max_examples=150)
@given(history=HISTORIES.filter(bool), data=st.data(), edits=st.integers(0, 3))
def test_replay_json_refuses_what_the_replay_of_the_events_refuses(
    history: list[Any], data: st.DataObject, edits: int
) -> None:
    docs = [event_to_dict(e) for e in history]
    for _ in range(edits):
        i = data.draw(st.integers(0, len(docs) - 1))
        mutate(docs[i], data.draw(KEYS), data.draw(ODD_VALUES), data.draw(st.booleans()))
    if data.draw(st.booleans()):  # an id twice, with other content
        twin = dict(docs[data.draw(st.integers(0, len(docs) - 1))])
        mutate(twin, "level", data.draw(st.integers(0, 10)), False)
        docs.append(twin)
    text = json.dumps(docs)
    expected = replay_outcome(text)
    try:
        got: tuple[str, Any] = ("ok", Progress.replay_json(PROGRAM, text, catalog=CATALOG).state)
    except EngineError as e:
        got = (type(e).__name__, str(e))
    assert got == expected


@pytest.mark.parametrize(
    "data", [b"\xff[]", b"[1, 2", b"{}", b"[NaN]", [], None, 3, "[]", b"[]", memoryview(b"[]")]
)
def test_replay_json_of_odd_data_is_the_replay_of_what_events_from_json_says(data: Any) -> None:
    try:
        expected: tuple[str, Any] = (
            "ok",
            Progress.replay(PROGRAM, events_from_json(data), catalog=CATALOG).state,
        )
    except EngineError as e:
        expected = (type(e).__name__, str(e))
    try:
        got: tuple[str, Any] = ("ok", Progress.replay_json(PROGRAM, data, catalog=CATALOG).state)
    except EngineError as e:
        got = (type(e).__name__, str(e))
    assert got == expected


def test_replay_json_checks_its_program_and_catalog_as_replay_does() -> None:
    with pytest.raises(EngineError, match="needs catalog="):
        Progress.replay_json(PROGRAM, b"[]")
    with pytest.raises(EngineError, match="program must be a Program"):
        Progress.replay_json(None, b"[]", catalog=CATALOG)  # type: ignore[arg-type]
    with pytest.raises(
        EventFormatError
    ):  # the data is read first, as in replay(events_from_json(...))
        Progress.replay_json(PROGRAM, b"[1]")


@settings(max_examples=60)
@given(history=HISTORIES.filter(bool), edit=TEXT_EDITS, at=st.integers(0, 10**6))
def test_replay_json_of_broken_text_is_the_replay_of_what_events_from_json_says(
    history: list[Any], edit: tuple[str, str], at: int
) -> None:
    text = _edited(history, edit, at)
    for data in (text, text.encode()):
        expected = replay_outcome(data)
        try:
            got: tuple[str, Any] = (
                "ok",
                Progress.replay_json(PROGRAM, data, catalog=CATALOG).state,
            )
        except EngineError as e:
            got = (type(e).__name__, str(e))
        assert got == expected
