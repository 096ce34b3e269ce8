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
)
from stretchkit.engine import PainReported, SessionLogged, StretchReenabled
from stretchkit.model import Angle, NamedPosition, Position

STRETCHES = (
    Stretch(
        id="chin-tuck",
        name="Chin tuck",
        instructions=("Draw the chin straight back.",),
        position=Position.SUPINE,
        dose=(Hold(seconds=10),),
    ),
    Stretch(
        id="wall-angel",
        name="Wall angel",
        instructions=("Slide the arms up the wall.",),
        position=Position.SUPINE,
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
        position=Position.SUPINE,
        sides=Sides.EACH,
        dose=(Hold(seconds=30),),
    ),
    Stretch(
        id="bridge",
        name="Bridge",
        instructions=("Lift the hips.",),
        position=Position.SUPINE,
        dose=(Reps(count=3, seconds_per_rep=3, hold_seconds=2),),
    ),
    Stretch(
        id="belly-breath",
        name="Belly breath",
        instructions=("Breathe out slowly.",),
        position=Position.SUPINE,
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
    end = start + timedelta(minutes=minutes)
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
