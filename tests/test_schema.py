"""The catalog JSON Schema: a valid Draft 2020-12 document that agrees with the model."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
import referencing
import referencing.exceptions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonschema_strategies import from_schema
from stretchkit.io._converter import (
    STRUCTURE_ERRORS,
    converter,
    structure_catalog,
    structure_errors_to_messages,
    unstructure_catalog,
)
from stretchkit.io._issues import Severity
from stretchkit.io._schema import (
    CATALOG_SCHEMA_ID,
    catalog_schema,
    catalog_schema_text,
    catalog_validator,
)
from stretchkit.io._semantic import semantic_issues_raw
from stretchkit.model import (
    FORMAT_VERSION,
    PART_KINDS,
    MaintenancePhase,
    Media,
    Part,
    Reintroduction,
    ReliefPhase,
    Reps,
    RoutineStep,
    Variation,
)
from stretchkit.model._validators import label, slug, text
from stretchkit.strategies import catalogs

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schemas" / "catalog.schema.json"
PACKAGED_FILE = ROOT / "src" / "stretchkit" / "schemas" / "catalog.schema.json"


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def _subschemas(node: object, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("examples", "const", "enum", "default"):
                continue
            yield from _subschemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{path}/{index}")


def _validator_at(pointer: str) -> Any:
    """A validator for the subschema at ``pointer`` of the catalog schema, offline."""
    schema = _schema()
    registry = referencing.Registry().with_resource(
        CATALOG_SCHEMA_ID, referencing.Resource.from_contents(schema)
    )
    return jsonschema.Draft202012Validator(
        {"$ref": CATALOG_SCHEMA_ID + "#" + pointer},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


# --- the schema document ---------------------------------------------------------------------


def test_schema_is_valid_against_the_draft_2020_12_metaschema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    meta = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
    assert list(meta.iter_errors(schema)) == []


def test_packaged_copy_is_byte_identical() -> None:
    assert PACKAGED_FILE.read_bytes() == SCHEMA_FILE.read_bytes()
    assert catalog_schema_text().encode("utf-8") == SCHEMA_FILE.read_bytes()
    assert catalog_schema() == _schema()


def test_catalog_schema_returns_a_copy() -> None:
    catalog_schema()["title"] = "changed"
    assert catalog_schema()["title"] == _schema()["title"]


def test_id_is_a_versioned_https_url_and_the_version_matches() -> None:
    schema = _schema()
    assert schema["$id"] == CATALOG_SCHEMA_ID
    assert re.fullmatch(r"https://[a-z0-9.-]+/[a-z0-9/-]+/v\d+\.json", CATALOG_SCHEMA_ID)
    assert CATALOG_SCHEMA_ID.endswith(f"/v{FORMAT_VERSION}.json")
    assert schema["properties"]["format_version"]["const"] == FORMAT_VERSION
    assert schema["required"] == ["format_version"]


def test_every_reference_is_local() -> None:
    refs = [node["$ref"] for _, node in _subschemas(_schema()) if "$ref" in node]
    assert refs
    assert all(ref.startswith("#/$defs/") for ref in refs)


def test_every_property_has_a_title_a_description_and_examples() -> None:
    missing = []
    for path, node in _subschemas(_schema()):
        for name, prop in node.get("properties", {}).items():
            if "if" in path:
                continue  # the part dispatcher's `if` only matches on kind
            for key in ("title", "description", "examples"):
                if not prop.get(key):
                    missing.append(f"{path}/properties/{name}: {key}")
    assert missing == []


def test_every_object_refuses_unknown_properties() -> None:
    open_objects = []
    for path, node in _subschemas(_schema()):
        if node.get("type") == "object" and node.get("additionalProperties") is not False:
            open_objects.append(path)
    # The part dispatcher only reads `kind`; each kind's own schema is closed.
    assert open_objects == ["#/$defs/part"]
    part = _schema()["$defs"]["part"]
    for branch in part["allOf"]:
        target = branch["then"]["$ref"].removeprefix("#/$defs/")
        assert _schema()["$defs"][target]["additionalProperties"] is False


def test_part_kinds_match_the_model_table() -> None:
    part = _schema()["$defs"]["part"]
    kinds = [b["if"]["properties"]["kind"]["const"] for b in part["allOf"]]
    assert kinds == list(PART_KINDS.values())
    assert part["properties"]["kind"]["enum"] == kinds
    for kind in kinds:
        assert _schema()["$defs"][kind]["properties"]["kind"]["const"] == kind


def test_every_example_in_the_schema_is_valid_where_it_stands() -> None:
    checked = 0
    for path, node in _subschemas(_schema()):
        if path == "#" or "/if" in path:
            continue
        validator = _validator_at(path.removeprefix("#"))
        for example in node.get("examples", []):
            errors = [e.message for e in validator.iter_errors(example)]
            assert errors == [], f"{path}: {example!r}"
            checked += 1
    assert checked > 50


def test_the_whole_schema_example_loads() -> None:
    for example in _schema()["examples"]:
        assert catalog_validator().is_valid(example)
        structure_catalog(example)


def test_validator_is_cached_and_never_fetches() -> None:
    validator = catalog_validator()
    assert catalog_validator() is validator
    remote = validator.evolve(schema={"$ref": "https://example.invalid/schema.json"})  # type: ignore[attr-defined]
    with pytest.raises(referencing.exceptions.Unresolvable):
        list(remote.iter_errors({}))


def test_defaults_in_the_schema_are_the_model_defaults() -> None:
    defs = _schema()["$defs"]
    pairs = [
        ("reps", Reps),
        ("relief_phase", ReliefPhase),
        ("maintenance_phase", MaintenancePhase),
        ("reintroduction", Reintroduction),
    ]
    for name, cl in pairs:
        for f in attrs.fields(cl):
            prop = defs[name]["properties"][f.name]
            if f.default is attrs.NOTHING:
                assert f.name in defs[name].get("required", []) or f.name == "kind"
            elif "default" in prop:
                assert prop["default"] == f.default, (name, f.name)


# --- agreement with the model ----------------------------------------------------------------


@given(catalogs())
def test_every_generated_catalog_dumps_to_a_schema_valid_document(catalog: Any) -> None:
    document = json.loads(json.dumps(unstructure_catalog(catalog)))
    errors = [f"{e.json_path}: {e.message}" for e in catalog_validator().iter_errors(document)]
    assert errors == []
    # The strategy promises catalogs without a single semantic issue.
    assert semantic_issues_raw(document) == []
    ids = [x.id for x in (*catalog.stretches, *catalog.routines, *catalog.programs)]
    assert len(ids) == len(set(ids))


_TEXT = _schema()["$defs"]["text"]
_LABEL = _schema()["$defs"]["label"]
_SLUG = _schema()["$defs"]["slug"]
_ATTRIBUTE = attrs.fields(Variation).name


def _model_accepts(check: Any, value: str) -> bool:
    try:
        check(None, _ATTRIBUTE, value)
    except ValueError:
        return False
    return True


_awkward_text = st.text(
    st.sampled_from(["a", "é", " ", "\t", "\n", "\x00", "\x7f", "\x85", "\xa0", "\u3000", "\ufeff"])
    | st.characters(),
    max_size=8,
)


@given(_awkward_text | st.text(max_size=130))
def test_text_and_label_patterns_agree_with_the_model(value: str) -> None:
    if any("\ud800" <= c <= "\udfff" for c in value):
        # A lone surrogate is no character: the parse stage refuses it (lone-surrogate)
        # before the schema runs, and no portable pattern can name it. The model refuses it.
        assert not _model_accepts(text, value)
        assert not _model_accepts(label, value)
        return
    assert jsonschema.Draft202012Validator(_TEXT).is_valid(value) == _model_accepts(text, value)
    assert jsonschema.Draft202012Validator(_LABEL).is_valid(value) == _model_accepts(label, value)


@given(
    st.text(st.sampled_from("ab9-\nA _"), max_size=8)
    | st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*\n?", fullmatch=True)
)
def test_slug_pattern_agrees_with_the_model(value: str) -> None:
    assert jsonschema.Draft202012Validator(_SLUG).is_valid(value) == _model_accepts(slug, value)


def test_long_hostile_strings_are_checked_quickly() -> None:
    """The text pattern must not backtrack badly (no timing assertion: it just has to finish)."""
    validator = jsonschema.Draft202012Validator(_TEXT)
    for value in (" " * 200_000 + "\x00", "a" * 200_000 + "\x01", " " * 200_000):
        assert not validator.is_valid(value)


_REPLACEMENTS = [None, True, False, 0, -1, 30.0, 1.5, 1e300, "", " ", "\t", "a\n", "x", "30"]
_REPLACEMENTS += [[], {}, [1], {"kind": "hold"}, {"kind": "hold", "seconds": 5}, 10**30]


@given(catalogs(max_stretches=3, max_routines=2, max_programs=1), st.data())
def test_schema_and_converter_agree_on_mangled_documents(catalog: Any, data: st.DataObject) -> None:
    """Change one value anywhere: the schema accepts it exactly when the model does.

    A refusal by the model never escapes as anything but :data:`STRUCTURE_ERRORS`
    and always renders as located messages.

    Rules the schema cannot state (unique labels, max sessions not below the
    minimum) are semantic errors; a document carrying one may pass the schema
    and still be refused by the model.
    """
    document = copy.deepcopy(unstructure_catalog(catalog))
    paths: list[list[str | int]] = []

    def walk(node: object, path: list[str | int]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, [*path, k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*path, i])

    walk(document, [])
    path = data.draw(st.sampled_from(paths[1:])) if len(paths) > 1 else ["stretches"]
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = data.draw(st.sampled_from(_REPLACEMENTS))

    schema_ok = catalog_validator().is_valid(document)
    try:
        structure_catalog(document)
        model_ok = True
    except STRUCTURE_ERRORS as exc:
        model_ok = False
        messages = structure_errors_to_messages(exc)
        assert messages
        assert all(isinstance(m, str) and m for _, m in messages)
        assert all(p == "" or p.startswith("/") for p, _ in messages)
    if model_ok:
        assert schema_ok, [e.message for e in catalog_validator().iter_errors(document)]
    elif schema_ok:
        errors = [i for i in semantic_issues_raw(document) if i.severity is Severity.ERROR]
        assert errors, path


# --- documents generated from the schema -----------------------------------------------------


def _from_schema(pointer: str) -> st.SearchStrategy[Any]:
    schema = _schema()
    return from_schema({"$defs": schema["$defs"], "$ref": pointer})


_SCHEMA_ONLY_RULES = ("twice", "is below", "a media URL is")
"""Messages of the model rules a schema does not state: unique labels, max not below min,
media links (checked with a located semantic issue, ``unsafe-url``)."""

_DEFS = [
    ("part", Part),
    ("routine_step", RoutineStep),
    ("relief_phase", ReliefPhase),
    ("maintenance_phase", MaintenancePhase),
    ("reintroduction", Reintroduction),
    ("media", Media),
    ("variation", Variation),
]


@pytest.mark.parametrize(("name", "cl"), _DEFS, ids=[name for name, _ in _DEFS])
def test_documents_generated_from_the_schema_structure(name: str, cl: Any) -> None:
    """Every schema-valid object structures, or fails only on a rule the schema cannot state.

    The only exceptions that may escape are :data:`STRUCTURE_ERRORS`.
    """

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(_from_schema(f"#/$defs/{name}"))
    def check(document: Any) -> None:
        try:
            value = converter.structure(document, cl)
        except STRUCTURE_ERRORS as exc:
            messages = structure_errors_to_messages(exc)
            assert messages
            assert all(any(r in m for r in _SCHEMA_ONLY_RULES) for _, m in messages), messages
        else:
            assert converter.structure(converter.unstructure(value, cl), cl) == value

    check()
