"""The shipped examples: the upper back relief catalog, and the catalogs of typical mistakes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import stretchkit as sk
from stretchkit.io._semantic import (
    MINUTES_TOLERANCE_SECONDS,
    raw_routine_seconds,
    semantic_issues_raw,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CATALOG = EXAMPLES / "upper-back-relief.json"
INVALID = EXAMPLES / "invalid"

LYING = [
    "all-fours-shoulder-blade-squeeze",
    "wall-legs-up-elbow-press",
    "wall-legs-up-overhead-reach",
    "wall-legs-up-floor-grab",
    "bridge",
]
SITTING = [
    "heel-press-three-angles",
    "clasped-arms-posture",
    "stick-em-up-elbow-circles",
    "exhale-overhead-breath",
    "head-press-clasped-hands",
]
STANDING = [
    "heel-press-three-angles",
    "shoulder-push-down",
    "stick-em-up-elbow-circles",
    "door-frame-hip-hinge",
    "overhead-arms-thumbs-out",
]
ROUTINES = {
    "upper-back-lying": ("lying", LYING),
    "upper-back-sitting": ("sitting", SITTING),
    "upper-back-standing": ("standing", STANDING),
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def catalog() -> sk.Catalog:
    return sk.load_catalog(CATALOG)


def stretch(document: dict[str, Any], stretch_id: str) -> dict[str, Any]:
    [found] = [s for s in document["stretches"] if s["id"] == stretch_id]
    return found


# --- the upper back relief catalog --------------------------------------------------------------


def test_the_example_validates_without_any_issue() -> None:
    assert sk.validate_catalog(CATALOG) == []


def test_the_example_has_no_semantic_issues(document: dict[str, Any]) -> None:
    assert semantic_issues_raw(document) == []


def test_three_routines_of_five_steps_in_the_source_order(catalog: sk.Catalog) -> None:
    assert [r.id for r in catalog.routines] == list(ROUTINES)
    for routine in catalog.routines:
        context, steps = ROUTINES[routine.id]
        assert routine.context is sk.Context(context)
        assert [s.stretch for s in routine.steps] == steps
        assert routine.minutes == 3


def test_thirteen_stretches_shared_by_id(catalog: sk.Catalog) -> None:
    used = [s.stretch for r in catalog.routines for s in r.steps]
    assert len(used) == 15
    assert len(catalog.stretches) == 13
    assert set(used) == {s.id for s in catalog.stretches}
    shared = set(SITTING) & set(STANDING)
    assert shared == {"heel-press-three-angles", "stick-em-up-elbow-circles"}


def test_derived_durations_keep_the_three_minute_promise(catalog: sk.Catalog) -> None:
    for routine in catalog.routines:
        seconds = catalog.routine_duration(routine)
        assert abs(seconds - 180) <= MINUTES_TOLERANCE_SECONDS / 2, (routine.id, seconds)


def test_raw_and_model_durations_agree(document: dict[str, Any], catalog: sk.Catalog) -> None:
    raw = {s["id"]: s for s in document["stretches"]}
    for routine in document["routines"]:
        assert raw_routine_seconds(routine, raw) == catalog.routine_duration(routine["id"])


def test_the_program_rules(catalog: sk.Catalog) -> None:
    [program] = catalog.programs
    assert program.id == "upper-back-relief"
    by_context = {sk.Context(c): r for r, (c, _) in ROUTINES.items()}
    assert program.relief.routines == by_context
    assert program.relief.min_sessions_per_day == 1
    assert program.relief.max_sessions_per_day == 10
    assert program.relief.in_order is True
    assert program.pain_free_hours == 24
    assert program.maintenance.routines == by_context
    assert program.maintenance.min_sessions_per_day == 1
    assert program.reintroduction == sk.Reintroduction(
        rest_hours=24, rest_backoff=2.0, max_rest_hours=168, max_tries=4
    )
    assert len(program.symptoms) == 3
    assert program.disclaimer
    assert len(program.red_flags) >= 5


def test_the_doses_the_source_gives(catalog: sk.Catalog) -> None:
    bridge = catalog.stretch("bridge")
    assert bridge.dose == (sk.Reps(count=5, seconds_per_rep=3, hold_seconds=4),)

    [breath] = catalog.stretch("exhale-overhead-breath").dose
    assert isinstance(breath, sk.Breath)
    assert breath.hold_seconds == 5

    heel = catalog.stretch("heel-press-three-angles")
    assert heel.sides is sk.Sides.EACH
    [angles] = heel.dose
    assert isinstance(angles, sk.AngleSequence)
    assert [a.degrees for a in angles.angles] == [0, 45, -45]

    [positions] = catalog.stretch("wall-legs-up-elbow-press").dose
    assert isinstance(positions, sk.PositionSequence)
    assert [p.label for p in positions.positions] == ["elbows press", "hands flat", "palms up"]

    for stretch_id in ("wall-legs-up-floor-grab", "overhead-arms-thumbs-out"):
        [arms] = catalog.stretch(stretch_id).dose
        assert isinstance(arms, sk.AngleSequence)
        assert [a.degrees for a in arms.angles] == [0, 45, 90]

    push = catalog.stretch("shoulder-push-down")
    assert push.sides is sk.Sides.EACH
    assert isinstance(push.dose[0], sk.Hold)


def test_positions_and_equipment(catalog: sk.Catalog) -> None:
    assert (
        catalog.stretch("all-fours-shoulder-blade-squeeze").position is sk.StartPosition.ALL_FOURS
    )
    walls = {s.id for s in catalog.stretches if "wall" in s.equipment}
    assert walls == {
        "wall-legs-up-elbow-press",
        "wall-legs-up-overhead-reach",
        "wall-legs-up-floor-grab",
    }
    assert catalog.stretch("door-frame-hip-hinge").equipment == ("door-frame",)
    [facing] = catalog.stretch("overhead-arms-thumbs-out").variations
    assert facing.id == "facing-the-wall"
    assert facing.equipment == ("wall",)
    assert all(s.targets for s in catalog.stretches)


def test_instructions_are_short_cues_in_sentence_case(catalog: sk.Catalog) -> None:
    texts = [t for s in catalog.stretches for t in (s.name, *s.instructions)]
    for text in texts:
        assert text[0].isupper(), text
        assert not text.isupper(), text
        assert len(text) <= 90, text
    for s in catalog.stretches:
        for cue in s.instructions:
            assert cue.endswith("."), cue


def test_the_example_dumps_to_a_document_that_loads_back(catalog: sk.Catalog) -> None:
    assert sk.loads_catalog(sk.dump_catalog(catalog)) == catalog


# --- the invalid examples -----------------------------------------------------------------------

EXPECTED: dict[str, list[tuple[str, str]]] = {
    "misspelled-field.json": [
        ("schema-required", "/stretches/0"),
        ("schema-additional-properties", "/stretches/0/instructons"),
    ],
    "unknown-part-kind.json": [("unknown-kind", "/stretches/1/dose/0/kind")],
    "bad-seconds.json": [
        ("schema-type", "/stretches/0/dose/0/seconds"),
        ("schema-minimum", "/stretches/1/dose/0/seconds"),
        ("schema-minimum", "/stretches/1/dose/1/seconds"),
    ],
    "media-without-alt.json": [("schema-required", "/stretches/0/media/0")],
    "trailing-comma.json": [("json-syntax", "")],
    "duplicate-stretch-id.json": [("duplicate-id", "/stretches/1/id")],
    "duplicate-angle-labels.json": [("duplicate-label", "/stretches/0/dose/0/angles/2/label")],
    "unknown-stretch.json": [
        ("unknown-variation", "/routines/0/steps/0/variation"),
        ("unknown-stretch", "/routines/0/steps/1/stretch"),
    ],
    "unknown-routine.json": [("unknown-routine", "/programs/0/relief/routines/sitting")],
    "minutes-mismatch.json": [
        ("minutes-mismatch", "/routines/0/minutes"),
        ("context-mismatch", "/programs/0/relief/routines/standing"),
    ],
}

INVALID_FILES = sorted(p.name for p in INVALID.glob("*.json"))


def test_every_invalid_example_has_an_expectation() -> None:
    assert sorted(EXPECTED) == INVALID_FILES
    assert 6 <= len(INVALID_FILES) <= 10


@pytest.mark.parametrize("name", INVALID_FILES)
def test_invalid_example_gives_its_located_errors(name: str) -> None:
    issues = sk.validate_catalog(INVALID / name)
    assert any(i.is_error for i in issues)
    assert sorted((i.code, i.pointer) for i in issues) == sorted(EXPECTED[name])
    for issue in issues:
        assert issue.line is not None
        assert issue.column is not None
        assert issue.file is not None
        assert issue.file.endswith(name)


@pytest.mark.parametrize("name", INVALID_FILES)
def test_invalid_example_fails_to_load(name: str) -> None:
    with pytest.raises(sk.CatalogError) as raised:
        sk.load_catalog(INVALID / name)
    assert raised.value.issues


def test_the_trailing_comma_is_located_where_the_value_is_missing() -> None:
    [issue] = sk.validate_catalog(INVALID / "trailing-comma.json")
    assert (issue.line, issue.column) == (15, 7)


def test_issues_point_at_the_line_of_the_offending_value() -> None:
    text = (INVALID / "unknown-routine.json").read_text(encoding="utf-8")
    [issue] = sk.validate_catalog(INVALID / "unknown-routine.json")
    assert issue.line is not None
    assert '"desk-breaks"' in text.splitlines()[issue.line - 1]


def test_the_readme_table_matches_the_expectations() -> None:
    readme = (INVALID / "README.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"^\| `([^`]+\.json)` \|.*$", readme, flags=re.MULTILINE)
    }
    assert sorted(rows) == INVALID_FILES
    for name, expected in EXPECTED.items():
        for code, ptr in expected:
            assert f"`{code}`" in rows[name], (name, code)
            if ptr:
                assert f"`{ptr}`" in rows[name], (name, ptr)


def test_the_command_line_exits_1_for_each_invalid_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from stretchkit.cli import main

    assert main(["validate", str(CATALOG)]) == 0
    for name in INVALID_FILES:
        assert main(["validate", str(INVALID / name)]) == 1, name
    out = capsys.readouterr().out
    assert re.search(r"unknown-routine\.json:\d+:\d+: error\[unknown-routine\] /programs/0", out)
