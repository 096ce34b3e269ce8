"""A RuleBasedStateMachine: a user and a device clock drive the engine and the session runner.

The clock jumps forward and sometimes backwards; sessions are run through
:class:`SessionRunner` from the current plan and stored as events; after every
step the plan is checked against the plain oracle and a shuffled replay.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from stretchkit import (
    Context,
    Event,
    PainReported,
    Policy,
    Progress,
    SessionRunner,
    SkipReason,
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
]


def on_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    dt = instant.astimezone(zone)
    try:
        return check_local_time(dt)
    except TimeError:
        return dt.astimezone(timezone(dt.utcoffset()))  # type: ignore[arg-type]


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.policy = Policy.from_program(PROGRAM)
        self.progress = Progress.start(PROGRAM, catalog=CATALOG)
        self.events: list[Event] = []
        self.instant = datetime(2026, 10, 20, 7, 0, tzinfo=UTC)
        self.zone = ZONES[0]
        self.runner: SessionRunner | None = None
        self.n = 0

    @initialize(zone=st.sampled_from(ZONES), hours=st.integers(0, 24 * 20))
    def setup(self, zone: ZoneInfo, hours: int) -> None:
        self.zone = zone
        self.instant += timedelta(hours=hours)

    @property
    def now(self) -> datetime:
        return on_clock(self.instant, self.zone)

    def _new_id(self) -> str:
        self.n += 1
        return f"id-{self.n}"

    def _store(self, event: Event) -> None:
        # through JSON, as an app would store it
        event = event_from_dict(json.loads(json.dumps(event.to_dict())))
        self.events.append(event)
        self.progress = self.progress.apply(event)

    @rule(minutes=st.integers(-180, 60 * 30))
    def tick(self, minutes: int) -> None:
        """Time passes; a negative step is a device clock set back."""
        self.instant += timedelta(minutes=minutes)

    @rule(zone=st.sampled_from(ZONES))
    def travel(self, zone: ZoneInfo) -> None:
        self.zone = zone

    @rule(level=st.integers(0, 10) | st.just(0))
    def report(self, level: int) -> None:
        self._store(PainReported(id=self._new_id(), at=self.now, level=level))

    @rule(stretch=st.sampled_from(STRETCH_IDS))
    def reenable(self, stretch: str) -> None:
        self._store(StretchReenabled(id=self._new_id(), at=self.now, stretch_id=stretch))

    @precondition(lambda self: self.runner is None)
    @rule(context=st.sampled_from(list(Context)), pain_before=st.none() | st.integers(0, 4))
    def begin(self, context: Context, pain_before: int | None) -> None:
        plan = self.progress.plan(self.now, context)
        if plan.steps:
            self.runner = SessionRunner.start(
                plan,
                CATALOG,
                session_id=self._new_id(),
                started_at=self.now,
                pain_before=pain_before,
            )
            assert [s.stretch_id for s in self.runner.steps] == [s.stretch_id for s in plan.steps]

    @precondition(lambda self: self.runner is not None and not self.runner.finished_steps)
    @rule(
        action=st.sampled_from(["advance", "complete", "skip"]),
        reason=st.sampled_from(list(SkipReason)),
    )
    def act(self, action: str, reason: SkipReason) -> None:
        assert self.runner is not None
        before = self.runner
        if action == "advance":
            self.runner = before.advance()
        elif action == "complete":
            self.runner = before.complete()
        else:
            self.runner = before.skip(reason)
        assert len(self.runner.results) in (len(before.results), len(before.results) + 1)

    @precondition(lambda self: self.runner is not None)
    @rule()
    def restart_app(self) -> None:
        assert self.runner is not None
        stored = json.loads(json.dumps(self.runner.to_dict()))
        back = SessionRunner.from_dict(stored, CATALOG)
        assert back == self.runner
        assert back.current == self.runner.current
        assert back.cues() == self.runner.cues()

    @precondition(lambda self: self.runner is not None)
    @rule(minutes=st.integers(0, 90), pain_after=st.none() | st.integers(0, 4))
    def finish(self, minutes: int, pain_after: int | None) -> None:
        assert self.runner is not None
        end = on_clock(
            self.runner.started_at.astimezone(UTC) + timedelta(minutes=minutes), self.zone
        )
        event = self.runner.finish(end, pain_after=pain_after)
        assert event.session.steps == self.runner.results
        self.runner = None
        self._store(event)

    @invariant()
    def plan_follows_the_rules(self) -> None:
        for context in (Context.LYING, Context.SITTING):
            plan = self.progress.plan(self.now, context)
            Oracle(self.events, self.now, self.policy).check(plan, self.policy)

    @invariant()
    def replay_agrees(self) -> None:
        shuffled = self.events[:]
        random.Random(len(shuffled)).shuffle(shuffled)
        replayed = Progress.replay(PROGRAM, shuffled + shuffled[:3], catalog=CATALOG)
        assert replayed.state == self.progress.state

    @invariant()
    def runner_is_consistent(self) -> None:
        r = self.runner
        if r is None:
            return
        cues = r.cues()
        assert cues[-1].offset_seconds == r.total_seconds
        assert [c.offset_seconds for c in cues] == sorted(c.offset_seconds for c in cues)
        routine = CATALOG.routine(r.routine_id)
        stretches = CATALOG.stretch_by_id
        expected = sum(
            stretches[s.stretch_id].duration_with(routine.steps[s.index].dose) for s in r.steps
        )
        assert r.total_seconds == expected
        if r.finished_steps:
            assert r.current is None
        else:
            assert r.current is not None
            assert r.current_step == r.steps[len(r.results)]


# Fewer steps per run than Hypothesis' 50: every step replays the whole history twice.
EngineMachine.TestCase.settings = settings(stateful_step_count=30)
TestEngineMachine = EngineMachine.TestCase
