"""Scenario tests for each rule of the engine, with real zones (issue 3, "Done when")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest

from stretchkit import (
    Context,
    DuplicateEventError,
    Policy,
    ProgramPhase,
    Progress,
    ReasonCode,
    SkipReason,
    StretchStatus,
    TimeError,
)
from test_engine_support import (
    CATALOG,
    PROGRAM,
    STRETCH_IDS,
    elapsed,
    later,
    pain,
    reenable,
    session,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)


def start(policy: Policy | None = None) -> Progress:
    return Progress.start(PROGRAM, policy, catalog=CATALOG)


def codes(plan: object) -> set[str]:
    return {r.code.value for r in plan.reasons}  # type: ignore[attr-defined]


# -- the 24-hour rule ------------------------------------------------------------------


def test_exactly_24_hours_meets_the_rule_and_23h59_does_not() -> None:
    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    base = start().apply(pain(t0 - H, 4)).apply(pain(t0, 0))
    almost = base.apply(pain(t0 + timedelta(hours=23, minutes=59), 0))
    plan = almost.plan(t0 + 30 * H, Context.LYING)
    assert plan.phase is ProgramPhase.RELIEF
    assert plan.pain_free_since == t0
    assert plan.maintenance_at == t0 + 24 * H
    assert ReasonCode.RELIEF_CONFIRM in codes(plan)
    met = almost.apply(pain(t0 + 24 * H, 0)).plan(t0 + 24 * H, Context.LYING)
    assert met.phase is ProgramPhase.MAINTENANCE
    assert met.routine_id == "keep-lying"
    assert met.maintenance_at == t0 + 24 * H


def test_absence_of_reports_is_not_evidence() -> None:
    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    progress = start().apply(pain(t0, 0))
    plan = progress.plan(t0 + 24 * 30 * H, Context.LYING)
    assert plan.phase is ProgramPhase.RELIEF
    assert ReasonCode.RELIEF_CONFIRM in codes(plan)
    assert start().plan(t0, Context.LYING).pain_free_since is None


def test_pain_free_starts_strictly_after_the_last_painful_report() -> None:
    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    same = start().extend([pain(t0, 5), pain(t0, 0), pain(t0 + 24 * H, 0)])
    plan = same.plan(t0 + 24 * H, "lying")
    assert plan.phase is ProgramPhase.RELIEF
    assert plan.pain_free_since == t0 + 24 * H  # the report at t0 did not start it


def test_session_pain_counts_as_reports_at_its_start_and_end() -> None:
    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    s = session(t0, minutes=20, pain_before=3, pain_after=0)
    plan = start().apply(s).plan(t0 + H, "lying")
    assert plan.pain_free_since == t0 + timedelta(minutes=20)
    # a pain-free start is also a report: started pain-free, nothing painful since
    s2 = session(t0, minutes=20, pain_before=0)
    assert start().apply(s2).plan(t0 + H, "lying").pain_free_since == t0


def test_a_step_skipped_for_pain_is_a_painful_report_at_the_end() -> None:
    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    progress = start().extend(
        [
            pain(t0 - 30 * H, 0),
            session(
                t0,
                done=("chin-tuck",),
                skipped={"bridge": SkipReason.PAIN},
                pain_before=0,
                pain_after=0,
            ),
        ]
    )
    plan = progress.plan(t0 + H, "lying")
    assert plan.phase is ProgramPhase.RELIEF
    assert plan.pain_free_since is None  # pain_after at the same instant does not start it
    # discomfort is not pain: the clock keeps running
    other = start().extend(
        [pain(t0 - 30 * H, 0), session(t0, skipped={"bridge": SkipReason.DISCOMFORT})]
    )
    assert other.plan(t0 + H, "lying").pain_free_since == t0 - 30 * H


def test_relapse_in_maintenance_returns_to_relief_and_restarts_the_clock() -> None:
    t0 = datetime(2026, 6, 1, 9, 0, tzinfo=NEW_YORK)
    well = start().extend([pain(t0, 0), pain(t0 + 24 * H, 0)])
    assert well.plan(t0 + 25 * H, "lying").phase is ProgramPhase.MAINTENANCE
    relapse = well.apply(pain(t0 + 48 * H, 3))
    plan = relapse.plan(t0 + 49 * H, "lying")
    assert plan.phase is ProgramPhase.RELIEF
    assert plan.routine_id == "relief-lying"
    assert plan.pain_free_since is None
    assert plan.maintenance_at is None
    assert {ReasonCode.RELIEF_RELAPSE, ReasonCode.RELIEF_NO_EVIDENCE} <= codes(plan)
    again = relapse.extend([pain(t0 + 50 * H, 0), pain(t0 + 73 * H, 0)])
    plan = again.plan(t0 + 73 * H, "lying")
    assert plan.phase is ProgramPhase.RELIEF
    assert plan.maintenance_at == t0 + 74 * H
    assert again.apply(pain(t0 + 74 * H, 0)).plan(t0 + 74 * H, "lying").phase is (
        ProgramPhase.MAINTENANCE
    )


def test_maintenance_uses_the_maintenance_limits() -> None:
    t0 = datetime(2026, 6, 1, 7, 0, tzinfo=NEW_YORK)
    well = start().extend([pain(t0 - 48 * H, 0), pain(t0 - 24 * H, 0)])
    done = well.extend([session(t0 + i * H, routine="keep-lying") for i in range(2)])
    plan = done.plan(t0 + 3 * H, "lying")
    assert plan.phase is ProgramPhase.MAINTENANCE
    assert (plan.min_sessions_per_day, plan.max_sessions_per_day) == (1, 2)
    assert plan.sessions_today == 2
    assert not plan.allowed
    assert not plan.due
    assert plan.next_allowed_at == datetime(2026, 6, 2, 0, 0, tzinfo=NEW_YORK)


def test_pain_free_level_from_policy() -> None:
    t0 = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    policy = attrs.evolve(Policy.from_program(PROGRAM), pain_free_level=2)
    progress = start(policy).extend([pain(t0, 3), pain(t0 + H, 2), pain(t0 + 25 * H, 1)])
    assert progress.plan(t0 + 25 * H, "lying").phase is ProgramPhase.MAINTENANCE


# -- DST: 23- and 25-hour days, and local times that do not exist or repeat -----------------


@pytest.mark.parametrize(
    ("zone", "day"),
    [(BERLIN, datetime(2026, 3, 29)), (NEW_YORK, datetime(2026, 3, 8))],
    ids=["berlin", "new-york"],
)
def test_spring_forward(zone: ZoneInfo, day: datetime) -> None:
    before = datetime(day.year, day.month, day.day - 1, 12, 0, tzinfo=zone)
    after = datetime(day.year, day.month, day.day, 12, 0, tzinfo=zone)
    assert elapsed(before, after) == 23 * H  # same wall time, 23 elapsed hours
    p = start().extend([pain(before - H, 5), pain(before, 0), pain(after, 0)])
    assert p.plan(after, "lying").phase is ProgramPhase.RELIEF
    assert p.plan(after, "lying").maintenance_at == after + H
    assert p.apply(pain(after + H, 0)).plan(after + H, "lying").phase is ProgramPhase.MAINTENANCE
    # the 23-hour day is an ordinary day for the limits
    morning = datetime(day.year, day.month, day.day, 0, 30, tzinfo=zone)
    full = start().extend([session(morning + 4 * i * H) for i in range(3)])
    plan = full.plan(datetime(day.year, day.month, day.day, 23, 0, tzinfo=zone), "lying")
    assert plan.sessions_today == 3
    assert not plan.allowed
    assert plan.next_allowed_at == datetime(day.year, day.month, day.day + 1, tzinfo=zone)
    assert plan.next_allowed_at.utcoffset() == after.utcoffset()
    # a rest is elapsed time: 24 hours after 01:00 standard time is 02:00 summer time
    t = datetime(day.year, day.month, day.day, 1, 0, tzinfo=zone)
    rested = start().apply(session(t, minutes=0, skipped={"bridge": SkipReason.DISCOMFORT}))
    left = rested.plan(later(t, 1), "lying").left_out
    assert [lo.until for lo in left] == [later(t, 24)]
    assert left[0].until != t + 24 * H  # wall-clock arithmetic would be an hour late
    assert left[0].until.hour == 2  # type: ignore[union-attr]
    # the skipped hour does not exist
    gap = datetime(day.year, day.month, day.day, 2, 30, tzinfo=zone)
    with pytest.raises(TimeError, match="does not exist"):
        pain(gap, 0)
    with pytest.raises(TimeError, match="does not exist"):
        start().plan(gap, "lying")


@pytest.mark.parametrize(
    ("zone", "day", "repeated"),
    [(BERLIN, datetime(2026, 10, 25), 2), (NEW_YORK, datetime(2026, 11, 1), 1)],
    ids=["berlin", "new-york"],
)
def test_fall_back(zone: ZoneInfo, day: datetime, repeated: int) -> None:
    eve = day - timedelta(days=1)
    before = datetime(eve.year, eve.month, eve.day, 12, 0, tzinfo=zone)
    after = datetime(day.year, day.month, day.day, 12, 0, tzinfo=zone)
    assert elapsed(before, after) == 25 * H
    p = start().extend([pain(before, 0), pain(after - H, 0)])
    # 11:00 on the 25-hour day is already 24 elapsed hours after 12:00 the day before
    assert p.plan(after, "lying").phase is ProgramPhase.MAINTENANCE
    # the 25-hour day is an ordinary day
    morning = datetime(day.year, day.month, day.day, 0, 30, tzinfo=zone)
    full = start().extend([session(morning + 5 * i * H) for i in range(3)])
    plan = full.plan(datetime(day.year, day.month, day.day, 23, 30, tzinfo=zone), "lying")
    assert plan.sessions_today == 3
    assert not plan.allowed
    assert plan.next_allowed_at == datetime(day.year, day.month, day.day + 1, tzinfo=zone)
    # the repeated hour: fold says which instant (as datetime.now returns it); both usable
    twice = datetime(day.year, day.month, day.day, repeated, 30, tzinfo=zone)
    first, second = twice.replace(fold=0), twice.replace(fold=1)
    assert elapsed(first, second) == H
    assert start().apply(pain(first, 0)).apply(pain(second, 0)).plan(second, "lying")
    both = start().extend([session(first, minutes=5), session(second, minutes=5)])
    assert both.plan(after, "lying").sessions_today == 2
    # with an explicit offset it is the same instant
    fixed = second.replace(tzinfo=timezone(second.utcoffset()))  # type: ignore[arg-type]
    assert (
        start().apply(pain(fixed, 0, id="x")).state == start().apply(pain(second, 0, id="x")).state
    )


def test_naive_and_impossible_times_are_refused() -> None:
    with pytest.raises(TimeError, match="naive"):
        pain(datetime(2026, 1, 1, 12, 0), 0)
    with pytest.raises(TimeError, match="naive"):
        start().plan(datetime(2026, 1, 1, 12, 0), "lying")
    with pytest.raises(TimeError, match="impossible offset"):
        pain(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=15))), 0)
    with pytest.raises(TimeError, match="impossible offset"):
        pain(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=1, seconds=30))), 0)


# -- the day --------------------------------------------------------------------------


def test_sessions_just_before_and_after_local_midnight() -> None:
    midnight = datetime(2026, 7, 10, 0, 0, tzinfo=BERLIN)
    late = [session(midnight - timedelta(minutes=m), minutes=0.5) for m in (30, 10, 1)]
    p = start().extend(late)
    before = p.plan(midnight - timedelta(seconds=1), "lying")
    assert before.sessions_today == 3
    assert not before.allowed
    assert before.next_allowed_at == midnight
    after = p.plan(midnight, "lying")
    assert after.sessions_today == 0
    assert after.allowed
    assert after.due
    # a session started at 23:59:30 that ends after midnight counts for the day it started
    crossing = start().apply(session(midnight - timedelta(seconds=30), minutes=2))
    assert crossing.plan(midnight + H, "lying").sessions_today == 0
    assert crossing.plan(midnight + H - 24 * H, "lying").sessions_today == 0  # not ended yet
    assert crossing.plan(midnight + timedelta(minutes=2), "lying").sessions_today == 0
    yesterday = crossing.plan(midnight + timedelta(minutes=2), "lying")
    assert yesterday.allowed
    # with day_starts_hour=4, 00:30 and 03:59 still count for the evening before
    owl = attrs.evolve(Policy.from_program(PROGRAM), day_starts_hour=4)
    p = start(owl).extend(
        [
            session(midnight - 2 * H, minutes=1),
            session(midnight + timedelta(minutes=30), minutes=1),
            session(midnight + timedelta(hours=3, minutes=59), minutes=0.5),
        ]
    )
    plan = p.plan(midnight + timedelta(hours=3, minutes=59, seconds=50), "lying")
    assert plan.sessions_today == 3
    assert not plan.allowed
    assert plan.next_allowed_at == midnight + 4 * H
    assert p.plan(midnight + 4 * H, "lying").sessions_today == 0


def test_a_session_with_no_completed_step_does_not_count() -> None:
    t = datetime(2026, 7, 10, 9, 0, tzinfo=BERLIN)
    skipped = session(t, done=(), skipped={"bridge": SkipReason.NO_TIME})
    assert start().apply(skipped).plan(t + H, "lying").sessions_today == 0


def test_flight_from_tokyo_to_los_angeles_never_gives_a_fresh_day() -> None:
    # Monday 6 July 2026 in Tokyo: the daily maximum (3) by the afternoon
    tokyo_monday = [datetime(2026, 7, 6, h, 0, tzinfo=TOKYO) for h in (7, 11, 15)]
    p = start().extend([session(t) for t in tokyo_monday])
    assert not p.plan(datetime(2026, 7, 6, 18, 0, tzinfo=TOKYO), "lying").allowed
    # the 10-hour flight leaves at 18:00 and lands in Los Angeles on Monday 6 July, 12:00
    landed = later(datetime(2026, 7, 6, 18, 0, tzinfo=TOKYO), 10).astimezone(LOS_ANGELES)
    assert (landed.month, landed.day, landed.hour) == (7, 6, 12)
    plan = p.plan(landed, "lying")
    assert plan.sessions_today == 3  # Monday's sessions, read in Tokyo's offset
    assert not plan.allowed
    assert plan.next_allowed_at == datetime(2026, 7, 7, 0, 0, tzinfo=LOS_ANGELES)
    assert ReasonCode.DAY_LIMIT_REACHED in codes(plan)
    tuesday = p.plan(datetime(2026, 7, 7, 8, 0, tzinfo=LOS_ANGELES), "lying")
    assert tuesday.sessions_today == 0
    assert tuesday.allowed
    # the events keep their offsets through JSON, so stored history gives the same answer
    from stretchkit import event_from_dict

    again = start().extend([event_from_dict(e.to_dict()) for e in p.events])
    assert again.plan(landed, "lying") == plan


def test_a_device_clock_that_goes_backwards() -> None:
    t0 = datetime(2026, 9, 1, 9, 0, tzinfo=BERLIN)
    # the device thought it was next year for a while, then was set right
    wrong = [pain(t0 + 365 * 24 * H, 0), pain(t0 + 366 * 24 * H, 0), session(t0 + 8760 * H)]
    p = start().extend([pain(t0 - H, 6), *wrong])
    plan = p.plan(t0 + H, "lying")
    assert plan.phase is ProgramPhase.RELIEF  # next year's reports satisfy nothing now
    assert plan.pain_free_since is None
    assert plan.sessions_today == 0
    assert ReasonCode.FUTURE_EVENTS_IGNORED in codes(plan)
    # then events arrive with earlier stamps than the latest: same state as a replay
    later = p.apply(pain(t0 + 2 * H, 0)).apply(session(t0 + 3 * H)).apply(pain(t0 + 26 * H, 0))
    replayed = Progress.replay(PROGRAM, reversed(later.events), catalog=CATALOG)
    assert later.state == replayed.state
    plan = later.plan(t0 + 27 * H, "lying")
    assert plan.phase is ProgramPhase.MAINTENANCE
    assert plan == replayed.plan(t0 + 27 * H, "lying")


# -- skip and reintroduce ---------------------------------------------------------------


def test_rest_backoff_park_and_reenable() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    trouble = {"bridge": SkipReason.DISCOMFORT}
    others = tuple(s for s in STRETCH_IDS if s != "bridge")
    p = start()
    expected_rests = [24, 48, 72]  # 24, 48, then 96 capped at max_rest_hours=72
    for n, rest in enumerate(expected_rests, start=1):
        p = p.apply(session(t, minutes=0, done=others, skipped=trouble))
        plan = p.plan(t + H, "lying")
        assert "bridge" not in [s.stretch_id for s in plan.steps]
        [left] = plan.left_out
        assert (left.stretch_id, left.state, left.until) == (
            "bridge",
            StretchStatus.RESTING,
            t + rest * H,
        )
        assert f"try {n} of 4" in left.reason.message
        just_before = p.plan(t + rest * H - timedelta(seconds=1), "lying")
        assert [lo.stretch_id for lo in just_before.left_out] == ["bridge"]
        back = p.plan(t + rest * H, "lying")
        assert not back.left_out
        [step] = [s for s in back.steps if s.stretch_id == "bridge"]
        assert step.reintroduced
        assert step.index == 3
        assert ReasonCode.STRETCH_REINTRODUCED in codes(back)
        t = t + rest * H
    p = p.apply(session(t, minutes=0, done=others, skipped=trouble))
    parked = p.plan(t + 1000 * H, "lying")
    [left] = parked.left_out
    assert (left.state, left.until, left.reason.code) == (
        StretchStatus.PARKED,
        None,
        ReasonCode.STRETCH_PARKED,
    )
    # doing it anyway does not unpark it; re-enabling does
    p = p.apply(session(t + 2 * H, minutes=0))
    assert parked.left_out == p.plan(t + 1000 * H, "lying").left_out
    p = p.apply(reenable(t + 3 * H, "bridge"))
    plan = p.plan(t + 3 * H, "lying")
    assert not plan.left_out
    assert [s.stretch_id for s in plan.steps if s.reintroduced] == ["bridge"]
    # completed on return: active again, and the count starts over (24 hours next time)
    p = p.apply(session(t + 4 * H, minutes=0))
    assert not any(s.reintroduced for s in p.plan(t + 5 * H, "lying").steps)
    p = p.apply(session(t + 6 * H, minutes=0, done=others, skipped=trouble))
    assert p.plan(t + 7 * H, "lying").left_out[0].until == t + 30 * H


def test_trouble_on_return_backs_off_and_completion_resets() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    trouble = {"wall-angel": SkipReason.PAIN}
    others = tuple(s for s in STRETCH_IDS if s != "wall-angel")
    p = start().apply(session(t, minutes=0, done=others, skipped=trouble))
    p = p.apply(session(t + 24 * H, minutes=0))  # completed on return
    p = p.apply(session(t + 25 * H, minutes=0, done=others, skipped=trouble))
    assert p.plan(t + 26 * H, "lying").left_out[0].until == t + 49 * H  # 24 h again


@pytest.mark.parametrize(
    "reason", [SkipReason.NO_EQUIPMENT, SkipReason.NO_TIME, SkipReason.USER_CHOICE]
)
def test_other_skip_reasons_rest_nothing(reason: SkipReason) -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=TOKYO)
    p = start().apply(session(t, done=("chin-tuck",), skipped={"bridge": reason}))
    plan = p.plan(t + H, "lying")
    assert not plan.left_out
    assert [s.stretch_id for s in plan.steps] == list(STRETCH_IDS)


def test_every_stretch_left_out_is_said_not_silent() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    all_trouble = dict.fromkeys(("chin-tuck", "doorway-pec"), SkipReason.DISCOMFORT)
    p = start().apply(session(t, routine="relief-sitting", done=(), skipped=all_trouble))
    plan = p.plan(t + H, Context.SITTING)
    assert plan.steps == ()
    assert {lo.stretch_id for lo in plan.left_out} == {"chin-tuck", "doorway-pec"}
    assert ReasonCode.ROUTINE_ALL_LEFT_OUT in codes(plan)
    lying = p.plan(t + H, Context.LYING)
    assert len(lying.steps) == 3


# -- history hygiene --------------------------------------------------------------------


def test_duplicates_are_ignored_and_conflicts_named() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    p = start().extend([pain(t, 3, id="a"), pain(t + H, 0, id="b")])
    assert p.apply(pain(t, 3, id="a")) is p
    assert p.extend([pain(t, 3, id="a"), pain(t + H, 0, id="b")]) is p
    # the same instant written with another offset is the same content
    same = pain(t.astimezone(TOKYO), 3, id="a")
    assert p.apply(same) is p
    with pytest.raises(DuplicateEventError, match="'a'") as info:
        p.apply(pain(t, 4, id="a"))
    assert info.value.event_id == "a"
    with pytest.raises(DuplicateEventError, match="'c'"):
        Progress.replay(PROGRAM, [pain(t, 1, id="c"), pain(t + H, 1, id="c")], catalog=CATALOG)
    assert len(p) == 2
    assert p.plan(t + 2 * H, "lying").pain_free_since == t + H


def test_branches_do_not_see_each_other() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    base = start().apply(pain(t, 3))
    left = base.apply(pain(t + H, 0, id="x"))
    right = base.apply(pain(t + H, 5, id="x"))  # same id on another branch: no conflict
    assert left.plan(t + 2 * H, "lying").pain_free_since == t + H
    assert right.plan(t + 2 * H, "lying").pain_free_since is None
    assert base.plan(t + 2 * H, "lying").pain_free_since is None
    assert len(base) == 1


def test_context_fallback_and_unknown_context() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    plan = start().plan(t, Context.STANDING)
    assert plan.routine_id == "relief-lying"
    assert ReasonCode.ROUTINE_CONTEXT_FALLBACK in codes(plan)
    from stretchkit import EngineError

    with pytest.raises(EngineError, match="context must be one of"):
        start().plan(t, "upside-down")
    # no plan is silently empty: a progress needs the catalog, and one that lacks the
    # program's routines is refused
    with pytest.raises(EngineError, match="a Progress needs catalog="):
        Progress.start(PROGRAM)
    with pytest.raises(EngineError, match="a Progress needs catalog="):
        Progress.replay(PROGRAM, [])
    with pytest.raises(EngineError, match="catalog must be the Catalog"):
        Progress.start(PROGRAM, catalog=PROGRAM)  # type: ignore[arg-type]
    bare = attrs.evolve(CATALOG, routines=CATALOG.routines[1:])
    with pytest.raises(EngineError, match="'relief-lying', which is not in the catalog"):
        Progress.start(PROGRAM, catalog=bare)
    with pytest.raises(EngineError, match="not in the catalog"):
        start().plan(t, "lying", catalog=bare)


def test_a_session_sits_in_history_at_its_end_whatever_its_stamp() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    ended = session(t, minutes=30, pain_after=0)
    stamped_at_start = attrs.evolve(ended, at=t)
    for event in (ended, stamped_at_start):
        p = start().extend([pain(t + timedelta(minutes=10), 3), event])
        assert p.plan(t + H, "lying").pain_free_since == t + timedelta(minutes=30)
        assert p.plan(t + timedelta(minutes=20), "lying").sessions_today == 0


def test_one_more_in_order_apply_does_not_copy_the_history() -> None:
    """The cost of apply() does not grow with history: the log is shared, not copied."""
    t = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    p = start().extend(pain(t + i * H, i % 3) for i in range(500))
    q = p.apply(pain(t + 600 * H, 0))
    assert q._chunks[-1] is p._chunks[-1]  # appended in place behind p's view
    assert len(p) == 500
    assert len(q) == 501
    assert p.events == q.events[:500]
    # applying the same event to the same view again shares the log too
    again = p.apply(pain(t + 600 * H, 0, id=q.events[-1].id))
    assert again._chunks[-1] is p._chunks[-1]
    assert again.state == q.state
    # applying to an older view branches off without disturbing either
    r = p.apply(pain(t + 601 * H, 5))
    assert r._chunks[-1] is not p._chunks[-1]
    assert q.plan(t + 700 * H, "lying").pain_free_since == t + 600 * H
    assert r.plan(t + 700 * H, "lying").pain_free_since is None
    # an out-of-order event refolds from a checkpoint and equals a replay
    s = q.apply(pain(t + 10.5 * H, 9))
    assert s.state == Progress.replay(PROGRAM, s.events, catalog=CATALOG).state


def test_reenabling_an_active_stretch_changes_nothing_and_ends_a_rest() -> None:
    t = datetime(2026, 2, 2, 8, 0, tzinfo=BERLIN)
    p = start().apply(reenable(t, "bridge"))
    assert not any(s.reintroduced for s in p.plan(t + H, "lying").steps)
    others = tuple(s for s in STRETCH_IDS if s != "bridge")
    p = p.apply(session(t + H, minutes=0, done=others, skipped={"bridge": SkipReason.PAIN}))
    assert p.plan(t + 2 * H, "lying").left_out
    p = p.apply(reenable(t + 2 * H, "bridge"))
    plan = p.plan(t + 2 * H, "lying")
    assert not plan.left_out
    assert [s.stretch_id for s in plan.steps if s.reintroduced] == ["bridge"]
