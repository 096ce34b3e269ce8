"""The public Hypothesis strategies give valid, well-formed values of every model type.

``catalogs()`` (and with it ``programs()``) is exercised by tests/test_schema.py
(schema-valid, no semantic issue, unique ids) and tests/test_converter.py (round
trip): generating catalogs is the slow part, so those properties share runs.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import stretchkit.strategies as sks
from stretchkit import Event, Policy, Progress, event_from_dict
from stretchkit.engine import check_local_time
from stretchkit.model import (
    PART_KINDS,
    Angle,
    Breath,
    Context,
    Hold,
    Media,
    NamedPosition,
    Outcome,
    Reintroduction,
    Reps,
    Routine,
    Session,
    StepResult,
    Stretch,
    Variation,
)
from stretchkit.model._bounds import whole_range
from stretchkit.model._validators import label, slug, text
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS


def test_all_names_are_exported_and_sorted() -> None:
    assert sks.__all__ == sorted(sks.__all__)
    for name in sks.__all__:
        assert callable(getattr(sks, name))


def _ok(check: Any, value: str) -> None:
    check(None, _Attribute(), value)


class _Attribute:
    name = "value"


@given(sks.slugs(), sks.texts(), sks.labels())
def test_scalars_satisfy_the_model_validators(s: str, t: str, lab: str) -> None:
    _ok(slug, s)
    _ok(text, t)
    _ok(label, lab)


@given(sks.parts())
def test_parts_are_valid_parts(part: Any) -> None:
    assert type(part) in PART_KINDS
    assert part.duration >= 1


@given(sks.parts(small=True))
def test_small_parts_are_short(part: Any) -> None:
    assert part.duration <= 600


@given(sks.stretches(), sks.media(), sks.variations())
def test_stretches_media_and_variations(
    stretch: Stretch, media: Media, variation: Variation
) -> None:
    assert isinstance(stretch, Stretch)
    assert isinstance(media, Media)
    assert isinstance(variation, Variation)
    assert len({v.id for v in stretch.variations}) == len(stretch.variations)


@given(st.data())
def test_routines_refer_to_their_pool(data: st.DataObject) -> None:
    pool = data.draw(st.lists(sks.stretches(small=True), min_size=1, max_size=3))
    routine = data.draw(sks.routines(pool, context=Context.LYING))
    ids = {s.id for s in pool}
    assert isinstance(routine, Routine)
    assert routine.context is Context.LYING
    assert all(step.stretch in ids for step in routine.steps)
    step = data.draw(sks.routine_steps(pool))
    assert step.stretch in ids


def test_programs_need_routines() -> None:
    with pytest.raises(ValueError, match="at least one routine"):
        sks.programs([])


@given(sks.sessions(), sks.step_results(stretch="heel-press"))
def test_sessions_are_aware_and_ordered(session: Session, step: StepResult) -> None:
    assert session.started_at.utcoffset() is not None
    assert session.ended_at.utcoffset() is not None
    assert session.started_at <= session.ended_at
    assert step.stretch == "heel-press"
    assert (step.reason is None) == (step.outcome is Outcome.COMPLETED)


@given(sks.aware_datetimes())
def test_aware_datetimes_are_aware_and_unambiguous(moment: datetime) -> None:
    assert moment.utcoffset() is not None
    assert moment.utcoffset() == moment.replace(fold=1 - moment.fold).utcoffset()


# -- engine strategies -------------------------------------------------------------------------


@settings(max_examples=40)
@given(
    sks.histories(stretch_ids=STRETCH_IDS),
    sks.policies(program=PROGRAM),
    st.randoms(use_true_random=False),
)
def test_histories_replay_in_any_order_to_one_state(
    history: list[Event], policy: Policy, rnd: random.Random
) -> None:
    reference = Progress.replay(PROGRAM, history, policy, catalog=CATALOG)
    shuffled = list(history)
    rnd.shuffle(shuffled)
    assert Progress.replay(PROGRAM, shuffled, policy, catalog=CATALOG).state == reference.state
    one = Progress.start(PROGRAM, policy, catalog=CATALOG)
    for event in shuffled:
        one = one.apply(event)
    assert one.state == reference.state
    assert len({e.id for e in history}) == len(reference)


@given(sks.events(device="phone", seq=3), sks.event_times())
def test_events_and_times_are_valid(event: Event, now: datetime) -> None:
    assert event_from_dict(event.to_dict()) == event
    assert (event.device, event.seq) == ("phone", 3)
    assert check_local_time(now) is now


# --- the strategies draw what the model allows: bounds read from it, never restated ----------

_WHOLE_FIELDS = [
    (sks.holds(), lambda v: v.seconds, Hold, "seconds"),
    (sks.angle_sequences(), lambda v: v.angles[0].degrees, Angle, "degrees"),
    (sks.angle_sequences(), lambda v: v.angles[0].seconds, Angle, "seconds"),
    (sks.position_sequences(), lambda v: v.positions[0].seconds, NamedPosition, "seconds"),
    (sks.reps(), lambda v: v.count, Reps, "count"),
    (sks.reps(), lambda v: v.hold_seconds, Reps, "hold_seconds"),
    (sks.breaths(), lambda v: v.rounds, Breath, "rounds"),
    (sks.breaths(), lambda v: v.release_seconds, Breath, "release_seconds"),
    (sks.reintroductions(), lambda v: v.max_tries, Reintroduction, "max_tries"),
    (sks.sessions(), lambda v: v.pain_before, Session, "pain_before"),
]


@pytest.mark.parametrize(("strategy", "get", "cls", "name"), _WHOLE_FIELDS)
def test_the_strategies_reach_both_bounds_of_the_model(
    strategy: st.SearchStrategy[Any], get: Any, cls: type, name: str
) -> None:
    """A strategy that stated a bound by hand would miss the model's when the model widens
    it (and would draw invalid values, refused by the validators, when the model narrows it)."""
    for bound in whole_range(cls, name):
        found = find(
            strategy,
            lambda value, bound=bound: get(value) == bound,
            settings=settings(max_examples=3000, database=None, phases=[Phase.generate]),
        )
        assert get(found) == bound


@pytest.mark.parametrize("cls", list(PART_KINDS), ids=lambda c: c.__name__)
@pytest.mark.parametrize("small", [False, True])
def test_every_kind_of_part_can_be_drawn_from_its_fields_alone(cls: type, small: bool) -> None:
    """The strategy a new kind of part gets without one of its own makes valid parts."""
    from stretchkit.strategies import _derived

    @given(_derived(cls, small))
    @settings(max_examples=30)
    def check(part: Any) -> None:
        assert type(part) is cls
        assert attrs.evolve(part) == part  # every validator passes on a rebuild
        assert part.duration >= 1
        assert part.beats()
        assert sum(b.seconds for b in part.beats()) == part.duration
        assert part.summary()
        if small:
            assert part.duration <= 600

    check()
