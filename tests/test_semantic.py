"""Semantic checks: each check on a small document, pointers, and properties over catalogs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchkit import strategies
from stretchkit.io._converter import unstructure_catalog
from stretchkit.io._issues import Issue, Severity
from stretchkit.io._semantic import (
    SEMANTIC_CODES,
    SUGGESTION_BUDGET,
    pointer,
    raw_routine_seconds,
    semantic_issues,
    semantic_issues_raw,
)
from stretchkit.model import (
    Angle,
    AngleSequence,
    Breath,
    Catalog,
    Context,
    Hold,
    MaintenancePhase,
    NamedPosition,
    Part,
    PositionSequence,
    Program,
    Reintroduction,
    ReliefPhase,
    Reps,
    Routine,
    RoutineStep,
    Sides,
    StartPosition,
    Stretch,
    Variation,
)


def small() -> dict[str, Any]:
    """A valid catalog: two stretches, a sitting routine of one minute, one program."""
    return {
        "format_version": 1,
        "stretches": [
            {
                "id": "heel-press",
                "name": "Heel press",
                "instructions": ["Press the heel down."],
                "position": "seated",
                "sides": "each",
                "equipment": ["chair"],
                "targets": ["hamstrings"],
                "dose": [
                    {
                        "kind": "angle_sequence",
                        "angles": [
                            {"label": "toe up", "degrees": 0, "seconds": 5},
                            {"label": "toe out", "degrees": 45, "seconds": 5},
                        ],
                    }
                ],
                "variations": [{"id": "standing", "name": "Standing"}],
            },
            {
                "id": "elbow-press",
                "name": "Elbow press",
                "instructions": ["Press the elbows down."],
                "position": "seated",
                "dose": [
                    {
                        "kind": "position_sequence",
                        "positions": [
                            {"label": "elbows", "seconds": 10},
                            {"label": "palms up", "seconds": 10},
                        ],
                    }
                ],
            },
        ],
        "routines": [
            {
                "id": "desk",
                "name": "Desk",
                "context": "sitting",
                "minutes": 1,
                "steps": [
                    {"stretch": "heel-press", "variation": "standing"},
                    {"stretch": "elbow-press"},
                ],
            }
        ],
        "programs": [
            {
                "id": "relief",
                "name": "Relief",
                "relief": {"routines": {"sitting": "desk"}},
                "maintenance": {"routines": {"sitting": "desk"}},
                "reintroduction": {"rest_hours": 24, "max_rest_hours": 168},
            }
        ],
    }


def codes(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.code, i.pointer) for i in issues]


def resolve(document: Any, ptr: str) -> Any:
    """Follow an RFC 6901 pointer; KeyError/IndexError if it does not exist."""
    node = document
    for raw in ptr.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_a_valid_document_has_no_issues() -> None:
    assert semantic_issues_raw(small()) == []


def test_duplicate_stretch_id() -> None:
    doc = small()
    doc["stretches"][1]["id"] = "heel-press"
    doc["routines"][0]["steps"].pop()
    doc["routines"][0]["minutes"] = 0.5
    assert codes(semantic_issues_raw(doc)) == [("duplicate-id", "/stretches/1/id")]


def test_ids_share_one_namespace_across_kinds() -> None:
    doc = small()
    doc["programs"][0]["id"] = "desk"
    issues = semantic_issues_raw(doc)
    assert codes(issues) == [("duplicate-id", "/programs/0/id")]
    assert "/routines/0/id" in issues[0].message


def test_duplicate_variation_id() -> None:
    doc = small()
    doc["stretches"][0]["variations"].append({"id": "standing", "name": "Again"})
    assert codes(semantic_issues_raw(doc)) == [
        ("duplicate-variation", "/stretches/0/variations/1/id")
    ]


@pytest.mark.parametrize("second", ["toe up", "TOE UP"])
def test_duplicate_angle_label_ignores_case(second: str) -> None:
    doc = small()
    doc["stretches"][0]["dose"][0]["angles"][1]["label"] = second
    assert codes(semantic_issues_raw(doc)) == [
        ("duplicate-label", "/stretches/0/dose/0/angles/1/label")
    ]


def test_duplicate_position_label_in_a_step_dose_override() -> None:
    doc = small()
    doc["routines"][0]["steps"][1]["dose"] = [
        {
            "kind": "position_sequence",
            "positions": [{"label": "a", "seconds": 10}, {"label": "a", "seconds": 10}],
        }
    ]
    assert codes(semantic_issues_raw(doc)) == [
        ("duplicate-label", "/routines/0/steps/1/dose/0/positions/1/label")
    ]


def test_unknown_stretch_suggests_the_near_id() -> None:
    doc = small()
    doc["routines"][0]["steps"][1]["stretch"] = "elbow-pres"
    issues = semantic_issues_raw(doc)
    assert codes(issues) == [("unknown-stretch", "/routines/0/steps/1/stretch")]
    assert "'elbow-press'" in issues[0].message


def test_unknown_variation_names_the_ones_there_are() -> None:
    doc = small()
    doc["routines"][0]["steps"][0]["variation"] = "lying"
    issues = semantic_issues_raw(doc)
    assert codes(issues) == [("unknown-variation", "/routines/0/steps/0/variation")]
    assert "'standing'" in issues[0].message


def test_variation_on_a_stretch_without_any() -> None:
    doc = small()
    doc["routines"][0]["steps"][1]["variation"] = "lying"
    issues = semantic_issues_raw(doc)
    assert codes(issues) == [("unknown-variation", "/routines/0/steps/1/variation")]
    assert "none" in issues[0].message


def test_unknown_routine() -> None:
    doc = small()
    doc["programs"][0]["maintenance"]["routines"]["sitting"] = "dsk"
    assert codes(semantic_issues_raw(doc)) == [
        ("unknown-routine", "/programs/0/maintenance/routines/sitting")
    ]


def test_context_mismatch() -> None:
    doc = small()
    doc["programs"][0]["relief"]["routines"] = {"sitting": "desk", "lying": "desk"}
    assert codes(semantic_issues_raw(doc)) == [
        ("context-mismatch", "/programs/0/relief/routines/lying")
    ]


def test_sessions_range() -> None:
    doc = small()
    doc["programs"][0]["relief"].update(min_sessions_per_day=3, max_sessions_per_day=2)
    assert codes(semantic_issues_raw(doc)) == [
        ("sessions-range", "/programs/0/relief/max_sessions_per_day")
    ]


def test_rest_range_is_a_warning() -> None:
    doc = small()
    doc["programs"][0]["reintroduction"]["max_rest_hours"] = 12
    issues = semantic_issues_raw(doc)
    assert codes(issues) == [("rest-range", "/programs/0/reintroduction/max_rest_hours")]
    assert issues[0].severity is Severity.WARNING


def test_repeated_step_is_a_warning_only_for_the_same_variation() -> None:
    doc = small()
    steps = doc["routines"][0]["steps"]
    steps.insert(1, {"stretch": "heel-press"})  # another variation: deliberate
    assert semantic_issues_raw(doc) == []
    steps.insert(2, {"stretch": "heel-press"})
    doc["routines"][0]["minutes"] = 1.5
    issues = semantic_issues_raw(doc)
    assert codes(issues) == [("repeated-step", "/routines/0/steps/2")]
    assert issues[0].severity is Severity.WARNING


def test_duplicate_entries() -> None:
    doc = small()
    doc["stretches"][0]["targets"] = ["neck", "hamstrings", "neck"]
    doc["stretches"][0]["variations"][0]["equipment"] = ["wall", "wall"]
    assert codes(semantic_issues_raw(doc)) == [
        ("duplicate-entry", "/stretches/0/targets/2"),
        ("duplicate-entry", "/stretches/0/variations/0/equipment/1"),
    ]


# --- minutes ---------------------------------------------------------------------------------


def test_derived_seconds_include_sides_and_overrides() -> None:
    doc = small()
    stretches = {s["id"]: s for s in doc["stretches"]}
    assert raw_routine_seconds(doc["routines"][0], stretches) == 2 * 10 + 20
    doc["routines"][0]["steps"][1]["dose"] = [{"kind": "reps", "count": 3, "seconds_per_rep": 2}]
    assert raw_routine_seconds(doc["routines"][0], stretches) == 20 + 6


@pytest.mark.parametrize(
    ("minutes", "derived", "warned"),
    [
        (1, 90, False),  # 30 s off: the floor allows it
        (1, 91, True),
        (1, 29, True),
        (4, 300, False),  # 60 s of 240 s = 25 %
        (4, 301, True),
        (10, 450, False),
        (10, 449, True),
    ],
)
def test_minutes_tolerance_is_30_seconds_or_a_quarter(
    minutes: float, derived: int, warned: bool
) -> None:
    doc = small()
    doc["routines"][0]["minutes"] = minutes
    doc["routines"][0]["steps"] = [{"stretch": "elbow-press", "dose": [_hold(derived)]}]
    found = codes(semantic_issues_raw(doc))
    assert found == ([("minutes-mismatch", "/routines/0/minutes")] if warned else [])


def _hold(seconds: int) -> dict[str, Any]:
    return {"kind": "hold", "seconds": seconds}


def test_minutes_are_not_checked_when_a_step_does_not_resolve() -> None:
    doc = small()
    doc["routines"][0]["minutes"] = 60
    doc["routines"][0]["steps"].append({"stretch": "nowhere"})
    assert [c for c, _ in codes(semantic_issues_raw(doc))] == ["unknown-stretch"]


# --- robustness and pointers -------------------------------------------------------------------


def test_pointers_escape_slash_and_tilde() -> None:
    assert pointer("programs", 0, "a/b~c") == "/programs/0/a~1b~0c"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_json_value_gives_issues_never_an_exception(value: Any) -> None:
    assert isinstance(semantic_issues_raw(value), list)


@given(st.data())
def test_misshapen_parts_of_a_valid_document_never_raise(data: st.DataObject) -> None:
    doc = small()
    paths = list(_paths(doc))
    path = data.draw(st.sampled_from(paths))
    parent = resolve(doc, pointer(*path[:-1]))
    parent[path[-1]] = data.draw(json_values)
    for issue in semantic_issues_raw(doc):
        assert issue.code in SEMANTIC_CODES


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> Any:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield (*prefix, key)
        if isinstance(value, dict | list):
            yield from _paths(value, (*prefix, key))


# --- generated catalogs ----------------------------------------------------------------------

slugs = st.builds(
    lambda head, tail: f"{head}-{tail}" if tail else head,
    st.text("abcdefgh", min_size=1, max_size=6),
    st.text("xyz01", max_size=3),
)
"""Ids such as ``bad-x0``: at most six letters, then maybe a hyphen and a short tail."""
seconds = st.integers(1, 40)
CONTEXT_POSITION = {
    Context.LYING: StartPosition.SUPINE,
    Context.SITTING: StartPosition.SEATED,
    Context.STANDING: StartPosition.STANDING,
}


def _labels(n: int) -> list[str]:
    return [f"step {i}" for i in range(n)]


parts: st.SearchStrategy[Part] = st.one_of(
    st.builds(Hold, seconds=seconds),
    st.builds(
        Reps, count=st.integers(1, 10), seconds_per_rep=seconds, hold_seconds=st.integers(0, 5)
    ),
    st.builds(
        Breath,
        rounds=st.integers(1, 4),
        exhale_seconds=seconds,
        hold_seconds=seconds,
        release_seconds=seconds,
    ),
    st.integers(2, 4).flatmap(
        lambda n: st.lists(seconds, min_size=n, max_size=n).map(
            lambda secs: AngleSequence(
                angles=[
                    Angle(label=lab, degrees=15 * i, seconds=s)
                    for i, (lab, s) in enumerate(zip(_labels(len(secs)), secs, strict=True))
                ]
            )
        )
    ),
    st.integers(2, 4).flatmap(
        lambda n: st.lists(seconds, min_size=n, max_size=n).map(
            lambda secs: PositionSequence(
                positions=[
                    NamedPosition(label=lab, seconds=s)
                    for lab, s in zip(_labels(len(secs)), secs, strict=True)
                ]
            )
        )
    ),
)


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    """Valid catalogs: unique ids in one namespace, references that resolve, honest minutes."""
    ids = draw(st.lists(slugs, min_size=3, max_size=12, unique=True))
    n_stretches = draw(st.integers(1, len(ids) - 2))
    stretch_ids, rest = ids[:n_stretches], ids[n_stretches:]
    n_routines = draw(st.integers(1, len(rest) - 1)) if len(rest) > 1 else 1
    routine_ids, program_ids = rest[:n_routines], rest[n_routines:]
    stretches = [
        Stretch(
            id=sid,
            name=sid,
            instructions=["Do it."],
            position=draw(st.sampled_from(StartPosition)),
            sides=draw(st.sampled_from(Sides)),
            dose=draw(st.lists(parts, min_size=1, max_size=2)),
            targets=draw(st.lists(slugs, max_size=3, unique=True)),
            variations=[
                Variation(id=v, name=v) for v in draw(st.lists(slugs, max_size=2, unique=True))
            ],
        )
        for sid in stretch_ids
    ]
    by_id = {s.id: s for s in stretches}
    routines = []
    for rid in routine_ids:
        steps = []
        for stretch in draw(st.lists(st.sampled_from(stretches), min_size=1, max_size=5)):
            variation = draw(st.sampled_from([None, *(v.id for v in stretch.variations)]))
            dose = draw(st.none() | st.lists(parts, min_size=1, max_size=2))
            steps.append(RoutineStep(stretch=stretch.id, variation=variation, dose=dose))
        probe = Routine(id=rid, name=rid, context=Context.LYING, minutes=1, steps=steps)
        minutes = max(0.1, round(probe.duration(by_id) / 60, 1))
        context = draw(st.sampled_from(Context))
        routines.append(Routine(id=rid, name=rid, context=context, minutes=minutes, steps=steps))
    by_context: dict[Context, list[str]] = {}
    for r in routines:
        by_context.setdefault(r.context, []).append(r.id)
    programs = []
    for pid in program_ids:
        contexts = draw(
            st.lists(
                st.sampled_from(sorted(by_context, key=lambda c: c.value)), min_size=1, unique=True
            )
        )
        mapping = {c: draw(st.sampled_from(by_context[c])) for c in contexts}
        programs.append(
            Program(
                id=pid,
                name=pid,
                relief=ReliefPhase(routines=mapping),
                maintenance=MaintenancePhase(routines=mapping),
                reintroduction=Reintroduction(),
            )
        )
    return Catalog(stretches=stretches, routines=routines, programs=programs)


def _document(catalog: Catalog) -> dict[str, Any]:
    """The catalog as a plain JSON document, via a JSON round trip to drop Python types."""
    from stretchkit.io._semantic import _plain

    plain = _plain(catalog)
    return json.loads(json.dumps(plain))  # type: ignore[no-any-return]


@given(catalogs())
def test_generated_valid_catalogs_have_no_errors_from_model_or_document(catalog: Catalog) -> None:
    issues = semantic_issues(catalog)
    assert [i for i in issues if i.is_error] == []
    assert "minutes-mismatch" not in {i.code for i in issues}
    assert semantic_issues_raw(_document(catalog)) == issues


def _references(doc: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every reference in a document: its path and the code a missing target gives."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for r, routine in enumerate(doc["routines"]):
        for s, step in enumerate(routine["steps"]):
            found.append((("routines", r, "steps", s, "stretch"), "unknown-stretch"))
            if step.get("variation") is not None:
                found.append((("routines", r, "steps", s, "variation"), "unknown-variation"))
    for p, program in enumerate(doc["programs"]):
        for phase in ("relief", "maintenance"):
            for context in program[phase]["routines"]:
                found.append((("programs", p, phase, "routines", context), "unknown-routine"))
    return found


@given(catalogs(), st.data())
def test_a_dangling_reference_gives_exactly_one_located_error(
    catalog: Catalog, data: st.DataObject
) -> None:
    doc = _document(catalog)
    path, code = data.draw(st.sampled_from(_references(doc)))
    parent = resolve(doc, pointer(*path[:-1]))
    parent[path[-1]] = "missing-0"  # generated ids have at most six letters
    errors = [i for i in semantic_issues_raw(doc) if i.is_error]
    assert codes(errors) == [(code, pointer(*path))]
    assert resolve(doc, errors[0].pointer) == "missing-0"
    assert errors[0].line is None
    assert errors[0].column is None


def test_semantic_issues_on_a_model_catalog_uses_tuple_indices() -> None:
    stretch = Stretch(
        id="a",
        name="A",
        instructions=["Go."],
        position=StartPosition.SEATED,
        dose=[Hold(seconds=30)],
    )
    routine = Routine(
        id="r",
        name="R",
        context=Context.SITTING,
        minutes=0.5,
        steps=[RoutineStep(stretch="a"), RoutineStep(stretch="b")],
    )
    catalog = Catalog(stretches=[stretch], routines=[routine])
    assert codes(semantic_issues(catalog)) == [("unknown-stretch", "/routines/0/steps/1/stretch")]


@settings(max_examples=30)  # the public strategy is slow; its own tests run it fully
@given(strategies.catalogs())
def test_catalogs_from_the_public_strategies_have_no_issues(catalog: Catalog) -> None:
    assert semantic_issues(catalog) == []
    assert semantic_issues_raw(unstructure_catalog(catalog)) == []


def test_did_you_mean_has_a_budget_so_bad_documents_stay_linear() -> None:
    doc = small()
    doc["stretches"] = [
        {
            "id": f"stretch-{i}",
            "name": "S",
            "instructions": ["Go."],
            "position": "seated",
            "dose": [{"kind": "hold", "seconds": 1}],
        }
        for i in range(1000)
    ]
    doc["routines"][0]["steps"] = [{"stretch": f"stretch-{i}x"} for i in range(40)]
    doc["programs"] = []
    issues = semantic_issues_raw(doc)
    assert [i.code for i in issues] == ["unknown-stretch"] * 40
    suggested = sum("did you mean" in i.message for i in issues)
    assert suggested == SUGGESTION_BUDGET // 1000
