"""The Free Exercise DB importer: all 83 shipped entries, what it read from each, hostile entries.

The golden table ``tests/data/free-exercise-db-extracted.json`` lists, per
entry, what was extracted and what was guessed. After a deliberate change to
the rules, rewrite it with ``STRETCHKIT_REGENERATE=1 pytest this_file`` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchkit.generate import Constraints, generate_routine
from stretchkit.importers import ImportResult, import_free_exercise_db
from stretchkit.importers.free_exercise_db import slugify
from stretchkit.io import dump_catalog, loads_catalog, validate_catalog
from stretchkit.io._converter import unstructure_catalog
from stretchkit.model import Catalog, Context, Hold, Reps, Sides, StartPosition

DATA = Path(__file__).resolve().parent / "data"
ENTRIES_FILE = DATA / "free-exercise-db" / "stretching.json"
GOLDEN = DATA / "free-exercise-db-extracted.json"


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(ENTRIES_FILE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def imported() -> ImportResult:
    return import_free_exercise_db(ENTRIES_FILE)


def _assert_valid(catalog: Catalog) -> None:
    issues = validate_catalog(unstructure_catalog(catalog))
    assert not issues, [i.format() for i in issues]
    assert loads_catalog(dump_catalog(catalog)) == catalog


def test_all_shipped_entries_become_a_valid_catalog(
    imported: ImportResult, entries: list[dict[str, Any]]
) -> None:
    assert len(entries) == 83
    assert len(imported.catalog.stretches) == 83
    assert not imported.report.skipped
    assert not imported.report.problems
    _assert_valid(imported.catalog)
    print(imported.report.format())  # the per-entry report, shown with pytest -s


def test_the_golden_table_lists_what_was_extracted_per_entry(imported: ImportResult) -> None:
    by_id = imported.catalog.stretch_by_id
    converted = unstructure_catalog(imported.catalog)["stretches"]
    dose_by_id = {s["id"]: s["dose"] for s in converted}
    table = []
    for entry in imported.report.entries:
        assert entry.stretch_id is not None
        stretch = by_id[entry.stretch_id]
        table.append(
            {
                "source_id": entry.source_id,
                "id": stretch.id,
                "position": stretch.position.value,
                "sides": stretch.sides.value,
                "dose": dose_by_id[stretch.id],
                "seconds": stretch.duration,
                "equipment": list(stretch.equipment),
                "targets": list(stretch.targets),
                "guessed": sorted({g.code for g in entry.guesses}),
            }
        )
    text = json.dumps(table, indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("STRETCHKIT_REGENERATE"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert json.loads(text) == json.loads(GOLDEN.read_text(encoding="utf-8"))


# A hand-checked sample: (source id, position, sides, dose, equipment).
SAMPLE = [
    ("90_90_Hamstring", StartPosition.SUPINE, Sides.EACH, (Reps(count=10, seconds_per_rep=3),), ()),
    ("All_Fours_Quad_Stretch", StartPosition.ALL_FOURS, Sides.EACH, (Hold(seconds=10),), ()),
    ("Brachialis-SMR", StartPosition.SIDE_LYING, Sides.EACH, (Hold(seconds=10),), ("foam-roller",)),
    (
        "Calf_Stretch_Hands_Against_Wall",
        StartPosition.STANDING,
        Sides.EACH,
        (Hold(seconds=10),),
        ("wall",),
    ),
    ("Chair_Upper_Body_Stretch", StartPosition.SEATED, Sides.NONE, (Hold(seconds=20),), ("chair",)),
    ("Childs_Pose", StartPosition.ALL_FOURS, Sides.NONE, (Hold(seconds=30),), ()),
    ("Hamstring_Stretch", StartPosition.SUPINE, Sides.EACH, (Hold(seconds=10),), ("strap",)),
    (
        "Iron_Crosses_stretch",
        StartPosition.PRONE,
        Sides.BOTH,
        (Reps(count=10, seconds_per_rep=3),),
        (),
    ),
    ("Kneeling_Forearm_Stretch", StartPosition.KNEELING, Sides.NONE, (Hold(seconds=20),), ()),
    ("Lower_Back_Curl", StartPosition.PRONE, Sides.NONE, (Reps(count=10, seconds_per_rep=3),), ()),
    ("One_Arm_Against_Wall", StartPosition.STANDING, Sides.NONE, (Hold(seconds=30),), ("wall",)),
    (
        "Overhead_Lat",
        StartPosition.SEATED,
        Sides.EACH,
        (Hold(seconds=10), Hold(seconds=10)),
        ("partner",),
    ),
    ("Seated_Floor_Hamstring_Stretch", StartPosition.SEATED, Sides.EACH, (Hold(seconds=15),), ()),
    (
        "Spinal_Stretch",
        StartPosition.SEATED,
        Sides.EACH,
        (Reps(count=3, seconds_per_rep=3),),
        ("chair",),
    ),
    (
        "Superman",
        StartPosition.PRONE,
        Sides.NONE,
        (Reps(count=10, seconds_per_rep=3, hold_seconds=2),),
        (),
    ),
    ("Quadriceps-SMR", StartPosition.PRONE, Sides.EACH, (Hold(seconds=10),), ("foam-roller",)),
]


@pytest.mark.parametrize(
    ("source_id", "position", "sides", "dose", "equipment"), SAMPLE, ids=[s[0] for s in SAMPLE]
)
def test_a_hand_checked_sample(
    imported: ImportResult,
    source_id: str,
    position: StartPosition,
    sides: Sides,
    dose: tuple[object, ...],
    equipment: tuple[str, ...],
) -> None:
    stretch = imported.catalog.stretch(slugify(source_id))
    assert (stretch.position, stretch.sides, stretch.dose, stretch.equipment) == (
        position,
        sides,
        dose,
        equipment,
    )


def test_ids_muscles_media_and_guesses(imported: ImportResult) -> None:
    first = imported.catalog.stretch("90-90-hamstring")
    assert first.targets == ("hamstrings", "calves")
    assert first.instructions[0] == "Lie on your back, with one leg extended straight out."
    assert first.media[0].url.endswith("/exercises/90_90_Hamstring/0.jpg")
    assert first.media[0].alt
    entry = imported.report.entries[0]
    assert {g.code for g in entry.guesses} == {"dose-range", "reps-tempo"}
    childs = imported.catalog.stretch("childs-pose")
    assert childs.cautions == ("Avoid this position if you have knee problems.",)
    assert "public domain" in imported.report.attribution


@pytest.mark.parametrize("context", list(Context))
def test_a_routine_generated_from_the_import_is_valid_for_each_context(
    imported: ImportResult, context: Context
) -> None:
    for seed, equipment in [(0, None), (1, None), (2, ()), (3, ("strap", "chair"))]:
        constraints = Constraints(minutes=5, context=context, seed=seed, equipment=equipment)
        result = generate_routine(imported.catalog, constraints)
        assert result.routine is not None
        assert result.seconds <= 300
        if equipment is None:
            assert result.seconds >= 270, result.unmet
        filled = {u.code for u in result.unmet} == set()
        assert filled == (result.seconds >= 270)
        used = Catalog(stretches=result.stretches, routines=(result.routine,))
        _assert_valid(used)


HOSTILE: list[object] = [
    None,
    5,
    "Hold for 30 seconds",
    [],
    {},
    {"name": None, "id": None, "instructions": None},
    {"name": "No instructions", "instructions": []},
    {"name": "Null instructions", "instructions": None},
    {"name": "Text instructions", "instructions": "Sit down. Hold for 30 seconds."},
    {"id": 123, "name": 456, "instructions": [7, None, "Stand tall.", {"x": 1}]},
    {
        "id": "Étirement_du_cou ✓",
        "name": "Étirement du cou ✓",
        "instructions": ["Assis, penchez la tête. Tenez 20 secondes de chaque côté."],
        "primaryMuscles": "neck",
        "secondaryMuscles": [None, 3, "upper neck", "✓"],
        "equipment": ["body only", "foam roll", 3, "space hopper"],
        "images": [None, "a.jpg", 5, "https://example.org/b.png"],
        "category": "strength",
    },
    {"id": "!!!", "name": "\u0000\u0007", "instructions": ["ok"]},
    {"id": "!!!", "name": "Bells\u0007 and\ttabs", "instructions": ["\u0085Lie down.\u0000"]},
    {"id": "dup", "name": "Dup", "instructions": ["Stand up."]},
    {"id": "DUP", "name": "Dup again", "instructions": ["Stand up."]},
    {"id": "x" * 300, "name": "y" * 5000, "instructions": ["z " * 3000]},
    {"name": "Many steps", "instructions": [f"Step {i}." for i in range(40)]},
    {
        "name": "Odd numbers",
        "instructions": [
            "Hold for 99999 seconds, repeat 5000 times, hold 0 seconds, 2 minutes per side."
        ],
        "primaryMuscles": {"a": 1},
        "equipment": {"nested": ["wall"]},
        "level": 3,
    },
    {"name": "Bool fields", "instructions": [True, False, "Kneel."], "equipment": True},
    {
        "name": "Partner first",
        "instructions": ["Have your partner kneel beside you. Lie on your back, one leg up."],
    },
]


def test_hostile_entries_never_crash_and_are_all_reported() -> None:
    result = import_free_exercise_db(HOSTILE)
    report = result.report
    assert len(report.entries) == len(HOSTILE)
    assert [e.index for e in report.entries] == list(range(len(HOSTILE)))
    for entry in report.skipped:
        assert entry.problems, entry
    imported_ids = {e.stretch_id for e in report.imported}
    assert imported_ids == {s.id for s in result.catalog.stretches}
    _assert_valid(result.catalog)
    assert len(report.skipped) == 8
    assert {"dup", "dup-2"} <= imported_ids
    french = next(s for s in result.catalog.stretches if s.name.startswith("Étirement"))
    assert french.id == "etirement-du-cou"
    # The prose rules read English only: a French hold is not understood, and says so.
    assert french.dose == (Hold(seconds=30),)
    assert "dose-defaulted" in {g.code for e in report.imported for g in e.guesses}
    assert "neck" in french.targets
    assert french.equipment == ("foam-roller", "space-hopper")
    assert [m.url for m in french.media][-1] == "https://example.org/b.png"
    partner_first = result.catalog.stretch("partner-first")
    assert partner_first.position is StartPosition.SUPINE  # the partner kneels, the user lies
    assert partner_first.equipment == ("partner",)
    text = report.format()
    assert "SKIPPED" in text
    assert "not-a-stretch" in text


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = [
    "id",
    "name",
    "instructions",
    "primaryMuscles",
    "secondaryMuscles",
    "equipment",
    "images",
    "category",
    "level",
]
PROSE = st.lists(
    st.sampled_from(
        [
            "Lie on your back.",
            "Hold for 10-20 seconds and then switch sides.",
            "Repeat for ten repetitions.",
            "Kneel on a mat.",
            "Stand next to a wall or doorway.",
            "Continue alternating for 5 to 10 reps.",
            "Loop a belt around one foot.",
            "20-30 seconds per side.",
        ]
    )
    | st.text(max_size=60),
    max_size=5,
)


@given(
    st.lists(
        st.one_of(
            JSON,
            st.fixed_dictionaries({}, optional=dict.fromkeys(KEYS, JSON)),
            st.fixed_dictionaries(
                {"name": st.text(max_size=20), "instructions": PROSE},
                optional=dict.fromkeys(KEYS[3:], JSON),
            ),
        ),
        max_size=6,
    )
)
def test_any_json_imports_into_a_valid_catalog_and_a_full_report(entries: list[object]) -> None:
    result = import_free_exercise_db(entries)
    assert len(result.report.entries) == len(entries)
    assert len(result.catalog.stretches) == len(result.report.imported)
    for entry in result.report.skipped:
        assert entry.problems
    _assert_valid(result.catalog)


def test_file_input_and_whole_file_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    result = import_free_exercise_db(bad)
    assert [p.code for p in result.report.problems] == ["invalid-json"]
    assert result.catalog.stretches == ()
    result = import_free_exercise_db({"name": "Solo", "instructions": ["Stand."]})
    assert [p.code for p in result.report.problems] == ["single-entry"]
    assert len(result.catalog.stretches) == 1
    result = import_free_exercise_db(42)
    assert [p.code for p in result.report.problems] == ["not-a-list"]
    with pytest.raises(OSError, match="missing"):
        import_free_exercise_db(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("90_90_Hamstring", "90-90-hamstring"),
        ("Anterior_Tibialis-SMR", "anterior-tibialis-smr"),
        ("Leg-Up_Hamstring_Stretch", "leg-up-hamstring-stretch"),
        ("  Élan  vital  ", "elan-vital"),
        ("✓✓", ""),
        ("a" * 70, "a" * 64),
    ],
)
def test_slugify(raw: str, slug: str) -> None:
    assert slugify(raw) == slug


UNSEEN = DATA / "free-exercise-db-unseen" / "exercises.json"


def test_real_entries_the_rules_were_not_written_against(imported: ImportResult) -> None:
    """Nineteen more real entries, added after the rules: they import and generate the same way."""
    result = import_free_exercise_db(UNSEEN)
    assert not result.report.skipped
    assert not result.report.problems
    _assert_valid(result.catalog)
    got = {
        s.id: (s.position, s.sides, s.dose, s.equipment)
        for s in result.catalog.stretches
        if s.id
        in {
            "adductor-groin",
            "cat-stretch",
            "kneeling-hip-flexor",
            "runners-stretch",
            "middle-back-stretch",
            "standing-lateral-stretch",
            "lying-prone-quadriceps",
        }
    }
    assert got == {
        "adductor-groin": (StartPosition.SUPINE, Sides.NONE, (Hold(seconds=10),), ("partner",)),
        "cat-stretch": (StartPosition.ALL_FOURS, Sides.NONE, (Hold(seconds=15),), ()),
        "kneeling-hip-flexor": (StartPosition.KNEELING, Sides.EACH, (Hold(seconds=15),), ()),
        "runners-stretch": (StartPosition.STANDING, Sides.EACH, (Hold(seconds=30),), ()),
        "middle-back-stretch": (StartPosition.STANDING, Sides.EACH, (Hold(seconds=10),), ()),
        "standing-lateral-stretch": (StartPosition.STANDING, Sides.EACH, (Hold(seconds=30),), ()),
        "lying-prone-quadriceps": (
            StartPosition.PRONE,
            Sides.EACH,
            (Hold(seconds=10), Hold(seconds=10)),
            ("partner",),
        ),
    }
    # "One circle equals 1 repetition" defines a repetition; it is not a count of one.
    assert result.catalog.stretch("ankle-circles").dose == (Reps(count=10, seconds_per_rep=3),)
    both = Catalog(stretches=imported.catalog.stretches + result.catalog.stretches)
    for context in Context:
        generated = generate_routine(both, Constraints(minutes=4, context=context, seed=5))
        assert generated.routine is not None
        assert 216 <= generated.seconds <= 240
        _assert_valid(generated.as_catalog())


OPENINGS = [
    ("Lie on your back with your knees bent.", StartPosition.SUPINE),
    ("Lie face down on a mat.", StartPosition.PRONE),
    ("Lie on your side.", StartPosition.SIDE_LYING),
    ("Get on your hands and knees.", StartPosition.ALL_FOURS),
    ("Kneel on the floor.", StartPosition.KNEELING),
    ("Sit upright in a chair.", StartPosition.SEATED),
    ("In a seated position, relax your shoulders.", StartPosition.SEATED),
    ("Stand tall with your feet apart.", StartPosition.STANDING),
]
HOLDS = ["Hold for {a}-{b} seconds", "Hold this stretch for {a} to {b} seconds", "Hold {a} seconds"]
SIDES = [
    (", then switch sides.", Sides.EACH),
    (" and repeat with the other leg.", Sides.EACH),
    (" on each side.", Sides.EACH),
    (".", Sides.NONE),
]


@given(
    st.sampled_from(OPENINGS),
    st.sampled_from(HOLDS),
    st.sampled_from(SIDES),
    st.integers(1, 120),
    st.integers(0, 60),
    st.sampled_from([" ", "\n", "  "]),
)
def test_templated_prose_is_read_exactly(
    opening: tuple[str, StartPosition],
    hold: str,
    sides: tuple[str, Sides],
    low: int,
    extra: int,
    gap: str,
) -> None:
    """Phrasings the rules claim to read, in any combination, come out exactly."""
    text, position = opening
    ending, side = sides
    entry = {
        "name": "Templated",
        "instructions": [text, "Ease in." + gap + hold.format(a=low, b=low + extra) + ending],
        "primaryMuscles": ["neck"],
    }
    result = import_free_exercise_db([entry])
    (stretch,) = result.catalog.stretches
    assert (stretch.position, stretch.sides, stretch.dose) == (position, side, (Hold(seconds=low),))
    codes = {g.code for g in result.report.entries[0].guesses}
    assert ("dose-range" in codes) == ("{b}" in hold and extra > 0)
    assert not codes - {"dose-range", "id-from-name", "equipment-from-prose"}


@given(st.integers(1, 50), st.sampled_from(["times", "repetitions", "reps"]))
def test_templated_repetitions_are_read_exactly(count: int, unit: str) -> None:
    entry = {"name": "Reps", "instructions": [f"Stand up. Repeat {count} {unit}."]}
    (stretch,) = import_free_exercise_db([entry]).catalog.stretches
    assert stretch.dose == (Reps(count=count, seconds_per_rep=3),)
