"""The session runner: segments, cues, transitions, resume, and the event it yields."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchkit import (
    CueKind,
    EngineError,
    EventFormatError,
    Outcome,
    Progress,
    SessionRunner,
    SkipReason,
)
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS, session

BERLIN = ZoneInfo("Europe/Berlin")
T = datetime(2026, 4, 1, 8, 0, tzinfo=BERLIN)


def runner(**kw: object) -> SessionRunner:
    return SessionRunner.start("relief-lying", CATALOG, session_id="s1", started_at=T, **kw)  # type: ignore[arg-type]


def test_cues_follow_the_doses_sides_and_sequences_exactly() -> None:
    cues = [(c.offset_seconds, c.kind, c.text) for c in runner().cues()]
    assert cues == [
        (0, CueKind.STEP, "Chin tuck. Draw the chin straight back."),
        (0, CueKind.HOLD, "Hold, 10 seconds"),
        (10, CueKind.STEP, "Wall angel. Slide the arms up the wall."),
        (10, CueKind.ANGLE, "overhead (180°), 20 seconds"),
        (30, CueKind.ANGLE, "45 degrees (45°), 20 seconds"),
        (50, CueKind.STEP, "Doorway pec stretch. Forearm on the frame, step through."),
        (50, CueKind.SIDE, "Left side"),
        (50, CueKind.HOLD, "Hold, 30 seconds"),
        (80, CueKind.SIDE, "Right side"),
        (80, CueKind.HOLD, "Hold, 30 seconds"),
        (110, CueKind.STEP, "Bridge. Lift the hips."),
        (110, CueKind.REP, "Rep 1 of 3"),
        (113, CueKind.REP_HOLD, "Hold, 2 seconds"),
        (115, CueKind.REP, "Rep 2 of 3"),
        (118, CueKind.REP_HOLD, "Hold, 2 seconds"),
        (120, CueKind.REP, "Rep 3 of 3"),
        (123, CueKind.REP_HOLD, "Hold, 2 seconds"),
        (125, CueKind.STEP, "Belly breath. Breathe out slowly."),
        (125, CueKind.EXHALE, "Breath 1 of 2: breathe out"),
        (129, CueKind.BREATH_HOLD, "Hold the breath"),
        (131, CueKind.RELEASE, "Release"),
        (135, CueKind.EXHALE, "Breath 2 of 2: breathe out"),
        (139, CueKind.BREATH_HOLD, "Hold the breath"),
        (141, CueKind.RELEASE, "Release"),
        (145, CueKind.POSITION, "palms up, 5 seconds"),
        (150, CueKind.POSITION, "palms down, 5 seconds"),
        (155, CueKind.DONE, "Done. Well done."),
    ]
    assert runner().total_seconds == CATALOG.routine_duration("relief-lying")


def test_current_segment_walks_sides_angles_and_seconds() -> None:
    r = runner().complete()  # chin tuck
    seg = r.current
    assert seg is not None
    assert (seg.kind, seg.label, seg.degrees, seg.seconds) == (CueKind.ANGLE, "overhead", 180, 20)
    r = r.advance()
    assert r.current is not None
    assert r.current.degrees == 45
    r = r.advance()  # past the last angle: the step is completed
    assert r.results[-1].outcome is Outcome.COMPLETED
    assert r.current_name == "Doorway pec stretch"
    assert r.current is not None
    assert r.current.side == "left"
    r = r.advance()
    assert r.current is not None
    assert (r.current.side, r.current.seconds) == ("right", 30)


def test_a_plan_runner_skips_left_out_stretches_and_says_ease_in() -> None:
    p = Progress.start(PROGRAM, catalog=CATALOG)
    others = tuple(s for s in STRETCH_IDS if s != "bridge")
    p = p.apply(session(T, minutes=0, done=others, skipped={"bridge": SkipReason.PAIN}))
    resting = p.plan(T + timedelta(hours=1), "lying")
    r = SessionRunner.start(resting, CATALOG, session_id="s2", started_at=T + timedelta(hours=1))
    assert "bridge" not in [s.stretch_id for s in r.steps]
    back = p.plan(T + timedelta(hours=25), "lying")
    r = SessionRunner.start(back, CATALOG, session_id="s3", started_at=T + timedelta(hours=25))
    bridge = [c for c in r.cues() if c.kind is CueKind.STEP and c.text.startswith("Bridge")]
    assert bridge[0].text == "Bridge. Lift the hips. Ease in, stop if it hurts."


def test_finish_yields_the_session_event() -> None:
    r = runner(pain_before=3).complete().skip("discomfort").skip(SkipReason.NO_TIME)
    event = r.finish(T + timedelta(minutes=6), pain_after=1)
    s = event.session
    assert (event.id, event.at, s.started_at, s.pain_before, s.pain_after) == (
        "s1",
        T + timedelta(minutes=6),
        T,
        3,
        1,
    )
    assert [(x.stretch, x.outcome, x.reason) for x in s.steps] == [
        ("chin-tuck", Outcome.COMPLETED, None),
        ("wall-angel", Outcome.SKIPPED, SkipReason.DISCOMFORT),
        ("doorway-pec", Outcome.SKIPPED, SkipReason.NO_TIME),
    ]
    with pytest.raises(EngineError, match="before it started"):
        r.finish(T - timedelta(minutes=1))
    with pytest.raises(EngineError, match="reason must be one of"):
        r.skip("bored")


def test_no_step_left() -> None:
    r = runner()
    for _ in STRETCH_IDS:
        r = r.complete()
    assert r.finished_steps
    assert r.current is None
    for action in (r.complete, r.advance, lambda: r.skip("pain")):
        with pytest.raises(EngineError, match="every step"):
            action()


@given(st.lists(st.sampled_from(["advance", "complete", "pain", "no_time"]), max_size=40))
def test_resume_after_any_sequence_of_actions(actions: list[str]) -> None:
    r = runner(pain_before=2)
    for a in actions:
        if r.finished_steps:
            break
        r = r.advance() if a == "advance" else r.complete() if a == "complete" else r.skip(a)
        stored = json.loads(json.dumps(r.to_dict()))
        back = SessionRunner.from_dict(stored, CATALOG)
        assert back == r
        assert back.current == r.current


@pytest.mark.parametrize(
    "change",
    [
        {"format": 2},
        {"segment": 99},
        {"segment": "1"},
        {"started_at": "2026-04-01T08:00:00"},
        {"results": [{"stretch": "bridge", "outcome": "completed"}]},
        {"steps": [{"stretch_id": "bridge", "index": 0}]},
        {"routine_id": "nope"},
        {"steps": "x"},
    ],
)
def test_a_bad_stored_runner_is_refused_clearly(change: dict[str, object]) -> None:
    stored = runner().to_dict() | change
    with pytest.raises(EngineError):
        SessionRunner.from_dict(stored, CATALOG)


def test_from_dict_needs_an_object() -> None:
    with pytest.raises(EventFormatError):
        SessionRunner.from_dict([], CATALOG)  # type: ignore[arg-type]


def test_complete_remaining_for_simulations() -> None:
    r = runner().complete().complete_remaining({"bridge": "pain"})
    assert r.finished_steps
    assert [(x.stretch, x.reason) for x in r.results if x.outcome is Outcome.SKIPPED] == [
        ("bridge", SkipReason.PAIN)
    ]
    assert r.complete_remaining() is r
