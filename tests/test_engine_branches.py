"""Progress stays a value while its history is shared in chunks.

A state machine keeps a pool of Progress objects, applies and extends any of them
(the tip, an older one: a branch; events later than all, late ones, duplicates,
conflicting ids, devices out of order), and checks after every step that *every*
Progress in the pool, old or new, still gives what a plain per-event fold of its own
events gives: its events, its state, its state at any time, its snapshot. Chunks and
checkpoints are made tiny here so that a short history crosses many of them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import reference_fold
from stretchkit import DuplicateEventError, PainReported, Progress
from stretchkit.engine import _progress
from stretchkit.engine._fold import ProgressState
from stretchkit.engine._progress import keyed
from stretchkit.strategies import events, histories
from test_engine_support import CATALOG, PROGRAM, STRETCH_IDS

T0 = datetime(2026, 10, 24, tzinfo=UTC)
TIMES = st.integers(0, 6 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m))
STORED = histories(stretch_ids=STRETCH_IDS, times=TIMES, max_size=20, devices=())


def expected_state(history: list[Any], policy: Any, until: int | None = None) -> ProgressState:
    """The plain way: key every event, fold one at a time."""
    state = ProgressState()
    for key, event in keyed(history):
        if until is not None and key[0] > until:
            break
        state = reference_fold.fold(state, event, key[0], policy)
    return state


class BranchMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.pool: list[tuple[Progress, list[Any]]] = []
        self.serial = 0
        self.seqs: dict[str, int] = {}

    @initialize(
        chunk=st.sampled_from([2, 4, 8]),
        every=st.sampled_from([1, 2]),
        stored=st.none() | STORED,
    )
    def setup(self, chunk: int, every: int, stored: list[Any] | None) -> None:
        self.patch = pytest.MonkeyPatch()
        self.patch.setattr(_progress, "CHUNK", chunk * every)
        self.patch.setattr(_progress, "CHECKPOINT_EVERY", every)
        if stored is None:
            self.pool.append((Progress.start(PROGRAM, catalog=CATALOG), []))
            return
        # a history read from stored JSON: its reports are built only when needed
        self.serial = 1000  # the stored ids are e0, e1, ...
        text = json.dumps([e.to_dict() for e in stored])
        unique = list({e.id: e for e in stored}.values())
        self.pool.append((Progress.replay_json(PROGRAM, text, catalog=CATALOG), unique))

    def teardown(self) -> None:
        if hasattr(self, "patch"):
            self.patch.undo()

    def _event(self, data: st.DataObject, device: str | None) -> Any:
        self.serial += 1
        seq = None
        if device is not None:
            # mostly rising, sometimes below the device's last (an out-of-order arrival)
            seq = self.seqs.get(device, 0) + data.draw(st.integers(-2, 3))
            seq = max(seq, 0)
            self.seqs[device] = max(self.seqs.get(device, 0), seq)
        return data.draw(
            events(
                stretch_ids=STRETCH_IDS,
                times=TIMES,
                id=f"e{self.serial}",
                device=device,
                seq=seq,
            )
        )

    def _pick(self, data: st.DataObject) -> tuple[Progress, list[Any]]:
        return self.pool[data.draw(st.integers(0, len(self.pool) - 1))]

    def _keep(self, progress: Progress, history: list[Any]) -> None:
        self.pool.append((progress, history))
        if len(self.pool) > 8:
            del self.pool[1]

    @rule(data=st.data(), device=st.none() | st.sampled_from(["phone", "watch"]))
    def apply_new(self, data: st.DataObject, device: str | None) -> None:
        progress, history = self._pick(data)
        event = self._event(data, device)
        self._keep(progress.apply(event), [*history, event])

    @rule(data=st.data())
    def apply_late(self, data: st.DataObject) -> None:
        """A pain report just before a random event already there: a late one."""
        progress, history = self._pick(data)
        if not history:
            return
        anchor = data.draw(st.sampled_from(history))
        self.serial += 1
        late = PainReported(
            id=f"e{self.serial}",
            at=anchor.at - timedelta(minutes=data.draw(st.integers(0, 90))),
            level=data.draw(st.integers(0, 10)),
        )
        self._keep(progress.apply(late), [*history, late])

    @rule(data=st.data())
    def apply_again(self, data: st.DataObject) -> None:
        progress, history = self._pick(data)
        if not history:
            return
        event = data.draw(st.sampled_from(history))
        copy = attrs.evolve(event)  # equal, not the same object
        assert progress.apply(event) is progress
        assert progress.apply(copy) is progress

    @rule(data=st.data())
    def conflict(self, data: st.DataObject) -> None:
        progress, history = self._pick(data)
        if not history:
            return
        event = data.draw(st.sampled_from(history))
        if isinstance(event, PainReported):
            other = attrs.evolve(event, level=(event.level + 1) % 11)
        else:
            other = attrs.evolve(event, at=event.at + timedelta(minutes=1))
        with pytest.raises(DuplicateEventError):
            progress.apply(other)

    @rule(data=st.data(), size=st.integers(1, 6))
    def extend(self, data: st.DataObject, size: int) -> None:
        progress, history = self._pick(data)
        fresh = [
            self._event(data, data.draw(st.none() | st.sampled_from(["phone", "watch"])))
            for _ in range(size)
        ]
        again = data.draw(st.lists(st.sampled_from(history), max_size=2)) if history else []
        self._keep(progress.extend(fresh + again), [*history, *fresh])

    @rule(data=st.data())
    def reused_id_in_another_branch(self, data: st.DataObject) -> None:
        """Two branches may hold different events under one id: each sees its own."""
        progress, history = self._pick(data)
        self.serial += 1
        at = data.draw(TIMES)
        one = PainReported(id=f"e{self.serial}", at=at, level=2)
        two = PainReported(id=f"e{self.serial}", at=at + timedelta(minutes=3), level=9)
        first, second = progress.apply(one), progress.apply(two)
        self._keep(first, [*history, one])
        self._keep(second, [*history, two])
        with pytest.raises(DuplicateEventError):
            first.apply(two)
        assert second.apply(two) is second

    @invariant()
    def every_progress_still_gives_its_own_answers(self) -> None:
        for progress, history in self.pool:
            policy = progress.policy
            assert sorted(e.id for e in progress.events) == sorted(e.id for e in history)
            assert [e for _, e in keyed(history)] == list(progress.events)
            assert progress.state == expected_state(history, policy)
            assert len(progress) == len(history)

    @invariant()
    def every_progress_plans_from_any_time(self) -> None:
        for progress, history in self.pool[-3:]:
            for hours in (0, 30, 75, 150):
                now = T0 + timedelta(hours=hours)
                until = (now - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
                state, ignored = progress.state_at(now)
                assert state == expected_state(history, progress.policy, until)
                assert ignored == sum(1 for k, _ in keyed(history) if k[0] > until)

    @invariant()
    def snapshots_agree_with_a_replay(self) -> None:
        for progress, history in self.pool[-2:]:
            replayed = Progress.replay(PROGRAM, list(reversed(history)), catalog=CATALOG)
            assert replayed.snapshot() == progress.snapshot()


BranchMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=30)
test_branches = BranchMachine.TestCase


def test_a_late_event_refolds_only_from_the_chunk_it_lands_in() -> None:
    """The chunks before a late event are shared with the progress it was applied to."""
    t = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    p = Progress.replay(
        PROGRAM,
        [PainReported(id=f"p{i}", at=t + timedelta(minutes=i), level=i % 3) for i in range(5000)],
        catalog=CATALOG,
    )
    q = p.apply(PainReported(id="late", at=t + timedelta(minutes=4000.5), level=7))
    shared = sum(a is b for a, b in zip(p._chunks, q._chunks, strict=False))
    assert shared == 4000 // _progress.CHUNK
    assert q.state == Progress.replay(PROGRAM, q.events, catalog=CATALOG).state
    branch = p.apply(PainReported(id="other", at=t + timedelta(days=9), level=1))
    assert all(a is b for a, b in zip(p._chunks[:-1], branch._chunks[:-1], strict=True))
    assert len(p) == 5000
