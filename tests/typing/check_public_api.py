"""Type-checked, never run: an app's typical calls must pass ``mypy --strict``.

``make test`` runs mypy on this file, so a change that makes the public API
awkward to type (an untyped converter, a lost generic) fails the build.
"""

from __future__ import annotations

from datetime import UTC, datetime

import stretchkit as sk


def build_a_catalog() -> sk.Catalog:
    heel_press = sk.Stretch(
        id="heel-press",
        name="Heel press",
        instructions=("Press one heel into the floor.",),
        position=sk.StartPosition.SEATED,
        sides=sk.Sides.EACH,
        dose=[
            sk.AngleSequence(
                angles=[
                    sk.Angle(label="Toe up", degrees=0, seconds=6),
                    sk.Angle(label="Toe out", degrees=45, seconds=6),
                ]
            )
        ],
        targets=["hamstrings"],
        variations=[sk.Variation(id="standing", name="Standing")],
        media=[sk.Media(kind=sk.MediaKind.IMAGE, url="heel.png", alt="A heel pressed down")],
    )
    routine = sk.Routine(
        id="sitting",
        name="Sitting",
        context=sk.Context.SITTING,
        minutes=1,
        steps=[sk.RoutineStep(stretch="heel-press", dose=[sk.Hold(seconds=10)])],
    )
    return sk.Catalog(stretches=[heel_press], routines=(routine,))


def log_a_session() -> sk.Session:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return sk.Session(
        id="s1",
        routine="sitting",
        started_at=at,
        ended_at=at,
        steps=[sk.StepResult(stretch="heel-press", outcome=sk.Outcome.COMPLETED)],
    )


def seconds_of(catalog: sk.Catalog) -> int:
    instructions: tuple[str, ...] = catalog.stretches[0].instructions
    assert instructions
    return catalog.routine_duration("sitting")


def load_or_explain(text: str) -> sk.Catalog | str:
    try:
        return sk.load_catalog(text.encode())
    except sk.StretchkitError as error:  # CatalogError, EngineError and the rest
        return str(error)
