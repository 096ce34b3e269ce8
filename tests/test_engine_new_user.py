"""Issue 10 tried as a new user would: the runner's refusals hold for every plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchkit import (
    Context,
    EngineError,
    EventFormatError,
    NotAllowedError,
    Policy,
    Progress,
    SessionLogged,
    SessionRunner,
    SkipReason,
    events_from_json,
)
from test_engine_support import CATALOG, PROGRAM

LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
MORNING = datetime(2026, 4, 3, 9, 0, tzinfo=LORD_HOWE)


def everything_rested() -> Progress:
    """Every stretch of the lying routine skipped for pain at 09:00: all rest 24 hours."""
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    plan = progress.plan(MORNING, "lying")
    skip = {s.stretch_id: SkipReason.PAIN for s in plan.steps}
    runner = SessionRunner.start(plan, CATALOG, session_id="s1", started_at=MORNING)
    return progress.apply(runner.complete_remaining(skip).finish(MORNING.replace(minute=10)))


@pytest.mark.parametrize("override", [False, True])
def test_no_silent_plans_a_plan_with_no_step_is_refused_even_with_override(
    override: bool,
) -> None:
    """Override goes past the daily maximum; it never runs (and logs) an empty session."""
    later = MORNING.replace(hour=11)
    plan = everything_rested().plan(later, "lying")
    assert plan.steps == ()
    assert plan.allowed
    with pytest.raises(NotAllowedError, match="no step to do"):
        SessionRunner.start(plan, CATALOG, session_id="s2", started_at=later, override=override)


@pytest.mark.parametrize("override", ["yes", 1, None, 0])
def test_no_silent_plans_override_must_be_said_with_a_bool(override: object) -> None:
    """A truthy string is not an explicit override: the app must pass True or False."""
    plan = Progress.start(PROGRAM, catalog=CATALOG).plan(MORNING, "lying")
    with pytest.raises(EngineError, match="override must be True or False"):
        SessionRunner.start(
            plan,
            CATALOG,
            session_id="s3",
            started_at=MORNING,
            override=override,  # type: ignore[arg-type]
        )


def test_no_silent_plans_override_still_runs_past_the_maximum() -> None:
    """The other half: a full day with override=True runs every step of the plan."""
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    hour = 7
    while progress.plan(start := MORNING.replace(hour=hour), "lying").allowed:
        runner = SessionRunner.start(
            progress.plan(start, "lying"), CATALOG, session_id=f"d{hour}", started_at=start
        )
        progress = progress.apply(runner.complete_remaining().finish(start.replace(minute=5)))
        hour += 1
    evening = MORNING.replace(hour=18)
    plan = progress.plan(evening, "lying")
    assert not plan.allowed
    assert plan.steps
    runner = SessionRunner.start(plan, CATALOG, session_id="x", started_at=evening, override=True)
    logged = runner.complete_remaining().finish(evening.replace(minute=5))
    assert isinstance(logged, SessionLogged)
    assert [r.stretch for r in logged.session.steps] == [s.stretch_id for s in plan.steps]


def _replay_json(data: object) -> object:
    return Progress.replay_json(PROGRAM, data, catalog=CATALOG)  # type: ignore[arg-type]


def _from_dict(data: object) -> object:
    return SessionRunner.from_dict(data, CATALOG)  # type: ignore[arg-type]


@pytest.mark.parametrize("read", [events_from_json, _replay_json])
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'[{"type": "pain_reported", "id": "a", "at": "2026-10-25T02:3', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"type": "pain_reported"}', "must be an array"),
        (b"[\xff]", "not UTF-8"),
        (b"[" * 100_000, "nested too deeply"),
        (5, "must be JSON text"),
    ],
)
def test_hostile_stored_history_whole_document_error_reads_as_a_sentence(
    read: Callable[[object], object], data: object, words: str
) -> None:
    """A fault of the whole document has no pointer: the message does not open on ': '."""
    with pytest.raises(EventFormatError) as caught:
        read(data)
    message = str(caught.value)
    assert words in message
    assert not message.startswith(":"), message
    assert caught.value.path == ""
    assert len(message) < 300


def test_hostile_stored_history_an_item_error_keeps_its_pointer() -> None:
    data = b'[{"type": "pain_reported", "id": "a", "at": "2026-10-25T02:30:00+01:00", "level": 11}]'
    with pytest.raises(EventFormatError, match=r"^/0/level: "):
        events_from_json(data)


@pytest.mark.parametrize("data", [5, {"nope": 1}, {}])
def test_a_stored_runner_whole_document_error_reads_as_a_sentence(data: object) -> None:
    with pytest.raises(EventFormatError) as caught:
        _from_dict(data)
    assert not str(caught.value).startswith(":"), str(caught.value)


BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY = datetime(2026, 3, 28, 9, 0, tzinfo=BERLIN)  # the clocks spring forward that night


def everything_rested_everywhere() -> Progress:
    """Each context's routine done with every step skipped for discomfort, 09:00-10:00."""
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    for n, context in enumerate(Context):
        start = SATURDAY.replace(minute=20 * n)
        plan = progress.plan(start, context)
        if not plan.steps:
            continue
        skip = {s.stretch_id: SkipReason.DISCOMFORT for s in plan.steps}
        runner = SessionRunner.start(plan, CATALOG, session_id=f"all-{n}", started_at=start)
        progress = progress.apply(
            runner.complete_remaining(skip).finish(start.replace(minute=20 * n + 10))
        )
    return progress


def runnable(progress: Progress, at: datetime) -> bool:
    """Some context's plan at ``at`` has a step the runner would start."""
    return any(progress.plan(at, c).steps for c in Context)


def test_agenda_reminders_are_never_for_a_session_the_runner_refuses() -> None:
    """Every stretch rests until Sunday (a 23-hour day): nothing is due before they come back."""
    progress = everything_rested_everywhere()
    noon = SATURDAY.replace(hour=12)
    assert not runnable(progress, noon)
    saturday, sunday, monday = progress.agenda(noon, days=3)
    assert (saturday.due_from, saturday.allowed_from, saturday.doable_from) == (None, None, None)
    back = min(c.at for c in sunday.comebacks)
    assert back.utcoffset() == timedelta(hours=2)  # summer time by then
    assert sunday.doable_from == sunday.due_from == sunday.allowed_from == back
    assert runnable(progress, back)
    assert not runnable(progress, back - timedelta(microseconds=1))
    assert monday.due_from == monday.starts_at == monday.doable_from


@settings(max_examples=40, deadline=None)
@given(minutes=st.integers(min_value=60, max_value=60 * 24 * 5), days=st.integers(1, 6))
def test_agenda_doable_from_is_when_a_plan_first_has_a_step(minutes: int, days: int) -> None:
    """From any ``now`` after the history, each day's doable_from is exactly when some
    context's plan first has a step (the agenda assumes nothing new happens)."""
    progress = everything_rested_everywhere()
    now = (SATURDAY.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(BERLIN)
    for day in progress.agenda(now, days=days):
        if day.doable_from is None:
            continue
        assert runnable(progress, day.doable_from)
        assert day.doable_from in (now, day.starts_at) or not runnable(
            progress, day.doable_from - timedelta(microseconds=1)
        )
        assert day.allowed_from in (None, day.doable_from)
        assert day.due_from in (None, day.doable_from)


CHATHAM = ZoneInfo("Pacific/Chatham")
GAP_ZONES = ("Pacific/Chatham", "Australia/Lord_Howe", "Europe/Berlin", "America/New_York")


def test_day_start_in_a_gap_is_when_the_clocks_jump_past_it() -> None:
    """Chatham jumps from 02:45 to 03:45 on 27 Sep 2026: a day starting at 3 starts at 03:45."""
    policy = Policy(day_starts_hour=3, max_sessions_per_day=1)
    progress = Progress.start(PROGRAM, policy, catalog=CATALOG)
    start = datetime(2026, 9, 26, 22, 0, tzinfo=CHATHAM)
    runner = SessionRunner.start(progress.plan(start, "lying"), CATALOG, started_at=start)
    progress = progress.apply(runner.complete_remaining().finish(start.replace(minute=10)))
    jump = datetime(2026, 9, 27, 3, 45, tzinfo=CHATHAM)
    assert jump.utcoffset() == timedelta(hours=13, minutes=45)
    night = progress.plan(datetime(2026, 9, 27, 1, 0, tzinfo=CHATHAM), "lying")
    assert not night.allowed
    assert night.next_allowed_at == jump
    assert progress.plan(jump, "lying").allowed
    saturday, sunday = progress.agenda(datetime(2026, 9, 27, 1, 0, tzinfo=CHATHAM), days=2)
    assert saturday.ends_at == sunday.starts_at == jump
    assert (sunday.ends_at - sunday.starts_at) == timedelta(hours=23, minutes=15)


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(GAP_ZONES),
    hour=st.integers(0, 23),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
)
def test_a_day_starts_at_the_first_instant_plans_count_for_it(
    zone: str, hour: int, day: date
) -> None:
    """The agenda's day start and the plan's day agree in every zone, gap days included."""
    tz = ZoneInfo(zone)
    progress = Progress.start(PROGRAM, Policy(day_starts_hour=hour), catalog=CATALOG)
    noon = datetime.combine(day, time(12), tzinfo=tz)
    for agenda_day in progress.agenda(noon, days=2)[1:]:
        first = agenda_day.starts_at
        before = (first.astimezone(UTC) - timedelta(microseconds=1)).astimezone(tz)
        assert progress.plan(first, "lying").next_allowed_at is None
        assert progress.agenda(first, days=1)[0].date == agenda_day.date
        assert progress.agenda(before, days=1)[0].date == agenda_day.date - timedelta(days=1)
