"""Hostile and careless values through every public reader and constructor.

Each must either work or raise one of the library's own errors (a ``StretchkitError``)
with a one-line message under 300 characters; never a bare ``TypeError``, a
``RecursionError``, an ``OverflowError`` or a message that echoes a huge value. And
whatever is accepted must work later: an accepted event can be planned from and a
session finished at its time; an imported catalog dumps to a file ``validate`` accepts.
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import stretchkit as sk
from stretchkit import (
    Constraints,
    EngineError,
    EventFormatError,
    PainReported,
    Progress,
    SessionRunner,
    SnapshotError,
    StretchkitError,
    TimeError,
    event_from_dict,
    events_from_dicts,
    import_free_exercise_db,
)
from stretchkit.engine import check_local_time
from stretchkit.engine._time import EARLIEST_YEAR, LATEST_YEAR
from test_engine_support import CATALOG, PROGRAM

MAX_MESSAGE = 300


def refused_or_ok(call: Callable[[], object]) -> object:
    """The call's result, or ``None`` if it raised a library error with a short message."""
    try:
        return call()
    except StretchkitError as e:
        message = str(e)
        assert len(message) < MAX_MESSAGE, (len(message), message[:400])
        assert "\n" not in message, message[:400]
        return None


# --- values: JSON-shaped, and the odd things Python code passes --------------------------

BAD_CHARS = st.sampled_from(["\ud800", "\udfff", "\u202e", "\u2066", "\x00", "\x1b", "\x85"])
TEXT = st.text() | st.builds(
    lambda a, b, c: a + b + c, st.text(max_size=5), BAD_CHARS, st.text(max_size=5)
)
NUMBERS = (
    st.integers()
    | st.sampled_from([0, 1, -1, 10, 11, 10**400, -(10**400), 2**63, 0.9, 1e400, -1e400])
    | st.floats(allow_nan=True, allow_infinity=True)
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["type", "id", "at"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


class _Odd:
    """A value whose repr fails and whose len lies: a careless app's object."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __len__(self) -> int:
        return -1 if False else 3


def _deep(n: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(n):
        value = [value]
    return value


ODD = st.sampled_from(
    [
        _deep(100_000),
        {"a": _deep(100_000)},
        "x" * 1_000_000,
        10**5000,
        b"bytes",
        bytearray(b"x"),
        {1, 2},
        frozenset(),
        object(),
        _Odd(),
        datetime(2026, 1, 1),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        timedelta(days=1),
        math.nan,
        range(3),
        type,
        Ellipsis,
    ]
)
VALUES = JSON | ODD


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, good: dict[str, Any]) -> Any:
    """``good`` with one value replaced by anything, or one key dropped or added."""
    doc = copy.deepcopy(good)
    path = draw(st.sampled_from(_paths(doc)))
    replacement = draw(VALUES)
    if not path:
        return replacement
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "drop", "add"]))
    if action == "drop" and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.text(max_size=8))] = replacement
    else:
        parent[path[-1]] = replacement
    return doc


T0 = datetime(2026, 4, 1, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
GOOD_EVENTS = [
    {"type": "pain_reported", "id": "p1", "at": "2026-04-01T08:00:00+02:00", "level": 3},
    {
        "type": "stretch_reenabled",
        "id": "r1",
        "at": "2026-04-01T08:00:00Z",
        "stretch_id": "chin-tuck",
    },
    SessionRunner.start("relief-lying", CATALOG, started_at=T0)
    .complete_remaining({"bridge": "pain"})
    .finish(T0 + timedelta(minutes=5), pain_after=2)
    .to_dict(),
]
GOOD_RUNNER = (
    SessionRunner.start("relief-lying", CATALOG, started_at=T0, pain_before=4)
    .advance()
    .skip("discomfort")
    .advance()
    .to_dict()
)


# --- the engine's readers ----------------------------------------------------------------


@settings(max_examples=150)
@given(VALUES)
def test_any_value_is_an_event_or_a_short_library_error(value: Any) -> None:
    refused_or_ok(lambda: event_from_dict(value))


@settings(max_examples=200)
@given(st.sampled_from(GOOD_EVENTS).flatmap(mutated))
def test_a_damaged_event_is_read_or_refused_briefly(doc: Any) -> None:
    event = refused_or_ok(lambda: event_from_dict(doc))
    if event is not None:
        _can_be_planned_and_finished(event)  # type: ignore[arg-type]


@settings(max_examples=100)
@given(VALUES | st.lists(st.sampled_from(GOOD_EVENTS).flatmap(mutated), max_size=4))
def test_any_value_is_a_list_of_events_or_a_short_library_error(value: Any) -> None:
    refused_or_ok(lambda: events_from_dicts(value))


@settings(max_examples=200)
@given(VALUES | mutated(GOOD_RUNNER))
def test_a_stored_runner_is_read_strictly_or_refused_briefly(doc: Any) -> None:
    runner = refused_or_ok(lambda: SessionRunner.from_dict(doc, CATALOG))
    if runner is not None:
        assert isinstance(runner, SessionRunner)
        # Every bound was checked on reading: the runner can go on and finish.
        done = runner.complete_remaining().finish(runner.started_at + timedelta(hours=1))
        assert event_from_dict(json.loads(json.dumps(done.to_dict()))) == done


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("segment", 0.9),
        ("segment", "0"),
        ("segment", True),
        ("segment", 10**400),
        ("segment", 1e400),
        ("segment", -1),
        ("pain_before", "4"),
        ("pain_before", 4.0),
        ("pain_before", True),
        ("pain_before", 11),
        ("format", 1.0),
        ("format", True),
        ("format", "1"),
        ("session_id", "\ud800"),
        ("session_id", "a\u202eb"),
        ("started_at", "2026-04-01T08:00:00"),
        ("started_at", "9999-12-31T23:59:59Z"),
    ],
)
def test_a_stored_runner_is_never_coerced(key: str, value: object) -> None:
    doc = {**GOOD_RUNNER, key: value}
    with pytest.raises(EventFormatError, match=f"/{key}"):
        SessionRunner.from_dict(doc, CATALOG)


@pytest.mark.parametrize(
    ("field", "value"),
    [("index", 0.9), ("index", "0"), ("index", True), ("index", 99), ("reintroduced", "false"),
     ("reintroduced", 0), ("stretch_id", "Chin Tuck")],
)  # fmt: skip
def test_a_stored_runner_step_is_never_coerced(field: str, value: object) -> None:
    doc = copy.deepcopy(GOOD_RUNNER)
    doc["steps"][0][field] = value
    with pytest.raises(EventFormatError, match=f"/steps/0/{field}"):
        SessionRunner.from_dict(doc, CATALOG)


def test_a_stored_runner_round_trips() -> None:
    runner = SessionRunner.from_dict(GOOD_RUNNER, CATALOG)
    assert runner.to_dict() == GOOD_RUNNER


# --- acceptance never depends on history --------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        "2026-W14-3T08:00:00+02:00",  # an ISO week date: same length and offset as a good one
        "2026-04-01T08:00:00.+02:00",
        "2026-04-01 08:00:00+02:00",
        "2026-04-01T08:00+02:00:00",
        "2026-04-01T08:00:00+02:00",  # a good one, as control
    ],
)
def test_a_timestamp_is_checked_the_same_after_good_events_with_its_offset(at: str) -> None:
    def read() -> object:
        try:
            return event_from_dict({**GOOD_EVENTS[0], "at": at})
        except EventFormatError as e:
            return str(e)

    fresh = read()
    for _ in range(3):
        event_from_dict(GOOD_EVENTS[0])
        assert read() == fresh


# --- every accepted instant works everywhere -----------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+14:00",
        f"{LATEST_YEAR + 1}-01-01T00:00:00-12:00",
        f"{EARLIEST_YEAR - 1}-12-31T23:59:59+14:00",
    ],
)
def test_instants_beyond_the_accepted_years_are_refused(at: str) -> None:
    with pytest.raises(EventFormatError, match="outside the years"):
        event_from_dict({**GOOD_EVENTS[0], "at": at})


OFFSETS = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
ZONES = st.sampled_from(
    ["Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
).map(ZoneInfo)
EDGES = st.sampled_from(
    [datetime(EARLIEST_YEAR, 1, 1), datetime(LATEST_YEAR, 12, 31, 23, 59, 59, 999999)]
)
WALL = EDGES | st.datetimes(
    datetime(EARLIEST_YEAR, 1, 1), datetime(LATEST_YEAR, 12, 31, 23, 59, 59)
)


def _can_be_planned_and_finished(event: sk.Event) -> None:
    now = event.at
    progress = Progress.start(PROGRAM, catalog=CATALOG).apply(event)
    for context in ("lying", "sitting"):
        progress.plan(now, context)
    runner = SessionRunner.start(progress.plan(now, "lying"), CATALOG, started_at=now)
    runner.complete_remaining().finish(now)


@settings(max_examples=100)
@given(WALL, OFFSETS | ZONES, st.integers(0, 10))
def test_any_accepted_instant_can_be_planned_and_finished(
    wall: datetime, zone: Any, level: int
) -> None:
    at = wall.replace(tzinfo=zone)
    try:
        check_local_time(at)
    except TimeError:
        assume(False)  # a wall time the clocks skipped, or one shown twice
    _can_be_planned_and_finished(PainReported(id="p", at=at, level=level))
    text = {**GOOD_EVENTS[0], "at": at.isoformat()}
    _can_be_planned_and_finished(event_from_dict(text))


# --- text is text ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\ud800", "a\u202eb", "\u2066x", "x\x00"])
def test_ids_with_lone_surrogates_bidi_or_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(EventFormatError, match="/id"):
        event_from_dict({**GOOD_EVENTS[0], "id": bad})
    with pytest.raises(EngineError, match="plain text"):
        PainReported(id=bad, at=T0, level=1)
    with pytest.raises(EngineError, match="plain text"):
        SessionRunner.start("relief-lying", CATALOG, started_at=T0, session_id=bad)


# --- the issue's own examples, briefly refused -----------------------------------------------


def test_the_reported_examples_are_short_library_errors() -> None:
    cases: list[Callable[[], object]] = [
        lambda: PainReported(id="p", at=T0, level="0"),  # type: ignore[arg-type]
        lambda: events_from_dicts(None),  # type: ignore[arg-type]
        lambda: event_from_dict(_deep(100_000)),
        lambda: event_from_dict({"type": "x" * 10_000_000}),
        lambda: event_from_dict({**GOOD_EVENTS[0], "level": _deep(100_000)}),
        lambda: SessionRunner.start("relief-lying", CATALOG, started_at=T0).finish(
            T0 - timedelta(1)
        ),
    ]
    for case in cases:
        with pytest.raises(StretchkitError) as caught:
            case()
        assert len(str(caught.value)) < MAX_MESSAGE


# --- every public constructor ------------------------------------------------------------------

CONSTRUCTORS = sorted(
    (name for name in sk.__all__ if attrs.has(getattr(sk, name))),
)


@pytest.mark.parametrize("name", CONSTRUCTORS)
@settings(max_examples=25)
@given(data=st.data())
def test_every_public_constructor_refuses_anything_with_a_short_library_error(
    name: str, data: st.DataObject
) -> None:
    cls = getattr(sk, name)
    kwargs = {
        (f.alias or f.name): data.draw(VALUES, label=f.name)
        for f in attrs.fields(cls)
        if f.init and (f.default is attrs.NOTHING or data.draw(st.booleans()))
    }
    refused_or_ok(lambda: cls(**kwargs))


@settings(max_examples=100)
@given(st.dictionaries(st.sampled_from([f.name for f in attrs.fields(Constraints)]), VALUES))
def test_constraints_refuse_anything_up_front_with_a_short_library_error(
    kwargs: dict[str, Any],
) -> None:
    kwargs.setdefault("minutes", 5)
    constraints = refused_or_ok(lambda: Constraints(**kwargs))
    if isinstance(constraints, Constraints):
        # Whatever was accepted, the generator honours: its catalog validates.
        result = sk.generate_routine(CATALOG, constraints)
        if result.routine is not None:
            issues = sk.validate_catalog(sk.dump_catalog(result.as_catalog()).encode("utf-8"))
            assert not [i for i in issues if i.is_error], issues


@pytest.mark.parametrize(
    ("key", "value"),
    [("routine_id", "Bad Id"), ("routine_id", "x" * 65), ("name", "a\u202eb"), ("name", " "),
     ("name", "x" * 2001), ("routine_id", 5), ("avoid", 5), ("include", [None]),
     ("targets", {"neck": "2"}), ("equipment", "\ud800")],
)  # fmt: skip
def test_constraints_check_what_the_routine_must_satisfy(key: str, value: object) -> None:
    with pytest.raises(StretchkitError, match=key):
        Constraints(minutes=5, **{key: value})


# --- the importer --------------------------------------------------------------------------------

ENTRY = {
    "id": "Neck_Stretch",
    "name": "Neck stretch",
    "instructions": ["Sit tall and hold for 20 seconds."],
    "primaryMuscles": ["neck"],
    "images": ["Neck_Stretch/0.jpg"],
}


@settings(max_examples=100)
@given(VALUES | st.lists(VALUES | mutated(ENTRY), max_size=4))
def test_the_importer_reports_anything_and_writes_only_valid_catalogs(value: Any) -> None:
    if isinstance(value, str):  # a path: a file that cannot be read is an OSError, as documented
        assume(not os.path.isfile(value))
        with pytest.raises(OSError):  # noqa: PT011 - missing, too long a name, a folder: any
            import_free_exercise_db(value)
        return
    result = import_free_exercise_db(value)
    text = sk.dump_catalog(result.catalog)
    text.encode("utf-8")  # no lone surrogate survives to break the output half-way
    if result.catalog.stretches:
        issues = sk.validate_catalog(text.encode("utf-8"))
        assert not [i for i in issues if i.is_error], issues
    assert result.report.format()


@pytest.mark.parametrize("image_base", [5, None, "a\u202eb", "\ud800"])
def test_a_bad_image_base_is_a_short_library_error(image_base: object) -> None:
    with pytest.raises(sk.ImporterError, match="image_base"):
        import_free_exercise_db([ENTRY], image_base=image_base)  # type: ignore[arg-type]


def test_the_importer_reads_within_the_limits(tmp_path: Any) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps([ENTRY] * 50))
    result = import_free_exercise_db(big, limits=sk.Limits(max_bytes=100))
    assert [p.code for p in result.report.problems] == ["too-large"]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100 + "]" * 100)
    result = import_free_exercise_db(deep)
    assert [p.code for p in result.report.problems] == ["invalid-json"]
    with pytest.raises(OSError, match="not a regular file"):
        import_free_exercise_db(tmp_path)


def test_duplicated_entries_get_distinct_ids_in_order() -> None:
    result = import_free_exercise_db([ENTRY] * 5)
    assert [s.id for s in result.catalog.stretches] == [
        "neck-stretch",
        "neck-stretch-2",
        "neck-stretch-3",
        "neck-stretch-4",
        "neck-stretch-5",
    ]


@settings(max_examples=100)
@given(VALUES, VALUES, st.sampled_from(["start", "plan", "apply", "replay", "runner"]))
def test_the_engine_entry_points_refuse_odd_arguments_briefly(a: Any, b: Any, call: str) -> None:
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    calls: dict[str, Callable[[], object]] = {
        "start": lambda: Progress.start(a, b),
        "plan": lambda: progress.plan(a, b),
        "apply": lambda: progress.apply(a),
        "replay": lambda: Progress.replay(PROGRAM, a, catalog=CATALOG),
        "runner": lambda: SessionRunner.start(a, CATALOG, started_at=T0, pain_before=b),
    }
    refused_or_ok(calls[call])


def _snapshot() -> dict[str, Any]:
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    for doc in GOOD_EVENTS:
        progress = progress.apply(event_from_dict(doc))
    return progress.snapshot()


SNAPSHOT = _snapshot()


@pytest.mark.parametrize(
    "path",
    [
        ("state", "latest"),
        ("state", "pain_free_since"),
        ("state", "sessions"),
        ("through", "instant"),
        ("through", "seq"),
        ("events",),
    ],
)
@pytest.mark.parametrize(
    "number", [10**5000, 2**63, -(2**63), 1e300], ids=["10**5000", "2**63", "-2**63", "1e300"]
)
def test_numbers_beyond_any_instant_are_refused_when_a_snapshot_is_read(
    path: tuple[str, ...], number: float
) -> None:
    doc = copy.deepcopy(SNAPSHOT)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = number
    with pytest.raises(SnapshotError) as refused:
        Progress.from_snapshot(doc, PROGRAM, catalog=CATALOG)
    assert len(str(refused.value)) < MAX_MESSAGE


@settings(max_examples=150)
@given(mutated(SNAPSHOT) | VALUES, VALUES)
def test_a_snapshot_is_read_or_refused_briefly(doc: Any, odd: Any) -> None:
    progress = refused_or_ok(lambda: Progress.from_snapshot(doc, PROGRAM, catalog=CATALOG))
    if progress is not None:
        assert isinstance(progress, Progress)
        # A snapshot of later events cannot plan for an earlier time: a short refusal.
        refused_or_ok(lambda: progress.plan(T0 + timedelta(days=1), "lying"))
        refused_or_ok(lambda: progress.plan(T0 + timedelta(days=400), "lying"))
    refused_or_ok(lambda: Progress.from_snapshot(SNAPSHOT, odd, catalog=CATALOG))
    refused_or_ok(lambda: Progress.start(PROGRAM, catalog=CATALOG).snapshot(until=odd))


@settings(max_examples=100)
@given(
    VALUES,
    st.sampled_from(
        [
            "generate",
            "generate-catalog",
            "substitute",
            "substitute-with",
            "plan-catalog",
            "start-catalog",
            "policy",
            "segments",
            "skip",
            "finish",
            "finish-pain",
            "finish-id",
            "complete-remaining",
        ]
    ),
)
def test_the_public_functions_refuse_arguments_of_the_wrong_kind_briefly(
    odd: Any, call: str
) -> None:
    runner = SessionRunner.start("relief-lying", CATALOG, started_at=T0)
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    calls: dict[str, Callable[[], object]] = {
        "generate": lambda: sk.generate_routine(CATALOG, odd),
        "generate-catalog": lambda: sk.generate_routine(odd, Constraints(minutes=5)),
        "substitute": lambda: sk.substitute(CATALOG, odd),
        "substitute-with": lambda: sk.substitute(CATALOG, "chin-tuck", odd),
        "plan-catalog": lambda: progress.plan(T0, "lying", catalog=odd),
        "start-catalog": lambda: Progress.start(PROGRAM, catalog=odd),
        "policy": lambda: sk.Policy.from_program(odd),
        "segments": lambda: runner.segments(odd),
        "skip": lambda: runner.skip(odd),
        "finish": lambda: runner.finish(odd),
        "finish-pain": lambda: runner.finish(T0, pain_after=odd),
        "finish-id": lambda: runner.finish(T0, event_id=odd),
        "complete-remaining": lambda: runner.complete_remaining(odd),
        "agenda": lambda: progress.agenda(T0, days=odd),
    }
    refused_or_ok(calls[call])


@given(VALUES)
def test_dump_catalog_refuses_what_is_not_a_catalog(value: Any) -> None:
    with pytest.raises(sk.ModelTypeError) as refused:
        sk.dump_catalog(value)
    assert len(str(refused.value)) < MAX_MESSAGE
