"""Scenario tests for the engine's second round of rules (issue 10), with real zones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from stretchkit import (
    Context,
    CueKind,
    EngineError,
    NotAllowedError,
    PainReported,
    Policy,
    ProgramPhase,
    Progress,
    ReasonCode,
    SessionRunner,
    SkipReason,
    TimeError,
    event_from_dict,
)
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS, later, pain, reenable, session

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)


def start() -> Progress:
    return Progress.start(PROGRAM, catalog=CATALOG)


def codes(plan: object) -> set[str]:
    return {r.code.value for r in plan.reasons}  # type: ignore[attr-defined]


# -- daily counts belong to a phase ------------------------------------------------------


def test_relapse_day_the_relief_minimum_is_due_after_a_maintenance_warm_up() -> None:
    d = datetime(2026, 5, 4, 8, 0, tzinfo=BERLIN)
    p = start().extend([pain(d - 30 * H, 0), pain(d - 5 * H, 0)])  # maintenance since 03:00
    assert p.plan(d, "lying").phase is ProgramPhase.MAINTENANCE
    p = p.apply(session(d, routine="keep-lying", done=("wall-angel", "bridge")))
    warm = p.plan(d + H, "lying")
    assert (warm.sessions_today, warm.due) == (1, False)
    p = p.apply(pain(d + 2 * H, 4))  # 10:00: it hurts again
    plan = p.plan(d + 3 * H, "lying")
    assert plan.phase is ProgramPhase.RELIEF
    assert plan.sessions_today == 0  # the warm-up was a maintenance session
    assert plan.due
    assert plan.min_sessions_per_day == 2
    assert {ReasonCode.RELIEF_RELAPSE, ReasonCode.DAY_MINIMUM_DUE} <= codes(plan)


def test_transition_day_relief_sessions_do_not_use_up_the_maintenance_maximum() -> None:
    d = datetime(2026, 5, 4, 7, 0, tzinfo=BERLIN)
    p = start().apply(pain(d - 24 * H, 0))  # pain-free since yesterday 07:00
    for hour in (0, 1, 2):  # three relief sessions (the relief maximum) in the morning
        p = p.apply(session(d + hour * H))
    assert not p.plan(d + 3 * H, "lying").allowed
    p = p.apply(pain(d + 4 * H, 0))  # 11:00: the 24-hour rule is met
    plan = p.plan(d + 4 * H, "lying")
    assert plan.phase is ProgramPhase.MAINTENANCE
    assert (plan.sessions_today, plan.due, plan.allowed) == (0, True, True)
    p = p.apply(session(d + 5 * H, routine="keep-lying", done=("wall-angel",)))
    assert p.plan(d + 6 * H, "lying").sessions_today == 1


# -- the repeated autumn hour, as datetime.now returns it ----------------------------------


@pytest.mark.parametrize(
    ("zone", "utc_first"),
    [
        (BERLIN, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # 02:30 CEST, then 02:30 CET
        (NEW_YORK, datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # 01:30 EDT, then 01:30 EST
    ],
    ids=["berlin", "new-york"],
)
def test_the_repeated_hour_is_a_valid_now_and_event_time(
    zone: ZoneInfo, utc_first: datetime
) -> None:
    first = utc_first.astimezone(zone)  # what datetime.now(zone) returns then: fold=0
    second = (utc_first + H).astimezone(zone)  # an hour later, the same wall time: fold=1
    assert (first.fold, second.fold) == (0, 1)
    assert first.replace(tzinfo=None) == second.replace(tzinfo=None)
    p = start().apply(pain(first - 30 * H, 4)).apply(pain(first, 0))
    plan = p.plan(second, "lying")  # no TimeError
    assert plan.pain_free_since == first
    assert plan.now is second
    assert plan.maintenance_at is not None
    assert plan.maintenance_at.astimezone(UTC) == utc_first + 24 * H
    # a report in the second occurrence is an hour after one in the first
    p = p.apply(pain(second, 3))
    assert p.plan(second, "lying").pain_free_since is None
    assert p.plan(later(first, 0.5), "lying").pain_free_since == first
    # stored and read back, the offset keeps the instant
    back = event_from_dict(PainReported(id="x", at=second, level=0).to_dict())
    assert back.at.astimezone(UTC) == utc_first + H
    # sessions in both occurrences count for the same day
    both = start().extend([session(first, minutes=5), session(second, minutes=5)])
    assert both.plan(later(second, 1), "lying").sessions_today == 2


def test_the_spring_gap_is_still_refused() -> None:
    gap = datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN)
    for fold in (0, 1):
        with pytest.raises(TimeError, match="does not exist"):
            start().plan(gap.replace(fold=fold), "lying")
        with pytest.raises(TimeError, match="does not exist"):
            pain(gap.replace(fold=fold), 0)


# -- device order -------------------------------------------------------------------------


def test_a_clock_three_hours_fast_cannot_start_pain_free_too_early() -> None:
    # The phone's clock runs three hours fast until a correction at real 09:00.
    real = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    fast = later(real, 3)  # the phone writes 11:00
    ok = PainReported(id="a", at=fast, level=0, device="phone", seq=1)
    hurts = PainReported(id="b", at=later(real, 1.5), level=5, device="phone", seq=2)  # 09:30
    # by instant alone the later pain report would sort first: pain-free from 11:00
    naive = start().extend([PainReported(id=e.id, at=e.at, level=e.level) for e in (ok, hurts)])
    assert naive.plan(later(real, 4), "lying").pain_free_since == fast
    # with the device's order the pain report comes after: no pain-free evidence
    for order in ([ok, hurts], [hurts, ok], [hurts, ok, hurts]):
        p = start().extend(order)
        plan = p.plan(later(real, 4), "lying")
        assert plan.pain_free_since is None
        assert ReasonCode.RELIEF_NO_EVIDENCE in codes(plan)
        one_by_one = start()
        for e in order:
            one_by_one = one_by_one.apply(e)
        assert one_by_one.state == p.state
    # the report's effective instant is 11:00: before then it is not used yet
    assert start().extend([ok, hurts]).plan(later(real, 2), "lying").ignored_events == 2
    # a pain-free report from another device after 11:00 starts the clock
    tablet = PainReported(id="c", at=later(real, 4), level=0, device="tablet", seq=0)
    assert start().extend([ok, hurts, tablet]).plan(later(real, 5), "lying").pain_free_since == (
        later(real, 4)
    )


def test_a_late_event_of_a_device_moves_its_later_events() -> None:
    t = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    e1 = PainReported(id="e1", at=t, level=3, device="d", seq=1)
    e3 = PainReported(id="e3", at=later(t, 1), level=0, device="d", seq=3)
    e2 = PainReported(id="e2", at=later(t, 2), level=4, device="d", seq=2)  # arrives last
    p = start().apply(e1).apply(e3)
    assert p.plan(later(t, 3), "lying").pain_free_since == later(t, 1)
    p = p.apply(e2)  # seq 2 sits before seq 3, so e3 moves to e2's instant: still painful after
    assert p.plan(later(t, 3), "lying").pain_free_since is None
    assert p.state == Progress.replay(PROGRAM, [e3, e2, e1], catalog=CATALOG).state


def test_device_and_seq_go_together_and_are_stored() -> None:
    t = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    with pytest.raises(ValueError, match="seq"):
        PainReported(id="a", at=t, level=0, device="phone")
    with pytest.raises(ValueError, match="device"):
        PainReported(id="a", at=t, level=0, seq=3)
    e = PainReported(id="a", at=t, level=0, device="phone", seq=3)
    assert e.to_dict()["device"] == "phone"
    assert e.to_dict()["seq"] == 3
    assert event_from_dict(e.to_dict()) == e
    bad = {"type": "pain_reported", "id": "a", "at": t.isoformat(), "level": 0, "seq": 1}
    with pytest.raises(EngineError, match="'device' and 'seq' go together"):
        event_from_dict(bad)
    with pytest.raises(EngineError, match="/seq"):
        event_from_dict({**bad, "device": "p", "seq": -1})


# -- no silent plans ------------------------------------------------------------------------


def test_an_all_left_out_plan_says_so_and_names_what_can_be_done() -> None:
    t = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    troubled = dict.fromkeys(("chin-tuck", "wall-angel", "bridge"), SkipReason.DISCOMFORT)
    troubled["belly-breath"] = SkipReason.PAIN
    p = start().apply(session(t, minutes=0, done=("doorway-pec",), skipped=troubled))
    lying = p.plan(later(t, 1), "lying")
    assert [s.stretch_id for s in lying.steps] == ["doorway-pec"]
    p = p.apply(session(later(t, 1), minutes=0, done=(), skipped={"doorway-pec": SkipReason.PAIN}))
    plan = p.plan(later(t, 2), "lying")
    assert plan.steps == ()
    assert plan.doable_contexts == ()  # the sitting routine has the doorway stretch too
    message = next(r.message for r in plan.reasons if r.code is ReasonCode.ROUTINE_ALL_LEFT_OUT)
    assert "Relief, lying" in message
    assert "the first rest ends on" in message
    with pytest.raises(NotAllowedError, match="no step to do"):
        SessionRunner.start(plan, CATALOG, started_at=later(t, 2))
    # sitting has the chin tuck and the doorway stretch; once the chin tuck is back only
    # sitting can be done
    p = p.apply(reenable(later(t, 3), "chin-tuck"))
    plan = p.plan(later(t, 3), "lying")
    assert plan.doable_contexts == (Context.LYING, Context.SITTING)
    p2 = start().apply(
        session(t, minutes=0, done=(), skipped=dict.fromkeys(STRETCH_IDS, SkipReason.PAIN))
    )
    p2 = p2.apply(reenable(later(t, 1), "chin-tuck"))
    p2 = p2.apply(session(later(t, 1), minutes=0, done=(), skipped={"chin-tuck": SkipReason.PAIN}))
    assert p2.plan(later(t, 2), "sitting").steps == ()


def test_a_plan_that_is_not_allowed_is_refused_by_the_runner_unless_overridden() -> None:
    t = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    p = start().extend([session(later(t, h)) for h in (0, 1, 2)])  # the relief maximum (3)
    plan = p.plan(later(t, 3), "lying")
    assert not plan.allowed
    with pytest.raises(NotAllowedError, match="3 of at most 3") as info:
        SessionRunner.start(plan, CATALOG, started_at=later(t, 3))
    assert isinstance(info.value, EngineError)
    assert len(str(info.value)) < 300
    runner = SessionRunner.start(plan, CATALOG, started_at=later(t, 3), override=True)
    assert runner.steps


# -- plans speak to people ------------------------------------------------------------------


def test_reasons_name_stretches_and_write_dates_the_same_everywhere() -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
    p = start().apply(session(t, minutes=0, skipped={"bridge": SkipReason.DISCOMFORT}))
    plan = p.plan(later(t, 1), "lying")
    (left,) = plan.left_out
    assert (left.stretch_id, left.name) == ("bridge", "Bridge")
    assert left.reason.stretch_id == "bridge"
    assert left.reason.message.startswith("Bridge is resting for 24 hours")
    assert "Tue 2026-03-03 09:00 +01:00" in left.reason.message
    assert "bridge" not in plan.explain()
    assert [s.name for s in plan.steps][:2] == ["Chin tuck", "Wall angel"]
    assert plan.routine_name == "Relief, lying"
    assert "Relief, lying" in plan.explain()
    # the time to go before the 24-hour rule, and events stamped after now, as data
    p = start().extend([pain(t, 0), pain(later(t, 48), 0)])
    plan = p.plan(later(t, 20), "lying")
    assert plan.time_to_maintenance == timedelta(hours=4)
    assert plan.ignored_events == 1
    assert p.plan(later(t, 30), "lying").time_to_maintenance == timedelta(0)
    assert p.plan(later(t, 49), "lying").time_to_maintenance is None  # maintenance


# -- variations and cues ----------------------------------------------------------------------


def test_the_app_chooses_a_variation_and_the_runner_carries_it() -> None:
    t = datetime(2026, 6, 1, 8, 0, tzinfo=BERLIN)
    plan = start().plan(t, "lying")
    pec = next(s for s in plan.steps if s.stretch_id == "doorway-pec")
    assert pec.variation is None
    assert [v.id for v in pec.variations] == ["facing-the-wall", "lying"]
    chosen = plan.with_variation("doorway-pec", "facing-the-wall")
    pec = next(s for s in chosen.steps if s.stretch_id == "doorway-pec")
    assert (pec.variation, pec.variation_name) == ("facing-the-wall", "facing the wall")
    with pytest.raises(EngineError, match="no variation 'upside-down'"):
        plan.with_variation("doorway-pec", "upside-down")
    with pytest.raises(EngineError, match="no step of stretch"):
        plan.with_variation("neck-roll", None)
    runner = SessionRunner.start(chosen, CATALOG, session_id="v", started_at=t)
    step = next(s for s in runner.steps if s.stretch_id == "doorway-pec")
    assert step.variation == "facing-the-wall"
    cue = next(c for c in runner.cues() if c.text.startswith("Doorway"))
    assert cue.text == (
        "Doorway pec stretch, facing the wall. Forearm on the frame, step through. "
        "Face the wall, one hand on it."
    )
    back = SessionRunner.from_dict(json.loads(json.dumps(runner.to_dict())), CATALOG)
    assert back == runner
    assert back.cues() == runner.cues()
    # or straight at the runner; None is the stretch as written
    plain = SessionRunner.start(
        chosen, CATALOG, session_id="w", started_at=t, variations={"doorway-pec": None}
    )
    assert all(s.variation is None for s in plain.steps)
    with pytest.raises(EngineError, match="not a step here"):
        SessionRunner.start(plan, CATALOG, started_at=t, variations={"neck-roll": "x"})


def test_angle_cues_say_their_degrees() -> None:
    runner = SessionRunner.start(
        "relief-lying", CATALOG, started_at=datetime(2026, 6, 1, tzinfo=UTC)
    )
    angles = [c.text for c in runner.cues() if c.kind is CueKind.ANGLE]
    assert angles == ["overhead (180°), 20 seconds", "45 degrees (45°), 20 seconds"]


# -- the agenda -----------------------------------------------------------------------------


def test_the_agenda_across_the_autumn_change_in_berlin() -> None:
    # Saturday 24 October 2026, 20:00; clocks go back on Sunday night
    now = datetime(2026, 10, 24, 20, 0, tzinfo=BERLIN)
    t = datetime(2026, 10, 24, 9, 0, tzinfo=BERLIN)
    p = start().extend(
        [
            pain(t, 0),
            session(
                t,
                minutes=0,
                done=("chin-tuck",),
                skipped={"bridge": SkipReason.DISCOMFORT},
            ),
        ]
    )
    days = p.agenda(now, days=3)
    assert [d.date.isoformat() for d in days] == ["2026-10-24", "2026-10-25", "2026-10-26"]
    sat, sun, mon = days
    assert (sat.today, sun.today) == (True, False)
    assert sat.sessions_done == 1
    assert sat.due_from == now  # the relief minimum is two
    assert sat.allowed_from == now
    assert sun.ends_at - sun.starts_at == timedelta(hours=24)  # wall clock
    assert (sun.ends_at.astimezone(UTC) - sun.starts_at.astimezone(UTC)) == 25 * H
    assert sun.due_from == sun.starts_at == datetime(2026, 10, 25, tzinfo=BERLIN)
    # the bridge rests 24 elapsed hours from 09:00 Saturday: back at 08:00 on Sunday
    assert [(c.stretch_id, c.name, c.at) for c in sun.comebacks] == [
        ("bridge", "Bridge", datetime(2026, 10, 25, 8, 0, tzinfo=BERLIN))
    ]
    assert sat.comebacks == mon.comebacks == ()
    # the 24-hour rule can be met from Sunday 08:00 (24 elapsed hours after 09:00 CEST)
    assert sun.maintenance_from == datetime(2026, 10, 25, 8, 0, tzinfo=BERLIN)
    assert sat.maintenance_from is None
    assert mon.phase is ProgramPhase.RELIEF


def test_the_agenda_when_the_day_is_full_in_new_york() -> None:
    now = datetime(2026, 3, 7, 22, 0, tzinfo=NEW_YORK)  # the night before spring forward
    p = start().extend([session(datetime(2026, 3, 7, h, 0, tzinfo=NEW_YORK)) for h in (8, 12, 16)])
    today, sunday = p.agenda(now, days=2)
    assert today.allowed_from is None  # three of three
    assert today.due_from is None
    assert sunday.allowed_from == datetime(2026, 3, 8, tzinfo=NEW_YORK)
    assert sunday.ends_at.astimezone(UTC) - sunday.starts_at.astimezone(UTC) == 23 * H
    assert p.agenda(now, days=1) == (today,)  # pure: the same inputs, the same agenda
    with pytest.raises(EngineError, match="days must be an integer from 1 to 366"):
        p.agenda(now, days=0)


def test_the_agenda_follows_day_starts_hour() -> None:
    owl = attrs.evolve(Policy.from_program(PROGRAM), day_starts_hour=4)
    p = Progress.start(PROGRAM, owl, catalog=CATALOG)
    now = datetime(2026, 6, 2, 1, 30, tzinfo=BERLIN)  # still Monday for a late owl
    (monday,) = p.agenda(now, days=1)
    assert monday.date.isoformat() == "2026-06-01"
    assert monday.ends_at == datetime(2026, 6, 2, 4, 0, tzinfo=BERLIN)
