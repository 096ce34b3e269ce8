"""Issue 10 tried as a new user would: the runner's refusals hold for every plan."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from stretchkit import (
    EngineError,
    NotAllowedError,
    Progress,
    SessionLogged,
    SessionRunner,
    SkipReason,
)
from test_engine_support import CATALOG, PROGRAM

LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
MORNING = datetime(2026, 4, 3, 9, 0, tzinfo=LORD_HOWE)


def everything_rested() -> Progress:
    """Every stretch of the lying routine skipped for pain at 09:00: all rest 24 hours."""
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    plan = progress.plan(MORNING, "lying")
    skip = {s.stretch_id: SkipReason.PAIN for s in plan.steps}
    runner = SessionRunner.start(plan, CATALOG, session_id="s1", started_at=MORNING)
    return progress.apply(runner.complete_remaining(skip).finish(MORNING.replace(minute=10)))


@pytest.mark.parametrize("override", [False, True])
def test_no_silent_plans_a_plan_with_no_step_is_refused_even_with_override(
    override: bool,
) -> None:
    """Override goes past the daily maximum; it never runs (and logs) an empty session."""
    later = MORNING.replace(hour=11)
    plan = everything_rested().plan(later, "lying")
    assert plan.steps == ()
    assert plan.allowed
    with pytest.raises(NotAllowedError, match="no step to do"):
        SessionRunner.start(plan, CATALOG, session_id="s2", started_at=later, override=override)


@pytest.mark.parametrize("override", ["yes", 1, None, 0])
def test_no_silent_plans_override_must_be_said_with_a_bool(override: object) -> None:
    """A truthy string is not an explicit override: the app must pass True or False."""
    plan = Progress.start(PROGRAM, catalog=CATALOG).plan(MORNING, "lying")
    with pytest.raises(EngineError, match="override must be True or False"):
        SessionRunner.start(
            plan,
            CATALOG,
            session_id="s3",
            started_at=MORNING,
            override=override,  # type: ignore[arg-type]
        )


def test_no_silent_plans_override_still_runs_past_the_maximum() -> None:
    """The other half: a full day with override=True runs every step of the plan."""
    progress = Progress.start(PROGRAM, catalog=CATALOG)
    hour = 7
    while progress.plan(start := MORNING.replace(hour=hour), "lying").allowed:
        runner = SessionRunner.start(
            progress.plan(start, "lying"), CATALOG, session_id=f"d{hour}", started_at=start
        )
        progress = progress.apply(runner.complete_remaining().finish(start.replace(minute=5)))
        hour += 1
    evening = MORNING.replace(hour=18)
    plan = progress.plan(evening, "lying")
    assert not plan.allowed
    assert plan.steps
    runner = SessionRunner.start(plan, CATALOG, session_id="x", started_at=evening, override=True)
    logged = runner.complete_remaining().finish(evening.replace(minute=5))
    assert isinstance(logged, SessionLogged)
    assert [r.stretch for r in logged.session.steps] == [s.stretch_id for s in plan.steps]
