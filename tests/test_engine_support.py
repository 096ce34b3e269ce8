"""Builders shared by the engine tests: a small catalog and event helpers (no tests here)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from stretchkit import (
    AngleSequence,
    Breath,
    Catalog,
    Context,
    Hold,
    MaintenancePhase,
    Outcome,
    PositionSequence,
    Program,
    Reintroduction,
    ReliefPhase,
    Reps,
    Routine,
    RoutineStep,
    Session,
    Sides,
    SkipReason,
    StepResult,
    Stretch,
    Variation,
)
from stretchkit.engine import PainReported, SessionLogged, StretchReenabled
from stretchkit.model import Angle, NamedPosition, StartPosition

STRETCHES = (
    Stretch(
        id="chin-tuck",
        name="Chin tuck",
        instructions=("Draw the chin straight back.",),
        position=StartPosition.SUPINE,
        dose=(Hold(seconds=10),),
    ),
    Stretch(
        id="wall-angel",
        name="Wall angel",
        instructions=("Slide the arms up the wall.",),
        position=StartPosition.SUPINE,
        dose=(
            AngleSequence(
                angles=(
                    Angle(label="overhead", degrees=180, seconds=20),
                    Angle(label="45 degrees", degrees=45, seconds=20),
                )
            ),
        ),
    ),
    Stretch(
        id="doorway-pec",
        name="Doorway pec stretch",
        instructions=("Forearm on the frame, step through.",),
        position=StartPosition.SUPINE,
        sides=Sides.EACH,
        dose=(Hold(seconds=30),),
        variations=(
            Variation(
                id="facing-the-wall",
                name="facing the wall",
                instructions=("Face the wall, one hand on it.",),
            ),
            Variation(id="lying", name="lying on a roll"),
        ),
    ),
    Stretch(
        id="bridge",
        name="Bridge",
        instructions=("Lift the hips.",),
        position=StartPosition.SUPINE,
        dose=(Reps(count=3, seconds_per_rep=3, hold_seconds=2),),
    ),
    Stretch(
        id="belly-breath",
        name="Belly breath",
        instructions=("Breathe out slowly.",),
        position=StartPosition.SUPINE,
        dose=(
            Breath(rounds=2, exhale_seconds=4, hold_seconds=2, release_seconds=4),
            PositionSequence(
                positions=(
                    NamedPosition(label="palms up", seconds=5),
                    NamedPosition(label="palms down", seconds=5),
                )
            ),
        ),
    ),
)
STRETCH_IDS = tuple(s.id for s in STRETCHES)

ROUTINES = (
    Routine(
        id="relief-lying",
        name="Relief, lying",
        context=Context.LYING,
        minutes=5,
        steps=tuple(RoutineStep(stretch=s) for s in STRETCH_IDS),
    ),
    Routine(
        id="relief-sitting",
        name="Relief, sitting",
        context=Context.SITTING,
        minutes=2,
        steps=(RoutineStep(stretch="chin-tuck"), RoutineStep(stretch="doorway-pec")),
    ),
    Routine(
        id="keep-lying",
        name="Maintenance, lying",
        context=Context.LYING,
        minutes=2,
        steps=(RoutineStep(stretch="wall-angel"), RoutineStep(stretch="bridge")),
    ),
)

PROGRAM = Program(
    id="test-program",
    name="Test program",
    relief=ReliefPhase(
        routines={Context.LYING: "relief-lying", Context.SITTING: "relief-sitting"},
        min_sessions_per_day=2,
        max_sessions_per_day=3,
    ),
    maintenance=MaintenancePhase(
        routines={Context.LYING: "keep-lying"}, min_sessions_per_day=1, max_sessions_per_day=2
    ),
    reintroduction=Reintroduction(rest_hours=24, rest_backoff=2, max_rest_hours=72, max_tries=4),
)

CATALOG = Catalog(stretches=STRETCHES, routines=ROUTINES, programs=(PROGRAM,))

_ids = itertools.count()


def new_id(prefix: str = "e") -> str:
    return f"{prefix}-{next(_ids)}"


def pain(at: datetime, level: int, id: str | None = None) -> PainReported:
    return PainReported(id=id or new_id("pain"), at=at, level=level)


def session(
    start: datetime,
    *,
    minutes: float = 10,
    routine: str = "relief-lying",
    done: tuple[str, ...] = STRETCH_IDS,
    skipped: dict[str, SkipReason] | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    id: str | None = None,
) -> SessionLogged:
    steps = [StepResult(stretch=s, outcome=Outcome.COMPLETED) for s in done]
    steps += [
        StepResult(stretch=s, outcome=Outcome.SKIPPED, reason=r) for s, r in (skipped or {}).items()
    ]
    sid = id or new_id("session")
    end = later(start, minutes / 60)  # elapsed time: keeps the repeated hour's fold right
    return SessionLogged(
        id=sid,
        session=Session(
            id=sid,
            routine=routine,
            started_at=start,
            ended_at=end,
            steps=tuple(steps),
            pain_before=pain_before,
            pain_after=pain_after,
        ),
    )


def reenable(at: datetime, stretch_id: str, id: str | None = None) -> StretchReenabled:
    return StretchReenabled(id=id or new_id("reenable"), at=at, stretch_id=stretch_id)


def later(dt: datetime, hours: float) -> datetime:
    """``hours`` of elapsed time after ``dt``, on the wall clock of ``dt``'s zone.

    (``dt + timedelta`` on a zoned datetime moves the wall clock, not real time.)
    """
    from datetime import UTC

    return (dt.astimezone(UTC) + timedelta(hours=hours)).astimezone(dt.tzinfo)


def elapsed(a: datetime, b: datetime) -> timedelta:
    from datetime import UTC

    return b.astimezone(UTC) - a.astimezone(UTC)


# -- an oracle: the rules of issue 3 computed from scratch, slowly and plainly ----------------

from stretchkit.engine import Event, Plan, Policy  # noqa: E402
from stretchkit.engine._time import day_of, instant  # noqa: E402

HOUR_US = 3_600_000_000


class Oracle:
    """What a plan at ``now`` must say, recomputed from all events with no cleverness."""

    def __init__(self, events: list[Event], now: datetime, policy: Policy) -> None:
        now_us = instant(now)

        own = {
            e.id: instant(e.session.ended_at if isinstance(e, SessionLogged) else e.at)
            for e in events
        }
        eff = dict(own)  # a device's events sit no earlier than the device's previous one
        unique = list({e.id: e for e in events}.values())
        for device in {e.device for e in unique if e.device is not None}:
            latest = None
            for e in sorted((e for e in unique if e.device == device), key=lambda e: (e.seq, e.id)):
                latest = own[e.id] if latest is None else max(latest, own[e.id])
                eff[e.id] = latest

        def when(e: Event) -> int:  # a session sits in history at its (effective) end
            return eff[e.id]

        seen = [e for e in unique if when(e) <= now_us]
        seen.sort(key=lambda e: (when(e), e.device or "", e.seq or 0, e.id))
        level = policy.pain_free_level
        need = policy.pain_free_hours * HOUR_US

        def reports_of(e: Event) -> list[tuple[int, bool]]:
            if isinstance(e, PainReported):
                return [(when(e), e.level > level)]
            if not isinstance(e, SessionLogged):
                return []
            s = e.session
            shift = when(e) - own[e.id]
            out = []
            if s.pain_before is not None:
                out.append((instant(s.started_at) + shift, s.pain_before > level))
            if any(r.reason is SkipReason.PAIN for r in s.steps):
                out.append((when(e), True))
            if s.pain_after is not None:
                out.append((when(e), s.pain_after > level))
            return out

        def met_by(reports: list[tuple[int, bool]]) -> int | None:
            painful = [t for t, p in reports if p]
            last = max(painful) if painful else None
            free = sorted(t for t, p in reports if not p and (last is None or t > last))
            return next((t for t in free if t - free[0] >= need), None)

        reports: list[tuple[int, bool]] = []
        today = day_of(now, policy.day_starts_hour)
        counts = [0, 0]  # today's relief and maintenance sessions
        for e in seen:
            if isinstance(e, SessionLogged) and e.session.completed_any:
                start = instant(e.session.started_at) + when(e) - own[e.id]
                met = met_by(reports)
                if day_of(e.session.started_at, policy.day_starts_hour) == today:
                    counts[met is not None and met <= start] += 1
            reports += reports_of(e)
        painful = [t for t, p in reports if p]
        last = max(painful) if painful else None
        free = sorted(t for t, p in reports if not p and (last is None or t > last))
        self.pain_free_since = free[0] if free else None
        self.met = met_by(reports) is not None
        self.sessions_today = counts[self.met]
        # stretches: (tries, rest_until, parked, returning)
        st: dict[str, tuple[int, int | None, bool, bool]] = {}
        for e in seen:
            if isinstance(e, StretchReenabled):
                if st.get(e.stretch_id, (0, None, False, False)) != (0, None, False, False):
                    st[e.stretch_id] = (0, None, False, True)
            elif isinstance(e, SessionLogged):
                bad = {
                    r.stretch
                    for r in e.session.steps
                    if r.reason is not None and r.reason.is_trouble
                }
                good = {r.stretch for r in e.session.steps if r.outcome is Outcome.COMPLETED} - bad
                for sid in bad:
                    tries, _, parked, _ = st.get(sid, (0, None, False, False))
                    if parked:
                        continue
                    tries += 1
                    if tries >= policy.max_tries:
                        st[sid] = (tries, None, True, False)
                    else:
                        hours = min(
                            policy.rest_hours * policy.rest_backoff ** (tries - 1),
                            policy.max_rest_hours,
                        )
                        st[sid] = (tries, when(e) + round(hours * HOUR_US), False, True)
                for sid in good:
                    if not st.get(sid, (0, None, False, False))[2]:
                        st[sid] = (0, None, False, False)
        self.parked = {sid for sid, v in st.items() if v[2]}
        self.resting = {sid for sid, v in st.items() if v[1] is not None and v[1] > now_us} - (
            self.parked
        )
        self.returning = {sid for sid, v in st.items() if v[3]} - self.parked - self.resting

    def check(self, plan: Plan, policy: Policy) -> None:
        """Every invariant of issue 3 that a single plan must satisfy."""
        assert (plan.phase.value == "maintenance") == self.met
        since = plan.pain_free_since
        assert (None if since is None else instant(since)) == self.pain_free_since
        assert plan.sessions_today == self.sessions_today
        for step in plan.steps:
            assert step.stretch_id not in self.resting, step
            assert step.stretch_id not in self.parked, step
            assert step.reintroduced == (step.stretch_id in self.returning), step
        for lo in plan.left_out:
            expected = self.parked if lo.state.value == "parked" else self.resting
            assert lo.stretch_id in expected, lo
            if lo.until is not None:
                assert instant(lo.until) > instant(plan.now)
        if plan.allowed:
            assert plan.sessions_today < plan.max_sessions_per_day
            assert plan.next_allowed_at is None
        else:
            assert plan.sessions_today >= plan.max_sessions_per_day
            assert plan.next_allowed_at is not None
            assert instant(plan.next_allowed_at) > instant(plan.now)
        assert plan.due == (plan.sessions_today < plan.min_sessions_per_day)
        if not plan.steps:
            assert any(r.code.value == "routine-all-left-out" for r in plan.reasons)
        limits = (
            (policy.maintenance_min_sessions_per_day, policy.maintenance_max_sessions_per_day)
            if self.met
            else (policy.min_sessions_per_day, policy.max_sessions_per_day)
        )
        assert (plan.min_sessions_per_day, plan.max_sessions_per_day) == limits
