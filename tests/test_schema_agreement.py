"""The published schema, read by an independent validator, agrees with stretchkit.

jsonschema-rs (a separate implementation in Rust) judges each example and
corpus file against ``schemas/catalog.schema.json``; stretchkit's own verdict
must match: a document the independent validator refuses has errors here too,
and a document it accepts has, at most, errors a schema cannot express
(semantic checks, duplicate keys, the format version).

Documents generated from the schema itself (hypothesis-jsonschema) are then fed
to ``validate_catalog`` as text: they load, or every issue is located.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stretchkit as sk
from jsonschema_strategies import from_schema
from stretchkit.io._semantic import SEMANTIC_CODES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "catalog.schema.json").read_text(encoding="utf-8"))
FILES = sorted(
    [
        *(ROOT / "examples").rglob("*.json"),
        *(ROOT / "tests" / "corpus" / "should-pass").glob("*.json"),
        *(ROOT / "tests" / "corpus" / "should-fail").glob("*.json"),
    ]
)
BEYOND_A_SCHEMA = {*SEMANTIC_CODES, "duplicate-key", "bom"}
"""Codes for rules a JSON Schema validator cannot see (or sees before parsing)."""


def _independent() -> Any:
    return jsonschema_rs.validator_for(SCHEMA)


def _plain_json(path: Path) -> Any:
    """The document as a plain JSON parser reads it, or None where it cannot."""
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except ValueError:
        return None


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_an_independent_validator_agrees(path: Path) -> None:
    document = _plain_json(path)
    issues = sk.validate_catalog(path)
    errors = {i.code for i in issues if i.is_error}
    if document is None:
        assert errors, "a file no JSON parser reads must have errors"
        return
    if _independent().is_valid(document):
        assert errors <= BEYOND_A_SCHEMA, errors
    else:
        assert errors, f"jsonschema-rs refuses {path.name}, stretchkit did not"
        assert errors - BEYOND_A_SCHEMA, errors


def test_check_jsonschema_agrees_on_every_file() -> None:
    """check-jsonschema (the command-line checker editors and CI use) gives the same verdict
    as jsonschema-rs on every example and corpus file a JSON parser reads."""
    command = Path(sys.executable).with_name("check-jsonschema")
    readable = [
        p
        for p in FILES
        if _plain_json(p) is not None and not p.read_bytes().startswith(b"\xef\xbb\xbf")
    ]
    done = subprocess.run(
        [
            str(command),
            "--schemafile",
            str(ROOT / "schemas" / "catalog.schema.json"),
            "-o",
            "json",
            *map(str, readable),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert not report.get("parse_errors"), report["parse_errors"]
    refused = {Path(e["filename"]).resolve() for e in report.get("errors", [])}
    expected = {p.resolve() for p in readable if not _independent().is_valid(_plain_json(p))}
    assert refused == expected
    assert expected
    assert len(expected) < len(readable)


def test_the_example_is_valid_for_the_independent_validator() -> None:
    document = _plain_json(ROOT / "examples" / "upper-back-relief.json")
    assert _independent().is_valid(document)


def _from_schema(ref: str) -> st.SearchStrategy[Any]:
    return from_schema({"$defs": SCHEMA["$defs"], "$ref": ref})


_STRETCH = {
    "id": "heel-press",
    "name": "Heel press",
    "instructions": ["Press one heel into the floor."],
    "position": "seated",
    "dose": [{"kind": "hold", "seconds": 10}],
}


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@given(
    part=st.deferred(lambda: _from_schema("#/$defs/part")),
    variation=st.deferred(lambda: _from_schema("#/$defs/variation")),
    indent=st.sampled_from([None, 1, 2]),
)
def test_documents_generated_from_the_schema_load_or_give_located_issues(
    part: Any, variation: Any, indent: int | None
) -> None:
    """Generated pieces (a whole stretch is too slow to generate) go into a real document."""
    stretch = {**_STRETCH, "dose": [part], "variations": [variation]}
    document = {"format_version": 1, "stretches": [stretch]}
    assert _independent().is_valid(document)
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    issues = sk.validates_catalog(text)
    for issue in issues:
        assert issue.line is not None, issue
        assert issue.column is not None, issue
        assert issue.code in BEYOND_A_SCHEMA or issue.code == "invalid-value", issue
    if not any(i.is_error for i in issues):
        assert sk.loads_catalog(text).stretches[0].dose
