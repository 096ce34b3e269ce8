"""Snapshots of the fold: resumed progress equals replayed progress, and stale ones are refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from referencing import Registry

from stretchkit import Event, Policy, Progress, SkipReason, SnapshotError
from stretchkit.engine import RULES_VERSION
from stretchkit.engine._events import event_instant
from stretchkit.engine._snapshot import dumps_schema
from stretchkit.engine._time import from_instant, instant
from test_engine_properties import POLICIES, events, times
from test_engine_support import CATALOG, PROGRAM, pain, session

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "schemas" / "snapshot.schema.json"
PACKAGED = ROOT / "src" / "stretchkit" / "schemas" / "snapshot.schema.json"
GOLDEN = Path(__file__).resolve().parent / "data" / "snapshot-golden.json"
SCHEMA = json.loads(PUBLISHED.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, registry=Registry())
REGENERATE = "make schema"


def via_json(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(data))
    return out


def test_the_schema_is_current_and_shipped() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert PUBLISHED.read_text(encoding="utf-8") == dumps_schema(), f"stale: run {REGENERATE}"
    assert PACKAGED.read_bytes() == PUBLISHED.read_bytes(), f"stale: run {REGENERATE}"


@given(events(), POLICIES, st.integers(0, 40), st.data())
def test_resuming_a_snapshot_equals_replaying(
    history: list[Event], policy: Policy, cut: int, data: st.DataObject
) -> None:
    ordered = sorted({e.id: e for e in history}.values(), key=lambda e: (event_instant(e), e.id))
    head, tail = ordered[:cut], ordered[cut:]
    full = Progress.replay(PROGRAM, history, policy, catalog=CATALOG)
    snap = via_json(Progress.replay(PROGRAM, head, policy, catalog=CATALOG).snapshot())
    VALIDATOR.validate(snap)
    assert snap["events"] == len(head)
    resumed = Progress.from_snapshot(snap, PROGRAM, policy, catalog=CATALOG)
    assert resumed.extend(tail[::-1]).state == full.state
    one_by_one = resumed
    for event in tail:
        one_by_one = one_by_one.apply(event)
    assert one_by_one.state == full.state
    assert one_by_one.snapshot() == full.snapshot()
    now = data.draw(times)
    if head and event_instant(head[-1]) > instant(now):
        with pytest.raises(SnapshotError):
            one_by_one.plan(now, "lying")
    else:
        assert one_by_one.plan(now, "lying") == full.plan(now, "lying")


@given(events(), POLICIES, times)
def test_a_snapshot_until_a_time_leaves_later_events_out(
    history: list[Event], policy: Policy, until: datetime
) -> None:
    full = Progress.replay(PROGRAM, history, policy, catalog=CATALOG)
    snap = via_json(full.snapshot(until=until))
    cut = instant(until)
    later = [e for e in history if event_instant(e) > cut]
    assert snap["events"] == len({e.id for e in history} - {e.id for e in later})
    resumed = Progress.from_snapshot(snap, PROGRAM, policy, catalog=CATALOG).extend(later)
    assert resumed.state == full.state
    assert resumed.state_at(until) == full.state_at(until)


def test_a_snapshot_of_other_rules_policy_or_program_is_refused() -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    progress = Progress.replay(
        PROGRAM, [pain(t, 4), pain(t + timedelta(hours=1), 0)], catalog=CATALOG
    )
    snap = via_json(progress.snapshot())
    assert Progress.from_snapshot(snap, PROGRAM, catalog=CATALOG).state == progress.state
    other = attrs.evolve(Policy.from_program(PROGRAM), pain_free_hours=12)
    with pytest.raises(SnapshotError, match="another policy"):
        Progress.from_snapshot(snap, PROGRAM, other, catalog=CATALOG)
    with pytest.raises(SnapshotError, match="rules version"):
        Progress.from_snapshot({**snap, "rules": RULES_VERSION + 1}, PROGRAM, catalog=CATALOG)
    with pytest.raises(SnapshotError, match="program"):
        Progress.from_snapshot(snap, attrs.evolve(PROGRAM, id="another"), catalog=CATALOG)


def test_a_resumed_progress_refuses_what_it_cannot_know() -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first, second = pain(t, 4), pain(t + timedelta(hours=2), 0)
    snap = Progress.replay(PROGRAM, [first, second], catalog=CATALOG).snapshot()
    resumed = Progress.from_snapshot(snap, PROGRAM, catalog=CATALOG)
    for event in (first, second, pain(t + timedelta(hours=1), 3)):
        with pytest.raises(SnapshotError, match="not after the snapshot"):
            resumed.apply(event)
        with pytest.raises(SnapshotError, match="not after the snapshot"):
            resumed.extend([event])
    with pytest.raises(SnapshotError, match="earlier time"):
        resumed.plan(t + timedelta(hours=1), "lying")
    assert resumed.plan(t + timedelta(hours=3), "lying").phase.value == "relief"


BAD: list[tuple[str, Any]] = [
    ("not an object", []),
    ("missing key", {"format": 1}),
    ("state field wrong type", {"/state/sessions": "3"}),
    ("bool for an integer", {"/state/reports": True}),
    ("extra state key", {"/state/extra": 1}),
    ("stretch state missing", {"/state/stretches": {"bridge": {"tries": 1}}}),
    ("triple too long", {"/state/days": [[1, 2, 3, 4]]}),
    ("through wrong", {"/through": {"instant": "x", "id": "a"}}),
    ("events mismatch", {"/events": 0}),
    (
        "NaN hours",
        {
            "/state/stretches": {
                "bridge": {
                    "tries": 1,
                    "rest_until": None,
                    "rest_hours": float("nan"),
                    "returning": True,
                    "parked": False,
                }
            }
        },
    ),
]


@pytest.mark.parametrize(("why", "change"), BAD, ids=[b[0] for b in BAD])
def test_bad_snapshots_give_a_snapshot_error(why: str, change: Any) -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    snap = via_json(
        Progress.replay(PROGRAM, [session(t, pain_before=2)], catalog=CATALOG).snapshot()
    )
    if isinstance(change, dict) and all(k.startswith("/") for k in change):
        for pointer, value in change.items():
            *parents, last = pointer.strip("/").split("/")
            node = snap
            for p in parents:
                node = node[p]
            node[last] = value
        data: Any = snap
    else:
        data = change
    with pytest.raises(SnapshotError) as info:
        Progress.from_snapshot(data, PROGRAM, catalog=CATALOG)
    assert len(str(info.value)) < 300


def golden_history() -> list[Event]:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    out: list[Event] = [pain(t, 6, id="g-p0")]
    for day in range(5):
        start = t + timedelta(days=day, hours=1)
        out.append(
            session(
                start,
                id=f"g-s{day}",
                skipped={"bridge": SkipReason.DISCOMFORT} if day % 2 else None,
                pain_before=max(0, 5 - 2 * day),
                pain_after=max(0, 4 - 2 * day),
            )
        )
    out.append(pain(t + timedelta(days=6), 0, id="g-p1"))
    return out


def test_the_rules_version_grows_when_the_fold_changes() -> None:
    """A fixed history's snapshot is pinned per rules version (say the version once)."""
    snap = via_json(Progress.replay(PROGRAM, golden_history(), catalog=CATALOG).snapshot())
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["rules"] == RULES_VERSION, (
        f"RULES_VERSION is {RULES_VERSION}: write the new golden snapshot to {GOLDEN}"
    )
    assert snap == golden, (
        "the fold's state for a fixed history changed: increase RULES_VERSION in "
        f"stretchkit/engine/_snapshot.py, then write the new golden snapshot to {GOLDEN}"
    )


def test_instants_in_the_state_are_microseconds() -> None:
    t = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
    snap = Progress.replay(PROGRAM, [pain(t, 3)], catalog=CATALOG).snapshot()
    assert from_instant(snap["state"]["last_painful"], UTC) == t
