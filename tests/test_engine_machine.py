"""A RuleBasedStateMachine: a user and a device clock drive the engine and the session runner.

The clock jumps forward and sometimes backwards; events are recorded on a phone
(with ``device``/``seq``) or without a device; sessions are run through
:class:`SessionRunner` from the current plan, with a variation the app chose, and
stored as events; after every step the plan is checked against the plain oracle, a
shuffled replay and the agenda.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from stretchkit import (
    Context,
    Event,
    NotAllowedError,
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
        self.seq = 0
        self.device: str | None = None

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

    def _where(self) -> tuple[str | None, int | None]:
        if self.device is None:
            return None, None
        self.seq += 1
        return self.device, self.seq

    @rule(device=st.none() | st.just("phone"))
    def switch_device(self, device: str | None) -> None:
        """The user moves between the phone (device order) and an app without one."""
        self.device = device

    def _store(self, event: Event) -> None:
        # through JSON, as an app would store it
        stored = event_from_dict(json.loads(json.dumps(event.to_dict())))
        # Equal to the live event all year, the repeated autumn hour included (times
        # compare by instant, a session's by instant and offset; see docs/engine.md):
        # Python's own == on the datetimes is False there (PEP 495).
        assert stored == event
        assert hash(stored) == hash(event)
        self.events.append(stored)
        self.progress = self.progress.apply(stored)
        assert self.progress.apply(event) is self.progress  # the live one is no conflict

    @rule(minutes=st.integers(-180, 60 * 30))
    def tick(self, minutes: int) -> None:
        """Time passes; a negative step is a device clock set back."""
        self.instant += timedelta(minutes=minutes)

    @rule(zone=st.sampled_from(ZONES))
    def travel(self, zone: ZoneInfo) -> None:
        self.zone = zone

    @rule(level=st.integers(0, 10) | st.just(0))
    def report(self, level: int) -> None:
        device, seq = self._where()
        self._store(
            PainReported(id=self._new_id(), at=self.now, level=level, device=device, seq=seq)
        )

    @rule(stretch=st.sampled_from(STRETCH_IDS))
    def reenable(self, stretch: str) -> None:
        device, seq = self._where()
        self._store(
            StretchReenabled(
                id=self._new_id(), at=self.now, stretch_id=stretch, device=device, seq=seq
            )
        )

    @precondition(lambda self: self.runner is None)
    @rule(
        context=st.sampled_from(list(Context)),
        pain_before=st.none() | st.integers(0, 4),
        variation=st.none() | st.sampled_from(["facing-the-wall", "lying"]),
        override=st.booleans(),
    )
    def begin(
        self, context: Context, pain_before: int | None, variation: str | None, override: bool
    ) -> None:
        plan = self.progress.plan(self.now, context)
        if any(s.stretch_id == "doorway-pec" for s in plan.steps):
            plan = plan.with_variation("doorway-pec", variation)
        refused = not plan.steps or (not plan.allowed and not override)
        try:
            runner = SessionRunner.start(
                plan,
                CATALOG,
                session_id=self._new_id(),
                started_at=self.now,
                pain_before=pain_before,
                override=override,
            )
        except NotAllowedError:
            assert refused
            return
        assert not refused or (override and plan.steps)
        assert [s.stretch_id for s in runner.steps] == [s.stretch_id for s in plan.steps]
        assert [s.variation for s in runner.steps] == [s.variation for s in plan.steps]
        self.runner = runner

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
        # The runner is state in progress, not an event: it has no equality of its
        # own. Compare its stored forms, and its start by instant and offset (the
        # rule events and sessions follow; Python's == fails in the repeated hour).
        assert back.to_dict() == self.runner.to_dict()
        assert back.started_at - self.runner.started_at == timedelta(0)
        assert back.started_at.utcoffset() == self.runner.started_at.utcoffset()
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
        if self.device is not None:
            device, seq = self._where()
            event = attrs.evolve(event, device=device, seq=seq)
        self.runner = None
        self._store(event)

    @invariant()
    def plan_follows_the_rules(self) -> None:
        for context in (Context.LYING, Context.SITTING):
            plan = self.progress.plan(self.now, context)
            Oracle(self.events, self.now, self.policy).check(plan, self.policy)

    @invariant()
    def agenda_agrees_with_the_plan(self) -> None:
        plan = self.progress.plan(self.now, Context.LYING)
        today, tomorrow = self.progress.agenda(self.now, days=2)
        assert today.today
        assert not tomorrow.today
        assert today.sessions_done == plan.sessions_today
        assert (today.due_from is not None) == plan.due
        assert (today.allowed_from is not None) == plan.allowed
        assert tomorrow.starts_at == today.ends_at
        assert tomorrow.allowed_from == tomorrow.starts_at
        if plan.next_allowed_at is not None:
            assert plan.next_allowed_at == tomorrow.starts_at
        back = {c.stretch_id for d in (today, tomorrow) for c in d.comebacks}
        resting = {lo.stretch_id for lo in plan.left_out if lo.until is not None}
        for lo in plan.left_out:
            if lo.until is not None and lo.until < tomorrow.ends_at:
                assert lo.stretch_id in back
        assert back <= resting | {s.stretch_id for s in plan.steps} | back

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
