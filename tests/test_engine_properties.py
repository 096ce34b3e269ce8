"""Hypothesis properties of the engine: replay is a pure fold, and plans obey the rules."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from stretchkit import (
    Event,
    Outcome,
    PainReported,
    Policy,
    Progress,
    Session,
    SessionLogged,
    SkipReason,
    StepResult,
    StretchReenabled,
    TimeError,
    event_from_dict,
)
from stretchkit.engine import check_local_time
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS, Oracle

ZONES = [
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Tokyo"),
    ZoneInfo("America/Los_Angeles"),
    UTC,
    timezone(timedelta(hours=5, minutes=30)),
]
T0 = datetime(2026, 3, 26, 0, 0, tzinfo=UTC)  # the week around Europe's spring DST change
SPAN_MINUTES = 10 * 24 * 60

POLICIES = st.sampled_from(
    [
        Policy.from_program(PROGRAM),
        attrs.evolve(Policy.from_program(PROGRAM), pain_free_hours=2, rest_hours=1, max_tries=2),
        attrs.evolve(
            Policy.from_program(PROGRAM), pain_free_level=2, day_starts_hour=4, rest_backoff=1.5
        ),
    ]
)


def stamp(minutes: int, zone: object) -> datetime:
    """The instant T0 + minutes on the clock of ``zone`` (a fixed offset where ambiguous)."""
    dt = (T0 + timedelta(minutes=minutes)).astimezone(zone)  # type: ignore[arg-type]
    try:
        return check_local_time(dt)
    except TimeError:
        return dt.astimezone(timezone(dt.utcoffset()))  # type: ignore[arg-type]


# Coarse instants collide often, so same-instant reports (the "strictly after" rule) get tried.
minutes = st.integers(0, SPAN_MINUTES) | st.integers(0, SPAN_MINUTES // 360).map(lambda k: k * 360)
times = st.builds(stamp, minutes, st.sampled_from(ZONES))
levels = st.integers(0, 10) | st.integers(0, 2)
results = st.lists(
    st.tuples(
        st.sampled_from(STRETCH_IDS),
        st.sampled_from([None, *SkipReason]),
    ),
    max_size=6,
)


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    out: list[Event] = []
    for n in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["pain", "pain", "session", "session", "reenable"]))
        at = draw(times)
        eid = f"e{n}"
        if kind == "pain":
            out.append(PainReported(id=eid, at=at, level=draw(levels)))
        elif kind == "reenable":
            out.append(
                StretchReenabled(id=eid, at=at, stretch_id=draw(st.sampled_from(STRETCH_IDS)))
            )
        else:
            length = draw(st.sampled_from([0, 10, 45, 120]))
            end = (at.astimezone(UTC) + timedelta(minutes=length)).astimezone(at.tzinfo)
            try:
                check_local_time(end)
            except TimeError:
                end = end.astimezone(timezone(end.utcoffset()))  # type: ignore[arg-type]
            steps = [
                StepResult(stretch=s, outcome=Outcome.COMPLETED)
                if r is None
                else StepResult(stretch=s, outcome=Outcome.SKIPPED, reason=r)
                for s, r in draw(results)
            ]
            session = Session(
                id=eid,
                routine="relief-lying",
                started_at=at,
                ended_at=end,
                steps=steps,
                pain_before=draw(st.none() | levels),
                pain_after=draw(st.none() | levels),
            )
            out.append(SessionLogged(id=eid, session=session))
    return out


@given(events(), POLICIES, st.randoms(use_true_random=False), st.data())
def test_replay_is_order_independent_and_idempotent(
    history: list[Event], policy: Policy, rnd: random.Random, data: st.DataObject
) -> None:
    reference = Progress.replay(PROGRAM, history, policy, catalog=CATALOG)
    shuffled = history + rnd.sample(history, k=len(history) // 2)
    rnd.shuffle(shuffled)
    assert Progress.replay(PROGRAM, shuffled, policy, catalog=CATALOG).state == reference.state
    one_by_one = Progress.start(PROGRAM, policy, catalog=CATALOG)
    for event in shuffled:
        one_by_one = one_by_one.apply(event)
    assert one_by_one.state == reference.state
    assert one_by_one.events == reference.events
    again = reference.extend(shuffled)
    assert again is reference
    now = data.draw(times)
    assert one_by_one.plan(now, "lying") == reference.plan(now, "lying")


@given(events(), POLICIES, st.lists(times, min_size=1, max_size=4))
def test_plans_follow_the_rules(history: list[Event], policy: Policy, nows: list[datetime]) -> None:
    progress = Progress.replay(PROGRAM, history, policy, catalog=CATALOG)
    for now in nows:
        for context in ("lying", "sitting"):
            plan = progress.plan(now, context)
            Oracle(history, now, policy).check(plan, policy)


@given(events())
def test_events_survive_json(history: list[Event]) -> None:
    for event in history:
        text = json.dumps(event.to_dict())
        back = event_from_dict(json.loads(text))
        assert back == event
        assert (
            back.at.utcoffset() == event.at.utcoffset()
        )  # the offset is kept, not just the instant
        assert type(event).from_dict(json.loads(text)) == event


@given(events())
def test_sessions_are_written_as_the_library_converter_writes_them(history: list[Event]) -> None:
    """The hand-written event codec and the catalog converter agree on sessions."""
    from stretchkit.engine._codec import session_from_dict, session_to_dict
    from stretchkit.io._converter import converter

    for event in history:
        if isinstance(event, SessionLogged):
            mine = session_to_dict(event.session)
            assert mine == converter.unstructure(event.session)
            assert converter.structure(mine, Session) == session_from_dict(mine)
