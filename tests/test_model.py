"""The domain model: derived durations and the guards on values built in Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import stretchkit as sk

seconds = st.integers(min_value=1, max_value=3600)


def _stretch(dose: tuple[sk.Part, ...], sides: sk.Sides = sk.Sides.NONE) -> sk.Stretch:
    return sk.Stretch(
        id="s",
        name="S",
        instructions=["Do it."],
        position=sk.StartPosition.SEATED,
        dose=dose,
        sides=sides,
    )


@given(
    hold=seconds,
    reps=st.tuples(st.integers(1, 1000), seconds, st.integers(0, 3600)),
    breath=st.tuples(st.integers(1, 100), seconds, seconds, seconds),
    sides=st.sampled_from(sk.Sides),
)
def test_stretch_duration_is_the_sum_of_its_phases_per_side(
    hold: int,
    reps: tuple[int, int, int],
    breath: tuple[int, int, int, int],
    sides: sk.Sides,
) -> None:
    count, per_rep, top = reps
    rounds, exhale, held, release = breath
    dose: tuple[sk.Part, ...] = (
        sk.Hold(seconds=hold),
        sk.Reps(count=count, seconds_per_rep=per_rep, hold_seconds=top),
        sk.Breath(rounds=rounds, exhale_seconds=exhale, hold_seconds=held, release_seconds=release),
    )
    one_side = hold + count * (per_rep + top) + rounds * (exhale + held + release)
    expected = one_side * (2 if sides is sk.Sides.EACH else 1)
    assert _stretch(dose, sides).duration == expected


def test_angle_sequence_lasts_as_long_as_its_angles() -> None:
    heel_press = sk.AngleSequence(
        angles=[
            sk.Angle(label="Toe up", degrees=0, seconds=10),
            sk.Angle(label="Toe out", degrees=45, seconds=10),
            sk.Angle(label="Toe in", degrees=-45, seconds=10),
        ]
    )
    assert heel_press.duration == 30
    assert _stretch((heel_press,), sk.Sides.EACH).duration == 60


def test_a_dose_override_replaces_the_stretch_dose_but_keeps_its_sides() -> None:
    stretch = _stretch((sk.Hold(seconds=30),), sk.Sides.EACH)
    assert stretch.duration_with((sk.Hold(seconds=10),)) == 20
    assert stretch.duration_with(None) == 60


@pytest.mark.parametrize(
    "bad",
    [0, -1, 3601, True, 1.5, float("nan"), float("inf"), "30", None],
)
def test_hold_seconds_refuse_out_of_range_and_wrong_types(bad: object) -> None:
    with pytest.raises((TypeError, ValueError), match="seconds"):
        sk.Hold(seconds=bad)  # type: ignore[arg-type]


def test_duplicate_angle_labels_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        sk.AngleSequence(
            angles=[
                sk.Angle(label="Out", degrees=45, seconds=5),
                sk.Angle(label="out", degrees=90, seconds=5),
            ]
        )


@pytest.mark.parametrize("bad", ["Heel Press", "heel--press", "-heel", "", "a" * 65, "héel"])
def test_ids_must_be_slugs(bad: str) -> None:
    with pytest.raises(ValueError, match="slug"):
        sk.Variation(id=bad, name="Facing the wall")


def test_text_refuses_control_characters_and_blank() -> None:
    for bad in ["", "   ", "bad\x00text", "tab\there"]:
        with pytest.raises(ValueError, match="name"):
            sk.Variation(id="v", name=bad)


def test_model_classes_are_frozen_and_slotted() -> None:
    hold = sk.Hold(seconds=5)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        hold.seconds = 6  # type: ignore[misc]
    assert not hasattr(hold, "__dict__")


def test_model_classes_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        sk.Hold(5)  # type: ignore[misc]


def _session(**changes: object) -> sk.Session:
    start = datetime(2026, 3, 29, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    fields: dict[str, object] = {
        "id": "s1",
        "routine": "upper-back-sitting",
        "started_at": start,
        "ended_at": start + timedelta(minutes=3),
        "steps": [sk.StepResult(stretch="heel-press", outcome=sk.Outcome.COMPLETED)],
    }
    fields.update(changes)
    return sk.Session(**fields)  # type: ignore[arg-type]


def test_sessions_refuse_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _session(started_at=datetime(2026, 3, 29, 8, 0))


def test_sessions_refuse_ending_before_they_start() -> None:
    start = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="before it starts"):
        _session(started_at=start, ended_at=start - timedelta(seconds=1))


def test_a_skipped_step_needs_a_reason_and_a_completed_one_has_none() -> None:
    with pytest.raises(ValueError, match="without a reason"):
        sk.StepResult(stretch="a", outcome=sk.Outcome.SKIPPED)
    with pytest.raises(ValueError, match="carries a skip reason"):
        sk.StepResult(stretch="a", outcome=sk.Outcome.COMPLETED, reason=sk.SkipReason.PAIN)


def test_only_discomfort_and_pain_are_trouble() -> None:
    assert {r for r in sk.SkipReason if r.is_trouble} == {
        sk.SkipReason.DISCOMFORT,
        sk.SkipReason.PAIN,
    }


def test_a_session_counts_only_with_a_completed_step() -> None:
    skipped = sk.StepResult(stretch="a", outcome=sk.Outcome.SKIPPED, reason=sk.SkipReason.NO_TIME)
    assert not _session(steps=[skipped]).completed_any
    assert _session().completed_any


def test_relief_limits_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="below min_sessions_per_day"):
        sk.ReliefPhase(
            routines={sk.Context.SITTING: "r"}, min_sessions_per_day=3, max_sessions_per_day=2
        )


def test_every_context_maps_to_positions_and_levels_order_them() -> None:
    for context in sk.Context:
        assert context.positions
    assert (
        sk.StartPosition.SUPINE.level
        < sk.StartPosition.ALL_FOURS.level
        < sk.StartPosition.SEATED.level
    )
    assert sk.StartPosition.SEATED.level < sk.StartPosition.STANDING.level


def test_other_positions_widen_where_a_stretch_fits() -> None:
    heel_press = sk.Stretch(
        id="heel-press",
        name="Heel press",
        instructions=["Press one heel down."],
        position=sk.StartPosition.SEATED,
        other_positions=[sk.StartPosition.STANDING],
        dose=[sk.Hold(seconds=10)],
    )
    assert heel_press.positions == {sk.StartPosition.SEATED, sk.StartPosition.STANDING}
    for bad in ([sk.StartPosition.SEATED], [sk.StartPosition.PRONE, sk.StartPosition.PRONE]):
        with pytest.raises(ValueError, match="other_positions"):
            attrs.evolve(heel_press, other_positions=bad)
