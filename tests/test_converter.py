"""The converter: round trips, the canonical form, strict refusals, located errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchkit.io._converter import (
    STRUCTURE_ERRORS,
    converter,
    make_converter,
    path_to_pointer,
    structure_as,
    structure_catalog,
    structure_errors_to_messages,
    unstructure_catalog,
)
from stretchkit.model import (
    Angle,
    Catalog,
    Context,
    Hold,
    MaintenancePhase,
    Outcome,
    Part,
    Program,
    Reintroduction,
    ReliefPhase,
    Reps,
    Routine,
    RoutineStep,
    Session,
    SkipReason,
    StepResult,
    Stretch,
)
from stretchkit.strategies import catalogs, parts, sessions, stretches


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _doc() -> dict[str, Any]:
    """A small catalog document touching every container type."""
    return {
        "format_version": 1,
        "stretches": [
            {
                "id": "heel-press",
                "name": "Heel press",
                "instructions": ["Press the heel down."],
                "position": "seated",
                "dose": [
                    {"kind": "hold", "seconds": 30},
                    {"kind": "reps", "count": 3, "seconds_per_rep": 2},
                ],
            }
        ],
        "routines": [
            {
                "id": "sit",
                "name": "Sitting",
                "context": "sitting",
                "minutes": 1,
                "steps": [{"stretch": "heel-press"}],
            }
        ],
        "programs": [
            {
                "id": "prog",
                "name": "Program",
                "relief": {"routines": {"sitting": "sit"}},
                "maintenance": {"routines": {"sitting": "sit"}},
            }
        ],
    }


def _structure(data: object, cl: type) -> object:
    return structure_catalog(data) if cl is Catalog else converter.structure(data, cl)


def _messages(data: object, cl: type = Catalog) -> list[tuple[str, str]]:
    with pytest.raises(STRUCTURE_ERRORS) as info:
        _structure(data, cl)
    return structure_errors_to_messages(info.value)


# --- round trips and the canonical form ------------------------------------------------------


@given(catalogs())
def test_catalog_round_trip_and_canonical_dump(catalog: Catalog) -> None:
    data = unstructure_catalog(catalog)
    assert structure_catalog(data) == catalog
    first = _dump(data)
    assert _dump(unstructure_catalog(catalog)) == first
    back = structure_catalog(json.loads(first))
    assert back == catalog
    assert _dump(unstructure_catalog(back)) == first
    _check_defaults_are_omitted(catalog, data)


def _check_defaults_are_omitted(catalog: Catalog, data: dict[str, Any]) -> None:
    assert next(iter(data)) == "format_version"
    for stretch, raw in zip(catalog.stretches, data.get("stretches", []), strict=True):
        for f in attrs.fields(Stretch):
            value = getattr(stretch, f.name)
            assert (f.name in raw) == (f.default is attrs.NOTHING or value != f.default)
        for part in raw["dose"]:
            assert next(iter(part)) == "kind"
    for program, raw in zip(catalog.programs, data.get("programs", []), strict=True):
        assert ("reintroduction" in raw) == (program.reintroduction != Reintroduction())
        assert list(raw["relief"]["routines"]) == [
            c.value for c in Context if c in program.relief.routines
        ]


@given(st.lists(parts(), min_size=1, max_size=3))
def test_parts_round_trip_with_their_kind(dose: list[Any]) -> None:
    data = converter.unstructure(tuple(dose), tuple[Part, ...])
    assert all(isinstance(p, dict) and "kind" in p for p in data)
    step = RoutineStep(stretch="a", dose=tuple(dose))
    assert converter.structure(converter.unstructure(step), RoutineStep) == step


@given(stretches())
def test_stretch_round_trip(stretch: Stretch) -> None:
    assert structure_as(converter.unstructure(stretch), Stretch) == stretch


def test_empty_catalog_dumps_to_its_version_only() -> None:
    assert unstructure_catalog(Catalog()) == {"format_version": 1}
    assert structure_catalog({"format_version": 1}) == Catalog()


def test_floats_are_written_as_floats() -> None:
    program = structure_catalog(_doc()).programs[0]
    changed = attrs.evolve(program, pain_free_hours=36, reintroduction=Reintroduction(rest_hours=1))
    raw = converter.unstructure(changed)
    assert raw["pain_free_hours"] == 36.0
    assert isinstance(raw["pain_free_hours"], float)
    assert isinstance(raw["reintroduction"]["rest_hours"], float)
    assert structure_catalog(_doc()).routines[0].minutes == 1.0


def test_schema_key_is_accepted_and_not_kept() -> None:
    doc = _doc()
    doc["$schema"] = "https://stretchkit.dev/schemas/catalog/v1.json"
    assert structure_catalog(doc) == structure_catalog(_doc())
    assert "$schema" not in unstructure_catalog(structure_catalog(doc))


def test_null_means_omitted_for_optional_fields() -> None:
    doc = _doc()
    doc["routines"][0]["description"] = None
    doc["routines"][0]["steps"][0].update(dose=None, variation=None)
    doc["programs"][0]["audience"] = None
    assert structure_catalog(doc) == structure_catalog(_doc())


@given(sessions(), st.lists(parts(), min_size=1, max_size=2))
def test_a_copied_converter_keeps_every_rule(session: Session, dose: list[Any]) -> None:
    copied = converter.copy()
    assert copied.structure(copied.unstructure(session), Session) == session
    step = RoutineStep(stretch="a", dose=tuple(dose))
    raw = copied.unstructure(step)
    assert all(next(iter(p)) == "kind" for p in raw["dose"])
    assert copied.structure(raw, RoutineStep) == step
    with pytest.raises(STRUCTURE_ERRORS):
        copied.structure({"seconds": "30"}, Hold)


def test_make_converter_gives_independent_converters() -> None:
    other = make_converter()
    assert other is not converter
    assert other.structure({"seconds": 5}, Hold) == Hold(seconds=5)


# --- sessions and datetimes ------------------------------------------------------------------


@given(sessions())
def test_session_round_trip(session: Session) -> None:
    data = converter.unstructure(session)
    back = converter.structure(json.loads(_dump(data)), Session)
    assert back == session
    assert back.started_at.utcoffset() == session.started_at.utcoffset()
    assert converter.unstructure(back) == data


def test_session_datetimes_are_iso_strings_with_offsets() -> None:
    start = datetime(2026, 11, 23, 8, 0, tzinfo=timezone(timedelta(hours=2)))
    session = Session(
        id="s1",
        routine="sit",
        started_at=start,
        ended_at=start + timedelta(minutes=3),
        steps=(
            StepResult(stretch="a", outcome=Outcome.COMPLETED),
            StepResult(stretch="b", outcome=Outcome.SKIPPED, reason=SkipReason.PAIN),
        ),
        pain_before=4,
    )
    data = converter.unstructure(session)
    assert data == {
        "id": "s1",
        "routine": "sit",
        "started_at": "2026-11-23T08:00:00+02:00",
        "ended_at": "2026-11-23T08:03:00+02:00",
        "steps": [
            {"stretch": "a", "outcome": "completed"},
            {"stretch": "b", "outcome": "skipped", "reason": "pain"},
        ],
        "pain_before": 4,
    }
    zulu = dict(data, started_at="2026-11-23T06:00:00Z")
    assert converter.structure(zulu, Session).started_at == start.astimezone(UTC)


@pytest.mark.parametrize(
    "value", ["2026-11-23T08:00:00", "2026-11-23", "yesterday", 1700000000, None]
)
def test_naive_or_bad_datetimes_are_refused(value: object) -> None:
    data = {
        "id": "s",
        "routine": "r",
        "started_at": value,
        "ended_at": "2026-11-23T09:00:00+00:00",
    }
    [(pointer, message)] = _messages(data, Session)
    assert pointer == "/started_at"
    assert message


# --- strict primitives -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("30", "string '30'"), (True, "true"), (30.7, "30.7"), (None, "null"), ([30], "array")],
)
def test_integer_fields_refuse_coercion(value: object, expected: str) -> None:
    [(pointer, message)] = _messages({"seconds": value}, Hold)
    assert pointer == "/seconds"
    assert "expected an integer" in message
    assert expected in message


def test_integral_floats_are_integers() -> None:
    hold = converter.structure({"seconds": 30.0}, Hold)
    assert hold == Hold(seconds=30)
    assert type(hold.seconds) is int


@pytest.mark.parametrize("value", [10**400, -(10**30), 1e300])
def test_huge_integers_are_refused_without_printing_them(value: object) -> None:
    [(pointer, message)] = _messages({"seconds": value}, Hold)
    assert pointer == "/seconds"
    assert len(message) < 200


@pytest.mark.parametrize("value", [None, 30, True, ["a"], {"a": 1}])
def test_string_fields_refuse_non_strings(value: object) -> None:
    [(pointer, message)] = _messages({"stretch": value}, RoutineStep)
    assert pointer == "/stretch"
    assert "expected a string" in message


@pytest.mark.parametrize("value", ["5", True, None, float("nan"), float("inf"), 10**400])
def test_number_fields_refuse_non_numbers(value: object) -> None:
    doc = _doc()
    doc["routines"][0]["minutes"] = value
    [(pointer, _message)] = _messages(doc)
    assert pointer == "/routines/0/minutes"


@pytest.mark.parametrize("value", [1, "true", None])
def test_boolean_fields_take_only_booleans(value: object) -> None:
    doc = _doc()
    doc["programs"][0]["relief"]["in_order"] = value
    [(pointer, message)] = _messages(doc)
    assert pointer == "/programs/0/relief/in_order"
    assert "true or false" in message


@pytest.mark.parametrize("value", ["abc", {"0": "a"}, 5])
def test_arrays_take_only_arrays(value: object) -> None:
    doc = _doc()
    doc["stretches"][0]["instructions"] = value
    [(pointer, message)] = _messages(doc)
    assert pointer == "/stretches/0/instructions"
    assert "expected an array" in message


@pytest.mark.parametrize("value", ["SEATED", "sitting-down", 3, None])
def test_enums_take_only_their_values(value: object) -> None:
    doc = _doc()
    doc["stretches"][0]["position"] = value
    [(pointer, message)] = _messages(doc)
    assert pointer == "/stretches/0/position"
    assert "'seated'" in message


# --- located errors --------------------------------------------------------------------------


def test_every_problem_is_reported_with_its_pointer() -> None:
    doc = _doc()
    stretch = doc["stretches"][0]
    stretch["dose"][0]["seconds"] = "30"
    stretch["dose"][1]["extra"] = 1
    stretch["a/b~c"] = 1
    doc["routines"][0]["steps"][0]["dose"] = [{"kind": "hod"}, {"seconds": 3}, 5]
    doc["programs"][0]["relief"]["routines"]["flying"] = "sit"
    del doc["programs"][0]["name"]
    found = dict(_messages(doc))
    assert found == {
        "/stretches/0/dose/0/seconds": "expected an integer, got string '30'",
        "/stretches/0/dose/1/extra": "unknown field 'extra'",
        "/stretches/0/a~1b~0c": "unknown field 'a/b~c'",
        "/routines/0/steps/0/dose/0/kind": found["/routines/0/steps/0/dose/0/kind"],
        "/routines/0/steps/0/dose/1": found["/routines/0/steps/0/dose/1"],
        "/routines/0/steps/0/dose/2": "expected a dose part (an object), got number 5",
        "/programs/0/relief/routines/flying": found["/programs/0/relief/routines/flying"],
        "/programs/0/name": "required field 'name' is missing",
    }
    assert "unknown dose part kind 'hod'" in found["/routines/0/steps/0/dose/0/kind"]
    assert "needs a 'kind'" in found["/routines/0/steps/0/dose/1"]
    assert "'flying'" in found["/programs/0/relief/routines/flying"]


def test_model_validator_errors_point_at_their_field() -> None:
    doc = _doc()
    doc["stretches"][0]["dose"][0]["seconds"] = 4000
    doc["stretches"][0]["dose"].append(
        {
            "kind": "angle_sequence",
            "angles": [
                {"label": "Up", "degrees": 0, "seconds": 5},
                {"label": "up", "degrees": 45, "seconds": 5},
            ],
        }
    )
    doc["programs"][0]["relief"]["min_sessions_per_day"] = 5
    doc["programs"][0]["relief"]["max_sessions_per_day"] = 2
    found = dict(_messages(doc))
    assert set(found) == {
        "/stretches/0/dose/0/seconds",
        "/stretches/0/dose/2/angles",
        "/programs/0/relief/max_sessions_per_day",
    }
    assert "3600" in found["/stretches/0/dose/0/seconds"]
    assert "twice" in found["/stretches/0/dose/2/angles"]


def test_cross_field_errors_without_a_field_point_at_the_object() -> None:
    data = {"stretch": "a", "outcome": "skipped"}
    [(pointer, message)] = _messages(data, StepResult)
    assert pointer == ""
    assert "without a reason" in message


@pytest.mark.parametrize(
    ("data", "pointer"),
    [
        ([], ""),
        ("catalog", ""),
        ({}, "/format_version"),
        ({"format_version": 2}, "/format_version"),
        ({"format_version": True}, "/format_version"),
        ({"format_version": "1"}, "/format_version"),
        ({"format_version": 1, "$schema": 5}, "/$schema"),
        ({"format_version": 1, "$schema": None}, "/$schema"),
        ({"format_version": 1, "stretches": {}}, "/stretches"),
        ({"format_version": 1, "stretches": [[]]}, "/stretches/0"),
        ({"format_version": 1, "surprise": []}, "/surprise"),
    ],
)
def test_top_level_problems_are_located(data: object, pointer: str) -> None:
    found = _messages(data)
    assert [p for p, _ in found] == [pointer]


def test_format_version_one_point_zero_is_version_one() -> None:
    assert structure_catalog({"format_version": 1.0}) == Catalog()


@pytest.mark.parametrize(
    ("path", "pointer"),
    [
        ("$", ""),
        ("$.stretches[0].dose[1].seconds", "/stretches/0/dose/1/seconds"),
        ("$.relief.routines['lying']", "/relief/routines/lying"),
        ("$.x['a/b~c']", "/x/a~1b~0c"),
        ('$.x["it\'s"]', "/x/it's"),
        ("$.$schema", "/$schema"),
    ],
)
def test_paths_become_json_pointers(path: str, pointer: str) -> None:
    assert path_to_pointer(path) == pointer


def test_session_with_programs_and_routines_types_are_all_structurable() -> None:
    for cl in (Program, Routine, ReliefPhase, MaintenancePhase, Reps, Angle):
        assert converter.get_structure_hook(cl) is not None
